/* layout: STUB, replaced by the layout module's implementation. */
#include "layout.h"
layout *layout_create(const layout_params *params) { (void)params; return NULL; }
void layout_destroy(layout *l) { (void)l; }
bool layout_sync(layout *l, const graph *g) { (void)l; (void)g; return false; }
int layout_step(layout *l, int steps) { (void)l; (void)steps; return 0; }
bool layout_converged(const layout *l) { (void)l; return false; }
void layout_set_paused(layout *l, bool paused) { (void)l; (void)paused; }
bool layout_paused(const layout *l) { (void)l; return false; }
void layout_reheat(layout *l) { (void)l; }
void layout_pin(layout *l, uint32_t node, const float xyz[3]) { (void)l; (void)node; (void)xyz; }
void layout_unpin(layout *l, uint32_t node) { (void)l; (void)node; }
uint32_t layout_node_count(const layout *l) { (void)l; return 0; }
uint32_t layout_edge_count(const layout *l) { (void)l; return 0; }
GLuint layout_position_buffer(const layout *l) { (void)l; return 0; }
GLuint layout_edge_buffer(const layout *l) { (void)l; return 0; }
bool layout_read_positions(layout *l, float *out, int dims) { (void)l; (void)out; (void)dims; return false; }
