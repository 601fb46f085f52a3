/* layout: the GPU solver (see layout.h for the design). Buffer sizes only
 * grow, by doubling, copying the live prefix; kernels are built from
 * shaders/layout_*.glsl with the numbers of layout_gpu.h prepended. */
#include "layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout_gpu.h"
#include "log.h"
#include "shader.h"

enum { P_EXACT, P_GRID, P_MOVE, P_PLACE, P_BBOX, P_COUNT, P_SCAN_LOCAL, P_SCAN_BLOCKS,
       P_SCAN_ADD, P_SCATTER, P_CELLSUM_FINE, P_CELLSUM_LEVEL, P_FAR, P_SPRINGS, P_RANK,
       P_CELLSUM_TOP, P_N };

static const struct {
    const char *file, *define;
} kernels[P_N] = {
    [P_EXACT] = {"layout_force.comp.glsl", "EXACT"},
    [P_GRID] = {"layout_force.comp.glsl", "GRID"},
    [P_MOVE] = {"layout_move.comp.glsl", "MOVE"},
    [P_PLACE] = {"layout_place.comp.glsl", "PLACE"},
    [P_BBOX] = {"layout_grid.comp.glsl", "K_BBOX"},
    [P_COUNT] = {"layout_grid.comp.glsl", "K_COUNT"},
    [P_SCAN_LOCAL] = {"layout_grid.comp.glsl", "K_SCAN_LOCAL"},
    [P_SCAN_BLOCKS] = {"layout_grid.comp.glsl", "K_SCAN_BLOCKS"},
    [P_SCAN_ADD] = {"layout_grid.comp.glsl", "K_SCAN_ADD"},
    [P_SCATTER] = {"layout_grid.comp.glsl", "K_SCATTER"},
    [P_CELLSUM_FINE] = {"layout_grid.comp.glsl", "K_CELLSUM_FINE"},
    [P_CELLSUM_LEVEL] = {"layout_grid.comp.glsl", "K_CELLSUM_LEVEL"},
    [P_FAR] = {"layout_force.comp.glsl", "FAR"},
    [P_SPRINGS] = {"layout_force.comp.glsl", "SPRINGS"},
    [P_RANK] = {"layout_grid.comp.glsl", "K_RANK"},
    [P_CELLSUM_TOP] = {"layout_grid.comp.glsl", "K_CELLSUM_TOP"},
};

/* Levels of at most this many cells are summed together, by one workgroup
 * in one dispatch (K_CELLSUM_TOP): at 10k nodes the 4 coarsest levels, 80
 * us in all on llvmpipe, where a dispatch each cost about 45 us (waking its
 * threads) while their sums take a few. IPVIZ_LAYOUT_TOP_CELLS=N changes
 * the limit, so that the tests cover both kernels. */
#define LAYOUT_TOP_CELLS 1024

/* Shader storage buffers, indexed by their binding number. */
enum { NBUF = LAYOUT_B_SID + 1 };

struct layout {
    layout_params p;
    bool cpu_raster; /* llvmpipe and the like: kernels built with NO_TILE */
    bool tex;        /* kernels read through buffer textures (layout_gpu.h) */
    GLint tex_max;   /* GL_MAX_TEXTURE_BUFFER_SIZE, texels */
    uint32_t top_cells; /* LAYOUT_TOP_CELLS */
    bool order_stale; /* degrees changed since upload_order() */
    uint32_t hubs;    /* nodes of degree above LAYOUT_SPRING_CAP (first in the order) */
    layout_schedule sched;
    bool started, paused;
    uint32_t n, m; /* synced */
    GLuint prog[P_N];
    GLuint ubo;
    GLuint buf[NBUF];
    size_t bytes[NBUF];
    GLuint tex_name[NBUF], tex_buf[NBUF]; /* a buffer texture per buffer; the buffer it views */
    /* CPU side of the adjacency: CSR with slack (see layout.h) */
    uint32_t node_cap;          /* allocated length of off/deg/room/pinned */
    uint32_t *off, *deg, *room; /* per node: first entry, entries, room */
    uint32_t *adj;              /* 2 uints per entry: neighbour, weight bits */
    uint32_t adj_used, adj_cap; /* entries */
    uint64_t adj_live;          /* sum of degrees */
    /* changed ranges, uploaded at the end of a sync */
    uint32_t *dirty_nodes, ndirty_nodes, dirty_nodes_cap;
    uint32_t *dirty_adj, ndirty_adj, dirty_adj_cap; /* pairs: first entry, count */
    bool full_upload;
    bool bbox_ok; /* LAYOUT_B_BBOX holds the box of the positions (the last move left it) */
    float *partial;
    size_t partial_cap;
};

/* --- GL helpers --- */

/* llvmpipe and the like: no shared-memory tiling, no barrier trees. */
static bool cpu_rasterizer(void)
{
    const char *r = (const char *)glGetString(GL_RENDERER);
    return r && (strstr(r, "llvmpipe") || strstr(r, "softpipe") || strstr(r, "SwiftShader"));
}

/* The texel format of each buffer's texture view: 0 where no kernel reads
 * it as a texture (written in the same pass, or not read by the solver). */
static const GLenum tex_format[NBUF] = {
    [LAYOUT_B_POS] = GL_RGBA32F, [LAYOUT_B_DISP] = GL_RGBA32F, [LAYOUT_B_CSR_OFF] = GL_RG32UI,
    [LAYOUT_B_CSR_ADJ] = GL_RG32UI, [LAYOUT_B_FLAGS] = GL_R32UI, [LAYOUT_B_NODE_CELL] = GL_RG32UI,
    [LAYOUT_B_CELLS] = GL_RG32UI, [LAYOUT_B_SORTED] = GL_RGBA32UI, [LAYOUT_B_CELLSUM] = GL_RGBA32F,
    [LAYOUT_B_OCC] = GL_R32UI, [LAYOUT_B_SPOS] = GL_RGBA32F, [LAYOUT_B_ORDER] = GL_R32UI,
    [LAYOUT_B_SID] = GL_R32UI,
};

static size_t texel_bytes(GLenum f)
{
    return f == GL_RGBA32F || f == GL_RGBA32UI ? 16 : f == GL_RG32UI ? 8 : 4;
}

