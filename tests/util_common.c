/* Test helpers: checks, skips, temporary paths, running the ipviz binary. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "glctx.h"

int test_failures;

int test_result(void)
{
    if (test_failures)
        fprintf(stderr, "%d check(s) failed\n", test_failures);
    return test_failures ? 1 : 0;
}

void test_skip(const char *why)
{
    fprintf(stderr, "SKIP: %s\n", why);
    exit(77);
}

void test_require_gl(void)
{
    static glctx *ctx;
    if (ctx)
        return;
    char err[512];
    ctx = glctx_create_headless(err, sizeof err);
    if (!ctx) {
        if (getenv("CI")) {
            fprintf(stderr, "FAIL: CI must have a GL context: %s\n", err);
            exit(1);
        }
        test_skip(err);
    }
}

void test_require_display(const char *argv0)
{
    const char *disp = getenv("DISPLAY");
    if (disp && *disp)
        return;
    if (getenv("IPVIZ_TEST_UNDER_XVFB"))
        test_skip("xvfb-run gave no display");
    if (access("/usr/bin/xvfb-run", X_OK) != 0) {
        if (getenv("CI")) {
            fprintf(stderr, "FAIL: CI needs xvfb-run (package xvfb)\n");
            exit(1);
        }
        test_skip("no display and no xvfb-run (package xvfb)");
    }
    setenv("IPVIZ_TEST_UNDER_XVFB", "1", 1);
    fflush(NULL);
    execl("/usr/bin/xvfb-run", "xvfb-run", "-a", "-s", "-screen 0 1024x768x24", argv0, (char *)NULL);
    fprintf(stderr, "cannot run xvfb-run: %s\n", strerror(errno));
    exit(1);
}

const char *test_tmp_path(const char *name)
{
    static char buf[8][4096];
    static int next;
    char *p = buf[next++ % 8];
    mkdir(IPVIZ_TEST_TMP, 0777);
    snprintf(p, 4096, "%s/%s", IPVIZ_TEST_TMP, name);
    return p;
}

static char *slurp_fd(int fd)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            s = realloc(s, cap *= 2);
        ssize_t n = read(fd, s + len, cap - len - 1);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    s[len] = 0;
    return s;
}

int test_run(const char *const argv[], char **out, char **err)
{
    char outp[] = "/tmp/ipviz-test-out-XXXXXX", errp[] = "/tmp/ipviz-test-err-XXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    unlink(outp);
    unlink(errp);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    if (out)
        *out = slurp_fd(ofd);
    if (err)
        *err = slurp_fd(efd);
    close(ofd);
    close(efd);
    if (WIFSIGNALED(st)) {
        fprintf(stderr, "%s killed by signal %d (%s)\n", argv[0], WTERMSIG(st), strsignal(WTERMSIG(st)));
        return -1;
    }
    return WEXITSTATUS(st);
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    fclose(f);
    s[got] = 0;
    if (len)
        *len = got;
    return s;
}
