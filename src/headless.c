/* headless: read every capture, then lay out, export and draw, with no window.
 *
 * The main thread starts the loader, draws a progress bar while it runs, and
 * only then creates a GL context (EGL) if layout steps or a picture are asked
 * for; with -n 0 and no picture it never touches OpenGL. Output paths, the
 * picture's size and its memory are checked before reading starts, so a long
 * read is never wasted on a typo. The picture (-o) is the whole graph fitted
 * to the image, drawn by render in shot's tiles and encoded on shot's worker
 * thread while this thread shows its progress. */
#include "headless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "camera.h"
#include "capture.h"
#include "export.h"
#include "glctx.h"
#include "graph.h"
#include "layout.h"
#include "loader.h"
#include "log.h"
#include "picture.h"
#include "render.h"
#include "shot.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void progress_draw(const loader_stats *s, const graph *g, bool final)
{
    uint64_t done = atomic_load_explicit(&s->file_bytes_done, memory_order_relaxed);
    uint64_t total = atomic_load_explicit(&s->file_bytes_total, memory_order_relaxed);
    double frac = total ? (double)done / (double)total : 0;
    if (frac > 1)
        frac = 1;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[30] = 0;
    fprintf(stderr, "\r[%s] %5.1f%%  %llu packets  %u nodes  %u edges%s", bar, 100 * frac,
            (unsigned long long)atomic_load_explicit(&s->packets, memory_order_relaxed),
            graph_node_count(g), graph_edge_count(g), final ? "\n" : "   ");
    fflush(stderr);
}

static void print_stats(const ipviz_options *o, const loader *ld, const graph *g, double read_s,
                        int layout_steps, double layout_s, const char *layout_note)
{
    const loader_stats *s = loader_get_stats(ld);
#define R(x) ((unsigned long long)atomic_load_explicit(&s->x, memory_order_relaxed))
    unsigned long long skipped = 0;
    for (int i = 1; i < DECODE_STATUS_COUNT; i++)
        skipped += R(skipped[i]);
    printf("files        %llu read, %llu with errors\n", R(files_read), R(files_failed));
    printf("packets      %llu read, %llu filtered out, %llu IP, %llu skipped\n", R(packets),
           R(filtered), R(ip_packets), skipped);
    if (skipped) {
        printf("skipped      ");
        const char *sep = "";
        for (int i = 1; i < DECODE_STATUS_COUNT; i++)
            if (R(skipped[i])) {
                printf("%s%s %llu", sep, decode_status_name((decode_status)i), R(skipped[i]));
                sep = ", ";
            }
        printf("\n");
    }
    printf("graph        %u nodes, %u edges\n", graph_node_count(g), graph_edge_count(g));
    double mb = (double)R(file_bytes_done) / 1e6;
    printf("read         %.3f s, %.1f MB, %.1f MB/s, %.0f packets/s\n", read_s, mb,
           read_s > 0 ? mb / read_s : 0, read_s > 0 ? (double)R(packets) / read_s : 0);
    if (layout_note)
        printf("layout       %d steps, %.3f s%s%s\n", layout_steps, layout_s,
               *layout_note ? ", " : "", layout_note);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("memory       %.1f MB peak resident, graph %.1f MB\n", (double)ru.ru_maxrss / 1024.0,
           (double)graph_memory(g) / 1e6);
#undef R
    (void)o;
}


/* -o: what to draw, resolved from the options before reading starts. */
typedef struct picture_plan {
    int width, height;
    float pixel_scale;       /* node sizes and text relative to the window's */
    render_theme theme;
    bool transparent;
    float background[3];
    bool labels;
} picture_plan;

#define PICTURE_DEFAULT_W 1920
#define PICTURE_DEFAULT_H 1080

