/* test_export: every export format from a small graph with awkward inputs.
 *
 * The expected CSV is rebuilt here from the packet list with its own
 * aggregation, address formatting (inet_ntop) and time arithmetic, and
 * compared byte for byte. The other formats are read back with networkx and
 * json (Debian's /usr/bin/python3, skipped when absent) and Graphviz's dot.
 * Failures (missing directory, unwritable directory, path is a directory,
 * a write cut short by RLIMIT_FSIZE) must leave no file behind. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "export.h"
#include "graph.h"
#include "util.h"

#define PYTHON "/usr/bin/python3"
#define DOT "/usr/bin/dot"

typedef struct pkt {
    const char *src, *dst;
    uint32_t len;
    int64_t ts_ns;
} pkt;

static const pkt pkts[] = {
    {"10.0.0.2", "10.0.0.1", 60, 1500000000},
    {"10.0.0.1", "10.0.0.2", 1514, 1500000000123},
    {"10.0.0.2", "10.0.0.1", 40, -1},
    {"192.168.1.1", "192.168.1.1", 100, 0},
    {"192.168.1.1", "192.168.1.1", 100, 999},
    {"2001:db8::2", "2001:db8::1", 1280, 1700000000123456789},
    {"2001:db8::1", "2001:db8::2", 80, 1700000000999999999},
    {"::ffff:1.2.3.4", "::1", 64, -86399999999999},
    {"fe80::1:0:0:1", "10.0.0.1", 52, -1500},
    {"10.0.0.1", "8.8.8.8", 1, INT64_MAX},
    {"8.8.8.8", "10.0.0.1", 2, INT64_MIN},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1", 1000, 86400000000001},
    {"255.255.255.255", "0.0.0.0", 0, 1},
    {"10.0.0.2", "10.0.0.1", 9, 1499999999999},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "2001:db8:1234:5678:9abc:def0:1234:5678", 1500, 42},
    {"2001:db8:1234:5678:9abc:def0:1234:5678", "10.0.0.2", 7, 43},
};
#define NPKTS (sizeof pkts / sizeof pkts[0])

/* ---- the independent model ---- */

typedef struct maddr {
    int af; /* AF_INET or AF_INET6 */
    unsigned char b[16];
} maddr;

static maddr parse(const char *s)
{
    maddr a = {0};
    if (inet_pton(AF_INET, s, a.b) == 1)
        a.af = AF_INET;
    else if (inet_pton(AF_INET6, s, a.b) == 1)
        a.af = AF_INET6;
    else {
        fprintf(stderr, "bad test address %s\n", s);
        abort();
    }
    return a;
}

/* IPv4 before IPv6, then bytes. */
static int mcmp(const maddr *x, const maddr *y)
{
    if (x->af != y->af)
        return x->af == AF_INET ? -1 : 1;
    return memcmp(x->b, y->b, x->af == AF_INET ? 4 : 16);
}

static const char *mtext(const maddr *a, char *buf)
{
    inet_ntop(a->af, a->b, buf, INET6_ADDRSTRLEN);
    return buf;
}

typedef struct medge {
    maddr lo, hi;
    uint64_t packets, bytes;
    int64_t first, last;
} medge;

typedef struct mnode {
    maddr a;
    uint64_t packets, bytes;
    int64_t first, last;
} mnode;

static medge model_edges[NPKTS];
static size_t n_model_edges;
static mnode model_nodes[2 * NPKTS];
static size_t n_model_nodes;

static void model_node(const maddr *a, const pkt *p)
{
    for (size_t i = 0; i < n_model_nodes; i++) {
        mnode *n = &model_nodes[i];
        if (mcmp(&n->a, a) == 0) {
            n->packets++;
            n->bytes += p->len;
            n->first = p->ts_ns < n->first ? p->ts_ns : n->first;
            n->last = p->ts_ns > n->last ? p->ts_ns : n->last;
            return;
        }
    }
    model_nodes[n_model_nodes++] = (mnode){*a, 1, p->len, p->ts_ns, p->ts_ns};
}

