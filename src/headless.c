/* headless: read every capture, then lay out, export and draw, with no window.
 *
 * The main thread starts the loader, draws a progress bar while it runs, and
 * only then creates a GL context (EGL) if layout steps or a picture are asked
 * for; with -n 0 and no picture it never touches OpenGL. Output paths are
 * checked before reading starts, so a long read is never wasted on a typo. */
#include "headless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "export.h"
#include "glctx.h"
#include "graph.h"
#include "layout.h"
#include "loader.h"
#include "log.h"

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
    if (o->output) {
        log_error("-o: pictures are not available in this build yet; use --export");
        return 2;
    }
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

    static char note[512];
    if (steps_wanted > 0 && n > 0 && !nothing) {
        glctx *ctx = glctx_create_headless(err, sizeof err);
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
            layout *lay = layout_create(&lp);
            if (!lay || !layout_sync(lay, g)) {
                log_error("the layout could not start on %s; use -n 0 to export without layout",
                          glctx_renderer());
                layout_destroy(lay);
                glctx_destroy(ctx);
                status = 1;
                goto out;
            }
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
    if (o->stats)
        print_stats(o, ld, g, read_s, steps_done, layout_s, layout_note);
out:
    free(pos);
    loader_destroy(ld);
    graph_destroy(g);
    return status;
}
