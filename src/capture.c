/* capture: packets out of pcap and pcapng files, one file at a time.
 *
 * DESIGN: every input is a file descriptor (a path, or 0 for "-"). The first
 * bytes are read once ("sniffed") to tell pcapng from everything else, so no
 * input ever has to seek and pipes work like files. Classic pcap goes through
 * libpcap: the descriptor is wrapped in a FILE by fopencookie, which replays
 * the sniffed bytes first and counts what is read (the progress offset).
 * pcapng is read here by a streaming block reader: one large buffer refilled
 * with big read()s, packet data handed out in place (no per-packet copy or
 * malloc), each interface with its own link type, snap length and timestamp
 * resolution/offset. A BPF filter is compiled once per distinct libpcap DLT
 * on first use and applied with pcap_offline_filter. */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CAPLEN (256u * 1024u)       /* a longer record is corrupt */
#define MAX_BLOCK (16u * 1024u * 1024u) /* a longer pcapng block is corrupt */
#define BUF_SIZE (1u << 20)             /* pcapng buffer and libpcap stream buffer */
#define SNIFF_LEN 24
#define BPF_SNAPLEN 262144

enum { FMT_PCAP, FMT_PCAPNG };
enum { BLK_SHB = 0x0A0D0D0A, BLK_IDB = 1, BLK_PB = 2, BLK_SPB = 3, BLK_EPB = 6 };
enum { FILTER_UNRESOLVED = -1 };

typedef struct iface {
    uint32_t linktype; /* LINKTYPE_* from the file */
    int dlt;           /* libpcap's value, for BPF */
    uint32_t snaplen;  /* 0: none */
    bool tsres_pow2;   /* if_tsresol: units are 2^-exp s, else 10^-exp s */
    uint8_t tsres_exp;
    int64_t tsoffset;  /* if_tsoffset, seconds */
    int filter;        /* index into capture.bpf, or FILTER_UNRESOLVED */
} iface;

typedef struct bpf_entry {
    int dlt;
    bool ok; /* compiled; otherwise the interface's packets are filtered out */
    struct bpf_program prog;
} bpf_entry;

struct capture {
    int fd;
    bool own_fd;
    int kind;
    const char *format;
    uint64_t size;    /* regular files only, else 0 */
    uint64_t nread;   /* bytes read from fd so far */
    uint64_t packets; /* records returned (packets and filtered) */
    bool failed;
    char err[256];
    char warn[512];
    uint8_t sniff[SNIFF_LEN];
    size_t sniff_len, sniff_pos; /* replayed to libpcap by the cookie */

    /* classic pcap */
    pcap_t *pcap;
    FILE *stream;
    bool stream_closed;
    char *stream_buf;
    iface pcap_if;

    /* pcapng: data in buf[pos, end) */
    uint8_t *buf;
    size_t cap, pos, end;
    bool eof;
    bool swap;
    iface *ifs;
    uint32_t nifs, cap_ifs;
    uint32_t section_base; /* index in ifs of this section's interface 0 */

    char *filter;
    bpf_entry *bpf;
    int nbpf;
};

/* DLT_* values that differ from the LINKTYPE_* stored in files (Linux's
 * dlt.h; libpcap's own linktype_to_dlt table). DLT 14 is DLT_RAW on OpenBSD. */
static const struct { int dlt; uint32_t linktype; } dlt_map[] = {
    {11, 100}, /* ATM_RFC1483 */
    {12, 101}, /* RAW */
    {14, 101}, /* RAW (OpenBSD) */
    {15, 102}, /* SLIP_BSDOS */
    {16, 103}, /* PPP_BSDOS */
    {19, 106}, /* ATM_CLIP */
};

static uint32_t dlt_to_linktype(int dlt)
{
    for (size_t i = 0; i < sizeof dlt_map / sizeof dlt_map[0]; i++)
        if (dlt_map[i].dlt == dlt)
            return dlt_map[i].linktype;
    return (uint32_t)dlt;
}

static int linktype_to_dlt(uint32_t linktype)
{
    if (linktype == 14) /* raw IP as OpenBSD writes it */
        return DLT_RAW;
    for (size_t i = 0; i < sizeof dlt_map / sizeof dlt_map[0]; i++)
        if (dlt_map[i].linktype == linktype)
            return dlt_map[i].dlt;
    return (int)linktype;
}

