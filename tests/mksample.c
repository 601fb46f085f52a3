/* mksample: writes assets/sample.pcapng, the capture ipviz shows when given
 * none. Regenerate it with:
 *
 *   cmake --build build --target ipviz_mksample && build/tests/ipviz_mksample assets/sample.pcapng
 *
 * A small made-up site seen from its gateway, deterministic (fixed PRNG seed,
 * fixed clock), in four interfaces of different link types:
 *   0 lan   Ethernet: a /24 of clients, a DNS server, the gateway; VLAN 10
 *           (servers) and VLAN 20 (IoT, in a QinQ stack); IPv6 clients;
 *           mDNS/SSDP multicast, broadcast, ARP (not IP)
 *   1 wan   Ethernet + PPPoE: the gateway's public address to web/CDN servers
 *           and public resolvers, IPv4 and IPv6
 *   2 wg0   raw IP: a WireGuard-style tunnel to remote peers
 *   3 any   Linux cooked v2: a container bridge on the gateway
 * Frames are cut at a 96-byte snap length (original lengths are kept), so
 * the file stays small while packet and byte counts look real. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capwrite.h"
#include "decode.h"

enum { SNAP = 96, NPACKETS = 1800 };

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

typedef struct conv {
    char a[48], b[48];
    int iface;  /* 0 lan, 1 wan, 2 wg0, 3 any */
    int vlan;   /* 0 none, 10, 20 */
    int weight;
    uint8_t proto;
} conv;

static conv convs[1024];
static int nconvs, total_weight;

static void add(const char *a, const char *b, int iface, int vlan, int weight, uint8_t proto)
{
    if (nconvs == (int)(sizeof convs / sizeof convs[0]))
        abort();
    conv *c = &convs[nconvs++];
    snprintf(c->a, sizeof c->a, "%s", a);
    snprintf(c->b, sizeof c->b, "%s", b);
    c->iface = iface, c->vlan = vlan, c->weight = weight, c->proto = proto;
    total_weight += weight;
}

