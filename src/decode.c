/* decode: link layer to the outermost IP header's addresses.
 *
 * DESIGN: every layer is a function taking (p, n), the bytes from the start of
 * that layer to the end of the captured data, and every read is preceded by a
 * length check, so a frame cut at any byte gives DECODE_TRUNCATED and never an
 * address from past the cut. Where a link header is ambiguous or a field is
 * bogus, the choice follows what Wireshark 4.0 does (named at each place), so
 * that our "outermost IP header" is tshark's first ip/ipv6 layer; tests/
 * test_decode_tshark.c checks that on real captures. Nesting (MPLS pseudowires
 * carrying Ethernet, PPP carrying Ethernet...) is bounded by MAX_DEPTH. */
#include "decode.h"

#include <stdio.h>
#include <string.h>

enum { MAX_DEPTH = 16 };

/* Ethertypes and friends. */
enum {
    ET_IPV4 = 0x0800,
    ET_IPV6 = 0x86dd,
    ET_VLAN = 0x8100,
    ET_QINQ = 0x88a8,
    ET_QINQ_OLD = 0x9100,
    ET_PPPOE_SESSION = 0x8864,
    ET_MPLS = 0x8847,
    ET_MPLS_MC = 0x8848,
    ET_TEB = 0x6558, /* transparent Ethernet bridging (GRE, NVGRE) */
    ET_VNTAG = 0x8926,  /* Cisco VN-Tag: 4 bytes, then a type */
    ET_ETAG = 0x893f,   /* 802.1BR E-Tag: 6 bytes, then a type */
    ET_FABRICPATH = 0x8903, /* Cisco FabricPath: FTag/TTL, then a whole Ethernet frame */
    ET_PBB = 0x88e7,    /* 802.1ah I-Tag: 4 bytes, then a whole Ethernet frame */
    ET_NSH = 0x894f,    /* Network Service Header (RFC 8300) */
    ET_8023_MAX_LEN = 1500,
};

/* PPP protocol numbers. */
enum { PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057, PPP_MPLS = 0x0281, PPP_MPLS_MC = 0x0283 };

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[1] << 8 | p[0]); }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static decode_status ethertype(uint16_t type, const uint8_t *p, uint32_t n, int depth,
                               decode_result *out);
static decode_status ethernet(const uint8_t *p, uint32_t n, int depth, decode_result *out);

static decode_status ipv4(const uint8_t *p, uint32_t n, decode_result *out)
{
    if (n < 1)
        return DECODE_TRUNCATED;
    if (p[0] >> 4 != 4)
        return DECODE_MALFORMED;
    uint32_t hlen = (uint32_t)(p[0] & 0x0f) * 4;
    if (hlen < 20)
        return DECODE_MALFORMED; /* Wireshark: "Bogus IP header length", no addresses */
    if (n < 4)
        return DECODE_TRUNCATED;
    /* Wireshark stops before the addresses when the total length is below the
     * header length, except 0, which it takes as a TSO-offloaded packet. */
    uint16_t total = be16(p + 2);
    if (total != 0 && total < hlen)
        return DECODE_MALFORMED;
    if (n < 20)
        return DECODE_TRUNCATED;
    out->src = addr_v4(p + 12);
    out->dst = addr_v4(p + 16);
    return DECODE_OK;
}

static decode_status ipv6(const uint8_t *p, uint32_t n, decode_result *out)
{
    if (n < 1)
        return DECODE_TRUNCATED;
    if (p[0] >> 4 != 6)
        return DECODE_MALFORMED;
    if (n < 40)
        return DECODE_TRUNCATED;
    out->src = addr_v6(p + 8);
    out->dst = addr_v6(p + 24);
    return DECODE_OK;
}

/* Wireshark's "ip" dissector (ethertype 0x0800, raw IP, AF_INET) hands a
 * version-6 header to IPv6. */
