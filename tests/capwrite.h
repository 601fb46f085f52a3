/* capwrite: the tests' own capture writer and frame builder.
 *
 * Writes pcap (micro- or nanosecond, either byte order) and pcapng (several
 * sections, each in its own byte order; interfaces with their own link type,
 * snap length and if_tsresol; EPB and SPB) byte by byte with stdio, without
 * libpcap, so the files are exactly what the test says they are.
 *
 * Frames are built inside out: start with an IP packet (or ARP, or any
 * ethertype payload), then push headers in front of it (VLAN tags, Ethernet,
 * PPPoE, MPLS, ...) and finally wrap it for a link type. capw_frame.ethertype
 * always says what the frame's current first byte starts, as an ethertype, so
 * each push knows what to write in its own type field.
 *
 * capw_edges accumulates the edge set a test expects and renders it in
 * ipviz's CSV export format, for comparing with `ipviz --export x.csv`.
 * Everything here aborts on misuse (it is test code). Single-threaded. */
#ifndef IPVIZ_TEST_CAPWRITE_H
#define IPVIZ_TEST_CAPWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- files ---- */

typedef struct capw capw;

/* A classic pcap file with one link type. On error (cannot create) NULL. */
capw *capw_open_pcap(const char *path, uint32_t linktype, bool nanosecond, bool big_endian,
                     uint32_t snaplen);
/* A pcapng file; starts its first section (capw_ng_section) itself. */
capw *capw_open_pcapng(const char *path, bool big_endian);
/* Starts a new pcapng section (SHB) in the given byte order; the next
 * interface is number 0 again. */
void capw_ng_section(capw *w, bool big_endian);
/* Adds an interface (IDB) to the current section and returns its index.
 * tsresol is the if_tsresol option's value (6 microseconds, 9 nanoseconds,
 * 0x80|k for 2^-k seconds, k <= 30), or 0 to write no option (microseconds). */
uint32_t capw_ng_interface(capw *w, uint32_t linktype, uint32_t snaplen, uint8_t tsresol);
/* One packet: caplen bytes of data, len its original length (>= caplen).
 * pcap ignores iface; pcapng writes an EPB. */
void capw_packet(capw *w, uint32_t iface, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                 uint32_t len);
/* pcapng only: a Simple Packet Block (interface 0, no timestamp). The
 * captured part is min(len, interface 0's snap length) as the format says. */
void capw_simple_packet(capw *w, const uint8_t *data, uint32_t len);
/* Writes bytes as they are (for corrupt files). */
void capw_raw(capw *w, const void *bytes, size_t n);
/* Flushes and closes; false on a write error. Accepts NULL. */
bool capw_close(capw *w);

/* ---- frames ---- */

enum { CAPW_HEADROOM = 512, CAPW_MAXDATA = 9216 };

typedef struct capw_frame {
    uint8_t buf[CAPW_HEADROOM + CAPW_MAXDATA];
    uint32_t off;       /* the frame starts at buf + off */
    uint32_t len;       /* and has len bytes */
    uint16_t ethertype; /* what the frame currently is, as an ethertype */
} capw_frame;

static inline const uint8_t *capw_data(const capw_frame *f) { return f->buf + f->off; }

/* An IPv4 or IPv6 packet (family from the text) with payload_len bytes of a
 * deterministic pattern after the header, IP protocol proto (17 UDP ...). */
void capw_ip(capw_frame *f, const char *src, const char *dst, uint8_t proto,
             uint32_t payload_len);
/* An IPv4 fragment: offset in bytes (multiple of 8), more-fragments flag. */
void capw_ipv4_fragment(capw_frame *f, const char *src, const char *dst, uint16_t id,
                        uint32_t offset, bool more, uint32_t payload_len);
/* An ARP request (ethertype 0x0806), sender and target IPv4 text. */
void capw_arp(capw_frame *f, const char *sender, const char *target);
/* payload_len pattern bytes said to be of the given ethertype (LLDP 0x88cc...). */
void capw_payload(capw_frame *f, uint16_t ethertype, uint32_t payload_len);
/* Prepends n bytes (returned, to be filled by the caller). */
uint8_t *capw_push(capw_frame *f, uint32_t n);

/* Pushes: each one puts its header in front and sets f->ethertype. */
void capw_push_vlan(capw_frame *f, uint16_t tpid, uint16_t vid);     /* 0x8100/0x88a8/0x9100 */
void capw_push_pppoe(capw_frame *f, uint16_t session);              /* -> 0x8864 */
void capw_push_mpls(capw_frame *f, uint32_t label, bool bottom);    /* -> 0x8847 */
void capw_push_ethernet(capw_frame *f);                  /* -> 0x6558 (an Ethernet frame) */
void capw_push_ethernet_llc(capw_frame *f);   /* 802.3 length + LLC/SNAP -> 0x6558 */

/* Link-type wrapping options (bit flags, those that apply). */
enum {
    CAPW_BIG_ENDIAN = 1 << 0,   /* NULL, NFLOG: header in big-endian order */
    CAPW_PPP_NO_ADDR = 1 << 1,  /* PPP: no ff 03 address/control */
    CAPW_PPP_PFC = 1 << 2,      /* PPP: one-byte protocol field */
    CAPW_WLAN_QOS = 1 << 3,     /* 802.11: QoS data */
    CAPW_WLAN_4ADDR = 1 << 4,   /* 802.11: ToDS and FromDS, four addresses */
    CAPW_WLAN_HTC = 1 << 5,     /* 802.11: Order bit, HT control (with QoS) */
    CAPW_WLAN_PROTECTED = 1 << 6, /* 802.11: Protected bit, CCMP header */
    CAPW_RADIOTAP_PAD = 1 << 7, /* radiotap: TSFT + Flags with data pad */
    CAPW_WLAN_AMSDU = 1 << 8,   /* 802.11: A-MSDU (with QoS) */
    CAPW_NULL_AF_BSD = 1 << 9,  /* NULL/LOOP: IPv6 as 24 rather than 30 */
};
/* Wraps the frame (an IP packet, or an Ethernet frame or ARP where the link
 * type allows) in the link-layer header of linktype, the usual way a capture
 * of that type has it. Aborts when the combination makes no sense. */
void capw_link(capw_frame *f, uint32_t linktype, unsigned flags);
/* Whole non-IP 802.11 frames: a beacon and a null-data frame. */
void capw_wlan_beacon(capw_frame *f);
void capw_wlan_null_data(capw_frame *f);

/* ---- expected edges ---- */

typedef struct capw_edges capw_edges;
capw_edges *capw_edges_new(void);
void capw_edges_free(capw_edges *e);
/* Counts one packet of original length len between a and b at ts_ns. */
void capw_edges_add(capw_edges *e, const char *a, const char *b, uint32_t len, int64_t ts_ns);
size_t capw_edges_count(const capw_edges *e);
/* The CSV ipviz exports (header + rows), rows sorted as text; malloc'd. */
char *capw_edges_csv(const capw_edges *e);
/* Sorts the data lines of a CSV text (keeps line 1) in place, so two exports
 * can be compared regardless of row order. */
void capw_csv_sort(char *csv);

/* Fills a frame for link type and returns its linktype-specific flags so
 * that the fuzz corpus and tests can loop over "every supported link type":
 * index 0..capw_sample_count()-1. */
size_t capw_sample_count(void);
uint32_t capw_sample_linktype(size_t index);
uint32_t capw_sample_frame(size_t index, capw_frame *f, const char *src, const char *dst);

#endif