static GLuint build(int k, int dims, bool no_tile, bool tex)
{
    /* the grid frame's constants, to the bit (%.9g round-trips a float) */
    static const float g[4] = LAYOUT_GRID_G, inv_g[4] = LAYOUT_GRID_INV_G;
    char grid[400] = "";
    for (int j = 0; j < 4; j++)
        snprintf(grid + strlen(grid), sizeof grid - strlen(grid),
                 "#define LAYOUT_GRID_G%d %#.9g\n#define LAYOUT_GRID_INV_G%d %#.9g\n", j, (double)g[j], j,
                 (double)inv_g[j]);
    char defs[2100];
    snprintf(defs, sizeof defs,
             "#version 430\n%s%s#define %s 1\n#define LAYOUT_DIMS %du\n#define LAYOUT_WG %du\n#define LAYOUT_SCAN_BLOCK %du\n"
             "#define LAYOUT_B_CONSTS %d\n#define LAYOUT_B_POS %d\n#define LAYOUT_B_EDGES %d\n"
             "#define LAYOUT_B_DISP %d\n#define LAYOUT_B_CSR_OFF %d\n#define LAYOUT_B_CSR_ADJ %d\n"
             "#define LAYOUT_B_FLAGS %d\n#define LAYOUT_B_BBOX %d\n#define LAYOUT_B_NODE_CELL %d\n"
             "#define LAYOUT_B_CELLS %d\n#define LAYOUT_B_SORTED %d\n#define LAYOUT_B_CELLSUM %d\n"
             "#define LAYOUT_B_PARTIAL %d\n#define LAYOUT_B_BLOCKSUM %d\n#define LAYOUT_B_PLACE %d\n#define LAYOUT_B_OCC %d\n#define LAYOUT_B_SPOS %d\n#define LAYOUT_B_ORDER %d\n"
             "#define LAYOUT_B_LEVELS %d\n#define LAYOUT_B_SID %d\n"
             "#define LAYOUT_U_LEVEL %d\n#define LAYOUT_U_COUNT %d\n#define LAYOUT_U_RADIUS %d\n"
             "#define LAYOUT_STEP %#.9g\n#define LAYOUT_SAMPLE %du\n#define LAYOUT_FAR_TOP %du\n"
             "#define LAYOUT_SPRING_CAP %du\n%s",
             no_tile ? "#define NO_TILE 1\n" : "", tex ? "#define LAYOUT_TEX 1\n" : "", kernels[k].define, dims, LAYOUT_WG, LAYOUT_SCAN_BLOCK, LAYOUT_B_CONSTS, LAYOUT_B_POS,
             LAYOUT_B_EDGES, LAYOUT_B_DISP, LAYOUT_B_CSR_OFF, LAYOUT_B_CSR_ADJ, LAYOUT_B_FLAGS,
             LAYOUT_B_BBOX, LAYOUT_B_NODE_CELL, LAYOUT_B_CELLS, LAYOUT_B_SORTED, LAYOUT_B_CELLSUM,
             LAYOUT_B_PARTIAL, LAYOUT_B_BLOCKSUM, LAYOUT_B_PLACE, LAYOUT_B_OCC, LAYOUT_B_SPOS, LAYOUT_B_ORDER, LAYOUT_B_LEVELS, LAYOUT_B_SID, LAYOUT_U_LEVEL, LAYOUT_U_COUNT,
             LAYOUT_U_RADIUS, (double)LAYOUT_STEP, LAYOUT_SAMPLE, LAYOUT_FAR_TOP, LAYOUT_SPRING_CAP, grid);
    char *common = shader_source("layout_common.glsl");
    char *body = shader_source(kernels[k].file);
    if (!common || !body) {
        log_error("shader %s is missing from the build", common ? kernels[k].file : "layout_common.glsl");
        shader_release(common);
        shader_release(body);
        return 0;
    }
    const char *srcs[3] = {defs, common, body};
    GLuint s = glCreateShader(GL_COMPUTE_SHADER);
    glShaderSource(s, 3, srcs, NULL);
    glCompileShader(s);
    shader_release(common);
    shader_release(body);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    char msg[2048];
    if (!ok) {
        glGetShaderInfoLog(s, sizeof msg, NULL, msg);
        log_error("shader %s (%s) does not compile: %s", kernels[k].file, kernels[k].define, msg);
        glDeleteShader(s);
        return 0;
    }
    GLuint p = glCreateProgram();
    glAttachShader(p, s);
    glLinkProgram(p);
    glDeleteShader(s);
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        glGetProgramInfoLog(p, sizeof msg, NULL, msg);
        log_error("shader %s (%s) does not link: %s", kernels[k].file, kernels[k].define, msg);
        glDeleteProgram(p);
        return 0;
    }
    return p;
}

/* Makes buffer b hold at least need bytes, keeping its first keep bytes.
 * Sizes are powers of 2, from 64 KiB for the buffers read as textures:
 * Mesa 22's llvmpipe builds a kernel anew (20-120 ms each with no shader
 * cache) when a texture's size turns a power of 2 or not, or when bits 8-15
 * of a buffer texture's size turn zero or not (its sampler-view key reads
 * them as a mip level), so those sizes keep both the same from the first
 * step on. */
static void ensure(layout *l, int b, size_t need, size_t keep)
{
    if (need <= l->bytes[b] && l->buf[b])
        return;
    size_t sz = l->bytes[b] ? l->bytes[b] : tex_format[b] ? 65536 : 256;
    while (sz < need)
        sz *= 2;
    GLuint nb;
    glGenBuffers(1, &nb);
    glBindBuffer(GL_COPY_WRITE_BUFFER, nb);
    glBufferData(GL_COPY_WRITE_BUFFER, (GLsizeiptr)sz, NULL, GL_DYNAMIC_DRAW);
    if (l->buf[b] && keep) {
        glBindBuffer(GL_COPY_READ_BUFFER, l->buf[b]);
        glCopyBufferSubData(GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, 0, 0,
                            (GLsizeiptr)(keep < l->bytes[b] ? keep : l->bytes[b]));
    }
    if (l->buf[b])
        glDeleteBuffers(1, &l->buf[b]);
    l->buf[b] = nb;
    l->bytes[b] = sz;
    l->tex_buf[b] = 0; /* bind_all() points the texture at the new buffer */
}

static void upload(layout *l, int b, size_t offset, size_t bytes, const void *data)
{
    if (!bytes)
        return;
    glBindBuffer(GL_COPY_WRITE_BUFFER, l->buf[b]);
    glBufferSubData(GL_COPY_WRITE_BUFFER, (GLintptr)offset, (GLsizeiptr)bytes, data);
}