static decode_status ip_any(const uint8_t *p, uint32_t n, decode_result *out)
{
    if (n < 1)
        return DECODE_TRUNCATED;
    switch (p[0] >> 4) {
    case 4: return ipv4(p, n, out);
    case 6: return ipv6(p, n, out);
    default: return DECODE_MALFORMED;
    }
}

/* MPLS: labels to the bottom of the stack, then the payload by its first
 * nibble (Wireshark's default when no label is bound to a protocol): 4 IPv4,
 * 6 IPv6, 0 a pseudowire control word followed by Ethernet. */
static decode_status mpls(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    for (;;) {
        if (n < 4)
            return DECODE_TRUNCATED;
        bool bottom = p[2] & 0x01;
        p += 4, n -= 4;
        if (bottom)
            break;
    }
    if (n < 1)
        return DECODE_TRUNCATED;
    switch (p[0] >> 4) {
    case 4: return ipv4(p, n, out);
    case 6: return ipv6(p, n, out);
    case 0:
        if (n < 4)
            return DECODE_TRUNCATED;
        return ethernet(p + 4, n - 4, depth + 1, out);
    default: return DECODE_NOT_IP;
    }
}

/* A PPP protocol field (possibly compressed to one byte: odd first byte) and
 * what follows. */
static decode_status ppp_protocol(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    if (n < 1)
        return DECODE_TRUNCATED;
    uint16_t proto;
    if (p[0] & 0x01) {
        proto = p[0];
        p += 1, n -= 1;
    } else {
        if (n < 2)
            return DECODE_TRUNCATED;
        proto = be16(p);
        p += 2, n -= 2;
    }
    switch (proto) {
    case PPP_IPV4: return ip_any(p, n, out);
    case PPP_IPV6: return ipv6(p, n, out);
    case PPP_MPLS:
    case PPP_MPLS_MC: return mpls(p, n, depth + 1, out);
    default: return DECODE_NOT_IP;
    }
}

/* Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, ethertype. */
static decode_status chdlc(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    if (n < 4)
        return DECODE_TRUNCATED;
    return ethertype(be16(p + 2), p + 4, n - 4, depth + 1, out);
}

/* PPP as libpcap stores it (LINKTYPE_PPP, LINKTYPE_PPP_HDLC): like Wireshark's
 * ppp_hdlc, a first byte 0x0f/0x8f is Cisco HDLC, 0xff starts an address and
 * control field (ff 03) to skip, anything else is the protocol field. */
static decode_status ppp_hdlc(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    if (depth > MAX_DEPTH)
        return DECODE_MALFORMED;
    if (n < 1)
        return DECODE_TRUNCATED;
    if (p[0] == 0x0f || p[0] == 0x8f)
        return chdlc(p, n, depth, out);
    if (p[0] == 0xff) {
        if (n < 2)
            return DECODE_TRUNCATED;
        p += 2, n -= 2;
    }
    return ppp_protocol(p, n, depth, out);
}

/* 802.2 LLC (after an 802.3 length field, a VLAN tag with a length, or an
 * 802.11 header): SNAP with an encapsulated ethertype (OUI 00-00-00 or Cisco's
 * 00-00-f8), or the IP SAP 0x06. */
static decode_status llc(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    if (n < 3)
        return DECODE_TRUNCATED;
    uint8_t dsap = p[0], ssap = p[1], ctrl = p[2];
    uint32_t hlen = (ctrl & 0x03) == 0x03 ? 3 : 4; /* U format: one control byte */
    if (dsap == 0xaa && ssap == 0xaa && hlen == 3) {
        if (n < 8)
            return DECODE_TRUNCATED;
        uint32_t oui = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
        if (oui != 0x000000 && oui != 0x0000f8)
            return DECODE_NOT_IP;
        return ethertype(be16(p + 6), p + 8, n - 8, depth + 1, out);
    }
    if (dsap == 0x06 && ssap == 0x06) {
        if (n < hlen)
            return DECODE_TRUNCATED;
        return ip_any(p + hlen, n - hlen, out);
    }
    return DECODE_NOT_IP;
}

