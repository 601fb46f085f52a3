/* test_shared_pcaps: ipviz over the real captures in ../shared/pcaps.
 *
 * Every capture listed in INDEX.tsv is run through
 * `ipviz --headless -q -n 0 --export F.csv`, two at a time: no signal, no
 * sanitizer report, exit 0 for files INDEX.tsv calls "ok", 3 for the ones it
 * calls truncated, and stderr made of whole log lines. Where tshark is
 * installed, the exported edge set (unordered address pairs) is compared with
 * tshark's outermost IP header of each packet (whichever of ip/ipv6 comes
 * first in frame.protocols), and the agreement figure printed.
 *
 * Byte-identical copies (same sha256 in INDEX.tsv) are run once. tshark
 * takes about half a second per run even on tiny files, so the plain
 * little-endian Ethernet pcaps are handed to it in batches (see `batch`);
 * every other file gets tshark alone. Files over 5 MB are not compared (one
 * today), and no tshark run starts after 300 s (IPVIZ_TSHARK_BUDGET_S; the
 * count dropped is printed). IPVIZ_TSHARK_ALL=1 compares every file with no
 * budget. Under sanitizers (IPVIZ_SANITIZED=1 or an ASan build) only the odd
 * files and every 10th other are run, and tshark is not used.
 * IPVIZ_SHARED_PCAPS overrides the folder. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define TSHARK_MAX_BYTES (5u * 1000u * 1000u)
#define SAMPLE_EVERY 10
#define BATCH_FILES 100
#define BATCH_BYTES (8u * 1000u * 1000u)
#define JOBS 2

/* Files where tshark's first IP header differs from ipviz's for a reason
 * judged to be on tshark's side (after looking at the packets). */
static const struct {
    const char *path;
    const char *reason;
} known_diff[] = {
    {"suricata-verify/tests/bug-6875-01/fuzz.pcap",
     "tshark-side: the second record's length is absurd, so Wireshark's pcap-variant guessing "
     "rejects standard pcap and reads the first record 6 bytes late (as 'eth:ethertype:data'); "
     "read as the standard pcap its header says it is, the record is a sane IPv4 packet"},
    {"suricata-verify/tests/detect-ipopts/input.pcap",
     "tshark-side: packets with a loose source route option; tshark's ip.dst is the route's "
     "final hop, not the header's destination field (13.14.15.16), which is what ipviz reads"},
    {NULL, NULL},
};

typedef struct entry {
    char *path;   /* relative to the folder */
    char *full;
    unsigned long long bytes;
    char *sha, *format, *linktypes, *status;
    unsigned long long packets; /* INDEX.tsv's count of whole records */
    bool odd, run, compare;
    int same_as; /* index of an earlier entry with the same content, or -1 */
    int batch;   /* its tshark output comes from this batch, or -1 */
    int ipviz_status; /* exit status, -1 signal */
    char csv[512], tsv[512], err[512];
} entry;

typedef struct pair {
    uint8_t a[17], b[17]; /* family byte then address, a <= b */
} pair;

static bool sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#else
    const char *s = getenv("IPVIZ_SANITIZED");
    return s && *s && strcmp(s, "0") != 0;
#endif
}

static bool have_tshark(void)
{
    return system("tshark --version >/dev/null 2>&1") == 0;
}

/* ---- running jobs, JOBS at a time ---- */

/* tshark over many small files at once: their records appended behind one
 * pcap header (all are little-endian microsecond Ethernet pcap, INDEX.tsv
 * "ok"), one line of output per record, split back by INDEX.tsv's packet
 * counts. A file that differs from ipviz in a batch is compared again with
 * tshark on it alone, so batching can never be the cause of a reported
 * difference. */
typedef struct batch {
    int *members;
    int n;
    unsigned long long packets;
    bool dropped;
    char pcap[512], tsv[512];
} batch;

typedef enum job_kind { JOB_IPVIZ, JOB_TSHARK, JOB_BATCH } job_kind;

typedef struct job {
    pid_t pid;
    int index; /* entry, or batch for JOB_BATCH */
    job_kind kind;
} job;

static pid_t spawn(const char *const argv[], const char *out, const char *err)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (nul < 0 || o < 0 || e < 0)
            _exit(126);
        dup2(nul, 0);
        dup2(o, 1);
        dup2(e, 2);
        execvp(argv[0], (char *const *)argv);
        dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static pid_t tshark_spawn(const char *in, const char *out)
{
    /* TCP, UDP and SCTP carry no outermost IP header; leaving their payloads
     * undissected makes tshark many times faster on some files (VNC, RDP). */
    const char *argv[] = {"tshark", "-n", "-r", in, "--disable-protocol", "tcp", "--disable-protocol",
                          "udp", "--disable-protocol", "sctp", "-T", "fields", "-e", "frame.protocols",
                          "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
                          "-E", "occurrence=f", NULL};
    return spawn(argv, out, "/dev/null");
}

