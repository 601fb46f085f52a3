/* test_graph: the graph module against a sort-based reference, and the
 * writer/reader hand-off with a consumer thread reading while packets go in.
 *
 * The reference shares no code with graph.c: it sorts every (address, packet)
 * and (pair, packet) occurrence and groups them, so ids (first appearance),
 * counters, degrees and times are computed a different way. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "util.h"

/* --- deterministic random packets --- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = (rng_state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Address number k of a pool: mostly IPv4, every 16th IPv6; some v4 addresses
 * differ only in their first byte, some v6 only in their last. */
static ip_addr pool_addr(uint32_t k)
{
    uint8_t b[16] = {0};
    if (k % 16 == 5) {
        b[0] = 0x20;
        b[1] = 0x01;
        b[2] = 0x0d;
        b[3] = 0xb8;
        b[14] = (uint8_t)(k >> 8);
        b[15] = (uint8_t)k;
        b[9] = (uint8_t)(k >> 16);
        return addr_v6(b);
    }
    b[0] = (uint8_t)(k % 7 == 0 ? k >> 16 : 10);
    b[1] = (uint8_t)(k >> 16);
    b[2] = (uint8_t)(k >> 8);
    b[3] = (uint8_t)k;
    return addr_v4(b);
}

static void make_packets(graph_packet *p, size_t n, uint32_t pool)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rnd();
        if (i && r % 4 == 0) { /* same flow again, either direction */
            p[i] = p[i - 1];
            if (r & 16) {
                ip_addr t = p[i].src;
                p[i].src = p[i].dst;
                p[i].dst = t;
            }
        } else {
            /* heavy-ish tail: square the uniform draw */
            uint64_t u = rnd() % pool, v = rnd() % pool;
            uint32_t a = (uint32_t)(u * u / pool), b2 = (uint32_t)v;
            p[i].src = pool_addr(a);
            p[i].dst = r % 97 == 0 ? p[i].src : pool_addr(b2); /* self-pairs */
        }
        p[i].len = 40 + (uint32_t)(rnd() % 1460);
        p[i].ts_ns = 1000000000LL + (int64_t)(rnd() % 100000000); /* unordered times */
    }
}

/* --- the reference --- */

typedef struct occ {
    ip_addr a, b; /* b unused for nodes */
    size_t pkt;
} occ;

static int cmp_node_occ(const void *x, const void *y)
{
    const occ *p = x, *q = y;
    int c = addr_compare(&p->a, &q->a);
    return c ? c : (p->pkt > q->pkt) - (p->pkt < q->pkt);
}

static int cmp_edge_occ(const void *x, const void *y)
{
    const occ *p = x, *q = y;
    int c = addr_compare(&p->a, &q->a);
    if (!c)
        c = addr_compare(&p->b, &q->b);
    return c ? c : (p->pkt > q->pkt) - (p->pkt < q->pkt);
}

typedef struct ref_item {
    ip_addr a, b;
    size_t first_pkt;
    int first_slot; /* src (0) before dst (1) within the first packet */
    uint64_t packets, bytes;
    int64_t first, last;
    uint32_t degree;
} ref_item;

static int cmp_first(const void *x, const void *y)
{
    const ref_item *p = x, *q = y;
    if (p->first_pkt != q->first_pkt)
        return p->first_pkt < q->first_pkt ? -1 : 1;
    return p->first_slot - q->first_slot;
}

static int cmp_addr_item(const void *x, const void *y)
{
    return addr_compare(&((const ref_item *)x)->a, &((const ref_item *)y)->a);
}