static const char *dlt_name(int dlt, char buf[32])
{
    const char *n = pcap_datalink_val_to_name(dlt);
    if (n)
        return n;
    snprintf(buf, 32, "LINKTYPE_%d", dlt);
    return buf;
}

/* ---- reading ---- */

/* Reads until n bytes or end of input. Returns the count, or -1 (errno). */
static ssize_t read_full(int fd, uint8_t *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
    capture *c = cookie;
    if (c->sniff_pos < c->sniff_len) {
        size_t n = c->sniff_len - c->sniff_pos;
        if (n > size)
            n = size;
        memcpy(buf, c->sniff + c->sniff_pos, n);
        c->sniff_pos += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t r = read(c->fd, buf, size);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0)
            c->nread += (uint64_t)r;
        return r;
    }
}

static int cookie_close(void *cookie)
{
    ((capture *)cookie)->stream_closed = true;
    return 0;
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

static bool fail(capture *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(capture *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    c->failed = true;
    return false;
}

/* ---- filter ---- */

/* Returns the bpf entry index for dlt, compiling on first use. */
static int filter_for(capture *c, int dlt)
{
    for (int i = 0; i < c->nbpf; i++)
        if (c->bpf[i].dlt == dlt)
            return i;
    bpf_entry *nb = realloc(c->bpf, sizeof *nb * (size_t)(c->nbpf + 1));
    if (!nb)
        return -1;
    c->bpf = nb;
    bpf_entry *e = &c->bpf[c->nbpf];
    memset(e, 0, sizeof *e);
    e->dlt = dlt;
    pcap_t *dead = pcap_open_dead(dlt, BPF_SNAPLEN);
    char why[PCAP_ERRBUF_SIZE + 64];
    if (!dead) {
        snprintf(why, sizeof why, "libpcap cannot open link type");
    } else if (pcap_compile(dead, &e->prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) == 0) {
        e->ok = true;
    } else {
        snprintf(why, sizeof why, "%s", pcap_geterr(dead));
    }
    if (dead)
        pcap_close(dead);
    if (!e->ok) {
        char nb32[32];
        size_t used = strlen(c->warn);
        snprintf(c->warn + used, sizeof c->warn - used, "%sfilter does not apply to link type %s (%s); its packets are left out",
                 used ? "; " : "", dlt_name(dlt, nb32), why);
    }
    return c->nbpf++;
}

/* True when the packet passes (or there is no filter). */
static bool filter_pass(capture *c, iface *ifc, const capture_packet *pkt)
{
    if (!c->filter)
        return true;
    if (ifc->filter == FILTER_UNRESOLVED)
        ifc->filter = filter_for(c, ifc->dlt);
    if (ifc->filter < 0 || !c->bpf[ifc->filter].ok)
        return false;
    struct pcap_pkthdr h = {.caplen = pkt->caplen, .len = pkt->len};
    return pcap_offline_filter(&c->bpf[ifc->filter].prog, &h, pkt->data) != 0;
}

bool capture_check_filter(const char *filter, char *err, size_t errlen)
{
    if (!filter || !*filter)
        return true;
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, BPF_SNAPLEN);
    if (!dead) {
        snprintf(err, errlen, "libpcap could not start");
        return false;
    }
    struct bpf_program prog;
    bool ok = pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0;
    if (ok)
        pcap_freecode(&prog);
    else
        snprintf(err, errlen, "%s", pcap_geterr(dead));
    pcap_close(dead);
    return ok;
}

/* ---- classic pcap through libpcap ---- */

static bool pcap_start(capture *c, char *err, size_t errlen)
{
    c->stream_buf = malloc(BUF_SIZE);
    cookie_io_functions_t io = {.read = cookie_read, .close = cookie_close};
    c->stream = c->stream_buf ? fopencookie(c, "r", io) : NULL;
    if (!c->stream) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    setvbuf(c->stream, c->stream_buf, _IOFBF, BUF_SIZE);
    char ebuf[PCAP_ERRBUF_SIZE];
    c->pcap = pcap_fopen_offline_with_tstamp_precision(c->stream, PCAP_TSTAMP_PRECISION_NANO, ebuf);
    if (!c->pcap) {
        if (!c->stream_closed)
            fclose(c->stream);
        c->stream = NULL;
        if (strstr(ebuf, "unknown file format"))
            return false; /* the caller reports "not a capture" */
        if (strstr(ebuf, "truncated dump file"))
            snprintf(err, errlen, "truncated file header (%zu of 24 bytes); the file is cut short",
                     c->sniff_len);
        else
            snprintf(err, errlen, "cannot read as pcap: %s", ebuf);
        return false;
    }
    c->kind = FMT_PCAP;
    c->format = pcap_get_tstamp_precision(c->pcap) == PCAP_TSTAMP_PRECISION_NANO &&
                        (memcmp(c->sniff, "\xa1\xb2\x3c\x4d", 4) == 0 ||
                         memcmp(c->sniff, "\x4d\x3c\xb2\xa1", 4) == 0)
                    ? "pcap-ns"
                    : "pcap";
    int dlt = pcap_datalink(c->pcap);
    c->pcap_if = (iface){.linktype = dlt_to_linktype(dlt), .dlt = dlt,
                         .snaplen = (uint32_t)pcap_snapshot(c->pcap), .filter = FILTER_UNRESOLVED};
    return true;
}

static capture_status pcap_next_packet(capture *c, capture_packet *pkt)
{
    struct pcap_pkthdr *h;
    const u_char *d;
    int r = pcap_next_ex(c->pcap, &h, &d);
    if (r == 1) {
        c->packets++;
        pkt->data = d;
        pkt->caplen = h->caplen;
        pkt->len = h->len < h->caplen ? h->caplen : h->len;
        pkt->linktype = c->pcap_if.linktype;
        pkt->iface = 0;
        pkt->ts_ns = (int64_t)((uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec);
        return filter_pass(c, &c->pcap_if, pkt) ? CAPTURE_PACKET : CAPTURE_FILTERED;
    }
    if (r == PCAP_ERROR_BREAK)
        return CAPTURE_END;
    /* libpcap's messages (sf-pcap.c) name the problem; say it our way. */
    const char *e = pcap_geterr(c->pcap);
    unsigned long want = 0, got = 0;
    if (sscanf(e, "truncated dump file; tried to read %lu captured bytes, only got %lu", &want, &got) == 2)
        fail(c, "truncated record after %" PRIu64 " packet%s (the file ends inside a %lu-byte record, %lu bytes left)",
             c->packets, plural(c->packets), want, got);
    else if (sscanf(e, "truncated dump file; tried to read %lu header bytes, only got %lu", &want, &got) == 2)
        fail(c, "truncated record after %" PRIu64 " packet%s (the file ends inside a record header, %lu of %lu bytes)",
             c->packets, plural(c->packets), got, want);
    else if (sscanf(e, "invalid packet capture length %lu", &want) == 1)
        fail(c, "absurd record length %lu after %" PRIu64 " packet%s (corrupt file)",
             want, c->packets, plural(c->packets));
    else if (strncmp(e, "error reading dump file: ", 25) == 0)
        fail(c, "I/O error after %" PRIu64 " packet%s: %s", c->packets, plural(c->packets), e + 25);
    else
        fail(c, "unreadable after %" PRIu64 " packet%s: %s", c->packets, plural(c->packets), e);
    return CAPTURE_ERROR;
}

/* ---- pcapng, our own block reader ---- */

static uint16_t rd16(const capture *c, const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return c->swap ? __builtin_bswap16(v) : v;
}

static uint32_t rd32(const capture *c, const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return c->swap ? __builtin_bswap32(v) : v;
}

static uint64_t rd64(const capture *c, const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return c->swap ? __builtin_bswap64(v) : v;
}

enum { FILL_OK, FILL_EOF, FILL_ERR };

/* Makes n bytes available at buf + pos, growing the buffer if n exceeds it.
 * FILL_EOF: the input ended first (end - pos bytes are there). */
static int fill(capture *c, size_t n)
{
    if (c->end - c->pos >= n)
        return FILL_OK;
    if (c->pos > 0) {
        memmove(c->buf, c->buf + c->pos, c->end - c->pos);
        c->end -= c->pos;
        c->pos = 0;
    }
    if (n > c->cap) {
        uint8_t *nb = realloc(c->buf, n);
        if (!nb) {
            errno = ENOMEM;
            return FILL_ERR;
        }
        c->buf = nb;
        c->cap = n;
    }
    while (c->end < n) {
        if (c->eof)
            return FILL_EOF;
        ssize_t r = read(c->fd, c->buf + c->end, c->cap - c->end);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return FILL_ERR;
        if (r == 0)
            c->eof = true;
        c->end += (size_t)r;
        c->nread += (uint64_t)r;
    }
    return FILL_OK;
}

static int64_t ts_to_ns(const iface *f, uint64_t ts)
{
    unsigned __int128 v;
    if (f->tsres_pow2) {
        v = ((unsigned __int128)ts * 1000000000u) >> f->tsres_exp;
    } else if (f->tsres_exp <= 9) {
        uint64_t m = 1;
        for (int i = f->tsres_exp; i < 9; i++)
            m *= 10;
        v = (unsigned __int128)ts * m;
    } else if (f->tsres_exp - 9 > 38) {
        v = 0;
    } else {
        unsigned __int128 d = 1;
        for (int i = 9; i < f->tsres_exp; i++)
            d *= 10;
        v = ts / d;
    }
    return (int64_t)((uint64_t)v + (uint64_t)f->tsoffset * 1000000000u);
}

static bool read_idb(capture *c, const uint8_t *b, uint32_t len)
{
    if (len < 20)
        return fail(c, "corrupt interface description block (%u bytes) after %" PRIu64 " packet%s", len, c->packets, plural(c->packets));
    if (c->nifs == c->cap_ifs) {
        uint32_t ncap = c->cap_ifs ? c->cap_ifs * 2 : 4;
        iface *n = realloc(c->ifs, sizeof *n * ncap);
        if (!n)
            return fail(c, "out of memory");
        c->ifs = n;
        c->cap_ifs = ncap;
    }
    iface *f = &c->ifs[c->nifs];
    *f = (iface){.linktype = rd16(c, b + 8), .snaplen = rd32(c, b + 12), .tsres_exp = 6,
                 .filter = FILTER_UNRESOLVED};
    f->dlt = linktype_to_dlt(f->linktype);
    for (uint32_t o = 16; o + 4 <= len - 4;) {
        uint16_t code = rd16(c, b + o), olen = rd16(c, b + o + 2);
        if (code == 0 || o + 4 + olen > len - 4)
            break;
        if (code == 9 && olen >= 1) {
            f->tsres_pow2 = b[o + 4] & 0x80;
            f->tsres_exp = b[o + 4] & 0x7f;
        } else if (code == 14 && olen >= 8) {
            f->tsoffset = (int64_t)rd64(c, b + o + 4);
        }
        o += 4 + ((olen + 3u) & ~3u);
    }
    c->nifs++;
    return true;
}

static iface *section_iface(capture *c, uint32_t id)
{
    if (id >= c->nifs - c->section_base) {
        fail(c, "corrupt packet block after %" PRIu64 " packet%s: interface %u does not exist (the section has %u)",
             c->packets, plural(c->packets), id, c->nifs - c->section_base);
        return NULL;
    }
    return &c->ifs[c->section_base + id];
}

static capture_status pcapng_next_packet(capture *c, capture_packet *pkt)
{
    for (;;) {
        int r = fill(c, 12);
        if (r == FILL_ERR)
            return fail(c, "I/O error after %" PRIu64 " packet%s: %s", c->packets, plural(c->packets), strerror(errno)), CAPTURE_ERROR;
        if (r == FILL_EOF) {
            if (c->end == c->pos)
                return CAPTURE_END;
            return fail(c, "truncated block after %" PRIu64 " packet%s (the file ends inside a block header, %zu bytes left)",
                        c->packets, plural(c->packets), c->end - c->pos),
                   CAPTURE_ERROR;
        }
        const uint8_t *b = c->buf + c->pos;
        uint32_t type;
        memcpy(&type, b, 4);
        if (type == BLK_SHB) {
            uint32_t bom;
            memcpy(&bom, b + 8, 4);
            if (bom == 0x1A2B3C4D)
                c->swap = false;
            else if (bom == 0x4D3C2B1A)
                c->swap = true;
            else
                return fail(c, "corrupt section header after %" PRIu64 " packet%s (byte-order magic %08x)", c->packets, plural(c->packets), bom),
                       CAPTURE_ERROR;
        } else {
            type = rd32(c, b);
        }
        uint32_t len = rd32(c, b + 4);
        if (len < 12 || len % 4 || len > MAX_BLOCK)
            return fail(c, "absurd block length %u after %" PRIu64 " packet%s (corrupt file)", len, c->packets, plural(c->packets)),
                   CAPTURE_ERROR;
        r = fill(c, len);
        if (r == FILL_ERR)
            return fail(c, "I/O error after %" PRIu64 " packet%s: %s", c->packets, plural(c->packets), strerror(errno)), CAPTURE_ERROR;
        if (r == FILL_EOF)
            return fail(c, "truncated block after %" PRIu64 " packet%s (the file ends inside a %u-byte block, %zu bytes left)",
                        c->packets, plural(c->packets), len, c->end - c->pos),
                   CAPTURE_ERROR;
        b = c->buf + c->pos;
        if (rd32(c, b + len - 4) != len)
            return fail(c, "corrupt block after %" PRIu64 " packet%s (its two lengths differ: %u and %u)", c->packets, plural(c->packets), len, rd32(c, b + len - 4)),
                   CAPTURE_ERROR;
        c->pos += len; /* the block stays in the buffer until the next fill */

        iface *f = NULL;
        uint32_t caplen = 0, origlen = 0, hdr = 0, id = 0;
        uint64_t ts = 0;
        switch (type) {
        case BLK_SHB: {
            if (len < 28)
                return fail(c, "corrupt section header (%u bytes) after %" PRIu64 " packet%s", len, c->packets, plural(c->packets)), CAPTURE_ERROR;
            uint16_t major = rd16(c, b + 12), minor = rd16(c, b + 14);
            if (major != 1)
                return fail(c, "unsupported pcapng version %u.%u after %" PRIu64 " packet%s", major, minor, c->packets, plural(c->packets)), CAPTURE_ERROR;
            c->section_base = c->nifs;
            continue;
        }
        case BLK_IDB:
            if (!read_idb(c, b, len))
                return CAPTURE_ERROR;
            continue;
        case BLK_EPB:
        case BLK_PB:
            if (len < 32)
                return fail(c, "corrupt packet block (%u bytes) after %" PRIu64 " packet%s", len, c->packets, plural(c->packets)), CAPTURE_ERROR;
            id = type == BLK_EPB ? rd32(c, b + 8) : rd16(c, b + 8);
            ts = (uint64_t)rd32(c, b + 12) << 32 | rd32(c, b + 16);
            caplen = rd32(c, b + 20);
            origlen = rd32(c, b + 24);
            hdr = 28;
            if (caplen > MAX_CAPLEN)
                return fail(c, "absurd record length %u after %" PRIu64 " packet%s (corrupt file)", caplen, c->packets, plural(c->packets)),
                       CAPTURE_ERROR;
            if (caplen > len - 32)
                return fail(c, "corrupt packet block after %" PRIu64 " packet%s (%u captured bytes in a %u-byte block)", c->packets, plural(c->packets), caplen, len),
                       CAPTURE_ERROR;
            break;
        case BLK_SPB:
            if (len < 16)
                return fail(c, "corrupt packet block (%u bytes) after %" PRIu64 " packet%s", len, c->packets, plural(c->packets)), CAPTURE_ERROR;
            origlen = rd32(c, b + 8);
            caplen = len - 16;
            hdr = 12;
            break;
        default:
            continue; /* name resolution, statistics, custom, ...: not needed */
        }
        if (!(f = section_iface(c, id)))
            return CAPTURE_ERROR;
        if (type == BLK_SPB) {
            if (caplen > origlen)
                caplen = origlen;
            if (f->snaplen && caplen > f->snaplen)
                caplen = f->snaplen;
        }
        c->packets++;
        pkt->data = b + hdr;
        pkt->caplen = caplen;
        pkt->len = origlen < caplen ? caplen : origlen;
        pkt->linktype = f->linktype;
        pkt->iface = (uint32_t)(f - c->ifs);
        pkt->ts_ns = type == BLK_SPB ? 0 : ts_to_ns(f, ts);
        return filter_pass(c, f, pkt) ? CAPTURE_PACKET : CAPTURE_FILTERED;
    }
}

/* ---- public ---- */

capture *capture_open(const char *path, const char *filter, char *err, size_t errlen)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            snprintf(err, errlen, "no such file");
        else if (e == EACCES || e == EPERM)
            snprintf(err, errlen, "permission denied (the file is not readable by this user)");
        else if (e == ENOTDIR)
            snprintf(err, errlen, "no such file (a part of the path is not a directory)");
        else
            snprintf(err, errlen, "cannot open: %s", strerror(e));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory; give the capture files inside it");
        if (!is_stdin)
            close(fd);
        return NULL;
    }
    capture *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        if (!is_stdin)
            close(fd);
        return NULL;
    }
    c->fd = fd;
    c->own_fd = !is_stdin;
    c->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if (filter && *filter && !(c->filter = strdup(filter))) {
        snprintf(err, errlen, "out of memory");
        goto bad;
    }

    ssize_t n = read_full(fd, c->sniff, SNIFF_LEN);
    if (n < 0) {
        snprintf(err, errlen, "I/O error: %s", strerror(errno));
        goto bad;
    }
    c->sniff_len = (size_t)n;
    c->nread = (uint64_t)n;
    if (n == 0) {
        snprintf(err, errlen, "empty file");
        goto bad;
    }
    if (n >= 4 && memcmp(c->sniff, "\x0a\x0d\x0d\x0a", 4) == 0) {
        c->kind = FMT_PCAPNG;
        c->format = "pcapng";
        c->cap = BUF_SIZE;
        if (!(c->buf = malloc(c->cap))) {
            snprintf(err, errlen, "out of memory");
            goto bad;
        }
        memcpy(c->buf, c->sniff, c->sniff_len);
        c->end = c->sniff_len;
        return c;
    }
    err[0] = 0;
    if (n >= 4 && pcap_start(c, err, errlen))
        return c;
    if (!err[0]) {
        char hex[3 * 8 + 1] = "";
        size_t hl = 0;
        for (ssize_t i = 0; i < n && i < 8; i++)
            hl += (size_t)snprintf(hex + hl, sizeof hex - hl, "%s%02x", i ? " " : "", c->sniff[i]);
        snprintf(err, errlen, "not a pcap or pcapng capture (starts with %s%s)", hex,
                 n < 4 ? ", too short" : "");
    }
