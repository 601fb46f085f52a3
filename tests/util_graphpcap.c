/* Synthetic graph captures (see util_graphpcap.h). */
#include "util_graphpcap.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void put16be(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint32_t host_addr(int i)
{
    return (10u << 24) | ((uint32_t)(1 + i / 60000) << 16) | ((uint32_t)(i / 250 % 240) << 8) |
           (uint32_t)(1 + i % 250);
}

static bool packet(FILE *f, uint32_t src, uint32_t dst, uint32_t t)
{
    uint8_t rec[16 + 14 + 20 + 8];
    memset(rec, 0, sizeof rec);
    uint32_t hdr[4] = {t, 0, sizeof rec - 16, sizeof rec - 16};
    memcpy(rec, hdr, 16);
    uint8_t *e = rec + 16;
    memcpy(e, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
    uint8_t *ip = e + 14;
    ip[0] = 0x45;
    put16be(ip + 2, 28);
    ip[8] = 64;
    ip[9] = 17;
    for (int k = 0; k < 4; k++) {
        ip[12 + k] = (uint8_t)(src >> (24 - 8 * k));
        ip[16 + k] = (uint8_t)(dst >> (24 - 8 * k));
    }
    uint8_t *udp = ip + 20;
    put16be(udp, 5353);
    put16be(udp + 2, 5353);
    put16be(udp + 4, 8);
    return fwrite(rec, sizeof rec, 1, f) == 1;
}

bool test_write_graph_pcap(const char *path, int hosts, unsigned seed)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    const uint32_t gh[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1};
    bool ok = fwrite(gh, sizeof gh, 1, f) == 1;
    uint32_t rng = seed * 2654435761u + 1;
    int hubs = hosts / 150 + 2;
    for (int i = 0; i < hosts && ok; i++) {
        rng = rng * 1664525u + 1013904223u;
        int hub = (int)((rng >> 8) % (uint32_t)hubs);
        if (i != hub)
            ok = packet(f, host_addr(i), host_addr(hub), (uint32_t)i);
        if (ok && (rng >> 28) == 0) { /* 1 in 16: a link across clusters */
            rng = rng * 1664525u + 1013904223u;
            ok = packet(f, host_addr(i), host_addr((int)((rng >> 8) % (uint32_t)hosts)), (uint32_t)i);
        }
    }
    /* Hubs form a ring so the graph is connected. */
    for (int h = 0; ok && h < hubs; h++)
        ok = packet(f, host_addr(h), host_addr((h + 1) % hubs), 0);
    return fclose(f) == 0 && ok;
}
