/* bench_render: one frame of the live window, split into upload, layout and
 * draw, for graphs of 10k, 100k and 1M nodes (2 edges per node unless
 * argv[1] says otherwise), on a headless context.
 *
 *   upload  new tail of 1% more nodes and edges (layout_sync + render_sync
 *           with the window's rolling refresh of 65536 older items)
 *   layout  one layout step
 *   draw    label placement + edges + nodes + labels into a 1920x1080 target
 *
 * Floors measured in the same run: a bare glBufferSubData of the bytes the
 * upload moved, and a clear of the same target (the least a frame costs).
 * Usage: bench_render [EDGES_PER_NODE [MAX_NODES]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camera.h"
#include "glctx.h"
#include "graph.h"
#include "layout.h"
#include "render.h"
#include "util.h"

#define FB_W 1920
#define FB_H 1080
#define FRAMES 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ip_addr node_addr(uint32_t i)
{
    uint8_t b[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
    return addr_v4(b);
}

static uint64_t rng = 88172645463325252ull;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Grows g to n nodes with about epn edges per node: each new node links to an
 * earlier one (a tree, so it is connected) and the rest go to random earlier
 * nodes, biased to low ids (hubs), as traffic graphs are. */
static bool grow(graph *g, uint32_t from, uint32_t n, double epn)
{
    enum { B = 4096 };
    static graph_packet batch[B];
    size_t k = 0;
    for (uint32_t i = from; i < n; i++) {
        int extra = (int)epn - 1 + ((double)next_rand() / 4294967296.0 < epn - (int)epn ? 1 : 0);
        for (int e = 0; e <= extra; e++) {
            uint32_t j;
            if (i == 0)
                j = 0;
            else if (e == 0)
                j = next_rand() % i;
            else {
                double u = (double)next_rand() / 4294967296.0;
                j = (uint32_t)(u * u * u * i);
            }
            batch[k].src = node_addr(i);
            batch[k].dst = node_addr(j == i ? (i ? i - 1 : 0) : j);
            batch[k].len = 100;
            batch[k].ts_ns = (int64_t)i * 1000;
            if (++k == B) {
                if (!graph_add_batch(g, batch, k))
                    return false;
                k = 0;
            }
        }
    }
    if (k && !graph_add_batch(g, batch, k))
        return false;
    graph_publish(g);
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

int main(int argc, char **argv)
{
    double epn = argc > 1 ? atof(argv[1]) : 2.0;
    uint32_t max_nodes = argc > 2 ? (uint32_t)atol(argv[2]) : 1000000;
    test_require_gl();
    {
        graph *probe = graph_create();
        uint8_t a4[4] = {1, 2, 3, 4};
        ip_addr x = addr_v4(a4);
        bool ok = probe && graph_add_packet(probe, &x, &x, 1, 0);
        graph_destroy(probe);
        layout *lp = ok ? layout_create(NULL) : NULL;
        if (!lp) {
            fprintf(stderr, "bench_render: needs the graph and layout modules (stubs in this build)\n");
            return 77;
        }
        layout_destroy(lp);
    }
    printf("bench_render on %s (%s), %dx%d, %.1f edges per node, median of %d frames (1 at 1M)\n",
           glctx_renderer(), glctx_version(), FB_W, FB_H, epn, FRAMES);
    printf("%9s %9s %11s %10s %10s %10s %10s %9s %11s %11s\n", "nodes", "edges", "first-load",
           "upload", "layout", "draw", "frame", "fps", "draw/clear", "upload/raw");

    GLuint fbo, rb;
    glGenFramebuffers(1, &fbo);
    glGenRenderbuffers(1, &rb);
    glBindRenderbuffer(GL_RENDERBUFFER, rb);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, FB_W, FB_H);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rb);

    /* Floor: a clear of the target. */
    double clr[FRAMES];
    for (int f = 0; f < FRAMES; f++) {
        double t0 = now();
        glViewport(0, 0, FB_W, FB_H);
        glClearColor(0.1f, 0.1f, 0.1f, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        glFinish();
        clr[f] = now() - t0;
    }
    double clear_s = median(clr, FRAMES);

    static const uint32_t sizes[] = {10000, 100000, 1000000};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        uint32_t n = sizes[si];
        if (n > max_nodes)
            break;
        graph *g = graph_create();
        layout *lay = layout_create(&(layout_params){.dims = 2});
        render *r = render_create(NULL);
        if (!g || !lay || !r || !grow(g, 0, n, epn)) {
            fprintf(stderr, "bench_render: setup failed at %u nodes\n", n);
            return 1;
        }
        double t0 = now();
        bool ok = layout_sync(lay, g) && render_sync(r, g, 0);
        glFinish();
        double first = now() - t0;
        if (!ok) {
            fprintf(stderr, "bench_render: first upload failed at %u nodes\n", n);
            return 1;
        }
        camera cam;
        camera_init(&cam, false);
        cam.smooth = 0;
        double up[FRAMES], ly[FRAMES], dr[FRAMES], raw[FRAMES];
        int frames = n >= 1000000 ? 1 : FRAMES; /* llvmpipe: a 1M frame takes minutes */
        for (int f = 0; f < frames; f++) {
            uint32_t n0 = graph_node_count(g), m0 = graph_edge_count(g);
            grow(g, n0, n0 + n / 100, epn);
            uint32_t dn = graph_node_count(g) - n0, dm = graph_edge_count(g) - m0;
            t0 = now();
            layout_sync(lay, g);
            render_sync(r, g, 65536);
            glFinish();
            up[f] = now() - t0;
            /* Raw floor: the same tail bytes (positions + edges + attributes). */
            size_t bytes = (size_t)dn * (16 + 12) + (size_t)dm * (8 + 4);
            void *junk = calloc(1, bytes ? bytes : 1);
            GLuint b;
            glGenBuffers(1, &b);
            glBindBuffer(GL_COPY_WRITE_BUFFER, b);
            glBufferData(GL_COPY_WRITE_BUFFER, (GLsizeiptr)bytes, NULL, GL_DYNAMIC_DRAW);
            t0 = now();
            glBufferSubData(GL_COPY_WRITE_BUFFER, 0, (GLsizeiptr)bytes, junk);
            glFinish();
            raw[f] = now() - t0;
            glDeleteBuffers(1, &b);
            free(junk);

            t0 = now();
            layout_step(lay, 1);
            glFinish();
            ly[f] = now() - t0;

            render_scene s = {.positions = layout_position_buffer(lay), .edges = layout_edge_buffer(lay),
                              .node_count = layout_node_count(lay), .edge_count = layout_edge_count(lay),
                              .hovered = RENDER_NONE, .selected = RENDER_NONE};
            float lo[3], hi[3];
            render_bounds(r, &s, lo, hi);
            camera_fit(&cam, FB_W, FB_H, lo, hi, 0.05f);
            camera_snap(&cam);
            render_view v = {.image_w = FB_W, .image_h = FB_H, .labels = true};
            camera_view_proj(&cam, FB_W, FB_H, v.view_proj);
            glBindFramebuffer(GL_FRAMEBUFFER, fbo);
            t0 = now();
            render_place_labels(r, &s, &v);
            glFinish();
            double t1 = now();
            render_draw(r, &s, &v);
            glFinish();
            dr[f] = now() - t0;
            if (getenv("BENCH_VERBOSE"))
                fprintf(stderr, "  labels %.2f ms, draw %.2f ms\n", (t1 - t0) * 1e3, (now() - t1) * 1e3);
        }
        double u = median(up, frames), l = median(ly, frames), d = median(dr, frames);
        double rw = median(raw, frames);
        printf("%9u %9u %9.1fms %8.2fms %8.2fms %8.2fms %8.2fms %9.1f %11.1f %11.1f\n",
               graph_node_count(g), graph_edge_count(g), first * 1e3, u * 1e3, l * 1e3, d * 1e3,
               (u + l + d) * 1e3, 1.0 / (u + l + d), d / clear_s, rw > 0 ? u / rw : 0);
        fflush(stdout);
        render_destroy(r);
        layout_destroy(lay);
        graph_destroy(g);
    }
    printf("clear floor %.2f ms\n", clear_s * 1e3);
    glDeleteFramebuffers(1, &fbo);
    glDeleteRenderbuffers(1, &rb);
    return 0;
}
