/* render: draws the graph (edges, nodes, labels) and the window's overlay
 * (HUD, tooltip, search box, help) with OpenGL 4.3.
 *
 * DESIGN: positions and edges are never copied through the CPU: nodes are one
 * instanced draw and edges another, both reading the layout's SSBOs (vec4 per
 * node, uvec2 per edge) by instance id. The renderer keeps only small per-item
 * attributes of its own (address class, subnet hash, log-scaled degree and
 * traffic per node; log-scaled packets per edge), uploaded as the graph grows
 * (the new tail every frame plus a rolling refresh of older items, so counters
 * that keep changing are seen within a few frames). Colours come from a
 * palette chosen in the shader by theme, so a theme change costs nothing.
 *
 * Every draw is described by a render_view that carries the view-projection
 * of the WHOLE image and the sub-rectangle (tile) being drawn, so the same
 * code draws the window and arbitrarily large tiled screenshots:
 *
 *   For the shot helper: compute one render_view for the full image (image_w
 *   x image_h, pixel_scale = image size relative to the on-screen size), call
 *   render_place_labels ONCE with it (placement is in whole-image pixels, so
 *   labels cross tile borders seamlessly), then for each tile bind an FBO of
 *   tile_w x tile_h, set v.tile_* and call render_draw. Node radii, edge
 *   widths and label text are in image pixels times pixel_scale.
 *   With shot_tile (origin bottom-left, overscan included): tile_x = t->x,
 *   tile_y = image_h - (t->y + t->h), tile_w = t->w, tile_h = t->h, and
 *   no_clear = true (shot binds, sizes and clears the framebuffer itself).
 *   Do not also multiply by shot's tile_from_image: the tile rectangle
 *   already maps the image onto the tile.
 *
 * Picking, label candidates and the bounding box are compute passes over the
 * position buffer; only their small results are read back.
 *
 * Labels are drawn last, each on a nearly opaque backing in the picture's
 * background (so edges never run through glyphs), at whole-pixel offsets
 * from their node; placement keeps backings from overlapping each other and,
 * where it can (right of the node, else left), from covering other nodes.
 * The candidate list grows with the image area (about one per label height
 * squared, 4k to 1M), so large pictures name most hosts.
 *
 * Threads: main thread only, with a current GL 4.3 context (no window
 * needed: tests and --headless use EGL). */
#ifndef IPVIZ_RENDER_H
#define IPVIZ_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glad/gl.h>

#include "addr.h"
#include "graph.h"

#define RENDER_NONE UINT32_MAX

typedef enum render_theme { RENDER_THEME_DARK, RENDER_THEME_LIGHT, RENDER_THEME_SEED, RENDER_THEME_COUNT } render_theme;
typedef enum render_color_mode { RENDER_COLOR_CLASS, RENDER_COLOR_SUBNET } render_color_mode;
typedef enum render_size_mode { RENDER_SIZE_DEGREE, RENDER_SIZE_TRAFFIC } render_size_mode;

/* Address classes used for node colour. */
typedef enum render_addr_class {
    RENDER_CLASS_PRIVATE,    /* RFC 1918, 100.64/10, loopback, IPv6 ULA fc00::/7 */
    RENDER_CLASS_PUBLIC,     /* any other IPv4 */
    RENDER_CLASS_MULTICAST,  /* 224/4, 255.255.255.255, ff00::/8 */
    RENDER_CLASS_LINK_LOCAL, /* 169.254/16, fe80::/10 */
    RENDER_CLASS_IPV6,       /* any other IPv6 */
    RENDER_CLASS_COUNT
} render_addr_class;

/* "dark", "light", "seed"; false for anything else (out unchanged). NULL or
 * "" gives the default (dark). */
bool render_theme_parse(const char *name, render_theme *out);
render_addr_class render_addr_classify(const ip_addr *a);
/* 24-bit hash of the address's /24 (IPv4) or /48 (IPv6): colour by subnet. */
uint32_t render_subnet_hash(const ip_addr *a);
/* The colour (0xRRGGBBAA) a node of this address gets: same rule as the shader. */
uint32_t render_node_rgba(const ip_addr *a, render_theme t, render_color_mode m);
/* Background colour of a theme (0xRRGGBBAA). */
uint32_t render_background_rgba(render_theme t);
/* Node radius in pixels (before pixel_scale) for a degree or byte count: log scale. */
float render_node_radius(render_size_mode m, uint32_t degree, uint64_t bytes);

typedef struct render_desc {
    const char *font_path; /* NULL: IPVIZ_FONT_DEFAULT (DejaVu Sans) */
} render_desc;

typedef struct render render;

/* Compiles shaders and builds the glyph atlas. On error logs why, returns NULL. */
render *render_create(const render_desc *desc);
void render_destroy(render *r); /* accepts NULL */

/* Per-node facts the renderer turns into attributes. */
typedef struct render_node_info {
    ip_addr addr;
    uint32_t degree;
    uint64_t packets, bytes;
} render_node_info;

/* Sets attributes of nodes [first, first+n) / edges [first, first+n) (edge
 * packets only; endpoints come from the layout's edge buffer). Grows the
 * buffers as needed. For tests and callers without a graph. */
bool render_upload_nodes(render *r, uint32_t first, uint32_t n, const render_node_info *info);
bool render_upload_edges(render *r, uint32_t first, uint32_t n, const uint64_t *packets);

/* Uploads attributes for nodes/edges the graph published since the last call,
 * and refreshes up to `refresh` older items of each (their counters change).
 * Never blocks on the loader. Keeps the label text for every node. */
