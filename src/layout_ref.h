/* layout_ref: the Fruchterman-Reingold step on the CPU, in plain C, on plain
 * arrays; and the parts the GPU solver shares with it.
 *
 * DESIGN: everything that decides *what* a step computes lives here once: the
 * parameters and their defaults, the cooling schedule (layout_schedule), the
 * per-step constants (layout_consts, mirrored byte for byte in the GPU's
 * uniform block), the grid that the approximate repulsion uses, and the
 * initial placement. The GPU solver (layout.c) only decides *how*: it runs the
 * same arithmetic in the same summation order in compute shaders, so the two
 * agree to float rounding and the CPU code is the tests' oracle.
 *
 * Positions are 4 floats per node (x, y, z, unused), as in the GPU buffer;
 * adjacency is CSR (layout_csr). Nothing here needs the graph module or GL.
 *
 * Threads: no globals; any thread, one object per thread. */
#ifndef IPVIZ_LAYOUT_REF_H
#define IPVIZ_LAYOUT_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum layout_repulsion {
    LAYOUT_REPULSION_AUTO = 0, /* exact up to exact_max nodes, grid above */
    LAYOUT_REPULSION_EXACT,    /* all pairs */
    LAYOUT_REPULSION_GRID,     /* multilevel grid: exact near, cell monopoles far */
} layout_repulsion;

typedef struct layout_params {
    int dims;          /* 2 (default) or 3 */
    int iterations;    /* cooling schedule length (default 100) */
    uint32_t seed;     /* initial placement and coincident-node kicks (default 1) */
    bool nx_compat;    /* networkx spring_layout's exact formulation */
    layout_repulsion repulsion;
    uint32_t exact_max;   /* AUTO: largest node count laid out exactly (default: CPU
                             reference 2048; GPU 16384, software rasterizers 1024) */
    bool weight_packets;  /* attraction scaled by 1 + log2(packets) of the edge */
    float stop_threshold; /* early stop when the step's movement falls below it:
                             nx: |delta|/n as networkx (default 1e-4); otherwise RMS
                             move per node in units of k (default 0.002); < 0 never */
} layout_params;

/* Fills defaults for zero fields. */
layout_params layout_params_resolve(const layout_params *p);

/* Deterministic initial placement of node `id` for `seed`: uniform in
 * [0,1)^dims, independent of the order nodes arrive in. */
void layout_initial_position(uint32_t seed, uint32_t id, int dims, float *out);

/* --- the constants of one step (mirrored by the GPU uniform block) --- */

#define LAYOUT_MAX_LEVELS 12

/* Far field, FMM style: every occupied cell of every level gets a local
 * expansion about its centre of mass, force + Jacobian (first-order Taylor):
 * its parent's expansion moved to this centre, plus the monopoles of its
 * interaction list (the children of the parent's neighbours that are not its
 * own neighbours; at the coarsest level, every non-neighbour). Computed from
 * the coarsest level down, each cell once, so the far field costs a bounded
 * number of cell terms per occupied cell; a node then adds its finest cell's
 * F + J (p - centre) to the exact repulsion of its 3^d block. The
 * GPU keeps the expansions after the cell sums in its cell-sum array: 3 vec4
 * per cell in 3D, cell g at total cells + 3 g (F xyz, _; Jxx Jxy Jxz Jyy;
 * Jyz Jzz _ _), and the first 2 at + 2 g in 2D, where the third is zero.
 *
 * LAYOUT_FAR_TOP = T: the coarsest T levels get no expansions of their
 * own; the first level that does (layout_far_first()) sums their
 * interaction lists directly about its cells' centres. That saves T passes
 * and is more exact: a first-order expansion about a coarse centre is
 * where the error comes from (a uniform spread of nodes nearly cancels
 * there). RMS relative force error (test_layout_approx, 2D uniform and
 * clustered, 3D uniform and clustered): T = 0: 2.4, 2.9, 3.6, 3.2%; T = 2:
 * 0.46, 3.1, 1.3, 2.5%; T = 3: 0.40, 1.07, 1.32, 2.50%; T = 6: 0.36, 0.80,
 * 1.32, 2.50%, at about the same time per step on llvmpipe (measured with
 * power-of-2 cells; with cells sized to the extent, T = 3: 0.38, 0.77,
 * 1.32, 2.08%). */