static void model_build(void)
{
    for (size_t k = 0; k < NPKTS; k++) {
        const pkt *p = &pkts[k];
        maddr s = parse(p->src), d = parse(p->dst);
        model_node(&s, p);
        if (mcmp(&s, &d) != 0)
            model_node(&d, p);
        maddr lo = mcmp(&s, &d) <= 0 ? s : d, hi = mcmp(&s, &d) <= 0 ? d : s;
        size_t i = 0;
        while (i < n_model_edges &&
               !(mcmp(&model_edges[i].lo, &lo) == 0 && mcmp(&model_edges[i].hi, &hi) == 0))
            i++;
        if (i == n_model_edges) {
            model_edges[n_model_edges++] = (medge){lo, hi, 0, 0, p->ts_ns, p->ts_ns};
        }
        medge *e = &model_edges[i];
        e->packets++;
        e->bytes += p->len;
        if (p->ts_ns < e->first)
            e->first = p->ts_ns;
        if (p->ts_ns > e->last)
            e->last = p->ts_ns;
    }
}

static unsigned model_degree(const maddr *a)
{
    unsigned d = 0;
    for (size_t i = 0; i < n_model_edges; i++) {
        d += mcmp(&model_edges[i].lo, a) == 0;
        d += mcmp(&model_edges[i].hi, a) == 0;
    }
    return d;
}

/* Seconds with six decimals, floored to the microsecond: the magnitude of a
 * negative time rounds up, of a positive one down. */
static const char *mtime(int64_t ns, char *buf)
{
    unsigned long long mag = ns < 0 ? 0ULL - (unsigned long long)ns : (unsigned long long)ns;
    unsigned long long us = ns < 0 ? (mag + 999) / 1000 : mag / 1000;
    sprintf(buf, "%s%llu.%06llu", ns < 0 && us ? "-" : "", us / 1000000, us % 1000000);
    return buf;
}

/* The expected CSV for the first `edges` edges (ids follow first appearance),
 * skipping any edge that touches the address `without` (may be NULL). */
static char *model_csv(const maddr *without, size_t edges)
{
    size_t cap = 64 + edges * 200, len = 0;
    char *s = malloc(cap);
    len += (size_t)sprintf(s, "src,dst,packets,bytes,first_seen,last_seen\n");
    for (size_t i = 0; i < edges; i++) {
        const medge *e = &model_edges[i];
        if (without && (mcmp(without, &e->lo) == 0 || mcmp(without, &e->hi) == 0))
            continue;
        char a[64], b[64], f[64], l[64];
        len += (size_t)sprintf(s + len, "%s,%s,%llu,%llu,%s,%s\n", mtext(&e->lo, a),
                               mtext(&e->hi, b), (unsigned long long)e->packets,
                               (unsigned long long)e->bytes, mtime(e->first, f), mtime(e->last, l));
    }
    return s;
}

/* ---- helpers ---- */

static graph *build_graph(void)
{
    graph *g = graph_create();
    for (size_t k = 0; k < NPKTS; k++) {
        ip_addr s, d;
        CHECK(addr_parse(pkts[k].src, &s));
        CHECK(addr_parse(pkts[k].dst, &d));
        CHECK(graph_add_packet(g, &s, &d, pkts[k].len, pkts[k].ts_ns));
    }
    graph_publish(g);
    return g;
}

static void check_text(const char *what, const char *got, const char *want)
{
    if (!got || strcmp(got, want) != 0) {
        fprintf(stderr, "%s differs.\n--- expected ---\n%s--- got ---\n%s--- end ---\n", what, want,
                got ? got : "(no file)\n");
        test_failures++;
    }
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Names in dir that look like export temporaries. */
static int leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strstr(de->d_name, ".tmp-")) {
            fprintf(stderr, "leftover temporary file %s/%s\n", dir, de->d_name);
            n++;
        }
    closedir(d);
    return n;
}

static void rm_rf(const char *path)
{
    const char *argv[] = {"/bin/rm", "-rf", path, NULL};
    test_run(argv, NULL, NULL);
}

/* ---- tests ---- */

