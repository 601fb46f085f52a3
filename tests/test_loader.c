/* test_loader: the two loader threads end to end over small pcap files written
 * here byte by byte: the graph and the counters they produce, per-file
 * problems (missing, truncated, unsupported link type) that do not stop the
 * run, publishing while reading, and cancelling.
 *
 * Skips while capture or decode are still the skeleton's stubs. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "graph.h"
#include "loader.h"
#include "util.h"

/* --- a tiny pcap writer (little-endian, microseconds) --- */

static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }

static FILE *pcap_create(const char *path, uint32_t linktype)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    put32(f, 0xa1b2c3d4);
    put32(f, 2 | (4u << 16));
    put32(f, 0);
    put32(f, 0);
    put32(f, 65535);
    put32(f, linktype);
    return f;
}

static void pcap_record(FILE *f, uint32_t sec, uint32_t usec, const uint8_t *frame,
                        uint32_t caplen, uint32_t len)
{
    put32(f, sec);
    put32(f, usec);
    put32(f, caplen);
    put32(f, len);
    fwrite(frame, 1, caplen, f);
}

/* An Ethernet + IPv4 (or IPv6) + UDP frame between two addresses. */
static uint32_t eth_frame(uint8_t *buf, const ip_addr *s, const ip_addr *d, uint32_t payload)
{
    memset(buf, 0, 14 + 40 + 8 + payload);
    buf[0] = 2;
    buf[6] = 2;
    uint8_t *ip = buf + 14;
    uint32_t l3;
    if (s->family == ADDR_V4) {
        buf[12] = 0x08;
        l3 = 20;
        ip[0] = 0x45;
        ip[2] = (uint8_t)((l3 + 8 + payload) >> 8);
        ip[3] = (uint8_t)(l3 + 8 + payload);
        ip[8] = 64;
        ip[9] = 17;
        memcpy(ip + 12, s->bytes, 4);
        memcpy(ip + 16, d->bytes, 4);
    } else {
        buf[12] = 0x86;
        buf[13] = 0xdd;
        l3 = 40;
        ip[0] = 0x60;
        ip[4] = (uint8_t)((8 + payload) >> 8);
        ip[5] = (uint8_t)(8 + payload);
        ip[6] = 17;
        ip[7] = 64;
        memcpy(ip + 8, s->bytes, 16);
        memcpy(ip + 24, d->bytes, 16);
    }
    return 14 + l3 + 8 + payload;
}

static ip_addr A(const char *text)
{
    ip_addr a;
    if (!addr_parse(text, &a)) {
        fprintf(stderr, "bad address %s\n", text);
        exit(1);
    }
    return a;
}

static _Atomic int publishes;
static void on_publish(void *user)
{
    (void)user;
    atomic_fetch_add(&publishes, 1);
}

#define ST(l, field) atomic_load(&loader_get_stats(l)->field)

static loader *run(const char *const *paths, int n, const char *filter, graph *g)
{
    loader_desc d = {.paths = paths, .npaths = n, .filter = filter, .graph = g,
                     .on_publish = on_publish};
    loader *l = loader_start(&d);
    CHECK(l != NULL);
    loader_join(l);
    CHECK(loader_done(l));
    return l;
}

static uint32_t edge_between(const graph *g, const char *x, const char *y)
{
    ip_addr a = A(x), b = A(y);
    uint32_t ia = graph_find(g, &a), ib = graph_find(g, &b);
    for (uint32_t i = 0; i < graph_edge_count(g); i++) {
        const graph_edge *e = graph_edge_at(g, i);
        if ((e->a == ia && e->b == ib) || (e->a == ib && e->b == ia))
            return i;
    }
    return UINT32_MAX;
}

/* A pipe that delivers three packets and then stays open: the graph must show
 * them while the writer still holds the pipe (a trickling live capture). */
static void check_trickle(void)
{
    int fds[2];
    if (pipe(fds) != 0) {
        CHECK(!"pipe");
        return;
    }
    FILE *w = fdopen(fds[1], "wb");
    put32(w, 0xa1b2c3d4);
    put32(w, 2 | (4u << 16));
    put32(w, 0);
    put32(w, 0);
    put32(w, 65535);
    put32(w, 1);
    uint8_t frame[128];
    ip_addr s = A("10.9.9.1"), d = A("10.9.9.2");
    uint32_t n = eth_frame(frame, &s, &d, 10);
    for (int i = 0; i < 3; i++)
        pcap_record(w, 100, (uint32_t)i, frame, n, n);
    fflush(w);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    const char *paths[1] = {path};
    graph *g = graph_create();
    loader_desc desc = {.paths = paths, .npaths = 1, .graph = g};
    loader *l = loader_start(&desc);
    CHECK(l != NULL);
    uint32_t seen = 0;
    for (int t = 0; t < 300 && seen == 0; t++) { /* up to 3 s; the hand-off is 50 ms */
        usleep(10000);
        seen = graph_edge_count(g);
    }
    CHECK_INT(seen, 1);
    CHECK(!loader_done(l));
    fclose(w); /* end of input */
    loader_join(l);
    CHECK_INT(ST(l, ip_packets), 3);
    loader_destroy(l);
    graph_destroy(g);
    close(fds[0]);
}