static void start(entry *es, batch *bs, job *j)
{
    entry *e = &es[j->index];
    if (j->kind == JOB_IPVIZ) {
        const char *argv[] = {IPVIZ_BIN, "--headless", "-q", "-n", "0", "--export", e->csv, e->full, NULL};
        j->pid = spawn(argv, "/dev/null", e->err);
    } else if (j->kind == JOB_TSHARK) {
        j->pid = tshark_spawn(e->full, e->tsv);
    } else {
        j->pid = tshark_spawn(bs[j->index].pcap, bs[j->index].tsv);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs the jobs in order, JOBS at a time. Once `deadline` (a now() value;
 * 0: none) has passed, tshark jobs are no longer started and running ones
 * are killed: their entries (or batch) lose `compare`. Returns how many
 * files were dropped that way. */
static int run_jobs(entry *es, batch *bs, job *todo, int ntodo, double deadline)
{
    job running[JOBS];
    int nrun = 0, next = 0, dropped = 0;
    while (next < ntodo || nrun > 0) {
        while (nrun < JOBS && next < ntodo) {
            job *j = &todo[next];
            if (j->kind != JOB_IPVIZ && deadline > 0 && now() > deadline) {
                if (j->kind == JOB_TSHARK) {
                    es[j->index].compare = false;
                    dropped++;
                } else {
                    bs[j->index].dropped = true;
                    for (int k = 0; k < bs[j->index].n; k++)
                        es[bs[j->index].members[k]].compare = false;
                    dropped += bs[j->index].n;
                }
                next++;
                continue;
            }
            start(es, bs, j);
            if (j->pid < 0) { /* fork failed: try again shortly */
                usleep(100000);
                break;
            }
            running[nrun++] = *j;
            next++;
        }
        if (nrun == 0)
            continue;
        int st;
        pid_t pid = waitpid(-1, &st, deadline > 0 ? WNOHANG : 0);
        if (pid == 0) { /* still running: stop tshark jobs past the deadline */
            if (now() > deadline)
                for (int i = 0; i < nrun; i++)
                    if (running[i].kind != JOB_IPVIZ)
                        kill(running[i].pid, SIGKILL);
            usleep(20000);
            continue;
        }
        if (pid < 0)
            break;
        for (int i = 0; i < nrun; i++)
            if (running[i].pid == pid) {
                job *j = &running[i];
                if (j->kind == JOB_IPVIZ)
                    es[j->index].ipviz_status = WIFSIGNALED(st) ? -1 : WEXITSTATUS(st);
                else if (WIFSIGNALED(st) && j->kind == JOB_TSHARK) {
                    es[j->index].compare = false;
                    dropped++;
                } else if (WIFSIGNALED(st)) {
                    bs[j->index].dropped = true;
                    for (int k = 0; k < bs[j->index].n; k++)
                        es[bs[j->index].members[k]].compare = false;
                    dropped += bs[j->index].n;
                }
                running[i] = running[--nrun];
                break;
            }
    }
    return dropped;
}

/* Appends the file's records (everything after its 24-byte header) to out;
 * false if it is not little-endian microsecond pcap or cannot be read. */
static bool append_records(FILE *out, const char *path)
{
    size_t len;
    char *data = test_read_file(path, &len);
    bool ok = data && len >= 24 && memcmp(data, "\xd4\xc3\xb2\xa1", 4) == 0;
    if (ok && len > 24)
        ok = fwrite(data + 24, 1, len - 24, out) == len - 24;
    free(data);
    return ok;
}

/* Splits a batch's tshark output into its members' tsv files; false if the
 * line count is not the batch's packet count. */
static bool split_batch(entry *es, const batch *b)
{
    char *text = test_read_file(b->tsv, NULL);
    if (!text)
        return false;
    unsigned long long lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    bool ok = lines == b->packets;
    const char *p = text;
    for (int k = 0; ok && k < b->n; k++) {
        entry *e = &es[b->members[k]];
        const char *q = p;
        for (unsigned long long i = 0; i < e->packets; i++)
            q = strchr(q, '\n') + 1;
        FILE *f = fopen(e->tsv, "w");
        ok = f && fwrite(p, 1, (size_t)(q - p), f) == (size_t)(q - p);
        if (f)
            fclose(f);
        p = q;
    }
    free(text);
    return ok;
}

/* ---- edge sets ---- */

static bool parse_addr(const char *s, uint8_t out[17])
{
    memset(out, 0, 17);
    if (inet_pton(AF_INET, s, out + 1) == 1) {
        out[0] = 4;
        return true;
    }
    if (inet_pton(AF_INET6, s, out + 1) == 1) {
        out[0] = 6;
        return true;
    }
    return false;
}

static void add_pair(pair **v, size_t *n, size_t *cap, const char *x, const char *y)
{
    pair p;
    uint8_t a[17], b[17];
    if (!parse_addr(x, a) || !parse_addr(y, b))
        return;
    bool swap = memcmp(a, b, 17) > 0;
    memcpy(p.a, swap ? b : a, 17);
    memcpy(p.b, swap ? a : b, 17);
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *v = realloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = p;
}

static int cmp_pair(const void *x, const void *y)
{
    return memcmp(x, y, sizeof(pair));
}

static size_t sort_unique(pair *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_pair);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (cmp_pair(&v[i], &v[m - 1]) != 0)
            v[m++] = v[i];
    return m;
}

/* Splits a line at tabs/commas into at most max fields (in place). */
static int split(char *line, char sep, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == sep) {
            *p = 0;
            f[n++] = p + 1;
        }
    return n;
}

