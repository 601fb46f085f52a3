/* render: instanced nodes and edges from the layout's SSBOs, SDF labels, and
 * the overlay (HUD, panels) in one text program.
 *
 * GPU layouts (std430) are mirrored here with static asserts; uniform
 * locations and buffer bindings are the numbers written in shaders/render_*.
 * The renderer owns only attribute buffers (12 bytes per node, 4 per edge),
 * a highlight flag per node and a small result buffer for compute passes. */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glctx.h"
#include "log.h"
#include "text.h"

/* SSBO bindings (shaders/render_*.glsl). */
enum { B_POS = 0, B_EDGES = 1, B_NATTR = 2, B_EATTR = 3, B_FLAGS = 4, B_RESULT = 5 };
/* Uniform locations. */
enum {
    U_VP = 0, U_IMAGE = 1, U_TILE = 2, U_SCALE = 3, U_NODE_SCALE = 4, U_COLOR_MODE = 6,
    U_SIZE_MODE = 7, U_HOVERED = 8, U_SELECTED = 9, U_PERSPECTIVE = 10, U_EDGE_COLOR = 11,
    U_EDGE_WIDTH = 12, U_HALO = 13, U_DEPTH_REF = 14, U_EDGE_STRIDE = 15, U_PALETTE = 16, U_PASS = 20, U_COUNT = 21, U_CURSOR = 22,
    U_THRESHOLD = 23, U_CAP = 24, U_ID_LO = 25, U_ID_BIN = 26, U_ID_LIMIT = 27
};
/* Compute passes (render_pass.comp.glsl). */
enum { P_HIST = 1, P_CANDS = 2, P_PICK_DIST = 3, P_PICK_ID = 4, P_BOUNDS = 5, P_HL_CLEAR = 6, P_HL_MARK = 7,
       P_ID_HIST = 8 };
/* Result buffer layout, in uints. */
enum { R_COUNT = 0, R_PICK_D = 1, R_PICK_ID = 2, R_MIN = 3, R_MAX = 6, R_HIST = 16, R_CANDS = 80 };
#define NBUCKET 64
/* Label candidates read back per placement: about one per label height
 * squared of image (more than could ever be placed, since labels are several
 * heights wide), at least CAND_MIN, at most CAND_MAX (16 MiB of read-back),
 * and never more than the visible nodes. */
#define CAND_MIN 4096u
#define CAND_MAX (1u << 20)
#define RESULT_UINTS (R_CANDS + 4 * CAND_MIN)
#define LABEL_PX 13.0f
/* Label backing, in label heights: padding left and right of the text, above
 * and below the line box (digits sit high in it), and its opacity (nearly
 * opaque: what it covers shows faintly). Labels are drawn last. */
#define BACK_PAD_X 0.2f
#define BACK_PAD_TOP 0.08f
#define BACK_PAD_BOTTOM 0.04f
#define BACK_ALPHA 0.92f
#define HALO_ALPHA 0.8f
#define BASE_RADIUS 3.0f

typedef struct gpu_node_attr {
    uint32_t cls;      /* bits 0-3 class, 8-31 subnet hash */
    float r_degree;    /* radius in pixels for each size mode */
    float r_traffic;
} gpu_node_attr;
_Static_assert(sizeof(gpu_node_attr) == 12, "std430 NodeAttr is 12 bytes");

typedef struct gpu_text_vertex {
    float x, y, u, v;
    uint32_t rgba;     /* read as normalised bytes: stored as R,G,B,A in memory */
    uint32_t node;
} gpu_text_vertex;
_Static_assert(sizeof(gpu_text_vertex) == 24, "text vertex layout");

typedef struct gbuf {
    GLuint name;
    size_t cap; /* bytes */
} gbuf;

typedef struct placed_label {
    uint32_t node;
    float dx, dy;      /* offset of the text's top-left from the node, image pixels */
    float px;          /* text height, image pixels */
    float box[4];      /* backing x, y, w, h in image pixels at placement */
} placed_label;

struct render {
    GLuint prog_node, prog_edge, prog_text, prog_pass;
    GLuint vao_empty, vao_text, vbo_text;
    size_t vbo_cap;
    text_font *font;
    GLuint atlas;
    gbuf nattr, eattr, flags, result;
    uint32_t nodes, edges;           /* attributes uploaded */
    uint32_t refresh_node, refresh_edge;
    ip_addr *addr;                   /* label text per node */
    size_t addr_cap;
    /* neighbour highlight state */
    uint32_t hl_selected, hl_edges, hl_nodes;
    /* labels from the last placement */
    placed_label *labels;
    int nlabels, labels_cap;
    /* overlay queue */
    gpu_text_vertex *ov;
    size_t ov_len, ov_cap;
    text_vertex *scratch;
};

/* ---------- colour and size rules ---------- */

typedef struct theme_def {
    uint32_t bg, edge, label, ring;
    uint32_t cls[RENDER_CLASS_COUNT];
    float edge_alpha;
    bool rim, single_color;
} theme_def;

static const theme_def THEMES[RENDER_THEME_COUNT] = {
    [RENDER_THEME_DARK] = {0x101418ff, 0x8fa3b8ff, 0xf0f0f0ff, 0xffffffff,
                           {0x4fc3f7ff, 0xffb74dff, 0xba68c8ff, 0x81c784ff, 0xf06292ff}, 0.55f,
                           true, false},
    [RENDER_THEME_LIGHT] = {0xffffffff, 0x404a55ff, 0x202020ff, 0x000000ff,
                            {0x0277bdff, 0xef6c00ff, 0x7b1fa2ff, 0x2e7d32ff, 0xc2185bff}, 0.5f,
                            true, false},
    /* The seed's look (networkx defaults as the seed used them). */
    [RENDER_THEME_SEED] = {0xffffffff, 0x000000ff, 0x000000ff, 0xff0000ff,
                           {0x00ffffff, 0x00ffffff, 0x00ffffff, 0x00ffffff, 0x00ffffff}, 0.9f,
                           false, true},
};

bool render_theme_parse(const char *name, render_theme *out)
{
    if (!name || !*name || !strcmp(name, "dark"))
        *out = RENDER_THEME_DARK;
    else if (!strcmp(name, "light"))
        *out = RENDER_THEME_LIGHT;
    else if (!strcmp(name, "seed"))
        *out = RENDER_THEME_SEED;
    else
        return false;
    return true;
}

