/* addr: construction, order and text form of IP addresses. */
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

ip_addr addr_v4(const uint8_t bytes[4])
{
    ip_addr a = {.family = ADDR_V4};
    memcpy(a.bytes, bytes, 4);
    return a;
}

ip_addr addr_v6(const uint8_t bytes[16])
{
    ip_addr a = {.family = ADDR_V6};
    memcpy(a.bytes, bytes, 16);
    return a;
}

int addr_compare(const ip_addr *a, const ip_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, 16);
}

bool addr_equal(const ip_addr *a, const ip_addr *b) { return addr_compare(a, b) == 0; }

char *addr_format(const ip_addr *a, char buf[ADDR_STRLEN])
{
    if (!inet_ntop(a->family == ADDR_V4 ? AF_INET : AF_INET6, a->bytes, buf, ADDR_STRLEN))
        strcpy(buf, "?");
    return buf;
}

bool addr_parse(const char *text, ip_addr *out)
{
    uint8_t b[16];
    if (inet_pton(AF_INET, text, b) == 1) {
        *out = addr_v4(b);
        return true;
    }
    if (inet_pton(AF_INET6, text, b) == 1) {
        *out = addr_v6(b);
        return true;
    }
    return false;
}