static void test_formats_by_extension(void)
{
    CHECK_INT(export_format_for_path("g.csv"), EXPORT_CSV);
    CHECK_INT(export_format_for_path("dir.d/G.CSV"), EXPORT_CSV);
    CHECK_INT(export_format_for_path("a.Json"), EXPORT_JSON);
    CHECK_INT(export_format_for_path("/x/a.GraphML"), EXPORT_GRAPHML);
    CHECK_INT(export_format_for_path("a.gexf"), EXPORT_GEXF);
    CHECK_INT(export_format_for_path("a.b.dot"), EXPORT_DOT);
    CHECK_INT(export_format_for_path("a.csv.bak"), EXPORT_UNKNOWN);
    CHECK_INT(export_format_for_path("a.txt"), EXPORT_UNKNOWN);
    CHECK_INT(export_format_for_path("csv"), EXPORT_UNKNOWN);
    CHECK_INT(export_format_for_path("x.csv/graph"), EXPORT_UNKNOWN);

    char err[256] = "";
    const char *p = test_tmp_path("graph.txt");
    CHECK(!export_check_path(p, err, sizeof err));
    CHECK(strstr(err, ".txt") && strstr(err, ".csv") && strstr(err, ".json") &&
          strstr(err, ".graphml") && strstr(err, ".gexf") && strstr(err, ".dot"));
    fprintf(stderr, "unknown extension: %s\n", err);
    CHECK(!exists(p));
    CHECK(export_check_path(test_tmp_path("ok.GEXF"), err, sizeof err));
    CHECK(!exists(test_tmp_path("ok.GEXF")));
}

