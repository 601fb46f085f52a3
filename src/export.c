/* export: writes the graph as CSV, JSON, GraphML, GEXF or DOT, chosen by the
 * file name's extension.
 *
 * DESIGN: every format goes through one buffered writer (a 1 MiB buffer handed
 * to write(2)) with hand-written integer and time formatting, and each node's
 * address text is formatted once (addr_format) into a slot table that edges
 * copy from (prefetched ahead, as edges name nodes at random): a 1.6M-edge CSV is then a few memcpys per row instead of a dozen
 * printf calls. The file is written to "<path>.tmp-<pid>" and renamed over
 * path only when every byte was written and close succeeded; on any failure
 * the temporary file is unlinked, so path holds either what it held before or
 * the complete new export.
 *
 * What is written is the snapshot [0, node_count) x [0, edge_count): an edge
 * with an endpoint at or above node_count is left out in every format, so a
 * file never names a node it does not list. Counters are read as relaxed
 * atomics while the loader may still be adding to them.
 *
 * Times are int64 nanoseconds written as seconds with exactly six decimals,
 * rounded toward minus infinity to the microsecond (-1 ns is "-0.000001"). */
#include "export.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_BUF ((size_t)1 << 20)
#define KNOWN_EXTENSIONS ".csv .json .graphml .gexf .dot"

/* ---- formats and paths ---- */

static const struct {
    const char *ext;
    export_format format;
} formats[] = {
    {".csv", EXPORT_CSV},   {".json", EXPORT_JSON}, {".graphml", EXPORT_GRAPHML},
    {".gexf", EXPORT_GEXF}, {".dot", EXPORT_DOT},
};

/* The extension of path's last component ("" when it has none). */
static const char *path_extension(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot ? dot : "";
}

export_format export_format_for_path(const char *path)
{
    const char *ext = path_extension(path);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcasecmp(ext, formats[i].ext) == 0)
            return formats[i].format;
    return EXPORT_UNKNOWN;
}

static bool unknown_format(const char *path, char *err, size_t errlen)
{
    const char *ext = path_extension(path);
    if (*ext)
        snprintf(err, errlen, "unknown format \"%s\"; use one of " KNOWN_EXTENSIONS, ext);
    else
        snprintf(err, errlen, "no file extension to choose the format; use one of " KNOWN_EXTENSIONS);
    return false;
}

/* path's directory ("." or "/" where it has no other); false if too long. */
static bool dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else if (slash == path)
        snprintf(dir, size, "/");
    else if ((size_t)(slash - path) < size)
        snprintf(dir, size, "%.*s", (int)(slash - path), path);
    else
        return false;
    return true;
}

/* Checks that path is not a directory or special file and that its directory
 * exists; on error writes the reason. */
static bool check_target(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "is a directory");
            return false;
        }
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "exists and is not a regular file");
            return false;
        }
        return true;
    }
    if (errno != ENOENT) {
        snprintf(err, errlen, "cannot access: %s", strerror(errno));
        return false;
    }
    char dir[4096];
    if (!dir_of(path, dir, sizeof dir)) {
        snprintf(err, errlen, "path too long");
        return false;
    }
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT)
            snprintf(err, errlen, "directory %s does not exist", dir);
        else
            snprintf(err, errlen, "directory %s: %s", dir, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a directory", dir);
        return false;
    }
    return true;
}

/* malloc'd "<path>.tmp-<pid>", or NULL when out of memory. */
static char *temp_name(const char *path)
{
    size_t n = strlen(path) + 32;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%s.tmp-%ld", path, (long)getpid());
    return t;
}

/* Creates (or truncates) the temporary file tmp beside path; returns its
 * descriptor, or -1 with the reason in err. */
static int open_temp(const char *path, const char *tmp, char *err, size_t errlen)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        char dir[4096];
        if (!dir_of(path, dir, sizeof dir))
            snprintf(dir, sizeof dir, "its directory");
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(e));
    }
    return fd;
}

bool export_check_path(const char *path, char *err, size_t errlen)
{
    if (export_format_for_path(path) == EXPORT_UNKNOWN)
        return unknown_format(path, err, errlen);
    if (!check_target(path, err, errlen))
        return false;
    char *tmp = temp_name(path);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    int fd = open_temp(path, tmp, err, errlen);
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    return fd >= 0;
}

