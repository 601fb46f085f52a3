/* app: the live window. Not written yet: see issue "Live window". */
#include "app.h"

#include "log.h"

int app_run(const ipviz_options *o)
{
    (void)o;
    log_error("the live window is not available in this build yet; use --headless");
    return 1;
}