static void clear_u32(layout *l, int b, size_t offset, size_t bytes)
{
    if (!bytes)
        return;
    glBindBuffer(GL_COPY_WRITE_BUFFER, l->buf[b]);
    glClearBufferSubData(GL_COPY_WRITE_BUFFER, GL_R32UI, (GLintptr)offset, (GLsizeiptr)bytes,
                         GL_RED_INTEGER, GL_UNSIGNED_INT, NULL);
}

/* Builds every kernel, reading through buffer textures or not; keeps the
 * old programs if one fails. */
static bool build_all(layout *l, bool tex)
{
    GLuint prog[P_N] = {0};
    for (int k = 0; k < P_N; k++)
        if (!(prog[k] = build(k, l->p.dims, l->cpu_raster, tex))) {
            for (int j = 0; j < k; j++)
                glDeleteProgram(prog[j]);
            return false;
        }
    for (int k = 0; k < P_N; k++) {
        if (l->prog[k])
            glDeleteProgram(l->prog[k]);
        l->prog[k] = prog[k];
    }
    l->tex = tex;
    return true;
}

static void bind_all(layout *l)
{
    glBindBufferBase(GL_UNIFORM_BUFFER, LAYOUT_B_CONSTS, l->ubo);
    for (int b = 0; b < NBUF; b++)
        if (l->buf[b])
            glBindBufferBase(GL_SHADER_STORAGE_BUFFER, (GLuint)b, l->buf[b]);
    if (!l->tex)
        return;
    for (int b = 0; b < NBUF; b++)
        if (tex_format[b] && l->buf[b] && l->bytes[b] / texel_bytes(tex_format[b]) > (size_t)l->tex_max) {
            /* too long for a buffer texture: read storage buffers from now on */
            if (!build_all(l, false))
                log_error("layout: cannot rebuild the kernels for %zu-byte buffers", l->bytes[b]);
            return;
        }
    for (int b = 0; b < NBUF; b++) {
        if (!tex_format[b] || !l->buf[b])
            continue;
        if (!l->tex_name[b])
            glGenTextures(1, &l->tex_name[b]);
        glActiveTexture(GL_TEXTURE0 + (GLenum)b);
        glBindTexture(GL_TEXTURE_BUFFER, l->tex_name[b]);
        if (l->tex_buf[b] != l->buf[b]) {
            glTexBuffer(GL_TEXTURE_BUFFER, tex_format[b], l->buf[b]);
            l->tex_buf[b] = l->buf[b];
        }
    }
    glActiveTexture(GL_TEXTURE0);
}

/* IPVIZ_LAYOUT_PROFILE=1: glFinish after every pass and sum its time per kernel */
static int prof_on = -1;
static double prof_t[P_N + 2];
static unsigned prof_calls[P_N + 2];
static double prof_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static double prof_mark = 0;
static void prof(int k)
{
    if (prof_on < 0)
        prof_on = getenv("IPVIZ_LAYOUT_PROFILE") != NULL;
    if (!prof_on)
        return;
    glFinish();
    double t = prof_now();
    if (k >= 0) {
        prof_t[k] += t - prof_mark;
        prof_calls[k]++;
    }
    prof_mark = t;
}
static void prof_report(void)
{
    if (prof_on <= 0)
        return;
    static const char *names[P_N + 2] = {"exact", "grid-force", "move", "place", "bbox", "count",
        "scan-local", "scan-blocks", "scan-add", "scatter", "cellsum-fine", "cellsum-level",
        "far", "springs", "rank", "cellsum-top", "readback", "setup"};
    for (int k = 0; k < P_N + 2; k++)
        if (prof_calls[k])
            fprintf(stderr, "profile %-14s %5u calls %10.2f ms total\n", names[k], prof_calls[k], 1e3 * prof_t[k]);
    memset(prof_t, 0, sizeof prof_t);
    memset(prof_calls, 0, sizeof prof_calls);
}

static void run(layout *l, int k, uint32_t items)
{
    prof(-1);
    glUseProgram(l->prog[k]);
    glDispatchCompute((items + LAYOUT_WG - 1) / LAYOUT_WG, 1, 1);
    glMemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT | GL_TEXTURE_FETCH_BARRIER_BIT | GL_COMMAND_BARRIER_BIT);
    prof(k);
}

/* Kernel k for level lv, one invocation per occupied cell of level walk
 * (LAYOUT_B_LEVELS). */
static void run_level(layout *l, int k, uint32_t lv, uint32_t walk)
{
    prof(-1);
    glUseProgram(l->prog[k]);
    glUniform1ui(LAYOUT_U_LEVEL, lv);
    glBindBuffer(GL_DISPATCH_INDIRECT_BUFFER, l->buf[LAYOUT_B_LEVELS]);
    glDispatchComputeIndirect((GLintptr)walk * 16);
    glMemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT | GL_TEXTURE_FETCH_BARRIER_BIT | GL_COMMAND_BARRIER_BIT);
    prof(k);
}

/* --- create / destroy --- */

/* Mesa's llvmpipe turns a kernel into machine code at its first dispatch,
 * not when it is linked (2-9 ms each, about 20 ms in all): dispatch each one
 * once here, on an empty problem (no nodes, no occupied cells), so that the
 * first layout step costs what the others do. Every binding gets a buffer
 * first, of the smallest size ensure() makes: the formats and sizes of the
 * buffer textures are part of what llvmpipe compiles for (ensure()). */
static void warm_up(layout *l)
{
    for (int b = 0; b < NBUF; b++) {
        ensure(l, b, 1, 0);
        clear_u32(l, b, 0, l->bytes[b]);
    }
    layout_consts c = {.dims = (uint32_t)l->p.dims, .side = 4, .levels = 1};
    glBindBuffer(GL_UNIFORM_BUFFER, l->ubo);
    glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof c, &c);
    bind_all(l);
    for (int k = 0; k < P_N; k++) {
        glUseProgram(l->prog[k]);
        if (k == P_CELLSUM_LEVEL || k == P_CELLSUM_TOP)
            glUniform1ui(LAYOUT_U_LEVEL, 1); /* they read the level below */
        glDispatchCompute(1, 1, 1);
    }
    glMemoryBarrier(GL_ALL_BARRIER_BITS);
}