/* What follows a 16-bit type/length field that Ethernet and VLAN tags share:
 * up to 1500 a length (802.2 LLC follows; ffff is Novell raw IPX), else an
 * ethertype. */
static decode_status type_or_length(uint16_t type, const uint8_t *p, uint32_t n, int depth,
                                    decode_result *out)
{
    if (type <= ET_8023_MAX_LEN) {
        if (n < 2)
            return DECODE_TRUNCATED;
        if (p[0] == 0xff && p[1] == 0xff)
            return DECODE_NOT_IP;
        return llc(p, n, depth, out);
    }
    return ethertype(type, p, n, depth, out);
}

/* NSH: base header (length in 4-byte words in the low 6 bits of byte 1,
 * next protocol in byte 3), the rest of the header skipped. */
static decode_status nsh(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    if (depth > MAX_DEPTH)
        return DECODE_MALFORMED;
    if (n < 4)
        return DECODE_TRUNCATED;
    uint32_t hlen = (uint32_t)(p[1] & 0x3f) * 4;
    uint8_t next = p[3];
    if (hlen < 8)
        return DECODE_MALFORMED;
    if (n < hlen)
        return DECODE_TRUNCATED;
    p += hlen, n -= hlen;
    switch (next) {
    case 1: return ip_any(p, n, out);
    case 2: return ipv6(p, n, out);
    case 3: return ethernet(p, n, depth + 1, out);
    case 4: return nsh(p, n, depth + 1, out);
    case 5: return mpls(p, n, depth + 1, out);
    default: return DECODE_NOT_IP;
    }
}

static decode_status ethertype(uint16_t type, const uint8_t *p, uint32_t n, int depth,
                               decode_result *out)
{
    if (depth > MAX_DEPTH)
        return DECODE_MALFORMED;
    /* Tags, stacked to any depth: VLAN (TCI), VN-Tag and E-Tag, each
     * followed by the next type field. */
    for (;;) {
        uint32_t tag;
        if (type == ET_VLAN || type == ET_QINQ || type == ET_QINQ_OLD)
            tag = 2;
        else if (type == ET_VNTAG)
            tag = 4;
        else if (type == ET_ETAG)
            tag = 6;
        else
            break;
        if (n < tag + 2)
            return DECODE_TRUNCATED;
        type = be16(p + tag);
        p += tag + 2, n -= tag + 2;
        if (type <= ET_8023_MAX_LEN)
            return type_or_length(type, p, n, depth, out);
    }
    switch (type) {
    case ET_IPV4: return ip_any(p, n, out);
    case ET_IPV6: return ipv6(p, n, out);
    case ET_MPLS:
    case ET_MPLS_MC: return mpls(p, n, depth + 1, out);
    case ET_TEB: return ethernet(p, n, depth + 1, out);
    case ET_FABRICPATH:
        if (n < 2)
            return DECODE_TRUNCATED;
        return ethernet(p + 2, n - 2, depth + 1, out);
    case ET_PBB:
        if (n < 4)
            return DECODE_TRUNCATED;
        return ethernet(p + 4, n - 4, depth + 1, out);
    case ET_NSH: return nsh(p, n, depth + 1, out);
    case ET_PPPOE_SESSION:
        /* version/type, code, session id, length; then PPP's protocol field */
        if (n < 6)
            return DECODE_TRUNCATED;
        return ppp_protocol(p + 6, n - 6, depth + 1, out);
    default: return DECODE_NOT_IP;
    }
}

static decode_status ethernet(const uint8_t *p, uint32_t n, int depth, decode_result *out)
{
    if (depth > MAX_DEPTH)
        return DECODE_MALFORMED;
    if (n < 14)
        return DECODE_TRUNCATED;
    return type_or_length(be16(p + 12), p + 14, n - 14, depth, out);
}

