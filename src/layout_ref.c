/* layout_ref: CPU Fruchterman-Reingold (the oracle and fallback), the shared
 * schedule, grid and initial placement.
 *
 * The arithmetic below is written in the order the compute shaders use
 * (shaders/layout_common.glsl): the far field (the cell's expansion, or far
 * cells coarse to fine on small grids), then near particles by cell and id,
 * then springs in CSR order, then gravity; keep the two in step when
 * changing either. */
#include "layout_ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

layout_params layout_params_resolve(const layout_params *p)
{
    layout_params r = p ? *p : (layout_params){0};
    if (r.dims != 3)
        r.dims = 2;
    if (r.iterations <= 0)
        r.iterations = 100;
    if (r.seed == 0)
        r.seed = 1;
    if (r.exact_max == 0)
        r.exact_max = 2048;
    if (r.stop_threshold == 0)
        r.stop_threshold = r.nx_compat ? 1e-4f : 0.002f;
    return r;
}

/* splitmix64 of (seed, id, axis): a counter-based generator, so a node's
 * start does not depend on which nodes came before it. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void layout_initial_position(uint32_t seed, uint32_t id, int dims, float *out)
{
    for (int k = 0; k < dims; k++) {
        uint64_t r = mix(((uint64_t)seed << 34) ^ ((uint64_t)id << 2) ^ (uint64_t)k);
        out[k] = (float)(r >> 40) * (1.0f / 16777216.0f);
    }
}

float layout_domain(const layout_params *p, uint32_t n)
{
    if (p->nx_compat)
        return 1.0f;
    float d = p->dims == 3 ? cbrtf((float)n) : sqrtf((float)n);
    return d < 1.0f ? 1.0f : d;
}

/* --- grid --- */

uint32_t layout_grid_side(uint32_t n, int dims)
{
    /* A start with about 40-70 near pairs per node when the nodes are
     * spread evenly (9 n / side^2 in 2D, 27 n / side^3 in 3D);
     * layout_schedule_grid() then follows how the drawing clumps. */
    double want = dims == 3 ? cbrt(0.5 * n) : sqrt(n / 8.0);
    uint32_t cap = dims == 3 ? 128 : 2048, side = 4;
    while (side < want && side < cap)
        side *= 2;
    return side;
}

uint32_t layout_grid_levels(uint32_t side)
{
    uint32_t levels = 0;
    for (uint32_t s = side; s >= 4; s /= 2)
        levels++;
    return levels;
}

uint32_t layout_far_first(uint32_t levels)
{
    return levels > LAYOUT_FAR_TOP + 1 ? levels - 1 - LAYOUT_FAR_TOP : 0;
}

uint32_t layout_grid_cells(uint32_t side, int dims)
{
    uint32_t total = 0;
    for (uint32_t s = side; s >= 4; s /= 2)
        total += dims == 3 ? s * s * s : s * s;
    return total;
}

float layout_grid_frame(const float lo[3], const float hi[3], int dims, uint32_t side)
{
    float ext = 0;
    for (int k = 0; k < dims; k++)
        if (hi[k] - lo[k] > ext)
            ext = hi[k] - lo[k];
    if (!(ext > 0) || !isfinite(ext))
        ext = 1;
    int e;
    float m = frexpf(ext, &e); /* ext = m 2^e, m in [0.5, 1) */
    static const float g[4] = LAYOUT_GRID_G, inv_g[4] = LAYOUT_GRID_INV_G;
    int k = 0;
    while (k < 3 && !(m < g[k]))
        k++;
    int log2side = 0;
    while ((1u << log2side) < side)
        log2side++;
    return ldexpf(inv_g[k], log2side - e);
}

uint32_t layout_grid_cell(const float *p, const float lo[3], float scale, int dims, uint32_t side)
{
    uint32_t idx = 0, mul = 1;
    for (int k = 0; k < dims; k++) {
        float r = p[k] - lo[k];
        float f = floorf(r * scale);
        uint32_t c = f <= 0 ? 0 : f >= (float)(side - 1) ? side - 1 : (uint32_t)f;
        idx += c * mul;
        mul *= side;
    }
    return idx;
}

