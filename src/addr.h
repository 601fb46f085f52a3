/* addr: IP addresses as graph keys.
 *
 * An ip_addr holds either family in 17 bytes; IPv4 uses bytes[0..3] and leaves
 * the rest zero, so two equal addresses are equal byte for byte. The order used
 * everywhere (export's "lower address first", sorting) is (family, bytes). */
#ifndef IPVIZ_ADDR_H
#define IPVIZ_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ADDR_V4 = 4, ADDR_V6 = 6 };
#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

typedef struct ip_addr {
    uint8_t family; /* ADDR_V4 or ADDR_V6 */
    uint8_t bytes[16];
} ip_addr;

ip_addr addr_v4(const uint8_t bytes[4]);
ip_addr addr_v6(const uint8_t bytes[16]);
/* <0, 0, >0 in (family, bytes) order. */
int addr_compare(const ip_addr *a, const ip_addr *b);
bool addr_equal(const ip_addr *a, const ip_addr *b);
/* Canonical text (dotted quad; RFC 5952 as inet_ntop writes it). Returns buf. */
char *addr_format(const ip_addr *a, char buf[ADDR_STRLEN]);
/* Parses dotted quad or IPv6 text; false if it is neither. */
bool addr_parse(const char *text, ip_addr *out);

#endif
