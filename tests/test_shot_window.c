/* The window's screenshot key under Xvfb: a scripted run presses P, and the
 * PNG named by -o appears with the window's size and the graph drawn on the
 * theme's background, while the window keeps running; no temporary file is
 * left. Re-runs itself under xvfb-run when there is no display; skips (77)
 * without xvfb-run outside CI, and while the layout is a stub. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "picture.h"
#include "shot.h"
#include "util.h"
#include "util_graphpcap.h"
#include "util_image.h"

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

int main(int argc, char **argv)
{
    (void)argc;
    test_require_display(argv[0]);
    test_require_gl();
    layout *probe = layout_create(NULL);
    if (!probe)
        test_skip("the layout module is a stub in this build");
    layout_destroy(probe);

    const char *cap = test_tmp_path("shot-window.pcap");
    CHECK(test_write_graph_pcap(cap, 200, 2));
    const char *out = test_tmp_path("shot-window.png");
    unlink(out);
    const char *script = test_tmp_path("shot-window.script");
    FILE *f = fopen(script, "w");
    CHECK(f != NULL);
    if (!f)
        return test_result();
    fprintf(f, "wait-loaded\nwait 10\nkey p\nwait 30\nprint\nquit\n");
    fclose(f);
    no_leak_check_in_children();
    const char *args[] = {IPVIZ_BIN, "--size", "320x200", "-o", out, "--script", script, cap, NULL};
    char *so = NULL, *se = NULL;
    int rc = test_run(args, &so, &se);
    CHECK_INT(rc, 0);
    if (!se || !strstr(se, "wrote ")) {
        fprintf(stderr, "expected a 'wrote %s' message; stderr: %s\n", out, se ? se : "");
        test_failures++;
    }
    shot_image *img = test_png_read(out, 3);
    CHECK(img != NULL);
    if (img) {
        fprintf(stderr, "picture %dx%d\n", img->width, img->height);
        CHECK_INT(img->width, 320);
        CHECK_INT(img->height, 200);
        float bg[3];
        picture_theme_background(RENDER_THEME_DARK, bg);
        long other = 0;
        for (int y = 0; y < img->height; y++)
            for (int x = 0; x < img->width; x++) {
                const uint8_t *p = shot_image_at(img, x, y);
                other += abs(p[0] - (int)(bg[0] * 255 + 0.5f)) > 2;
            }
        fprintf(stderr, "%ld pixels are not background\n", other);
        CHECK(other > 200);
        shot_image_destroy(img);
    }
    /* No "<out>.tmp-*" left. */
    DIR *d = opendir(test_tmp_path(""));
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, "shot-window.png.tmp-")) {
            fprintf(stderr, "temporary %s left\n", e->d_name);
            test_failures++;
        }
    if (d)
        closedir(d);
    free(so);
    free(se);
    unlink(out);
    return test_result();
}
