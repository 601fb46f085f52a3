/* bench_shot: time to make a big picture, split into rendering (tiles drawn,
 * resolved and read back) and PNG encoding + writing.
 *
 * Scene: a random graph of N nodes and 2N edges drawn by the test scene
 * (tests/util_scene.c), the renderer's shapes without its labels. The floor
 * measured in the same run is an empty picture (clear, resolve, read back
 * only), so "render / floor" is what drawing costs above moving pixels.
 * Then the real thing, end to end: `ipviz --headless -n 100 -o --size WxH
 * --stats` on a synthetic capture of N hosts (tests/util_graphpcap.c), whose
 * --stats line splits the picture into draw (render + read-back) and png.
 * Usage: bench_shot [WxH ...] [--nodes N] [--tile N] [--samples N] [--keep]
 * (default 7250x5793 16384x16384) */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "glctx.h"
#include "shot.h"
#include "util.h"
#include "util_graphpcap.h"
#include "util_scene.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void nothing(void *user, const shot_tile *t)
{
    (void)user;
    (void)t;
}

static uint32_t rng = 12345;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / 16777216.0f;
}

int main(int argc, char **argv)
{
    int sizes[8][2], nsizes = 0, nodes = 3000, tile = 0, samples = 0;
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        int w, h;
        if (!strcmp(argv[i], "--nodes") && i + 1 < argc)
            nodes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tile") && i + 1 < argc)
            tile = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--samples") && i + 1 < argc)
            samples = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--keep"))
            keep = true;
        else if (sscanf(argv[i], "%dx%d", &w, &h) == 2 && nsizes < 8) {
            sizes[nsizes][0] = w;
            sizes[nsizes++][1] = h;
        }
    }
    if (!nsizes) {
        sizes[0][0] = 7250, sizes[0][1] = 5793;
        sizes[1][0] = 16384, sizes[1][1] = 16384;
        nsizes = 2;
    }
    test_require_gl();
    printf("renderer: %s\n", glctx_renderer());
    for (int si = 0; si < nsizes; si++) {
        const int W = sizes[si][0], H = sizes[si][1];
        int n = nodes, m = 2 * nodes;
        item *it = malloc(sizeof(item) * (size_t)(n + m));
        float (*xy)[2] = malloc(sizeof *xy * (size_t)n);
        for (int i = 0; i < n; i++) {
            /* clustered like a laid-out graph: a few dense centres */
            float cx = 0.2f + 0.6f * (float)(i % 7) / 6.0f, cy = 0.3f + 0.4f * (float)(i % 3) / 2.0f;
            float r = 0.25f * frand() * frand();
            float a = 6.2831853f * frand();
            xy[i][0] = (cx + r * cosf(a)) * (float)W;
            xy[i][1] = (cy + r * sinf(a)) * (float)H;
        }
        int k = 0;
        for (int e = 0; e < m; e++) {
            int a = (int)(frand() * (float)n) % n, b = e % 7 ? (a + 7) % n : (int)(frand() * (float)n) % n;
            it[k++] = (item){{xy[a][0], xy[a][1]}, {xy[b][0], xy[b][1]}, 0.6f, {0.5f, 0.5f, 0.5f, 0.6f}};
        }
        for (int i = 0; i < n; i++)
            it[k++] = (item){{xy[i][0], xy[i][1]}, {xy[i][0], xy[i][1]}, 3 + 6 * frand() * frand(),
                             {0.2f + 0.8f * frand(), 0.6f, 0.9f, 1}};
        scene s;
        scene_init(&s, it, k);
        char err[512];
        shot_desc d = {.width = W, .height = H, .background = {0.07f, 0.07f, 0.1f},
                       .draw = nothing, .user = &s, .tile = tile, .samples = samples};
        double t0 = now();
        shot_image *floor_img = shot_render(&d, err, sizeof err);
        double floor_s = now() - t0;
        if (!floor_img) {
            printf("%dx%d: %s\n", W, H, err);
            scene_free(&s);
            free(it);
            free(xy);
            continue;
        }
        shot_image_destroy(floor_img);
        d.draw = scene_draw;
        t0 = now();
        double c0 = cpu();
        shot_image *img = shot_render(&d, err, sizeof err);
        double render_s = now() - t0, render_cpu = cpu() - c0;
        if (!img) {
            printf("%dx%d: %s\n", W, H, err);
            scene_free(&s);
            free(it);
            free(xy);
            continue;
        }
        const char *path = test_tmp_path("bench_shot.png");
        t0 = now();
        c0 = cpu();
        bool ok = shot_write_png(img, path, NULL, NULL, err, sizeof err);
        double png_s = now() - t0, png_cpu = cpu() - c0;
        struct stat st;
        long long bytes = ok && stat(path, &st) == 0 ? (long long)st.st_size : -1;
        double mpx = (double)W * H / 1e6;
        printf("%dx%d (%.1f Mpx, %d nodes, %d edges): render %.2f s (floor: clear+resolve+read "
               "%.2f s, ratio %.2f; cpu %.2f s), png %.2f s (%.0f Mpx/s, %.1f MB; cpu %.2f s), "
               "total %.2f s%s%s\n",
               W, H, mpx, n, m, render_s, floor_s, render_s / floor_s, render_cpu, png_s, mpx / png_s,
               (double)bytes / 1e6, png_cpu, render_s + png_s, ok ? "" : ", write failed: ", ok ? "" : err);
        if (!keep)
            unlink(path);
        scene_free(&s);
        free(it);
        free(xy);
    }
    /* End to end through ipviz. */
    const char *cap = test_tmp_path("bench_shot.pcap");
    if (!test_write_graph_pcap(cap, nodes, 3)) {
        printf("cannot write %s\n", cap);
        return 1;
    }
    for (int si = 0; si < nsizes; si++) {
        char size[32];
        snprintf(size, sizeof size, "%dx%d", sizes[si][0], sizes[si][1]);
        const char *path = test_tmp_path("bench_shot_ipviz.png");
        const char *args[] = {IPVIZ_BIN, "--headless", "-q", "--stats", "-n", "100", "-o", path,
                              "--size", size, cap, NULL};
        char *out = NULL, *err = NULL;
        double t0 = now();
        int rc = test_run(args, &out, &err);
        double wall = now() - t0;
        const char *pic = out ? strstr(out, "picture") : NULL;
        const char *lay = out ? strstr(out, "layout ") : NULL;
        const char *gr = out ? strstr(out, "graph ") : NULL;
        if (rc != 0 || !pic) {
            printf("ipviz -o --size %s: exit %d: %s\n", size, rc, err ? err : "");
        } else {
            printf("ipviz %.*s", (int)(strchr(gr, '\n') - gr + 1), gr);
            if (lay)
                printf("ipviz %.*s", (int)(strchr(lay, '\n') - lay + 1), lay);
            printf("ipviz %.*s", (int)(strchr(pic, '\n') - pic + 1), pic);
            printf("ipviz whole run %.2f s wall\n", wall);
        }
        free(out);
        free(err);
        if (!keep)
            unlink(path);
    }
    unlink(cap);
    return 0;
}