bool render_sync(render *r, const graph *g, uint32_t refresh);

/* What to draw: the solver's buffers and the interactive state. */
typedef struct render_scene {
    GLuint positions;      /* SSBO, vec4 per node (xyz, w unused) */
    GLuint edges;          /* SSBO, uvec2 per edge */
    uint32_t node_count;   /* drawn: clamped to the attributes uploaded */
    uint32_t edge_count;
    uint32_t hovered;      /* node id or RENDER_NONE */
    uint32_t selected;     /* node id or RENDER_NONE: neighbours are highlighted */
} render_scene;

/* How to draw it. Pixels are image pixels, origin top-left, y down. */
typedef struct render_view {
    float view_proj[16];   /* column-major world -> clip for the WHOLE image */
    int image_w, image_h;  /* the whole image */
    int tile_x, tile_y;    /* top-left of the part drawn now (0,0 for a window) */
    int tile_w, tile_h;    /* its size; 0 = the whole image */
    float pixel_scale;     /* multiplies node radii, edge widths, text (1 = screen) */
    float node_scale;      /* extra node-size factor from the camera zoom (0 = 1) */
    bool perspective;      /* 3D: nodes shrink with distance */
    float depth_ref;       /* 3D: eye distance at which nodes have their nominal size (0 = 1) */
    render_theme theme;
    render_color_mode color_mode;
    render_size_mode size_mode;
    bool labels;           /* draw the labels last placed by render_place_labels */
    uint32_t edge_stride;  /* draw every k-th edge (0 or 1: all): a level of detail for
                              frames drawn while things move on a slow GPU */
    bool transparent;      /* clear to alpha 0 instead of the theme background */
    bool has_background;   /* background[] is the picture's own (--background); label */
    float background[3];   /* backings use it, else the theme's background (also when
                              transparent) */
    bool no_clear;         /* the caller has bound, sized (glViewport) and cleared the
                              target: shot's tiles, with their own background */
} render_view;

/* Chooses which nodes get a label for this view (whole-image pixels): the
 * hovered and selected nodes always, then the largest visible nodes first,
 * skipping any label that would overlap one already placed. Reads back only
 * a bounded candidate list. Call once per image (or per few frames in the
 * window), before render_draw. Returns the number of labels placed. */
int render_place_labels(render *r, const render_scene *s, const render_view *v);

/* Node ids labelled by the last render_place_labels, in placement order
 * (forced first, then by size). Returns how many were written. */
int render_label_nodes(const render *r, uint32_t *out, int max);

/* Rectangles (x, y, w, h, whole-image pixels at placement) of the labels of
 * the last render_place_labels, backing included, in render_label_nodes
 * order: no two overlap (unless forced). Returns how many were written. */
int render_label_boxes(const render *r, float (*out)[4], int max);

/* Sets the viewport to (0,0,tile_w,tile_h) and clears it (unless no_clear), draws
 * edges, nodes and (if v->labels) the placed labels. Leaves GL blend state
 * as it found it disabled. Returns false on a GL error. */
bool render_draw(render *r, const render_scene *s, const render_view *v);

/* Picking: the node whose drawn disc contains the pixel (px,py) (image
 * pixels), the nearest one if several; RENDER_NONE if none. A compute pass;
 * reads back 8 bytes. */
uint32_t render_pick(render *r, const render_scene *s, const render_view *v, float px, float py);

/* Neighbour highlight for s->selected is recomputed when the selection or the
 * edge count changes (a compute pass over the edges) inside render_draw. */

/* Bounding box of all node positions (compute pass). False if no nodes. */
bool render_bounds(render *r, const render_scene *s, float lo[3], float hi[3]);

/* Position of one node (reads back 16 bytes). */
bool render_node_position(render *r, const render_scene *s, uint32_t id, float xyz[3]);

/* --- overlay: text and panels in framebuffer pixels (origin top-left),
 * queued, then drawn by render_overlay_flush over whatever is there. --- */
void render_overlay_rect(render *r, float x, float y, float w, float h, uint32_t rgba);
/* Queues a line of text with its top-left at (x,y), px pixels high; returns
 * its width in pixels. */
float render_overlay_text(render *r, float x, float y, float px, uint32_t rgba, const char *s);
float render_text_width(const render *r, float px, const char *s);
void render_overlay_flush(render *r, int fb_w, int fb_h);

/* --- label placement, pure (unit-tested) --- */
typedef struct render_label_box {
    float x, y, w, h;   /* in: candidate rectangle, pixels; out: x is where it went */
    float priority;     /* in: larger first; forced ones use INFINITY */
    bool placed;        /* out */
    bool has_alt;       /* in: alt_x is a second x to try when x is taken */
    float alt_x;
    int own;            /* in: the obstacle that is this label's own node (never
                           in the way), or -1 */
} render_label_box;

/* Greedy placement inside [0,W)x[0,H): by priority, keep a box if it does not
 * overlap any kept box (forced ones are always kept, and are placed first).
 * Stable for equal priorities (lower index first). Returns the number kept. */
int render_labels_solve(render_label_box *boxes, int n, float W, float H);

/* The same, with a second place per box and obstacles (x, y, w, h: other
 * nodes' discs) that boxes avoid where they can: a box tries x, then alt_x,
 * covering no obstacle but its own; failing both, x then alt_x covering
 * obstacles. Forced boxes go where x says regardless. Returns the number
 * kept. */
int render_labels_place(render_label_box *boxes, int n, float W, float H, const float (*obst)[4],
                        int nobst);

#endif