layout *layout_create(const layout_params *params)
{
    layout *l = calloc(1, sizeof *l);
    if (!l) {
        log_error("out of memory");
        return NULL;
    }
    l->p = layout_params_resolve(params);
    if (!params || params->exact_max == 0) {
        /* all-pairs is cheap on a real GPU up to tens of thousands of nodes */
        l->p.exact_max = cpu_rasterizer() ? 1024 : 16384;
    }
    /* IPVIZ_LAYOUT_TILE=1: the kernels of real GPUs on a CPU rasterizer
     * too, so that the tests cover them */
    l->cpu_raster = cpu_rasterizer() && !getenv("IPVIZ_LAYOUT_TILE");
    GLint blocks = 0;
    glGetIntegerv(GL_MAX_COMPUTE_SHADER_STORAGE_BLOCKS, &blocks);
    GLint bindings = 0;
    glGetIntegerv(GL_MAX_SHADER_STORAGE_BUFFER_BINDINGS, &bindings);
    if (blocks < 8 || bindings < NBUF) {
        log_error("layout: the GL driver offers %d storage buffer bindings (%d per compute "
                  "shader); %d and 8 are needed", bindings, blocks, NBUF);
        free(l);
        return NULL;
    }
    glGetIntegerv(GL_MAX_TEXTURE_BUFFER_SIZE, &l->tex_max);
    GLint units = 0; /* a buffer texture's unit is its binding's number */
    glGetIntegerv(GL_MAX_COMPUTE_TEXTURE_IMAGE_UNITS, &units);
    if (units < NBUF)
        l->tex_max = 0;
    /* IPVIZ_LAYOUT_TEX_MAX=N: a smaller limit, so that the tests cover the
     * storage-buffer kernels and the switch to them */
    const char *tm = getenv("IPVIZ_LAYOUT_TEX_MAX");
    if (tm && atol(tm) >= 0 && atol(tm) < l->tex_max)
        l->tex_max = (GLint)atol(tm);
    const char *tc = getenv("IPVIZ_LAYOUT_TOP_CELLS");
    l->top_cells = tc && atol(tc) >= 0 ? (uint32_t)atol(tc) : LAYOUT_TOP_CELLS;
    if (!build_all(l, l->tex_max > 0)) {
        layout_destroy(l);
        return NULL;
    }
    glGenBuffers(1, &l->ubo);
    glBindBuffer(GL_UNIFORM_BUFFER, l->ubo);
    glBufferData(GL_UNIFORM_BUFFER, sizeof(layout_consts), NULL, GL_DYNAMIC_DRAW);
    warm_up(l);
    if (glGetError() != GL_NO_ERROR) {
        log_error("layout: cannot create GPU buffers");
        layout_destroy(l);
        return NULL;
    }
    return l;
}

void layout_destroy(layout *l)
{
    if (!l)
        return;
    prof_report();
    for (int k = 0; k < P_N; k++)
        if (l->prog[k])
            glDeleteProgram(l->prog[k]);
    for (int b = 0; b < NBUF; b++) {
        if (l->buf[b])
            glDeleteBuffers(1, &l->buf[b]);
        if (l->tex_name[b])
            glDeleteTextures(1, &l->tex_name[b]);
    }
    if (l->ubo)
        glDeleteBuffers(1, &l->ubo);
    free(l->off);
    free(l->deg);
    free(l->room);
    free(l->adj);
    free(l->dirty_nodes);
    free(l->dirty_adj);
    free(l->partial);
    free(l);
}

/* --- adjacency with slack --- */

static bool grow_u32(uint32_t **a, uint32_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    if (c > UINT32_MAX)
        return false;
    uint32_t *na = realloc(*a, c * sizeof *na);
    if (!na)
        return false;
    *a = na;
    *cap = (uint32_t)c;
    return true;
}

static bool mark_node(layout *l, uint32_t v)
{
    if (l->full_upload)
        return true;
    if (!grow_u32(&l->dirty_nodes, &l->dirty_nodes_cap, (size_t)l->ndirty_nodes + 1))
        return false;
    l->dirty_nodes[l->ndirty_nodes++] = v;
    return true;
}

static bool mark_adj(layout *l, uint32_t first, uint32_t count)
{
    if (l->full_upload || !count)
        return true;
    if (!grow_u32(&l->dirty_adj, &l->dirty_adj_cap, (size_t)l->ndirty_adj * 2 + 2))
        return false;
    l->dirty_adj[2 * l->ndirty_adj] = first;
    l->dirty_adj[2 * l->ndirty_adj + 1] = count;
    l->ndirty_adj++;
    return true;
}

static bool reserve_adj(layout *l, size_t entries)
{
    uint32_t cap2 = l->adj_cap * 2;
    if (!grow_u32(&l->adj, &cap2, entries * 2))
        return false;
    l->adj_cap = cap2 / 2;
    return true;
}

static bool add_neighbour(layout *l, uint32_t v, uint32_t u, float w)
{
    if (l->deg[v] == l->room[v]) {
        uint32_t room = l->room[v] ? 2 * l->room[v] : 4;
        if (!reserve_adj(l, (size_t)l->adj_used + room))
            return false;
        memmove(l->adj + 2 * (size_t)l->adj_used, l->adj + 2 * (size_t)l->off[v],
                2 * sizeof *l->adj * l->deg[v]);
        l->off[v] = l->adj_used;
        l->room[v] = room;
        l->adj_used += room;
        if (!mark_adj(l, l->off[v], l->deg[v]) || !mark_node(l, v))
            return false;
    }
    uint32_t e = l->off[v] + l->deg[v]++;
    l->adj[2 * (size_t)e] = u;
    memcpy(&l->adj[2 * (size_t)e + 1], &w, sizeof w);
    l->adj_live++;
    return mark_adj(l, e, 1) && mark_node(l, v);
}

/* The room a list of deg entries gets: a power of two, at least 4. */
static uint32_t room_for(uint32_t deg)
{
    uint32_t room = 4;
    while (room < deg && room < 0x80000000u)
        room *= 2;
    return room;
}

/* Rewrites the adjacency without holes; everything is uploaded afterwards. */
static bool compact(layout *l, uint32_t n)
{
    size_t total = 0;
    for (uint32_t v = 0; v < n; v++)
        total += room_for(l->deg[v]);
    uint32_t *na = malloc((total ? total : 1) * 2 * sizeof *na);
    if (!na || total > UINT32_MAX) {
        free(na);
        return false;
    }
    size_t at = 0;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t room = room_for(l->deg[v]);
        memcpy(na + 2 * at, l->adj + 2 * (size_t)l->off[v], 2 * sizeof *na * l->deg[v]);
        l->off[v] = (uint32_t)at;
        l->room[v] = room;
        at += room;
    }
    free(l->adj);
    l->adj = na;
    l->adj_cap = (uint32_t)(total ? total : 1);
    l->adj_used = (uint32_t)total;
    l->full_upload = true;
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_range(const void *a, const void *b) { return cmp_u32(a, b); }