render_addr_class render_addr_classify(const ip_addr *a)
{
    const uint8_t *b = a->bytes;
    if (a->family == ADDR_V4) {
        if (b[0] >= 224 && b[0] <= 239)
            return RENDER_CLASS_MULTICAST;
        if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
            return RENDER_CLASS_MULTICAST; /* broadcast: one-to-many as well */
        if (b[0] == 169 && b[1] == 254)
            return RENDER_CLASS_LINK_LOCAL;
        if (b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
            (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64))
            return RENDER_CLASS_PRIVATE;
        return RENDER_CLASS_PUBLIC;
    }
    if (b[0] == 0xff)
        return RENDER_CLASS_MULTICAST;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return RENDER_CLASS_LINK_LOCAL;
    if ((b[0] & 0xfe) == 0xfc)
        return RENDER_CLASS_PRIVATE;
    static const uint8_t loop6[16] = {[15] = 1};
    if (!memcmp(b, loop6, 16))
        return RENDER_CLASS_PRIVATE;
    return RENDER_CLASS_IPV6;
}

uint32_t render_subnet_hash(const ip_addr *a)
{
    int n = a->family == ADDR_V4 ? 3 : 6;
    uint32_t h = 2166136261u ^ a->family;
    for (int i = 0; i < n; i++)
        h = (h ^ a->bytes[i]) * 16777619u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h & 0xffffffu;
}

static void rgba_to_vec4(uint32_t c, float out[4])
{
    out[0] = (float)((c >> 24) & 255) / 255.0f;
    out[1] = (float)((c >> 16) & 255) / 255.0f;
    out[2] = (float)((c >> 8) & 255) / 255.0f;
    out[3] = (float)(c & 255) / 255.0f;
}

static uint32_t vec_to_rgba(const float c[4])
{
    uint32_t out = 0;
    for (int i = 0; i < 4; i++) {
        float v = c[i] < 0 ? 0 : c[i] > 1 ? 1 : c[i];
        out = (out << 8) | (uint32_t)lrintf(v * 255.0f);
    }
    return out;
}

/* Same as hsv() in render_node.vert.glsl. */
static void hsv(float h, float s, float v, float out[3])
{
    for (int i = 0; i < 3; i++) {
        float off = i == 0 ? 0.0f : i == 1 ? 4.0f : 2.0f;
        float m = fmodf(h * 6.0f + off, 6.0f);
        float k = fabsf(m - 3.0f) - 1.0f;
        k = k < 0 ? 0 : k > 1 ? 1 : k;
        out[i] = v * (1.0f + (k - 1.0f) * s);
    }
}

uint32_t render_node_rgba(const ip_addr *a, render_theme t, render_color_mode m)
{
    const theme_def *th = &THEMES[t];
    if (m == RENDER_COLOR_SUBNET && !th->single_color) {
        float c[4] = {0, 0, 0, 1};
        hsv((float)render_subnet_hash(a) / 16777216.0f, 0.65f, 0.95f, c);
        return vec_to_rgba(c);
    }
    return th->cls[render_addr_classify(a)];
}

uint32_t render_background_rgba(render_theme t) { return THEMES[t].bg; }

float render_node_radius(render_size_mode m, uint32_t degree, uint64_t bytes)
{
    float w;
    if (m == RENDER_SIZE_TRAFFIC)
        w = bytes > 100 ? 0.8f * log2f((float)bytes / 100.0f) / 3.32f : 0; /* per decade above 100 B */
    else
        w = 0.6f * log2f(1.0f + (float)degree);
    return BASE_RADIUS * (1.0f + 0.5f * w);
}

static float edge_alpha_of(uint64_t packets)
{
    float a = 0.35f + 0.13f * log2f(1.0f + (float)packets);
    return a > 1 ? 1 : a;
}

/* ---------- buffers ---------- */

static bool gbuf_reserve(gbuf *b, size_t need, size_t keep)
{
    if (need <= b->cap && b->name)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    GLuint nb = 0;
    glGenBuffers(1, &nb);
    glBindBuffer(GL_COPY_WRITE_BUFFER, nb);
    glBufferData(GL_COPY_WRITE_BUFFER, (GLsizeiptr)cap, NULL, GL_DYNAMIC_DRAW);
    if (glGetError() != GL_NO_ERROR) {
        glDeleteBuffers(1, &nb);
        log_error("out of GPU memory for %zu bytes of render attributes", cap);
        return false;
    }
    if (b->name && keep) {
        glBindBuffer(GL_COPY_READ_BUFFER, b->name);
        glCopyBufferSubData(GL_COPY_READ_BUFFER, GL_COPY_WRITE_BUFFER, 0, 0, (GLsizeiptr)keep);
    }
    if (b->name)
        glDeleteBuffers(1, &b->name);
    b->name = nb;
    b->cap = cap;
    return true;
}

static void gbuf_free(gbuf *b)
{
    if (b->name)
        glDeleteBuffers(1, &b->name);
    b->name = 0;
    b->cap = 0;
}


/* ---------- uniforms ---------- */

/* Active uniform locations per program: drivers drop unused uniforms, and
 * setting a location that is not there is an error, so every set goes
 * through these (main thread only, like the rest of the module). */
static struct {
    GLuint prog;
    uint32_t mask;
} active_locs[8];

static void note_locations(GLuint prog)
{
    uint32_t mask = 0;
    GLint n = 0;
    glGetProgramiv(prog, GL_ACTIVE_UNIFORMS, &n);
    for (GLint i = 0; i < n; i++) {
        char name[64];
        GLint size = 0;
        GLenum type = 0;
        glGetActiveUniform(prog, (GLuint)i, sizeof name, NULL, &size, &type, name);
        GLint loc = glGetUniformLocation(prog, name);
        if (loc >= 0 && loc < 32)
            mask |= 1u << loc;
    }
    for (int i = 0; i < 8; i++)
        if (!active_locs[i].prog || active_locs[i].prog == prog) {
            active_locs[i].prog = prog;
            active_locs[i].mask = mask;
            return;
        }
}

static bool has_loc(GLuint prog, int loc)
{
    for (int i = 0; i < 8; i++)
        if (active_locs[i].prog == prog)
            return (active_locs[i].mask >> loc) & 1u;
    return false;
}

#define UNI(fn, prog, loc, ...)                                                          \
    do {                                                                                 \
        if (has_loc(prog, loc))                                                          \
            fn(prog, loc, __VA_ARGS__);                                                  \
    } while (0)

/* ---------- create / destroy ---------- */