/* --- schedule --- */

static float start_temp(const layout_params *p, uint32_t n, float extent)
{
    if (p->nx_compat)
        return 0.1f * extent;
    float d = layout_domain(p, n);
    return 0.1f * (extent > d ? extent : d);
}

void layout_schedule_start(layout_schedule *s, const layout_params *p, uint32_t n, float extent)
{
    memset(s, 0, sizeof *s);
    s->p = layout_params_resolve(p);
    s->temp = start_temp(&s->p, n, extent);
    s->dt = s->temp / (float)(s->p.iterations + 1);
}

void layout_schedule_consts(const layout_schedule *s, uint32_t n, layout_consts *c)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->dims = (uint32_t)s->p.dims;
    c->nx = s->p.nx_compat;
    c->seed = s->p.seed;
    float k = s->p.nx_compat ? sqrtf(1.0f / (float)(n ? n : 1)) : 1.0f;
    c->k2 = k * k;
    c->inv_k = 1.0f / k;
    c->min_dist = s->p.nx_compat ? 0.01f : 0.01f * k;
    c->gravity = s->p.nx_compat ? 0.0f : LAYOUT_GRAVITY;
    c->temp = s->temp > 0 ? s->temp : 0;
}

bool layout_schedule_advance(layout_schedule *s, uint32_t n, double sum_sq)
{
    s->step++;
    s->temp -= s->dt;
    double metric = s->p.nx_compat ? sqrt(sum_sq) / (n ? n : 1) : sqrt(sum_sq / (n ? n : 1));
    s->last_move = metric;
    if (s->p.stop_threshold >= 0 && metric < s->p.stop_threshold)
        s->converged = true;
    return !layout_schedule_done(s);
}

void layout_schedule_rewarm(layout_schedule *s, uint32_t n, float frac)
{
    float t0 = start_temp(&s->p, n, s->p.nx_compat ? 1.0f : 0.0f);
    if (frac > 1)
        frac = 1;
    if (s->temp < frac * t0)
        s->temp = frac * t0;
    s->dt = s->temp / (float)(s->p.iterations + 1);
    s->step = 0;
    s->converged = false;
}

void layout_schedule_grid(layout_schedule *s, uint32_t n, int dims, uint32_t near_pairs,
                          uint32_t occupied)
{
    uint32_t base = layout_grid_side(n, dims), cap = dims == 3 ? 128 : 2048;
    uint32_t side = s->side ? s->side : base;
    uint32_t samples = (n + LAYOUT_SAMPLE - 1) / LAYOUT_SAMPLE;
    double mean = samples ? (double)near_pairs / samples : 0;
    /* a halving splits each cell in 2^dims and divides the near pairs by as much */
    uint32_t split = dims == 3 ? 8 : 4;
    uint64_t occ = occupied;
    for (;;) {
        uint64_t finer = (uint64_t)side * 2 * side * 2 * (dims == 3 ? side * 2 : 1);
        bool clumped = mean > LAYOUT_NEAR_DENSE * (split / 4) && occ * split <= n &&
                       finer <= 4 * (uint64_t)n; /* every cell costs the scans */
        if (side >= cap || !(mean > LAYOUT_NEAR_HIGH || clumped))
            break;
        side *= 2;
        mean /= split;
        occ *= split; /* at most */
    }
    if (mean < LAYOUT_NEAR_LOW && side > 4)
        side /= 2;
    s->side = side;
}

bool layout_schedule_done(const layout_schedule *s)
{
    return s->converged || s->step >= s->p.iterations;
}

/* --- adjacency --- */