/* Expected nodes (in id order) and edges (in id order). */
static void reference(const graph_packet *p, size_t n, ref_item **nodes_out, size_t *nn,
                      ref_item **edges_out, size_t *ne)
{
    occ *o = malloc(sizeof *o * 2 * n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        o[k++] = (occ){.a = p[i].src, .pkt = 2 * i};
        if (!addr_equal(&p[i].src, &p[i].dst))
            o[k++] = (occ){.a = p[i].dst, .pkt = 2 * i + 1};
    }
    qsort(o, k, sizeof *o, cmp_node_occ);
    ref_item *nodes = calloc(k + 1, sizeof *nodes);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        const graph_packet *q = &p[o[i].pkt / 2];
        if (!i || !addr_equal(&o[i].a, &o[i - 1].a))
            nodes[m++] = (ref_item){.a = o[i].a, .first_pkt = o[i].pkt / 2,
                                    .first_slot = (int)(o[i].pkt % 2), .first = INT64_MAX,
                                    .last = INT64_MIN};
        ref_item *r = &nodes[m - 1];
        r->packets++;
        r->bytes += q->len;
        if (q->ts_ns < r->first)
            r->first = q->ts_ns;
        if (q->ts_ns > r->last)
            r->last = q->ts_ns;
    }
    k = 0;
    for (size_t i = 0; i < n; i++) {
        bool lo_src = addr_compare(&p[i].src, &p[i].dst) <= 0;
        o[k++] = (occ){.a = lo_src ? p[i].src : p[i].dst, .b = lo_src ? p[i].dst : p[i].src,
                       .pkt = i};
    }
    qsort(o, k, sizeof *o, cmp_edge_occ);
    ref_item *edges = calloc(k + 1, sizeof *edges);
    size_t me = 0;
    for (size_t i = 0; i < k; i++) {
        const graph_packet *q = &p[o[i].pkt];
        if (!i || !addr_equal(&o[i].a, &o[i - 1].a) || !addr_equal(&o[i].b, &o[i - 1].b))
            edges[me++] = (ref_item){.a = o[i].a, .b = o[i].b, .first_pkt = o[i].pkt,
                                     .first = INT64_MAX, .last = INT64_MIN};
        ref_item *r = &edges[me - 1];
        r->packets++;
        r->bytes += q->len;
        if (q->ts_ns < r->first)
            r->first = q->ts_ns;
        if (q->ts_ns > r->last)
            r->last = q->ts_ns;
    }
    /* degrees: nodes are sorted by address here, so bsearch them */
    for (size_t i = 0; i < me; i++) {
        ref_item key = {.a = edges[i].a};
        ref_item *x = bsearch(&key, nodes, m, sizeof *nodes, cmp_addr_item);
        key.a = edges[i].b;
        ref_item *y = bsearch(&key, nodes, m, sizeof *nodes, cmp_addr_item);
        x->degree++;
        y->degree++; /* a self-pair counts 2 */
    }
    qsort(nodes, m, sizeof *nodes, cmp_first);
    qsort(edges, me, sizeof *edges, cmp_first);
    free(o);
    *nodes_out = nodes;
    *nn = m;
    *edges_out = edges;
    *ne = me;
}

#define LD(x) atomic_load_explicit(&(x), memory_order_relaxed)

/* Compares the whole published graph with the reference; stops after a few
 * mismatches so a failure stays readable. */
