/* The decoder against tshark on the real captures in ../shared/pcaps.
 *
 * Every capture listed in INDEX.tsv is read with libpcap directly and each
 * packet decoded. To avoid starting tshark 1,500 times (about a second each
 * here), the packets are also copied, with the capture writer, into a few
 * pcapng files, one interface per source capture (so each keeps its link
 * type), and tshark dissects those, two at a time. Per packet, tshark's first
 * IP header is the first "ip" or "ipv6" in frame.protocols and that layer's
 * src/dst (occurrence=f); a bogus header shows the layer without addresses,
 * which matches our non-OK statuses. Disagreements that are tshark's doing
 * are listed in `exceptions` with the reason; any other one fails the test.
 *
 * Without tshark, or under the sanitizers (IPVIZ_SANITIZED, set by CI, where
 * the comparison would only repeat the plain run), every packet is still
 * decoded, which is what ASan needs to see. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capwrite.h"
#include "decode.h"
#include "util.h"

enum { NBATCH = 6 };

typedef struct pkt {
    uint8_t status;
    ip_addr src, dst;
} pkt;

typedef struct file {
    char *path;      /* relative to the pcaps folder */
    uint32_t linktype;
    uint32_t first;  /* index of its first packet in the packet array */
    uint32_t count;
    int batch;
    uint32_t agree;
    bool readable;
} file;

static pkt *pkts;
static size_t npkts, cappkts;

/* Disagreements judged to be tshark's heuristics or tshark's choice; matched
 * by a substring of the capture path and the 1-based packet number within
 * that capture (0: every packet of the capture). */
static const struct exception {
    const char *path;
    uint32_t frame;
    const char *reason;
} exceptions[] = {
    /* IPv4 with a loose source route option: Wireshark shows the route's
     * final destination as ip.dst (and the header's destination as "Via");
     * ours is the header's destination field, as scapy's p[IP].dst is. */
    {"suricata-verify/tests/detect-ipopts/input.pcap", 2, "ip.dst from the source route"},
    {"suricata-verify/tests/detect-ipopts/input.pcap", 7, "ip.dst from the source route"},
    {NULL, 0, NULL},
};

static const struct exception *find_exception(const char *path, uint32_t frame)
{
    for (size_t i = 0; exceptions[i].path; i++)
        if (strstr(path, exceptions[i].path) && (!exceptions[i].frame || exceptions[i].frame == frame))
            return &exceptions[i];
    return NULL;
}

static uint32_t dlt_to_linktype(int dlt)
{
    switch (dlt) {
    case 12:
    case 14: return LINKTYPE_RAW;
    default: return (uint32_t)dlt;
    }
}

static void add_pkt(decode_status s, const decode_result *r)
{
    if (npkts == cappkts) {
        cappkts = cappkts ? cappkts * 2 : 65536;
        pkts = realloc(pkts, cappkts * sizeof *pkts);
        if (!pkts)
            abort();
    }
    pkt *p = &pkts[npkts++];
    memset(p, 0, sizeof *p);
    p->status = (uint8_t)s;
    if (s == DECODE_OK)
        p->src = r->src, p->dst = r->dst;
}