bool layout_csr_build(layout_csr *csr, uint32_t n, uint32_t m, const uint32_t *edges,
                      const float *weights)
{
    memset(csr, 0, sizeof *csr);
    csr->n = n;
    csr->offset = calloc((size_t)n + 1, sizeof *csr->offset);
    if (!csr->offset)
        return false;
    for (uint32_t e = 0; e < m; e++)
        if (edges[2 * e] != edges[2 * e + 1]) {
            csr->offset[edges[2 * e] + 1]++;
            csr->offset[edges[2 * e + 1] + 1]++;
        }
    for (uint32_t i = 0; i < n; i++)
        csr->offset[i + 1] += csr->offset[i];
    size_t total = csr->offset[n];
    csr->adj = malloc((total ? total : 1) * sizeof *csr->adj);
    csr->weight = malloc((total ? total : 1) * sizeof *csr->weight);
    uint32_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
    if (!csr->adj || !csr->weight || !fill) {
        free(fill);
        layout_csr_free(csr);
        return false;
    }
    memcpy(fill, csr->offset, ((size_t)n + 1) * sizeof *fill);
    for (uint32_t e = 0; e < m; e++) {
        uint32_t a = edges[2 * e], b = edges[2 * e + 1];
        if (a == b)
            continue;
        float w = weights ? weights[e] : 1.0f;
        csr->adj[fill[a]] = b;
        csr->weight[fill[a]++] = w;
        csr->adj[fill[b]] = a;
        csr->weight[fill[b]++] = w;
    }
    free(fill);
    return true;
}

void layout_csr_free(layout_csr *csr)
{
    free(csr->offset);
    free(csr->adj);
    free(csr->weight);
    memset(csr, 0, sizeof *csr);
}

/* --- forces --- */

/* The 32-bit hash the shaders use too (lowbias32). */
static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Direction for two coincident nodes: a fixed pseudo-random vector per pair,
 * opposite for the two ends, so they separate the same way every run. */
static void kick(const layout_consts *c, uint32_t i, uint32_t j, float out[3])
{
    uint32_t lo = i < j ? i : j, hi = i < j ? j : i;
    uint32_t h = hash32(lo * 0x9E3779B1U ^ hash32(hi ^ c->seed));
    uint32_t h2 = hash32(h);
    float s = i < j ? c->min_dist : -c->min_dist;
    out[0] = s * ((float)(h & 0xffffu) * (2.0f / 65535.0f) - 1.0f);
    out[1] = s * ((float)(h >> 16) * (2.0f / 65535.0f) - 1.0f);
    out[2] = c->dims == 3 ? s * ((float)(h2 & 0xffffu) * (2.0f / 65535.0f) - 1.0f) : 0.0f;
}

/* Repulsion at pi from pj added to f, except for a coincident pair (closer
 * than min_dist, outside nx mode; a node and itself too), which is only
 * counted in *close and kicked apart by pair_kick() afterwards: the order of
 * layout_common.glsl, where the kick stays out of the loop over all pairs. */
static void pair(const layout_consts *c, const float *pi, const float *pj, uint32_t *close, float f[3])
{
    float d[3] = {pi[0] - pj[0], pi[1] - pj[1], pi[2] - pj[2]};
    float d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    float m2 = c->min_dist * c->min_dist;
    bool co = !c->nx && d2 < m2;
    *close += co;
    float s = co ? 0.0f : c->k2 / (d2 > m2 ? d2 : m2);
    f[0] += d[0] * s;
    f[1] += d[1] * s;
    f[2] += d[2] * s;
}

static void pair_kick(const layout_consts *c, const float *pi, const float *pj, uint32_t i, uint32_t j,
                      float f[3])
{
    float d[3] = {pi[0] - pj[0], pi[1] - pj[1], pi[2] - pj[2]};
    float d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    float m2 = c->min_dist * c->min_dist;
    if (!(d2 < m2) || i == j)
        return;
    kick(c, i, j, d);
    d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    d2 = d2 > m2 ? d2 : m2;
    float s = c->k2 / d2;
    f[0] += d[0] * s;
    f[1] += d[1] * s;
    f[2] += d[2] * s;
}