/* BSD address families as NULL/LOOP headers carry them. */
static decode_status bsd_family(uint32_t af, const uint8_t *p, uint32_t n, decode_result *out)
{
    /* Wireshark: a value above 1500 is an ethertype, not a family. */
    if (af > ET_8023_MAX_LEN)
        return ethertype((uint16_t)af, p, n, 0, out);
    switch (af) {
    case 2: return ip_any(p, n, out);
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD */
    case 30: /* Darwin */
        return ipv6(p, n, out);
    default: return DECODE_NOT_IP;
    }
}

/* LINKTYPE_NULL: the family in the writer's byte order. Like Wireshark: ff 03
 * starts PPP; a value with high bits set is byte-swapped, except a 16-bit
 * family in the first two bytes (IRIX), which is shifted down. */
static decode_status null_link(const uint8_t *p, uint32_t n, decode_result *out)
{
    if (n < 2)
        return DECODE_TRUNCATED;
    if (p[0] == 0xff && p[1] == 0x03)
        return ppp_hdlc(p, n, 0, out);
    if (n < 4)
        return DECODE_TRUNCATED;
    uint32_t af = le32(p);
    if (af & 0xffff0000u) {
        if ((af & 0xff000000u) == 0 && (af & 0x00ff0000u) < 0x00060000u)
            af >>= 16;
        else
            af = be32(p);
    }
    return bsd_family(af, p + 4, n - 4, out);
}

/* Linux cooked capture: the protocol field is an ethertype, except a few
 * small values that name the frame's own encapsulation. */
static decode_status sll_payload(uint16_t hatype, uint16_t proto, const uint8_t *p, uint32_t n,
                                 decode_result *out);

static decode_status radiotap(const uint8_t *p, uint32_t n, decode_result *out);
static decode_status ieee80211(const uint8_t *p, uint32_t n, bool datapad, decode_result *out);

static decode_status sll_payload(uint16_t hatype, uint16_t proto, const uint8_t *p, uint32_t n,
                                 decode_result *out)
{
    switch (hatype) {
    case 824: return DECODE_NOT_IP;                /* ARPHRD_NETLINK */
    case 803: return radiotap(p, n, out);          /* ARPHRD_IEEE80211_RADIOTAP */
    case 801: return ieee80211(p, n, false, out);  /* ARPHRD_IEEE80211 */
    default: break;
    }
    switch (proto) {
    case 0x0001: return DECODE_NOT_IP;             /* Novell 802.3 */
    case 0x0003: return ethernet(p, n, 0, out);    /* ETH_P_ALL: a whole frame */
    case 0x0004: return llc(p, n, 0, out);         /* ETH_P_802_2 */
    case 0x0007: return ppp_hdlc(p, n, 0, out);    /* ETH_P_PPP_MP-ish: PPP HDLC */
    default: break;
    }
    if (proto <= ET_8023_MAX_LEN)
        return DECODE_NOT_IP; /* CAN, LocalTalk, ... */
    return ethertype(proto, p, n, 0, out);
}

/* NFLOG: family, version, resource id, then TLVs (length and type in the
 * logging host's byte order, padded to 4) of which NFULA_PAYLOAD (9) holds the
 * packet. The byte order is guessed from the first TLV's length, which is
 * small (the packet header TLV). A packet without a payload TLV counts as
 * truncated: the addresses are not in the captured bytes. */