static void compare(const graph *g, const graph_packet *p, size_t n)
{
    ref_item *rn, *re;
    size_t nn, ne;
    reference(p, n, &rn, &nn, &re, &ne);
    CHECK_INT(graph_node_count(g), nn);
    CHECK_INT(graph_edge_count(g), ne);
    int bad = test_failures;
    for (size_t i = 0; i < nn && i < graph_node_count(g) && test_failures - bad < 5; i++) {
        const graph_node *x = graph_node_at(g, (uint32_t)i);
        char s1[ADDR_STRLEN], s2[ADDR_STRLEN];
        if (!addr_equal(&x->addr, &rn[i].a)) {
            fprintf(stderr, "node %zu: expected %s, got %s\n", i, addr_format(&rn[i].a, s1),
                    addr_format(&x->addr, s2));
            test_failures++;
            continue;
        }
        CHECK_INT(LD(x->packets), rn[i].packets);
        CHECK_INT(LD(x->bytes), rn[i].bytes);
        CHECK_INT(LD(x->degree), rn[i].degree);
        CHECK_INT(LD(x->first_ns), rn[i].first);
        CHECK_INT(LD(x->last_ns), rn[i].last);
        if (i % 211 == 0 || i + 1 == nn) /* graph_find scans: sample it */
            CHECK_INT(graph_find(g, &rn[i].a), i);
    }
    for (size_t i = 0; i < ne && i < graph_edge_count(g) && test_failures - bad < 5; i++) {
        const graph_edge *e = graph_edge_at(g, (uint32_t)i);
        const ip_addr *a = &graph_node_at(g, e->a)->addr, *b = &graph_node_at(g, e->b)->addr;
        if (!addr_equal(a, &re[i].a) || !addr_equal(b, &re[i].b)) {
            char s1[ADDR_STRLEN], s2[ADDR_STRLEN], s3[ADDR_STRLEN], s4[ADDR_STRLEN];
            fprintf(stderr, "edge %zu: expected %s-%s, got %s-%s\n", i,
                    addr_format(&re[i].a, s1), addr_format(&re[i].b, s2), addr_format(a, s3),
                    addr_format(b, s4));
            test_failures++;
            continue;
        }
        CHECK_INT(LD(e->packets), re[i].packets);
        CHECK_INT(LD(e->bytes), re[i].bytes);
        CHECK_INT(LD(e->first_ns), re[i].first);
        CHECK_INT(LD(e->last_ns), re[i].last);
    }
    ip_addr absent = pool_addr(0xffffff);
    CHECK_INT(graph_find(g, &absent), UINT32_MAX);
    free(rn);
    free(re);
}

/* Small hand-made case: the rules spelled out. */
static void test_rules(void)
{
    graph *g = graph_create();
    ip_addr a, b, c6;
    addr_parse("10.0.0.2", &a);
    addr_parse("9.0.0.1", &b);
    addr_parse("::1", &c6);
    CHECK(graph_add_packet(g, &a, &b, 100, 50));
    CHECK(graph_add_packet(g, &b, &a, 10, 20));
    CHECK(graph_add_packet(g, &a, &a, 1, 70));
    CHECK(graph_add_packet(g, &c6, &b, 5, 30));
    CHECK_INT(graph_node_count(g), 0); /* nothing visible before publish */
    graph_publish(g);
    CHECK_INT(graph_node_count(g), 3);
    CHECK_INT(graph_edge_count(g), 3);
    const graph_node *na = graph_node_at(g, 0), *nb = graph_node_at(g, 1);
    CHECK(addr_equal(&na->addr, &a));
    CHECK_INT(LD(na->packets), 3); /* the self-pair packet counts once */
    CHECK_INT(LD(na->bytes), 111);
    CHECK_INT(LD(na->degree), 3); /* b, and itself counting 2 */
    CHECK_INT(LD(nb->degree), 2);
    CHECK_INT(LD(na->first_ns), 20);
    CHECK_INT(LD(na->last_ns), 70);
    const graph_edge *e0 = graph_edge_at(g, 0), *e2 = graph_edge_at(g, 2);
    CHECK_INT(e0->a, 1); /* 9.0.0.1 < 10.0.0.2 */
    CHECK_INT(e0->b, 0);
    CHECK_INT(LD(e0->packets), 2);
    CHECK_INT(LD(e0->first_ns), 20);
    CHECK_INT(LD(e0->last_ns), 50);
    CHECK_INT(e2->a, 1); /* IPv4 sorts before IPv6 */
    CHECK_INT(e2->b, 2);
    CHECK(graph_memory(g) > 0);
    graph_destroy(g);
    graph_destroy(NULL);
}

/* Many packets in batches of random sizes, across many table resizes and
 * several chunks. */
static void test_exact(void)
{
    rng_state = 1;
    size_t n = 400000;
    graph_packet *p = malloc(sizeof *p * n);
    make_packets(p, n, 150000);
    graph *g = graph_create();
    size_t i = 0;
    while (i < n) {
        size_t k = 1 + rnd() % 300;
        if (k > n - i)
            k = n - i;
        if (k == 1)
            CHECK(graph_add_packet(g, &p[i].src, &p[i].dst, p[i].len, p[i].ts_ns));
        else
            CHECK(graph_add_batch(g, p + i, k));
        i += k;
        if (rnd() % 8 == 0)
            graph_publish(g);
    }
    graph_publish(g);
    CHECK(graph_node_count(g) > GRAPH_CHUNK); /* crosses a chunk */
    CHECK(graph_edge_count(g) > 2 * GRAPH_CHUNK);
    compare(g, p, n);
    graph_destroy(g);
    free(p);
}