static void springs_and_gravity(const layout_consts *c, const float *pos, const layout_csr *csr,
                                uint32_t i, float f[3])
{
    const float *pi = pos + 4 * (size_t)i;
    if (csr && i < csr->n)
        for (uint32_t e = csr->offset[i]; e < csr->offset[i + 1]; e++) {
            const float *pj = pos + 4 * (size_t)csr->adj[e];
            float d[3] = {pi[0] - pj[0], pi[1] - pj[1], pi[2] - pj[2]};
            float dist = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            dist = dist > c->min_dist ? dist : c->min_dist;
            float s = csr->weight[e] * dist * c->inv_k;
            f[0] -= d[0] * s;
            f[1] -= d[1] * s;
            f[2] -= d[2] * s;
        }
    f[0] -= (pi[0] - c->center[0]) * c->gravity;
    f[1] -= (pi[1] - c->center[1]) * c->gravity;
    f[2] -= (pi[2] - c->center[2]) * c->gravity;
}

/* Adds the monopole of cell at x0 to the expansion e (F, then J as in
 * layout_ref.h), in the order of the GLSL far_term(). */
static void far_term(const layout_consts *c, const float *x0, const float *cell, float e[12])
{
    float cnt = cell[3];
    if (cnt == 0)
        return;
    float d[3] = {x0[0] - cell[0], x0[1] - cell[1], x0[2] - cell[2]};
    float d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    float m2 = c->min_dist * c->min_dist;
    d2 = d2 > m2 ? d2 : m2;
    float s = c->k2 * cnt / d2;
    float t = 2.0f * s / d2;
    e[0] += d[0] * s;
    e[1] += d[1] * s;
    e[2] += d[2] * s;
    e[4] += s - t * d[0] * d[0];
    e[5] -= t * d[0] * d[1];
    e[6] -= t * d[0] * d[2];
    e[7] += s - t * d[1] * d[1];
    e[8] -= t * d[1] * d[2];
    e[9] += s - t * d[2] * d[2];
}

/* F + J d for the expansion e (as layout_force.comp.glsl's expand()). */
static void expand(const float e[12], const float d[3], float out[3])
{
    out[0] = e[0] + (e[4] * d[0] + e[5] * d[1] + e[6] * d[2]);
    out[1] = e[1] + (e[5] * d[0] + e[7] * d[1] + e[8] * d[2]);
    out[2] = e[2] + (e[6] * d[0] + e[8] * d[1] + e[9] * d[2]);
}

void layout_ref_grid_consts(layout_consts *c, uint32_t side)
{
    c->side = side ? side : layout_grid_side(c->n, (int)c->dims);
    c->levels = layout_grid_levels(c->side);
    uint32_t off = 0, s = c->side;
    for (uint32_t l = 0; l < c->levels; l++, s /= 2) {
        c->level_offset[l] = off;
        off += c->dims == 3 ? s * s * s : s * s;
    }
}

static inline uint32_t cell_index(const int q[3], uint32_t side, int dims)
{
    return (uint32_t)q[0] + side * ((uint32_t)q[1] + (dims == 3 ? side * (uint32_t)q[2] : 0));
}

static inline int cheb(const int a[3], const int b[3])
{
    int m = 0;
    for (int k = 0; k < 3; k++) {
        int d = abs(a[k] - b[k]);
        m = d > m ? d : m;
    }
    return m;
}

/* The t-th (0..26) cell of a 2D interaction list as an offset from a cell
 * whose position in its parent is (px, py): the children of the parent's
 * 3x3 neighbours are the 6x6 block at offsets -2-p .. 3-p, less our 3x3;
 * first the 9 in our rows outside our columns, then the 18 in the other
 * rows (the order of layout_force.comp.glsl). */
static int il_side(int k, int p) { return k == 0 ? -2 - p : (k == 1 ? 2 - 4 * p : 3 - p); }
static void il_offset2(int t, int px, int py, int o[2])
{
    if (t < 9) {
        o[0] = il_side(t % 3, px);
        o[1] = t / 3 - 1;
    } else {
        t -= 9;
        o[0] = t % 6 - 2 - px;
        o[1] = il_side(t / 6, py);
    }
}

/* Adds the monopoles of the interaction list of the level-lv cell at cm to
 * the expansion e about x0 (as il_terms() in layout_force.comp.glsl). */
