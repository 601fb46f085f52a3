/* graph: address interning and the undirected edge set, written by one thread
 * and read by any.
 *
 * DESIGN: three open-addressing (linear probing) tables, owned by the writer
 * and never seen by readers: IPv4 slots hold the 32-bit address and the node
 * id inline (8 bytes), IPv6 slots hold a 32-bit hash tag and the node id (the
 * full address is compared in the node record only when the tag matches), and
 * edge slots hold the node-id pair and the edge id (12 bytes). A slot's id is
 * stored plus one, so a zero page is an empty table: tables come straight from
 * mmap (asked for huge pages) and need no initialisation. Tables double when
 * they pass 70% load.
 *
 * Reading a capture is mostly cache and TLB misses (nearly every address and
 * pair lookup lands somewhere new), so graph_add_batch works on blocks of
 * packets in stages: hash every address and prefetch its slot; intern the
 * addresses and prefetch the pair's slot and both node records; find or add
 * the pairs and prefetch the edge records; then update the counters. A packet
 * with the same pair as the one before it (flows) skips the lookups.
 *
 * Items live in chunks of GRAPH_CHUNK that never move; the writer's counts
 * become visible to readers in graph_publish (release), and counters are
 * relaxed atomics updated with a plain load and store (one writer, so no
 * locked read-modify-write is needed and none is paid for). */
#include "graph.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_LOAD_NUM 7 /* grow past 7/10 full */
#define MAX_LOAD_DEN 10
#define BLOCK 32       /* packets in flight through the prefetch stages */
#define HUGE_PAGE ((size_t)2 << 20)
#define SLAB_BYTES ((size_t)64 << 20) /* chunk slabs: virtual until written */
#define MAX_SLABS 4096
#define PREFAULT_AHEAD ((size_t)8 << 20) /* graph_prefault keeps this much ready */

typedef struct v4_slot {
    uint32_t addr; /* network byte order, as in ip_addr.bytes */
    uint32_t id1;  /* node id + 1; 0 = empty */
} v4_slot;

typedef struct v6_slot {
    uint32_t tag;  /* high 32 bits of the address's hash */
    uint32_t id1;
} v6_slot;

typedef struct edge_slot {
    uint32_t lo, hi; /* node ids, lo <= hi numerically (not the stored order) */
    uint32_t id1;
} edge_slot;

typedef struct table {
    void *slots;
    uint32_t bits;   /* capacity = 1 << bits */
    uint32_t count;
    uint32_t limit;  /* grow when count would pass this */
    size_t slot_size;
} table;

struct graph {
    /* Writer-owned (graph thread only). */
    table v4, v6, edges;
    uint32_t nodes_n, edges_n;     /* items written, published or not */
    ip_addr last_src, last_dst;    /* the last packet's pair ... */
    uint32_t last_s, last_d, last_e; /* ... and its ids; last_e == UINT32_MAX: none */

    /* Chunk directories: entries are written by the writer before the count
     * that covers them is published, so readers see them after their acquire. */
    graph_node **node_chunks;
    graph_edge **edge_chunks;
    uint32_t node_chunks_n, edge_chunks_n; /* writer-owned */
    uint8_t *slabs[MAX_SLABS];             /* writer-owned: chunk memory */
    uint32_t nslabs;
    uint8_t *slab;                         /* the slab being carved */
    size_t slab_used;

    /* The slab being carved and how far: written by the writer (relaxed),
     * read by the thread calling graph_prefault, which owns pf_*. */
    _Atomic(uint8_t *) carve_slab;
    _Atomic size_t carve_used;
    uint8_t *pf_slab;
    size_t pf_done;
    bool pf_off;

    /* Written by the writer with release, read by anyone with acquire. */
    _Atomic uint32_t pub_nodes, pub_edges;
    /* Written by the writer (relaxed), read by anyone for graph_memory. */
    _Atomic size_t mem;
};

/* --- small helpers --- */

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

static inline uint32_t load_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Equality of two addresses in three word compares (no memcmp call). */
static inline bool addr_same(const ip_addr *x, const ip_addr *y)
{
    uint64_t a[2], b[2];
    memcpy(a, x->bytes, 16);
    memcpy(b, y->bytes, 16);
    return x->family == y->family && a[0] == b[0] && a[1] == b[1];
}