/* --- consumer thread --- */

typedef struct shared {
    graph *g;
    _Atomic bool stop;
    _Atomic long checks;
} shared;

static void *consumer(void *arg)
{
    shared *sh = arg;
    const graph *g = sh->g;
    uint32_t seen_n = 0, seen_e = 0;
    uint64_t last_pk0 = 0;
    long checks = 0;
    int errors = 0;
    for (;;) {
        bool stopping = atomic_load(&sh->stop);
        uint32_t ne = graph_edge_count(g); /* edges first: their nodes are published too */
        uint32_t nn = graph_node_count(g);
        if (nn < seen_n || ne < seen_e) {
            fprintf(stderr, "counts went back: %u->%u nodes, %u->%u edges\n", seen_n, nn,
                    seen_e, ne);
            errors++;
        }
        for (uint32_t i = seen_n; i < nn && errors < 5; i++) {
            const graph_node *x = graph_node_at(g, i);
            bool v4ok = x->addr.family == ADDR_V4;
            for (int k = 4; k < 16 && v4ok; k++)
                v4ok = x->addr.bytes[k] == 0;
            if (!(v4ok || x->addr.family == ADDR_V6) || LD(x->packets) == 0 ||
                LD(x->first_ns) > LD(x->last_ns)) {
                fprintf(stderr, "node %u half-written: family %d packets %llu\n", i,
                        x->addr.family, (unsigned long long)LD(x->packets));
                errors++;
            }
            checks++;
        }
        for (uint32_t i = seen_e; i < ne && errors < 5; i++) {
            const graph_edge *e = graph_edge_at(g, i);
            if (e->a >= nn || e->b >= nn ||
                addr_compare(&graph_node_at(g, e->a)->addr, &graph_node_at(g, e->b)->addr) > 0 ||
                LD(e->packets) == 0) {
                fprintf(stderr, "edge %u half-written: %u-%u of %u nodes\n", i, e->a, e->b, nn);
                errors++;
            }
            checks++;
        }
        if (nn) {
            uint64_t pk = LD(graph_node_at(g, 0)->packets);
            if (pk < last_pk0) {
                fprintf(stderr, "node 0 packets went back: %llu -> %llu\n",
                        (unsigned long long)last_pk0, (unsigned long long)pk);
                errors++;
            }
            last_pk0 = pk;
        }
        graph_prefault(sh->g); /* this thread is also the prefaulting one */
        seen_n = nn;
        seen_e = ne;
        if (stopping || errors >= 5)
            break;
    }
    atomic_store(&sh->checks, errors ? -errors : checks);
    return NULL;
}

static void test_concurrent(void)
{
    rng_state = 7;
    size_t n = 300000;
    graph_packet *p = malloc(sizeof *p * n);
    make_packets(p, n, 80000);
    shared sh = {.g = graph_create()};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, consumer, &sh) == 0);
    for (size_t i = 0; i < n; i += 997) {
        size_t k = n - i < 997 ? n - i : 997;
        CHECK(graph_add_batch(sh.g, p + i, k));
        graph_publish(sh.g);
    }
    atomic_store(&sh.stop, true);
    pthread_join(t, NULL);
    long checks = atomic_load(&sh.checks);
    if (checks < 0) {
        fprintf(stderr, "consumer saw %ld errors\n", -checks);
        test_failures++;
    }
    CHECK_INT(checks, (long long)graph_node_count(sh.g) + graph_edge_count(sh.g));
    compare(sh.g, p, n);
    graph_destroy(sh.g);
    free(p);
}

int main(void)
{
    test_rules();
    test_exact();
    test_concurrent();
    return test_result();
}