static void il_terms(const layout_consts *c, const float *sum, uint32_t lv, const int cm[3],
                     const float *x0, float e[12])
{
    int dims = (int)c->dims, zr = dims == 3 ? 1 : 0;
    uint32_t off = c->level_offset[lv];
    if (lv == c->levels - 1) {
        for (int z = 0; z <= 3 * zr; z++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++) {
                    int qq[3] = {x, y, z};
                    if (cheb(qq, cm) > 1)
                        far_term(c, x0, sum + 4 * (size_t)(off + cell_index(qq, 4, dims)), e);
                }
        return;
    }
    uint32_t s = c->side >> lv;
    if (dims == 2) {
        for (int t = 0; t < 27; t++) {
            int o[2];
            il_offset2(t, cm[0] & 1, cm[1] & 1, o);
            int qx = cm[0] + o[0], qy = cm[1] + o[1];
            if (qx >= 0 && qy >= 0 && qx < (int)s && qy < (int)s)
                far_term(c, x0, sum + 4 * (size_t)(off + (uint32_t)qx + s * (uint32_t)qy), e);
        }
        return;
    }
    int pc[3] = {cm[0] >> 1, cm[1] >> 1, cm[2] >> 1};
    int ps = (int)s / 2, pz = dims == 3 ? ps : 1;
    for (int oz = -zr; oz <= zr; oz++)
        for (int oy = -1; oy <= 1; oy++)
            for (int ox = -1; ox <= 1; ox++) {
                int pn[3] = {pc[0] + ox, pc[1] + oy, pc[2] + oz};
                if (pn[0] < 0 || pn[1] < 0 || pn[2] < 0 || pn[0] >= ps || pn[1] >= ps || pn[2] >= pz)
                    continue;
                for (int dz = 0; dz <= zr; dz++)
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) {
                            int qq[3] = {2 * pn[0] + dx, 2 * pn[1] + dy, 2 * pn[2] + dz};
                            if (cheb(qq, cm) > 1)
                                far_term(c, x0, sum + 4 * (size_t)(off + cell_index(qq, s, dims)), e);
                        }
            }
}

