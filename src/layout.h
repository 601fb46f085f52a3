/* layout: Fruchterman-Reingold in OpenGL compute shaders.
 *
 * Owns the GPU buffers the renderer draws from: positions (vec4 per node: xyz,
 * w unused) and edges (uvec2 per edge, node ids). The CPU never reads
 * positions back except for export, picking and screenshots.
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

/* Zero fields take the defaults of layout_params (see layout_ref.h). */
layout *layout_create(const layout_params *params);
void layout_destroy(layout *l); /* accepts NULL */

/* Uploads nodes and edges the graph published since the last call (the tail
 * only), placing new nodes near a placed neighbour and re-warming the
 * temperature. Never blocks on the loader. Returns false on GL errors. */
bool layout_sync(layout *l, const graph *g);

/* Runs up to `steps` iterations; returns the number run (fewer when the layout
 * has converged, or the iteration budget of params.iterations is spent). */
int layout_step(layout *l, int steps);

bool layout_converged(const layout *l);
void layout_set_paused(layout *l, bool paused);
bool layout_paused(const layout *l);
void layout_reheat(layout *l);
void layout_pin(layout *l, uint32_t node, const float xyz[3]); /* moves and pins */
void layout_unpin(layout *l, uint32_t node);

uint32_t layout_node_count(const layout *l);
uint32_t layout_edge_count(const layout *l);
GLuint layout_position_buffer(const layout *l); /* vec4 per node */
GLuint layout_edge_buffer(const layout *l);     /* uvec2 per edge */

/* Copies node_count * dims floats to out (export, picking, screenshots). */
bool layout_read_positions(layout *l, float *out, int dims);

#endif