static size_t read_csv_edges(const char *path, pair **v)
{
    size_t n = 0, cap = 0;
    char *text = test_read_file(path, NULL);
    if (!text)
        return 0;
    char *save = NULL;
    bool header = true;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        char *f[3];
        if (split(line, ',', f, 3) >= 2)
            add_pair(v, &n, &cap, f[0], f[1]);
    }
    free(text);
    return sort_unique(*v, n);
}

static size_t read_tshark_edges(const char *path, pair **v)
{
    size_t n = 0, cap = 0;
    char *text = test_read_file(path, NULL);
    if (!text)
        return 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[5] = {0};
        if (split(line, '\t', f, 5) < 5)
            continue;
        /* outermost IP: the first "ip" or "ipv6" in frame.protocols */
        int which = 0;
        char *psave = NULL;
        for (char *p = strtok_r(f[0], ":", &psave); p && !which; p = strtok_r(NULL, ":", &psave))
            which = strcmp(p, "ip") == 0 ? 4 : strcmp(p, "ipv6") == 0 ? 6 : 0;
        if (which == 4 && *f[1] && *f[2])
            add_pair(v, &n, &cap, f[1], f[2]);
        else if (which == 6 && *f[3] && *f[4])
            add_pair(v, &n, &cap, f[3], f[4]);
    }
    free(text);
    return sort_unique(*v, n);
}

static void print_pair(const char *tag, const pair *p)
{
    char a[64], b[64];
    inet_ntop(p->a[0] == 4 ? AF_INET : AF_INET6, p->a + 1, a, sizeof a);
    inet_ntop(p->b[0] == 4 ? AF_INET : AF_INET6, p->b + 1, b, sizeof b);
    fprintf(stderr, "      only %s: %s - %s\n", tag, a, b);
}