render *render_create(const render_desc *desc)
{
    render *r = calloc(1, sizeof *r);
    if (!r) {
        log_error("out of memory");
        return NULL;
    }
    r->font = text_font_create(desc ? desc->font_path : NULL);
    if (!r->font)
        goto fail;
    r->prog_node = glctx_program_render("render_node.vert.glsl", "render_node.frag.glsl");
    r->prog_edge = glctx_program_render("render_edge.vert.glsl", "render_edge.frag.glsl");
    r->prog_text = glctx_program_render("render_text.vert.glsl", "render_text.frag.glsl");
    r->prog_pass = glctx_program_compute("render_pass.comp.glsl");
    if (!r->prog_node || !r->prog_edge || !r->prog_text || !r->prog_pass)
        goto fail;
    note_locations(r->prog_node);
    note_locations(r->prog_edge);
    note_locations(r->prog_text);
    note_locations(r->prog_pass);
    r->atlas = text_font_upload(r->font);
    glGenVertexArrays(1, &r->vao_empty);
    glGenVertexArrays(1, &r->vao_text);
    glGenBuffers(1, &r->vbo_text);
    glBindVertexArray(r->vao_text);
    glBindBuffer(GL_ARRAY_BUFFER, r->vbo_text);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(gpu_text_vertex), (void *)0);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(gpu_text_vertex), (void *)8);
    glEnableVertexAttribArray(2);
    glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(gpu_text_vertex), (void *)16);
    glEnableVertexAttribArray(3);
    glVertexAttribIPointer(3, 1, GL_UNSIGNED_INT, sizeof(gpu_text_vertex), (void *)20);
    glBindVertexArray(0);
    if (!gbuf_reserve(&r->result, RESULT_UINTS * 4, 0) || !gbuf_reserve(&r->nattr, 4096, 0) ||
        !gbuf_reserve(&r->eattr, 4096, 0) || !gbuf_reserve(&r->flags, 4096, 0))
        goto fail;
    r->hl_selected = RENDER_NONE;
    r->scratch = malloc(sizeof(text_vertex) * 6 * 256);
    if (!r->scratch)
        goto fail;
    if (glGetError() != GL_NO_ERROR) {
        log_error("the renderer could not start on %s", glctx_renderer());
        goto fail;
    }
    return r;
fail:
    render_destroy(r);
    return NULL;
}

void render_destroy(render *r)
{
    if (!r)
        return;
    if (r->prog_node)
        glDeleteProgram(r->prog_node);
    if (r->prog_edge)
        glDeleteProgram(r->prog_edge);
    if (r->prog_text)
        glDeleteProgram(r->prog_text);
    if (r->prog_pass)
        glDeleteProgram(r->prog_pass);
    if (r->vao_empty)
        glDeleteVertexArrays(1, &r->vao_empty);
    if (r->vao_text)
        glDeleteVertexArrays(1, &r->vao_text);
    if (r->vbo_text)
        glDeleteBuffers(1, &r->vbo_text);
    gbuf_free(&r->nattr);
    gbuf_free(&r->eattr);
    gbuf_free(&r->flags);
    gbuf_free(&r->result);
    text_font_destroy(r->font);
    free(r->addr);
    free(r->labels);
    free(r->ov);
    free(r->scratch);
    free(r);
}

/* ---------- attributes ---------- */

bool render_upload_nodes(render *r, uint32_t first, uint32_t n, const render_node_info *info)
{
    if (!n)
        return true;
    uint64_t end = (uint64_t)first + n;
    if (end > r->nodes && first > r->nodes)
        return false; /* gaps are a programmer error in the caller's order */
    if (!gbuf_reserve(&r->nattr, end * sizeof(gpu_node_attr), r->nodes * sizeof(gpu_node_attr)) ||
        !gbuf_reserve(&r->flags, end * 4, r->nodes * 4))
        return false;
    if (end > r->addr_cap) {
        size_t cap = r->addr_cap ? r->addr_cap : 1024;
        while (cap < end)
            cap *= 2;
        ip_addr *na = realloc(r->addr, cap * sizeof *na);
        if (!na) {
            log_error("out of memory for %zu labels", cap);
            return false;
        }
        r->addr = na;
        r->addr_cap = cap;
    }
    gpu_node_attr tmp[1024];
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < 1024 ? n - done : 1024;
        for (uint32_t i = 0; i < k; i++) {
            const render_node_info *in = &info[done + i];
            tmp[i].cls = (uint32_t)render_addr_classify(&in->addr) | (render_subnet_hash(&in->addr) << 8);
            tmp[i].r_degree = render_node_radius(RENDER_SIZE_DEGREE, in->degree, in->bytes);
            tmp[i].r_traffic = render_node_radius(RENDER_SIZE_TRAFFIC, in->degree, in->bytes);
            r->addr[first + done + i] = in->addr;
        }
        glBindBuffer(GL_COPY_WRITE_BUFFER, r->nattr.name);
        glBufferSubData(GL_COPY_WRITE_BUFFER, (GLintptr)((first + done) * sizeof(gpu_node_attr)),
                        (GLsizeiptr)(k * sizeof(gpu_node_attr)), tmp);
        done += k;
    }
    if (end > r->nodes) {
        /* New nodes start unhighlighted. */
        static const uint32_t zero[1024];
        glBindBuffer(GL_COPY_WRITE_BUFFER, r->flags.name);
        for (uint64_t i = r->nodes; i < end; i += 1024) {
            uint64_t k = end - i < 1024 ? end - i : 1024;
            glBufferSubData(GL_COPY_WRITE_BUFFER, (GLintptr)(i * 4), (GLsizeiptr)(k * 4), zero);
        }
        r->nodes = (uint32_t)end;
        r->hl_nodes = 0; /* recompute the highlight for the new nodes */
    }
    return glGetError() == GL_NO_ERROR;
}

bool render_upload_edges(render *r, uint32_t first, uint32_t n, const uint64_t *packets)
{
    if (!n)
        return true;
    uint64_t end = (uint64_t)first + n;
    if (first > r->edges)
        return false;
    if (!gbuf_reserve(&r->eattr, end * 4, r->edges * 4))
        return false;
    float tmp[2048];
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < 2048 ? n - done : 2048;
        for (uint32_t i = 0; i < k; i++)
            tmp[i] = edge_alpha_of(packets[done + i]);
        glBindBuffer(GL_COPY_WRITE_BUFFER, r->eattr.name);
        glBufferSubData(GL_COPY_WRITE_BUFFER, (GLintptr)((first + done) * 4), (GLsizeiptr)(k * 4), tmp);
        done += k;
    }
    if (end > r->edges)
        r->edges = (uint32_t)end;
    return glGetError() == GL_NO_ERROR;
}

static bool sync_nodes(render *r, const graph *g, uint32_t first, uint32_t n)
{
    render_node_info tmp[512];
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < 512 ? n - done : 512;
        for (uint32_t i = 0; i < k; i++) {
            const graph_node *gn = graph_node_at(g, first + done + i);
            tmp[i].addr = gn->addr;
            tmp[i].degree = atomic_load_explicit(&gn->degree, memory_order_relaxed);
            tmp[i].packets = atomic_load_explicit(&gn->packets, memory_order_relaxed);
            tmp[i].bytes = atomic_load_explicit(&gn->bytes, memory_order_relaxed);
        }
        if (!render_upload_nodes(r, first + done, k, tmp))
            return false;
        done += k;
    }
    return true;
}

