/* Minimal capture bytes for tests (see util_capbytes.h). */
#include "util_capbytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void capbytes_put(capbytes *b, const void *src, size_t n)
{
    if (n == 0)
        return;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

void capbytes_put16(capbytes *b, uint16_t v)
{
    uint8_t x[2];
    for (int i = 0; i < 2; i++)
        x[b->be ? 1 - i : i] = (uint8_t)(v >> (8 * i));
    capbytes_put(b, x, 2);
}

void capbytes_put32(capbytes *b, uint32_t v)
{
    uint8_t x[4];
    for (int i = 0; i < 4; i++)
        x[b->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
    capbytes_put(b, x, 4);
}

void capbytes_put64(capbytes *b, uint64_t v)
{
    uint8_t x[8];
    for (int i = 0; i < 8; i++)
        x[b->be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
    capbytes_put(b, x, 8);
}

void capbytes_set32(capbytes *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->p[at + (size_t)(b->be ? 3 - i : i)] = (uint8_t)(v >> (8 * i));
}

void capbytes_pad4(capbytes *b)
{
    static const uint8_t z[4];
    capbytes_put(b, z, (4 - b->n % 4) % 4);
}

const char *capbytes_write(const char *name, const capbytes *b)
{
    const char *path = test_tmp_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || (b->n && fwrite(b->p, 1, b->n, f) != b->n) || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    return path;
}

void capbytes_pcap_header(capbytes *b, bool ns, uint32_t linktype, uint32_t snaplen)
{
    capbytes_put32(b, ns ? 0xa1b23c4d : 0xa1b2c3d4);
    capbytes_put16(b, 2);
    capbytes_put16(b, 4);
    capbytes_put32(b, 0);
    capbytes_put32(b, 0);
    capbytes_put32(b, snaplen);
    capbytes_put32(b, linktype);
}

void capbytes_pcap_record(capbytes *b, uint32_t sec, uint32_t frac, const uint8_t *data,
                          uint32_t caplen, uint32_t len)
{
    capbytes_put32(b, sec);
    capbytes_put32(b, frac);
    capbytes_put32(b, caplen);
    capbytes_put32(b, len);
    capbytes_put(b, data, caplen);
}

size_t capbytes_ipv4(uint8_t *p, uint8_t s, uint8_t d)
{
    memset(p, 0, 20);
    p[0] = 0x45;
    p[3] = 20;
    p[8] = 64;
    p[9] = 17;
    p[12] = 10, p[15] = s;
    p[16] = 10, p[19] = d;
    return 20;
}

size_t capbytes_ether_ipv4(uint8_t *p, uint8_t s, uint8_t d)
{
    static const uint8_t hdr[14] = {0, 0x11, 0x22, 0x33, 0x44, 0x55, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    memcpy(p, hdr, 14);
    return 14 + capbytes_ipv4(p + 14, s, d);
}
