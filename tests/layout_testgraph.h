/* Generated graphs for the layout tests and benchmark: planted communities
 * (dense inside, sparse between), a few hubs with leaves as in IP captures,
 * and some isolated nodes. Deterministic for a seed. */
#ifndef IPVIZ_LAYOUT_TESTGRAPH_H
#define IPVIZ_LAYOUT_TESTGRAPH_H

#include <stdint.h>
#include <stdlib.h>

static inline uint64_t tg_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ull;
    uint64_t x = *s;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Fills *edges (malloc'd, 2 per edge) with about m edges on n nodes; returns
 * the edge count. Nodes >= n - n/50 are isolated. */
static inline uint32_t tg_graph(uint32_t n, uint32_t m, uint64_t seed, uint32_t **edges)
{
    uint32_t *e = malloc((size_t)m * 8 + 8);
    uint32_t live = n - n / 50, comm = live / 40 + 1, k = 0;
    uint64_t s = seed;
    /* a spanning tree inside each community keeps it connected */
    for (uint32_t v = 1; v < live && k < m; v++)
        if (v % comm) {
            e[2 * k] = v;
            e[2 * k + 1] = v - 1 - (uint32_t)(tg_next(&s) % (v % comm));
            k++;
        }
    while (k < m) {
        uint32_t a = (uint32_t)(tg_next(&s) % live), b;
        uint64_t r = tg_next(&s) % 100;
        if (r < 85)
            b = a / comm * comm + (uint32_t)(tg_next(&s) % comm);
        else if (r < 95)
            b = (uint32_t)(tg_next(&s) % 8) * comm; /* hubs */
        else
            b = (uint32_t)(tg_next(&s) % live);
        if (b >= live || a == b)
            continue;
        e[2 * k] = a;
        e[2 * k + 1] = b;
        k++;
    }
    *edges = e;
    return k;
}

#endif