typedef struct layout_consts {
    uint32_t n, dims, nx, seed;
    uint32_t side, levels, exact, pad0; /* grid: finest cells per axis (power of 2), level count */
    float k2, inv_k, min_dist, gravity;
    float temp, pad1, pad2, pad3;
    float center[4];                    /* gravity pulls towards it */
    uint32_t level_offset[LAYOUT_MAX_LEVELS]; /* first cell of each level in the cell-sum array */
} layout_consts;

/* The default formulation ("looks"): k = 1 and a domain that grows with the
 * graph (side n^(1/dims)), so live growth never rescales what is drawn; the
 * classic FR step (move along the displacement, capped at the temperature)
 * damped by degree, LAYOUT_STEP / (1 + degree), so that hubs with hundreds of
 * leaves (gateways, DNS servers) settle instead of oscillating and the early
 * stop can fire; and a pull towards the centre (gravity 1 = k) so that the
 * many small disconnected pieces of a capture pack around the big ones: with
 * gravity 0.05 they spread ~90 k apart while each piece is 2-3 k across, and
 * every piece drew as a blob of overlapping nodes. A pull of 1 balances the
 * repulsion of n nodes at radius ~sqrt(n) k, the area FR gives a connected
 * graph anyway, so one large component is not squeezed. */
#define LAYOUT_GRAVITY 1.0f
#ifndef LAYOUT_FAR_TOP
#define LAYOUT_FAR_TOP 3 /* see "Far field" above */
#endif
#define LAYOUT_STEP 0.5f

/* The finest grid side for n nodes (power of two, >= 4) and the level count. */
uint32_t layout_grid_side(uint32_t n, int dims);
uint32_t layout_grid_levels(uint32_t side);
/* The coarsest level with far-field expansions of its own (LAYOUT_FAR_TOP). */
uint32_t layout_far_first(uint32_t levels);
/* Cells over all levels (the size of the cell-sum array). */
uint32_t layout_grid_cells(uint32_t side, int dims);

/* Grid placement from the bounding box: origin = lo, and side cells of size
 * h spanning side * h = 2^e g > extent for the smallest g of LAYOUT_GRID_G,
 * where extent = m 2^e, m in [0.5, 1). Returns 1/h, a power of 2 times one of
 * LAYOUT_GRID_INV_G; a node's cell is floor((p - lo) * (1/h)) per axis,
 * clamped to the grid. A subtraction and a multiplication, each rounded
 * once, so CPU and GPU put every node in the same cell. The cells span at
 * most 1.25 times the extent (power-of-2 cells spanned up to 2 times, so a
 * node's 3^d block held up to 4 times the nodes in 2D, 8 in 3D). */
#define LAYOUT_GRID_G {0.625f, 0.75f, 0.875f, 1.0f}
#define LAYOUT_GRID_INV_G {1.6f, 4.0f / 3.0f, 8.0f / 7.0f, 1.0f}
float layout_grid_frame(const float lo[3], const float hi[3], int dims, uint32_t side);
uint32_t layout_grid_cell(const float *p, const float lo[3], float scale, int dims, uint32_t side);

/* --- cooling schedule and convergence, shared by both solvers --- */

typedef struct layout_schedule {
    layout_params p;
    float temp, dt;     /* current temperature and its linear decrement */
    int step;           /* steps run since the last (re)start of the schedule */
    bool converged;
    double last_move;   /* the last step's movement metric */
    uint32_t side;      /* grid side in use; 0 = layout_grid_side() for n */
} layout_schedule;

/* Starts a schedule for n nodes whose positions span `extent` (the largest
 * bounding-box side). */
void layout_schedule_start(layout_schedule *s, const layout_params *p, uint32_t n, float extent);
/* Fills c for the next step of n nodes (grid fields left zero). */
void layout_schedule_consts(const layout_schedule *s, uint32_t n, layout_consts *c);
/* Records a step whose squared moves summed to sum_sq; cools; decides
 * convergence. Returns false once converged or the schedule is spent. */
bool layout_schedule_advance(layout_schedule *s, uint32_t n, double sum_sq);
/* Raises the temperature to frac * the start temperature for n nodes
 * (1 = full reheat; growth uses the new share of nodes) and restarts the
 * remaining schedule. */
