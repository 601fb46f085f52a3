/* test_capture: the capture reader on small pcap and pcapng files written
 * here byte by byte (both byte orders, micro/nanosecond, several sections and
 * interfaces), standard input through a pipe, every kind of bad input, and the
 * per-link-type BPF filter. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "util.h"
#include "util_capbytes.h"

/* ---- pcapng ---- */

static size_t block_begin(capbytes *b, uint32_t type)
{
    size_t at = b->n;
    capbytes_put32(b, type);
    capbytes_put32(b, 0);
    return at;
}

static void block_end(capbytes *b, size_t at)
{
    capbytes_pad4(b);
    uint32_t len = (uint32_t)(b->n - at + 4);
    capbytes_put32(b, len);
    capbytes_set32(b, at + 4, len);
}

static void shb(capbytes *b)
{
    size_t at = block_begin(b, 0x0A0D0D0A);
    capbytes_put32(b, 0x1A2B3C4D);
    capbytes_put16(b, 1);
    capbytes_put16(b, 0);
    capbytes_put64(b, UINT64_MAX);
    block_end(b, at);
}

/* tsresol < 0: no option; tsoffset 0: no option. */
static void idb(capbytes *b, uint16_t linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
    size_t at = block_begin(b, 1);
    capbytes_put16(b, linktype);
    capbytes_put16(b, 0);
    capbytes_put32(b, snaplen);
    capbytes_put16(b, 2); /* if_name, to check options are skipped */
    capbytes_put16(b, 3);
    capbytes_put(b, "ab0", 3);
    capbytes_pad4(b);
    if (tsresol >= 0) {
        capbytes_put16(b, 9);
        capbytes_put16(b, 1);
        uint8_t r = (uint8_t)tsresol;
        capbytes_put(b, &r, 1);
        capbytes_pad4(b);
    }
    if (tsoffset) {
        capbytes_put16(b, 14);
        capbytes_put16(b, 8);
        capbytes_put64(b, (uint64_t)tsoffset);
    }
    capbytes_put16(b, 0);
    capbytes_put16(b, 0);
    block_end(b, at);
}

static void epb(capbytes *b, uint32_t ifc, uint64_t ts, const uint8_t *data, uint32_t caplen, uint32_t len)
{
    size_t at = block_begin(b, 6);
    capbytes_put32(b, ifc);
    capbytes_put32(b, (uint32_t)(ts >> 32));
    capbytes_put32(b, (uint32_t)ts);
    capbytes_put32(b, caplen);
    capbytes_put32(b, len);
    capbytes_put(b, data, caplen);
    block_end(b, at);
}

static void pb(capbytes *b, uint16_t ifc, uint64_t ts, const uint8_t *data, uint32_t caplen, uint32_t len)
{
    size_t at = block_begin(b, 2);
    capbytes_put16(b, ifc);
    capbytes_put16(b, 0);
    capbytes_put32(b, (uint32_t)(ts >> 32));
    capbytes_put32(b, (uint32_t)ts);
    capbytes_put32(b, caplen);
    capbytes_put32(b, len);
    capbytes_put(b, data, caplen);
    block_end(b, at);
}

static void spb(capbytes *b, const uint8_t *data, uint32_t len)
{
    size_t at = block_begin(b, 3);
    capbytes_put32(b, len);
    capbytes_put(b, data, len);
    block_end(b, at);
}

static void other_block(capbytes *b, uint32_t type, size_t body)
{
    size_t at = block_begin(b, type);
    for (size_t i = 0; i < body; i++)
        capbytes_put(b, "x", 1);
    block_end(b, at);
}

/* ---- expectations ---- */

typedef struct want {
    uint32_t linktype, iface, caplen, len;
    int64_t ts_ns;
    uint8_t src; /* last byte of the IPv4 source, found at ip_off */
    uint32_t ip_off;
} want;

static void check_packets(const char *what, capture *c, const want *w, int n)
{
    capture_packet p;
    for (int i = 0; i < n; i++) {
        capture_status s = capture_next(c, &p);
        if (s != CAPTURE_PACKET) {
            fprintf(stderr, "%s: packet %d: expected a packet, got status %d (%s)\n", what, i, s,
                    capture_error(c));
            test_failures++;
            return;
        }
        CHECK_INT(p.linktype, w[i].linktype);
        CHECK_INT(p.iface, w[i].iface);
        CHECK_INT(p.caplen, w[i].caplen);
        CHECK_INT(p.len, w[i].len);
        CHECK_INT(p.ts_ns, w[i].ts_ns);
        if (p.caplen >= w[i].ip_off + 20)
            CHECK_INT(p.data[w[i].ip_off + 15], w[i].src);
    }
    capture_status s = capture_next(c, &p);
    if (s != CAPTURE_END)
        fprintf(stderr, "%s: error: %s\n", what, capture_error(c));
    CHECK_INT(s, CAPTURE_END);
}