static void test_csv_exact(const graph *g)
{
    char err[256] = "";
    const char *path = test_tmp_path("exact.csv");
    unlink(path);
    CHECK_INT(graph_node_count(g), n_model_nodes);
    CHECK_INT(graph_edge_count(g), n_model_edges);
    CHECK(export_check_path(path, err, sizeof err));
    CHECK(export_write(path, g, graph_node_count(g), graph_edge_count(g), NULL, 2, err, sizeof err));
    char *got = test_read_file(path, NULL);
    char *want = model_csv(NULL, n_model_edges);
    check_text("exact.csv", got, want);
    /* A few rows written out by hand, so the model itself is checked. */
    CHECK(got && strstr(got, "\n10.0.0.1,10.0.0.2,4,1623,-0.000001,1500.000000\n"));
    CHECK(got && strstr(got, "\n8.8.8.8,10.0.0.1,2,3,-9223372036.854776,9223372036.854775\n"));
    CHECK(got && strstr(got, "\n192.168.1.1,192.168.1.1,2,200,0.000000,0.000000\n"));
    CHECK(got && strstr(got, "\n::1,::ffff:1.2.3.4,1,64,-86400.000000,-86400.000000\n"));
    CHECK(got && strstr(got, "\n10.0.0.1,fe80::1:0:0:1,1,52,-0.000002,-0.000002\n"));
    CHECK(got && strstr(got, "\n2001:db8::1,2001:db8::1:0:0:1,1,1000,86400.000000,86400.000000\n"));
    CHECK(got && strstr(got, "\n0.0.0.0,255.255.255.255,1,0,0.000000,0.000000\n"));
    CHECK(got && strstr(got, "\n2001:db8:1234:5678:9abc:def0:1234:5678,"
                             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe,1,1500,0.000000,0.000000\n"));
    free(got);
    free(want);

    /* Overwrites an existing file, and writes only the requested prefix:
     * leave out the last edge, then also the last node (and so its edges). */
    FILE *f = fopen(path, "w");
    fputs("old contents\n", f);
    fclose(f);
    CHECK(export_write(path, g, graph_node_count(g), graph_edge_count(g) - 1, NULL, 2, err,
                       sizeof err));
    got = test_read_file(path, NULL);
    want = model_csv(NULL, n_model_edges - 1);
    check_text("prefix.csv", got, want);
    free(got);
    free(want);
    CHECK(export_write(path, g, graph_node_count(g) - 1, graph_edge_count(g), NULL, 2, err,
                       sizeof err));
    got = test_read_file(path, NULL);
    /* The node left out is the graph's last; find its address in the model. */
    char last[ADDR_STRLEN];
    addr_format(&graph_node_at(g, graph_node_count(g) - 1)->addr, last);
    maddr gone = parse(last);
    want = model_csv(&gone, n_model_edges);
    check_text("fewer-nodes.csv", got, want);
    free(got);
    free(want);
    CHECK_INT(leftovers(IPVIZ_TEST_TMP), 0);
}

static const char py_check[] =
    "import sys, json, math\n"
    "import networkx as nx\n"
    "gm, gx, js, N, M, nid, pk, by, dg, fs, x, y, z, nanid = sys.argv[1:]\n"
    "N, M, pk, by, dg = int(N), int(M), int(pk), int(by), int(dg)\n"
    "fs, x, y, z = float(fs), float(x), float(y), float(z)\n"
    "errs = []\n"
    "def chk(what, got, want):\n"
    "    if got != want or type(got) != type(want):\n"
    "        errs.append('%s: expected %r, got %r' % (what, want, got))\n"
    "G = nx.read_graphml(gm)\n"
    "chk('graphml nodes', G.number_of_nodes(), N)\n"
    "chk('graphml edges', G.number_of_edges(), M)\n"
    "d = G.nodes[nid]\n"
    "chk('graphml packets', d.get('packets'), pk)\n"
    "chk('graphml bytes', d.get('bytes'), by)\n"
    "chk('graphml degree', d.get('degree'), dg)\n"
    "chk('graphml degree vs networkx', G.degree(nid), dg)\n"
    "chk('graphml first_seen', d.get('first_seen'), fs)\n"
    "chk('graphml label', d.get('label'), nid)\n"
    "chk('graphml xyz', (d.get('x'), d.get('y'), d.get('z')), (x, y, z))\n"
    "chk('graphml nan node has no x', 'x' in G.nodes[nanid], False)\n"
    "G = nx.read_gexf(gx)\n"
    "chk('gexf nodes', G.number_of_nodes(), N)\n"
    "chk('gexf edges', G.number_of_edges(), M)\n"
    "d = G.nodes[nid]\n"
    "chk('gexf packets', d.get('packets'), pk)\n"
    "chk('gexf bytes', d.get('bytes'), by)\n"
    "chk('gexf degree', d.get('degree'), dg)\n"
    "chk('gexf first_seen', d.get('first_seen'), fs)\n"
    "chk('gexf label', d.get('label'), nid)\n"
    "p = d.get('viz', {}).get('position', {})\n"
    "chk('gexf position', (p.get('x'), p.get('y'), p.get('z')), (x, y, z))\n"
    "chk('gexf nan node has no position', 'position' in G.nodes[nanid].get('viz', {}), False)\n"
    "J = json.load(open(js))\n"
    "chk('json nodes', len(J['nodes']), N)\n"
    "chk('json links', len(J['links']), M)\n"
    "d = [n for n in J['nodes'] if n['id'] == nid]\n"
    "d = d[0] if d else {}\n"
    "chk('json packets', d.get('packets'), pk)\n"
    "chk('json bytes', d.get('bytes'), by)\n"
    "chk('json degree', d.get('degree'), dg)\n"
    "chk('json first_seen', d.get('first_seen'), fs)\n"
    "chk('json xyz', (d.get('x'), d.get('y'), d.get('z')), (x, y, z))\n"
    "chk('json nan node x', [n.get('x', 1) for n in J['nodes'] if n['id'] == nanid], [None])\n"
    "G = nx.node_link_graph(J)\n"
    "chk('json via networkx edges', G.number_of_edges(), M)\n"
    "print('\\n'.join(errs) if errs else 'python checks passed')\n"
    "sys.exit(1 if errs else 0)\n";

static void test_other_formats(const graph *g)
{
    uint32_t n = graph_node_count(g), m = graph_edge_count(g);
    float *pos = malloc((size_t)n * 3 * sizeof *pos);
    for (uint32_t i = 0; i < n; i++) {
        pos[3 * i] = (float)i * 1.5f - 3.25f;
        pos[3 * i + 1] = 0.125f - (float)i * 0.5f;
        pos[3 * i + 2] = (float)i * 64.0f;
    }
    ip_addr probe, nanaddr;
    addr_parse("10.0.0.1", &probe);
    addr_parse("8.8.8.8", &nanaddr);
    uint32_t pid = graph_find(g, &probe), nid = graph_find(g, &nanaddr);
    CHECK(pid < n && nid < n);
    if (pid >= n || nid >= n)
        return;
    pos[3 * nid] = NAN;

    const char *names[] = {"g.json", "g.graphml", "g.gexf", "g.dot", "g.csv"};
    char paths[5][4096];
    char err[256] = "";
    for (int k = 0; k < 5; k++) {
        snprintf(paths[k], sizeof paths[k], "%s", test_tmp_path(names[k]));
        unlink(paths[k]);
        CHECK(export_check_path(paths[k], err, sizeof err));
        if (!export_write(paths[k], g, n, m, pos, 3, err, sizeof err)) {
            fprintf(stderr, "export %s: %s\n", paths[k], err);
            test_failures++;
        }
        size_t len = 0;
        char *text = test_read_file(paths[k], &len);
        CHECK(text && len > 40);
        free(text);
    }
    /* Positions do not change the CSV. */
    char *csv = test_read_file(paths[4], NULL), *want = model_csv(NULL, n_model_edges);
    check_text("g.csv with positions", csv, want);
    free(csv);
    free(want);

    /* Without positions there is no x anywhere. */
    const char *nopos = test_tmp_path("nopos.graphml");
    CHECK(export_write(nopos, g, n, m, NULL, 2, err, sizeof err));
    char *text = test_read_file(nopos, NULL);
    CHECK(text && !strstr(text, "attr.name=\"x\"") && strstr(text, "attr.name=\"packets\""));
    free(text);
    nopos = test_tmp_path("nopos.json");
    CHECK(export_write(nopos, g, n, m, NULL, 2, err, sizeof err));
    text = test_read_file(nopos, NULL);
    CHECK(text && !strstr(text, "\"x\"") && strstr(text, "\"links\""));
    free(text);
    CHECK_INT(leftovers(IPVIZ_TEST_TMP), 0);

    /* The probe node's expected attributes, from the model. */
    maddr pa = parse("10.0.0.1");
    const mnode *mn = NULL;
    for (size_t i = 0; i < n_model_nodes; i++)
        if (mcmp(&model_nodes[i].a, &pa) == 0)
            mn = &model_nodes[i];
    CHECK(mn != NULL);
    if (!mn)
        return;

    if (access(PYTHON, X_OK) != 0) {
        fprintf(stderr, "note: %s missing, networkx checks skipped\n", PYTHON);
    } else {
        const char *chk[] = {PYTHON, "-c", "import networkx", NULL};
        if (test_run(chk, NULL, NULL) != 0) {
            fprintf(stderr, "note: no networkx for %s, networkx checks skipped\n", PYTHON);
        } else {
            char N[32], M[32], pk[32], by[32], dg[32], fs[64], x[64], y[64], z[64];
            snprintf(N, sizeof N, "%zu", n_model_nodes);
            snprintf(M, sizeof M, "%zu", n_model_edges);
            snprintf(pk, sizeof pk, "%llu", (unsigned long long)mn->packets);
            snprintf(by, sizeof by, "%llu", (unsigned long long)mn->bytes);
            snprintf(dg, sizeof dg, "%u", model_degree(&pa));
            mtime(mn->first, fs);
            snprintf(x, sizeof x, "%.9g", (double)pos[3 * pid]);
            snprintf(y, sizeof y, "%.9g", (double)pos[3 * pid + 1]);
            snprintf(z, sizeof z, "%.9g", (double)pos[3 * pid + 2]);
            const char *argv[] = {PYTHON, "-c", py_check, paths[1], paths[2], paths[0], N, M,
                                  "10.0.0.1", pk, by, dg, fs, x, y, z, "8.8.8.8", NULL};
            char *out = NULL, *errs = NULL;
            int rc = test_run(argv, &out, &errs);
            fprintf(stderr, "%s%s", out ? out : "", errs ? errs : "");
            CHECK_INT(rc, 0);
            free(out);
            free(errs);
        }
    }

    if (access(DOT, X_OK) != 0) {
        fprintf(stderr, "note: %s missing, DOT check skipped\n", DOT);
    } else {
        const char *argv[] = {DOT, "-Tplain", paths[3], NULL};
        char *out = NULL, *errs = NULL;
        CHECK_INT(test_run(argv, &out, &errs), 0);
        int nodes = 0, edges = 0;
        for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
            nodes += strncmp(l, "node ", 5) == 0;
            edges += strncmp(l, "edge ", 5) == 0;
        }
        CHECK_INT(nodes, n_model_nodes);
        CHECK_INT(edges, n_model_edges);
        if (errs && *errs) {
            fprintf(stderr, "dot said: %s\n", errs);
            test_failures++;
        }
        free(out);
        free(errs);
    }
    free(pos);
}

static void test_failures_leave_nothing(const graph *g)
{
    uint32_t n = graph_node_count(g), m = graph_edge_count(g);
    char err[256];

    /* Directory missing. */
    const char *p = test_tmp_path("no-such-dir/g.csv");
    err[0] = 0;
    CHECK(!export_check_path(p, err, sizeof err));
    CHECK(strstr(err, "does not exist") != NULL);
    fprintf(stderr, "missing directory: %s\n", err);
    err[0] = 0;
    CHECK(!export_write(p, g, n, m, NULL, 2, err, sizeof err));
    CHECK(strstr(err, "does not exist") != NULL);
    CHECK(!exists(test_tmp_path("no-such-dir")));

    /* Path is a directory. */
    p = test_tmp_path("adir.graphml");
    rm_rf(p);
    CHECK_INT(mkdir(p, 0777), 0);
    err[0] = 0;
    CHECK(!export_check_path(p, err, sizeof err));
    CHECK(strstr(err, "directory") != NULL);
    fprintf(stderr, "path is a directory: %s\n", err);
    err[0] = 0;
    CHECK(!export_write(p, g, n, m, NULL, 2, err, sizeof err));
    CHECK(strstr(err, "directory") != NULL);
    struct stat st;
    CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
    rmdir(p);

    /* Unknown extension: no file. */
    p = test_tmp_path("g.xml");
    CHECK(!export_write(p, g, n, m, NULL, 2, err, sizeof err));
    CHECK(!exists(p));
    CHECK_INT(leftovers(IPVIZ_TEST_TMP), 0);

    /* Directory not writable; root ignores modes, so the child drops to nobody. */
    const char *ro = test_tmp_path("readonly");
    rm_rf(ro);
    CHECK_INT(mkdir(ro, 0777), 0);
    chmod(ro, 0555);
    char target[4096];
    snprintf(target, sizeof target, "%s/g.csv", ro);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(77);
        char e1[256] = "", e2[256] = "";
        bool c = export_check_path(target, e1, sizeof e1);
        bool w = export_write(target, g, n, m, NULL, 2, e2, sizeof e2);
        fprintf(stderr, "unwritable directory: check: %s; write: %s\n", e1, e2);
        _exit((c ? 1 : 0) | (w ? 2 : 0) | (strstr(e2, "ermission") ? 0 : 4));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
        fprintf(stderr, "note: cannot drop privileges, unwritable-directory check skipped\n");
    else
        CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    CHECK(!exists(target));
    CHECK_INT(leftovers(ro), 0);
    chmod(ro, 0755);
    rm_rf(ro);

    /* A write cut short (file size limit, as a full disk would) keeps the old
     * file as it was and leaves no temporary. */
    p = test_tmp_path("cut.csv");
    FILE *f = fopen(p, "w");
    fputs("old\n", f);
    fclose(f);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {100, 100};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(77);
        char e[256] = "";
        bool w = export_write(p, g, n, m, NULL, 2, e, sizeof e);
        fprintf(stderr, "write cut short: %s\n", e);
        _exit((w ? 1 : 0) | (strstr(e, "too large") ? 0 : 2));
    }
    waitpid(pid, &status, 0);
    CHECK_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    char *text = test_read_file(p, NULL);
    CHECK_STR(text, "old\n");
    free(text);
    unlink(p);
    CHECK_INT(leftovers(IPVIZ_TEST_TMP), 0);
}

