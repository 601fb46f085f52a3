/* decode: link layer to the outermost IP header's addresses.
 *
 * Pure and bounds-checked: never reads outside data[0..caplen), keeps no state,
 * allocates nothing, so it is safe from any thread and is the fuzz target.
 * Link types are LINKTYPE_* values as stored in pcap and pcapng files
 * (https://www.tcpdump.org/linktypes.html); capture.c converts libpcap's DLT_*
 * values to these before calling. */
#ifndef IPVIZ_DECODE_H
#define IPVIZ_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

enum {
    LINKTYPE_NULL = 0,
    LINKTYPE_ETHERNET = 1,
    LINKTYPE_PPP = 9,
    LINKTYPE_RAW_DLT12 = 12, /* DLT_RAW as some writers store it */
    LINKTYPE_RAW_DLT14 = 14, /* DLT_RAW on OpenBSD */
    LINKTYPE_PPP_HDLC = 50,
    LINKTYPE_RAW = 101,
    LINKTYPE_C_HDLC = 104,
    LINKTYPE_IEEE802_11 = 105,
    LINKTYPE_LOOP = 108,
    LINKTYPE_LINUX_SLL = 113,
    LINKTYPE_IEEE802_11_RADIOTAP = 127,
    LINKTYPE_IPV4 = 228,
    LINKTYPE_IPV6 = 229,
    LINKTYPE_NFLOG = 239,
    LINKTYPE_LINUX_SLL2 = 276,
};

/* Why a packet gave no addresses. DECODE_OK is 0; the others index
 * decode_status_name() and the loader's skip counters. */
typedef enum decode_status {
    DECODE_OK = 0,
    DECODE_NOT_IP,         /* ARP, LLDP, STP, 802.11 management/control, ... */
    DECODE_TRUNCATED,      /* captured bytes end before the IP addresses */
    DECODE_MALFORMED,      /* IP version or header length field is impossible (or
                              a link header is: radiotap length < 8, ...) */
    DECODE_ENCRYPTED,      /* 802.11 data frame with the Protected bit set */
    DECODE_UNSUPPORTED,    /* link type ipviz cannot decode */
    DECODE_STATUS_COUNT
} decode_status;

typedef struct decode_result {
    ip_addr src, dst;
} decode_result;

/* Decodes one frame. On DECODE_OK fills *out with the outermost IP header's
 * source and destination; otherwise *out is unspecified. */
decode_status decode_packet(uint32_t linktype, const uint8_t *data, uint32_t caplen,
                            decode_result *out);

bool decode_linktype_supported(uint32_t linktype);
/* Short name ("EN10MB", "LINUX_SLL2", ...) or "LINKTYPE_<n>" in buf. */
const char *decode_linktype_name(uint32_t linktype, char buf[32]);
const char *decode_status_name(decode_status s);

#endif