/* addr_compare's order, <= 0, with big-endian word compares. */
static inline bool addr_le(const ip_addr *x, const ip_addr *y)
{
    if (x->family != y->family)
        return x->family < y->family;
    uint64_t a[2], b[2];
    memcpy(a, x->bytes, 16);
    memcpy(b, y->bytes, 16);
    a[0] = __builtin_bswap64(a[0]);
    b[0] = __builtin_bswap64(b[0]);
    if (a[0] != b[0])
        return a[0] < b[0];
    return __builtin_bswap64(a[1]) <= __builtin_bswap64(b[1]);
}

static inline uint64_t hash_v4(uint32_t a) { return mix64((uint64_t)a * 0x9e3779b97f4a7c15ULL + 4); }

static inline uint64_t hash_v6(const uint8_t *b)
{
    uint64_t x, y;
    memcpy(&x, b, 8);
    memcpy(&y, b + 8, 8);
    return mix64(x ^ mix64(y + 6));
}

static inline uint64_t hash_addr(const ip_addr *a)
{
    return a->family == ADDR_V4 ? hash_v4(load_u32(a->bytes)) : hash_v6(a->bytes);
}

static inline uint64_t hash_pair(uint32_t lo, uint32_t hi)
{
    return mix64(((uint64_t)lo << 32 | hi) + 0x9e3779b97f4a7c15ULL);
}

/* Plain load + store of a relaxed atomic: the single writer needs no RMW. */
#define BUMP(field, delta)                                                                \
    atomic_store_explicit(&(field),                                                       \
                          atomic_load_explicit(&(field), memory_order_relaxed) + (delta), \
                          memory_order_relaxed)
#define RLOAD(field) atomic_load_explicit(&(field), memory_order_relaxed)
#define RSTORE(field, v) atomic_store_explicit(&(field), (v), memory_order_relaxed)

static void mem_add(graph *g, ptrdiff_t delta)
{
    RSTORE(g->mem, (size_t)((ptrdiff_t)RLOAD(g->mem) + delta));
}

/* Zeroed memory from the kernel. Blocks of 2 MB or more are aligned to 2 MB
 * and asked to use huge pages: with nearly every access a TLB miss, that
 * matters as much as the cache misses, and it cuts page faults 512-fold. */