static bool sync_edges(render *r, const graph *g, uint32_t first, uint32_t n)
{
    uint64_t tmp[1024];
    for (uint32_t done = 0; done < n;) {
        uint32_t k = n - done < 1024 ? n - done : 1024;
        for (uint32_t i = 0; i < k; i++)
            tmp[i] = atomic_load_explicit(&graph_edge_at(g, first + done + i)->packets,
                                          memory_order_relaxed);
        if (!render_upload_edges(r, first + done, k, tmp))
            return false;
        done += k;
    }
    return true;
}

bool render_sync(render *r, const graph *g, uint32_t refresh)
{
    uint32_t n = graph_node_count(g), m = graph_edge_count(g);
    uint32_t old_n = r->nodes, old_m = r->edges;
    if (n > old_n && !sync_nodes(r, g, old_n, n - old_n))
        return false;
    if (m > old_m && !sync_edges(r, g, old_m, m - old_m))
        return false;
    /* Rolling refresh of older items, whose counters keep growing. */
    if (refresh && old_n) {
        uint32_t from = r->refresh_node >= old_n ? 0 : r->refresh_node;
        uint32_t k = old_n - from < refresh ? old_n - from : refresh;
        if (!sync_nodes(r, g, from, k))
            return false;
        r->refresh_node = from + k;
    }
    if (refresh && old_m) {
        uint32_t from = r->refresh_edge >= old_m ? 0 : r->refresh_edge;
        uint32_t k = old_m - from < refresh ? old_m - from : refresh;
        if (!sync_edges(r, g, from, k))
            return false;
        r->refresh_edge = from + k;
    }
    return true;
}

/* ---------- drawing ---------- */

static uint32_t clamp_nodes(const render *r, const render_scene *s)
{
    return s->node_count < r->nodes ? s->node_count : r->nodes;
}

static uint32_t clamp_edges(const render *r, const render_scene *s)
{
    return s->edge_count < r->edges ? s->edge_count : r->edges;
}

static void view_tile(const render_view *v, float tile[4])
{
    tile[0] = (float)v->tile_x;
    tile[1] = (float)v->tile_y;
    tile[2] = (float)(v->tile_w > 0 ? v->tile_w : v->image_w);
    tile[3] = (float)(v->tile_h > 0 ? v->tile_h : v->image_h);
}

static float scale_of(const render_view *v) { return v->pixel_scale > 0 ? v->pixel_scale : 1.0f; }
static float node_scale_of(const render_view *v) { return v->node_scale > 0 ? v->node_scale : 1.0f; }

/* Sets the view uniforms shared by all programs (same locations everywhere). */
static void set_view_uniforms(GLuint prog, const render_view *v, const render_scene *s)
{
    float tile[4];
    view_tile(v, tile);
    UNI(glProgramUniformMatrix4fv, prog, U_VP, 1, GL_FALSE, v->view_proj);
    UNI(glProgramUniform2f, prog, U_IMAGE, (float)v->image_w, (float)v->image_h);
    UNI(glProgramUniform4fv, prog, U_TILE, 1, tile);
    (void)s;
}

static void set_node_uniforms(GLuint prog, const render_view *v, const render_scene *s)
{
    UNI(glProgramUniform1f, prog, U_SCALE, scale_of(v));
    UNI(glProgramUniform1f, prog, U_NODE_SCALE, node_scale_of(v));
    UNI(glProgramUniform1i, prog, U_SIZE_MODE, (int)v->size_mode);
    UNI(glProgramUniform1ui, prog, U_HOVERED, s->hovered);
    UNI(glProgramUniform1ui, prog, U_SELECTED, s->selected);
    UNI(glProgramUniform1i, prog, U_PERSPECTIVE, v->perspective ? 1 : 0);
    UNI(glProgramUniform1f, prog, U_DEPTH_REF, v->depth_ref > 0 ? v->depth_ref : 1.0f);
}

static void bind_buffers(const render *r, const render_scene *s)
{
    glBindBufferBase(GL_SHADER_STORAGE_BUFFER, B_POS, s->positions);
    if (s->edges)
        glBindBufferBase(GL_SHADER_STORAGE_BUFFER, B_EDGES, s->edges);
    glBindBufferBase(GL_SHADER_STORAGE_BUFFER, B_NATTR, r->nattr.name);
    glBindBufferBase(GL_SHADER_STORAGE_BUFFER, B_EATTR, r->eattr.name);
    glBindBufferBase(GL_SHADER_STORAGE_BUFFER, B_FLAGS, r->flags.name);
    glBindBufferBase(GL_SHADER_STORAGE_BUFFER, B_RESULT, r->result.name);
}

static void dispatch(render *r, int pass, uint32_t count)
{
    UNI(glProgramUniform1i, r->prog_pass, U_PASS, pass);
    UNI(glProgramUniform1ui, r->prog_pass, U_COUNT, count);
    glUseProgram(r->prog_pass);
    glDispatchCompute((count + 255) / 256, 1, 1);
    glMemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT | GL_BUFFER_UPDATE_BARRIER_BIT);
}

static void result_write(render *r, size_t at, size_t n, const uint32_t *v)
{
    glBindBuffer(GL_COPY_WRITE_BUFFER, r->result.name);
    glBufferSubData(GL_COPY_WRITE_BUFFER, (GLintptr)(at * 4), (GLsizeiptr)(n * 4), v);
}

static void result_read(render *r, size_t at, size_t n, uint32_t *v)
{
    glBindBuffer(GL_COPY_READ_BUFFER, r->result.name);
    glGetBufferSubData(GL_COPY_READ_BUFFER, (GLintptr)(at * 4), (GLsizeiptr)(n * 4), v);
}

static void update_highlight(render *r, const render_scene *s)
{
    uint32_t n = clamp_nodes(r, s), m = s->edges ? s->edge_count : 0;
    if (s->selected == RENDER_NONE) { /* flags are not read without a selection */
        r->hl_selected = RENDER_NONE;
        return;
    }
    if (s->selected == r->hl_selected && m == r->hl_edges && n == r->hl_nodes)
        return;
    bind_buffers(r, s);
    UNI(glProgramUniform1ui, r->prog_pass, U_SELECTED, s->selected);
    if (n)
        dispatch(r, P_HL_CLEAR, n);
    if (s->selected != RENDER_NONE && s->selected < n && m)
        dispatch(r, P_HL_MARK, m);
    r->hl_selected = s->selected;
    r->hl_edges = m;
    r->hl_nodes = n;
}

static void set_palette(GLuint prog, const theme_def *th)
{
    float pal[8][4] = {{0}};
    for (int i = 0; i < RENDER_CLASS_COUNT; i++)
        rgba_to_vec4(th->cls[i], pal[i]);
    rgba_to_vec4(th->ring, pal[5]);
    rgba_to_vec4(th->bg, pal[6]);
    pal[7][0] = th->single_color ? 1.0f : 0.0f;
    pal[7][1] = th->rim ? 1.0f : 0.0f;
    UNI(glProgramUniform4fv, prog, U_PALETTE, 8, &pal[0][0]);
}

static void blend_on(void)
{
    glEnable(GL_BLEND);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
}