bool layout_ref_forces(const layout_consts *c, const float *pos, const layout_csr *csr,
                       float *disp, uint32_t *near_pairs, uint32_t *occupied)
{
    uint32_t sampled = 0;
    uint32_t n = c->n;
    int dims = (int)c->dims;
    if (c->exact) {
        for (uint32_t i = 0; i < n; i++) {
            float f[3] = {0, 0, 0};
            uint32_t close = 0;
            for (uint32_t j = 0; j < n; j++)
                pair(c, pos + 4 * (size_t)i, pos + 4 * (size_t)j, &close, f);
            for (uint32_t j = 0; close > 1 && j < n; j++)
                pair_kick(c, pos + 4 * (size_t)i, pos + 4 * (size_t)j, i, j, f);
            springs_and_gravity(c, pos, csr, i, f);
            memcpy(disp + 4 * (size_t)i, f, sizeof f);
            disp[4 * (size_t)i + 3] = 0;
        }
        return true;
    }
    uint32_t side = c->side, levels = c->levels;
    uint32_t fine = dims == 3 ? side * side * side : side * side;
    uint32_t total = c->level_offset[levels - 1] + (dims == 3 ? 64 : 16);
    uint32_t *cell = malloc(((size_t)n + 1) * sizeof *cell);
    uint32_t *start = calloc((size_t)fine + 1, sizeof *start);
    uint32_t *sorted = malloc(((size_t)n + 1) * sizeof *sorted);
    float *sum = calloc((size_t)total * 4, sizeof *sum);
    uint32_t *fill = malloc(((size_t)fine + 1) * sizeof *fill);
    float *far = calloc((size_t)total * 12, sizeof *far); /* local expansions */
    if (!cell || !start || !sorted || !sum || !fill || !far) {
        free(cell);
        free(start);
        free(sorted);
        free(sum);
        free(fill);
        free(far);
        return false;
    }
    float lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < dims; k++) {
            float v = pos[4 * (size_t)i + k];
            lo[k] = v < lo[k] ? v : lo[k];
            hi[k] = v > hi[k] ? v : hi[k];
        }
    float scale = layout_grid_frame(lo, hi, dims, side);
    for (uint32_t i = 0; i < n; i++) {
        cell[i] = layout_grid_cell(pos + 4 * (size_t)i, lo, scale, dims, side);
        start[cell[i] + 1]++;
    }
    uint32_t used = 0;
    for (uint32_t q = 0; q < fine; q++) {
        used += start[q + 1] != 0;
        start[q + 1] += start[q];
    }
    if (occupied)
        *occupied = used;
    memcpy(fill, start, (size_t)fine * sizeof *fill);
    for (uint32_t i = 0; i < n; i++) /* in id order: members sorted by id */
        sorted[fill[cell[i]]++] = i;
    for (uint32_t q = 0; q < fine; q++) {
        float *dst = sum + 4 * (size_t)q;
        for (uint32_t s = start[q]; s < start[q + 1]; s++) {
            const float *p = pos + 4 * (size_t)sorted[s];
            dst[0] += p[0];
            dst[1] += p[1];
            dst[2] += p[2];
            dst[3] += 1.0f;
        }
        if (dst[3] > 0) /* centre of mass */
            for (int k = 0; k < 3; k++)
                dst[k] = dst[k] / dst[3];
    }
    for (uint32_t l = 1; l < levels; l++) {
        uint32_t s = side >> l, zs = dims == 3 ? s : 1;
        for (uint32_t z = 0; z < zs; z++)
            for (uint32_t y = 0; y < s; y++)
                for (uint32_t x = 0; x < s; x++) {
                    float *dst = sum + 4 * (size_t)(c->level_offset[l] + x + s * (y + s * z));
                    for (uint32_t dz = 0; dz < (dims == 3 ? 2u : 1u); dz++)
                        for (uint32_t dy = 0; dy < 2; dy++)
                            for (uint32_t dx = 0; dx < 2; dx++) {
                                uint32_t cs = 2 * s;
                                const float *src = sum + 4 * (size_t)(c->level_offset[l - 1] + 2 * x + dx +
                                                                      cs * (2 * y + dy + cs * (2 * z + dz)));
                                for (int k = 0; k < 3; k++)
                                    dst[k] += src[k] * src[3];
                                dst[3] += src[3];
                            }
                    if (dst[3] > 0)
                        for (int k = 0; k < 3; k++)
                            dst[k] = dst[k] / dst[3];
                }
    }
    int zr = dims == 3 ? 1 : 0;
    /* local expansions of every occupied cell, coarsest level first: the
     * parent's moved to our centre, then our interaction list */
    for (int lv = (int)layout_far_first(levels); lv >= 0; lv--) {
        uint32_t s = side >> lv, zs = dims == 3 ? s : 1;
        for (uint32_t q = 0; q < s * s * zs; q++) {
            uint32_t g = c->level_offset[lv] + q;
            const float *x0 = sum + 4 * (size_t)g;
            if (x0[3] == 0)
                continue;
            int cm[3] = {(int)(q % s), (int)((q / s) % s), (int)(q / (s * s))};
            float *e = far + 12 * (size_t)g;
            int top = lv == (int)layout_far_first(levels) ? (int)levels : lv + 1;
            if (top < (int)levels) {
                int sh = top - lv;
                int ac[3] = {cm[0] >> sh, cm[1] >> sh, cm[2] >> sh};
                uint32_t ag = c->level_offset[top] + cell_index(ac, side >> top, dims);
                const float *xa = sum + 4 * (size_t)ag;
                float d[3] = {x0[0] - xa[0], x0[1] - xa[1], x0[2] - xa[2]};
                expand(far + 12 * (size_t)ag, d, e);
                memcpy(e + 4, far + 12 * (size_t)ag + 4, 6 * sizeof *e);
            }
            for (int l2 = top - 1; l2 >= lv; l2--) {
                int sh = l2 - lv;
                int cl[3] = {cm[0] >> sh, cm[1] >> sh, cm[2] >> sh};
                il_terms(c, sum, (uint32_t)l2, cl, x0, e);
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        const float *pi = pos + 4 * (size_t)i;
        float f[3] = {0, 0, 0};
        int c0[3] = {0, 0, 0};
        uint32_t ci = cell[i];
        c0[0] = (int)(ci % side);
        c0[1] = (int)((ci / side) % side);
        c0[2] = dims == 3 ? (int)(ci / (side * side)) : 0;
        {
            /* everything outside the 3^d block: our finest cell's expansion */
            const float *x0 = sum + 4 * (size_t)ci;
            float d[3] = {pi[0] - x0[0], pi[1] - x0[1], pi[2] - x0[2]};
            float e[3];
            expand(far + 12 * (size_t)ci, d, e);
            memcpy(f, e, sizeof f);
        }
        /* near: particles of the 3^d neighbourhood, by cell then id; then
         * the kicks for coincident pairs, if any */
        uint32_t close = 0;
        for (int pass = 0; pass < (close > 1 ? 2 : 1); pass++)
            for (int oz = -zr; oz <= zr; oz++)
                for (int oy = -1; oy <= 1; oy++)
                    for (int ox = -1; ox <= 1; ox++) {
                        int q[3] = {c0[0] + ox, c0[1] + oy, c0[2] + oz};
                        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= (int)side || q[1] >= (int)side ||
                            q[2] >= (dims == 3 ? (int)side : 1))
                            continue;
                        uint32_t qi = cell_index(q, side, dims);
                        if (pass == 0 && i % LAYOUT_SAMPLE == 0)
                            sampled += start[qi + 1] - start[qi];
                        for (uint32_t s = start[qi]; s < start[qi + 1]; s++) {
                            uint32_t j = sorted[s];
                            if (pass == 0)
                                pair(c, pi, pos + 4 * (size_t)j, &close, f);
                            else
                                pair_kick(c, pi, pos + 4 * (size_t)j, i, j, f);
                        }
                    }
        if (i % LAYOUT_SAMPLE == 0)
            sampled -= 1; /* itself */
        springs_and_gravity(c, pos, csr, i, f);
        memcpy(disp + 4 * (size_t)i, f, sizeof f);
        disp[4 * (size_t)i + 3] = 0;
    }
    if (near_pairs)
        *near_pairs = sampled;
    free(far);
    free(fill);
    free(cell);
    free(start);
    free(sorted);
    free(sum);
    return true;
}

