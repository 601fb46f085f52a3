/* capwrite: pcap/pcapng files and frames for tests, written byte by byte.
 * See capwrite.h; the formats are those of the pcap and pcapng drafts
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng). */
#include "capwrite.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "capwrite: %s\n", what);
    abort();
}

/* ---- files ---- */

enum { MAX_IFACES = 4096 };

struct capw {
    FILE *fp;
    bool ng;
    bool big;      /* byte order of the current pcap file / pcapng section */
    bool nano;     /* pcap: nanosecond records */
    uint32_t snaplen;
    uint32_t nifaces;
    uint8_t tsresol[MAX_IFACES];
    uint32_t if_snaplen[MAX_IFACES];
    bool failed;
};

static void put(capw *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->fp) != n)
        w->failed = true;
}
static void put8(capw *w, uint8_t v) { put(w, &v, 1); }
static void put16(capw *w, uint16_t v)
{
    uint8_t b[2];
    if (w->big)
        b[0] = (uint8_t)(v >> 8), b[1] = (uint8_t)v;
    else
        b[1] = (uint8_t)(v >> 8), b[0] = (uint8_t)v;
    put(w, b, 2);
}
static void put32(capw *w, uint32_t v)
{
    if (w->big) {
        put16(w, (uint16_t)(v >> 16));
        put16(w, (uint16_t)v);
    } else {
        put16(w, (uint16_t)v);
        put16(w, (uint16_t)(v >> 16));
    }
}
static void pad4(capw *w, size_t n)
{
    static const uint8_t zero[4];
    put(w, zero, (4 - n % 4) % 4);
}

capw *capw_open_pcap(const char *path, uint32_t linktype, bool nanosecond, bool big_endian,
                     uint32_t snaplen)
{
    capw *w = calloc(1, sizeof *w);
    if (!w || !(w->fp = fopen(path, "wb"))) {
        free(w);
        return NULL;
    }
    w->big = big_endian;
    w->nano = nanosecond;
    w->snaplen = snaplen;
    put32(w, nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
    put16(w, 2);
    put16(w, 4);
    put32(w, 0); /* thiszone */
    put32(w, 0); /* sigfigs */
    put32(w, snaplen);
    put32(w, linktype);
    return w;
}

capw *capw_open_pcapng(const char *path, bool big_endian)
{
    capw *w = calloc(1, sizeof *w);
    if (!w || !(w->fp = fopen(path, "wb"))) {
        free(w);
        return NULL;
    }
    w->ng = true;
    capw_ng_section(w, big_endian);
    return w;
}

void capw_ng_section(capw *w, bool big_endian)
{
    if (!w->ng)
        die("section in a pcap file");
    w->big = big_endian;
    w->nifaces = 0;
    put32(w, 0x0a0d0d0a);
    put32(w, 28);
    put32(w, 0x1a2b3c4d);
    put16(w, 1);
    put16(w, 0);
    put32(w, 0xffffffff); /* section length unknown */
    put32(w, 0xffffffff);
    put32(w, 28);
}

uint32_t capw_ng_interface(capw *w, uint32_t linktype, uint32_t snaplen, uint8_t tsresol)
{
    if (!w->ng || w->nifaces >= MAX_IFACES)
        die("interface");
    if ((tsresol & 0x80) && (tsresol & 0x7f) > 30)
        die("tsresol 2^-k with k > 30");
    if (!(tsresol & 0x80) && tsresol > 18)
        die("tsresol 10^-k with k > 18");
    uint32_t len = 20 + (tsresol ? 12 : 0);
    put32(w, 1);
    put32(w, len);
    put16(w, (uint16_t)linktype);
    put16(w, 0);
    put32(w, snaplen);
    if (tsresol) {
        put16(w, 9); /* if_tsresol */
        put16(w, 1);
        put8(w, tsresol);
        pad4(w, 1);
        put32(w, 0); /* opt_endofopt */
    }
    put32(w, len);
    w->tsresol[w->nifaces] = tsresol ? tsresol : 6;
    w->if_snaplen[w->nifaces] = snaplen;
    return w->nifaces++;
}

static uint64_t ts_units(int64_t ts_ns, uint8_t tsresol)
{
    uint64_t ns = (uint64_t)ts_ns;
    if (tsresol & 0x80) {
        unsigned k = tsresol & 0x7f;
        uint64_t sec = ns / 1000000000u, frac = ns % 1000000000u;
        return (sec << k) + ((frac << k) / 1000000000u);
    }
    uint64_t v = ns;
    for (unsigned k = 9; k > tsresol; k--)
        v /= 10;
    for (unsigned k = 9; k < tsresol; k++)
        v *= 10;
    return v;
}

void capw_packet(capw *w, uint32_t iface, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                 uint32_t len)
{
    if (caplen > len)
        die("caplen > len");
    if (!w->ng) {
        uint64_t ns = (uint64_t)ts_ns;
        put32(w, (uint32_t)(ns / 1000000000u));
        put32(w, (uint32_t)(w->nano ? ns % 1000000000u : ns % 1000000000u / 1000u));
        put32(w, caplen);
        put32(w, len);
        put(w, data, caplen);
        return;
    }
    if (iface >= w->nifaces)
        die("no such interface");
    uint64_t t = ts_units(ts_ns, w->tsresol[iface]);
    uint32_t blen = 32 + ((caplen + 3) & ~3u);
    put32(w, 6);
    put32(w, blen);
    put32(w, iface);
    put32(w, (uint32_t)(t >> 32));
    put32(w, (uint32_t)t);
    put32(w, caplen);
    put32(w, len);
    put(w, data, caplen);
    pad4(w, caplen);
    put32(w, blen);
}

void capw_simple_packet(capw *w, const uint8_t *data, uint32_t len)
{
    if (!w->ng || w->nifaces == 0)
        die("SPB needs a pcapng interface 0");
    uint32_t cap = len;
    if (w->if_snaplen[0] && cap > w->if_snaplen[0])
        cap = w->if_snaplen[0];
    uint32_t blen = 16 + ((cap + 3) & ~3u);
    put32(w, 3);
    put32(w, blen);
    put32(w, len);
    put(w, data, cap);
    pad4(w, cap);
    put32(w, blen);
}

void capw_raw(capw *w, const void *bytes, size_t n) { put(w, bytes, n); }

bool capw_close(capw *w)
{
    if (!w)
        return true;
    bool ok = !w->failed;
    if (fclose(w->fp) != 0)
        ok = false;
    free(w);
    return ok;
}

/* ---- frames ---- */

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)(v >> 16)), wr16(p + 2, (uint16_t)v); }
static void wl16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void wl32(uint8_t *p, uint32_t v) { wl16(p, (uint16_t)v), wl16(p + 2, (uint16_t)(v >> 16)); }

