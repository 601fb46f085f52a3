/* log: one-line messages on stderr, prefixed with the program name. */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

static _Atomic int current_level = LOG_INFO;

void log_set_level(log_level level) { atomic_store(&current_level, (int)level); }
log_level log_get_level(void) { return (log_level)atomic_load(&current_level); }

void log_msg(log_level level, const char *fmt, ...)
{
    if ((int)level > atomic_load(&current_level))
        return;
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    char line[1024];
    int n = snprintf(line, sizeof line, "ipviz: %s", prefix[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    fwrite(line, 1, len, stderr);
}
