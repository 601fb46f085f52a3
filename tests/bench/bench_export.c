/* bench_export: export speed on a large synthetic graph.
 *
 * Builds a graph of about 260k addresses (IPv4 and IPv6) and 1.6M edges (the
 * size of the DESIGN's 590 MB capture), then times export_write to CSV against
 * two references measured in the same run on the same disk: the floor, write(2)
 * of the same number of bytes in 1 MiB blocks, and a peer, the same CSV written
 * with one fprintf per row and addr_format per address. Prints best-of-3 times
 * and the ratios, then one run of each other format.
 *
 * usage: bench_export [DIR] [EDGES] [csv]   (DIR defaults to /tmp; "csv": CSV only) */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "graph.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static ip_addr node_addr(uint32_t i)
{
    uint8_t b[16] = {0};
    if (i % 5 == 4) { /* one in five is IPv6 */
        b[0] = 0x20, b[1] = 0x01, b[2] = 0x0d, b[3] = 0xb8;
        b[12] = (uint8_t)(i >> 24), b[13] = (uint8_t)(i >> 16), b[14] = (uint8_t)(i >> 8);
        b[15] = (uint8_t)i;
        b[8] = (uint8_t)(i * 7);
        if (i % 10 == 9) /* and half of those need all 39 characters */
            for (int k = 4; k < 12; k++)
                b[k] = (uint8_t)(0x11 * (k + 1));
        return addr_v6(b);
    }
    b[0] = (uint8_t)(10 + (i >> 24)), b[1] = (uint8_t)(i >> 16), b[2] = (uint8_t)(i >> 8);
    b[3] = (uint8_t)i;
    return addr_v4(b);
}

static double time_export(const char *path, const graph *g, const float *pos, int dims)
{
    char err[256];
    double t = now();
    if (!export_write(path, g, graph_node_count(g), graph_edge_count(g), pos, dims, err,
                      sizeof err)) {
        fprintf(stderr, "export %s: %s\n", path, err);
        exit(1);
    }
    return now() - t;
}

static double time_floor(const char *path, size_t bytes)
{
    static char block[1 << 20];
    memset(block, 'x', sizeof block);
    double t = now();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (size_t done = 0; done < bytes;) {
        size_t n = bytes - done < sizeof block ? bytes - done : sizeof block;
        ssize_t w = write(fd, block, n);
        if (w <= 0) {
            perror(path);
            exit(1);
        }
        done += (size_t)w;
    }
    close(fd);
    return now() - t;
}

static double time_printf(const char *path, const graph *g)
{
    double t = now();
    FILE *f = fopen(path, "w");
    fputs("src,dst,packets,bytes,first_seen,last_seen\n", f);
    uint32_t m = graph_edge_count(g);
    for (uint32_t i = 0; i < m; i++) {
        const graph_edge *e = graph_edge_at(g, i);
        char a[ADDR_STRLEN], b[ADDR_STRLEN];
        int64_t f0 = e->first_ns, l0 = e->last_ns;
        fprintf(f, "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRId64 ".%06" PRId64 ",%" PRId64 ".%06" PRId64 "\n",
                addr_format(&graph_node_at(g, e->a)->addr, a),
                addr_format(&graph_node_at(g, e->b)->addr, b), (uint64_t)e->packets,
                (uint64_t)e->bytes, f0 / 1000000000, f0 % 1000000000 / 1000, l0 / 1000000000,
                l0 % 1000000000 / 1000);
    }
    fclose(f);
    return now() - t;
}

static double best3(double (*fn)(const char *, const graph *), const char *p, const graph *g)
{
    double b = 1e9;
    for (int i = 0; i < 3; i++) {
        double t = fn(p, g);
        b = t < b ? t : b;
    }
    return b;
}

static double csv_once(const char *p, const graph *g) { return time_export(p, g, NULL, 2); }

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    uint32_t want_edges = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1600000;
    uint32_t nodes = want_edges / 6 + 2;

    graph *g = graph_create();
    double t0 = now();
    for (uint32_t k = 0; graph_edge_count(g) < want_edges; k++) {
        ip_addr s = node_addr((uint32_t)(next() % nodes)), d = node_addr((uint32_t)(next() % nodes));
        int64_t ts = 1700000000000000000LL + (int64_t)k * 1237;
        if (!graph_add_packet(g, &s, &d, 60 + (uint32_t)(next() % 1400), ts)) {
            fprintf(stderr, "graph_add_packet failed\n");
            return 1;
        }
        if ((k & 0xfff) == 0)
            graph_publish(g);
    }
    graph_publish(g);
    uint32_t n = graph_node_count(g), m = graph_edge_count(g);
    printf("graph: %u nodes, %u edges (built in %.2f s)\n", n, m, now() - t0);

    char csv[4096], ref[4096], other[4096];
    snprintf(csv, sizeof csv, "%s/bench_export.csv", dir);
    snprintf(ref, sizeof ref, "%s/bench_export.ref", dir);

    double c0 = cpu_now();
    double t_csv = best3(csv_once, csv, g);
    double c_csv = (cpu_now() - c0) / 3;
    FILE *f = fopen(csv, "rb");
    fseek(f, 0, SEEK_END);
    size_t bytes = (size_t)ftell(f);
    fclose(f);
    double t_floor = 1e9;
    for (int i = 0; i < 3; i++) {
        double t = time_floor(ref, bytes);
        t_floor = t < t_floor ? t : t_floor;
    }
    double t_printf = best3(time_printf, ref, g);
    (void)csv_once;
    unlink(ref);
    printf("csv: %.1f MB, export_write %.3f s wall, best of 3 (%.0f MB/s, %.2f M edges/s); "
           "%.3f s CPU, mean of 3\n",
           (double)bytes / 1e6, t_csv, (double)bytes / 1e6 / t_csv, m / 1e6 / t_csv, c_csv);
    printf("floor (write(2) of the same bytes): %.3f s -> export/floor = %.2f\n", t_floor,
           t_csv / t_floor);
    printf("peer (fprintf per row): %.3f s -> export/peer = %.2f\n", t_printf, t_csv / t_printf);
    unlink(csv);

    if (argc > 3 && strcmp(argv[3], "csv") == 0) {
        graph_destroy(g);
        return 0;
    }
    float *pos = malloc((size_t)n * 2 * sizeof *pos);
    for (size_t i = 0; i < (size_t)n * 2; i++)
        pos[i] = (float)(next() % 100000) / 7.0f;
    const char *exts[] = {"json", "graphml", "gexf", "dot"};
    for (int k = 0; k < 4; k++) {
        snprintf(other, sizeof other, "%s/bench_export.%s", dir, exts[k]);
        double t = time_export(other, g, pos, 2);
        f = fopen(other, "rb");
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fclose(f);
        printf("%s (with positions): %.1f MB in %.3f s\n", exts[k], (double)sz / 1e6, t);
        unlink(other);
    }
    free(pos);
    graph_destroy(g);
    return 0;
}