uint8_t *capw_push(capw_frame *f, uint32_t n)
{
    if (n > f->off)
        die("out of headroom");
    f->off -= n;
    f->len += n;
    memset(f->buf + f->off, 0, n);
    return f->buf + f->off;
}

static void start(capw_frame *f, uint32_t payload_len)
{
    if (payload_len > CAPW_MAXDATA)
        die("payload too long");
    f->off = CAPW_HEADROOM;
    f->len = payload_len;
    for (uint32_t i = 0; i < payload_len; i++)
        f->buf[f->off + i] = (uint8_t)(i * 7 + 3);
}

static int parse(const char *text, uint8_t out[16])
{
    if (inet_pton(AF_INET, text, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, text, out) == 1)
        return 6;
    die(text);
}

static uint16_t checksum(const uint8_t *p, uint32_t n)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void ipv4_header(capw_frame *f, const uint8_t s[4], const uint8_t d[4], uint8_t proto,
                        uint16_t id, uint16_t frag)
{
    uint8_t *h = capw_push(f, 20);
    h[0] = 0x45;
    wr16(h + 2, (uint16_t)f->len);
    wr16(h + 4, id);
    wr16(h + 6, frag);
    h[8] = 64;
    h[9] = proto;
    memcpy(h + 12, s, 4);
    memcpy(h + 16, d, 4);
    wr16(h + 10, checksum(h, 20));
    f->ethertype = 0x0800;
}

