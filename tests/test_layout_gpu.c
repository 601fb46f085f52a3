/* The GPU solver against the CPU reference (layout_ref) on the same inputs,
 * exact and grid paths, 2D and 3D, default and networkx formulations, with
 * and without edge weights; and
 * run-to-run determinism on the GPU.
 *
 * Tolerance: after 1 step positions agree to 1e-4 of the layout's extent
 * (float rounding and fused multiply-adds only); after 15 steps to 2e-3,
 * since FR amplifies rounding differences step by step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "layout_testgraph.h"
#include "util.h"

static double extent(const float *p, uint32_t n)
{
    double lo = INFINITY, hi = -INFINITY;
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) {
            lo = fmin(lo, p[4 * i + k]);
            hi = fmax(hi, p[4 * i + k]);
        }
    return hi - lo;
}

/* GPU against CPU on the graph e (m edges, weights w or NULL) after 1 and
 * 15 steps; clump: that many nodes start on node 0, so the kicks for
 * coincident pairs run on both sides. The finest grid sides the two chose
 * for the next step go to sides[0] (GPU) and sides[1] (CPU). */
static void compare_edges(const char *name, layout_params p, uint32_t n, uint32_t m, const uint32_t *e,
                          const float *w, uint32_t clump, uint32_t sides[2])
{
    layout *g = layout_create(&p);
    CHECK(g != NULL);
    if (!g)
        return;
    CHECK(layout_append(g, n, m, e, w));
    layout_ref *r = layout_ref_create(&p, n, m, e, w);
    float *gp = malloc((size_t)n * 16);
    if (clump && r && n) {
        float *rp = layout_ref_positions(r);
        for (uint32_t i = 1; i < clump && i < n; i++)
            memcpy(rp + 4 * i, rp, 3 * sizeof *rp);
        CHECK(layout_write_positions(g, rp));
    }
    const int at[2] = {1, 15};
    const double tol[2] = {1e-4, 2e-3};
    int done = 0;
    for (int s = 0; s < 2; s++) {
        int kg = layout_step(g, at[s] - done), kr = layout_ref_step(r, at[s] - done);
        CHECK_INT(kg, kr);
        done = at[s];
        CHECK(layout_read_positions(g, gp, 4) || n == 0);
        const float *rp = layout_ref_positions(r);
        double ext = extent(rp, n), worst = 0;
        uint32_t wi = 0;
        for (uint32_t i = 0; i < n; i++)
            for (int k = 0; k < 4; k++) {
                double d = fabs((double)gp[4 * i + k] - rp[4 * i + k]);
                if (!(d <= worst)) {
                    worst = d;
                    wi = i;
                }
            }
        fprintf(stderr, "%s: %d steps, max |gpu - cpu| = %.3g of extent %.3g (node %u)\n", name,
                at[s], worst, ext, wi);
        if (!(worst <= tol[s] * ext)) {
            fprintf(stderr, "%s: expected max difference <= %g x extent, got %g; node %u gpu "
                            "(%g %g %g) cpu (%g %g %g)\n", name, tol[s], worst / ext, wi,
                    gp[4 * wi], gp[4 * wi + 1], gp[4 * wi + 2], rp[4 * wi], rp[4 * wi + 1],
                    rp[4 * wi + 2]);
            test_failures++;
        }
    }
    if (sides && r) {
        layout_consts c;
        layout_debug_consts(g, &c);
        sides[0] = c.side;
        sides[1] = layout_ref_schedule(r)->side;
    }
    free(gp);
    layout_ref_destroy(r);
    layout_destroy(g);
}

static void compare_clump(const char *name, layout_params p, uint32_t n, uint32_t m_want, bool weighted,
                          uint32_t clump)
{
    uint32_t *e;
    uint32_t m = tg_graph(n, m_want, 7, &e);
    float *w = NULL;
    if (weighted) { /* as packet weights: 1 + log2(packets) */
        w = malloc((size_t)m * sizeof *w);
        for (uint32_t k = 0; k < m; k++)
            w[k] = 1.0f + log2f((float)(1 + (e[2 * k] * 31u + e[2 * k + 1]) % 1000));
    }
    compare_edges(name, p, n, m, e, w, clump, NULL);
    free(e);
    free(w);
}

static void compare(const char *name, layout_params p, uint32_t n, uint32_t m_want, bool weighted)
{
    compare_clump(name, p, n, m_want, weighted, 0);
}

/* Two hubs with 4000 leaves each, as in a scan or a spray: the leaves crowd
 * around the hubs, and the grid must refine for the clumps
 * (layout_schedule_grid) the same way on both sides. */