int main(void)
{
    const char *good = test_tmp_path("loader-good.pcap");
    const char *six = test_tmp_path("loader-six.pcap");
    const char *trunc = test_tmp_path("loader-trunc.pcap");
    const char *odd = test_tmp_path("loader-odd.pcap");
    const char *missing = test_tmp_path("loader-missing.pcap");
    unlink(missing);
    uint8_t fr[2048];

    /* good: 3 IPv4 pairs, one self-pair, one ARP frame, one truncated IP frame */
    FILE *f = pcap_create(good, 1);
    ip_addr a = A("10.0.0.1"), b = A("10.0.0.2"), c = A("192.168.1.9");
    uint32_t n = eth_frame(fr, &a, &b, 100);
    pcap_record(f, 100, 0, fr, n, n);
    n = eth_frame(fr, &b, &a, 10);
    pcap_record(f, 101, 5, fr, n, n);
    n = eth_frame(fr, &c, &a, 0);
    pcap_record(f, 99, 0, fr, n, 1000); /* len beyond caplen: bytes count len */
    n = eth_frame(fr, &c, &c, 0);
    pcap_record(f, 102, 0, fr, n, n);
    memset(fr, 0, 60);
    fr[12] = 0x08;
    fr[13] = 0x06; /* ARP */
    pcap_record(f, 103, 0, fr, 60, 60);
    n = eth_frame(fr, &a, &c, 0);
    pcap_record(f, 104, 0, fr, 20, n); /* cut inside the IP header */
    fclose(f);

    /* six: IPv6 traffic, enough packets for several batches */
    f = pcap_create(six, 1);
    for (uint32_t i = 0; i < 20000; i++) {
        uint8_t x[16] = {0x20, 0x01, 0x0d, 0xb8}, y[16] = {0xfe, 0x80};
        x[15] = (uint8_t)(i % 200);
        x[14] = (uint8_t)(x[15] % 7);
        y[15] = 1;
        ip_addr s = addr_v6(x), d = addr_v6(y);
        n = eth_frame(fr, &s, &d, 50);
        pcap_record(f, 200 + i, 0, fr, n, n);
    }
    fclose(f);

    /* trunc: two packets, then a record cut in the middle */
    f = pcap_create(trunc, 1);
    ip_addr t1 = A("172.16.0.1"), t2 = A("172.16.0.2");
    n = eth_frame(fr, &t1, &t2, 30);
    pcap_record(f, 300, 0, fr, n, n);
    pcap_record(f, 301, 0, fr, n, n);
    put32(f, 302);
    put32(f, 0);
    put32(f, n);
    put32(f, n);
    fwrite(fr, 1, n / 2, f);
    fclose(f);

    /* odd: a link type nobody decodes (USER0) */
    f = pcap_create(odd, 147);
    pcap_record(f, 400, 0, fr, 40, 40);
    pcap_record(f, 401, 0, fr, 40, 40);
    fclose(f);

    char err[256];
    capture *probe = capture_open(good, NULL, err, sizeof err);
    if (!probe)
        test_skip("capture is not implemented in this build (stub)");
    capture_close(probe);
    if (!decode_linktype_supported(LINKTYPE_ETHERNET))
        test_skip("decode is not implemented in this build (stub)");

    /* 1: one good file, exact graph and counters */
    graph *g = graph_create();
    const char *p1[] = {good};
    loader *l = run(p1, 1, NULL, g);
    CHECK_INT(ST(l, files_read), 1);
    CHECK_INT(ST(l, files_failed), 0);
    CHECK_INT(ST(l, packets), 6);
    CHECK_INT(ST(l, ip_packets), 4);
    CHECK_INT(ST(l, skipped[DECODE_NOT_IP]), 1);
    CHECK_INT(ST(l, skipped[DECODE_TRUNCATED]), 1);
    CHECK_INT(loader_problem_count(l), 0);
    CHECK(loader_seconds(l) >= 0);
    CHECK_INT(graph_node_count(g), 3);
    CHECK_INT(graph_edge_count(g), 3);
    uint32_t e = edge_between(g, "10.0.0.1", "10.0.0.2");
    CHECK(e != UINT32_MAX);
    if (e != UINT32_MAX) {
        const graph_edge *ge = graph_edge_at(g, e);
        CHECK_INT(atomic_load(&ge->packets), 2);
        CHECK_INT(atomic_load(&ge->first_ns), 100000000000LL);
        CHECK_INT(atomic_load(&ge->last_ns), 101000005000LL);
    }
    CHECK(edge_between(g, "192.168.1.9", "192.168.1.9") != UINT32_MAX);
    ip_addr cc = c;
    uint32_t ic = graph_find(g, &cc);
    CHECK(ic != UINT32_MAX);
    if (ic != UINT32_MAX) {
        CHECK_INT(atomic_load(&graph_node_at(g, ic)->packets), 2);
        CHECK_INT(atomic_load(&graph_node_at(g, ic)->bytes), 1000 + 14 + 20 + 8);
        CHECK_INT(atomic_load(&graph_node_at(g, ic)->degree), 3);
    }
    CHECK(atomic_load(&publishes) >= 1);
    CHECK_INT(ST(l, file_bytes_done), ST(l, file_bytes_total));
    loader_destroy(l);
    graph_destroy(g);

    /* 2: every kind of problem in one run; the good files still count */
    g = graph_create();
    atomic_store(&publishes, 0);
    const char *p2[] = {missing, good, trunc, odd, six};
    l = run(p2, 5, NULL, g);
    CHECK_INT(ST(l, files_read), 3);   /* good, odd, six */
    CHECK_INT(ST(l, files_failed), 2); /* missing, trunc */
    CHECK_INT(loader_problem_count(l), 3); /* + odd: nothing in it could be decoded */
    CHECK_INT(ST(l, skipped[DECODE_UNSUPPORTED]), 2);
    CHECK_INT(ST(l, packets), 6 + 2 + 2 + 20000);
    CHECK_INT(ST(l, ip_packets), 4 + 2 + 20000);
    CHECK(edge_between(g, "172.16.0.1", "172.16.0.2") != UINT32_MAX);
    CHECK_INT(graph_node_count(g), 3 + 2 + 200 + 1);
    CHECK_INT(graph_edge_count(g), 3 + 1 + 200);
    CHECK(atomic_load(&publishes) >= 20000 / 4096);
    loader_destroy(l);
    graph_destroy(g);

    /* 3: a filter */
    g = graph_create();
    const char *p3[] = {good, six};
    l = run(p3, 2, "ip6", g);
    CHECK_INT(ST(l, filtered), 6);
    CHECK_INT(ST(l, ip_packets), 20000);
    CHECK_INT(graph_edge_count(g), 200);
    loader_destroy(l);
    graph_destroy(g);

    /* 4: cancel stops a long run promptly (the same file many times) */
    g = graph_create();
    const char *many[400];
    for (int i = 0; i < 400; i++)
        many[i] = six;
    loader_desc d = {.paths = many, .npaths = 400, .graph = g};
    struct timespec c0, c1;
    l = loader_start(&d);
    CHECK(l != NULL);
    usleep(20000);
    clock_gettime(CLOCK_MONOTONIC, &c0);
    loader_cancel(l);
    loader_join(l);
    clock_gettime(CLOCK_MONOTONIC, &c1);
    double waited = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    CHECK(loader_done(l));
    CHECK(ST(l, files_read) < 400);
    if (waited > 1.0) {
        fprintf(stderr, "cancel took %.3f s\n", waited);
        test_failures++;
    }
    loader_destroy(l);
    graph_destroy(g);
    loader_destroy(NULL);

    /* 5: the messages, as a user sees them: one line per problem, naming the file */
    char *out = NULL, *errs = NULL;
    const char *argv[] = {IPVIZ_BIN, "--headless", "-n", "0", "-q", missing, good, trunc, odd,
                          NULL};
    int st = test_run(argv, &out, &errs);
    CHECK(st != 0);
    int lines = 0;
    for (const char *s = errs; s && *s; s++)
        lines += *s == '\n';
    if (lines != 3 || !strstr(errs, missing) || !strstr(errs, trunc) || !strstr(errs, odd)) {
        fprintf(stderr, "expected 3 lines naming %s, %s and %s; got:\n%s", missing, trunc, odd,
                errs ? errs : "(null)");
        test_failures++;
    }
    free(out);
    free(errs);
    check_trickle();
    return test_result();
}