static bool parse_color(const char *s, float rgb[3])
{
    unsigned v = 0;
    int n = 0;
    if (!s || s[0] != '#' || sscanf(s + 1, "%6x%n", &v, &n) != 1 || n != 6 || s[7])
        return false;
    rgb[0] = (float)((v >> 16) & 255) / 255.0f;
    rgb[1] = (float)((v >> 8) & 255) / 255.0f;
    rgb[2] = (float)(v & 255) / 255.0f;
    return true;
}

/* Checks every picture option; false after a one-line error (usage: exit 2).
 * Size: --size WxH as given (text and nodes at --scale, default 1: a large
 * picture is a large canvas, so its labels stay small enough to name most
 * hosts); otherwise --scale S times the 1920x1080 window, drawn at scale S.
 * There is no current view headless: --view current frames everything too. */
static bool picture_prepare(const ipviz_options *o, picture_plan *p)
{
    char err[512];
    memset(p, 0, sizeof *p);
    if (!shot_check_path(o->output, err, sizeof err)) {
        log_error("-o %s: %s", o->output, err);
        return false;
    }
    if (!render_theme_parse(o->theme, &p->theme)) {
        log_error("--theme %s: expected dark, light or seed", o->theme);
        return false;
    }
    picture_theme_background(p->theme, p->background);
    if (o->background && !strcmp(o->background, "transparent"))
        p->transparent = true;
    else if (o->background && !parse_color(o->background, p->background)) {
        log_error("--background %s: expected #rrggbb (e.g. #ffffff) or 'transparent'", o->background);
        return false;
    }
    float s = o->scale > 0 ? o->scale : 1.0f;
    if (o->width > 0 && o->height > 0) {
        p->width = o->width;
        p->height = o->height;
    } else {
        double w = PICTURE_DEFAULT_W * (double)s + 0.5, h = PICTURE_DEFAULT_H * (double)s + 0.5;
        p->width = w > INT32_MAX ? INT32_MAX : (int)w;
        p->height = h > INT32_MAX ? INT32_MAX : (int)h;
    }
    p->pixel_scale = s;
    p->labels = !o->no_labels;
    if (!shot_check_size(p->width, p->height, p->transparent ? 4 : 3, err, sizeof err)) {
        log_error("%s %dx%d: %s", o->width > 0 ? "--size" : "--scale", p->width, p->height, err);
        return false;
    }
    return true;
}

static void progress_line(const char *what, double frac, bool final)
{
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[30] = 0;
    fprintf(stderr, "\r[%s] %5.1f%%  %s%s", bar, 100 * frac, what, final ? "\n" : "   ");
    fflush(stderr);
}

static void render_progress(void *user, double frac)
{
    const picture_plan *p = user;
    char what[64];
    snprintf(what, sizeof what, "drawing %dx%d", p->width, p->height);
    progress_line(what, frac, false);
}

/* Draws the laid-out graph (the layout's buffers, current context) and
 * writes the PNG. Returns false after logging a one-line error. */
