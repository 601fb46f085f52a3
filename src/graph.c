/* graph: STUB, replaced by the graph module's implementation. */
#include "graph.h"
#include <stdlib.h>
struct graph { int unused; };
graph *graph_create(void) { return calloc(1, sizeof(graph)); }
void graph_destroy(graph *g) { free(g); }
bool graph_add_packet(graph *g, const ip_addr *src, const ip_addr *dst, uint32_t len, int64_t ts_ns)
{ (void)g; (void)src; (void)dst; (void)len; (void)ts_ns; return false; }
bool graph_add_batch(graph *g, const graph_packet *pkts, size_t n) { (void)g; (void)pkts; (void)n; return false; }
void graph_publish(graph *g) { (void)g; }
uint32_t graph_node_count(const graph *g) { (void)g; return 0; }
uint32_t graph_edge_count(const graph *g) { (void)g; return 0; }
const graph_node *graph_node_at(const graph *g, uint32_t id) { (void)g; (void)id; return NULL; }
const graph_edge *graph_edge_at(const graph *g, uint32_t id) { (void)g; (void)id; return NULL; }
uint32_t graph_find(const graph *g, const ip_addr *addr) { (void)g; (void)addr; return UINT32_MAX; }
size_t graph_memory(const graph *g) { (void)g; return 0; }