static capture *open_ok(const char *path, const char *filter)
{
    char err[256];
    capture *c = capture_open(path, filter, err, sizeof err);
    if (!c) {
        fprintf(stderr, "capture_open(%s): %s\n", path, err);
        test_failures++;
    }
    return c;
}

/* ---- tests ---- */

static void test_pcap_variants(void)
{
    uint8_t f[64], r[64];
    size_t fl = capbytes_ether_ipv4(f, 1, 2), rl = capbytes_ipv4(r, 3, 4);
    for (int be = 0; be < 2; be++)
        for (int ns = 0; ns < 2; ns++) {
            capbytes b = {.be = be};
            capbytes_pcap_header(&b, ns, 1, 65535);
            capbytes_pcap_record(&b, 1700000000, ns ? 123456789 : 123456, f, (uint32_t)fl, 60);
            f[14 + 15] = 9;
            capbytes_pcap_record(&b, 1700000001, 5, f, 20, (uint32_t)fl); /* snapped */
            f[14 + 15] = 1;
            capbytes_pcap_record(&b, 2, 0, f, (uint32_t)fl, 10); /* corrupt: len < caplen */
            char name[64];
            snprintf(name, sizeof name, "v_%s_%s.pcap", be ? "be" : "le", ns ? "ns" : "us");
            const char *path = capbytes_write(name, &b);
            capture *c = open_ok(path, NULL);
            if (!c)
                continue;
            CHECK_STR(capture_format(c), ns ? "pcap-ns" : "pcap");
            CHECK_INT(capture_size(c), b.n);
            want w[3] = {
                {1, 0, (uint32_t)fl, 60, 1700000000LL * 1000000000 + (ns ? 123456789 : 123456000), 1, 14},
                {1, 0, 20, (uint32_t)fl, 1700000001LL * 1000000000 + (ns ? 5 : 5000), 0, 14},
                {1, 0, (uint32_t)fl, (uint32_t)fl, 2000000000LL, 1, 14},
            };
            check_packets(name, c, w, 3);
            CHECK_INT(capture_offset(c), b.n);
            capture_close(c);
            free(b.p);
        }
    /* Kuznetzov's modified pcap (magic a1b2cd34): 8 more bytes per record header */
    {
        capbytes b = {0};
        capbytes_pcap_header(&b, false, 1, 65535);
        capbytes_set32(&b, 0, 0xa1b2cd34);
        capbytes_put32(&b, 7);
        capbytes_put32(&b, 8);
        capbytes_put32(&b, (uint32_t)fl);
        capbytes_put32(&b, (uint32_t)fl);
        capbytes_put32(&b, 2);          /* ifindex */
        capbytes_put32(&b, 0x08000000); /* protocol, pkt_type, pad */
        capbytes_put(&b, f, fl);
        capture *c = open_ok(capbytes_write("kuznetzov.pcap", &b), NULL);
        if (c) {
            want w = {1, 0, (uint32_t)fl, (uint32_t)fl, 7000008000LL, 1, 14};
            check_packets("kuznetzov.pcap", c, &w, 1);
            capture_close(c);
        }
        free(b.p);
    }
    /* Raw IP as 101, 12 and 14 in the file, and IPv4 (228): LINKTYPE_* out. */
    const uint32_t in[] = {101, 12, 14, 228, 0, 113};
    const uint32_t out[] = {101, 101, 101, 228, 0, 113};
    for (int i = 0; i < 6; i++) {
        capbytes b = {0};
        capbytes_pcap_header(&b, false, in[i], 262144);
        capbytes_pcap_record(&b, 1, 0, r, (uint32_t)rl, (uint32_t)rl);
        char name[64];
        snprintf(name, sizeof name, "lt%u.pcap", in[i]);
        capture *c = open_ok(capbytes_write(name, &b), NULL);
        if (c) {
            want w = {out[i], 0, (uint32_t)rl, (uint32_t)rl, 1000000000, 3, 0};
            check_packets(name, c, &w, 1);
            capture_close(c);
        }
        free(b.p);
    }
}

/* Two sections (little-, then big-endian), three interfaces with different
 * link types and timestamp resolutions, every packet block kind, and blocks
 * the reader must skip. */
