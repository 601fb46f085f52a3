/* log: the one place user-facing messages go.
 *
 * Errors for the user are one line: "ipviz: <thing>: <problem>; <what to do>".
 * Modules report through log_error/log_warn and return false/NULL; they never
 * exit. Thread-safe (each call writes one line with a single fwrite). */
#ifndef IPVIZ_LOG_H
#define IPVIZ_LOG_H

#include <stdbool.h>

typedef enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG } log_level;

/* Messages above this level are dropped; default LOG_INFO ("-q" sets LOG_WARN). */
void log_set_level(log_level level);
log_level log_get_level(void);

void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
