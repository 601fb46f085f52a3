/* Properties of the GPU solver on generated graphs: never NaN/Inf (coincident
 * nodes, isolated nodes, everything in one point), energy falls, connected
 * pairs end closer than unconnected ones, disconnected pieces stay in view,
 * live growth places new nodes by a neighbour, pin/pause/reheat, early stop. */
#include <math.h>
#include <string.h>

#include "layout.h"
#include "layout_testgraph.h"
#include "util.h"

static bool all_finite(const float *p, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!isfinite(p[i]))
            return false;
    return true;
}

static void coincident(layout_params p, const char *name)
{
    uint32_t n = 300, *e;
    uint32_t m = tg_graph(n, 600, 5, &e);
    layout *l = layout_create(&p);
    CHECK(l && layout_append(l, n, m, e, NULL));
    float *pos = malloc((size_t)n * 16);
    CHECK(layout_read_positions(l, pos, 4));
    for (uint32_t i = 0; i < 80; i++) /* 80 nodes on one point, edges between some */
        memcpy(pos + 4 * i, pos, 16);
    CHECK(layout_write_positions(l, pos));
    int k = layout_step(l, 40);
    CHECK(layout_read_positions(l, pos, 4));
    if (!all_finite(pos, (size_t)n * 4)) {
        fprintf(stderr, "%s: NaN or Inf after %d steps with 80 coincident nodes\n", name, k);
        test_failures++;
    }
    if (!p.nx_compat) { /* the default separates coincident nodes; networkx leaves them */
        uint32_t same = 0;
        for (uint32_t i = 1; i < 80; i++)
            same += pos[4 * i] == pos[0] && pos[4 * i + 1] == pos[1];
        if (same) {
            fprintf(stderr, "%s: expected coincident nodes to separate, %u still on node 0\n", name, same);
            test_failures++;
        }
    }
    /* everything on one point: the grid's bounding box is empty */
    for (uint32_t i = 0; i < n; i++)
        memcpy(pos + 4 * i, (const float[4]){1, 2, 0, 0}, 16);
    CHECK(layout_write_positions(l, pos));
    layout_reheat(l);
    layout_step(l, 5);
    CHECK(layout_read_positions(l, pos, 4));
    if (!all_finite(pos, (size_t)n * 4)) {
        fprintf(stderr, "%s: NaN or Inf with all nodes on one point\n", name);
        test_failures++;
    }
    free(pos);
    free(e);
    layout_destroy(l);
}

static double mean_edge(const float *p, uint32_t m, const uint32_t *e)
{
    double s = 0;
    for (uint32_t k = 0; k < m; k++)
        s += hypot(p[4 * e[2 * k]] - p[4 * e[2 * k + 1]], p[4 * e[2 * k] + 1] - p[4 * e[2 * k + 1] + 1]);
    return s / m;
}