static void clumped_star(void)
{
    uint32_t n = 8002, m = n - 2, *e = malloc((size_t)m * 8);
    for (uint32_t k = 0; k < m; k++) {
        e[2 * k] = k % 2;
        e[2 * k + 1] = k + 2;
    }
    uint32_t sides[2] = {0, 0};
    compare_edges("grid 2d, two hubs", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, n, m, e, NULL,
                  0, sides);
    fprintf(stderr, "two hubs: finest side %u on the GPU, %u on the CPU (%u for spread nodes)\n",
            sides[0], sides[1], layout_grid_side(n, 2));
    CHECK_INT(sides[0], sides[1]);
    CHECK(sides[0] > layout_grid_side(n, 2));
    free(e);
}

static void determinism(layout_params p, uint32_t n, uint32_t m_want)
{
    uint32_t *e;
    uint32_t m = tg_graph(n, m_want, 3, &e);
    float *a = malloc((size_t)n * 12), *b = malloc((size_t)n * 12);
    for (int run = 0; run < 2; run++) {
        layout *g = layout_create(&p);
        CHECK(g && layout_append(g, n, m, e, NULL));
        CHECK_INT(layout_step(g, 10), 10);
        CHECK(layout_read_positions(g, run ? b : a, 3));
        layout_destroy(g);
    }
    uint32_t diff = 0;
    for (uint32_t i = 0; i < 3 * n; i++)
        diff += memcmp(&a[i], &b[i], 4) != 0;
    fprintf(stderr, "determinism (%s, n=%u): %u of %u coordinates differ\n",
            p.repulsion == LAYOUT_REPULSION_GRID ? "grid" : "exact", n, diff, 3 * n);
    CHECK_INT(diff, 0);
    free(a);
    free(b);
    free(e);
}

/* Positions written between steps (spread 4 times wider, then one node far
 * out): the grid's bounding box, which the move pass otherwise leaves for
 * the next step, must be measured again, or the GPU's cells differ from
 * the CPU's. */
static void positions_between_steps(void)
{
    uint32_t *e = NULL, n = 3000;
    uint32_t m = tg_graph(n, 7000, 5, &e);
    layout_params p = {.repulsion = LAYOUT_REPULSION_GRID};
    layout *g = layout_create(&p);
    layout_ref *r = layout_ref_create(&p, n, m, e, NULL);
    CHECK(g && r && layout_append(g, n, m, e, NULL));
    float *gp = malloc((size_t)n * 16);
    for (int round = 0; g && r && round < 2; round++) {
        CHECK_INT(layout_step(g, 2), 2);
        CHECK_INT(layout_ref_step(r, 2), 2);
        float *rp = layout_ref_positions(r);
        if (round == 0)
            for (uint32_t k = 0; k < 4 * n; k++)
                rp[k] *= 4;
        else
            rp[4 * 17] += 1000;
        CHECK(layout_write_positions(g, rp));
        CHECK_INT(layout_step(g, 1), 1);
        CHECK_INT(layout_ref_step(r, 1), 1);
        CHECK(layout_read_positions(g, gp, 4));
        double worst = 0;
        for (uint32_t k = 0; k < 4 * n; k++)
            worst = fmax(worst, fabs((double)gp[k] - rp[k]));
        fprintf(stderr, "positions written between steps, round %d: max |gpu - cpu| = %.3g of extent %.3g\n",
                round, worst, extent(rp, n));
        CHECK(worst <= 1e-4 * extent(rp, n));
    }
    free(gp);
    layout_ref_destroy(r);
    layout_destroy(g);
    free(e);
}

/* The first sync builds the adjacency in bulk, later ones edge by edge: a
 * graph that arrives in three pieces (new nodes in each) must end up with
 * the same neighbour lists, in the same order, on the GPU. */
static void adjacency_in_pieces(void)
{
    uint32_t *e = NULL, n = 600;
    uint32_t m = tg_graph(n, 1500, 5, &e);
    layout *whole = layout_create(&(layout_params){.repulsion = LAYOUT_REPULSION_GRID});
    layout *parts = layout_create(&(layout_params){.repulsion = LAYOUT_REPULSION_GRID});
    CHECK(whole && parts && layout_append(whole, n, m, e, NULL));
    /* nodes up to the largest id in each piece */
    uint32_t cut[4] = {0, m / 3, 2 * m / 3, m}, seen = 0;
    for (int p = 0; p < 3 && parts; p++) {
        for (uint32_t k = cut[p]; k < cut[p + 1]; k++)
            for (int s2 = 0; s2 < 2; s2++)
                seen = e[2 * k + s2] + 1 > seen ? e[2 * k + s2] + 1 : seen;
        CHECK(layout_append(parts, p == 2 ? n : seen, cut[p + 1] - cut[p], e + 2 * cut[p], NULL));
    }
    uint32_t a[256], b[256], differ = 0;
    for (uint32_t v = 0; v < n && whole && parts; v++) {
        int na = layout_debug_neighbours(whole, v, a, 256), nb = layout_debug_neighbours(parts, v, b, 256);
        CHECK(na >= 0 && na <= 256);
        differ += na != nb || (na > 0 && memcmp(a, b, (size_t)na * 4) != 0);
    }
    fprintf(stderr, "adjacency in one piece and in three: %u of %u lists differ\n", differ, n);
    CHECK_INT(differ, 0);
    /* an edge naming a node beyond n is refused before anything changes:
     * after one more good edge on both, node 1 has the same list in both */
    const uint32_t bad[4] = {1, 2, 3, n}, good[2] = {4, 5};
    CHECK(parts && !layout_append(parts, n, 2, bad, NULL));
    CHECK(parts && whole && layout_append(parts, n, 1, good, NULL) && layout_append(whole, n, 1, good, NULL));
    int na = whole ? layout_debug_neighbours(whole, 1, a, 256) : -1;
    int nb = parts ? layout_debug_neighbours(parts, 1, b, 256) : -2;
    CHECK_INT(nb, na);
    layout_destroy(whole);
    layout_destroy(parts);
    free(e);
}