/* ---- export while the writer is still adding ---- */

#define LIVE_PACKETS 200000

static atomic_bool live_done;

static void *live_writer(void *arg)
{
    graph *g = arg;
    uint64_t x = 12345;
    for (uint32_t k = 0; k < LIVE_PACKETS; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint8_t a[4] = {10, 1, (uint8_t)(x >> 40), (uint8_t)(x >> 56)};
        uint8_t b[4] = {10, 2, (uint8_t)(x >> 24), (uint8_t)(x >> 32) & 7};
        ip_addr s = addr_v4(a), d = addr_v4(b);
        if (!graph_add_packet(g, &s, &d, 100, (int64_t)k * 1000))
            break;
        if (k % 1000 == 999)
            graph_publish(g);
    }
    graph_publish(g);
    atomic_store(&live_done, true);
    return NULL;
}

/* The "src,dst" of every row, one per line (counters keep changing). */
static char *pairs_of(const char *csv, uint32_t *rows, bool *ordered)
{
    char *out = malloc(strlen(csv) + 1), *o = out;
    *rows = 0;
    *ordered = true;
    for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        /* (no sscanf: glibc's measures the whole remaining text each call) */
        char sa[64] = "", sb[64] = "";
        const char *c1 = strchr(line + 1, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (c1 && c2 && c1 - line - 1 < 64 && c2 - c1 - 1 < 64) {
            memcpy(sa, line + 1, (size_t)(c1 - line - 1));
            memcpy(sb, c1 + 1, (size_t)(c2 - c1 - 1));
        }
        ip_addr a, b;
        if (!addr_parse(sa, &a) || !addr_parse(sb, &b) || addr_compare(&a, &b) > 0)
            *ordered = false;
        o += sprintf(o, "%s,%s\n", sa, sb);
        (*rows)++;
    }
    *o = 0;
    return out;
}