static bool picture_write(const ipviz_options *o, const picture_plan *p, const graph *g, layout *lay,
                          double *render_s, double *png_s, int *labels)
{
    char err[512];
    double t0 = now();
    render *r = render_create(NULL);
    if (!r) {
        log_error("-o %s: the renderer could not start on %s", o->output, glctx_renderer());
        return false;
    }
    render_scene sc = {.hovered = RENDER_NONE, .selected = RENDER_NONE};
    if (lay) {
        sc.positions = layout_position_buffer(lay);
        sc.edges = layout_edge_buffer(lay);
        sc.node_count = layout_node_count(lay);
        sc.edge_count = layout_edge_count(lay);
    }
    render_sync(r, g, 0);
    render_view v = {.image_w = p->width, .image_h = p->height, .pixel_scale = p->pixel_scale,
                     .perspective = o->three_d, .theme = p->theme, .labels = p->labels,
                     .transparent = p->transparent, .no_clear = true};
    camera cam;
    camera_init(&cam, o->three_d);
    float lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
    if (sc.node_count)
        render_bounds(r, &sc, lo, hi);
    /* A margin of a few node radii and a label's height around the graph. */
    float margin_px = 24.0f * p->pixel_scale;
    float small = (float)(p->width < p->height ? p->width : p->height);
    camera_fit(&cam, p->width, p->height, lo, hi, small > 0 ? margin_px / small : 0.05f);
    camera_snap(&cam);
    if (o->three_d) /* nominal node size at the framing distance, as the window does */
        v.depth_ref = cam.target.distance;
    camera_view_proj(&cam, p->width, p->height, v.view_proj);
    bool big = (double)p->width * p->height > 16e6 && o->progress;
    picture_desc pd = {.r = r, .scene = &sc, .view = &v,
                       .background = p->transparent ? NULL : p->background,
                       .progress = big ? render_progress : NULL, .progress_user = (void *)p,
                       .labels_placed = labels};
    shot_image *img = picture_render(&pd, err, sizeof err);
    render_destroy(r);
    if (big && img)
        fprintf(stderr, "\n");
    if (!img) {
        log_error("-o %s: %s", o->output, err);
        return false;
    }
    *render_s = now() - t0;
    t0 = now();
    shot_writer *w = shot_write_start(img, o->output, NULL, NULL, err, sizeof err);
    if (!w) {
        log_error("-o %s: %s", o->output, err);
        return false;
    }
    if (big) {
        char what[96];
        snprintf(what, sizeof what, "writing %s", o->output);
        while (!shot_writer_done(w)) {
            progress_line(what, shot_writer_progress(w), false);
            usleep(100000);
        }
        progress_line(what, 1.0, true);
    }
    bool ok = shot_writer_finish(w, err, sizeof err);
    *png_s = now() - t0;
    if (!ok)
        log_error("-o %s: %s", o->output, err);
    return ok;
}