static capbytes make_pcapng(void)
{
    uint8_t f[64], r[64];
    size_t fl = capbytes_ether_ipv4(f, 1, 2), rl = capbytes_ipv4(r, 3, 4);
    capbytes b = {.be = false};
    shb(&b);
    idb(&b, 1, 65535, -1, 0);       /* Ethernet, microseconds */
    other_block(&b, 4, 12);         /* name resolution: skipped */
    idb(&b, 101, 0, 9, 100);        /* raw IP, nanoseconds, +100 s */
    epb(&b, 0, 1700000000123456ULL, f, (uint32_t)fl, (uint32_t)fl);
    epb(&b, 1, 5000000007ULL, r, (uint32_t)rl, 1500);
    other_block(&b, 0x40000BAD, 5); /* unknown, custom: skipped */
    spb(&b, f, (uint32_t)fl);       /* interface 0 of this section */
    pb(&b, 1, 1000000000ULL, r, 12, 40);
    capbytes b2 = {.be = true};
    shb(&b2);
    idb(&b2, 228, 0, 0x80 | 10, 0); /* IPv4, 2^-10 s */
    idb(&b2, 1, 16, -1, 0);         /* Ethernet, snaplen 16 */
    epb(&b2, 0, 3 * 1024 + 512, r, (uint32_t)rl, (uint32_t)rl);
    epb(&b2, 1, 7, f, (uint32_t)fl, (uint32_t)fl);
    spb(&b2, r, (uint32_t)rl);      /* section 2's interface 0: IPv4 */
    capbytes_put(&b, b2.p, b2.n);
    free(b2.p);
    return b;
}

/* A block larger than the reader's buffer (skipped), then a packet. */
static void test_pcapng_big_block(void)
{
    uint8_t f[64];
    size_t fl = capbytes_ether_ipv4(f, 7, 8);
    capbytes b = {0};
    shb(&b);
    idb(&b, 1, 0, -1, 0);
    other_block(&b, 5, 3u << 20); /* interface statistics, 3 MiB */
    epb(&b, 0, 1, f, (uint32_t)fl, (uint32_t)fl);
    capture *c = open_ok(capbytes_write("bigblock.pcapng", &b), NULL);
    if (c) {
        want w = {1, 0, (uint32_t)fl, (uint32_t)fl, 1000, 7, 14};
        check_packets("bigblock.pcapng", c, &w, 1);
        capture_close(c);
    }
    free(b.p);
}

static const want pcapng_want[] = {
    {1, 0, 34, 34, 1700000000123456000LL, 1, 14},
    {101, 1, 20, 1500, 105000000007LL, 3, 0},
    {1, 0, 34, 34, 0, 1, 14},
    {101, 1, 12, 40, 101000000000LL, 3, 0},
    {228, 2, 20, 20, 3500000000LL, 3, 0},
    {1, 3, 34, 34, 7000LL, 1, 14}, /* EPB: snaplen does not cut it */
    {228, 2, 20, 20, 0, 3, 0},
};

static void test_pcapng(void)
{
    capbytes b = make_pcapng();
    const char *path = capbytes_write("multi.pcapng", &b);
    capture *c = open_ok(path, NULL);
    if (c) {
        CHECK_STR(capture_format(c), "pcapng");
        check_packets("multi.pcapng", c, pcapng_want, 7);
        CHECK_INT(capture_offset(c), b.n);
        CHECK_INT(capture_size(c), b.n);
        capture_close(c);
    }
    free(b.p);
}

/* "-" reads standard input; a forked writer feeds it through a pipe in small
 * pieces so the reader must not assume whole reads. */
static void test_stdin(void)
{
    capbytes ng = make_pcapng();
    capbytes pc = {.be = true};
    uint8_t f[64];
    size_t fl = capbytes_ether_ipv4(f, 1, 2);
    capbytes_pcap_header(&pc, true, 1, 65535);
    for (int i = 0; i < 1000; i++)
        capbytes_pcap_record(&pc, (uint32_t)i, 1, f, (uint32_t)fl, (uint32_t)fl);
    for (int k = 0; k < 2; k++) {
        capbytes *b = k ? &pc : &ng;
        int fds[2];
        if (pipe(fds) != 0)
            return;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            for (size_t at = 0; at < b->n;) {
                size_t n = b->n - at < 7 ? b->n - at : 7;
                ssize_t w = write(fds[1], b->p + at, n);
                if (w <= 0)
                    _exit(1);
                at += (size_t)w;
            }
            _exit(0);
        }
        close(fds[1]);
        int saved = dup(0);
        dup2(fds[0], 0);
        close(fds[0]);
        capture *c = open_ok("-", NULL);
        if (c) {
            CHECK_INT(capture_size(c), 0);
            if (k == 0) {
                check_packets("stdin pcapng", c, pcapng_want, 7);
            } else {
                CHECK_STR(capture_format(c), "pcap-ns");
                capture_packet p;
                int n = 0;
                capture_status s;
                while ((s = capture_next(c, &p)) == CAPTURE_PACKET) {
                    if (p.ts_ns != (int64_t)n * 1000000000 + 1)
                        break;
                    n++;
                }
                CHECK_INT(s, CAPTURE_END);
                CHECK_INT(n, 1000);
            }
            CHECK_INT(capture_offset(c), b->n);
            capture_close(c);
        }
        dup2(saved, 0);
        close(saved);
        int st;
        waitpid(pid, &st, 0);
    }
    free(ng.p);
    free(pc.p);
}