/* Returns true when equal; if verbose, prints up to 6 differences otherwise. */
static bool compare(const entry *e, bool verbose)
{
    pair *x = NULL, *y = NULL;
    size_t nx = read_csv_edges(e->csv, &x), ny = read_tshark_edges(e->tsv, &y);
    size_t i = 0, j = 0, shown = 0, diff = 0;
    while (i < nx || j < ny) {
        int c = i == nx ? 1 : j == ny ? -1 : cmp_pair(&x[i], &y[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        if (diff++ == 0 && verbose)
            fprintf(stderr, "  differs: %s (ipviz %zu edges, tshark %zu)\n", e->path, nx, ny);
        if (verbose && shown++ < 6)
            print_pair(c < 0 ? "ipviz" : "tshark", c < 0 ? &x[i] : &y[j]);
        if (c < 0)
            i++;
        else
            j++;
    }
    if (shown > 6)
        fprintf(stderr, "      ... %zu differences in all\n", diff);
    free(x);
    free(y);
    return diff == 0;
}

/* ---- main ---- */

static bool stderr_clean(const char *path, char **why)
{
    char *text = test_read_file(path, NULL);
    *why = "";
    if (!text)
        return true;
    bool ok = true;
    if (strstr(text, "Sanitizer") || strstr(text, "runtime error:")) {
        *why = "sanitizer report";
        ok = false;
    }
    for (const char *l = text; ok && *l;) {
        const char *e = strchr(l, '\n');
        if (strncmp(l, "ipviz: ", 7) != 0 || !e) {
            *why = "stderr line that is not a log line";
            ok = false;
        }
        l = e ? e + 1 : l + strlen(l);
    }
    if (!ok)
        fprintf(stderr, "%s", text);
    free(text);
    return ok;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *dir = getenv("IPVIZ_SHARED_PCAPS");
    if (!dir || !*dir)
        dir = IPVIZ_SHARED_PCAPS;
    char index[4096];
    snprintf(index, sizeof index, "%s/INDEX.tsv", dir);
    char *text = test_read_file(index, NULL);
    if (!text)
        test_skip("no shared captures (../shared/pcaps/INDEX.tsv)");

    bool san = sanitized();
    bool tshark = !san && have_tshark();
    const char *all_env = getenv("IPVIZ_TSHARK_ALL");
    bool all = all_env && *all_env && strcmp(all_env, "0") != 0;
    mkdir(test_tmp_path("shared"), 0777);

    entry *es = NULL;
    int n = 0, cap = 0, other = 0;
    char *save = NULL;
    bool header = true;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (header) {
            header = false;
            continue;
        }
        char *f[9];
        if (split(line, '\t', f, 9) < 9)
            continue;
        if (n == cap)
            es = realloc(es, sizeof *es * (size_t)(cap = cap ? cap * 2 : 256));
        entry *e = &es[n];
        memset(e, 0, sizeof *e);
        e->path = f[0];
        e->bytes = strtoull(f[1], NULL, 10);
        e->sha = f[2];
        e->format = f[3];
        e->linktypes = f[4];
        e->packets = strtoull(f[5], NULL, 10);
        e->status = f[8];
        e->batch = -1;
        size_t fl = strlen(dir) + strlen(e->path) + 2;
        e->full = malloc(fl);
        snprintf(e->full, fl, "%s/%s", dir, e->path);
        e->odd = strcmp(e->format, "pcap-le v2.4") != 0 || strcmp(e->linktypes, "1:EN10MB") != 0 ||
                 strcmp(e->status, "ok") != 0;
        e->same_as = -1;
        for (int k = 0; k < n && e->same_as < 0; k++)
            if (strcmp(es[k].sha, e->sha) == 0 && es[k].bytes == e->bytes)
                e->same_as = k;
        bool sample = e->odd || (e->same_as < 0 && other++ % SAMPLE_EVERY == 0);
        e->run = e->same_as < 0 && (!san || sample);
        e->compare = tshark && e->run && (all || e->bytes <= TSHARK_MAX_BYTES);
        snprintf(e->csv, sizeof e->csv, "%s/%d.csv", test_tmp_path("shared"), n);
        snprintf(e->tsv, sizeof e->tsv, "%s/%d.tsv", test_tmp_path("shared"), n);
        snprintf(e->err, sizeof e->err, "%s/%d.err", test_tmp_path("shared"), n);
        unlink(e->csv);
        unlink(e->tsv);
        n++;
    }
    fprintf(stderr, "%d captures in %s%s; tshark comparison: %s\n", n, dir,
            san ? " (sanitized build: odd files and every 10th other)" : "",
            tshark ? (all ? "every file" : "every file up to 5 MB")
                   : san ? "off under sanitizers" : "tshark not installed");
    double t0 = now();

    /* batches of plain Ethernet pcaps for tshark */
    batch *bs = calloc((size_t)n + 1, sizeof *bs);
    int nb = 0;
    for (int i = 0; i < n; i++) {
        entry *e = &es[i];
        if (!e->compare || e->odd)
            continue;
        batch *b = &bs[nb];
        if (!b->members) {
            b->members = malloc(sizeof(int) * BATCH_FILES);
            snprintf(b->pcap, sizeof b->pcap, "%s/batch%d.pcap", test_tmp_path("shared"), nb);
            snprintf(b->tsv, sizeof b->tsv, "%s/batch%d.tsv", test_tmp_path("shared"), nb);
            FILE *out = fopen(b->pcap, "wb");
            static const uint8_t hdr[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0};
            if (!out || fwrite(hdr, 1, 24, out) != 24) {
                fprintf(stderr, "cannot write %s\n", b->pcap);
                return 1;
            }
            fclose(out);
        }
        FILE *out = fopen(b->pcap, "ab");
        long before = out ? ftell(out) : -1;
        if (out && append_records(out, e->full)) {
            e->batch = nb;
            b->members[b->n++] = i;
            b->packets += e->packets;
        } else if (out && before >= 0 && ftruncate(fileno(out), before) != 0) {
            fprintf(stderr, "cannot truncate %s\n", b->pcap);
            return 1;
        }
        long size = out ? ftell(out) : 0;
        if (out)
            fclose(out);
        if (b->n == BATCH_FILES || size > (long)BATCH_BYTES)
            nb++;
    }
    if (bs[nb].members)
        nb++;

    /* every job: the batches first (a dozen tshark runs cover most files), then
     * the odd files, then the rest */
    job *todo = malloc(sizeof *todo * (size_t)(2 * n + nb + 1));
    int ntodo = 0;
    for (int k = 0; k < nb; k++)
        todo[ntodo++] = (job){.index = k, .kind = JOB_BATCH};
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            if (es[i].odd != (pass == 0))
                continue;
            if (es[i].run)
                todo[ntodo++] = (job){.index = i, .kind = JOB_IPVIZ};
            if (es[i].compare && es[i].batch < 0)
                todo[ntodo++] = (job){.index = i, .kind = JOB_TSHARK};
        }
    }
    const char *budget_env = getenv("IPVIZ_TSHARK_BUDGET_S");
    double budget = all ? 0 : budget_env ? atof(budget_env) : 300;
    double deadline = budget > 0 ? t0 + budget : 0;
    int dropped = run_jobs(es, bs, todo, ntodo, deadline);

    /* batch output back to files; files that differ in a batch get tshark alone */
    ntodo = 0;
    int rechecked = 0;
    for (int k = 0; k < nb; k++) {
        if (bs[k].dropped)
            continue;
        bool split_ok = split_batch(es, &bs[k]);
        if (!split_ok)
            fprintf(stderr, "batch %d: tshark's lines are not its %llu packets; its files get tshark alone\n",
                    k, bs[k].packets);
        for (int m = 0; m < bs[k].n; m++) {
            entry *e = &es[bs[k].members[m]];
            if (!split_ok || !compare(e, false)) {
                todo[ntodo++] = (job){.index = bs[k].members[m], .kind = JOB_TSHARK};
                e->batch = -1;
                rechecked++;
            }
        }
    }
    dropped += run_jobs(es, bs, todo, ntodo, deadline);
    free(todo);

    int ran = 0, failed = 0, compared = 0, agree = 0, known = 0, big = 0, dups = 0;
    for (int i = 0; i < n; i++) {
        entry *e = &es[i];
        dups += e->same_as >= 0;
        if (!e->run)
            continue;
        ran++;
        int want = strcmp(e->status, "ok") == 0 ? 0 : 3;
        char *why;
        if (e->ipviz_status < 0) {
            fprintf(stderr, "FAIL %s: killed by a signal\n", e->path);
            failed++;
            continue;
        }
        if (!stderr_clean(e->err, &why)) {
            fprintf(stderr, "FAIL %s: %s\n", e->path, why);
            failed++;
            continue;
        }
        if (e->ipviz_status != want) {
            char *err = test_read_file(e->err, NULL);
            fprintf(stderr, "FAIL %s: expected exit %d (INDEX.tsv: %s), got %d: %s\n", e->path, want,
                    e->status, e->ipviz_status, err ? err : "");
            free(err);
            failed++;
            continue;
        }
        if (tshark && !all && e->bytes > TSHARK_MAX_BYTES)
            big++;
        if (!e->compare)
            continue;
        compared++;
        if (compare(e, true)) {
            agree++;
            continue;
        }
        const char *reason = NULL;
        for (size_t k = 0; known_diff[k].path; k++)
            if (strcmp(known_diff[k].path, e->path) == 0)
                reason = known_diff[k].reason;
        if (reason) {
            fprintf(stderr, "      known, %s\n", reason);
            known++;
        } else {
            fprintf(stderr, "FAIL %s: edge set differs from tshark's\n", e->path);
            failed++;
        }
    }
    fprintf(stderr, "ran %d captures (%d more are byte-identical copies): %d failed\n", ran, dups, failed);
    if (tshark)
        fprintf(stderr, "tshark agreement: %d/%d files have equal edge sets (%d known differences, "
                        "judged above; %d files over 5 MB not compared; %d comparisons dropped at the "
                        "%.0f s time budget; %d batches, %d files checked again alone) in %.0f s\n",
                agree, compared, known, big, dropped, budget, nb, rechecked, now() - t0);
    test_failures += failed;
    for (int i = 0; i < n; i++)
        free(es[i].full);
    for (int k = 0; k <= nb; k++)
        free(bs[k].members);
    free(bs);
    free(es);
    free(text);
    return test_result();
}
