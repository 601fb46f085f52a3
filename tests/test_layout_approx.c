/* The grid approximation of repulsion against exact all-pairs repulsion on
 * the same positions: RMS over nodes of |F_grid - F_exact| / |F_exact| must
 * stay under 5%, on uniform positions and on a settled clustered layout, in
 * 2D and 3D. Springs and gravity are identical in both and are left out
 * (no edges; gravity subtracted). */
#include <math.h>
#include <string.h>

#include "layout.h"
#include "layout_testgraph.h"
#include "util.h"

/* Repulsion at every node for positions pos4 with the given repulsion. */
static bool repulsion(layout_params p, uint32_t n, const float *pos4, double *out)
{
    p.repulsion = p.repulsion ? p.repulsion : LAYOUT_REPULSION_EXACT;
    layout *l = layout_create(&p);
    if (!l || !layout_append(l, n, 0, NULL, NULL) || !layout_write_positions(l, pos4)) {
        layout_destroy(l);
        return false;
    }
    layout_consts c;
    layout_debug_consts(l, &c);
    float *d = malloc((size_t)n * 16);
    bool ok = layout_debug_forces(l, d);
    for (uint32_t i = 0; i < n && ok; i++)
        for (int k = 0; k < 3; k++)
            out[3 * i + k] = (double)d[4 * i + k] + ((double)pos4[4 * i + k] - c.center[k]) * c.gravity;
    free(d);
    layout_destroy(l);
    return ok;
}

static void measure(const char *name, layout_params p, uint32_t n, const float *pos4)
{
    double *ex = malloc((size_t)n * 24), *gr = malloc((size_t)n * 24);
    p.repulsion = LAYOUT_REPULSION_EXACT;
    bool ok = repulsion(p, n, pos4, ex);
    p.repulsion = LAYOUT_REPULSION_GRID;
    ok = ok && repulsion(p, n, pos4, gr);
    CHECK(ok);
    /* Per node, |approx - exact| / |exact|, RMS over the nodes; a node whose
     * exact force nearly cancels (under 1% of the RMS force, as at the middle
     * of a symmetric cluster) has no meaningful relative error, so those are
     * counted apart. Also the error relative to the RMS force. */
    double num = 0, den = 0;
    for (uint32_t i = 0; i < n && ok; i++)
        for (int k = 0; k < 3; k++) {
            den += ex[3 * i + k] * ex[3 * i + k];
            num += (gr[3 * i + k] - ex[3 * i + k]) * (gr[3 * i + k] - ex[3 * i + k]);
        }
    double floor2 = 1e-4 * den / n, sum = 0, worst = 0;
    uint32_t used = 0;
    for (uint32_t i = 0; i < n && ok; i++) {
        double e2 = 0, d2 = 0;
        for (int k = 0; k < 3; k++) {
            e2 += ex[3 * i + k] * ex[3 * i + k];
            d2 += (gr[3 * i + k] - ex[3 * i + k]) * (gr[3 * i + k] - ex[3 * i + k]);
        }
        if (e2 < floor2 || e2 == 0)
            continue;
        sum += d2 / e2;
        used++;
        worst = fmax(worst, sqrt(d2 / e2));
    }
    double rms = used ? sqrt(sum / used) : 0, global = den > 0 ? sqrt(num / den) : 0;
    fprintf(stderr, "%s (n=%u): RMS relative force error %.3f%% (left out, force under 1%% of RMS: "
                    "%u), relative to RMS force %.3f%%, worst node %.1f%%\n", name, n, 100 * rms,
            n - used, 100 * global, 100 * worst);
    if (!(rms < 0.05) || !(global < 0.05) || n - used > n / 100) {
        fprintf(stderr, "%s: expected RMS relative error < 5%% over at least 99%% of the nodes, got "
                        "%.3f%% over %u; relative to RMS force %.3f%%\n", name, 100 * rms, used, 100 * global);
        test_failures++;
    }
    free(ex);
    free(gr);
}

int main(void)
{
    test_require_gl();
    for (int dims = 2; dims <= 3; dims++) {
        uint32_t n = dims == 2 ? 6000 : 3000;
        layout_params p = {.dims = dims};
        /* uniform */
        float *pos = calloc((size_t)n * 4, sizeof *pos);
        for (uint32_t i = 0; i < n; i++)
            layout_initial_position(5, i, dims, pos + 4 * i);
        measure(dims == 2 ? "uniform 2d" : "uniform 3d", p, n, pos);
        /* clustered: a layout of a community graph after 30 steps */
        uint32_t *e;
        uint32_t m = tg_graph(n, 3 * n, 11, &e);
        layout_params q = p;
        q.repulsion = LAYOUT_REPULSION_GRID;
        layout *l = layout_create(&q);
        CHECK(l && layout_append(l, n, m, e, NULL));
        layout_step(l, 30);
        CHECK(layout_read_positions(l, pos, 4));
        for (uint32_t i = 0; i < n; i++)
            pos[4 * i + 3] = 0;
        layout_destroy(l);
        measure(dims == 2 ? "clustered 2d" : "clustered 3d", p, n, pos);
        free(e);
        free(pos);
    }
    return test_result();
}