static void expect_open_error(const char *path, const char *want_sub)
{
    char err[256] = "";
    capture *c = capture_open(path, NULL, err, sizeof err);
    if (c) {
        fprintf(stderr, "capture_open(%s): expected an error containing \"%s\", it opened\n", path, want_sub);
        test_failures++;
        capture_close(c);
    } else if (!strstr(err, want_sub) || strchr(err, '\n')) {
        fprintf(stderr, "capture_open(%s): expected \"%s\" in the error, got \"%s\"\n", path, want_sub, err);
        test_failures++;
    }
}

/* Opens the file, expects `good` packets, then CAPTURE_ERROR mentioning want_sub. */
static void expect_read_error(const char *name, const capbytes *b, int good, const char *want_sub)
{
    capture *c = open_ok(capbytes_write(name, b), NULL);
    if (!c)
        return;
    capture_packet p;
    int n = 0;
    capture_status s;
    while ((s = capture_next(c, &p)) == CAPTURE_PACKET)
        n++;
    if (s != CAPTURE_ERROR || n != good || !strstr(capture_error(c), want_sub)) {
        fprintf(stderr, "%s: expected %d packets then an error with \"%s\"; got %d packets, status %d, \"%s\"\n",
                name, good, want_sub, n, s, capture_error(c));
        test_failures++;
    }
    CHECK_INT(capture_next(c, &p), CAPTURE_ERROR); /* stays failed */
    capture_close(c);
}