static void quality(layout_params p, const char *name)
{
    uint32_t n = 1000, *e;
    uint32_t m = tg_graph(n, 2700, 8, &e);
    layout *l = layout_create(&p);
    CHECK(l && layout_append(l, n, m, e, NULL));
    layout_csr csr;
    CHECK(layout_csr_build(&csr, n, m, e, NULL));
    float *pos = malloc((size_t)n * 16);
    layout_consts c;
    layout_debug_consts(l, &c);
    layout_read_positions(l, pos, 4);
    double e0 = layout_ref_energy(&c, pos, &csr);
    int k = layout_step(l, 100);
    layout_read_positions(l, pos, 4);
    layout_debug_consts(l, &c);
    double e1 = layout_ref_energy(&c, pos, &csr);
    fprintf(stderr, "%s: %d steps, energy %.6g -> %.6g\n", name, k, e0, e1);
    if (!(e1 < e0)) {
        fprintf(stderr, "%s: expected energy to fall, got %g -> %g\n", name, e0, e1);
        test_failures++;
    }
    /* connected vs unconnected pairs */
    double me = mean_edge(pos, m, e), mr = 0;
    uint64_t s = 99;
    int cnt = 0;
    for (int t = 0; t < 20000; t++) {
        uint32_t a = (uint32_t)(tg_next(&s) % n), b = (uint32_t)(tg_next(&s) % n);
        bool adj = a == b;
        for (uint32_t q = csr.offset[a]; q < csr.offset[a + 1] && !adj; q++)
            adj = csr.adj[q] == b;
        if (adj)
            continue;
        mr += hypot(pos[4 * a] - pos[4 * b], pos[4 * a + 1] - pos[4 * b + 1]);
        cnt++;
    }
    mr /= cnt;
    fprintf(stderr, "%s: mean edge length %.4g, mean unconnected distance %.4g\n", name, me, mr);
    if (!(me < 0.5 * mr)) {
        fprintf(stderr, "%s: expected edges < 0.5 x unconnected distance, got %g vs %g\n", name, me, mr);
        test_failures++;
    }
    CHECK(all_finite(pos, (size_t)n * 4));
    layout_csr_free(&csr);
    free(pos);
    free(e);
    layout_destroy(l);
}

/* Two components and isolated nodes, run long and reheated: nothing leaves. */
static void components(void)
{
    uint32_t n = 400, m = 0, e[2 * 800];
    for (uint32_t v = 1; v < 300; v++) { /* component A: 0..299, B: 300..379, 380.. isolated */
        e[2 * m] = v;
        e[2 * m + 1] = (v * 7) % v;
        m++;
    }
    for (uint32_t v = 301; v < 380; v++) {
        e[2 * m] = v;
        e[2 * m + 1] = 300 + (v * 5) % (v - 300);
        m++;
    }
    layout_params p = {.iterations = 200, .stop_threshold = -1};
    layout *l = layout_create(&p);
    CHECK(l && layout_append(l, n, m, e, NULL));
    float *pos = malloc((size_t)n * 16);
    double radius[3];
    for (int round = 0; round < 3; round++) {
        CHECK_INT(layout_step(l, 200), 200);
        layout_reheat(l);
        layout_read_positions(l, pos, 4);
        double r = 0;
        for (uint32_t i = 0; i < n; i++)
            r = fmax(r, hypot(pos[4 * i], pos[4 * i + 1]));
        radius[round] = r;
    }
    fprintf(stderr, "components: farthest node from the centre after 200/400/600 steps: %.4g %.4g %.4g "
                    "(sqrt(n) = %.3g)\n", radius[0], radius[1], radius[2], sqrt(n));
    if (!(radius[2] < 1.2 * radius[0] && radius[2] < 20 * sqrt(n))) {
        fprintf(stderr, "components: expected a bounded layout, got radius %g -> %g\n", radius[0], radius[2]);
        test_failures++;
    }
    free(pos);
    layout_destroy(l);
}