static void *big_alloc(size_t bytes)
{
    size_t extra = bytes >= HUGE_PAGE ? HUGE_PAGE : 0;
    uint8_t *p = mmap(NULL, bytes + extra, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (extra) {
        uint8_t *a = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
        if (a > p)
            munmap(p, (size_t)(a - p));
        if (a + bytes < p + bytes + extra)
            munmap(a + bytes, (size_t)(p + bytes + extra - (a + bytes)));
        p = a;
#ifdef MADV_HUGEPAGE
        madvise(p, bytes, MADV_HUGEPAGE);
#endif
    }
    return p;
}

static void big_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

/* Chunks are carved from slabs: large 2 MB-aligned reservations that only
 * cost memory where they are written. */
static void *chunk_alloc(graph *g, size_t bytes)
{
    bytes = (bytes + 63) & ~(size_t)63;
    if (!g->slab || g->slab_used + bytes > SLAB_BYTES) {
        if (g->nslabs == MAX_SLABS)
            return NULL;
        uint8_t *s = big_alloc(SLAB_BYTES);
        if (!s)
            return NULL;
        g->slabs[g->nslabs++] = s;
        g->slab = s;
        g->slab_used = 0;
    }
    void *c = g->slab + g->slab_used;
    g->slab_used += bytes;
    mem_add(g, (ptrdiff_t)bytes);
    RSTORE(g->carve_slab, g->slab);
    RSTORE(g->carve_used, g->slab_used);
    return c;
}

static size_t table_bytes(const table *t) { return t->slot_size << t->bits; }

static bool table_init(graph *g, table *t, size_t slot_size, uint32_t bits)
{
    t->slot_size = slot_size;
    t->bits = bits;
    t->count = 0;
    t->limit = (uint32_t)(((uint64_t)1 << bits) * MAX_LOAD_NUM / MAX_LOAD_DEN);
    t->slots = big_alloc(table_bytes(t));
    if (!t->slots)
        return false;
    mem_add(g, (ptrdiff_t)table_bytes(t));
    return true;
}

static inline size_t slot_index(uint64_t h, uint32_t bits) { return (size_t)(h >> (64 - bits)); }

/* --- chunked arrays --- */

static bool ensure_chunks(graph *g, uint32_t nodes_needed, uint32_t edges_needed)
{
    while (g->node_chunks_n * GRAPH_CHUNK < nodes_needed) {
        if (g->node_chunks_n == GRAPH_MAX_CHUNKS)
            return false;
        graph_node *c = chunk_alloc(g, sizeof(graph_node) * GRAPH_CHUNK);
        if (!c)
            return false;
        g->node_chunks[g->node_chunks_n++] = c;
    }
    while (g->edge_chunks_n * GRAPH_CHUNK < edges_needed) {
        if (g->edge_chunks_n == GRAPH_MAX_CHUNKS)
            return false;
        graph_edge *c = chunk_alloc(g, sizeof(graph_edge) * GRAPH_CHUNK);
        if (!c)
            return false;
        g->edge_chunks[g->edge_chunks_n++] = c;
    }
    return true;
}

static inline graph_node *node_ptr(const graph *g, uint32_t id)
{
    return &g->node_chunks[id >> GRAPH_CHUNK_BITS][id & (GRAPH_CHUNK - 1)];
}

static inline graph_edge *edge_ptr(const graph *g, uint32_t id)
{
    return &g->edge_chunks[id >> GRAPH_CHUNK_BITS][id & (GRAPH_CHUNK - 1)];
}

/* --- table growth --- */

static bool table_grow(graph *g, table *t, int kind)
{
    table n = *t;
    if (!table_init(g, &n, t->slot_size, t->bits + 1))
        return false;
    size_t cap = (size_t)1 << t->bits, mask = ((size_t)1 << n.bits) - 1;
    for (size_t i = 0; i < cap; i++) {
        if (kind == 4) {
            v4_slot s = ((v4_slot *)t->slots)[i];
            if (!s.id1)
                continue;
            size_t j = slot_index(hash_v4(s.addr), n.bits);
            while (((v4_slot *)n.slots)[j].id1)
                j = (j + 1) & mask;
            ((v4_slot *)n.slots)[j] = s;
        } else if (kind == 6) {
            v6_slot s = ((v6_slot *)t->slots)[i];
            if (!s.id1)
                continue;
            size_t j = s.tag >> (32 - n.bits);
            while (((v6_slot *)n.slots)[j].id1)
                j = (j + 1) & mask;
            ((v6_slot *)n.slots)[j] = s;
        } else {
            edge_slot s = ((edge_slot *)t->slots)[i];
            if (!s.id1)
                continue;
            size_t j = slot_index(hash_pair(s.lo, s.hi), n.bits);
            while (((edge_slot *)n.slots)[j].id1)
                j = (j + 1) & mask;
            ((edge_slot *)n.slots)[j] = s;
        }
    }
    n.count = t->count;
    mem_add(g, -(ptrdiff_t)table_bytes(t));
    big_free(t->slots, table_bytes(t));
    *t = n;
    return true;
}

/* Makes room for `more` insertions without growth in the middle of a block. */
static bool table_reserve(graph *g, table *t, int kind, uint32_t more)
{
    while ((uint64_t)t->count + more > t->limit)
        if (t->bits >= 32 || !table_grow(g, t, kind))
            return false;
    return true;
}

/* --- create / destroy --- */

graph *graph_create(void)
{
    graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->node_chunks = calloc(GRAPH_MAX_CHUNKS, sizeof *g->node_chunks);
    g->edge_chunks = calloc(GRAPH_MAX_CHUNKS, sizeof *g->edge_chunks);
    g->last_e = UINT32_MAX;
    if (!g->node_chunks || !g->edge_chunks || !table_init(g, &g->v4, sizeof(v4_slot), 12) ||
        !table_init(g, &g->v6, sizeof(v6_slot), 10) ||
        !table_init(g, &g->edges, sizeof(edge_slot), 12)) {
        graph_destroy(g);
        return NULL;
    }
    mem_add(g, (ptrdiff_t)(sizeof *g + 2 * GRAPH_MAX_CHUNKS * sizeof(void *)));
    return g;
}

void graph_destroy(graph *g)
{
    if (!g)
        return;
    big_free(g->v4.slots, g->v4.slots ? table_bytes(&g->v4) : 0);
    big_free(g->v6.slots, g->v6.slots ? table_bytes(&g->v6) : 0);
    big_free(g->edges.slots, g->edges.slots ? table_bytes(&g->edges) : 0);
    for (uint32_t i = 0; i < g->nslabs; i++)
        big_free(g->slabs[i], SLAB_BYTES);
    free(g->node_chunks);
    free(g->edge_chunks);
    free(g);
}

/* --- interning (writer) --- */

static inline void prefetch_addr_slot(const graph *g, const ip_addr *a, uint64_t h)
{
    if (a->family == ADDR_V4)
        __builtin_prefetch((const v4_slot *)g->v4.slots + slot_index(h, g->v4.bits), 1);
    else
        __builtin_prefetch((const v6_slot *)g->v6.slots + slot_index(h, g->v6.bits), 1);
}

static uint32_t node_new(graph *g, const ip_addr *a)
{
    uint32_t id = g->nodes_n++;
    graph_node *n = node_ptr(g, id);
    n->addr = *a;
    RSTORE(n->degree, 0);
    RSTORE(n->packets, 0);
    RSTORE(n->bytes, 0);
    RSTORE(n->first_ns, INT64_MAX);
    RSTORE(n->last_ns, INT64_MIN);
    return id;
}

/* Finds or adds a; the caller reserved room in the table and the chunks. */
static inline uint32_t intern(graph *g, const ip_addr *a, uint64_t h)
{
    if (a->family == ADDR_V4) {
        uint32_t key = load_u32(a->bytes);
        v4_slot *s = g->v4.slots;
        size_t mask = ((size_t)1 << g->v4.bits) - 1, i = slot_index(h, g->v4.bits);
        for (;; i = (i + 1) & mask) {
            if (!s[i].id1) {
                uint32_t id = node_new(g, a);
                s[i].addr = key;
                s[i].id1 = id + 1;
                g->v4.count++;
                return id;
            }
            if (s[i].addr == key)
                return s[i].id1 - 1;
        }
    }
    uint32_t tag = (uint32_t)(h >> 32);
    v6_slot *s = g->v6.slots;
    size_t mask = ((size_t)1 << g->v6.bits) - 1, i = slot_index(h, g->v6.bits);
    for (;; i = (i + 1) & mask) {
        if (!s[i].id1) {
            uint32_t id = node_new(g, a);
            s[i].tag = tag;
            s[i].id1 = id + 1;
            g->v6.count++;
            return id;
        }
        if (s[i].tag == tag && addr_same(&node_ptr(g, s[i].id1 - 1)->addr, a))
            return s[i].id1 - 1;
    }
}

/* Finds or adds the pair {s, d}; room reserved by the caller. */
static inline uint32_t intern_pair(graph *g, uint32_t s, uint32_t d, uint64_t h)
{
    uint32_t lo = s < d ? s : d, hi = s < d ? d : s;
    edge_slot *t = g->edges.slots;
    size_t mask = ((size_t)1 << g->edges.bits) - 1, i = slot_index(h, g->edges.bits);
    for (;; i = (i + 1) & mask) {
        if (!t[i].id1)
            break;
        if (t[i].lo == lo && t[i].hi == hi)
            return t[i].id1 - 1;
    }
    uint32_t id = g->edges_n++;
    t[i].lo = lo;
    t[i].hi = hi;
    t[i].id1 = id + 1;
    g->edges.count++;
    graph_node *nl = node_ptr(g, lo), *nh = node_ptr(g, hi);
    graph_edge *e = edge_ptr(g, id);
    if (addr_le(&nl->addr, &nh->addr)) {
        e->a = lo;
        e->b = hi;
    } else {
        e->a = hi;
        e->b = lo;
    }
    RSTORE(e->packets, 0);
    RSTORE(e->bytes, 0);
    RSTORE(e->first_ns, INT64_MAX);
    RSTORE(e->last_ns, INT64_MIN);
    if (lo == hi) {
        BUMP(nl->degree, 2);
    } else {
        BUMP(nl->degree, 1);
        BUMP(nh->degree, 1);
    }
    return id;
}

static inline void node_count(graph_node *n, uint32_t len, int64_t ts)
{
    BUMP(n->packets, 1);
    BUMP(n->bytes, len);
    if (ts < RLOAD(n->first_ns))
        RSTORE(n->first_ns, ts);
    if (ts > RLOAD(n->last_ns))
        RSTORE(n->last_ns, ts);
}

static inline void edge_count(graph_edge *e, uint32_t len, int64_t ts)
{
    BUMP(e->packets, 1);
    BUMP(e->bytes, len);
    if (ts < RLOAD(e->first_ns))
        RSTORE(e->first_ns, ts);
    if (ts > RLOAD(e->last_ns))
        RSTORE(e->last_ns, ts);
}

static inline bool same_pair(const graph_packet *p, const ip_addr *s, const ip_addr *d)
{
    return (addr_same(&p->src, s) && addr_same(&p->dst, d)) ||
           (addr_same(&p->src, d) && addr_same(&p->dst, s));
}

/* One block of at most BLOCK packets, in stages (see the file comment). */
static bool add_block(graph *g, const graph_packet *p, size_t n)
{
    uint64_t hs[BLOCK], hd[BLOCK], he[BLOCK];
    uint32_t s[BLOCK], d[BLOCK], e[BLOCK];
    bool rep[BLOCK];
    uint32_t new4 = 0, new6 = 0;

    /* Room first, so nothing grows or fails half-way through the block. */
    for (size_t i = 0; i < n; i++) {
        new4 += (p[i].src.family == ADDR_V4) + (p[i].dst.family == ADDR_V4);
        new6 += (p[i].src.family != ADDR_V4) + (p[i].dst.family != ADDR_V4);
    }
    if (!table_reserve(g, &g->v4, 4, new4) || !table_reserve(g, &g->v6, 6, new6) ||
        !table_reserve(g, &g->edges, 0, (uint32_t)n) ||
        !ensure_chunks(g, g->nodes_n + 2 * (uint32_t)n, g->edges_n + (uint32_t)n))
        return false;

    /* 1: hash the addresses, prefetch their slots. */
    for (size_t i = 0; i < n; i++) {
        const ip_addr *ps = i ? &p[i - 1].src : &g->last_src;
        const ip_addr *pd = i ? &p[i - 1].dst : &g->last_dst;
        rep[i] = (i || g->last_e != UINT32_MAX) && same_pair(&p[i], ps, pd);
        if (rep[i])
            continue;
        hs[i] = hash_addr(&p[i].src);
        hd[i] = hash_addr(&p[i].dst);
        prefetch_addr_slot(g, &p[i].src, hs[i]);
        prefetch_addr_slot(g, &p[i].dst, hd[i]);
    }
    /* 2: intern the addresses, prefetch the pair's slot and the node records. */
    for (size_t i = 0; i < n; i++) {
        if (rep[i]) {
            s[i] = i ? s[i - 1] : g->last_s;
            d[i] = i ? d[i - 1] : g->last_d;
            continue;
        }
        s[i] = intern(g, &p[i].src, hs[i]);
        d[i] = intern(g, &p[i].dst, hd[i]);
        uint32_t lo = s[i] < d[i] ? s[i] : d[i], hi = s[i] ^ d[i] ^ lo;
        he[i] = hash_pair(lo, hi);
        __builtin_prefetch((const edge_slot *)g->edges.slots + slot_index(he[i], g->edges.bits), 1);
        __builtin_prefetch(node_ptr(g, s[i]), 1);
        __builtin_prefetch(node_ptr(g, d[i]), 1);
    }
    /* 3: find or add the pairs, prefetch the edge records. */
    for (size_t i = 0; i < n; i++) {
        if (rep[i]) {
            e[i] = i ? e[i - 1] : g->last_e;
            continue;
        }
        e[i] = intern_pair(g, s[i], d[i], he[i]);
        const char *er = (const char *)edge_ptr(g, e[i]);
        __builtin_prefetch(er, 1);
        __builtin_prefetch(er + sizeof(graph_edge) - 1, 1); /* records straddle lines */
    }
    /* 4: counters. */
    for (size_t i = 0; i < n; i++) {
        uint32_t len = p[i].len;
        int64_t ts = p[i].ts_ns;
        node_count(node_ptr(g, s[i]), len, ts);
        if (d[i] != s[i])
            node_count(node_ptr(g, d[i]), len, ts);
        edge_count(edge_ptr(g, e[i]), len, ts);
    }
    g->last_src = p[n - 1].src;
    g->last_dst = p[n - 1].dst;
    g->last_s = s[n - 1];
    g->last_d = d[n - 1];
    g->last_e = e[n - 1];
    return true;
}

bool graph_add_batch(graph *g, const graph_packet *pkts, size_t n)
{
    for (size_t i = 0; i < n; i += BLOCK)
        if (!add_block(g, pkts + i, n - i < BLOCK ? n - i : BLOCK))
            return false;
    return true;
}

bool graph_add_packet(graph *g, const ip_addr *src, const ip_addr *dst, uint32_t len,
                      int64_t ts_ns)
{
    graph_packet p = {.src = *src, .dst = *dst, .len = len, .ts_ns = ts_ns};
    return add_block(g, &p, 1);
}

void graph_publish(graph *g)
{
    atomic_store_explicit(&g->pub_nodes, g->nodes_n, memory_order_release);
    atomic_store_explicit(&g->pub_edges, g->edges_n, memory_order_release);
}

/* --- readers --- */

uint32_t graph_node_count(const graph *g)
{
    return atomic_load_explicit(&g->pub_nodes, memory_order_acquire);
}

uint32_t graph_edge_count(const graph *g)
{
    return atomic_load_explicit(&g->pub_edges, memory_order_acquire);
}

const graph_node *graph_node_at(const graph *g, uint32_t id) { return node_ptr(g, id); }

const graph_edge *graph_edge_at(const graph *g, uint32_t id) { return edge_ptr(g, id); }

uint32_t graph_find(const graph *g, const ip_addr *addr)
{
    uint32_t n = graph_node_count(g);
    for (uint32_t c = 0; c * GRAPH_CHUNK < n; c++) {
        const graph_node *chunk = g->node_chunks[c];
        uint32_t m = n - c * GRAPH_CHUNK < GRAPH_CHUNK ? n - c * GRAPH_CHUNK : GRAPH_CHUNK;
        for (uint32_t i = 0; i < m; i++)
            if (chunk[i].addr.family == addr->family &&
                memcmp(chunk[i].addr.bytes, addr->bytes, 16) == 0)
                return c * GRAPH_CHUNK + i;
    }
    return UINT32_MAX;
}

void graph_prefault(graph *g)
{
#ifdef MADV_POPULATE_WRITE
    uint8_t *slab = RLOAD(g->carve_slab);
    if (g->pf_off || !slab)
        return;
    /* Slabs are only freed by graph_destroy, so slab stays valid; pages the
     * writer has touched already are left as they are by the kernel. */
    size_t used = RLOAD(g->carve_used);
    if (slab != g->pf_slab) {
        g->pf_slab = slab;
        g->pf_done = used & ~(HUGE_PAGE - 1);
    }
    size_t want = used + PREFAULT_AHEAD < SLAB_BYTES ? used + PREFAULT_AHEAD : SLAB_BYTES;
    if (g->pf_done < want) {
        if (madvise(slab + g->pf_done, want - g->pf_done, MADV_POPULATE_WRITE) != 0)
            g->pf_off = true; /* older kernel: the writer faults its pages in itself */
        g->pf_done = want;
    }
#else
    (void)g;
#endif
}

size_t graph_memory(const graph *g) { return RLOAD(((graph *)g)->mem); }
