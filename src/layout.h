/* layout: Fruchterman-Reingold in OpenGL 4.3 compute shaders.
 *
 * Owns the GPU buffers the renderer draws from: positions (vec4 per node: xyz,
 * w unused) and edges (uvec2 per edge, node ids). The CPU never reads
 * positions back except for export, picking and screenshots.
 *
 * DESIGN: a step is force (one invocation per node: repulsion, springs from a
 * CSR adjacency so nobody writes another node's sum, gravity) then move
 * (temperature-limited, pinned nodes skipped, squared moves summed per
 * workgroup for the early stop). Repulsion is exact all-pairs (tiled through
 * shared memory) up to params.exact_max nodes; above, a multilevel grid built
 * on the GPU each step (bounding box, left by the previous move pass;
 * counting sort of nodes into the finest cells, each node ranked by id
 * within its cell, per-cell sums at every level, the coarse levels in one
 * single-workgroup pass, each level's occupied cells listed) gives exact
 * forces from the node's own 3^d block of finest cells and monopoles of
 * cells that are well separated at each coarser level, each cell counted
 * once (the FMM interaction list).
 * The far part is a local expansion per occupied cell (force + Jacobian about
 * its centre of mass), passed down from the coarsest level one pass per level
 * (layout_ref.h): a node's own work is its near block plus one F + J (p - c).
 * Passes over cells are dispatched indirectly over the occupied ones. Kernels
 * read what a pass does not write through buffer textures (layout_gpu.h). On
 * llvmpipe the passes avoid barriers (but for the single-workgroup one, a
 * barrier per level) and walk nodes in cell order so SIMD lanes agree
 * (IPVIZ_LAYOUT_PROFILE=1 prints each pass's time at layout_destroy).
 * What a step computes is defined once in layout_ref.c;
 * this file runs the same arithmetic in the same order on the GPU.
 *
 * Live growth: the adjacency is CSR with slack per node, kept on the CPU and
 * patched on the GPU by the changed ranges only; a node whose list fills up
 * moves to the end with twice the room, and the array is compacted when half
 * of it is holes.
 *
 * Threads: main thread only, with a current GL 4.3 context. */
#ifndef IPVIZ_LAYOUT_H
#define IPVIZ_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include <glad/gl.h>

#include "graph.h"
#include "layout_ref.h"

typedef struct layout layout;

/* Zero fields take the defaults of layout_params (see layout_ref.h).
 * Compiles the kernels; returns NULL (logged) when they do not build or the
 * context lacks what they need. */
layout *layout_create(const layout_params *params);
void layout_destroy(layout *l); /* accepts NULL */

/* Uploads nodes and edges the graph published since the last call (the tail
 * only), placing new nodes near a placed neighbour and re-warming the
 * temperature. Never blocks on the loader. Returns false on GL errors or
 * when memory runs out (then the layout keeps what it had). */
bool layout_sync(layout *l, const graph *g);

/* The same on plain arrays: the layout grows to n_total nodes and appends m
 * edges (2m node ids, each < n_total; weights may be NULL = 1). */
bool layout_append(layout *l, uint32_t n_total, uint32_t m, const uint32_t *edges,
                   const float *weights);

/* Runs up to `steps` iterations; returns the number run (fewer when paused,
 * converged, or the iteration budget of params.iterations is spent; growth
 * and layout_reheat start a new budget). */
int layout_step(layout *l, int steps);

/* True once the layout has stopped: the movement fell below
 * params.stop_threshold (early stop) or the step budget is spent; growth and
 * layout_reheat start it again. (The window idles while it is true.) */
bool layout_converged(const layout *l);
void layout_set_paused(layout *l, bool paused);
bool layout_paused(const layout *l);
void layout_reheat(layout *l);
void layout_pin(layout *l, uint32_t node, const float xyz[3]); /* moves and pins */
void layout_unpin(layout *l, uint32_t node);

uint32_t layout_node_count(const layout *l);
uint32_t layout_edge_count(const layout *l);
/* The buffer names change when the graph grows (the buffers double): ask
 * every frame rather than keeping them. */
GLuint layout_position_buffer(const layout *l); /* vec4 per node */
GLuint layout_edge_buffer(const layout *l);     /* uvec2 per edge */

/* Copies node_count * dims floats to out (export, picking, screenshots). */
bool layout_read_positions(layout *l, float *out, int dims);
/* Replaces all positions (4 floats per node, node_count of them). */
bool layout_write_positions(layout *l, const float *pos4);

/* Steps run since the schedule last (re)started, and the last step's
 * movement metric (see layout_params.stop_threshold), for --stats. */
int layout_steps_run(const layout *l);
double layout_last_move(const layout *l);
/* True when the next step uses exact all-pairs repulsion. */
bool layout_exact(const layout *l);

/* For tests and benchmarks: the constants the next step will use, and the
 * displacements it would apply (4 floats per node), without moving. */
void layout_debug_consts(const layout *l, layout_consts *c);
bool layout_debug_forces(layout *l, float *disp4);
/* Whether the kernels read through buffer textures (layout_gpu.h). */
bool layout_debug_textures(const layout *l);
/* Node v's adjacency as the GPU holds it: up to cap neighbour ids in list
 * order into out; returns the list's length, or -1 on a GL error. */
int layout_debug_neighbours(layout *l, uint32_t v, uint32_t *out, int cap);

#endif
