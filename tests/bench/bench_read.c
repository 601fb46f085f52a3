/* bench_read: how fast ipviz turns a big capture into its graph, against a
 * bare libpcap loop over the same file, measured in the same run.
 *
 *   bench_read [PCAP] [IPVIZ]
 *
 * PCAP (default /tmp/ipviz-bench-read.pcap) is generated, deterministically,
 * when it does not exist yet: about 600 MB of Ethernet frames shaped like real
 * traffic (several hundred flows in flight at once, most pairs seen for one or
 * two packets and a few for hundreds, host popularity with a heavy tail, 8% of
 * flows over IPv6, small ACK/DNS-sized frames mixed with full 1514-byte ones).
 * The generator knows the exact pair set, so the same walk is replayed without
 * writing to get it back for the exactness check.
 *
 * Measured (best of 3 each, after a warm-up read so the file is in the page
 * cache): (a) pcap_open_offline + pcap_next_ex over the file; (b) IPVIZ
 * (default: the ipviz built beside this benchmark) `--headless -n 0 --stats`
 * run with fork/exec, wall time and peak RSS from wait4; (c) one more run
 * with `--export x.csv`, whose src,dst set is compared with the generator's.
 * Targets (issue 2): ratio ipviz/bare <= 1.5, peak <= 256 MB, exact.
 * CPU time (user + system) is printed too: on a shared machine it moves
 * less with the load than wall time does. */
#include <errno.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"

#define TARGET_BYTES 600000000ULL
#define N4 300000u     /* IPv4 hosts */
#define N6 40000u      /* IPv6 hosts */
#define ACTIVE 512     /* flows in flight */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --- the traffic model --- */