bad:
    capture_close(c);
    return NULL;
}

void capture_close(capture *c)
{
    if (!c)
        return;
    if (c->pcap)
        pcap_close(c->pcap); /* closes the stream */
    else if (c->stream && !c->stream_closed)
        fclose(c->stream);
    free(c->stream_buf);
    if (c->own_fd)
        close(c->fd);
    for (int i = 0; i < c->nbpf; i++)
        if (c->bpf[i].ok)
            pcap_freecode(&c->bpf[i].prog);
    free(c->bpf);
    free(c->filter);
    free(c->buf);
    free(c->ifs);
    free(c);
}

capture_status capture_next(capture *c, capture_packet *pkt)
{
    if (c->failed)
        return CAPTURE_ERROR;
    return c->kind == FMT_PCAP ? pcap_next_packet(c, pkt) : pcapng_next_packet(c, pkt);
}

const char *capture_error(const capture *c) { return c->err; }
const char *capture_format(const capture *c) { return c->format; }
uint64_t capture_size(const capture *c) { return c->size; }

int capture_fd(const capture *c) { return c->fd; }

size_t capture_buffered(const capture *c)
{
    if (c->kind == FMT_PCAPNG)
        return c->end - c->pos;
    size_t n = c->sniff_len - c->sniff_pos;
    /* glibc's FILE keeps its read buffer in these public fields; libpcap
     * reads records through the stream and keeps no read-ahead of its own. */
    if (c->stream && !c->stream_closed && c->stream->_IO_read_end > c->stream->_IO_read_ptr)
        n += (size_t)(c->stream->_IO_read_end - c->stream->_IO_read_ptr);
    return n;
}

uint64_t capture_offset(const capture *c)
{
    return c->kind == FMT_PCAPNG ? c->nread - (c->end - c->pos) : c->nread;
}

const char *capture_filter_warning(const capture *c) { return c->warn[0] ? c->warn : NULL; }