/* Each export taken during loading is a well-formed prefix: at most as many
 * rows as edges published, each row's src below its dst, and the pairs of an
 * earlier file the first pairs of a later one. The last, taken after the
 * writer finished, has every edge. */
static void test_export_while_loading(void)
{
    graph *g = graph_create();
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, live_writer, g), 0);
    const char *path = test_tmp_path("live.csv");
    char *prev = NULL;
    uint32_t rows = 0;
    int rounds = 0;
    for (bool last = false; !last;) {
        last = atomic_load(&live_done);
        uint32_t n = graph_node_count(g), m = graph_edge_count(g);
        char err[256] = "";
        if (!export_write(path, g, n, m, NULL, 2, err, sizeof err)) {
            fprintf(stderr, "live export: %s\n", err);
            test_failures++;
            break;
        }
        rounds++;
        char *text = test_read_file(path, NULL);
        if (!text) {
            test_failures++;
            break;
        }
        bool ordered;
        char *pairs = pairs_of(text, &rows, &ordered);
        free(text);
        CHECK(ordered);
        CHECK(rows <= m);
        if (prev && strncmp(pairs, prev, strlen(prev)) != 0) {
            fprintf(stderr, "a later export does not extend the earlier one\n");
            test_failures++;
        }
        free(prev);
        prev = pairs;
    }
    pthread_join(t, NULL);
    CHECK_INT(rows, graph_edge_count(g));
    fprintf(stderr, "exports during loading: %d\n", rounds);
    free(prev);
    unlink(path);
    graph_destroy(g);
}

int main(void)
{
    model_build();
    graph *g = build_graph();
    test_formats_by_extension();
    test_csv_exact(g);
    test_other_formats(g);
    test_failures_leave_nothing(g);
    graph_destroy(g);
    test_export_while_loading();
    return test_result();
}
