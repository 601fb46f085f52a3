/* The CPU reference on its own (no GL): adjacency, grid frame, initial
 * placement, schedule, and the CPU solver's properties, including the grid
 * path against the exact path. */
#include <math.h>
#include <string.h>

#include "layout_ref.h"
#include "layout_testgraph.h"
#include "util.h"

int main(void)
{
    /* CSR: both directions, self-pairs dropped, weights carried */
    const uint32_t e[] = {0, 1, 1, 2, 2, 2, 3, 0};
    const float w[] = {1, 2, 3, 4};
    layout_csr csr;
    CHECK(layout_csr_build(&csr, 5, 4, e, w));
    CHECK_INT(csr.offset[5], 6);
    CHECK_INT(csr.offset[1] - csr.offset[0], 2);
    CHECK_INT(csr.offset[5] - csr.offset[4], 0);
    CHECK_INT(csr.adj[csr.offset[2]], 1);
    CHECK(csr.weight[csr.offset[2]] == 2.0f);
    layout_csr_free(&csr);

    /* initial placement: in [0,1), order-independent, seed-dependent */
    float a[3], b[3];
    layout_initial_position(1, 42, 3, a);
    layout_initial_position(1, 42, 3, b);
    CHECK(memcmp(a, b, sizeof a) == 0);
    layout_initial_position(2, 42, 3, b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    for (int k = 0; k < 3; k++)
        CHECK(a[k] >= 0 && a[k] < 1);

    /* grid frame: cells covering the box by at most 1.25 times its extent;
     * every node inside */
    float lo[3] = {-3.5f, 2.0f, 0}, hi[3] = {12.25f, 9.0f, 0};
    float sc = layout_grid_frame(lo, hi, 2, 16);
    CHECK(16.0f / sc > 15.75f && 16.0f / sc <= 1.25f * 15.75f);
    CHECK(16.0f / sc == 16.0f * 1.0f); /* 15.75 = 0.984 x 2^4: g = 1 */
    CHECK_INT(layout_grid_cell(lo, lo, sc, 2, 16), 0);
    CHECK_INT(layout_grid_cell(hi, lo, sc, 2, 16), 15 + 16 * 7);
    float hi2[3] = {4.75f, 9.0f, 0}; /* extent 8.25 = 0.516 x 2^4: g = 0.625, cells of 0.625 */
    sc = layout_grid_frame(lo, hi2, 2, 16);
    CHECK(sc == 1.6f);
    CHECK_INT(layout_grid_cell(hi2, lo, sc, 2, 16), 13 + 16 * 11); /* 8.25 x 1.6 = 13.2, 7 x 1.6 = 11.2 */
    for (float x = 1.0f; x < 4096.0f; x *= 1.0173f) { /* no extent spills out of the grid */
        float h3[3] = {lo[0] + x, lo[1] + 0.5f * x, 0};
        float s3 = layout_grid_frame(lo, h3, 2, 64);
        CHECK((h3[0] - lo[0]) * s3 < 64.0f && (h3[0] - lo[0]) * s3 >= 64.0f / 1.25f - 1e-3f);
    }
    CHECK_INT(layout_grid_levels(16), 3);
    CHECK_INT(layout_grid_cells(16, 2), 256 + 64 + 16);

    /* schedule: linear cooling, budget, rewarm */
    layout_schedule s;
    layout_schedule_start(&s, &(layout_params){.iterations = 10, .stop_threshold = -1}, 100, 0);
    CHECK(fabsf(s.temp - 1.0f) < 1e-6f); /* 0.1 x sqrt(100) */
    int k = 0;
    while (layout_schedule_advance(&s, 100, 1.0))
        k++;
    CHECK_INT(k + 1, 10);
    layout_schedule_rewarm(&s, 100, 0.5f);
    CHECK(!layout_schedule_done(&s) && s.temp >= 0.5f - 1e-6f);

    /* the CPU solver: grid vs exact after one step, no NaN */
    uint32_t n = 1200, *ed;
    uint32_t m = tg_graph(n, 3000, 2, &ed);
    layout_params pe = {.repulsion = LAYOUT_REPULSION_EXACT}, pg = {.repulsion = LAYOUT_REPULSION_GRID};
    layout_ref *re = layout_ref_create(&pe, n, m, ed, NULL), *rg = layout_ref_create(&pg, n, m, ed, NULL);
    CHECK(re && rg);
    CHECK_INT(layout_ref_step(re, 1), 1);
    CHECK_INT(layout_ref_step(rg, 1), 1);
    const float *pa = layout_ref_positions(re), *pb = layout_ref_positions(rg);
    double diff = 0, ext = 0;
    for (uint32_t i = 0; i < n; i++) {
        diff = fmax(diff, hypot(pa[4 * i] - pb[4 * i], pa[4 * i + 1] - pb[4 * i + 1]));
        ext = fmax(ext, hypot(pa[4 * i], pa[4 * i + 1]));
        CHECK(isfinite(pb[4 * i]) && isfinite(pb[4 * i + 1]));
    }
    fprintf(stderr, "cpu: grid vs exact after 1 step: max distance %.4g, layout radius %.4g\n", diff, ext);
    CHECK(diff < 0.01 * ext); /* worst node: ~15% force error times a step <= 0.1 x domain */
    layout_ref_destroy(re);
    layout_ref_destroy(rg);
    free(ed);
    return test_result();
}