/* Sends the changed parts of the adjacency to the GPU. */
static void upload_adjacency(layout *l, uint32_t n_old, uint32_t n)
{
    ensure(l, LAYOUT_B_CSR_OFF, (size_t)n * 8 + 8, (size_t)n_old * 8);
    ensure(l, LAYOUT_B_CSR_ADJ, (size_t)l->adj_used * 8 + 8, l->full_upload ? 0 : l->bytes[LAYOUT_B_CSR_ADJ]);
    uint32_t pair[2];
    bool all_nodes = l->full_upload || l->ndirty_nodes > n / 8;
    if (all_nodes) {
        uint32_t *tmp = malloc((size_t)n * 8 + 8);
        if (tmp) {
            for (uint32_t v = 0; v < n; v++) {
                tmp[2 * v] = l->off[v];
                tmp[2 * v + 1] = l->deg[v];
            }
            upload(l, LAYOUT_B_CSR_OFF, 0, (size_t)n * 8, tmp);
            free(tmp);
        }
    } else {
        qsort(l->dirty_nodes, l->ndirty_nodes, sizeof *l->dirty_nodes, cmp_u32);
        for (uint32_t k = 0; k < l->ndirty_nodes; k++) {
            uint32_t v = l->dirty_nodes[k];
            if (k && l->dirty_nodes[k - 1] == v)
                continue;
            pair[0] = l->off[v];
            pair[1] = l->deg[v];
            upload(l, LAYOUT_B_CSR_OFF, (size_t)v * 8, 8, pair);
        }
        /* new nodes without edges still need (0, 0) */
        for (uint32_t v = n_old; v < n; v++)
            if (l->deg[v] == 0) {
                pair[0] = pair[1] = 0;
                upload(l, LAYOUT_B_CSR_OFF, (size_t)v * 8, 8, pair);
            }
    }
    size_t dirty = 0;
    for (uint32_t k = 0; k < l->ndirty_adj; k++)
        dirty += l->dirty_adj[2 * k + 1];
    if (l->full_upload || dirty > l->adj_used / 8) {
        upload(l, LAYOUT_B_CSR_ADJ, 0, (size_t)l->adj_used * 8, l->adj);
    } else {
        qsort(l->dirty_adj, l->ndirty_adj, 2 * sizeof *l->dirty_adj, cmp_range);
        uint32_t k = 0;
        while (k < l->ndirty_adj) {
            uint32_t lo = l->dirty_adj[2 * k], hi = lo + l->dirty_adj[2 * k + 1];
            for (k++; k < l->ndirty_adj && l->dirty_adj[2 * k] <= hi + 16; k++) {
                uint32_t e = l->dirty_adj[2 * k] + l->dirty_adj[2 * k + 1];
                hi = e > hi ? e : hi;
            }
            upload(l, LAYOUT_B_CSR_ADJ, (size_t)lo * 8, (size_t)(hi - lo) * 8, l->adj + 2 * (size_t)lo);
        }
    }
    l->ndirty_nodes = l->ndirty_adj = 0;
    l->full_upload = false;
}

/* Node ids by degree, highest first (a counting sort), for the springs
 * kernel; degrees change with every new edge, so forces() rebuilds it before
 * the first grid step after an append (not per append: a live window may
 * sync many times between steps, and exact steps do not use it). */
static bool upload_order(layout *l, uint32_t n)
{
    uint32_t maxd = 0;
    l->hubs = 0;
    for (uint32_t v = 0; v < n; v++) {
        maxd = l->deg[v] > maxd ? l->deg[v] : maxd;
        l->hubs += l->deg[v] > LAYOUT_SPRING_CAP;
    }
    uint32_t *cnt = calloc((size_t)maxd + 2, sizeof *cnt), *order = malloc((size_t)n * 4 + 4);
    if (!cnt || !order) {
        free(cnt);
        free(order);
        return false;
    }
    for (uint32_t v = 0; v < n; v++)
        cnt[maxd - l->deg[v] + 1]++;
    for (uint32_t d = 1; d <= maxd + 1; d++)
        cnt[d] += cnt[d - 1];
    for (uint32_t v = 0; v < n; v++)
        order[cnt[maxd - l->deg[v]]++] = v;
    ensure(l, LAYOUT_B_ORDER, (size_t)n * 4 + 4, 0);
    upload(l, LAYOUT_B_ORDER, 0, (size_t)n * 4, order);
    free(cnt);
    free(order);
    return true;
}

/* The first sync's adjacency (no lists yet, degrees zeroed, edges checked)
 * in two passes, degrees and then entries, instead of edge by edge: the
 * same lists in the same order, without a move per doubling. 1M nodes and
 * 5M edges took 2.0 s edge by edge on this machine's CPU. */
static bool build_adjacency(layout *l, uint32_t n, uint32_t m, const uint32_t *edges, const float *weights)
{
    uint64_t live = 0;
    for (uint32_t e = 0; e < m; e++) {
        uint32_t a = edges[2 * e], b = edges[2 * e + 1];
        if (a != b) {
            l->deg[a]++;
            l->deg[b]++;
            live += 2;
        }
    }
    size_t total = 0;
    for (uint32_t v = 0; v < n; v++) {
        l->off[v] = (uint32_t)total;
        l->room[v] = room_for(l->deg[v]);
        total += l->room[v];
        l->deg[v] = 0;
    }
    if (total > UINT32_MAX / 2 || !reserve_adj(l, total)) {
        log_error("layout: out of memory for %u edges", m);
        return false;
    }
    for (uint32_t e = 0; e < m; e++) {
        uint32_t ends[2] = {edges[2 * e], edges[2 * e + 1]};
        if (ends[0] == ends[1])
            continue;
        float w = weights ? weights[e] : 1.0f;
        for (int k = 0; k < 2; k++) {
            uint32_t v = ends[k], at = l->off[v] + l->deg[v]++;
            l->adj[2 * (size_t)at] = ends[1 - k];
            memcpy(&l->adj[2 * (size_t)at + 1], &w, sizeof w);
        }
    }
    l->adj_used = (uint32_t)total;
    l->adj_live += live;
    return true;
}

/* --- growth --- */

static float edge_weight(const layout *l, uint64_t packets)
{
    if (!l->p.weight_packets)
        return 1.0f;
    return 1.0f + log2f((float)(packets ? packets : 1));
}

