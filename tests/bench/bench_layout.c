/* bench_layout: time per iteration and layout quality of the GPU solver
 * against igraph's C Fruchterman-Reingold (grid variant) and networkx
 * spring_layout, on the same generated graphs, measured in the same run and
 * printed as ratios; then per-iteration times on large synthetic graphs
 * (100k nodes / 500k edges, 1M / 5M) for a real GPU.
 *
 * networkx is O(n^2) per step: it runs at the smallest size only; its time
 * at the larger sizes is that measurement scaled by (n / n0)^2, marked "*".
 * igraph's exact (all-pairs) variant runs there too, for its quality: the
 * grid variant ignores pairs farther apart than 2 units, which evens out
 * edge lengths and loses the drawing's large-scale structure.
 *
 * Quality, at the same iteration count for every solver (scale-free), the
 * mean over the rounds, each round with its own seed for every layout:
 *   edge CV   coefficient of variation of edge lengths (lower is better)
 *   NP        neighbourhood preservation: share of each sampled node's graph
 *             neighbours among its deg nearest drawn nodes (higher is better)
 *   stress    normalised stress against hop distances from sampled pivots,
 *             drawing scale fitted per layout (lower is better)
 *
 * Then the same on graphs read from capture files: --pcap FILE (up to 8), by
 * default the largest shared capture (../shared/pcaps, a real one, 8,194
 * addresses) and bench_read's generated 600 MB capture (337k addresses),
 * where they exist.
 *
 * usage: bench_layout [--iters N] [--rounds N] [--quick] [--size N] [--pcap FILE]... [--no-peers]
 *                     [--big-only] [--big-iters N]
 *   --rounds N: ipviz and the peers take turns N times (default 3, at most 9);
 *     the table shows the medians and the spread of the per-round ratio
 *   --size N: the 2000-node row (networkx's measurement) and the row with N nodes only
 *   --quick: the 2000- and 10000-node rows only
 * Peers need /usr/bin/python3 with python3-igraph and python3-networkx. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "glctx.h"
#include "layout.h"
#include "layout_testgraph.h"
#include "loader.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct quality {
    double cv, np, stress;
} quality;

static void quality_add(quality *sum, quality q)
{
    sum->cv += q.cv;
    sum->np += q.np;
    sum->stress += q.stress;
}

static void quality_scale(quality *q, int runs)
{
    double w = runs ? 1.0 / runs : 0;
    q->cv *= w;
    q->np *= w;
    q->stress *= w;
}

/* a / b into out[16], or "-" where b is 0 (NP is 0 for both layouts of
 * some graphs) */
static void ratio(char *out, double a, double b)
{
    if (b > 0)
        snprintf(out, 16, "%.2f", a / b);
    else
        snprintf(out, 16, "-");
}

/* The peers bench_layout_peer.py runs; the last two with "full" only. */
enum { PEER_IGRAPH, PEER_EXACT, PEER_NX, NPEER };
static const char *const peer_names[NPEER] = {"igraph", "igraph-exact", "networkx"};

