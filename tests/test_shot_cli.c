/* ipviz --headless -o, end to end: impossible sizes, unwritable paths and bad
 * colours are refused before reading with one line naming the option and
 * exit status 2, leaving no file; a good run writes a PNG of the requested
 * size whose background is the one asked for, with nodes drawn on it. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "shot.h"
#include "util.h"
#include "util_graphpcap.h"
#include "util_image.h"

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static int lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

/* Runs ipviz with args; expects exit 2, one line containing want, no out. */
static void refused(const char *want, const char *out, const char *const *args)
{
    const char *argv[32] = {IPVIZ_BIN, "--headless", "-q"};
    int n = 3;
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    char *err = NULL;
    int rc = test_run(argv, NULL, &err);
    if (rc != 2 || !err || !strstr(err, want) || lines(err) != 1) {
        fprintf(stderr, "expected exit 2 and one line containing \"%s\"; got %d: %s\n", want, rc,
                err ? err : "(nothing)");
        test_failures++;
    }
    if (out && exists(out)) {
        fprintf(stderr, "%s was left behind\n", out);
        test_failures++;
        unlink(out);
    }
    free(err);
}

/* Mesa's driver leaks a few allocations from a module it unloads at
 * eglTerminate, which LeakSanitizer can neither name nor suppress (as in
 * test_app): runs that draw are checked with leak detection off; shot's and
 * render's own frees are checked in-process by test_shot and test_render. */
static void no_leak_check_in_children(void)
{
    char opts[1024];
    const char *asan = getenv("ASAN_OPTIONS");
    snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", asan ? asan : "", asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
}

int main(void)
{
    const char *cap = test_tmp_path("shot-cli.pcap");
    CHECK(test_write_graph_pcap(cap, 300, 1));
    const char *out = test_tmp_path("shot-cli.png");
    unlink(out);

    refused("-o /nonexistent-ipviz/x.png: cannot be written", NULL,
            (const char *[]){"-o", "/nonexistent-ipviz/x.png", cap, NULL});
    refused("ending in .png", NULL, (const char *[]){"-o", test_tmp_path("x.jpg"), cap, NULL});
    refused("--size 70000x100: picture size 70000x100 is too large", out,
            (const char *[]){"-o", out, "--size", "70000x100", cap, NULL});
    refused("too large for the PNG encoder", out,
            (const char *[]){"-o", out, "--size", "40000x40000", "--background", "transparent", cap, NULL});
    refused("--background red: expected #rrggbb", out,
            (const char *[]){"-o", out, "--background", "red", cap, NULL});
    refused("--size", out, (const char *[]){"-o", out, "--size", "0x100", cap, NULL});
    refused("--size", out, (const char *[]){"-o", out, "--size", "-3x100", cap, NULL});

    /* A good run needs the GPU layout; skip that part where this build has
     * none yet (the module stub) or no GL context. */
    test_require_gl();
    layout *probe = layout_create(&(layout_params){0});
    if (!probe) {
        fprintf(stderr, "note: no layout in this build; end-to-end picture not checked\n");
        return test_result();
    }
    layout_destroy(probe);
    no_leak_check_in_children();
    const char *argv[] = {IPVIZ_BIN, "--headless", "-q", "-n", "20", "-o", out, "--size", "640x400",
                          "--background", "#204060", cap, NULL};
    char *err = NULL;
    int rc = test_run(argv, NULL, &err);
    CHECK_INT(rc, 0);
    if (rc)
        fprintf(stderr, "ipviz said: %s\n", err ? err : "");
    free(err);
    shot_image *img = test_png_read(out, 3);
    CHECK(img != NULL);
    if (img) {
        CHECK_INT(img->width, 640);
        CHECK_INT(img->height, 400);
        const uint8_t *p = shot_image_at(img, 0, 0);
        CHECK_INT(p[0], 0x20);
        CHECK_INT(p[1], 0x40);
        CHECK_INT(p[2], 0x60);
        long other = 0;
        for (int y = 0; y < img->height; y++)
            for (int x = 0; x < img->width; x++) {
                const uint8_t *q = shot_image_at(img, x, y);
                other += q[0] != 0x20 || q[1] != 0x40 || q[2] != 0x60;
            }
        fprintf(stderr, "%ld pixels are not background\n", other);
        CHECK(other > 1000); /* 300 hosts and their edges were drawn */
        shot_image_destroy(img);
    }
    unlink(out);
    return test_result();
}