static void test_bad_input(void)
{
    expect_open_error(test_tmp_path("does-not-exist.pcap"), "no such file");
    expect_open_error(IPVIZ_TEST_TMP, "is a directory");
    capbytes b = {0};
    expect_open_error(capbytes_write("empty.pcap", &b), "empty file");
    capbytes_put(&b, "<html><body>", 12);
    expect_open_error(capbytes_write("page.pcap", &b), "not a pcap or pcapng capture (starts with 3c 68 74 6d 6c 3e 3c 62)");
    b.n = 2;
    expect_open_error(capbytes_write("short.pcap", &b), "too short");
    b.n = 0;
    capbytes_pcap_header(&b, false, 1, 65535);
    b.n = 10;
    expect_open_error(capbytes_write("header.pcap", &b), "truncated file header (10 of 24 bytes)");
    b.n = 0;
    capbytes_pcap_header(&b, false, 1, 65535);
    b.p[4] = 1; /* version 1.4 */
    expect_open_error(capbytes_write("version.pcap", &b), "cannot read as pcap");

    if (geteuid() != 0) {
        b.n = 0;
        capbytes_pcap_header(&b, false, 1, 65535);
        const char *p = capbytes_write("noread.pcap", &b);
        chmod(p, 0);
        expect_open_error(p, "permission denied");
        chmod(p, 0644);
    }

    /* classic pcap: cut inside a record, inside a record header, absurd caplen */
    uint8_t f[64];
    size_t fl = capbytes_ether_ipv4(f, 1, 2);
    b.n = 0;
    capbytes_pcap_header(&b, false, 1, 65535);
    for (int i = 0; i < 3; i++)
        capbytes_pcap_record(&b, 1, 0, f, (uint32_t)fl, (uint32_t)fl);
    size_t full = b.n;
    b.n = full - 5;
    expect_read_error("cut-record.pcap", &b, 2, "truncated record after 2 packets");
    b.n = full - (fl + 16) + 7;
    expect_read_error("cut-header.pcap", &b, 2, "truncated record after 2 packets");
    b.n = full;
    capbytes_pcap_record(&b, 1, 0, f, 0, 0);
    capbytes_set32(&b, b.n - 8, 300000);
    expect_read_error("absurd.pcap", &b, 3, "absurd record length 300000 after 3 packets");

    /* pcapng */
    capbytes ng = make_pcapng();
    size_t ngfull = ng.n;
    ng.n = ngfull - 3;
    expect_read_error("cut.pcapng", &ng, 6, "truncated block after 6 packets");
    ng.n = ngfull;
    capbytes tail = {.be = true};
    size_t at = block_begin(&tail, 6);
    capbytes_put32(&tail, 0);
    capbytes_put(&tail, f, fl);
    block_end(&tail, at);
    capbytes_set32(&tail, 4, 0x7ffffff0);
    capbytes_put(&ng, tail.p, tail.n);
    expect_read_error("absurd-block.pcapng", &ng, 7, "absurd block length 2147483632 after 7 packets");
    ng.n = ngfull;
    tail.n = 0;
    epb(&tail, 0, 0, f, (uint32_t)fl, (uint32_t)fl);
    capbytes_set32(&tail, 20, 300000);
    capbytes_put(&ng, tail.p, tail.n);
    expect_read_error("absurd-caplen.pcapng", &ng, 7, "absurd record length 300000 after 7 packets");
    ng.n = ngfull;
    tail.n = 0;
    epb(&tail, 0, 0, f, (uint32_t)fl, (uint32_t)fl);
    capbytes_set32(&tail, 20, 200);
    capbytes_put(&ng, tail.p, tail.n);
    expect_read_error("caplen-block.pcapng", &ng, 7, "200 captured bytes");
    ng.n = ngfull;
    tail.n = 0;
    epb(&tail, 2, 0, f, (uint32_t)fl, (uint32_t)fl);
    capbytes_put(&ng, tail.p, tail.n);
    expect_read_error("iface.pcapng", &ng, 7, "interface 2 does not exist");
    ng.n = ngfull;
    tail.n = 0;
    epb(&tail, 0, 0, f, (uint32_t)fl, (uint32_t)fl);
    capbytes_set32(&tail, tail.n - 4, 12);
    capbytes_put(&ng, tail.p, tail.n);
    expect_read_error("lengths.pcapng", &ng, 7, "lengths differ");
    ng.n = ngfull;
    tail.n = 0;
    capbytes_put32(&tail, 6);
    capbytes_put32(&tail, 13);
    capbytes_put32(&tail, 0);
    capbytes_put(&ng, tail.p, tail.n);
    expect_read_error("odd-length.pcapng", &ng, 7, "absurd block length 13");
    free(tail.p);
    free(ng.p);
    free(b.p);
}

/* A filter on addresses applies to every link type; one on Ethernet
 * addresses cannot compile for raw IP, whose packets come back filtered. */
static void test_filter(void)
{
    char err[256];
    CHECK(capture_check_filter("tcp port 80 or udp", err, sizeof err));
    CHECK(capture_check_filter(NULL, err, sizeof err));
    CHECK(capture_check_filter("ether host 00:11:22:33:44:55", err, sizeof err));
    err[0] = 0;
    CHECK(!capture_check_filter("tcp port", err, sizeof err));
    CHECK(err[0] != 0);
    CHECK(!capture_check_filter("hostt 1.2.3.4", err, sizeof err));

    capbytes b = make_pcapng();
    const char *path = capbytes_write("filter.pcapng", &b);
    /* host 10.0.0.3 is the raw-IP and IPv4 packets' source */
    struct {
        const char *expr;
        const char *pattern; /* per packet: P passes, F filtered */
        bool warn;
    } cases[] = {
        {"src host 10.0.0.3", "FPFFPFP", false}, /* packet 3 is cut before its source */
        {"src host 10.0.0.1", "PFPFFPF", false},
        {"ether dst 00:11:22:33:44:55", "PFPFFPF", true},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        capture *c = open_ok(path, cases[k].expr);
        if (!c)
            continue;
        char got[16] = "";
        capture_packet p;
        capture_status s;
        int n = 0;
        while ((s = capture_next(c, &p)) == CAPTURE_PACKET || s == CAPTURE_FILTERED)
            if (n < 15)
                got[n++] = s == CAPTURE_PACKET ? 'P' : 'F';
        CHECK_STR(got, cases[k].pattern);
        const char *w = capture_filter_warning(c);
        CHECK_INT(w != NULL, cases[k].warn);
        if (w && cases[k].warn && (!strstr(w, "RAW") || !strstr(w, "IPV4"))) {
            fprintf(stderr, "filter warning should name RAW and IPV4: \"%s\"\n", w);
            test_failures++;
        }
        capture_close(c);
    }
    free(b.p);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_pcap_variants();
    test_pcapng();
    test_pcapng_big_block();
    test_stdin();
    test_bad_input();
    test_filter();
    return test_result();
}