/* Reads one capture, decodes its packets, and copies them to w (if any). */
static bool read_capture(const char *dir, file *f, capw *w, unsigned long *by_status)
{
    char path[4096], err[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, f->path);
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    f->first = (uint32_t)npkts;
    if (!pc)
        return false;
    f->readable = true;
    f->linktype = dlt_to_linktype(pcap_datalink(pc));
    uint32_t iface = 0;
    if (w)
        iface = capw_ng_interface(w, f->linktype, (uint32_t)pcap_snapshot(pc), 9);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (pcap_next_ex(pc, &h, &data) == 1) {
        decode_result r;
        decode_status s = decode_packet(f->linktype, data, h->caplen, &r);
        by_status[s]++;
        add_pkt(s, &r);
        if (w)
            capw_packet(w, iface, (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec, data,
                        h->caplen, h->len < h->caplen ? h->caplen : h->len);
    }
    pcap_close(pc);
    f->count = (uint32_t)(npkts - f->first);
    return true;
}

/* Whether two files hold the same bytes (false if either is missing). */
static bool same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = test_read_file(a, &na), *y = test_read_file(b, &nb);
    bool same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static bool have_tshark(void)
{
    return system("tshark --version >/dev/null 2>&1") == 0;
}

static pid_t start_tshark(const char *in, const char *out)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out, "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execlp("tshark", "tshark", "-n", "-r", in, "-T", "fields", "-e", "frame.protocols",
               "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst", "-E",
               "occurrence=f", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Splits a tab-separated line into up to 5 fields in place. */
static void split(char *line, char *fields[5])
{
    for (int i = 0; i < 5; i++) {
        fields[i] = line;
        char *t = line ? strchr(line, '\t') : NULL;
        if (t) {
            *t = 0;
            line = t + 1;
        } else {
            line = NULL;
        }
        if (!fields[i])
            fields[i] = "";
    }
    char *nl = strchr(fields[4], '\n');
    if (nl)
        *nl = 0;
}

/* tshark's verdict for one line: *has is whether it shows addresses. */
static bool tshark_addrs(char *line, bool *has, ip_addr *src, ip_addr *dst)
{
    char *f[5];
    split(line, f);
    *has = false;
    int which = 0; /* 4 or 6: the first IP layer */
    for (char *tok = strtok(f[0], ":"); tok; tok = strtok(NULL, ":")) {
        if (!strcmp(tok, "ip")) {
            which = 4;
            break;
        }
        if (!strcmp(tok, "ipv6")) {
            which = 6;
            break;
        }
    }
    if (!which)
        return true;
    const char *s = which == 4 ? f[1] : f[3], *d = which == 4 ? f[2] : f[4];
    if (!*s || !*d)
        return true;
    *has = true;
    return addr_parse(s, src) && addr_parse(d, dst);
}

int main(void)
{
    const char *dir = IPVIZ_SHARED_PCAPS;
    char index_path[4096];
    snprintf(index_path, sizeof index_path, "%s/INDEX.tsv", dir);
    FILE *idx = fopen(index_path, "r");
    if (!idx)
        test_skip("no ../shared/pcaps/INDEX.tsv");

    file *files = NULL;
    size_t nfiles = 0;
    uint64_t total_listed = 0;
    char line[8192];
    while (fgets(line, sizeof line, idx)) {
        if (!strncmp(line, "relative_path", 13))
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        files = realloc(files, (nfiles + 1) * sizeof *files);
        memset(&files[nfiles], 0, sizeof *files);
        files[nfiles].path = strdup(line);
        char *cols = tab + 1;
        /* bytes sha format linktypes packets ... : packets is the 5th column after path */
        for (int c = 0; c < 4 && cols; c++) {
            cols = strchr(cols, '\t');
            if (cols)
                cols++;
        }
        uint64_t np = cols ? strtoull(cols, NULL, 10) : 0;
        total_listed += np;
        files[nfiles].batch = (int)(total_listed * NBATCH / 200000) % NBATCH;
        nfiles++;
    }
    fclose(idx);

    bool compare = have_tshark() && !getenv("IPVIZ_SANITIZED");
    if (!compare)
        fprintf(stderr, "tshark comparison off (%s): decoding only\n",
                getenv("IPVIZ_SANITIZED") ? "sanitized build" : "no tshark");

    /* Read everything, batch by batch, writing the batch files. */
    unsigned long by_status[DECODE_STATUS_COUNT] = {0};
    char batch_in[NBATCH][512], batch_out[NBATCH][512];
    size_t unreadable = 0;
    bool cached[NBATCH] = {false};
    for (int b = 0; b < NBATCH; b++) {
        char name[64];
        snprintf(name, sizeof name, "tshark-batch-%d.pcapng", b);
        snprintf(batch_in[b], sizeof batch_in[b], "%s", test_tmp_path(name));
        snprintf(name, sizeof name, "tshark-batch-%d.txt", b);
        snprintf(batch_out[b], sizeof batch_out[b], "%s", test_tmp_path(name));
        char fresh[600];
        snprintf(fresh, sizeof fresh, "%s.new", batch_in[b]);
        capw *w = compare ? capw_open_pcapng(fresh, false) : NULL;
        if (compare && !w) {
            fprintf(stderr, "cannot write %s\n", fresh);
            return 1;
        }
        for (size_t i = 0; i < nfiles; i++)
            if (files[i].batch == b && !read_capture(dir, &files[i], w, by_status))
                unreadable++;
        CHECK(capw_close(w));
        /* tshark's output from an earlier run stands if its input is the same */
        if (compare && same_file(fresh, batch_in[b]) && access(batch_out[b], R_OK) == 0) {
            remove(fresh);
            cached[b] = true;
        } else if (compare) {
            remove(batch_out[b]);
            rename(fresh, batch_in[b]);
        }
    }
    fprintf(stderr, "%zu captures (%zu libpcap cannot open), %zu packets:", nfiles, unreadable,
            npkts);
    for (int s = 0; s < DECODE_STATUS_COUNT; s++)
        fprintf(stderr, " %s %lu%s", decode_status_name((decode_status)s), by_status[s],
                s + 1 < DECODE_STATUS_COUNT ? "," : "\n");
    CHECK(npkts > 0);
    if (!compare)
        return test_result();

    /* tshark, two at a time. */
    pid_t running[2] = {0, 0};
    int running_batch[2] = {0, 0};
    int next = 0, done = 0;
    while (done < NBATCH) {
        while (next < NBATCH && cached[next])
            next++, done++;
        for (int s = 0; s < 2; s++) {
            if (!running[s] && next < NBATCH && !cached[next]) {
                running_batch[s] = next;
                char part[600];
                snprintf(part, sizeof part, "%s.part", batch_out[next]);
                running[s] = start_tshark(batch_in[next], part);
                next++;
            }
        }
        if (done >= NBATCH)
            break;
        int st;
        pid_t pid = wait(&st);
        if (pid < 0)
            break;
        int batch = -1;
        for (int s = 0; s < 2; s++)
            if (running[s] == pid)
                running[s] = 0, batch = running_batch[s];
        if (batch < 0)
            continue;
        char part[600];
        snprintf(part, sizeof part, "%s.part", batch_out[batch]);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "tshark failed on %s (status %d)\n", batch_in[batch], st);
            test_failures++;
        } else {
            rename(part, batch_out[batch]);
        }
        done++;
    }

    /* Compare, batch by batch, in the order the packets were written. */
    uint64_t compared = 0, agreeing = 0, excused = 0;
    size_t files_agree = 0, shown = 0;
    for (int b = 0; b < NBATCH; b++) {
        FILE *in = fopen(batch_out[b], "r");
        if (!in) {
            fprintf(stderr, "no tshark output %s\n", batch_out[b]);
            test_failures++;
            continue;
        }
        for (size_t i = 0; i < nfiles; i++) {
            file *f = &files[i];
            if (f->batch != b)
                continue;
            for (uint32_t k = 0; k < f->count; k++) {
                if (!fgets(line, sizeof line, in)) {
                    fprintf(stderr, "%s: tshark output ends at packet %u\n", f->path, k + 1);
                    test_failures++;
                    goto next_batch;
                }
                bool has;
                ip_addr ts, td;
                if (!tshark_addrs(line, &has, &ts, &td)) {
                    fprintf(stderr, "%s #%u: cannot parse tshark's addresses\n", f->path, k + 1);
                    test_failures++;
                    continue;
                }
                const pkt *p = &pkts[f->first + k];
                bool ours = p->status == DECODE_OK;
                bool same = ours == has &&
                            (!has || (addr_equal(&p->src, &ts) && addr_equal(&p->dst, &td)));
                compared++;
                if (same) {
                    agreeing++;
                    f->agree++;
                    continue;
                }
                const struct exception *ex = find_exception(f->path, k + 1);
                if (ex) {
                    excused++;
                    continue;
                }
                test_failures++;
                if (shown++ < 60) {
                    char a[ADDR_STRLEN], c[ADDR_STRLEN], e[ADDR_STRLEN], g[ADDR_STRLEN];
                    fprintf(stderr, "DIFF %s #%u (linktype %u): ours %s %s %s, tshark %s %s\n",
                            f->path, k + 1, f->linktype, decode_status_name(p->status),
                            ours ? addr_format(&p->src, a) : "", ours ? addr_format(&p->dst, c) : "",
                            has ? addr_format(&ts, e) : "-", has ? addr_format(&td, g) : "-");
                }
            }
            if (f->readable && f->agree == f->count)
                files_agree++;
        }
    next_batch:
        fclose(in);
    }
    size_t nread = nfiles - unreadable;
    printf("tshark agreement: %llu / %llu packets agree (%.4f%%), %llu excused as tshark-side; "
           "%zu / %zu files fully agree\n",
           (unsigned long long)agreeing, (unsigned long long)compared,
           compared ? 100.0 * (double)agreeing / (double)compared : 0.0,
           (unsigned long long)excused, files_agree, nread);
    if (shown > 60)
        fprintf(stderr, "(%zu more disagreements not shown)\n", shown - 60);
    return test_result();
}