bool layout_append(layout *l, uint32_t n, uint32_t m, const uint32_t *edges, const float *weights)
{
    uint32_t n_old = l->n;
    if (n < n_old)
        n = n_old;
    if (n == n_old && m == 0)
        return true;
    for (uint32_t e = 0; e < m; e++)
        if (edges[2 * e] >= n || edges[2 * e + 1] >= n) {
            log_error("layout: edge %u-%u names a node beyond %u", edges[2 * e], edges[2 * e + 1], n);
            return false;
        }
    if (n > l->node_cap) {
        uint32_t c = l->node_cap ? l->node_cap : 64;
        while (c < n)
            c = c > UINT32_MAX / 2 ? UINT32_MAX : 2 * c;
        uint32_t *o = realloc(l->off, (size_t)c * sizeof *o);
        if (o)
            l->off = o;
        uint32_t *d = realloc(l->deg, (size_t)c * sizeof *d);
        if (d)
            l->deg = d;
        uint32_t *r = realloc(l->room, (size_t)c * sizeof *r);
        if (r)
            l->room = r;
        if (!o || !d || !r) {
            log_error("layout: out of memory for %u nodes", n);
            return false;
        }
        l->node_cap = c;
    }
    for (uint32_t v = n_old; v < n; v++)
        l->off[v] = l->deg[v] = l->room[v] = 0;
    if (n_old == 0)
        l->full_upload = true;
    if (n_old == 0 && l->adj_used == 0) {
        if (!build_adjacency(l, n, m, edges, weights))
            return false;
    } else
        for (uint32_t e = 0; e < m; e++) {
            uint32_t a = edges[2 * e], b = edges[2 * e + 1];
            if (a == b)
                continue;
            float w = weights ? weights[e] : 1.0f;
            if (!add_neighbour(l, a, b, w) || !add_neighbour(l, b, a, w)) {
                log_error("layout: out of memory for %u edges", l->m + m);
                return false;
            }
        }
    if (l->adj_used > 2 * l->adj_live + 4 * (uint64_t)n && !compact(l, n)) {
        log_error("layout: out of memory compacting the adjacency");
        return false;
    }

    /* GPU: edges for the renderer, adjacency, new positions and flags */
    ensure(l, LAYOUT_B_EDGES, ((size_t)l->m + m) * 8 + 8, (size_t)l->m * 8);
    upload(l, LAYOUT_B_EDGES, (size_t)l->m * 8, (size_t)m * 8, edges);
    upload_adjacency(l, n_old, n);
    ensure(l, LAYOUT_B_POS, (size_t)n * 16, (size_t)n_old * 16);
    ensure(l, LAYOUT_B_DISP, (size_t)n * 16, 0);
    /* the grid's per-node arrays (the exact path leaves them unread) */
    ensure(l, LAYOUT_B_NODE_CELL, (size_t)n * 8, 0);
    ensure(l, LAYOUT_B_SORTED, ((size_t)n + 3) / 4 * 16, 0); /* read as 4 ids a texel */
    ensure(l, LAYOUT_B_SPOS, l->p.dims == 3 ? (size_t)n * 16 : ((size_t)n + 1) / 2 * 16, 0);
    ensure(l, LAYOUT_B_SID, (size_t)n * 4, 0);
    ensure(l, LAYOUT_B_FLAGS, (size_t)n * 4, (size_t)n_old * 4);
    clear_u32(l, LAYOUT_B_FLAGS, (size_t)n_old * 4, (size_t)(n - n_old) * 4);
    float *init = calloc((size_t)(n - n_old) * 4 + 4, sizeof *init);
    if (!init) {
        log_error("layout: out of memory for %u nodes", n);
        return false;
    }
    float dom = layout_domain(&l->p, n);
    float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (uint32_t v = n_old; v < n; v++) {
        float u[3] = {0, 0, 0}, *p = init + 4 * (size_t)(v - n_old);
        layout_initial_position(l->p.seed, v, l->p.dims, u);
        for (int k = 0; k < l->p.dims; k++)
            p[k] = l->p.nx_compat ? u[k] : (u[k] - 0.5f) * dom;
        for (int k = 0; k < 2; k++) {
            lo[k] = fminf(lo[k], p[k]);
            hi[k] = fmaxf(hi[k], p[k]);
        }
    }
    upload(l, LAYOUT_B_POS, (size_t)n_old * 16, (size_t)(n - n_old) * 16, init);
    free(init);

    /* Anchors: a new node starts next to a neighbour that already has a place;
     * chains of new nodes are followed up to 4 deep. */
    if (n_old > 0 && n > n_old) {
        uint32_t cnt = n - n_old;
        uint8_t *depth = calloc(cnt, 1);
        uint32_t *place = malloc((size_t)cnt * 8 + 8);
        if (depth && place) {
            float k = l->p.nx_compat ? sqrtf(1.0f / (float)n) : 1.0f;
            ensure(l, LAYOUT_B_PLACE, (size_t)cnt * 8 + 8, 0);
            bind_all(l);
            glUseProgram(l->prog[P_PLACE]);
            glUniform1f(LAYOUT_U_RADIUS, 0.5f * k);
            for (uint8_t d = 1; d <= 4; d++) {
                uint32_t np = 0;
                for (uint32_t v = n_old; v < n; v++) {
                    if (depth[v - n_old])
                        continue;
                    for (uint32_t e = l->off[v]; e < l->off[v] + l->deg[v]; e++) {
                        uint32_t u = l->adj[2 * (size_t)e];
                        bool placed = u < n_old || (depth[u - n_old] && depth[u - n_old] < d);
                        if (placed) {
                            depth[v - n_old] = d;
                            place[2 * np] = v;
                            place[2 * np + 1] = u;
                            np++;
                            break;
                        }
                    }
                }
                if (!np)
                    break;
                upload(l, LAYOUT_B_PLACE, 0, (size_t)np * 8, place);
                glUseProgram(l->prog[P_PLACE]);
                glUniform1ui(LAYOUT_U_COUNT, np);
                layout_consts c;
                layout_schedule_consts(&l->sched, n, &c);
                glBindBuffer(GL_UNIFORM_BUFFER, l->ubo);
                glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof c, &c);
                run(l, P_PLACE, np);
            }
        }
        free(depth);
        free(place);
    }

    l->order_stale = true;

    if (!l->started) {
        float ext = n ? fmaxf(hi[0] - lo[0], hi[1] - lo[1]) : 0;
        layout_schedule_start(&l->sched, &l->p, n, ext);
        l->started = true;
    } else {
        float share_n = n ? (float)(n - n_old) / (float)n : 0;
        float share_m = (l->m + m) ? (float)m / (float)(l->m + m) : 0;
        float frac = 2 * fmaxf(share_n, share_m);
        layout_schedule_rewarm(&l->sched, n, frac < 0.05f ? 0.05f : frac);
    }
    l->n = n;
    l->m += m;
    l->bbox_ok = false; /* new nodes, placed */
    GLenum err = glGetError();
    if (err != GL_NO_ERROR) {
        log_error("layout: GL error 0x%x while uploading the graph", err);
        return false;
    }
    return true;
}