static double dist2(const float *p, uint32_t i, uint32_t j)
{
    double dx = p[2 * i] - p[2 * j], dy = p[2 * i + 1] - p[2 * j + 1];
    return dx * dx + dy * dy;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Positions are 2 floats per node. */
static quality measure(const float *p, uint32_t n, uint32_t m, const uint32_t *e,
                       const layout_csr *csr)
{
    quality q = {0, 0, 0};
    double s = 0, s2 = 0;
    uint32_t cnt = 0;
    for (uint32_t k = 0; k < m; k++) {
        if (e[2 * k] == e[2 * k + 1])
            continue;
        double d = sqrt(dist2(p, e[2 * k], e[2 * k + 1]));
        s += d;
        s2 += d * d;
        cnt++;
    }
    double mean = s / cnt;
    q.cv = sqrt(fmax(s2 / cnt - mean * mean, 0)) / mean;

    /* neighbourhood preservation on 200 sampled nodes */
    double *d = malloc((size_t)n * sizeof *d);
    uint32_t samples = 0;
    double np = 0;
    for (uint32_t v = 0; v < n && samples < 200; v += n / 211 + 1) {
        uint32_t deg = csr->offset[v + 1] - csr->offset[v];
        if (!deg || deg >= n - 1)
            continue;
        uint32_t nn = 0;
        for (uint32_t j = 0; j < n; j++)
            if (j != v)
                d[nn++] = dist2(p, v, j);
        qsort(d, nn, sizeof *d, cmp_double);
        double kth = d[deg - 1];
        uint32_t hit = 0;
        for (uint32_t k = csr->offset[v]; k < csr->offset[v + 1]; k++)
            hit += dist2(p, v, csr->adj[k]) <= kth;
        np += (double)hit / deg;
        samples++;
    }
    q.np = np / samples;

    /* stress from 10 pivots (BFS hop distances) */
    uint32_t *hop = malloc((size_t)n * sizeof *hop), *queue = malloc((size_t)n * sizeof *queue);
    double a = 0, b = 0;
    uint64_t pairs = 0;
    double *ratio = malloc((size_t)n * 10 * sizeof *ratio);
    for (uint32_t t = 0; t < 10; t++) {
        uint32_t piv = (uint32_t)((uint64_t)t * n / 10);
        for (uint32_t j = 0; j < n; j++)
            hop[j] = UINT32_MAX;
        hop[piv] = 0;
        uint32_t head = 0, tail = 0;
        queue[tail++] = piv;
        while (head < tail) {
            uint32_t v = queue[head++];
            for (uint32_t k = csr->offset[v]; k < csr->offset[v + 1]; k++)
                if (hop[csr->adj[k]] == UINT32_MAX) {
                    hop[csr->adj[k]] = hop[v] + 1;
                    queue[tail++] = csr->adj[k];
                }
        }
        for (uint32_t j = 0; j < n; j++)
            if (j != piv && hop[j] != UINT32_MAX) {
                double r = sqrt(dist2(p, piv, j)) / hop[j];
                ratio[pairs++] = r;
                a += r;
                b += r * r;
            }
    }
    double sc = b > 0 ? a / b : 1, st = 0;
    for (uint64_t k = 0; k < pairs; k++)
        st += (sc * ratio[k] - 1) * (sc * ratio[k] - 1);
    q.stress = pairs ? st / pairs : 0;
    free(ratio);
    free(hop);
    free(queue);
    free(d);
    return q;
}

/* Reads one "x y" line per node into p (2 floats per node). */
static bool read_pos(const char *path, uint32_t n, float *p)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    uint32_t i = 0;
    while (i < n && fscanf(f, "%f %f", &p[2 * i], &p[2 * i + 1]) == 2)
        i++;
    fclose(f);
    return i == n;
}

/* ipviz: seconds per iteration, positions (2 per node) into out; the
 * seconds before the first step (kernels built and run once, graph
 * uploaded) into setup. */
static double run_ipviz(layout_params lp, uint32_t n, uint32_t m, const uint32_t *e, int iters,
                        float *out, double *setup)
{
    double t = now();
    layout *l = layout_create(&lp);
    if (!l || !layout_append(l, n, m, e, NULL)) {
        layout_destroy(l);
        return -1;
    }
    glFinish();
    *setup = now() - t;
    t = now();
    int done = layout_step(l, iters);
    glFinish();
    t = now() - t;
    if (out)
        layout_read_positions(l, out, 2);
    layout_destroy(l);
    return done > 0 ? t / done : -1;
}

