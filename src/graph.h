/* graph: the undirected IP connection graph, built by one writer thread while
 * other threads read it.
 *
 * DESIGN: nodes and edges live in append-only chunked arrays whose items never
 * move (chunks of GRAPH_CHUNK items, a fixed directory of chunk pointers), so a
 * reader can hold a pointer to an item forever. The writer (the loader's graph
 * thread) fills new items, then publishes the new counts with a release store;
 * readers load the counts with acquire and may read every item below them.
 * Identity fields (addresses, endpoints) never change after publication; the
 * counters keep changing and are relaxed atomics: a reader sees some recent
 * value, never a torn one. Node and edge ids are dense, in order of first
 * appearance, so "the new tail" is the id range [old count, new count).
 *
 * Interning uses open-addressing tables owned by the writer alone: IPv4
 * addresses are keyed by their 32 bits inline in the slot, IPv6 by a 32-bit
 * hash tag plus the node record; edges by the node-id pair inline. Memory is
 * proportional to the graph, not to the number of packets.
 *
 * Threads: graph_add_* and graph_publish only from the one writer thread;
 * everything else from any thread. */
#ifndef IPVIZ_GRAPH_H
#define IPVIZ_GRAPH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define GRAPH_CHUNK_BITS 16
#define GRAPH_CHUNK ((uint32_t)1 << GRAPH_CHUNK_BITS)
#define GRAPH_MAX_CHUNKS ((uint32_t)1 << 16)

/* Writer: the graph thread. Readers: any, after an acquire load of the count.
 * A node fills one 64-byte cache line (aligned), so updating it costs one miss. */
typedef struct graph_node {
    _Alignas(64) ip_addr addr;   /* immutable once published */
    _Atomic uint32_t degree;     /* distinct neighbours; a self-pair counts 2 (as networkx) */
    _Atomic uint64_t packets;    /* packets with this address as source or destination */
    _Atomic uint64_t bytes;      /* sum of their original lengths */
    _Atomic int64_t first_ns;    /* earliest and latest packet timestamp */
    _Atomic int64_t last_ns;
} graph_node;

typedef struct graph_edge {
    uint32_t a, b;               /* node ids; addr(a) <= addr(b) in (family, bytes) order; immutable */
    _Atomic uint64_t packets;    /* packets between a and b, either direction */
    _Atomic uint64_t bytes;
    _Atomic int64_t first_ns;
    _Atomic int64_t last_ns;
} graph_edge;

typedef struct graph graph;

graph *graph_create(void);
void graph_destroy(graph *g); /* accepts NULL */

/* --- writer side (one thread) --- */

/* One packet between src and dst (src may equal dst). Interns both addresses
 * and the pair, and adds len bytes and the timestamp to the node and edge
 * counters. New items are invisible to readers until graph_publish.
 * Returns false only when memory runs out (then the graph is unchanged). */
bool graph_add_packet(graph *g, const ip_addr *src, const ip_addr *dst, uint32_t len,
                      int64_t ts_ns);

/* The same for n packets; faster (prefetches table slots a batch ahead). */
typedef struct graph_packet {
    ip_addr src, dst;
    uint32_t len;
    int64_t ts_ns;
} graph_packet;
bool graph_add_batch(graph *g, const graph_packet *pkts, size_t n);

/* Optional, from one thread other than the writer (the loader's reader
 * thread, which has time to spare): asks the kernel to fault in and zero the
 * chunk memory the writer will fill next, so that cost leaves the writer's
 * thread. Changes nothing a reader can see. */
void graph_prefault(graph *g);

/* Makes everything added so far visible to readers (release stores). */
void graph_publish(graph *g);

/* --- reader side (any thread) --- */

uint32_t graph_node_count(const graph *g); /* acquire */
uint32_t graph_edge_count(const graph *g); /* acquire */
/* id must be below a count this thread loaded. */
const graph_node *graph_node_at(const graph *g, uint32_t id);
const graph_edge *graph_edge_at(const graph *g, uint32_t id);

/* Finds a published node by address (linear in the worst case only for
 * readers other than the writer: they scan; the writer uses its table).
 * Returns UINT32_MAX when absent. Safe from any thread. */
uint32_t graph_find(const graph *g, const ip_addr *addr);

/* Bytes of memory the graph holds (tables and arrays), for --stats. */
size_t graph_memory(const graph *g);

#endif
