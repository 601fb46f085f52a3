/* capture: packets out of capture files, one file at a time.
 *
 * DESIGN: classic pcap files (micro/nanosecond, either byte order, and the
 * variants libpcap knows) are read through libpcap. pcapng files are read by a
 * small block reader of our own, because libpcap neither reports which
 * interface a pcapng packet came from nor accepts files whose interfaces have
 * different link types; every interface keeps its own link type, snap length
 * and timestamp resolution/offset here. A BPF filter is compiled by libpcap
 * once per distinct link type (pcap_open_dead + pcap_compile) and applied with
 * pcap_offline_filter.
 *
 * A capture is used by one thread at a time (the loader's reader thread). */
#ifndef IPVIZ_CAPTURE_H
#define IPVIZ_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct capture capture;

typedef struct capture_packet {
    const uint8_t *data; /* valid until the next capture_next or capture_close */
    uint32_t caplen;     /* bytes in data */
    uint32_t len;        /* original length on the wire; >= caplen (a corrupt record
                            that says otherwise gets len = caplen) */
    uint32_t linktype;   /* LINKTYPE_* (see decode.h), never a libpcap DLT_* */
    uint32_t iface;      /* interface index within the file (0 for pcap) */
    int64_t ts_ns;       /* nanoseconds since the Unix epoch; 0 for pcapng simple
                            packet blocks, which carry no timestamp */
} capture_packet;

typedef enum capture_status {
    CAPTURE_PACKET,   /* *pkt filled */
    CAPTURE_FILTERED, /* a packet was read but the filter rejected it; *pkt filled */
    CAPTURE_END,      /* clean end of file */
    CAPTURE_ERROR,    /* the file cannot be read further (truncated, corrupt, I/O);
                         capture_error() says why; packets already returned stand */
} capture_status;

/* Opens path ("-" is standard input). filter may be NULL or "" for none.
 * On error returns NULL and writes a one-line reason (without the path) into
 * err, e.g. "no such file", "is a directory", "empty file", "not a pcap or
 * pcapng capture (starts with 3c 68 74 6d)". */
capture *capture_open(const char *path, const char *filter, char *err, size_t errlen);
void capture_close(capture *c); /* accepts NULL */

capture_status capture_next(capture *c, capture_packet *pkt);

/* Why the last capture_next returned CAPTURE_ERROR, e.g. "truncated record
 * after 1234 packets (file ends mid-packet)". */
const char *capture_error(const capture *c);
/* "pcap", "pcap-ns", "pcapng", ... for --stats. */
const char *capture_format(const capture *c);

/* Bytes consumed so far and the file's size (0 when unknown, e.g. a pipe). */
uint64_t capture_offset(const capture *c);
uint64_t capture_size(const capture *c);
/* For live inputs (pipes): the descriptor read from, and the bytes already
 * read from it but not yet returned. With nothing buffered and nothing ready
 * on the descriptor (poll), the next capture_next would block. */
int capture_fd(const capture *c);
size_t capture_buffered(const capture *c);

/* Set when the filter could not be compiled for a link type found in the file
 * (e.g. "ether host" on raw IP); packets of such interfaces are returned as
 * CAPTURE_FILTERED. The message names the link type and libpcap's reason. */
const char *capture_filter_warning(const capture *c);

/* Checks the filter's syntax once, for Ethernet, before any file is read.
 * On error writes libpcap's reason into err and returns false. */
bool capture_check_filter(const char *filter, char *err, size_t errlen);

#endif