static decode_status nflog(const uint8_t *p, uint32_t n, decode_result *out)
{
    if (n < 4)
        return DECODE_TRUNCATED;
    uint8_t family = p[0];
    uint32_t off = 4;
    if (n < off + 2)
        return DECODE_TRUNCATED;
    bool big = le16(p + off) > 0xff && be16(p + off) <= 0xff;
    for (;;) {
        if (n - off < 4)
            return DECODE_TRUNCATED;
        uint32_t len = big ? be16(p + off) : le16(p + off);
        uint32_t type = (big ? be16(p + off + 2) : le16(p + off + 2)) & 0x7fff;
        if (len < 4)
            return DECODE_MALFORMED;
        if (type == 9) {
            const uint8_t *v = p + off + 4;
            uint32_t vn = n - off - 4;
            if (vn > len - 4)
                vn = len - 4;
            /* Wireshark picks the dissector by family: AF_INET (2) goes to
             * "ip", which also takes version 6; AF_INET6 (10) to IPv6. */
            if (family == 2)
                return ip_any(v, vn, out);
            if (family == 10)
                return ipv6(v, vn, out);
            return DECODE_NOT_IP;
        }
        uint32_t step = (len + 3) & ~3u;
        if (step >= n - off)
            return DECODE_TRUNCATED;
        off += step;
    }
}

/* 802.11 frame (no FCS assumed, as Wireshark's default). Data frames only:
 * the header is 24 bytes, 30 with four addresses, +2 QoS control, +4 HT
 * control (Order bit on a QoS frame), padded to 4 when radiotap says so;
 * then LLC/SNAP, or for an A-MSDU the first subframe's 14-byte header and
 * LLC/SNAP. */
static decode_status ieee80211(const uint8_t *p, uint32_t n, bool datapad, decode_result *out)
{
    if (n < 2)
        return DECODE_TRUNCATED;
    uint8_t fc0 = p[0], fc1 = p[1];
    if ((fc0 & 0x03) != 0)
        return DECODE_MALFORMED; /* protocol version must be 0 */
    if (((fc0 >> 2) & 0x03) != 2)
        return DECODE_NOT_IP; /* management, control, extension */
    uint8_t subtype = fc0 >> 4;
    if (subtype & 0x04)
        return DECODE_NOT_IP; /* Null, CF-Ack/Poll without data, QoS Null */
    if (fc1 & 0x40)
        return DECODE_ENCRYPTED;
    bool qos = subtype & 0x08;
    uint32_t hlen = (fc1 & 0x03) == 0x03 ? 30 : 24;
    uint32_t qos_off = hlen;
    if (qos)
        hlen += 2;
    if (qos && (fc1 & 0x80))
        hlen += 4;
    if (datapad)
        hlen = (hlen + 3) & ~3u;
    if (n < hlen)
        return DECODE_TRUNCATED;
    if (qos && (p[qos_off] & 0x80)) { /* A-MSDU present */
        hlen += 14;
        if (n < hlen)
            return DECODE_TRUNCATED;
    }
    return llc(p + hlen, n - hlen, 0, out);
}

/* Radiotap: version 0, pad, length (LE), present bitmaps. Only the Flags field
 * matters here, for its data-pad bit; it follows TSFT (8 bytes, 8-aligned). */
static decode_status radiotap(const uint8_t *p, uint32_t n, decode_result *out)
{
    if (n < 8)
        return DECODE_TRUNCATED;
    if (p[0] != 0)
        return DECODE_MALFORMED;
    uint32_t len = le16(p + 2);
    if (len < 8)
        return DECODE_MALFORMED;
    if (n < len)
        return DECODE_TRUNCATED;
    uint32_t present = le32(p + 4);
    uint32_t off = 8;
    for (uint32_t word = present; word & 0x80000000u; off += 4) {
        if (off + 4 > len)
            return DECODE_MALFORMED;
        word = le32(p + off);
    }
    bool datapad = false;
    if (present & 0x02) {
        if (present & 0x01)
            off = ((off + 7) & ~7u) + 8;
        if (off + 1 > len)
            return DECODE_MALFORMED;
        datapad = p[off] & 0x20;
    }
    return ieee80211(p + len, n - len, datapad, out);
}

