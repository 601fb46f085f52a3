/* Writes the fuzzers' seed corpora with the capture writer:
 *   fuzz_seed DECODE_DIR CAPTURE_DIR
 * DECODE_DIR gets one file per frame shape (4-byte link type index + frame),
 * CAPTURE_DIR small pcap and pcapng files in every variant capwrite writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capwrite.h"
#include "fuzz_linktypes.h"

static int nseeds;

static void seed_frame(const char *dir, uint32_t lt, const capw_frame *f)
{
    uint32_t idx = 0;
    while (idx < FUZZ_NLINKTYPES && fuzz_linktypes[idx] != lt)
        idx++;
    if (idx == FUZZ_NLINKTYPES)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/seed-%03d", dir, nseeds++);
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        perror(path);
        exit(1);
    }
    uint8_t pre[4] = {(uint8_t)idx, 0, 0, 0};
    fwrite(pre, 1, 4, fp);
    fwrite(capw_data(f), 1, f->len, fp);
    fclose(fp);
}

static void decode_seeds(const char *dir)
{
    static capw_frame f;
    for (size_t i = 0; i < capw_sample_count(); i++) {
        uint32_t lt = capw_sample_linktype(i);
        if (lt != LINKTYPE_IPV6) {
            capw_sample_frame(i, &f, "192.0.2.1", "198.51.100.2");
            seed_frame(dir, lt, &f);
        }
        if (lt != LINKTYPE_IPV4) {
            capw_sample_frame(i, &f, "2001:db8::1", "2001:db8::2");
            seed_frame(dir, lt, &f);
        }
    }
    capw_arp(&f, "10.0.0.1", "10.0.0.2");
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    seed_frame(dir, LINKTYPE_ETHERNET, &f);
    capw_wlan_beacon(&f);
    seed_frame(dir, LINKTYPE_IEEE802_11, &f);
    capw_wlan_null_data(&f);
    seed_frame(dir, LINKTYPE_IEEE802_11, &f);
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 20);
    capw_link(&f, LINKTYPE_IEEE802_11_RADIOTAP, CAPW_WLAN_PROTECTED | CAPW_RADIOTAP_PAD);
    seed_frame(dir, LINKTYPE_IEEE802_11_RADIOTAP, &f);
    capw_ipv4_fragment(&f, "10.0.0.1", "10.0.0.2", 9, 64, true, 32);
    capw_push_pppoe(&f, 3);
    capw_push_vlan(&f, 0x8100, 4);
    capw_link(&f, LINKTYPE_LINUX_SLL, 0);
    seed_frame(dir, LINKTYPE_LINUX_SLL, &f);
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 8);
    capw_push_ethernet(&f);
    capw_push(&f, 4);
    capw_push_mpls(&f, 16, true);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    seed_frame(dir, LINKTYPE_ETHERNET, &f);
}

static void capture_seeds(const char *dir)
{
    static capw_frame f;
    char path[4096];
    for (int v = 0; v < 4; v++) {
        snprintf(path, sizeof path, "%s/pcap-%d", dir, v);
        capw *w = capw_open_pcap(path, LINKTYPE_ETHERNET, v & 1, v & 2, 65535);
        if (!w)
            exit(1);
        for (size_t i = 0; i < 6; i++) {
            capw_sample_frame(i, &f, i % 2 ? "2001:db8::1" : "10.0.0.1",
                              i % 2 ? "2001:db8::2" : "10.0.0.2");
            capw_packet(w, 0, 1700000000000000000 + (int64_t)i * 1000, capw_data(&f),
                        i == 5 ? f.len / 2 : f.len, f.len);
        }
        capw_close(w);
    }
    snprintf(path, sizeof path, "%s/pcapng-multi", dir);
    capw *w = capw_open_pcapng(path, false);
    if (!w)
        exit(1);
    for (int sec = 0; sec < 2; sec++) {
        if (sec)
            capw_ng_section(w, true);
        uint32_t a = capw_ng_interface(w, LINKTYPE_ETHERNET, 262144, 6);
        uint32_t b = capw_ng_interface(w, LINKTYPE_RAW, 128, 9);
        uint32_t c = capw_ng_interface(w, LINKTYPE_LINUX_SLL2, 0, 0x80 | 20);
        capw_sample_frame(0, &f, "10.1.0.1", "10.1.0.2");
        capw_packet(w, a, 1700000000123456789, capw_data(&f), f.len, f.len);
        capw_ip(&f, "2001:db8::7", "2001:db8::8", 17, 10);
        capw_packet(w, b, 1700000000223456789, capw_data(&f), f.len, f.len);
        capw_ip(&f, "10.2.0.1", "10.2.0.2", 6, 10);
        capw_link(&f, LINKTYPE_LINUX_SLL2, 0);
        capw_packet(w, c, 1700000000323456789, capw_data(&f), f.len, f.len);
        capw_sample_frame(1, &f, "10.3.0.1", "10.3.0.2");
        capw_simple_packet(w, capw_data(&f), f.len);
    }
    capw_close(w);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: fuzz_seed DECODE_DIR CAPTURE_DIR\n");
        return 2;
    }
    decode_seeds(argv[1]);
    capture_seeds(argv[2]);
    return 0;
}
