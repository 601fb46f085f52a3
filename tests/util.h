/* Test helpers shared by tests/test_*.c.
 *
 * CHECK* print what was expected and what came, with file and line, and mark
 * the test failed without stopping it; tests end with `return test_result();`.
 * A test that cannot run here (no GL context, no ../shared/pcaps) calls
 * test_skip(), which exits 77 (ctest reports a skip) — except a missing GL
 * context when $CI is set, which is a failure. */
#ifndef IPVIZ_TEST_UTIL_H
#define IPVIZ_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern int test_failures;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);     \
            test_failures++;                                                             \
        }                                                                                \
    } while (0)

#define CHECK_INT(got, want)                                                             \
    do {                                                                                 \
        long long g_ = (long long)(got), w_ = (long long)(want);                         \
        if (g_ != w_) {                                                                  \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__,  \
                    #got, w_, g_);                                                       \
            test_failures++;                                                             \
        }                                                                                \
    } while (0)

#define CHECK_STR(got, want)                                                             \
    do {                                                                                 \
        const char *g_ = (got), *w_ = (want);                                            \
        if (!g_ || strcmp(g_, w_) != 0) {                                                \
            fprintf(stderr, "%s:%d: %s: expected \"%s\", got \"%s\"\n", __FILE__,        \
                    __LINE__, #got, w_, g_ ? g_ : "(null)");                             \
            test_failures++;                                                             \
        }                                                                                \
    } while (0)

int test_result(void);
_Noreturn void test_skip(const char *why);
/* Skips (or fails in CI) when no headless GL 4.3 context can be made;
 * otherwise leaves one current. */
void test_require_gl(void);

/* For windowed tests: returns when $DISPLAY is set; otherwise re-executes
 * argv0 under xvfb-run (never returns), skips when xvfb-run is missing
 * outside CI, and fails in CI (xvfb is one of CI's packages). */
void test_require_display(const char *argv0);

/* A fresh path under the build's tests/tmp folder: <tmp>/<name>. */
const char *test_tmp_path(const char *name);

/* Runs argv (argv[0] a program path) with stdout and stderr captured into
 * malloc'd strings (may be NULL to discard). Returns the exit status, or -1
 * if it was killed by a signal (the signal is printed). */
int test_run(const char *const argv[], char **out, char **err);

/* Reads a whole file into a malloc'd, NUL-terminated buffer; NULL if absent. */
char *test_read_file(const char *path, size_t *len);

#endif