static void live_and_controls(void)
{
    uint32_t n = 2000, *e;
    uint32_t m = tg_graph(n, 5000, 13, &e);
    layout_params p = {.iterations = 50};
    layout *l = layout_create(&p);
    /* the graph among the first 1800 nodes, then the last 10% of the nodes arrive */
    uint32_t n1 = 1800, half = 0;
    for (uint32_t k = 0; k < m; k++)
        if (e[2 * k] < n1 && e[2 * k + 1] < n1) {
            uint32_t a = e[2 * half], b = e[2 * half + 1];
            e[2 * half] = e[2 * k];
            e[2 * half + 1] = e[2 * k + 1];
            e[2 * k] = a;
            e[2 * k + 1] = b;
            half++;
        }
    CHECK(l && layout_append(l, n1, half, e, NULL));
    layout_step(l, 50);
    float *before = malloc((size_t)n * 16), *after = malloc((size_t)n * 16);
    layout_read_positions(l, before, 4);
    CHECK(layout_append(l, n, m - half, e + 2 * half, NULL));
    CHECK_INT(layout_node_count(l), n);
    CHECK_INT(layout_edge_count(l), m);
    layout_read_positions(l, after, 4);
    /* a new node with an old neighbour sits half an edge length from it */
    uint32_t checked = 0, far = 0;
    for (uint32_t k = half; k < m; k++) {
        uint32_t a = e[2 * k], b = e[2 * k + 1];
        uint32_t nw = a >= n1 ? a : b, old = a >= n1 ? b : a;
        if (nw < n1 || old >= n1)
            continue;
        double d = hypot(after[4 * nw] - after[4 * old], after[4 * nw + 1] - after[4 * old + 1]);
        checked++;
        far += d > 3.0; /* anchored to some old neighbour, maybe not this one */
    }
    fprintf(stderr, "growth: %u -> %u nodes; %u new-old edges, %u longer than 3\n", n1, n, checked, far);
    CHECK(checked > 0 && far * 4 < checked);
    /* the settled part is not scrambled by the first steps after growth */
    layout_step(l, 1);
    layout_read_positions(l, after, 4);
    double moved = 0;
    for (uint32_t i = 0; i < n1; i++)
        moved = fmax(moved, hypot(after[4 * i] - before[4 * i], after[4 * i + 1] - before[4 * i + 1]));
    layout_consts c;
    layout_debug_consts(l, &c);
    fprintf(stderr, "growth: largest move of an old node in the first step %.4g (temperature now %.4g, "
                    "domain %.4g)\n", moved, c.temp, sqrt(n));
    CHECK(moved < 0.5 * 0.1 * sqrt(n)); /* under half a full reheat */
    CHECK(all_finite(after, (size_t)n * 4));

    /* pin */
    const float at[3] = {5, -5, 0};
    layout_pin(l, 7, at);
    layout_step(l, 10);
    layout_read_positions(l, after, 4);
    CHECK(after[28] == 5.0f && after[29] == -5.0f);
    layout_unpin(l, 7);
    layout_step(l, 2);
    layout_read_positions(l, after, 4);
    CHECK(after[28] != 5.0f || after[29] != -5.0f);
    /* pause */
    layout_set_paused(l, true);
    CHECK(layout_paused(l));
    CHECK_INT(layout_step(l, 5), 0);
    layout_set_paused(l, false);
    CHECK_INT(layout_step(l, 5), 5);
    /* budget spent, then reheat */
    while (layout_step(l, 50) > 0)
        ;
    CHECK_INT(layout_step(l, 1), 0);
    layout_reheat(l);
    CHECK_INT(layout_step(l, 3), 3);
    free(before);
    free(after);
    free(e);
    layout_destroy(l);
}

static void early_stop(void)
{
    const uint32_t e[] = {0, 1, 1, 2, 2, 3, 3, 0};
    layout_params p = {.iterations = 2000};
    layout *l = layout_create(&p);
    CHECK(l && layout_append(l, 4, 4, e, NULL));
    int k = 0, got;
    while ((got = layout_step(l, 100)) > 0)
        k += got;
    fprintf(stderr, "early stop: square graph converged after %d of 2000 steps, last move %.3g\n", k,
            layout_last_move(l));
    CHECK(layout_converged(l));
    CHECK(k < 2000);
    layout_destroy(l);
}

int main(void)
{
    test_require_gl();
    coincident((layout_params){.repulsion = LAYOUT_REPULSION_EXACT}, "exact");
    coincident((layout_params){.repulsion = LAYOUT_REPULSION_GRID}, "grid");
    coincident((layout_params){.repulsion = LAYOUT_REPULSION_GRID, .nx_compat = true}, "grid nx");
    coincident((layout_params){.repulsion = LAYOUT_REPULSION_GRID, .dims = 3}, "grid 3d");
    quality((layout_params){0}, "default");
    quality((layout_params){.nx_compat = true}, "nx");
    quality((layout_params){.dims = 3}, "3d");
    components();
    live_and_controls();
    early_stop();
    return test_result();
}