static double median(double *v, int k)
{
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

/* What every row shares: the peers' working directory, the run's settings
 * and networkx's measured time (the larger rows extrapolate from it). */
typedef struct bench {
    char dir[32];
    layout_params lp;
    int iters, rounds;
    bool peers;
    double nx0, nx0_n;
} bench;

/* One row: ipviz and the peers on the same graph, taking turns; full adds
 * networkx and igraph's exact variant. */
static void compare(bench *b, uint32_t n, uint32_t m, const uint32_t *e, bool full)
{
    int iters = b->iters, rounds = b->rounds;
    bool peers = b->peers;
    const char *dir = b->dir;
    layout_csr csr;
    layout_csr_build(&csr, n, m, e, NULL);
    float *pos = malloc((size_t)n * 8);
    double tis[9], setups[9], tps[NPEER][9];
    int runs[NPEER] = {0}, ok = 0;
    quality qi = {0, 0, 0}, qp[NPEER] = {{0, 0, 0}};
    char path[512], cmd[2048];
    if (peers) {
        snprintf(path, sizeof path, "%s/edges.txt", dir);
        FILE *f = fopen(path, "w");
        fprintf(f, "%u %u\n", n, m);
        for (uint32_t k = 0; k < m; k++)
            fprintf(f, "%u %u\n", e[2 * k], e[2 * k + 1]);
        fclose(f);
    }
    /* ipviz and the peers take turns, rounds times, each round with
     * its own seed: this machine's speed drifts from minute to
     * minute, and the medians of alternating runs see the same
     * drift; one seed's quality figures vary by a few percent */
    for (int r = 0; r < rounds; r++) {
        layout_params rp = b->lp;
        rp.seed = (uint32_t)r + 1;
        tis[r] = run_ipviz(rp, n, m, e, iters, pos, &setups[r]);
        if (tis[r] > 0 && ++ok)
            quality_add(&qi, measure(pos, n, m, e, &csr));
        if (!peers)
            continue;
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/bench/bench_layout_peer.py %s/edges.txt %d %s %d %s",
                 IPVIZ_SOURCE_DIR, dir, iters, dir, r + 1, full ? "full" : "");
        FILE *pp = popen(cmd, "r");
        char line[256], name[64];
        double v;
        while (pp && fgets(line, sizeof line, pp))
            for (int k = 0; k < NPEER; k++)
                if (sscanf(line, "%63s %lf", name, &v) == 2 && !strcmp(name, peer_names[k])) {
                    snprintf(path, sizeof path, "%s/%s.pos", dir, name);
                    if (read_pos(path, n, pos)) {
                        tps[k][runs[k]++] = v / iters;
                        quality_add(&qp[k], measure(pos, n, m, e, &csr));
                    }
                    remove(path);
                }
        if (pp)
            pclose(pp);
    }
    /* per-round ratios first: median() sorts its array */
    double ratio_lo = -1, ratio_hi = 0;
    for (int r = 0; r < rounds && runs[PEER_IGRAPH] == rounds; r++) {
        double q = tis[r] / tps[PEER_IGRAPH][r];
        ratio_lo = ratio_lo < 0 || q < ratio_lo ? q : ratio_lo;
        ratio_hi = q > ratio_hi ? q : ratio_hi;
    }
    double ti = median(tis, rounds), tp[NPEER];
    for (int k = 0; k < NPEER; k++) {
        tp[k] = runs[k] ? median(tps[k], runs[k]) : -1;
        quality_scale(&qp[k], runs[k]);
    }
    quality_scale(&qi, ok);
    double tg = tp[PEER_IGRAPH], tn = tp[PEER_NX];
    bool extrapolated = false;
    if (tn > 0) {
        b->nx0 = tn;
        b->nx0_n = n;
    } else if (b->nx0 > 0) {
        tn = b->nx0 * ((double)n / b->nx0_n) * ((double)n / b->nx0_n);
        extrapolated = true;
    }
    printf("%-8u %-8u | %10.2f %10.2f %9.1f%s | %8.2f %8.3f | %-12s %7.3f %7.3f %7.3f\n", n, m,
           1e3 * ti, 1e3 * tg, 1e3 * tn, extrapolated ? "*" : " ", tg > 0 ? ti / tg : 0,
           tn > 0 ? ti / tn : 0, "ipviz", qi.cv, qi.np, qi.stress);
    if (ratio_lo > 0 && rounds > 1)
        printf("%-8s %-8s | %32s | %8s %8s | ipviz/igraph per round: %.2f to %.2f\n", "", "", "", "", "",
               ratio_lo, ratio_hi);
    printf("%-8s %-8s | %32s | %8s %8s | ipviz setup %.1f ms, not in ipviz ms\n", "", "", "", "", "",
           1e3 * median(setups, rounds));
    for (int k = 0; k < NPEER; k++)
        if (runs[k]) {
            char r[3][16];
            ratio(r[0], qi.cv, qp[k].cv);
            ratio(r[1], qi.np, qp[k].np);
            ratio(r[2], qi.stress, qp[k].stress);
            printf("%-8s %-8s | %32s | %8s %8s | %-12s %7.3f %7.3f %7.3f  ratios %s %s %s  (%.2f ms)\n",
                   "", "", "", "", "", peer_names[k], qp[k].cv, qp[k].np, qp[k].stress, r[0], r[1], r[2],
                   1e3 * tp[k]);
        }
    fflush(stdout);
    free(pos);
    layout_csr_free(&csr);
}