double layout_ref_move(const layout_consts *c, float *pos, const float *disp, const layout_csr *csr,
                       const uint8_t *pinned)
{
    double total = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        if (pinned && pinned[i])
            continue;
        const float *d = disp + 4 * (size_t)i;
        float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        float s;
        if (c->nx) {
            s = c->temp / (len > 0.01f ? len : 0.01f);
        } else {
            uint32_t deg = csr && i < csr->n ? csr->offset[i + 1] - csr->offset[i] : 0;
            float eta = LAYOUT_STEP / (1.0f + (float)deg);
            float step = eta * len;
            s = step > c->temp ? c->temp / len : eta;
        }
        float mv[3] = {d[0] * s, d[1] * s, d[2] * s};
        float *p = pos + 4 * (size_t)i;
        for (int k = 0; k < (int)c->dims; k++)
            p[k] += mv[k];
        total += (double)mv[0] * mv[0] + (double)mv[1] * mv[1] + (double)mv[2] * mv[2];
    }
    return total;
}

double layout_ref_energy(const layout_consts *c, const float *pos, const layout_csr *csr)
{
    double e = 0;
    double md = c->min_dist;
    for (uint32_t i = 0; i < c->n; i++) {
        const float *pi = pos + 4 * (size_t)i;
        for (uint32_t j = i + 1; j < c->n; j++) {
            const float *pj = pos + 4 * (size_t)j;
            double d = sqrt((double)(pi[0] - pj[0]) * (pi[0] - pj[0]) +
                            (double)(pi[1] - pj[1]) * (pi[1] - pj[1]) +
                            (double)(pi[2] - pj[2]) * (pi[2] - pj[2]));
            e -= c->k2 * log(d > md ? d : md);
        }
        if (csr)
            for (uint32_t k = csr->offset[i]; k < csr->offset[i + 1]; k++) {
                const float *pj = pos + 4 * (size_t)csr->adj[k];
                double d = sqrt((double)(pi[0] - pj[0]) * (pi[0] - pj[0]) +
                                (double)(pi[1] - pj[1]) * (pi[1] - pj[1]) +
                                (double)(pi[2] - pj[2]) * (pi[2] - pj[2]));
                e += 0.5 * csr->weight[k] * d * d * d * c->inv_k / 3.0; /* each edge twice */
            }
        double g = 0;
        for (int k = 0; k < 3; k++)
            g += (double)(pi[k] - c->center[k]) * (pi[k] - c->center[k]);
        e += 0.5 * c->gravity * g;
    }
    return e;
}