static void upload_text_vertices(render *r, const gpu_text_vertex *vtx, size_t n)
{
    if (!n)
        return;
    glBindBuffer(GL_ARRAY_BUFFER, r->vbo_text);
    size_t bytes = n * sizeof *vtx;
    if (bytes > r->vbo_cap) {
        r->vbo_cap = bytes * 2;
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)r->vbo_cap, NULL, GL_STREAM_DRAW);
    }
    glBufferSubData(GL_ARRAY_BUFFER, 0, (GLsizeiptr)bytes, vtx);
}

/* Draws vertices [first, first+n) of those last uploaded. */
static void draw_text_range(render *r, size_t first, size_t n, const render_view *v, const render_scene *s,
                            const float halo[4])
{
    if (!n)
        return;
    set_view_uniforms(r->prog_text, v, s);
    UNI(glProgramUniform4fv, r->prog_text, U_HALO, 1, halo);
    glUseProgram(r->prog_text);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, r->atlas);
    glBindVertexArray(r->vao_text);
    glDrawArrays(GL_TRIANGLES, (GLint)first, (GLsizei)n);
    glBindVertexArray(0);
}

static void draw_text_vertices(render *r, const gpu_text_vertex *vtx, size_t n, const render_view *v,
                               const render_scene *s, const float halo[4])
{
    upload_text_vertices(r, vtx, n);
    draw_text_range(r, 0, n, v, s, halo);
}

/* Appends a string's quads as GPU vertices; node may be RENDER_NONE. */
static bool append_text(render *r, gpu_text_vertex **buf, size_t *len, size_t *cap, float x, float y,
                        float px, uint32_t rgba, uint32_t node, const char *str)
{
    size_t need = *len + 6 * strlen(str) + 6;
    if (need > *cap) {
        size_t nc = *cap ? *cap : 1024;
        while (nc < need)
            nc *= 2;
        gpu_text_vertex *nb = realloc(*buf, nc * sizeof *nb);
        if (!nb)
            return false;
        *buf = nb;
        *cap = nc;
    }
    size_t sl = strlen(str);
    if (sl > 255)
        sl = 255;
    char tmp[256];
    memcpy(tmp, str, sl);
    tmp[sl] = 0;
    int k = text_layout(r->font, x, y, px, rgba, tmp, r->scratch, 6 * 256);
    /* Colour bytes in memory order R,G,B,A for the normalised attribute. */
    uint32_t bytes = ((rgba >> 24) & 255) | (((rgba >> 16) & 255) << 8) | (((rgba >> 8) & 255) << 16) |
                     ((rgba & 255) << 24);
    for (int i = 0; i < k; i++) {
        gpu_text_vertex *o = &(*buf)[*len + (size_t)i];
        o->x = r->scratch[i].x;
        o->y = r->scratch[i].y;
        o->u = r->scratch[i].u;
        o->v = r->scratch[i].v;
        o->rgba = bytes;
        o->node = node;
    }
    *len += (size_t)k;
    return true;
}

/* The colour behind labels: the picture's background if the view names one
 * (also when it is transparent: then the theme's), else the theme's. */
static void backing_color(const render_view *v, float out[4])
{
    rgba_to_vec4(THEMES[v->theme].bg, out);
    if (v->has_background)
        memcpy(out, v->background, 3 * sizeof(float));
    out[3] = 1;
}

static uint32_t vec4_to_bytes(const float c[4])
{
    uint32_t b = 0;
    for (int k = 0; k < 4; k++) {
        float x = c[k] < 0 ? 0 : c[k] > 1 ? 1 : c[k];
        b |= (uint32_t)(x * 255.0f + 0.5f) << (8 * k); /* memory order R,G,B,A */
    }
    return b;
}

/* Label vertices for the placed labels: first every backing (6 vertices
 * each, *nback in all), then every glyph. Returns false when out of memory
 * (what was built is still drawn). */
static bool build_labels(render *r, const render_scene *s, const render_view *v, gpu_text_vertex **vtx,
                         size_t *len, size_t *nback)
{
    const theme_def *th = &THEMES[v->theme];
    size_t cap = 0;
    uint32_t n = clamp_nodes(r, s);
    float bc[4];
    backing_color(v, bc);
    bc[3] = BACK_ALPHA;
    uint32_t bbytes = vec4_to_bytes(bc);
    *vtx = NULL;
    *len = *nback = 0;
    if (r->nlabels > 0) {
        cap = 6 * (size_t)r->nlabels + 1024;
        *vtx = malloc(cap * sizeof **vtx);
        if (!*vtx)
            return false;
    }
    for (int i = 0; i < r->nlabels; i++) {
        const placed_label *pl = &r->labels[i];
        if (pl->node >= n)
            continue;
        /* The backing as an offset from the node, like the glyphs. */
        float x0 = pl->dx - BACK_PAD_X * pl->px, y0 = pl->dy - BACK_PAD_TOP * pl->px;
        float x1 = x0 + pl->box[2], y1 = y0 + pl->box[3];
        float xs[6] = {x0, x1, x1, x0, x1, x0}, ys[6] = {y0, y0, y1, y0, y1, y1};
        for (int k = 0; k < 6; k++)
            (*vtx)[(*len)++] = (gpu_text_vertex){xs[k], ys[k], -1, -1, bbytes, pl->node};
    }
    *nback = *len;
    for (int i = 0; i < r->nlabels; i++) {
        const placed_label *pl = &r->labels[i];
        if (pl->node >= n)
            continue;
        char text[ADDR_STRLEN];
        addr_format(&r->addr[pl->node], text);
        if (!append_text(r, vtx, len, &cap, pl->dx, pl->dy, pl->px, th->label, pl->node, text))
            return false;
    }
    return true;
}