/* Under the limit the caller set (IPVIZ_LAYOUT_TEX_MAX) the kernels start on
 * buffer textures and switch to storage buffers once a 3000-node graph
 * arrives. */
static void switch_to_storage(void)
{
    uint32_t *e = NULL, n = 3000;
    uint32_t m = tg_graph(n, 7000, 3, &e);
    layout *g = layout_create(&(layout_params){.repulsion = LAYOUT_REPULSION_GRID});
    CHECK(g && layout_debug_textures(g));
    CHECK(g && layout_append(g, n, m, e, NULL));
    CHECK_INT(g ? layout_step(g, 1) : 0, 1);
    CHECK(g && !layout_debug_textures(g));
    layout_destroy(g);
    free(e);
}

int main(void)
{
    test_require_gl();
    compare("exact 2d", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT}, 400, 900, false);
    compare("exact 2d nx", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT, .nx_compat = true},
            400, 900, false);
    compare("exact 3d", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT, .dims = 3}, 300, 700, false);
    compare("exact 2d weighted", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT}, 400, 900, true);
    compare("grid 2d", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 3000, 7000, false);
    compare("grid 2d nx", (layout_params){.repulsion = LAYOUT_REPULSION_GRID, .nx_compat = true},
            3000, 7000, false);
    compare("grid 3d", (layout_params){.repulsion = LAYOUT_REPULSION_GRID, .dims = 3}, 3000, 7000, false);
    /* weights in both springs paths: the grid pass's and the hubs' */
    compare("grid 2d weighted", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 3000, 7000, true);
    compare_clump("exact 2d, 60 coincident", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT}, 400, 900,
                  false, 60);
    compare_clump("grid 2d, 60 coincident", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 3000, 7000,
                  false, 60);
    compare_clump("grid 3d, 60 coincident", (layout_params){.repulsion = LAYOUT_REPULSION_GRID, .dims = 3},
                  3000, 7000, false, 60);
    setenv("IPVIZ_LAYOUT_TILE", "1", 1); /* the shared-memory kernel real GPUs run */
    compare("exact 2d tiled", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT}, 400, 900, false);
    compare("grid 2d tiled", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 3000, 7000, false);
    compare_clump("exact 3d tiled, 60 coincident",
                  (layout_params){.repulsion = LAYOUT_REPULSION_EXACT, .dims = 3}, 300, 700, false, 60);
    unsetenv("IPVIZ_LAYOUT_TILE");
    /* storage-buffer reads (layout_gpu.h): from the start, and switched to
     * when the 3000-node buffers outgrow a 16384-texel limit (the smallest
     * buffers, 64 KiB, hold 16384 texels of one uint) */
    setenv("IPVIZ_LAYOUT_TEX_MAX", "0", 1);
    compare_clump("grid 2d, storage buffers", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 3000,
                  7000, false, 60);
    compare("exact 3d, storage buffers", (layout_params){.repulsion = LAYOUT_REPULSION_EXACT, .dims = 3},
            300, 700, false);
    setenv("IPVIZ_LAYOUT_TEX_MAX", "16384", 1);
    switch_to_storage();
    compare("grid 3d, switched to storage buffers",
            (layout_params){.repulsion = LAYOUT_REPULSION_GRID, .dims = 3}, 3000, 7000, false);
    unsetenv("IPVIZ_LAYOUT_TEX_MAX");
    /* every level summed in a dispatch of its own, none in the one-workgroup
     * pass that sums the coarse ones */
    setenv("IPVIZ_LAYOUT_TOP_CELLS", "0", 1);
    compare("grid 2d, a pass per level", (layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 3000, 7000,
            false);
    compare("grid 3d, a pass per level", (layout_params){.repulsion = LAYOUT_REPULSION_GRID, .dims = 3},
            3000, 7000, false);
    unsetenv("IPVIZ_LAYOUT_TOP_CELLS");
    clumped_star();
    positions_between_steps();
    adjacency_in_pieces();
    determinism((layout_params){.repulsion = LAYOUT_REPULSION_EXACT}, 1000, 2500);
    determinism((layout_params){.repulsion = LAYOUT_REPULSION_GRID}, 5000, 12000);
    return test_result();
}