/* --- the CPU solver --- */

struct layout_ref {
    layout_schedule sched;
    uint32_t n;
    float *pos, *disp;
    layout_csr csr;
};

layout_ref *layout_ref_create(const layout_params *p, uint32_t n, uint32_t m,
                              const uint32_t *edges, const float *weights)
{
    layout_ref *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    layout_params rp = layout_params_resolve(p);
    r->n = n;
    r->pos = calloc((size_t)n * 4 + 4, sizeof *r->pos);
    r->disp = calloc((size_t)n * 4 + 4, sizeof *r->disp);
    if (!r->pos || !r->disp || !layout_csr_build(&r->csr, n, m, edges, weights)) {
        layout_ref_destroy(r);
        return NULL;
    }
    float dom = layout_domain(&rp, n);
    float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (uint32_t i = 0; i < n; i++) {
        float u[3] = {0, 0, 0};
        layout_initial_position(rp.seed, i, rp.dims, u);
        for (int k = 0; k < rp.dims; k++)
            r->pos[4 * (size_t)i + k] = rp.nx_compat ? u[k] : (u[k] - 0.5f) * dom;
        for (int k = 0; k < 2; k++) {
            lo[k] = fminf(lo[k], r->pos[4 * (size_t)i + k]);
            hi[k] = fmaxf(hi[k], r->pos[4 * (size_t)i + k]);
        }
    }
    float ext = n ? fmaxf(hi[0] - lo[0], hi[1] - lo[1]) : 0;
    layout_schedule_start(&r->sched, &rp, n, ext);
    return r;
}

void layout_ref_destroy(layout_ref *r)
{
    if (!r)
        return;
    free(r->pos);
    free(r->disp);
    layout_csr_free(&r->csr);
    free(r);
}

int layout_ref_step(layout_ref *r, int steps)
{
    int done = 0;
    while (done < steps && !layout_schedule_done(&r->sched) && r->n) {
        layout_consts c;
        layout_schedule_consts(&r->sched, r->n, &c);
        layout_repulsion rep = r->sched.p.repulsion;
        c.exact = rep == LAYOUT_REPULSION_EXACT ||
                  (rep == LAYOUT_REPULSION_AUTO && r->n <= r->sched.p.exact_max);
        if (!c.exact)
            layout_ref_grid_consts(&c, r->sched.side);
        uint32_t near = 0, occupied = 0;
        if (!layout_ref_forces(&c, r->pos, &r->csr, r->disp, &near, &occupied))
            break;
        double mv = layout_ref_move(&c, r->pos, r->disp, &r->csr, NULL);
        done++;
        layout_schedule_advance(&r->sched, r->n, mv);
        if (!c.exact)
            layout_schedule_grid(&r->sched, r->n, (int)c.dims, near, occupied);
    }
    return done;
}

bool layout_ref_converged(const layout_ref *r) { return r->sched.converged; }
float *layout_ref_positions(layout_ref *r) { return r->pos; }
const layout_schedule *layout_ref_schedule(const layout_ref *r) { return &r->sched; }