static uint64_t rng;
static uint64_t rnd(void)
{
    uint64_t x = (rng += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
static double unif(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }

/* Host k of a family: v4 hosts are a bijection of k spread over the space;
 * v6 hosts sit in a few /64s with scattered interface ids. */
static ip_addr host_addr(uint32_t k, bool v6)
{
    uint8_t b[16] = {0};
    if (!v6) {
        uint32_t a = k * 2654435761u + 0x0a000001u;
        b[0] = (uint8_t)(a >> 24);
        b[1] = (uint8_t)(a >> 16);
        b[2] = (uint8_t)(a >> 8);
        b[3] = (uint8_t)a;
        return addr_v4(b);
    }
    uint32_t x = k * 2246822519u + 1;
    b[0] = 0x20;
    b[1] = 0x01;
    b[2] = 0x0d;
    b[3] = 0xb8;
    b[7] = (uint8_t)(k % 13);
    b[12] = (uint8_t)(x >> 24);
    b[13] = (uint8_t)(x >> 16);
    b[14] = (uint8_t)(x >> 8);
    b[15] = (uint8_t)x;
    return addr_v6(b);
}

/* A host index: log-uniform (popularity ~ 1/rank) or uniform. */
static uint32_t pick_host(uint32_t n, bool popular)
{
    if (popular) {
        uint32_t k = (uint32_t)(exp(unif() * log((double)n)) - 1.0);
        return k < n ? k : n - 1;
    }
    return (uint32_t)(rnd() % n);
}

typedef struct flow {
    uint32_t a, b;  /* client, server */
    bool v6, udp, bulk, started;
    uint32_t left;  /* packets still to send */
    uint16_t sport;
} flow;

static void flow_new(flow *f)
{
    f->v6 = unif() < 0.08;
    uint32_t n = f->v6 ? N6 : N4;
    f->a = pick_host(n, unif() < 0.2);
    f->b = unif() < 1.0 / 4000 ? f->a : pick_host(n, unif() < 0.5);
    double u = unif();
    if (u < 0.6) {
        f->left = 1;                   /* probes, lone datagrams */
    } else if (u < 0.87) {
        f->left = 2;                   /* request/response */
    } else {
        double pareto = pow(1.0 - unif(), -1.0 / 1.5);
        f->left = 2 + (uint32_t)(pareto * 1.5);
        if (f->left > 2000)
            f->left = 2000;
    }
    f->udp = f->left <= 2 && unif() < 0.6;
    f->bulk = f->left > 6 && unif() < 0.5;
    f->started = false;
    f->sport = (uint16_t)(1024 + rnd() % 60000);
}

typedef struct pairs {
    uint64_t *v;
    size_t n, cap;
    size_t addrs; /* distinct addresses in v */
} pairs;

static void pairs_add(pairs *p, uint64_t key)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 1 << 20;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
        if (!p->v) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    p->v[p->n++] = key;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* Walks the model; writes the capture to out when out is not NULL; returns
 * the distinct pairs (sorted host-key pairs) in *ps and the packet count. */
static uint64_t generate(FILE *out, pairs *ps)
{
    rng = 0x1b0c4d2e;
    flow *fl = calloc(ACTIVE, sizeof *fl);
    for (int i = 0; i < ACTIVE; i++)
        flow_new(&fl[i]);
    static uint8_t frame[1600];
    uint64_t bytes = 24, packets = 0;
    int64_t t_us = 1700000000LL * 1000000;
    if (out) {
        uint32_t hdr[6] = {0xa1b2c3d4, 2 | (4u << 16), 0, 0, 65535, 1};
        fwrite(hdr, 4, 6, out);
    }
    while (bytes < TARGET_BYTES) {
        flow *f = &fl[rnd() % ACTIVE];
        bool reply = f->started && (f->bulk ? unif() < 0.75 : (f->left % 2) == 1);
        uint32_t hs = reply ? f->b : f->a, hd = reply ? f->a : f->b;
        if (!f->started) {
            uint32_t lo = f->a < f->b ? f->a : f->b, hi = f->a ^ f->b ^ lo;
            pairs_add(ps, ((uint64_t)(lo + (f->v6 ? N4 : 0)) << 32) | (hi + (f->v6 ? N4 : 0)));
            f->started = true;
        }
        uint32_t l4 = f->udp ? 8 : 20, l3 = f->v6 ? 40 : 20, payload;
        if (f->bulk)
            payload = reply ? (unif() < 0.6 ? 1460 - (f->v6 ? 20 : 0) : (uint32_t)(rnd() % 1400))
                            : 0;
        else if (f->udp)
            payload = 20 + (uint32_t)(rnd() % 300);
        else
            payload = unif() < 0.5 ? 0 : (uint32_t)(rnd() % 500);
        uint32_t caplen = 14 + l3 + l4 + payload;
        if (caplen < 60)
            caplen = 60; /* Ethernet minimum (padding) */
        t_us += 1 + (int64_t)(rnd() % 40);
        if (out) {
            memset(frame, 0, 14 + l3 + l4);
            frame[0] = 0x02;
            frame[5] = (uint8_t)hd;
            frame[6] = 0x02;
            frame[11] = (uint8_t)hs;
            ip_addr s = host_addr(hs, f->v6), d = host_addr(hd, f->v6);
            uint8_t *ip = frame + 14;
            if (f->v6) {
                put16(frame + 12, 0x86dd);
                ip[0] = 0x60;
                put16(ip + 4, l4 + payload);
                ip[6] = f->udp ? 17 : 6;
                ip[7] = 64;
                memcpy(ip + 8, s.bytes, 16);
                memcpy(ip + 24, d.bytes, 16);
            } else {
                put16(frame + 12, 0x0800);
                ip[0] = 0x45;
                put16(ip + 2, l3 + l4 + payload);
                ip[8] = 64;
                ip[9] = f->udp ? 17 : 6;
                memcpy(ip + 12, s.bytes, 4);
                memcpy(ip + 16, d.bytes, 4);
            }
            uint8_t *l4p = ip + l3;
            put16(l4p, reply ? 443 : f->sport);
            put16(l4p + 2, reply ? f->sport : 443);
            if (!f->udp)
                l4p[12] = 0x50;
            else
                put16(l4p + 4, l4 + payload);
            uint32_t rec[4] = {(uint32_t)(t_us / 1000000), (uint32_t)(t_us % 1000000), caplen,
                               caplen};
            fwrite(rec, 4, 4, out);
            fwrite(frame, 1, caplen, out); /* the rest of frame stays zero */
        }
        bytes += 16 + caplen;
        packets++;
        if (--f->left == 0)
            flow_new(f);
    }
    free(fl);
    qsort(ps->v, ps->n, sizeof *ps->v, cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < ps->n; i++)
        if (!m || ps->v[i] != ps->v[m - 1])
            ps->v[m++] = ps->v[i];
    ps->n = m;
    uint8_t *seen = calloc(N4 + N6, 1);
    ps->addrs = 0;
    for (size_t i = 0; i < m; i++) {
        uint32_t x = (uint32_t)(ps->v[i] >> 32), y = (uint32_t)ps->v[i];
        ps->addrs += !seen[x] + (x != y && !seen[y]);
        seen[x] = seen[y] = 1;
    }
    free(seen);
    return packets;
}

/* --- measurements --- */

static double cpu_self(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static double last_cpu; /* CPU seconds (user + system) of the last measurement */

static double bare_read(const char *path, uint64_t *packets, uint64_t *bytes)
{
    char err[PCAP_ERRBUF_SIZE];
    double c0 = cpu_self();
    double t0 = now();
    pcap_t *p = pcap_open_offline(path, err);
    if (!p) {
        fprintf(stderr, "bench_read: %s: %s\n", path, err);
        exit(1);
    }
    struct pcap_pkthdr *h;
    const u_char *d;
    uint64_t n = 0, b = 0, x = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        n++;
        b += h->caplen;
        x += d[0];
    }
    pcap_close(p);
    double t = now() - t0;
    last_cpu = cpu_self() - c0;
    *packets = n;
    *bytes = b + (x & 0); /* x keeps the frame bytes touched */
    return t;
}

/* Runs argv with stdout to out_path (or /dev/null); returns wall seconds and
 * peak RSS in MB; exits on failure to run. */
static double run_child(char *const argv[], const char *out_path, double *peak_mb, int *status)
{
    fflush(stdout);
    fflush(stderr);
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        FILE *o = freopen(out_path ? out_path : "/dev/null", "w", stdout);
        (void)o;
        execv(argv[0], argv);
        fprintf(stderr, "bench_read: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
        fprintf(stderr, "bench_read: fork/wait failed: %s\n", strerror(errno));
        exit(1);
    }
    double t = now() - t0;
    *peak_mb = (double)ru.ru_maxrss / 1024.0;
    last_cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
               (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return t;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The export's src,dst column pairs compared with the generator's set. */
static bool check_exact(const char *csv, pairs *ps)
{
    FILE *f = fopen(csv, "r");
    if (!f) {
        printf("exact        no: %s was not written\n", csv);
        return false;
    }
    char **want = malloc(ps->n * sizeof *want);
    for (size_t i = 0; i < ps->n; i++) {
        uint32_t x = (uint32_t)(ps->v[i] >> 32), y = (uint32_t)ps->v[i];
        ip_addr a = x >= N4 ? host_addr(x - N4, true) : host_addr(x, false);
        ip_addr b = y >= N4 ? host_addr(y - N4, true) : host_addr(y, false);
        if (addr_compare(&a, &b) > 0) {
            ip_addr t = a;
            a = b;
            b = t;
        }
        char sa[ADDR_STRLEN], sb[ADDR_STRLEN], line[2 * ADDR_STRLEN + 2];
        snprintf(line, sizeof line, "%s,%s", addr_format(&a, sa), addr_format(&b, sb));
        want[i] = strdup(line);
    }
    size_t cap = ps->n + 16, n = 0;
    char **got = malloc(cap * sizeof *got);
    char buf[512];
    bool header = true;
    while (fgets(buf, sizeof buf, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *c = strchr(buf, ',');
        c = c ? strchr(c + 1, ',') : NULL;
        if (c)
            *c = 0;
        if (n == cap)
            got = realloc(got, (cap *= 2) * sizeof *got);
        got[n++] = strdup(buf);
    }
    fclose(f);
    qsort(want, ps->n, sizeof *want, cmp_str);
    qsort(got, n, sizeof *got, cmp_str);
    size_t i = 0, j = 0, missing = 0, extra = 0;
    while (i < ps->n || j < n) {
        int c = i == ps->n ? 1 : j == n ? -1 : strcmp(want[i], got[j]);
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            if (missing++ < 3)
                printf("  missing %s\n", want[i]);
            i++;
        } else {
            if (extra++ < 3)
                printf("  extra   %s\n", got[j]);
            j++;
        }
    }
    printf("exact        %s: %zu edges expected, %zu exported, %zu missing, %zu extra\n",
           missing || extra ? "no" : "yes", ps->n, n, missing, extra);
    for (size_t k = 0; k < ps->n; k++)
        free(want[k]);
    for (size_t k = 0; k < n; k++)
        free(got[k]);
    free(want);
    free(got);
    return !missing && !extra;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/tmp/ipviz-bench-read.pcap";
    const char *bin = argc > 2 ? argv[2] : IPVIZ_BIN;
    pairs ps = {0};
    struct stat sb;
    uint64_t gen_packets;
    if (stat(path, &sb) != 0) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
        FILE *f = fopen(tmp, "wb");
        if (!f) {
            fprintf(stderr, "bench_read: cannot write %s: %s\n", tmp, strerror(errno));
            return 1;
        }
        setvbuf(f, NULL, _IOFBF, 1 << 22);
        printf("generating   %s ...\n", path);
        fflush(stdout);
        gen_packets = generate(f, &ps);
        if (fclose(f) != 0 || rename(tmp, path) != 0) {
            fprintf(stderr, "bench_read: cannot write %s: %s\n", path, strerror(errno));
            unlink(tmp);
            return 1;
        }
        stat(path, &sb);
    } else {
        gen_packets = generate(NULL, &ps);
    }
    double mb = (double)sb.st_size / 1e6;
    printf("capture      %s: %.1f MB, %llu packets, %zu addresses, %zu distinct pairs (generator)\n",
           path, mb, (unsigned long long)gen_packets, ps.addrs, ps.n);
    double load[3] = {0};
    if (getloadavg(load, 3) > 0)
        printf("load         %.2f %.2f %.2f (1/5/15 min) on %ld CPUs\n", load[0], load[1],
               load[2], sysconf(_SC_NPROCESSORS_ONLN));

    uint64_t np, nb;
    bare_read(path, &np, &nb); /* warm the page cache */
    if (np != gen_packets)
        printf("warning      libpcap read %llu packets, the generator wrote %llu\n",
               (unsigned long long)np, (unsigned long long)gen_packets);

    double bare = 1e9, viz = 1e9, peak = 0, bare_cpu = 1e9, viz_cpu = 1e9;
    char *args[] = {(char *)bin, "--headless", "-n", "0", "--stats", (char *)path, NULL};
    char stats_path[] = "/tmp/ipviz-bench-read-stats.txt";
    int status = 0;
    for (int r = 0; r < 3; r++) {
        double t = bare_read(path, &np, &nb);
        if (t < bare)
            bare = t;
        if (last_cpu < bare_cpu)
            bare_cpu = last_cpu;
        double pk;
        t = run_child(args, stats_path, &pk, &status);
        if (t < viz)
            viz = t;
        if (last_cpu < viz_cpu)
            viz_cpu = last_cpu;
        if (pk > peak)
            peak = pk;
        if (status != 0)
            printf("warning      ipviz exited with status %d\n", status);
    }
    char *csv_args[] = {(char *)bin, "--headless", "-n", "0", "--export",
                        "/tmp/ipviz-bench-read.csv", (char *)path, NULL};
    unlink("/tmp/ipviz-bench-read.csv");
    double pk2;
    run_child(csv_args, NULL, &pk2, &status);

    FILE *sf = fopen(stats_path, "r");
    if (sf) {
        char line[512];
        printf("ipviz --stats (last run):\n");
        while (fgets(line, sizeof line, sf))
            printf("  %s", line);
        fclose(sf);
    }
    printf("bare         %.3f s  %7.1f MB/s  (pcap_next_ex loop, best of 3)\n", bare, mb / bare);
    printf("ipviz        %.3f s  %7.1f MB/s  (--headless -n 0 --stats, best of 3, wall)\n", viz,
           mb / viz);
    printf("ratio        %.2f  (ipviz/bare; target <= 1.5)  %s\n", viz / bare,
           viz / bare <= 1.5 ? "met" : "NOT met");
    printf("cpu          bare %.3f s, ipviz %.3f s (user + system, both threads; best of 3):"
           " %.2fx\n",
           bare_cpu, viz_cpu, viz_cpu / bare_cpu);
    printf("peak         %.1f MB resident  (target <= 256)  %s\n", peak,
           peak <= 256 ? "met" : "NOT met");
    bool exact = check_exact("/tmp/ipviz-bench-read.csv", &ps);
    free(ps.v);
    return exact ? 0 : 1;
}