decode_status decode_packet(uint32_t linktype, const uint8_t *data, uint32_t caplen,
                            decode_result *out)
{
    decode_result scratch;
    if (!out)
        out = &scratch;
    if (!data)
        caplen = 0;
    switch (linktype) {
    case LINKTYPE_ETHERNET: return ethernet(data, caplen, 0, out);
    case LINKTYPE_NULL: return null_link(data, caplen, out);
    case LINKTYPE_LOOP:
        if (caplen < 4)
            return DECODE_TRUNCATED;
        return bsd_family(be32(data), data + 4, caplen - 4, out);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_DLT12:
    case LINKTYPE_RAW_DLT14:
    case LINKTYPE_IPV4:
        /* Wireshark's raw dissector also takes ff 03 as PPP; IPV4 goes to
         * "ip", which dispatches on the version like raw. */
        if (linktype != LINKTYPE_IPV4 && caplen >= 1 && data[0] == 0xff) {
            if (caplen < 2)
                return DECODE_TRUNCATED;
            if (data[1] == 0x03)
                return ppp_hdlc(data, caplen, 0, out);
        }
        return ip_any(data, caplen, out);
    case LINKTYPE_IPV6: return ipv6(data, caplen, out);
    case LINKTYPE_LINUX_SLL:
        if (caplen < 16)
            return DECODE_TRUNCATED;
        return sll_payload(be16(data + 2), be16(data + 14), data + 16, caplen - 16, out);
    case LINKTYPE_LINUX_SLL2:
        if (caplen < 20)
            return DECODE_TRUNCATED;
        return sll_payload(be16(data + 8), be16(data), data + 20, caplen - 20, out);
    case LINKTYPE_PPP:
    case LINKTYPE_PPP_HDLC: return ppp_hdlc(data, caplen, 0, out);
    case LINKTYPE_C_HDLC: return chdlc(data, caplen, 0, out);
    case LINKTYPE_NFLOG: return nflog(data, caplen, out);
    case LINKTYPE_IEEE802_11: return ieee80211(data, caplen, false, out);
    case LINKTYPE_IEEE802_11_RADIOTAP: return radiotap(data, caplen, out);
    default: return DECODE_UNSUPPORTED;
    }
}

static const char *linktype_short(uint32_t linktype)
{
    switch (linktype) {
    case LINKTYPE_NULL: return "NULL";
    case LINKTYPE_ETHERNET: return "EN10MB";
    case LINKTYPE_PPP: return "PPP";
    case LINKTYPE_RAW_DLT12:
    case LINKTYPE_RAW_DLT14:
    case LINKTYPE_RAW: return "RAW";
    case LINKTYPE_PPP_HDLC: return "PPP_HDLC";
    case LINKTYPE_C_HDLC: return "C_HDLC";
    case LINKTYPE_IEEE802_11: return "IEEE802_11";
    case LINKTYPE_LOOP: return "LOOP";
    case LINKTYPE_LINUX_SLL: return "LINUX_SLL";
    case LINKTYPE_IEEE802_11_RADIOTAP: return "IEEE802_11_RADIOTAP";
    case LINKTYPE_IPV4: return "IPV4";
    case LINKTYPE_IPV6: return "IPV6";
    case LINKTYPE_NFLOG: return "NFLOG";
    case LINKTYPE_LINUX_SLL2: return "LINUX_SLL2";
    default: return NULL;
    }
}

bool decode_linktype_supported(uint32_t linktype) { return linktype_short(linktype) != NULL; }

const char *decode_linktype_name(uint32_t linktype, char buf[32])
{
    const char *s = linktype_short(linktype);
    if (s)
        snprintf(buf, 32, "%s", s);
    else
        snprintf(buf, 32, "LINKTYPE_%u", linktype);
    return buf;
}

const char *decode_status_name(decode_status s)
{
    switch (s) {
    case DECODE_OK: return "ok";
    case DECODE_NOT_IP: return "not IP";
    case DECODE_TRUNCATED: return "truncated";
    case DECODE_MALFORMED: return "malformed";
    case DECODE_ENCRYPTED: return "encrypted";
    case DECODE_UNSUPPORTED: return "unsupported link type";
    default: return "?";
    }
}