void layout_schedule_rewarm(layout_schedule *s, uint32_t n, float frac);
bool layout_schedule_done(const layout_schedule *s);
/* Adapts the grid to how the drawing has clumped: near_pairs is the number
 * of near-field partners summed over the sampled nodes (id % LAYOUT_SAMPLE
 * == 0) in the last grid step, occupied the finest cells holding a node.
 * Above LAYOUT_NEAR_HIGH per node the finest cells halve (up to the cap),
 * below LAYOUT_NEAR_LOW they double. They also halve above
 * LAYOUT_NEAR_DENSE (2D; 3D twice that) while the occupied cells, times
 * 2^dims, stay within the node count and the finer grid holds at most 4
 * cells per node: the nodes sit in clumps (hubs with thousands of leaves),
 * and smaller cells save the near field more than they cost the far field
 * and the passes over every cell. Integer statistics, so the CPU and GPU
 * solvers adapt identically.
 *
 * The thresholds are measured on llvmpipe with whole 50-step runs of
 * bench_layout's graphs, the candidates taking turns (this machine's speed
 * drifts by half within minutes): refining above 512 and coarsening below
 * 32 ran 43.4-46.7 ms per step at 50k nodes against 48.6-52.7 for 180/30,
 * and 212 against 216-245 ms at 250k; at 10k the two were equal. Timing one
 * step's force passes on fixed positions had favoured 180/30, so those
 * per-pass timings miss part of the cost of a finer grid. Refining for the
 * growth of the count during the first contraction did not help either
 * (100k nodes, 6 steps: 193 against 141 ms). */
#define LAYOUT_SAMPLE 16
#define LAYOUT_NEAR_HIGH 512
#define LAYOUT_NEAR_LOW 32
#define LAYOUT_NEAR_DENSE 160 /* 1.25 x LAYOUT_NEAR_LOW x 4: no doubling back */
void layout_schedule_grid(layout_schedule *s, uint32_t n, int dims, uint32_t near_pairs,
                          uint32_t occupied);

/* The domain side a new graph of n nodes starts in: initial positions are
 * layout_initial_position() times this. 1 in nx mode. */
float layout_domain(const layout_params *p, uint32_t n);

/* --- adjacency --- */

typedef struct layout_csr {
    uint32_t n;
    uint32_t *offset;   /* n + 1 */
    uint32_t *adj;      /* offset[n]: neighbour ids */
    float *weight;      /* offset[n]: attraction weights */
} layout_csr;

/* Builds CSR from an edge list (both directions; a self-pair adds nothing).
 * weights may be NULL (all 1). Returns false on allocation failure. */
bool layout_csr_build(layout_csr *csr, uint32_t n, uint32_t m, const uint32_t *edges /* 2m */,
                      const float *weights);
void layout_csr_free(layout_csr *csr);

/* --- the step on the CPU --- */

/* Displacements (4 floats per node) for positions pos (4 per node) under
 * constants c. Exact when c->exact, else the multilevel grid described in
 * layout.h (c->side, c->levels, c->level_offset filled by
 * layout_ref_grid_consts); then *near_pairs and *occupied (may be NULL) get
 * the sampled near-field count and the occupied finest cells of
 * layout_schedule_grid. Returns false on allocation failure. */
bool layout_ref_forces(const layout_consts *c, const float *pos, const layout_csr *csr,
                       float *disp, uint32_t *near_pairs, uint32_t *occupied);
/* Fills the grid fields of c for c->n nodes with finest side `side`
 * (0 = layout_grid_side(c->n)). */
void layout_ref_grid_consts(layout_consts *c, uint32_t side);
/* Applies displacements: moves each unpinned node (pinned may be NULL) and
 * returns the summed squared moves. csr gives degrees (default step). */
double layout_ref_move(const layout_consts *c, float *pos, const float *disp,
                       const layout_csr *csr, const uint8_t *pinned);
/* The FR energy: sum over pairs of repulsion potential plus edge springs
 * (plus gravity), for property tests. O(n^2). */
double layout_ref_energy(const layout_consts *c, const float *pos, const layout_csr *csr);

/* A whole CPU solver with the GPU solver's schedule: the fallback. */
typedef struct layout_ref layout_ref;
layout_ref *layout_ref_create(const layout_params *p, uint32_t n, uint32_t m,
                              const uint32_t *edges, const float *weights);
void layout_ref_destroy(layout_ref *r); /* accepts NULL */
int layout_ref_step(layout_ref *r, int steps);
bool layout_ref_converged(const layout_ref *r);
float *layout_ref_positions(layout_ref *r); /* 4 per node, owned by r */
const layout_schedule *layout_ref_schedule(const layout_ref *r);

#endif
