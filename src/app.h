/* app: the live window (GLFW): main loop, input, and the only file that
 * includes GLFW. */
#ifndef IPVIZ_APP_H
#define IPVIZ_APP_H

#include "cli.h"

/* Returns the process exit status. */
int app_run(const ipviz_options *o);

#endif