bool layout_sync(layout *l, const graph *g)
{
    uint32_t n = graph_node_count(g), m = graph_edge_count(g);
    if (n == l->n && m == l->m)
        return true;
    uint32_t add = m > l->m ? m - l->m : 0;
    uint32_t *e = malloc((size_t)add * 8 + 8);
    float *w = malloc((size_t)add * 4 + 4);
    if (!e || !w) {
        free(e);
        free(w);
        log_error("layout: out of memory for %u new edges", add);
        return false;
    }
    for (uint32_t k = 0; k < add; k++) {
        const graph_edge *ge = graph_edge_at(g, l->m + k);
        e[2 * k] = ge->a;
        e[2 * k + 1] = ge->b;
        w[k] = edge_weight(l, atomic_load_explicit(&ge->packets, memory_order_relaxed));
    }
    bool ok = layout_append(l, n, add, e, w);
    free(e);
    free(w);
    return ok;
}

/* --- stepping --- */

bool layout_exact(const layout *l)
{
    return l->p.repulsion == LAYOUT_REPULSION_EXACT ||
           (l->p.repulsion == LAYOUT_REPULSION_AUTO && l->n <= l->p.exact_max);
}

void layout_debug_consts(const layout *l, layout_consts *c)
{
    layout_schedule_consts(&l->sched, l->n, c);
    c->exact = layout_exact(l);
    if (!c->exact)
        layout_ref_grid_consts(c, l->sched.side);
}

/* Empties the bounding box (LAYOUT_B_BBOX) for a pass to fill. */
static void reset_bbox(layout *l)
{
    const uint32_t box[7] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, 0, 0, 0, 0};
    upload(l, LAYOUT_B_BBOX, 0, sizeof box, box);
}

/* Force pass into the displacement buffer. */
static bool forces(layout *l, const layout_consts *c)
{
    if (!c->exact && l->order_stale) {
        if (!upload_order(l, c->n)) {
            log_error("layout: out of memory for %u nodes", c->n);
            return false;
        }
        l->order_stale = false;
    }
    glBindBuffer(GL_UNIFORM_BUFFER, l->ubo);
    glBufferSubData(GL_UNIFORM_BUFFER, 0, sizeof *c, c);
    uint32_t n = c->n;
    if (!c->exact) {
        uint32_t side = c->side, fine = c->dims == 3 ? side * side * side : side * side;
        uint32_t blocks = (fine + LAYOUT_SCAN_BLOCK - 1) / LAYOUT_SCAN_BLOCK;
        ensure(l, LAYOUT_B_CELLS, (size_t)fine * 8, 0);
        ensure(l, LAYOUT_B_BLOCKSUM, (size_t)blocks * 8, 0);
        uint32_t cells = layout_grid_cells(side, (int)c->dims);
        ensure(l, LAYOUT_B_OCC, (size_t)cells * 4, 0);
        ensure(l, LAYOUT_B_LEVELS, LAYOUT_MAX_LEVELS * 16, 0);
        /* sums, then the expansions: 3 vec4 per cell in 3D, 2 in 2D */
        ensure(l, LAYOUT_B_CELLSUM, (size_t)cells * (c->dims == 3 ? 4 : 3) * 16, 0);
        prof(-1);
        if (!l->bbox_ok)
            reset_bbox(l);
        clear_u32(l, LAYOUT_B_BBOX, 28, 4); /* the near pairs */
        clear_u32(l, LAYOUT_B_CELLS, 0, (size_t)fine * 8);
        clear_u32(l, LAYOUT_B_CELLSUM, 0, (size_t)cells * 16); /* empty cells stay 0 */
        uint32_t none[LAYOUT_MAX_LEVELS][4]; /* no occupied cells listed above the finest yet */
        for (int lv = 0; lv < LAYOUT_MAX_LEVELS; lv++) {
            none[lv][0] = none[lv][3] = 0;
            none[lv][1] = none[lv][2] = 1;
        }
        upload(l, LAYOUT_B_LEVELS, 0, sizeof none, none);
        bind_all(l);
        prof(P_N + 1);
        if (!l->bbox_ok) /* else the last move left it */
            run(l, P_BBOX, (n + LAYOUT_SCAN_BLOCK - 1) / LAYOUT_SCAN_BLOCK);
        run(l, P_COUNT, n);
        glUseProgram(l->prog[P_SCAN_LOCAL]);
        glUniform1ui(LAYOUT_U_COUNT, fine);
        run(l, P_SCAN_LOCAL, blocks);
        glUseProgram(l->prog[P_SCAN_BLOCKS]);
        glUniform1ui(LAYOUT_U_COUNT, blocks);
        run(l, P_SCAN_BLOCKS, 1);
        glUseProgram(l->prog[P_SCAN_ADD]);
        glUniform1ui(LAYOUT_U_COUNT, fine);
        run(l, P_SCAN_ADD, blocks);
        run(l, P_SCATTER, n);
        run(l, P_RANK, n);
        /* every pass from here on walks only the occupied cells of a level:
         * in a clumped drawing most cells are empty */
        run_level(l, P_CELLSUM_FINE, 0, 0);
        uint32_t top = 1; /* the first level summed with the ones above it */
        while (top < c->levels &&
               (side >> top) * (side >> top) * (c->dims == 3 ? side >> top : 1) > l->top_cells)
            top++;
        for (uint32_t lv = 1; lv < top; lv++)
            run_level(l, P_CELLSUM_LEVEL, lv, lv - 1); /* from the occupied children */
        if (top < c->levels) {
            glUseProgram(l->prog[P_CELLSUM_TOP]);
            glUniform1ui(LAYOUT_U_LEVEL, top);
            run(l, P_CELLSUM_TOP, 1);
        }
        for (uint32_t lv = layout_far_first(c->levels) + 1; lv-- > 0;)
            run_level(l, P_FAR, lv, lv);
        run(l, P_GRID, n); /* with the springs of all but the hubs */
        if (l->hubs) {
            glUseProgram(l->prog[P_SPRINGS]);
            glUniform1ui(LAYOUT_U_COUNT, l->hubs);
            run(l, P_SPRINGS, l->hubs);
        }
    } else {
        bind_all(l);
        run(l, P_EXACT, n);
    }
    return true;
}

