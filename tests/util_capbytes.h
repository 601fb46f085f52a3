/* Minimal capture bytes for tests: a growable buffer with writers in either
 * byte order, classic pcap headers and records, and small IPv4 frames.
 * (A general capture writer with every link type lives in util_capwrite.)
 * Everything exits the test on allocation or I/O failure. */
#ifndef IPVIZ_TEST_CAPBYTES_H
#define IPVIZ_TEST_CAPBYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct capbytes {
    uint8_t *p; /* malloc'd; free(p) when done */
    size_t n, cap;
    bool be;    /* write multi-byte values big-endian */
} capbytes;

void capbytes_put(capbytes *b, const void *src, size_t n);
void capbytes_put16(capbytes *b, uint16_t v);
void capbytes_put32(capbytes *b, uint32_t v);
void capbytes_put64(capbytes *b, uint64_t v);
void capbytes_set32(capbytes *b, size_t at, uint32_t v);
void capbytes_pad4(capbytes *b);
/* Writes b to test_tmp_path(name) and returns that path. */
const char *capbytes_write(const char *name, const capbytes *b);

/* Classic pcap v2.4 file header (ns: nanosecond magic). */
void capbytes_pcap_header(capbytes *b, bool ns, uint32_t linktype, uint32_t snaplen);
void capbytes_pcap_record(capbytes *b, uint32_t sec, uint32_t frac, const uint8_t *data,
                          uint32_t caplen, uint32_t len);

/* A 20-byte IPv4 header from 10.0.0.s to 10.0.0.d into p; returns 20. */
size_t capbytes_ipv4(uint8_t *p, uint8_t s, uint8_t d);
/* The same behind an Ethernet header; returns 34. */
size_t capbytes_ether_ipv4(uint8_t *p, uint8_t s, uint8_t d);

#endif
