/* bench_layout: time per iteration and layout quality of the GPU solver
 * against igraph's C Fruchterman-Reingold (grid variant) and networkx
 * spring_layout, on the same generated graphs, measured in the same run and
 * printed as ratios; then per-iteration times on large synthetic graphs
 * (100k nodes / 500k edges, 1M / 5M) for a real GPU.
 *
 * networkx is O(n^2) per step: it runs in full at the smallest size only;
 * its time at the larger sizes is that measurement scaled by (n / n0)^2, and
 * printed marked "(extrapolated)".
 *
 * Quality, at the same iteration count for every solver (scale-free):
 *   edge CV   coefficient of variation of edge lengths (lower is better)
 *   NP        neighbourhood preservation: share of each sampled node's graph
 *             neighbours among its deg nearest drawn nodes (higher is better)
 *   stress    normalised stress against hop distances from sampled pivots,
 *             drawing scale fitted per layout (lower is better)
 *
 * usage: bench_layout [--iters N] [--rounds N] [--quick] [--size N] [--no-peers] [--big-only] [--big-iters N]
 *   --rounds N: ipviz and igraph take turns N times (default 3, at most 9);
 *     the table shows the medians and the spread of the per-round ratio
 *   --size N: the 2000-node row (networkx's measurement) and the row with N nodes only
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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct quality {
    double cv, np, stress;
} quality;

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

static float *read_pos(const char *path, uint32_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    float *p = malloc((size_t)n * 8);
    for (uint32_t i = 0; i < n; i++)
        if (fscanf(f, "%f %f", &p[2 * i], &p[2 * i + 1]) != 2) {
            free(p);
            fclose(f);
            return NULL;
        }
    fclose(f);
    return p;
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
        else if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--no-peers"))
            peers = false;
        else if (!strcmp(argv[i], "--big-only"))
            big_only = true;
        else {
            fprintf(stderr, "usage: %s [--iters N] [--rounds N] [--quick] [--size N] [--no-peers] [--big-only] [--big-iters N]\n",
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
        char dir[] = "/tmp/ipviz-bench-XXXXXX";
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        double nx0 = -1, nx0_n = 0;
        printf("\n%d iterations each; times are per iteration; quality ratios are ipviz/peer\n", iters);
        printf("(edge CV and stress: < 1 is better for ipviz; NP: > 1 is better)\n\n");
        printf("%-8s %-8s | %10s %10s %10s | %8s %8s | %-9s %7s %7s %7s\n", "nodes", "edges", "ipviz ms",
               "igraph ms", "nx ms", "vs igr", "vs nx", "layout", "edgeCV", "NP", "stress");
        for (int s = 0; s < nsizes; s++) {
            if (only && sizes[s][0] != only && s != 0)
                continue;
            uint32_t n = sizes[s][0], *e;
            uint32_t m = tg_graph(n, sizes[s][1], 42, &e);
            double ratio_lo = -1, ratio_hi = 0;
            layout_csr csr;
            layout_csr_build(&csr, n, m, e, NULL);
            float *pi = malloc((size_t)n * 8);
            double ti = -1, tg = -1, tn = -1, tis[9], tgs[9], setups[9];
            float *pg = NULL, *pn = NULL;
            bool with_nx = s == 0;
            char path[512], cmd[2048];
            if (peers) {
                snprintf(path, sizeof path, "%s/edges.txt", dir);
                FILE *f = fopen(path, "w");
                fprintf(f, "%u %u\n", n, m);
                for (uint32_t k = 0; k < m; k++)
                    fprintf(f, "%u %u\n", e[2 * k], e[2 * k + 1]);
                fclose(f);
            }
            /* ipviz and igraph take turns, rounds times: this machine's speed
             * drifts from minute to minute, and the medians of alternating
             * runs see the same drift */
            int ng = 0;
            for (int r = 0; r < rounds; r++) {
                tis[r] = run_ipviz(lp, n, m, e, iters, r == 0 ? pi : NULL, &setups[r]);
                if (!peers)
                    continue;
                snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/bench/bench_layout_peer.py %s %d %s %s",
                         IPVIZ_SOURCE_DIR, path, iters, dir, with_nx && r == 0 ? "networkx" : "");
                FILE *pp = popen(cmd, "r");
                char line[256];
                while (pp && fgets(line, sizeof line, pp)) {
                    double v;
                    if (sscanf(line, "igraph %lf", &v) == 1)
                        tgs[ng++] = v / iters;
                    else if (sscanf(line, "networkx %lf", &v) == 1)
                        tn = v / iters;
                }
                if (pp)
                    pclose(pp);
            }
            /* per-round ratios first: median() sorts its array */
            for (int r = 0; r < rounds && r < ng; r++) {
                double q = tis[r] / tgs[r];
                ratio_lo = ratio_lo < 0 || q < ratio_lo ? q : ratio_lo;
                ratio_hi = q > ratio_hi ? q : ratio_hi;
            }
            ti = median(tis, rounds);
            if (ng)
                tg = median(tgs, ng);
            if (peers) {
                snprintf(path, sizeof path, "%s/igraph.pos", dir);
                pg = tg > 0 ? read_pos(path, n) : NULL;
                snprintf(path, sizeof path, "%s/networkx.pos", dir);
                pn = with_nx && tn > 0 ? read_pos(path, n) : NULL;
                remove(path);
            }
            bool extrapolated = false;
            if (with_nx && tn > 0) {
                nx0 = tn;
                nx0_n = n;
            } else if (nx0 > 0) {
                tn = nx0 * ((double)n / nx0_n) * ((double)n / nx0_n);
                extrapolated = true;
            }
            quality qi = measure(pi, n, m, e, &csr);
            quality qg = pg ? measure(pg, n, m, e, &csr) : (quality){0, 0, 0};
            quality qn = pn ? measure(pn, n, m, e, &csr) : (quality){0, 0, 0};
            printf("%-8u %-8u | %10.2f %10.2f %9.1f%s | %8.2f %8.3f | %-9s %7.3f %7.3f %7.3f\n", n, m,
                   1e3 * ti, 1e3 * tg, 1e3 * tn, extrapolated ? "*" : " ", tg > 0 ? ti / tg : 0,
                   tn > 0 ? ti / tn : 0, "ipviz", qi.cv, qi.np, qi.stress);
            if (ratio_lo > 0 && rounds > 1)
                printf("%-8s %-8s | %32s | %8s %8s | ipviz/igraph per round: %.2f to %.2f\n", "", "", "", "", "",
                       ratio_lo, ratio_hi);
            printf("%-8s %-8s | %32s | %8s %8s | ipviz setup %.1f ms, not in ipviz ms\n", "", "", "", "", "",
                   1e3 * median(setups, rounds));
            if (pg)
                printf("%-8s %-8s | %10s %10s %10s | %8s %8s | %-9s %7.3f %7.3f %7.3f  ratios %.2f %.2f %.2f\n",
                       "", "", "", "", "", "", "", "igraph", qg.cv, qg.np, qg.stress, qi.cv / qg.cv,
                       qi.np / qg.np, qi.stress / qg.stress);
            if (pn)
                printf("%-8s %-8s | %10s %10s %10s | %8s %8s | %-9s %7.3f %7.3f %7.3f  ratios %.2f %.2f %.2f\n",
                       "", "", "", "", "", "", "", "networkx", qn.cv, qn.np, qn.stress, qi.cv / qn.cv,
                       qi.np / qn.np, qi.stress / qn.stress);
            fflush(stdout);
            free(pi);
            free(pg);
            free(pn);
            free(e);
            layout_csr_free(&csr);
        }
        printf("* networkx time extrapolated from the measured %.0f-node run by (n/%.0f)^2\n", nx0_n,
               nx0_n);
        char path[600];
        snprintf(path, sizeof path, "%s/edges.txt", dir);
        remove(path);
        snprintf(path, sizeof path, "%s/igraph.pos", dir);
        remove(path);
        rmdir(dir);
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