void capw_ip(capw_frame *f, const char *src, const char *dst, uint8_t proto,
             uint32_t payload_len)
{
    uint8_t s[16], d[16];
    int fs = parse(src, s), fd = parse(dst, d);
    if (fs != fd)
        die("mixed families");
    start(f, payload_len);
    if (fs == 4) {
        ipv4_header(f, s, d, proto, 0x1234, 0x4000);
        return;
    }
    uint8_t *h = capw_push(f, 40);
    h[0] = 0x60;
    wr16(h + 4, (uint16_t)payload_len);
    h[6] = proto;
    h[7] = 64;
    memcpy(h + 8, s, 16);
    memcpy(h + 24, d, 16);
    f->ethertype = 0x86dd;
}

void capw_ipv4_fragment(capw_frame *f, const char *src, const char *dst, uint16_t id,
                        uint32_t offset, bool more, uint32_t payload_len)
{
    uint8_t s[16], d[16];
    if (parse(src, s) != 4 || parse(dst, d) != 4 || offset % 8 || offset / 8 > 0x1fff)
        die("bad fragment");
    start(f, payload_len);
    ipv4_header(f, s, d, 17, id, (uint16_t)((more ? 0x2000 : 0) | offset / 8));
}

void capw_arp(capw_frame *f, const char *sender, const char *target)
{
    uint8_t s[16], t[16];
    if (parse(sender, s) != 4 || parse(target, t) != 4)
        die("ARP needs IPv4");
    start(f, 0);
    uint8_t *h = capw_push(f, 28);
    wr16(h, 1);
    wr16(h + 2, 0x0800);
    h[4] = 6;
    h[5] = 4;
    wr16(h + 6, 1);
    memcpy(h + 8, "\x02\x00\x00\x00\x00\x01", 6);
    memcpy(h + 14, s, 4);
    memcpy(h + 24, t, 4);
    f->ethertype = 0x0806;
}

void capw_payload(capw_frame *f, uint16_t ethertype, uint32_t payload_len)
{
    start(f, payload_len);
    f->ethertype = ethertype;
}

void capw_push_vlan(capw_frame *f, uint16_t tpid, uint16_t vid)
{
    uint8_t *h = capw_push(f, 4);
    wr16(h, vid & 0x0fff);
    wr16(h + 2, f->ethertype);
    f->ethertype = tpid;
}

void capw_push_pppoe(capw_frame *f, uint16_t session)
{
    uint16_t proto = f->ethertype == 0x0800 ? 0x0021 : f->ethertype == 0x86dd ? 0x0057 : 0;
    if (!proto)
        die("PPPoE carries IP only here");
    uint16_t plen = (uint16_t)(f->len + 2);
    uint8_t *h = capw_push(f, 8);
    h[0] = 0x11;
    h[1] = 0x00;
    wr16(h + 2, session);
    wr16(h + 4, plen);
    wr16(h + 6, proto);
    f->ethertype = 0x8864;
}

void capw_push_mpls(capw_frame *f, uint32_t label, bool bottom)
{
    uint8_t *h = capw_push(f, 4);
    wr32(h, label << 12 | (bottom ? 0x100u : 0) | 64);
    f->ethertype = 0x8847;
}