bool layout_debug_textures(const layout *l) { return l->tex; }

int layout_debug_neighbours(layout *l, uint32_t v, uint32_t *out, int cap)
{
    if (v >= l->n)
        return 0;
    uint32_t od[2];
    glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);
    glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_CSR_OFF]);
    glGetBufferSubData(GL_COPY_READ_BUFFER, (GLintptr)v * 8, 8, od);
    for (uint32_t k = 0; k < od[1] && (int)k < cap; k++) {
        uint32_t entry[2];
        glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_CSR_ADJ]);
        glGetBufferSubData(GL_COPY_READ_BUFFER, ((GLintptr)od[0] + k) * 8, 8, entry);
        out[k] = entry[0];
    }
    return glGetError() == GL_NO_ERROR ? (int)od[1] : -1;
}

bool layout_debug_forces(layout *l, float *disp4)
{
    if (!l->n)
        return true;
    layout_consts c;
    layout_debug_consts(l, &c);
    if (!forces(l, &c))
        return false;
    glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);
    glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_DISP]);
    glGetBufferSubData(GL_COPY_READ_BUFFER, 0, (GLsizeiptr)l->n * 16, disp4);
    return glGetError() == GL_NO_ERROR;
}

int layout_step(layout *l, int steps)
{
    int done = 0;
    uint32_t n = l->n;
    /* the move pass leaves one partial sum per workgroup, or per block of
     * LAYOUT_SCAN_BLOCK nodes on CPU rasterizers (layout_move.comp.glsl) */
    uint32_t per = l->cpu_raster ? LAYOUT_SCAN_BLOCK : LAYOUT_WG;
    uint32_t groups = (n + per - 1) / per;
    if (groups > l->partial_cap) {
        float *p = realloc(l->partial, groups * sizeof *p);
        if (!p)
            return 0;
        l->partial = p;
        l->partial_cap = groups;
    }
    while (done < steps && !l->paused && n && !layout_schedule_done(&l->sched)) {
        layout_consts c;
        layout_debug_consts(l, &c);
        ensure(l, LAYOUT_B_PARTIAL, (size_t)groups * 4, 0);
        if (!forces(l, &c))
            break;
        reset_bbox(l);
        bind_all(l);
        run(l, P_MOVE, l->cpu_raster ? groups : n);
        l->bbox_ok = true; /* the move leaves the box of the new positions */
        glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);
        prof(-1);
        glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_PARTIAL]);
        glGetBufferSubData(GL_COPY_READ_BUFFER, 0, (GLsizeiptr)groups * 4, l->partial);
        double sum = 0;
        for (uint32_t g = 0; g < groups; g++)
            sum += l->partial[g];
        done++;
        layout_schedule_advance(&l->sched, n, sum);
        if (!c.exact) {
            uint32_t near = 0, occupied = 0;
            glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_BBOX]);
            glGetBufferSubData(GL_COPY_READ_BUFFER, 28, 4, &near);
            glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_LEVELS]);
            glGetBufferSubData(GL_COPY_READ_BUFFER, 12, 4, &occupied); /* levels[0].w */
            if (prof_on > 0)
                fprintf(stderr, "profile step side %u levels %u near/node %.1f occupied %u\n", c.side,
                        c.levels, (double)near / ((n + LAYOUT_SAMPLE - 1) / LAYOUT_SAMPLE), occupied);
            layout_schedule_grid(&l->sched, n, (int)c.dims, near, occupied);
        }
        prof(P_N);
    }
    GLenum err = glGetError();
    if (err != GL_NO_ERROR)
        log_error("layout: GL error 0x%x during a step", err);
    return done;
}

/* --- control and access --- */

bool layout_converged(const layout *l) { return layout_schedule_done(&l->sched); }
void layout_set_paused(layout *l, bool paused) { l->paused = paused; }
bool layout_paused(const layout *l) { return l->paused; }
void layout_reheat(layout *l)
{
    if (l->started)
        layout_schedule_rewarm(&l->sched, l->n, 1.0f);
}

void layout_pin(layout *l, uint32_t node, const float xyz[3])
{
    if (node >= l->n)
        return;
    float p[4] = {xyz[0], xyz[1], l->p.dims == 3 ? xyz[2] : 0.0f, 0.0f};
    uint32_t one = 1;
    upload(l, LAYOUT_B_POS, (size_t)node * 16, 16, p);
    upload(l, LAYOUT_B_FLAGS, (size_t)node * 4, 4, &one);
    l->bbox_ok = false;
}

void layout_unpin(layout *l, uint32_t node)
{
    if (node >= l->n)
        return;
    uint32_t zero = 0;
    upload(l, LAYOUT_B_FLAGS, (size_t)node * 4, 4, &zero);
}

uint32_t layout_node_count(const layout *l) { return l->n; }
uint32_t layout_edge_count(const layout *l) { return l->m; }
GLuint layout_position_buffer(const layout *l) { return l->buf[LAYOUT_B_POS]; }
GLuint layout_edge_buffer(const layout *l) { return l->buf[LAYOUT_B_EDGES]; }
int layout_steps_run(const layout *l) { return l->sched.step; }
double layout_last_move(const layout *l) { return l->sched.last_move; }

bool layout_read_positions(layout *l, float *out, int dims)
{
    if (!l->n)
        return true;
    float *tmp = malloc((size_t)l->n * 16);
    if (!tmp) {
        log_error("layout: out of memory reading %u positions", l->n);
        return false;
    }
    glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);
    glBindBuffer(GL_COPY_READ_BUFFER, l->buf[LAYOUT_B_POS]);
    glGetBufferSubData(GL_COPY_READ_BUFFER, 0, (GLsizeiptr)l->n * 16, tmp);
    for (uint32_t i = 0; i < l->n; i++)
        for (int k = 0; k < dims; k++)
            out[(size_t)i * dims + k] = tmp[4 * (size_t)i + k];
    free(tmp);
    return glGetError() == GL_NO_ERROR;
}

bool layout_write_positions(layout *l, const float *pos4)
{
    upload(l, LAYOUT_B_POS, 0, (size_t)l->n * 16, pos4);
    l->bbox_ok = false;
    return glGetError() == GL_NO_ERROR;
}