/* The graph of a capture, read as ipviz reads it: *n nodes, *m edges (2
 * ids each, malloc'd; NULL if it could not be read). */
static uint32_t *load_capture(const char *path, uint32_t *n, uint32_t *m)
{
    graph *g = graph_create();
    loader *ld = g ? loader_start(&(loader_desc){.paths = &path, .npaths = 1, .graph = g}) : NULL;
    if (ld)
        loader_join(ld);
    bool ok = ld && loader_problem_count(ld) == 0;
    loader_destroy(ld);
    uint32_t *e = NULL;
    *n = g ? graph_node_count(g) : 0;
    *m = g ? graph_edge_count(g) : 0;
    if (ok && (e = malloc((size_t)*m * 8 + 8)))
        for (uint32_t k = 0; k < *m; k++) {
            e[2 * k] = graph_edge_at(g, k)->a;
            e[2 * k + 1] = graph_edge_at(g, k)->b;
        }
    graph_destroy(g);
    return e;
}

static void print_load(const char *when)
{
    double la[3];
    if (getloadavg(la, 3) == 3)
        printf("load average %s: %.2f %.2f %.2f (%ld cores)\n", when, la[0], la[1], la[2],
               sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv)
{
    int iters = 100, big_iters = 5, rounds = 3;
    uint32_t only = 0;
    bool quick = false, peers = true, big_only = false;
    const char *pcaps[8];
    int npcaps = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--iters") && i + 1 < argc)
            iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--big-iters") && i + 1 < argc)
            big_iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--size") && i + 1 < argc)
            only = (uint32_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
        {
            rounds = atoi(argv[++i]);
            rounds = rounds < 1 ? 1 : rounds > 9 ? 9 : rounds;
        }
        else if (!strcmp(argv[i], "--pcap") && i + 1 < argc && npcaps < 8)
            pcaps[npcaps++] = argv[++i];
        else if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--no-peers"))
            peers = false;
        else if (!strcmp(argv[i], "--big-only"))
            big_only = true;
        else {
            fprintf(stderr, "usage: %s [--iters N] [--rounds N] [--quick] [--size N] [--pcap FILE]... [--no-peers]\n"
                            "       [--big-only] [--big-iters N]\n",
                    argv[0]);
            return 2;
        }
    }
    char err[512];
    glctx *ctx = glctx_create_headless(err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "bench_layout: %s\n", err);
        return 1;
    }
    printf("device: %s, %s\n", glctx_renderer(), glctx_version());
    print_load("at start");
    layout_params lp = {.stop_threshold = -1, .iterations = iters};

    if (!big_only) {
        static const uint32_t sizes[][2] = {{2000, 6000}, {10000, 30000}, {50000, 150000}, {250000, 750000}};
        int nsizes = quick ? 2 : 4;
        bench b = {.dir = "/tmp/ipviz-bench-XXXXXX", .lp = lp, .iters = iters, .rounds = rounds,
                   .peers = peers, .nx0 = -1};
        if (!mkdtemp(b.dir)) {
            perror("mkdtemp");
            return 1;
        }
        printf("\n%d iterations each; times are per iteration; quality is the mean over %d rounds\n"
               "with seeds 1..%d for every layout; quality ratios are ipviz/peer\n", iters, rounds, rounds);
        printf("(edge CV and stress: < 1 is better for ipviz; NP: > 1 is better)\n\n");
        printf("%-8s %-8s | %10s %10s %10s | %8s %8s | %-12s %7s %7s %7s\n", "nodes", "edges", "ipviz ms",
               "igraph ms", "nx ms", "vs igr", "vs nx", "layout", "edgeCV", "NP", "stress");
        for (int s = 0; s < nsizes; s++) {
            if (only && sizes[s][0] != only && s != 0)
                continue;
            uint32_t *e, m = tg_graph(sizes[s][0], sizes[s][1], 42, &e);
            compare(&b, sizes[s][0], m, e, s == 0); /* networkx at the smallest size only */
            free(e);
        }
        /* captures: the given ones, else the largest of the shared ones
         * and bench_read's generated one, where they exist */
        const char *dflt[] = {IPVIZ_SOURCE_DIR "/../shared/pcaps/suricata-verify/tests/security-8510/"
                              "defrag-af-confusion-spray-h8.pcap",
                              getenv("IPVIZ_BENCH_PCAP") ? getenv("IPVIZ_BENCH_PCAP")
                                                         : "/tmp/ipviz-bench-read.pcap"};
        int ncap = npcaps ? npcaps : quick || only ? 0 : 2;
        for (int c = 0; c < ncap; c++) {
            const char *path = npcaps ? pcaps[c] : dflt[c];
            if (!npcaps && access(path, R_OK) != 0)
                continue;
            uint32_t n, m, *e = load_capture(path, &n, &m);
            if (!e || n < 3) {
                printf("%s: no graph to lay out\n", path);
                free(e);
                continue;
            }
            const char *base = strrchr(path, '/');
            printf("capture %s:\n", base ? base + 1 : path);
            compare(&b, n, m, e, false);
            free(e);
        }
        printf("* networkx time extrapolated from the measured %.0f-node run by (n/%.0f)^2\n", b.nx0_n,
               b.nx0_n);
        char path[600];
        snprintf(path, sizeof path, "%s/edges.txt", b.dir);
        remove(path);
        rmdir(b.dir);
        print_load("after peers");
    }

    static const uint32_t big[][2] = {{100000, 500000}, {1000000, 5000000}};
    printf("\nlarge synthetic graphs, %d iterations after one warm-up step\n", big_iters);
    for (int s = 0; s < 2; s++) {
        uint32_t n = big[s][0], *e;
        uint32_t m = tg_graph(n, big[s][1], 9, &e);
        layout_params bp = lp;
        bp.iterations = big_iters + 1;
        layout *l = layout_create(&bp);
        if (!l || !layout_append(l, n, m, e, NULL)) {
            printf("%u nodes: could not start\n", n);
            layout_destroy(l);
            free(e);
            continue;
        }
        layout_step(l, 1);
        glFinish();
        double t = now();
        int done = layout_step(l, big_iters);
        glFinish();
        t = now() - t;
        printf("%8u nodes %8u edges: %9.2f ms per iteration (%s repulsion)\n", n, m,
               done ? 1e3 * t / done : -1.0, layout_exact(l) ? "exact" : "grid");
        fflush(stdout);
        layout_destroy(l);
        free(e);
    }
    print_load("at end");
    glctx_destroy(ctx);
    return 0;
}