static const uint8_t mac_dst[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
static const uint8_t mac_src[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};

void capw_push_ethernet(capw_frame *f)
{
    uint8_t *h = capw_push(f, 14);
    memcpy(h, mac_dst, 6);
    memcpy(h + 6, mac_src, 6);
    wr16(h + 12, f->ethertype);
    f->ethertype = 0x6558;
}

static void push_snap(capw_frame *f)
{
    uint8_t *h = capw_push(f, 8);
    h[0] = 0xaa, h[1] = 0xaa, h[2] = 0x03;
    wr16(h + 6, f->ethertype);
}

void capw_push_ethernet_llc(capw_frame *f)
{
    push_snap(f);
    if (f->len > 1500)
        die("802.3 frame too long");
    uint16_t len = (uint16_t)f->len;
    uint8_t *h = capw_push(f, 14);
    memcpy(h, mac_dst, 6);
    memcpy(h + 6, mac_src, 6);
    wr16(h + 12, len);
    f->ethertype = 0x6558;
}

static uint16_t ppp_proto(const capw_frame *f)
{
    switch (f->ethertype) {
    case 0x0800: return 0x0021;
    case 0x86dd: return 0x0057;
    case 0x8847: return 0x0281;
    default: die("PPP carries IP or MPLS only here");
    }
}

static void push_ppp(capw_frame *f, unsigned flags)
{
    uint16_t proto = ppp_proto(f);
    if ((flags & CAPW_PPP_PFC) && proto < 0x100) {
        *capw_push(f, 1) = (uint8_t)proto;
    } else {
        wr16(capw_push(f, 2), proto);
    }
    if (!(flags & CAPW_PPP_NO_ADDR)) {
        uint8_t *h = capw_push(f, 2);
        h[0] = 0xff, h[1] = 0x03;
    }
}

static void push_80211(capw_frame *f, unsigned flags)
{
    if (flags & CAPW_WLAN_PROTECTED) {
        /* CCMP header then "ciphertext": the payload as it is, and a MIC */
        uint8_t *mic = f->buf + f->off + f->len;
        memset(mic, 0x5a, 8);
        f->len += 8;
        uint8_t *h = capw_push(f, 8);
        h[3] = 0x20; /* ExtIV */
    } else {
        push_snap(f);
    }
    bool qos = flags & (CAPW_WLAN_QOS | CAPW_WLAN_HTC | CAPW_WLAN_AMSDU);
    if (flags & CAPW_WLAN_AMSDU) {
        uint16_t sublen = (uint16_t)f->len;
        uint8_t *h = capw_push(f, 14);
        memcpy(h, mac_dst, 6);
        memcpy(h + 6, mac_src, 6);
        wr16(h + 12, sublen);
    }
    if (qos && (flags & CAPW_WLAN_HTC))
        capw_push(f, 4);
    if (qos) {
        uint8_t *h = capw_push(f, 2);
        h[0] = (flags & CAPW_WLAN_AMSDU) ? 0x80 : 0x00;
    }
    bool four = flags & CAPW_WLAN_4ADDR;
    uint8_t *h = capw_push(f, four ? 30 : 24);
    h[0] = qos ? 0x88 : 0x08;
    h[1] = (uint8_t)((four ? 0x03 : 0x01) | (flags & CAPW_WLAN_PROTECTED ? 0x40 : 0) |
                     (qos && (flags & CAPW_WLAN_HTC) ? 0x80 : 0));
    memcpy(h + 4, mac_dst, 6);
    memcpy(h + 10, mac_src, 6);
    memcpy(h + 16, mac_dst, 6);
    if (four)
        memcpy(h + 24, mac_src, 6);
}

static void push_radiotap(capw_frame *f, unsigned flags)
{
    if (!(flags & CAPW_RADIOTAP_PAD)) {
        uint8_t *h = capw_push(f, 8);
        wl16(h + 2, 8);
        return;
    }
    /* TSFT at 8 (8-aligned), Flags at 16 with data pad, then 3 pad bytes;
     * the 802.11 header that follows must be padded to 4. */
    uint8_t *h = capw_push(f, 20);
    wl16(h + 2, 20);
    wl32(h + 4, 0x03);
    wl32(h + 8, 0x01020304);
    h[16] = 0x20;
}

void capw_link(capw_frame *f, uint32_t linktype, unsigned flags)
{
    bool ip = f->ethertype == 0x0800 || f->ethertype == 0x86dd;
    bool v6 = f->ethertype == 0x86dd;
    switch (linktype) {
    case LINKTYPE_ETHERNET:
        if (f->ethertype != 0x6558)
            capw_push_ethernet(f);
        break;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
        if (!ip)
            die("NULL/LOOP carry IP");
        uint32_t af = v6 ? ((flags & CAPW_NULL_AF_BSD) ? 24 : 30) : 2;
        uint8_t *h = capw_push(f, 4);
        if (linktype == LINKTYPE_LOOP || (flags & CAPW_BIG_ENDIAN))
            wr32(h, af);
        else
            wl32(h, af);
        break;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_DLT12:
    case LINKTYPE_RAW_DLT14:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
        if (!ip || (linktype == LINKTYPE_IPV4 && v6) || (linktype == LINKTYPE_IPV6 && !v6))
            die("raw link types carry IP");
        break;
    case LINKTYPE_LINUX_SLL: {
        uint8_t *h = capw_push(f, 16);
        wr16(h, 0);      /* to us */
        wr16(h + 2, 1);  /* ARPHRD_ETHER */
        wr16(h + 4, 6);
        memcpy(h + 6, mac_src, 6);
        wr16(h + 14, f->ethertype == 0x6558 ? 0x0003 : f->ethertype);
        break;
    }
    case LINKTYPE_LINUX_SLL2: {
        uint8_t *h = capw_push(f, 20);
        wr16(h, f->ethertype == 0x6558 ? 0x0003 : f->ethertype);
        wr32(h + 4, 2);  /* ifindex */
        wr16(h + 8, 1);  /* ARPHRD_ETHER */
        h[10] = 4;       /* outgoing */
        h[11] = 6;
        memcpy(h + 12, mac_src, 6);
        break;
    }
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC: push_ppp(f, flags); break;
    case LINKTYPE_C_HDLC: {
        uint16_t et = f->ethertype;
        uint8_t *h = capw_push(f, 4);
        h[0] = 0x0f;
        wr16(h + 2, et);
        break;
    }
    case LINKTYPE_NFLOG: {
        if (!ip)
            die("NFLOG carries IP");
        bool big = flags & CAPW_BIG_ENDIAN;
        uint32_t plen = f->len;
        f->len = (f->len + 3) & ~3u; /* padding after the payload */
        memset(f->buf + f->off + plen, 0, f->len - plen);
        uint8_t *h = capw_push(f, 4 + 8 + 8 + 4);
        h[0] = v6 ? 10 : 2;
        h[1] = 0;
        wr16(h + 2, 7); /* resource id: network order always */
        void (*w16)(uint8_t *, uint16_t) = big ? wr16 : wl16;
        /* NFULA_PACKET_HDR: hw_protocol (network order), hook, pad */
        w16(h + 4, 8), w16(h + 6, 1);
        wr16(h + 8, f->ethertype);
        h[10] = 3;
        /* NFULA_PREFIX "abc" */
        w16(h + 12, 8), w16(h + 14, 10);
        memcpy(h + 16, "abc", 4);
        /* NFULA_PAYLOAD */
        w16(h + 20, (uint16_t)(plen + 4)), w16(h + 22, 9);
        break;
    }
    case LINKTYPE_IEEE802_11: push_80211(f, flags); break;
    case LINKTYPE_IEEE802_11_RADIOTAP:
        if (flags & CAPW_RADIOTAP_PAD) {
            /* build the 802.11 header separately to pad it to 4 */
            push_80211(f, flags);
            /* the 802.11 MAC header proper (up to the LLC) is what gets padded */
            bool qos = flags & (CAPW_WLAN_QOS | CAPW_WLAN_HTC | CAPW_WLAN_AMSDU);
            uint32_t mac = ((flags & CAPW_WLAN_4ADDR) ? 30 : 24) + (qos ? 2 : 0) +
                           (qos && (flags & CAPW_WLAN_HTC) ? 4 : 0);
            uint32_t pad = (4 - mac % 4) % 4;
            if (pad) {
                uint8_t tmp[64];
                memcpy(tmp, f->buf + f->off, mac);
                capw_push(f, pad);
                memcpy(f->buf + f->off, tmp, mac);
                memset(f->buf + f->off + mac, 0, pad);
            }
        } else {
            push_80211(f, flags);
        }
        push_radiotap(f, flags);
        break;
    default: die("link type not supported by capwrite");
    }
}

void capw_wlan_beacon(capw_frame *f)
{
    start(f, 0);
    uint8_t *h = capw_push(f, 24 + 12 + 6);
    h[0] = 0x80;
    memset(h + 4, 0xff, 6);
    memcpy(h + 10, mac_src, 6);
    memcpy(h + 16, mac_src, 6);
    h[24 + 8] = 100;  /* beacon interval */
    h[24 + 12] = 0;   /* SSID element */
    h[24 + 13] = 4;
    memcpy(h + 24 + 14, "ipvz", 4);
    f->ethertype = 0;
}

void capw_wlan_null_data(capw_frame *f)
{
    start(f, 0);
    uint8_t *h = capw_push(f, 24);
    h[0] = 0x48;
    h[1] = 0x11;
    memcpy(h + 4, mac_dst, 6);
    memcpy(h + 10, mac_src, 6);
    memcpy(h + 16, mac_dst, 6);
    f->ethertype = 0;
}

/* ---- samples: one frame per supported link type and variant ---- */

typedef struct sample {
    uint32_t linktype;
    unsigned flags;
    int shape; /* 0 plain, 1 VLAN stack, 2 PPPoE, 3 MPLS, 4 802.3 LLC, 5 QinQ old */
} sample;

static const sample samples[] = {
    {LINKTYPE_ETHERNET, 0, 0},
    {LINKTYPE_ETHERNET, 0, 1},
    {LINKTYPE_ETHERNET, 0, 2},
    {LINKTYPE_ETHERNET, 0, 3},
    {LINKTYPE_ETHERNET, 0, 4},
    {LINKTYPE_ETHERNET, 0, 5},
    {LINKTYPE_NULL, 0, 0},
    {LINKTYPE_NULL, CAPW_BIG_ENDIAN, 0},
    {LINKTYPE_NULL, CAPW_NULL_AF_BSD, 0},
    {LINKTYPE_LOOP, 0, 0},
    {LINKTYPE_RAW, 0, 0},
    {LINKTYPE_RAW_DLT12, 0, 0},
    {LINKTYPE_RAW_DLT14, 0, 0},
    {LINKTYPE_IPV4, 0, 0},
    {LINKTYPE_IPV6, 0, 0},
    {LINKTYPE_LINUX_SLL, 0, 0},
    {LINKTYPE_LINUX_SLL, 0, 1},
    {LINKTYPE_LINUX_SLL2, 0, 0},
    {LINKTYPE_PPP, 0, 0},
    {LINKTYPE_PPP, CAPW_PPP_NO_ADDR, 0},
    {LINKTYPE_PPP, CAPW_PPP_NO_ADDR | CAPW_PPP_PFC, 0},
    {LINKTYPE_PPP, CAPW_PPP_PFC, 3},
    {LINKTYPE_PPP_HDLC, 0, 0},
    {LINKTYPE_C_HDLC, 0, 0},
    {LINKTYPE_NFLOG, 0, 0},
    {LINKTYPE_NFLOG, CAPW_BIG_ENDIAN, 0},
    {LINKTYPE_IEEE802_11, 0, 0},
    {LINKTYPE_IEEE802_11, CAPW_WLAN_QOS, 0},
    {LINKTYPE_IEEE802_11, CAPW_WLAN_QOS | CAPW_WLAN_4ADDR | CAPW_WLAN_HTC, 0},
    {LINKTYPE_IEEE802_11, CAPW_WLAN_QOS | CAPW_WLAN_AMSDU, 0},
    {LINKTYPE_IEEE802_11_RADIOTAP, 0, 0},
    {LINKTYPE_IEEE802_11_RADIOTAP, CAPW_RADIOTAP_PAD | CAPW_WLAN_QOS, 0},
    {LINKTYPE_IEEE802_11_RADIOTAP, CAPW_RADIOTAP_PAD | CAPW_WLAN_QOS | CAPW_WLAN_4ADDR, 0},
};

size_t capw_sample_count(void) { return sizeof samples / sizeof samples[0]; }
uint32_t capw_sample_linktype(size_t index) { return samples[index].linktype; }

uint32_t capw_sample_frame(size_t index, capw_frame *f, const char *src, const char *dst)
{
    const sample *s = &samples[index];
    bool v6 = strchr(src, ':') != NULL;
    if ((s->linktype == LINKTYPE_IPV4 && v6) || (s->linktype == LINKTYPE_IPV6 && !v6))
        die("sample family does not fit link type");
    capw_ip(f, src, dst, 17, 24);
    switch (s->shape) {
    case 1:
        capw_push_vlan(f, 0x8100, 20);
        capw_push_vlan(f, 0x88a8, 300);
        break;
    case 2: capw_push_pppoe(f, 0x1234); break;
    case 3:
        capw_push_mpls(f, 1000, true);
        capw_push_mpls(f, 2000, false);
        break;
    case 4: capw_push_ethernet_llc(f); break;
    case 5:
        capw_push_vlan(f, 0x8100, 7);
        capw_push_vlan(f, 0x9100, 8);
        capw_push_vlan(f, 0x88a8, 9);
        break;
    default: break;
    }
    capw_link(f, s->linktype, s->flags);
    return s->linktype;
}

/* ---- expected edges ---- */

typedef struct edge {
    char a[64], b[64]; /* a is the lower address in (family, bytes) order */
    uint64_t packets, bytes;
    int64_t first, last;
} edge;

struct capw_edges {
    edge *v;
    size_t n, cap;
};

capw_edges *capw_edges_new(void)
{
    capw_edges *e = calloc(1, sizeof *e);
    if (!e)
        die("oom");
    return e;
}

void capw_edges_free(capw_edges *e)
{
    if (e)
        free(e->v);
    free(e);
}

/* text -> (family, 16 bytes) key and canonical text */
static void canon(const char *text, uint8_t key[17], char out[64])
{
    uint8_t b[16] = {0};
    int fam = parse(text, b);
    key[0] = (uint8_t)fam;
    memcpy(key + 1, b, 16);
    inet_ntop(fam == 4 ? AF_INET : AF_INET6, b, out, 64);
}

void capw_edges_add(capw_edges *e, const char *a, const char *b, uint32_t len, int64_t ts_ns)
{
    uint8_t ka[17], kb[17];
    char ta[64], tb[64];
    canon(a, ka, ta);
    canon(b, kb, tb);
    if (memcmp(ka, kb, 17) > 0) {
        char t[64];
        memcpy(t, ta, 64), memcpy(ta, tb, 64), memcpy(tb, t, 64);
    }
    for (size_t i = 0; i < e->n; i++) {
        edge *x = &e->v[i];
        if (!strcmp(x->a, ta) && !strcmp(x->b, tb)) {
            x->packets++;
            x->bytes += len;
            if (ts_ns < x->first)
                x->first = ts_ns;
            if (ts_ns > x->last)
                x->last = ts_ns;
            return;
        }
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->v = realloc(e->v, e->cap * sizeof *e->v);
        if (!e->v)
            die("oom");
    }
    edge *x = &e->v[e->n++];
    memcpy(x->a, ta, 64);
    memcpy(x->b, tb, 64);
    x->packets = 1;
    x->bytes = len;
    x->first = x->last = ts_ns;
}

size_t capw_edges_count(const capw_edges *e) { return e->n; }

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *capw_edges_csv(const capw_edges *e)
{
    size_t cap = 64 + e->n * 200;
    char *out = malloc(cap);
    if (!out)
        die("oom");
    size_t n = (size_t)snprintf(out, cap, "src,dst,packets,bytes,first_seen,last_seen\n");
    for (size_t i = 0; i < e->n; i++) {
        const edge *x = &e->v[i];
        n += (size_t)snprintf(out + n, cap - n, "%s,%s,%llu,%llu,%lld.%06lld,%lld.%06lld\n",
                              x->a, x->b, (unsigned long long)x->packets,
                              (unsigned long long)x->bytes, (long long)(x->first / 1000000000),
                              (long long)(x->first % 1000000000 / 1000),
                              (long long)(x->last / 1000000000),
                              (long long)(x->last % 1000000000 / 1000));
    }
    capw_csv_sort(out);
    return out;
}

void capw_csv_sort(char *csv)
{
    char *body = strchr(csv, '\n');
    if (!body || !body[1])
        return;
    body++;
    size_t len = strlen(body), nl = 0;
    for (size_t i = 0; i < len; i++)
        nl += body[i] == '\n';
    if (len && body[len - 1] != '\n')
        nl++;
    char **lines = malloc(nl * sizeof *lines);
    char *copy = malloc(len + 1);
    if (!lines || !copy)
        die("oom");
    memcpy(copy, body, len + 1);
    size_t k = 0;
    for (char *s = strtok(copy, "\n"); s; s = strtok(NULL, "\n"))
        lines[k++] = s;
    qsort(lines, k, sizeof *lines, cmp_lines);
    bool trailing = len && body[len - 1] == '\n';
    char *w = body;
    for (size_t i = 0; i < k; i++) {
        size_t l = strlen(lines[i]);
        memcpy(w, lines[i], l);
        w += l;
        if (i + 1 < k || trailing)
            *w++ = '\n';
    }
    *w = 0;
    free(lines);
    free(copy);
}