int headless_run(const ipviz_options *o)
{
    char err[512];
    for (int i = 0; i < o->nexports; i++)
        if (!export_check_path(o->exports[i], err, sizeof err)) {
            log_error("--export %s: %s", o->exports[i], err);
            return 2;
        }
    if (o->filter && *o->filter && !capture_check_filter(o->filter, err, sizeof err)) {
        log_error("bad filter expression '%s': %s; see pcap-filter(7)", o->filter, err);
        return 2;
    }
    picture_plan pic;
    if (o->output && !picture_prepare(o, &pic))
        return 2;
    layout_params lp = layout_params_resolve(&(layout_params){
        .dims = o->three_d ? 3 : 2, .iterations = o->iterations, .seed = o->seed,
        .nx_compat = o->nx_compat});
    int steps_wanted = o->iterations < 0 ? lp.iterations : o->iterations;

    graph *g = graph_create();
    if (!g) {
        log_error("out of memory");
        return 1;
    }
    loader_desc ld_desc = {.paths = o->captures, .npaths = o->ncaptures, .filter = o->filter,
                           .graph = g};
    double t0 = now();
    loader *ld = loader_start(&ld_desc);
    if (!ld) {
        graph_destroy(g);
        return 1;
    }
    if (o->progress) {
        while (!loader_done(ld)) {
            progress_draw(loader_get_stats(ld), g, false);
            usleep(100000);
        }
        progress_draw(loader_get_stats(ld), g, true);
    }
    loader_join(ld);
    double read_s = now() - t0;
    const loader_stats *st = loader_get_stats(ld);
    int problems = loader_problem_count(ld);
    bool nothing = atomic_load(&st->files_read) == 0 && atomic_load(&st->packets) == 0;

    uint32_t n = graph_node_count(g), m = graph_edge_count(g);
    int dims = lp.dims;
    float *pos = malloc(sizeof(float) * (size_t)dims * (n ? n : 1));
    int status = nothing ? 1 : problems ? 3 : 0;
    int steps_done = 0;
    double layout_s = 0;
    const char *layout_note = NULL;
    if (!pos) {
        log_error("out of memory for %u node positions", n);
        status = 1;
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        layout_initial_position(lp.seed, i, dims, pos + (size_t)i * dims);

    bool want_layout = steps_wanted > 0 && n > 0;
    double picture_render_s = 0, picture_png_s = 0;
    int picture_labels = 0;
    static char note[512];
    if (o->output && nothing)
        log_error("-o %s: not written, no capture could be read", o->output);
    if ((want_layout || o->output) && !nothing) {
        glctx *ctx = glctx_create_headless(err, sizeof err);
        if (!ctx && o->output) {
            log_error("%s", err);
            status = 1;
            goto out;
        }
        if (!ctx) {
            /* no GL 4.3: the CPU reference runs the same steps */
            log_warn("%s; laying out on the CPU instead", err);
            double t1 = now();
            uint32_t *ed = malloc((size_t)m * 8 + 8);
            layout_ref *r = NULL;
            if (ed) {
                for (uint32_t k = 0; k < m; k++) {
                    ed[2 * k] = graph_edge_at(g, k)->a;
                    ed[2 * k + 1] = graph_edge_at(g, k)->b;
                }
                r = layout_ref_create(&lp, n, m, ed, NULL);
            }
            free(ed);
            if (!r) {
                log_error("out of memory for the CPU layout of %u nodes", n);
                status = 1;
                goto out;
            }
            steps_done = layout_ref_step(r, steps_wanted);
            const float *rp = layout_ref_positions(r);
            for (uint32_t i = 0; i < n; i++)
                for (int k = 0; k < dims; k++)
                    pos[(size_t)i * dims + k] = rp[4 * (size_t)i + k];
            layout_s = now() - t1;
            snprintf(note, sizeof note, "%son the CPU (no GL context)",
                     layout_ref_converged(r) && steps_done < steps_wanted ? "stopped early: converged, " : "");
            layout_note = note;
            layout_ref_destroy(r);
        } else {
            double t1 = now();
            layout *lay = NULL;
            if (n > 0) {
                lay = layout_create(&lp);
                if (!lay || !layout_sync(lay, g)) {
                    log_error("the layout could not start on %s; use -n 0 to export without layout",
                              glctx_renderer());
                    layout_destroy(lay);
                    glctx_destroy(ctx);
                    status = 1;
                    goto out;
                }
            }
            if (want_layout) {
                bool exact = layout_exact(lay);
                while (steps_done < steps_wanted) {
                    int k = layout_step(lay, steps_wanted - steps_done < 10 ? steps_wanted - steps_done : 10);
                    if (k <= 0)
                        break;
                    steps_done += k;
                }
                layout_read_positions(lay, pos, dims);
                layout_s = now() - t1;
                bool early = layout_converged(lay) && steps_done < steps_wanted;
                snprintf(note, sizeof note, "%s (movement %.3g), %s repulsion, %s",
                         early ? "stopped early: converged" : "ran every step", layout_last_move(lay),
                         exact ? "exact" : "grid", glctx_renderer());
                layout_note = note;
            }
            if (o->output && !picture_write(o, &pic, g, lay, &picture_render_s, &picture_png_s,
                                          &picture_labels))
                status = 1;
            layout_destroy(lay);
            glctx_destroy(ctx);
        }
    }

    for (int i = 0; i < o->nexports; i++) {
        if (nothing) {
            log_error("--export %s: not written, no capture could be read", o->exports[i]);
            continue;
        }
        if (!export_write(o->exports[i], g, n, m, pos, dims, err, sizeof err)) {
            log_error("--export %s: %s", o->exports[i], err);
            status = 1;
        }
    }
    if (o->stats) {
        print_stats(o, ld, g, read_s, steps_done, layout_s, layout_note);
        if (o->output && picture_render_s > 0)
            printf("picture      %dx%d, %d labels, draw %.3f s, png %.3f s\n", pic.width,
                   pic.height, picture_labels, picture_render_s, picture_png_s);
    }
out:
    free(pos);
    loader_destroy(ld);
    graph_destroy(g);
    return status;
}