static void build_site(void)
{
    char a[48], b[48];
    const char *gw = "192.168.1.1", *dns = "192.168.1.53", *pub = "203.0.113.7";
    static const char *cdn[] = {"151.101.%u.%u", "104.16.%u.%u", "142.250.%u.%u",
                                "13.224.%u.%u", "185.199.%u.%u", "31.13.%u.%u"};
    static const char *cdn6[] = {"2606:4700::%x:%x", "2a00:1450:4001::%x:%x",
                                 "2a04:4e42::%x:%x"};
    /* 70 LAN clients: DNS, the gateway, and (behind NAT) nothing else on lan */
    for (unsigned i = 0; i < 70; i++) {
        snprintf(a, sizeof a, "192.168.1.%u", 100 + i);
        add(a, dns, 0, 0, 6, 17);
        add(a, gw, 0, 0, 2, 6);
        if (i % 7 == 0)
            add(a, "192.168.1.255", 0, 0, 1, 17);
        if (i % 5 == 0)
            add(a, "224.0.0.251", 0, 0, 1, 17);
        if (i % 9 == 0)
            add(a, "239.255.255.250", 0, 0, 1, 17);
        if (i % 11 == 0) {
            snprintf(b, sizeof b, "192.168.1.%u", 100 + (i * 13) % 70);
            if (strcmp(a, b))
                add(a, b, 0, 0, 2, 6); /* file sharing between clients */
        }
    }
    add("0.0.0.0", "255.255.255.255", 0, 0, 2, 17); /* DHCP discover */
    add(dns, gw, 0, 0, 4, 17);
    /* IPv6 clients: link-local to the router, global to the DNS server */
    for (unsigned i = 0; i < 30; i++) {
        snprintf(a, sizeof a, "2001:db8:1::%x", 0x100 + i);
        add(a, "2001:db8:1::53", 0, 0, 3, 17);
        snprintf(a, sizeof a, "fe80::%x:%x", 0x200 + i, 0xff00 + i);
        add(a, "ff02::1", 0, 0, 1, 58);
        add(a, "fe80::1", 0, 0, 1, 58);
        if (i % 4 == 0)
            add(a, "ff02::fb", 0, 0, 1, 17);
    }
    /* VLAN 10: 20 servers, clients and the gateway talk to them */
    for (unsigned i = 0; i < 20; i++) {
        snprintf(a, sizeof a, "10.10.0.%u", 10 + i);
        add(a, "10.10.0.1", 0, 10, 3, 6);
        snprintf(b, sizeof b, "10.10.0.%u", 10 + (i + 1) % 20);
        add(a, b, 0, 10, 2, 6);
    }
    /* VLAN 20: 40 IoT devices reporting to a hub */
    for (unsigned i = 0; i < 40; i++) {
        snprintf(a, sizeof a, "10.20.0.%u", 20 + i);
        add(a, "10.20.0.2", 0, 20, 2, 17);
    }
    /* wan: the gateway's public address to 130 web/CDN servers, 3 resolvers */
    for (unsigned i = 0; i < 130; i++) {
        snprintf(b, sizeof b, cdn[i % 6], (i * 37) % 250 + 1, (i * 101) % 250 + 1);
        add(pub, b, 1, 0, i < 20 ? 12 : 3, 6);
    }
    for (unsigned i = 0; i < 24; i++) {
        snprintf(b, sizeof b, cdn6[i % 3], 0x10 + i, (i * 97) % 4000 + 1);
        add("2001:db8:ffff::7", b, 1, 0, 4, 6);
    }
    add(pub, "1.1.1.1", 1, 0, 10, 17);
    add(pub, "8.8.8.8", 1, 0, 8, 17);
    add("2001:db8:ffff::7", "2606:4700:4700::1111", 1, 0, 5, 17);
    /* wg0: the tunnel end to 12 remote peers and their subnets */
    for (unsigned i = 0; i < 12; i++) {
        snprintf(b, sizeof b, "10.99.0.%u", 2 + i);
        add("10.99.0.1", b, 2, 0, 3, 6);
        snprintf(a, sizeof a, "10.99.%u.10", 10 + i);
        add(a, "10.10.0.10", 2, 0, 2, 6);
    }
    add("fd00:99::1", "fd00:99::2", 2, 0, 3, 17);
    /* any: a container bridge */
    for (unsigned i = 0; i < 16; i++) {
        snprintf(a, sizeof a, "172.17.0.%u", 2 + i);
        add(a, "172.17.0.1", 3, 0, 2, 6);
        if (i % 3 == 0)
            add(a, "192.168.1.53", 3, 0, 1, 17);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: ipviz_mksample OUT.pcapng\n");
        return 2;
    }
    capw *w = capw_open_pcapng(argv[1], false);
    if (!w) {
        perror(argv[1]);
        return 1;
    }
    uint32_t lan = capw_ng_interface(w, LINKTYPE_ETHERNET, SNAP, 6);
    uint32_t wan = capw_ng_interface(w, LINKTYPE_ETHERNET, SNAP, 9);
    uint32_t wg = capw_ng_interface(w, LINKTYPE_RAW, SNAP, 6);
    uint32_t any = capw_ng_interface(w, LINKTYPE_LINUX_SLL2, SNAP, 9);
    const uint32_t ifaces[4] = {lan, wan, wg, any};
    build_site();

    static capw_frame f;
    int64_t t = 1735689600000000000; /* 2025-01-01T00:00:00Z */
    int written = 0;
    for (int k = 0; k < NPACKETS; k++) {
        t += 1000000 + (int64_t)rnd(60000000); /* 1-61 ms apart */
        if (k % 50 == 25) {
            /* ARP, not IP */
            char s[32], d[32];
            snprintf(s, sizeof s, "192.168.1.%u", 100 + rnd(70));
            snprintf(d, sizeof d, "192.168.1.%u", rnd(2) ? 1 : 53);
            capw_arp(&f, s, d);
            capw_link(&f, LINKTYPE_ETHERNET, 0);
            capw_packet(w, lan, t, capw_data(&f), f.len, f.len);
            written++;
            continue;
        }
        int pick = (int)rnd((uint32_t)total_weight);
        const conv *c = convs;
        while (pick >= c->weight)
            pick -= c->weight, c++;
        bool reply = rnd(2);
        const char *src = reply ? c->b : c->a, *dst = reply ? c->a : c->b;
        /* multicast and broadcast only ever go one way */
        if (!strncmp(c->b, "224.", 4) || !strncmp(c->b, "239.", 4) || !strncmp(c->b, "ff02", 4) ||
            strstr(c->b, ".255"))
            src = c->a, dst = c->b;
        uint32_t payload = c->proto == 6 ? (rnd(3) ? 1460 : 20) : 40 + rnd(400);
        capw_ip(&f, src, dst, c->proto, payload);
        switch (c->iface) {
        case 0:
            if (c->vlan == 10)
                capw_push_vlan(&f, 0x8100, 10);
            if (c->vlan == 20) {
                capw_push_vlan(&f, 0x8100, 20);
                capw_push_vlan(&f, 0x88a8, 100);
            }
            capw_link(&f, LINKTYPE_ETHERNET, 0);
            break;
        case 1:
            capw_push_pppoe(&f, 0x2a);
            capw_link(&f, LINKTYPE_ETHERNET, 0);
            break;
        case 2: capw_link(&f, LINKTYPE_RAW, 0); break;
        default: capw_link(&f, LINKTYPE_LINUX_SLL2, 0); break;
        }
        capw_packet(w, ifaces[c->iface], t, capw_data(&f), f.len < SNAP ? f.len : SNAP, f.len);
        written++;
    }
    if (!capw_close(w)) {
        fprintf(stderr, "%s: write error\n", argv[1]);
        return 1;
    }
    printf("%s: %d packets, %d conversations\n", argv[1], written, nconvs);
    return 0;
}