bool render_draw(render *r, const render_scene *s, const render_view *v)
{
    while (glGetError() != GL_NO_ERROR) {
    }
    const theme_def *th = &THEMES[v->theme];
    float tile[4];
    view_tile(v, tile);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    if (!v->no_clear) {
        glViewport(0, 0, (GLsizei)tile[2], (GLsizei)tile[3]);
        float bg[4];
        rgba_to_vec4(th->bg, bg);
        if (v->transparent)
            glClearColor(0, 0, 0, 0);
        else
            glClearColor(bg[0], bg[1], bg[2], 1);
        glClear(GL_COLOR_BUFFER_BIT);
    }
    glMemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT | GL_VERTEX_ATTRIB_ARRAY_BARRIER_BIT);
    uint32_t n = clamp_nodes(r, s), m = clamp_edges(r, s);
    if (!s->positions || !n)
        goto overlay;
    update_highlight(r, s);
    bind_buffers(r, s);
    blend_on();
    if (m && s->edges) {
        float ec[4];
        rgba_to_vec4(th->edge, ec);
        /* Dense graphs: fainter edges so structure stays visible. */
        float density = sqrtf(20000.0f / (float)(m > 1 ? m : 1));
        ec[3] = th->edge_alpha * (density < 0.2f ? 0.2f : density > 1 ? 1 : density);
        set_view_uniforms(r->prog_edge, v, s);
        UNI(glProgramUniform1f, r->prog_edge, U_SCALE, scale_of(v));
        UNI(glProgramUniform1ui, r->prog_edge, U_SELECTED, s->selected);
        UNI(glProgramUniform4fv, r->prog_edge, U_EDGE_COLOR, 1, ec);
        UNI(glProgramUniform1f, r->prog_edge, U_EDGE_WIDTH, 1.0f);
        uint32_t stride = v->edge_stride > 1 ? v->edge_stride : 1;
        UNI(glProgramUniform1ui, r->prog_edge, U_EDGE_STRIDE, stride);
        glUseProgram(r->prog_edge);
        glBindVertexArray(r->vao_empty);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)((m + stride - 1) / stride));
    }
    set_view_uniforms(r->prog_node, v, s);
    set_node_uniforms(r->prog_node, v, s);
    UNI(glProgramUniform1i, r->prog_node, U_COLOR_MODE, (int)v->color_mode);
    set_palette(r->prog_node, th);
    glUseProgram(r->prog_node);
    glBindVertexArray(r->vao_empty);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, (GLsizei)n);
    glBindVertexArray(0);
    if (v->labels) {
        /* Labels over everything: backings, then glyphs with a halo in the
         * backing colour. Placement keeps them off other nodes where it can. */
        gpu_text_vertex *lv = NULL;
        size_t llen = 0, lback = 0;
        build_labels(r, s, v, &lv, &llen, &lback);
        float halo[4];
        backing_color(v, halo);
        halo[3] = HALO_ALPHA;
        draw_text_vertices(r, lv, llen, v, s, halo);
        free(lv);
    }
overlay:
    glDisable(GL_BLEND);
    glUseProgram(0);
    GLenum e = glGetError();
    if (e != GL_NO_ERROR) {
        log_error("drawing failed with GL error 0x%x on %s", e, glctx_renderer());
        return false;
    }
    return true;
}

/* ---------- labels ---------- */

typedef struct order_item {
    float pri;
    int index;
} order_item;

static int by_priority(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    if (x->pri != y->pri)
        return x->pri > y->pri ? -1 : 1;
    return x->index - y->index;
}

int render_labels_solve(render_label_box *boxes, int n, float W, float H)
{
    return render_labels_place(boxes, n, W, H, NULL, 0);
}

/* A uniform grid of cells the size of a typical label makes the overlap
 * tests local; each obstacle and kept box is listed in every cell it
 * touches. Entries: obstacles are 0..nobst-1, box i is nobst + i. */
typedef struct label_grid {
    int gw, gh;
    float sx, sy;
    int *head, *next, *item;
    size_t len, cap;
} label_grid;

static void cell_range(const label_grid *g, const float r[4], int c[4])
{
    c[0] = (int)floorf(r[0] / g->sx);
    c[1] = (int)floorf((r[0] + r[2]) / g->sx);
    c[2] = (int)floorf(r[1] / g->sy);
    c[3] = (int)floorf((r[1] + r[3]) / g->sy);
    for (int k = 0; k < 4; k++) {
        int lim = k < 2 ? g->gw : g->gh;
        c[k] = c[k] < 0 ? 0 : c[k] >= lim ? lim - 1 : c[k];
    }
}

static bool grid_add(label_grid *g, const float r[4], int item)
{
    int c[4];
    cell_range(g, r, c);
    for (int cy = c[2]; cy <= c[3]; cy++)
        for (int cx = c[0]; cx <= c[1]; cx++) {
            if (g->len == g->cap) {
                size_t nc = g->cap * 2;
                int *a = realloc(g->next, sizeof *a * nc);
                if (!a)
                    return false;
                g->next = a;
                int *b = realloc(g->item, sizeof *b * nc);
                if (!b)
                    return false;
                g->item = b;
                g->cap = nc;
            }
            g->next[g->len] = g->head[cy * g->gw + cx];
            g->item[g->len] = item;
            g->head[cy * g->gw + cx] = (int)g->len++;
        }
    return true;
}