/* ---- buffered output ---- */

typedef struct out {
    int fd;
    int err;    /* first errno seen; once set, output is dropped */
    size_t len; /* bytes waiting in buf */
    char buf[OUT_BUF];
} out;

static void out_write_all(out *o, const char *p, size_t n)
{
    while (n && !o->err) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno != EINTR)
                o->err = errno;
            continue;
        }
        if (w == 0) {
            o->err = EIO;
            break;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void out_flush(out *o)
{
    out_write_all(o, o->buf, o->len);
    o->len = 0;
}

/* Room for at least n (small) bytes at the returned pointer; the caller
 * advances o->len by what it wrote. */
static inline char *out_room(out *o, size_t n)
{
    if (OUT_BUF - o->len < n)
        out_flush(o);
    return o->buf + o->len;
}

static inline void out_mem(out *o, const void *p, size_t n)
{
    if (OUT_BUF - o->len < n) {
        out_flush(o);
        if (n > OUT_BUF) {
            out_write_all(o, p, n);
            return;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static inline void out_str(out *o, const char *s) { out_mem(o, s, strlen(s)); }

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline unsigned decimal_digits(uint64_t v)
{
    unsigned n = 1;
    for (; v >= 10000; v /= 10000)
        n += 4;
    return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* Writes v in decimal at p; returns the end. */
static inline char *put_u64(char *p, uint64_t v)
{
    char *end = p + decimal_digits(v), *t = end;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        t -= 2;
        memcpy(t, digit_pairs + 2 * r, 2);
    }
    if (v >= 10)
        memcpy(t - 2, digit_pairs + 2 * v, 2);
    else
        t[-1] = (char)('0' + v);
    return end;
}

/* Nanoseconds as seconds with six decimals, floored to the microsecond. */
static inline char *put_time(char *p, int64_t ns)
{
    int64_t us = ns / 1000;
    if (ns % 1000 < 0)
        us--;
    uint64_t mag = (uint64_t)us;
    if (us < 0) {
        *p++ = '-';
        mag = (uint64_t)0 - mag;
    }
    p = put_u64(p, mag / 1000000);
    *p++ = '.';
    unsigned frac = (unsigned)(mag % 1000000);
    for (int i = 5; i >= 0; i--) {
        p[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    return p + 6;
}

static void out_u64(out *o, uint64_t v)
{
    char *p = out_room(o, 24);
    o->len = (size_t)(put_u64(p, v) - o->buf);
}

static void out_time(out *o, int64_t ns)
{
    char *p = out_room(o, 32);
    o->len = (size_t)(put_time(p, ns) - o->buf);
}

/* A finite float with 9 significant digits ("%.9g"): reads back as the same float. */
static void out_float(out *o, float f)
{
    char *p = out_room(o, 32);
    o->len += (size_t)snprintf(p, 32, "%.9g", (double)f);
}

/* Escaped for XML text and attribute values. */
static void out_xml(out *o, const char *s)
{
    for (const char *run = s;; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&apos;"; break;
        case '\0': out_mem(o, run, (size_t)(s - run)); return;
        default: continue;
        }
        out_mem(o, run, (size_t)(s - run));
        out_str(o, rep);
        run = s + 1;
    }
}

/* A JSON string with its quotes. */
static void out_json_str(out *o, const char *s)
{
    out_mem(o, "\"", 1);
    for (const char *run = s;; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0) {
            out_mem(o, run, (size_t)(s - run));
            break;
        }
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        out_mem(o, run, (size_t)(s - run));
        char esc[8];
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else
            snprintf(esc, sizeof esc, "\\u%04x", c);
        out_str(o, esc);
        run = s + 1;
    }
    out_mem(o, "\"", 1);
}

/* A DOT double-quoted ID with its quotes. */
static void out_dot_str(out *o, const char *s)
{
    out_mem(o, "\"", 1);
    for (const char *run = s;; s++) {
        char c = *s;
        if (c == 0) {
            out_mem(o, run, (size_t)(s - run));
            break;
        }
        if (c != '"' && c != '\\' && c != '\n' && c != '\r')
            continue;
        out_mem(o, run, (size_t)(s - run));
        out_str(o, c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : "\\r");
        run = s + 1;
    }
    out_mem(o, "\"", 1);
}

/* ---- the snapshot being written ---- */

/* Node address texts live in 32-byte slots, one per node, so an edge's two
 * names cost one cache miss each: byte 0 is the length, then the text and its
 * NUL. A text too long for a slot (a few IPv6 forms) sits in `spill`, and the
 * slot holds its offset after the length byte. */
#define SLOT 32
#define SLOT_TEXT (SLOT - 2)

typedef struct snap {
    const graph *g;
    uint32_t n, m;
    const float *pos; /* NULL: no positions */
    int dims;
    char *slots;      /* n slots of SLOT bytes */
    char *spill;      /* texts longer than SLOT_TEXT, NUL-terminated */
} snap;

static uint64_t ld_u64(const _Atomic uint64_t *p)
{
    return atomic_load_explicit((_Atomic uint64_t *)p, memory_order_relaxed);
}
static int64_t ld_i64(const _Atomic int64_t *p)
{
    return atomic_load_explicit((_Atomic int64_t *)p, memory_order_relaxed);
}
static uint32_t ld_u32(const _Atomic uint32_t *p)
{
    return atomic_load_explicit((_Atomic uint32_t *)p, memory_order_relaxed);
}

static bool snap_names(snap *s)
{
    /* Huge pages, where the kernel gives them, spare a TLB miss per lookup. */
    size_t bytes = ((size_t)s->n + 1) * SLOT, huge = (size_t)2 << 20;
    if (bytes >= huge) {
        bytes = (bytes + huge - 1) / huge * huge;
        void *mem = NULL;
        if (posix_memalign(&mem, huge, bytes) == 0) {
            s->slots = mem;
            madvise(mem, bytes, MADV_HUGEPAGE);
        }
    } else {
        s->slots = malloc(bytes);
    }
    if (!s->slots)
        return false;
    size_t spilled = 0, cap = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        char text[ADDR_STRLEN];
        addr_format(&graph_node_at(s->g, i)->addr, text);
        size_t len = strlen(text);
        char *slot = s->slots + (size_t)i * SLOT;
        slot[0] = (char)len;
        if (len <= SLOT_TEXT) {
            memcpy(slot + 1, text, len + 1);
            continue;
        }
        if (cap - spilled < len + 1) {
            cap = cap ? cap * 2 : 4096;
            char *grown = realloc(s->spill, cap);
            if (!grown)
                return false;
            s->spill = grown;
        }
        uint32_t off = (uint32_t)spilled;
        memcpy(slot + 1, &off, sizeof off);
        memcpy(s->spill + spilled, text, len + 1);
        spilled += len + 1;
    }
    return true;
}

static inline const char *slot_of(const snap *s, uint32_t i) { return s->slots + (size_t)i * SLOT; }

/* Node i's address text, NUL-terminated. */
static inline const char *name(const snap *s, uint32_t i)
{
    const char *slot = slot_of(s, i);
    if ((unsigned char)slot[0] <= SLOT_TEXT)
        return slot + 1;
    uint32_t off;
    memcpy(&off, slot + 1, sizeof off);
    return s->spill + off;
}

/* Copies node i's text to p (at least SLOT bytes of room); returns the end. */
static inline char *put_name(char *p, const snap *s, uint32_t i)
{
    const char *slot = slot_of(s, i);
    size_t len = (unsigned char)slot[0];
    if (len <= SLOT_TEXT)
        memcpy(p, slot + 1, SLOT_TEXT);
    else
        memcpy(p, name(s, i), len);
    return p + len;
}

/* The edge with id i, or NULL when it reaches outside the snapshot's nodes. */
static inline const graph_edge *snap_edge(const snap *s, uint32_t i)
{
    const graph_edge *e = graph_edge_at(s->g, i);
    return e->a < s->n && e->b < s->n ? e : NULL;
}

/* Node i's position, or NULL when there are none or one is not finite. */
static const float *snap_pos(const snap *s, uint32_t i)
{
    if (!s->pos)
        return NULL;
    const float *p = s->pos + (size_t)i * (size_t)s->dims;
    for (int k = 0; k < s->dims; k++)
        if (!isfinite(p[k]))
            return NULL;
    return p;
}

/* ---- formats ---- */

/* Every edge loop prefetches the node slots of the edge PREFETCH_AHEAD ids
 * ahead: edges name nodes all over the table, and those cache misses, not the
 * formatting, bound the speed of a large export. */
#define PREFETCH_AHEAD 16

static inline void prefetch_names(const snap *s, uint32_t i)
{
    if (i < s->m) {
        const graph_edge *e = graph_edge_at(s->g, i);
        if (e->a < s->n && e->b < s->n) {
            __builtin_prefetch(slot_of(s, e->a));
            __builtin_prefetch(slot_of(s, e->b));
        }
    }
}

/* Rows are formatted straight into the buffer. */
static void write_csv(out *o, const snap *s)
{
    out_str(o, "src,dst,packets,bytes,first_seen,last_seen\n");
    for (uint32_t i = 0; i < s->m && !o->err; i++) {
        prefetch_names(s, i + PREFETCH_AHEAD);
        const graph_edge *e = snap_edge(s, i);
        if (!e)
            continue;
        char *p = out_room(o, 2 * (ADDR_STRLEN + SLOT) + 2 * 24 + 2 * 32 + 8);
        p = put_name(p, s, e->a);
        *p++ = ',';
        p = put_name(p, s, e->b);
        *p++ = ',';
        p = put_u64(p, ld_u64(&e->packets));
        *p++ = ',';
        p = put_u64(p, ld_u64(&e->bytes));
        *p++ = ',';
        p = put_time(p, ld_i64(&e->first_ns));
        *p++ = ',';
        p = put_time(p, ld_i64(&e->last_ns));
        *p++ = '\n';
        o->len = (size_t)(p - o->buf);
    }
}

static const char *const axis[3] = {"x", "y", "z"};

/* networkx's node-link layout ("nodes" and "links"), one item per line. */
static void write_json(out *o, const snap *s)
{
    out_str(o, "{\"directed\": false, \"multigraph\": false, \"graph\": {\"generator\": \"ipviz\"},\n"
               "\"nodes\": [");
    for (uint32_t i = 0; i < s->n && !o->err; i++) {
        const graph_node *nd = graph_node_at(s->g, i);
        out_str(o, i ? ",\n{\"id\": " : "\n{\"id\": ");
        out_json_str(o, name(s, i));
        out_str(o, ", \"packets\": ");
        out_u64(o, ld_u64(&nd->packets));
        out_str(o, ", \"bytes\": ");
        out_u64(o, ld_u64(&nd->bytes));
        out_str(o, ", \"degree\": ");
        out_u64(o, ld_u32(&nd->degree));
        out_str(o, ", \"first_seen\": ");
        out_time(o, ld_i64(&nd->first_ns));
        out_str(o, ", \"last_seen\": ");
        out_time(o, ld_i64(&nd->last_ns));
        const float *p = snap_pos(s, i);
        for (int k = 0; s->pos && k < s->dims; k++) {
            out_str(o, ", \"");
            out_str(o, axis[k]);
            out_str(o, "\": ");
            if (p)
                out_float(o, p[k]);
            else
                out_str(o, "null");
        }
        out_str(o, "}");
    }
    out_str(o, "\n],\n\"links\": [");
    bool first = true;
    for (uint32_t i = 0; i < s->m && !o->err; i++) {
        prefetch_names(s, i + PREFETCH_AHEAD);
        const graph_edge *e = snap_edge(s, i);
        if (!e)
            continue;
        out_str(o, first ? "\n{\"source\": " : ",\n{\"source\": ");
        first = false;
        out_json_str(o, name(s, e->a));
        out_str(o, ", \"target\": ");
        out_json_str(o, name(s, e->b));
        out_str(o, ", \"packets\": ");
        out_u64(o, ld_u64(&e->packets));
        out_str(o, ", \"bytes\": ");
        out_u64(o, ld_u64(&e->bytes));
        out_str(o, ", \"first_seen\": ");
        out_time(o, ld_i64(&e->first_ns));
        out_str(o, ", \"last_seen\": ");
        out_time(o, ld_i64(&e->last_ns));
        out_str(o, "}");
    }
    out_str(o, "\n]}\n");
}

/* Opens <data key="key"> in GraphML. */
static void xml_data(out *o, const char *key)
{
    out_str(o, "<data key=\"");
    out_str(o, key);
    out_str(o, "\">");
}

static void write_graphml(out *o, const snap *s)
{
    out_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
               "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
               "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
               "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
               "<key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
               "<key id=\"packets\" for=\"node\" attr.name=\"packets\" attr.type=\"long\"/>\n"
               "<key id=\"bytes\" for=\"node\" attr.name=\"bytes\" attr.type=\"long\"/>\n"
               "<key id=\"degree\" for=\"node\" attr.name=\"degree\" attr.type=\"int\"/>\n"
               "<key id=\"first_seen\" for=\"node\" attr.name=\"first_seen\" attr.type=\"double\"/>\n"
               "<key id=\"last_seen\" for=\"node\" attr.name=\"last_seen\" attr.type=\"double\"/>\n");
    for (int k = 0; s->pos && k < s->dims; k++) {
        out_str(o, "<key id=\"");
        out_str(o, axis[k]);
        out_str(o, "\" for=\"node\" attr.name=\"");
        out_str(o, axis[k]);
        out_str(o, "\" attr.type=\"float\"/>\n");
    }
    out_str(o, "<key id=\"e_packets\" for=\"edge\" attr.name=\"packets\" attr.type=\"long\"/>\n"
               "<key id=\"e_bytes\" for=\"edge\" attr.name=\"bytes\" attr.type=\"long\"/>\n"
               "<key id=\"e_first_seen\" for=\"edge\" attr.name=\"first_seen\" attr.type=\"double\"/>\n"
               "<key id=\"e_last_seen\" for=\"edge\" attr.name=\"last_seen\" attr.type=\"double\"/>\n"
               "<graph id=\"ipviz\" edgedefault=\"undirected\">\n");
    for (uint32_t i = 0; i < s->n && !o->err; i++) {
        const graph_node *nd = graph_node_at(s->g, i);
        out_str(o, "<node id=\"");
        out_xml(o, name(s, i));
        out_str(o, "\">");
        xml_data(o, "label");
        out_xml(o, name(s, i));
        out_str(o, "</data>");
        xml_data(o, "packets");
        out_u64(o, ld_u64(&nd->packets));
        out_str(o, "</data>");
        xml_data(o, "bytes");
        out_u64(o, ld_u64(&nd->bytes));
        out_str(o, "</data>");
        xml_data(o, "degree");
        out_u64(o, ld_u32(&nd->degree));
        out_str(o, "</data>");
        xml_data(o, "first_seen");
        out_time(o, ld_i64(&nd->first_ns));
        out_str(o, "</data>");
        xml_data(o, "last_seen");
        out_time(o, ld_i64(&nd->last_ns));
        out_str(o, "</data>");
        const float *p = snap_pos(s, i);
        for (int k = 0; p && k < s->dims; k++) {
            xml_data(o, axis[k]);
            out_float(o, p[k]);
            out_str(o, "</data>");
        }
        out_str(o, "</node>\n");
    }
    for (uint32_t i = 0; i < s->m && !o->err; i++) {
        prefetch_names(s, i + PREFETCH_AHEAD);
        const graph_edge *e = snap_edge(s, i);
        if (!e)
            continue;
        out_str(o, "<edge source=\"");
        out_xml(o, name(s, e->a));
        out_str(o, "\" target=\"");
        out_xml(o, name(s, e->b));
        out_str(o, "\"><data key=\"e_packets\">");
        out_u64(o, ld_u64(&e->packets));
        out_str(o, "</data><data key=\"e_bytes\">");
        out_u64(o, ld_u64(&e->bytes));
        out_str(o, "</data><data key=\"e_first_seen\">");
        out_time(o, ld_i64(&e->first_ns));
        out_str(o, "</data><data key=\"e_last_seen\">");
        out_time(o, ld_i64(&e->last_ns));
        out_str(o, "</data></edge>\n");
    }
    out_str(o, "</graph>\n</graphml>\n");
}

/* Opens <attvalue for="id" value=" in GEXF. */
static void gexf_att(out *o, const char *id)
{
    out_str(o, "<attvalue for=\"");
    out_str(o, id);
    out_str(o, "\" value=\"");
}

/* GEXF 1.2 (the version networkx and Gephi both read) with viz:position. */
static void write_gexf(out *o, const snap *s)
{
    out_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<gexf xmlns=\"http://www.gexf.net/1.2draft\" "
               "xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" "
               "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
               "xsi:schemaLocation=\"http://www.gexf.net/1.2draft "
               "http://www.gexf.net/1.2draft/gexf.xsd\" version=\"1.2\">\n"
               "<meta><creator>ipviz</creator></meta>\n"
               "<graph defaultedgetype=\"undirected\" mode=\"static\">\n"
               "<attributes class=\"node\" mode=\"static\">\n"
               "<attribute id=\"packets\" title=\"packets\" type=\"long\"/>\n"
               "<attribute id=\"bytes\" title=\"bytes\" type=\"long\"/>\n"
               "<attribute id=\"degree\" title=\"degree\" type=\"integer\"/>\n"
               "<attribute id=\"first_seen\" title=\"first_seen\" type=\"double\"/>\n"
               "<attribute id=\"last_seen\" title=\"last_seen\" type=\"double\"/>\n"
               "</attributes>\n"
               "<attributes class=\"edge\" mode=\"static\">\n"
               "<attribute id=\"packets\" title=\"packets\" type=\"long\"/>\n"
               "<attribute id=\"bytes\" title=\"bytes\" type=\"long\"/>\n"
               "<attribute id=\"first_seen\" title=\"first_seen\" type=\"double\"/>\n"
               "<attribute id=\"last_seen\" title=\"last_seen\" type=\"double\"/>\n"
               "</attributes>\n"
               "<nodes>\n");
    for (uint32_t i = 0; i < s->n && !o->err; i++) {
        const graph_node *nd = graph_node_at(s->g, i);
        out_str(o, "<node id=\"");
        out_xml(o, name(s, i));
        out_str(o, "\" label=\"");
        out_xml(o, name(s, i));
        out_str(o, "\"><attvalues><attvalue for=\"packets\" value=\"");
        out_u64(o, ld_u64(&nd->packets));
        out_str(o, "\"/><attvalue for=\"bytes\" value=\"");
        out_u64(o, ld_u64(&nd->bytes));
        out_str(o, "\"/><attvalue for=\"degree\" value=\"");
        out_u64(o, ld_u32(&nd->degree));
        out_str(o, "\"/><attvalue for=\"first_seen\" value=\"");
        out_time(o, ld_i64(&nd->first_ns));
        out_str(o, "\"/><attvalue for=\"last_seen\" value=\"");
        out_time(o, ld_i64(&nd->last_ns));
        out_str(o, "\"/></attvalues>");
        const float *p = snap_pos(s, i);
        if (p) {
            out_str(o, "<viz:position");
            for (int k = 0; k < s->dims; k++) {
                out_str(o, " ");
                out_str(o, axis[k]);
                out_str(o, "=\"");
                out_float(o, p[k]);
                out_str(o, "\"");
            }
            out_str(o, "/>");
        }
        out_str(o, "</node>\n");
    }
    out_str(o, "</nodes>\n<edges>\n");
    for (uint32_t i = 0; i < s->m && !o->err; i++) {
        prefetch_names(s, i + PREFETCH_AHEAD);
        const graph_edge *e = snap_edge(s, i);
        if (!e)
            continue;
        out_str(o, "<edge id=\"");
        out_u64(o, i);
        out_str(o, "\" source=\"");
        out_xml(o, name(s, e->a));
        out_str(o, "\" target=\"");
        out_xml(o, name(s, e->b));
        out_str(o, "\"><attvalues>");
        gexf_att(o, "packets");
        out_u64(o, ld_u64(&e->packets));
        out_str(o, "\"/>");
        gexf_att(o, "bytes");
        out_u64(o, ld_u64(&e->bytes));
        out_str(o, "\"/>");
        gexf_att(o, "first_seen");
        out_time(o, ld_i64(&e->first_ns));
        out_str(o, "\"/>");
        gexf_att(o, "last_seen");
        out_time(o, ld_i64(&e->last_ns));
        out_str(o, "\"/></attvalues></edge>\n");
    }
    out_str(o, "</edges>\n</graph>\n</gexf>\n");
}

/* Graphviz: quoted ids; pos="x,y!" pins a node for neato -n (z as its own
 * attribute in 3D); times quoted so every tool reads them as text. */
static void write_dot(out *o, const snap *s)
{
    out_str(o, "graph \"ipviz\" {\n");
    for (uint32_t i = 0; i < s->n && !o->err; i++) {
        const graph_node *nd = graph_node_at(s->g, i);
        out_dot_str(o, name(s, i));
        out_str(o, " [packets=");
        out_u64(o, ld_u64(&nd->packets));
        out_str(o, ", bytes=");
        out_u64(o, ld_u64(&nd->bytes));
        out_str(o, ", degree=");
        out_u64(o, ld_u32(&nd->degree));
        out_str(o, ", first_seen=\"");
        out_time(o, ld_i64(&nd->first_ns));
        out_str(o, "\", last_seen=\"");
        out_time(o, ld_i64(&nd->last_ns));
        out_str(o, "\"");
        const float *p = snap_pos(s, i);
        if (p) {
            out_str(o, ", pos=\"");
            out_float(o, p[0]);
            out_str(o, ",");
            out_float(o, p[1]);
            out_str(o, "!\"");
            if (s->dims == 3) {
                out_str(o, ", z=\"");
                out_float(o, p[2]);
                out_str(o, "\"");
            }
        }
        out_str(o, "];\n");
    }
    for (uint32_t i = 0; i < s->m && !o->err; i++) {
        prefetch_names(s, i + PREFETCH_AHEAD);
        const graph_edge *e = snap_edge(s, i);
        if (!e)
            continue;
        out_dot_str(o, name(s, e->a));
        out_str(o, " -- ");
        out_dot_str(o, name(s, e->b));
        out_str(o, " [packets=");
        out_u64(o, ld_u64(&e->packets));
        out_str(o, ", bytes=");
        out_u64(o, ld_u64(&e->bytes));
        out_str(o, ", first_seen=\"");
        out_time(o, ld_i64(&e->first_ns));
        out_str(o, "\", last_seen=\"");
        out_time(o, ld_i64(&e->last_ns));
        out_str(o, "\"];\n");
    }
    out_str(o, "}\n");
}

/* ---- export_write ---- */

bool export_write(const char *path, const graph *g, uint32_t node_count, uint32_t edge_count,
                  const float *positions, int dims, char *err, size_t errlen)
{
    assert(!positions || dims == 2 || dims == 3);
    export_format fmt = export_format_for_path(path);
    if (fmt == EXPORT_UNKNOWN)
        return unknown_format(path, err, errlen);
    if (!check_target(path, err, errlen))
        return false;

    snap s = {.g = g, .pos = positions, .dims = dims};
    uint32_t nc = graph_node_count(g), ec = graph_edge_count(g);
    s.n = node_count < nc ? node_count : nc;
    s.m = edge_count < ec ? edge_count : ec;

    bool ok = false;
    out *o = NULL;
    char *tmp = temp_name(path);
    if (!tmp || !snap_names(&s) || !(o = malloc(sizeof *o))) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    o->fd = open_temp(path, tmp, err, errlen);
    if (o->fd < 0)
        goto done;
    o->err = 0;
    o->len = 0;

    switch (fmt) {
    case EXPORT_CSV: write_csv(o, &s); break;
    case EXPORT_JSON: write_json(o, &s); break;
    case EXPORT_GRAPHML: write_graphml(o, &s); break;
    case EXPORT_GEXF: write_gexf(o, &s); break;
    case EXPORT_DOT: write_dot(o, &s); break;
    case EXPORT_UNKNOWN: break;
    }
    out_flush(o);
    if (close(o->fd) != 0 && !o->err)
        o->err = errno;
    if (o->err) {
        snprintf(err, errlen, "write failed: %s", strerror(o->err));
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot move the finished file into place: %s", strerror(errno));
        unlink(tmp);
        goto done;
    }
    ok = true;
done:
    free(o);
    free(tmp);
    free(s.slots);
    free(s.spill);
    return ok;
}
