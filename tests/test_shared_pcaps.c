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
 * tshark takes about half a second per file even on tiny ones, so by default
 * it is run on every file that is not plain little-endian Ethernet pcap, on
 * every file INDEX.tsv does not call "ok", and on every 10th of the rest;
 * IPVIZ_TSHARK_ALL=1 compares every file (about ten minutes here). Files over
 * 5 MB are never given to tshark (one file today). Under sanitizers
 * (IPVIZ_SANITIZED=1 or an ASan build) only the selected subset is run and
 * tshark is not used. IPVIZ_SHARED_PCAPS overrides the folder. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define TSHARK_MAX_BYTES (5u * 1000u * 1000u)
#define SAMPLE_EVERY 10
#define JOBS 2

/* Files where tshark's first IP header differs from ipviz's for a reason
 * judged to be on tshark's side (after looking at the packets). */
static const struct {
    const char *path;
    const char *reason;
} tshark_side[] = {
    {NULL, NULL},
};

typedef struct entry {
    char *path;   /* relative to the folder */
    char *full;
    unsigned long long bytes;
    char *format, *linktypes, *status;
    bool run, compare;
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

typedef struct job {
    pid_t pid;
    int entry;
    bool tshark;
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
        _exit(127);
    }
    return pid;
}

static void start(entry *es, job *j)
{
    entry *e = &es[j->entry];
    if (!j->tshark) {
        const char *argv[] = {IPVIZ_BIN, "--headless", "-q", "-n", "0", "--export", e->csv, e->full, NULL};
        j->pid = spawn(argv, "/dev/null", e->err);
    } else {
        const char *argv[] = {"tshark", "-n", "-r", e->full, "-T", "fields", "-e", "frame.protocols",
                              "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
                              "-E", "occurrence=f", NULL};
        j->pid = spawn(argv, e->tsv, "/dev/null");
    }
}

/* Runs each selected entry's ipviz (and tshark) jobs, JOBS at a time. */
static void run_all(entry *es, int n)
{
    job *todo = malloc(sizeof *todo * (size_t)(2 * n + 1));
    int ntodo = 0;
    for (int i = 0; i < n; i++) {
        if (es[i].run)
            todo[ntodo++] = (job){.entry = i};
        if (es[i].compare)
            todo[ntodo++] = (job){.entry = i, .tshark = true};
    }
    job running[JOBS];
    int nrun = 0, next = 0;
    while (next < ntodo || nrun > 0) {
        while (nrun < JOBS && next < ntodo) {
            start(es, &todo[next]);
            running[nrun++] = todo[next++];
        }
        int st;
        pid_t pid = wait(&st);
        if (pid < 0)
            break;
        for (int i = 0; i < nrun; i++)
            if (running[i].pid == pid) {
                if (!running[i].tshark)
                    es[running[i].entry].ipviz_status = WIFSIGNALED(st) ? -1 : WEXITSTATUS(st);
                running[i] = running[--nrun];
                break;
            }
    }
    free(todo);
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

/* Returns true when equal; prints up to 6 differences otherwise. */
static bool compare(const entry *e, size_t *n_ours, size_t *n_theirs)
{
    pair *x = NULL, *y = NULL;
    size_t nx = read_csv_edges(e->csv, &x), ny = read_tshark_edges(e->tsv, &y);
    *n_ours = nx;
    *n_theirs = ny;
    size_t i = 0, j = 0, shown = 0, diff = 0;
    while (i < nx || j < ny) {
        int c = i == nx ? 1 : j == ny ? -1 : cmp_pair(&x[i], &y[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        if (diff++ == 0)
            fprintf(stderr, "  differs: %s (ipviz %zu edges, tshark %zu)\n", e->path, nx, ny);
        if (shown++ < 6)
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
        e->format = f[3];
        e->linktypes = f[4];
        e->status = f[8];
        size_t fl = strlen(dir) + strlen(e->path) + 2;
        e->full = malloc(fl);
        snprintf(e->full, fl, "%s/%s", dir, e->path);
        bool odd = strcmp(e->format, "pcap-le v2.4") != 0 || strcmp(e->linktypes, "1:EN10MB") != 0 ||
                   strcmp(e->status, "ok") != 0;
        bool sample = odd || other++ % SAMPLE_EVERY == 0;
        e->run = !san || sample;
        e->compare = tshark && e->run && (all || sample) && e->bytes <= TSHARK_MAX_BYTES;
        snprintf(e->csv, sizeof e->csv, "%s/%d.csv", test_tmp_path("shared"), n);
        snprintf(e->tsv, sizeof e->tsv, "%s/%d.tsv", test_tmp_path("shared"), n);
        snprintf(e->err, sizeof e->err, "%s/%d.err", test_tmp_path("shared"), n);
        unlink(e->csv);
        n++;
    }
    fprintf(stderr, "%d captures in %s%s; tshark comparison: %s\n", n, dir,
            san ? " (sanitized build: a subset)" : "",
            tshark ? (all ? "every file up to 5 MB" : "odd files and every 10th other, up to 5 MB")
                   : san ? "off under sanitizers" : "tshark not installed");

    run_all(es, n);

    int ran = 0, failed = 0, compared = 0, agree = 0, known = 0, big = 0;
    for (int i = 0; i < n; i++) {
        entry *e = &es[i];
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
        if (tshark && e->bytes > TSHARK_MAX_BYTES)
            big++;
        if (!e->compare)
            continue;
        compared++;
        size_t no, nt;
        if (compare(e, &no, &nt)) {
            agree++;
            continue;
        }
        const char *reason = NULL;
        for (size_t k = 0; tshark_side[k].path; k++)
            if (strcmp(tshark_side[k].path, e->path) == 0)
                reason = tshark_side[k].reason;
        if (reason) {
            fprintf(stderr, "      known, tshark-side: %s\n", reason);
            known++;
        } else {
            fprintf(stderr, "FAIL %s: edge set differs from tshark's\n", e->path);
            failed++;
        }
    }
    fprintf(stderr, "ran %d captures: %d failed\n", ran, failed);
    if (tshark)
        fprintf(stderr, "tshark agreement: %d/%d files have equal edge sets (%d known tshark-side "
                        "differences; %d files over 5 MB not compared)\n",
                agree, compared, known, big);
    test_failures += failed;
    for (int i = 0; i < n; i++)
        free(es[i].full);
    free(es);
    free(text);
    return test_result();
}