static bool overlaps(const float a[4], const float b[4])
{
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/* Is rectangle r free of kept boxes and (if avoid) of obstacles other than own? */
static bool grid_free(const label_grid *g, const float r[4], const render_label_box *boxes,
                      const float (*obst)[4], int nobst, int own, bool avoid)
{
    int c[4];
    cell_range(g, r, c);
    for (int cy = c[2]; cy <= c[3]; cy++)
        for (int cx = c[0]; cx <= c[1]; cx++)
            for (int e = g->head[cy * g->gw + cx]; e >= 0; e = g->next[e]) {
                int it = g->item[e];
                if (it < nobst) {
                    if (avoid && it != own && overlaps(r, obst[it]))
                        return false;
                } else {
                    const render_label_box *o = &boxes[it - nobst];
                    float orr[4] = {o->x, o->y, o->w, o->h};
                    if (overlaps(r, orr))
                        return false;
                }
            }
    return true;
}

int render_labels_place(render_label_box *boxes, int n, float W, float H, const float (*obst)[4],
                        int nobst)
{
    if (n <= 0)
        return 0;
    order_item *ord = malloc(sizeof *ord * (size_t)n);
    label_grid g = {0};
    int nkept = 0;
    if (!ord)
        return 0;
    for (int i = 0; i < n; i++) {
        ord[i].pri = boxes[i].priority;
        ord[i].index = i;
        boxes[i].placed = false;
    }
    qsort(ord, (size_t)n, sizeof *ord, by_priority);
    const float cw = 96, ch = 24;
    g.gw = (int)(W / cw) + 1;
    g.gh = (int)(H / ch) + 1;
    if (g.gw > 1024)
        g.gw = 1024;
    if (g.gh > 2048)
        g.gh = 2048;
    g.sx = W / (float)g.gw;
    g.sy = H / (float)g.gh;
    g.head = malloc(sizeof *g.head * (size_t)g.gw * (size_t)g.gh);
    g.cap = 1024;
    g.next = malloc(sizeof *g.next * g.cap);
    g.item = malloc(sizeof *g.item * g.cap);
    if (!g.head || !g.next || !g.item)
        goto out;
    for (int i = 0; i < g.gw * g.gh; i++)
        g.head[i] = -1;
    for (int i = 0; i < nobst; i++)
        if (!grid_add(&g, obst[i], i))
            goto out;
    for (int oi = 0; oi < n; oi++) {
        render_label_box *b = &boxes[ord[oi].index];
        bool forced = isinf(b->priority) && b->priority > 0;
        bool ok = forced;
        /* x, then alt_x, clear of obstacles; then the same clear of kept
         * boxes only (a label over a node's disc still reads: glyphs are
         * drawn over nodes with a halo). */
        for (int t = 0; t < 4 && !ok; t++) {
            if ((t & 1) && !b->has_alt)
                continue;
            float r[4] = {(t & 1) ? b->alt_x : b->x, b->y, b->w, b->h};
            if (r[0] < 0 || r[1] < 0 || r[0] + r[2] > W || r[1] + r[3] > H)
                continue;
            if (grid_free(&g, r, boxes, obst, nobst, b->own, t < 2)) {
                b->x = r[0];
                ok = true;
            }
        }
        if (!ok)
            continue;
        b->placed = true;
        nkept++;
        float r[4] = {b->x, b->y, b->w, b->h};
        if (!grid_add(&g, r, nobst + ord[oi].index))
            goto out;
    }
out:
    free(g.head);
    free(g.next);
    free(g.item);
    free(ord);
    return nkept;
}

/* Candidate list length for this view (see CAND_MIN). */
static uint32_t cand_cap(const render_view *v, float px)
{
    double a = (double)v->image_w * (double)v->image_h / ((double)px * px);
    return a < CAND_MIN ? CAND_MIN : a > CAND_MAX ? CAND_MAX : (uint32_t)a;
}

/* The size bucket that does not fit whole is cut at a node id: finds the
 * largest id limit such that its nodes below the limit number at most left.
 * Histograms of ids in 64 bins, refined inside the bin that overflows (at
 * most six passes for 2^32 ids); so the same nodes are chosen every time. */
static uint32_t id_limit_for(render *r, uint32_t n, uint32_t bucket, uint32_t left)
{
    uint32_t lo = 0, range = n, limit = 0;
    UNI(glProgramUniform1ui, r->prog_pass, U_THRESHOLD, bucket);
    for (int it = 0; it < 8 && range > 0; it++) {
        uint32_t bin = (range + NBUCKET - 1) / NBUCKET, hist[NBUCKET], zero[NBUCKET] = {0};
        result_write(r, R_HIST, NBUCKET, zero);
        UNI(glProgramUniform1ui, r->prog_pass, U_ID_LO, lo);
        UNI(glProgramUniform1ui, r->prog_pass, U_ID_BIN, bin);
        dispatch(r, P_ID_HIST, n);
        result_read(r, R_HIST, NBUCKET, hist);
        uint32_t k = 0;
        while (k < NBUCKET && hist[k] <= left)
            left -= hist[k++];
        uint64_t end = (uint64_t)lo + (uint64_t)k * bin;
        limit = end > n ? n : (uint32_t)end;
        if (k == NBUCKET || bin == 1)
            break;
        lo = limit;
        range = bin;
    }
    return limit;
}

int render_place_labels(render *r, const render_scene *s, const render_view *v)
{
    r->nlabels = 0;
    uint32_t n = clamp_nodes(r, s);
    if (!s->positions || !n)
        return 0;
    float scale = scale_of(v);
    float px = LABEL_PX * scale;
    bind_buffers(r, s);
    set_view_uniforms(r->prog_pass, v, s);
    set_node_uniforms(r->prog_pass, v, s);
    uint32_t zero[NBUCKET] = {0};
    result_write(r, R_HIST, NBUCKET, zero);
    dispatch(r, P_HIST, n);
    uint32_t hist[NBUCKET], visible = 0;
    result_read(r, R_HIST, NBUCKET, hist);
    for (int b = 0; b < NBUCKET; b++)
        visible += hist[b];
    uint32_t cap = cand_cap(v, px);
    if (cap > visible + 2)
        cap = visible + 2; /* + the hovered and selected nodes, even off-screen */
    if (!gbuf_reserve(&r->result, sizeof(uint32_t) * (R_CANDS + 4 * (size_t)cap), 0))
        return 0;
    bind_buffers(r, s);
    /* Largest nodes first: every bucket that fits whole, then the next cut at
     * a node id. Two places stay free for the forced nodes. */
    uint32_t room = cap - 2, total = 0, threshold = 0, id_limit = 0xffffffffu;
    for (int b = NBUCKET - 1; b >= 0; b--) {
        if (total + hist[b] > room) {
            threshold = (uint32_t)b;
            id_limit = id_limit_for(r, n, (uint32_t)b, room - total);
            break;
        }
        total += hist[b];
    }
    result_write(r, R_COUNT, 1, zero);
    UNI(glProgramUniform1ui, r->prog_pass, U_THRESHOLD, threshold);
    UNI(glProgramUniform1ui, r->prog_pass, U_ID_LIMIT, id_limit);
    UNI(glProgramUniform1ui, r->prog_pass, U_CAP, cap);
    dispatch(r, P_CANDS, n);
    uint32_t count;
    result_read(r, R_COUNT, 1, &count);
    if (count > cap)
        count = cap;
    if (!count)
        return 0;
    uint32_t *cand = malloc(sizeof(uint32_t) * 4 * count);
    render_label_box *box = malloc(sizeof *box * count);
    if (!cand || !box || (int)count > r->labels_cap) {
        placed_label *nl = cand && box ? realloc(r->labels, sizeof *nl * count) : NULL;
        if (!nl) {
            free(cand);
            free(box);
            log_warn("out of memory for %u label candidates; no labels", count);
            return 0;
        }
        r->labels = nl;
        r->labels_cap = (int)count;
    }
    result_read(r, R_CANDS, 4 * (size_t)count, cand);
    /* Ties in size: the lower id (earlier seen) first, independent of GPU
     * order: candidates sorted by id. */
    order_item *ord = malloc(sizeof *ord * count);
    uint32_t *sorted = malloc(sizeof(uint32_t) * 4 * count);
    if (ord && sorted) {
        for (uint32_t i = 0; i < count; i++) {
            ord[i].pri = -(float)cand[4 * i];
            ord[i].index = (int)i;
        }
        qsort(ord, count, sizeof *ord, by_priority);
        for (uint32_t i = 0; i < count; i++)
            memcpy(&sorted[4 * i], &cand[4 * (size_t)ord[i].index], 4 * sizeof(uint32_t));
        memcpy(cand, sorted, sizeof(uint32_t) * 4 * count);
    }
    free(ord);
    free(sorted);
    /* Each box is the label's backing; the text starts BACK_PAD_X label
     * heights inside it, which leaves about 1.5 px (at scale 1) beside the
     * disc, right of the node or else left of it. Text offsets are whole
     * pixels from the node's rounded pixel (as render_text.vert.glsl rounds
     * it), the baseline on a pixel edge. The candidates' discs are
     * obstacles: a label covers another candidate node only where both of
     * its places would (then its backing hides that node). */
    float pad_x = BACK_PAD_X * px, pad_top = BACK_PAD_TOP * px, asc = text_ascent(r->font, px);
    float *off = malloc(sizeof *off * 3 * (size_t)count);
    float(*obst)[4] = malloc(sizeof *obst * count);
    if (!off || !obst) {
        free(cand);
        free(box);
        free(off);
        free(obst);
        return 0;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t id = cand[4 * i];
        float x, y, rad;
        memcpy(&x, &cand[4 * i + 1], 4);
        memcpy(&y, &cand[4 * i + 2], 4);
        memcpy(&rad, &cand[4 * i + 3], 4);
        x = floorf(x + 0.5f);
        y = floorf(y + 0.5f);
        obst[i][0] = x - rad;
        obst[i][1] = y - rad;
        obst[i][2] = obst[i][3] = 2 * rad;
        char text[ADDR_STRLEN];
        addr_format(&r->addr[id], text);
        float tw = text_width(r->font, px, text);
        float dx = roundf(rad + 1.5f * scale + pad_x), dy = roundf(asc - 0.5f * px) - asc;
        float dxl = -roundf(rad + 1.5f * scale + pad_x + tw);
        off[3 * i] = dx;
        off[3 * i + 1] = dxl;
        off[3 * i + 2] = dy;
        box[i].w = tw + 2 * pad_x;
        box[i].h = px * (1 + BACK_PAD_TOP + BACK_PAD_BOTTOM);
        box[i].x = x + dx - pad_x;
        box[i].y = y + dy - pad_top;
        box[i].has_alt = true;
        box[i].alt_x = x + dxl - pad_x;
        box[i].own = (int)i;
        box[i].priority = (id == s->hovered || id == s->selected) ? INFINITY : rad;
        box[i].placed = false;
    }
    render_labels_place(box, (int)count, (float)v->image_w, (float)v->image_h, (const float(*)[4])obst,
                        (int)count);
    for (uint32_t i = 0; i < count; i++) {
        if (!box[i].placed)
            continue;
        placed_label *pl = &r->labels[r->nlabels++];
        pl->node = cand[4 * i];
        pl->dx = box[i].x == box[i].alt_x ? off[3 * i + 1] : off[3 * i];
        pl->dy = off[3 * i + 2];
        pl->px = px;
        pl->box[0] = box[i].x;
        pl->box[1] = box[i].y;
        pl->box[2] = box[i].w;
        pl->box[3] = box[i].h;
    }
    free(obst);
    free(cand);
    free(box);
    free(off);
    return r->nlabels;
}

int render_label_nodes(const render *r, uint32_t *out, int max)
{
    int k = 0;
    for (int i = 0; i < r->nlabels && k < max; i++)
        out[k++] = r->labels[i].node;
    return k;
}

int render_label_boxes(const render *r, float (*out)[4], int max)
{
    int k = 0;
    for (int i = 0; i < r->nlabels && k < max; i++, k++)
        memcpy(out[k], r->labels[i].box, sizeof out[k]);
    return k;
}

/* ---------- picking, bounds, one position ---------- */

uint32_t render_pick(render *r, const render_scene *s, const render_view *v, float px, float py)
{
    uint32_t n = clamp_nodes(r, s);
    if (!s->positions || !n)
        return RENDER_NONE;
    bind_buffers(r, s);
    set_view_uniforms(r->prog_pass, v, s);
    set_node_uniforms(r->prog_pass, v, s);
    UNI(glProgramUniform2f, r->prog_pass, U_CURSOR, px, py);
    uint32_t init[2] = {0x7f800000u /* +inf */, RENDER_NONE};
    result_write(r, R_PICK_D, 2, init);
    dispatch(r, P_PICK_DIST, n);
    dispatch(r, P_PICK_ID, n);
    uint32_t out[2];
    result_read(r, R_PICK_D, 2, out);
    return out[1];
}

static float unsortable(uint32_t u)
{
    u = (u & 0x80000000u) ? (u & 0x7fffffffu) : ~u;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

bool render_bounds(render *r, const render_scene *s, float lo[3], float hi[3])
{
    uint32_t n = s->node_count;
    if (!s->positions || !n)
        return false;
    bind_buffers(r, s);
    uint32_t init[6] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0, 0, 0};
    result_write(r, R_MIN, 6, init);
    dispatch(r, P_BOUNDS, n);
    uint32_t out[6];
    result_read(r, R_MIN, 6, out);
    for (int k = 0; k < 3; k++) {
        lo[k] = unsortable(out[k]);
        hi[k] = unsortable(out[3 + k]);
    }
    return true;
}

bool render_node_position(render *r, const render_scene *s, uint32_t id, float xyz[3])
{
    (void)r;
    if (!s->positions || id >= s->node_count)
        return false;
    glMemoryBarrier(GL_BUFFER_UPDATE_BARRIER_BIT);
    float p[4];
    glBindBuffer(GL_COPY_READ_BUFFER, s->positions);
    glGetBufferSubData(GL_COPY_READ_BUFFER, (GLintptr)id * 16, 16, p);
    memcpy(xyz, p, 3 * sizeof(float));
    return glGetError() == GL_NO_ERROR;
}

/* ---------- overlay ---------- */

void render_overlay_rect(render *r, float x, float y, float w, float h, uint32_t rgba)
{
    if (r->ov_len + 6 > r->ov_cap) {
        size_t nc = r->ov_cap ? r->ov_cap * 2 : 1024;
        gpu_text_vertex *nb = realloc(r->ov, nc * sizeof *nb);
        if (!nb)
            return;
        r->ov = nb;
        r->ov_cap = nc;
    }
    uint32_t bytes = ((rgba >> 24) & 255) | (((rgba >> 16) & 255) << 8) | (((rgba >> 8) & 255) << 16) |
                     ((rgba & 255) << 24);
    float xs[6] = {x, x + w, x + w, x, x + w, x}, ys[6] = {y, y, y + h, y, y + h, y + h};
    for (int i = 0; i < 6; i++)
        r->ov[r->ov_len++] = (gpu_text_vertex){xs[i], ys[i], -1, -1, bytes, RENDER_NONE};
}

float render_overlay_text(render *r, float x, float y, float px, uint32_t rgba, const char *s)
{
    append_text(r, &r->ov, &r->ov_len, &r->ov_cap, x, y, px, rgba, RENDER_NONE, s);
    return text_width(r->font, px, s);
}

float render_text_width(const render *r, float px, const char *s) { return text_width(r->font, px, s); }

void render_overlay_flush(render *r, int fb_w, int fb_h)
{
    if (!r->ov_len)
        return;
    render_view v = {.image_w = fb_w, .image_h = fb_h};
    static const float ident[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    memcpy(v.view_proj, ident, sizeof ident);
    render_scene s = {0};
    glViewport(0, 0, fb_w, fb_h);
    blend_on();
    float no_halo[4] = {0, 0, 0, 0};
    draw_text_vertices(r, r->ov, r->ov_len, &v, &s, no_halo);
    glDisable(GL_BLEND);
    glUseProgram(0);
    r->ov_len = 0;
}
