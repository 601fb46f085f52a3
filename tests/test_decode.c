/* Decoder unit tests: every supported link type and variant from the capture
 * writer, in both IP families, decoded whole and cut at every byte (each cut
 * copied into a buffer of exactly that size, so ASan sees any overread);
 * then the edge cases one by one, and the fuzzer's findings as regressions. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "capwrite.h"
#include "decode.h"
#include "util.h"

static decode_status decode_copy(uint32_t lt, const uint8_t *data, uint32_t n, decode_result *r)
{
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, data, n);
    decode_status s = decode_packet(lt, n ? copy : NULL, n, r);
    free(copy);
    return s;
}

static bool addr_is(const ip_addr *a, const char *text)
{
    ip_addr want;
    if (!addr_parse(text, &want))
        return false;
    return addr_equal(a, &want);
}

static void check_addrs(const char *where, const decode_result *r, const char *src,
                        const char *dst)
{
    char a[ADDR_STRLEN], b[ADDR_STRLEN];
    if (!addr_is(&r->src, src) || !addr_is(&r->dst, dst)) {
        fprintf(stderr, "%s: expected %s -> %s, got %s -> %s\n", where, src, dst,
                addr_format(&r->src, a), addr_format(&r->dst, b));
        test_failures++;
    }
}

/* Whole frame gives the addresses; every shorter cut before the end of the
 * IP addresses gives TRUNCATED; longer cuts still give the addresses. */
static void check_frame(const char *what, uint32_t lt, const capw_frame *f, uint32_t addr_end,
                        const char *src, const char *dst)
{
    decode_result r;
    char where[160];
    decode_status s = decode_copy(lt, capw_data(f), f->len, &r);
    snprintf(where, sizeof where, "%s (linktype %u, %u bytes)", what, lt, f->len);
    if (s != DECODE_OK) {
        fprintf(stderr, "%s: expected ok, got %s\n", where, decode_status_name(s));
        test_failures++;
        return;
    }
    check_addrs(where, &r, src, dst);
    for (uint32_t cut = 0; cut < f->len; cut++) {
        memset(&r, 0, sizeof r);
        s = decode_copy(lt, capw_data(f), cut, &r);
        decode_status want = cut < addr_end ? DECODE_TRUNCATED : DECODE_OK;
        if (s != want) {
            fprintf(stderr, "%s cut at %u: expected %s, got %s\n", where, cut,
                    decode_status_name(want), decode_status_name(s));
            test_failures++;
            return;
        } else if (s == DECODE_OK) {
            check_addrs(where, &r, src, dst);
        }
    }
}

static void test_samples(void)
{
    static const char *pairs[][2] = {
        {"192.0.2.1", "198.51.100.7"},
        {"2001:db8::1", "2001:db8:ffff::abcd"},
    };
    for (size_t i = 0; i < capw_sample_count(); i++) {
        for (int p = 0; p < 2; p++) {
            static capw_frame f;
            /* IPV4/IPV6 link types take one family only */
            uint32_t lt = capw_sample_linktype(i);
            if ((lt == LINKTYPE_IPV6 && p == 0) || (lt == LINKTYPE_IPV4 && p == 1))
                continue;
            lt = capw_sample_frame(i, &f, pairs[p][0], pairs[p][1]);
            uint32_t iphdr = p ? 40 : 20;
            uint32_t ip_off = CAPW_HEADROOM - iphdr - f.off;
            char what[64];
            snprintf(what, sizeof what, "sample %zu %s", i, p ? "IPv6" : "IPv4");
            check_frame(what, lt, &f, ip_off + iphdr, pairs[p][0], pairs[p][1]);
        }
    }
}

static decode_status decode_frame(uint32_t lt, const capw_frame *f)
{
    decode_result r;
    return decode_copy(lt, capw_data(f), f->len, &r);
}

#define CHECK_STATUS(got, want) CHECK_STR(decode_status_name(got), decode_status_name(want))

static void test_not_ip(void)
{
    static capw_frame f;
    capw_arp(&f, "10.0.0.1", "10.0.0.2");
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_ETHERNET, &f), DECODE_NOT_IP);

    capw_arp(&f, "10.0.0.1", "10.0.0.2");
    capw_push_vlan(&f, 0x8100, 5);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_ETHERNET, &f), DECODE_NOT_IP);

    capw_arp(&f, "10.0.0.1", "10.0.0.2");
    capw_link(&f, LINKTYPE_LINUX_SLL, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_LINUX_SLL, &f), DECODE_NOT_IP);

    capw_payload(&f, 0x88cc, 40); /* LLDP */
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_ETHERNET, &f), DECODE_NOT_IP);

    capw_payload(&f, 0x8863, 20); /* PPPoE discovery */
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_ETHERNET, &f), DECODE_NOT_IP);

    /* 802.3 with STP's LLC (42 42 03) */
    capw_payload(&f, 0, 38);
    uint8_t *llc = capw_data(&f) == NULL ? NULL : f.buf + f.off;
    llc[0] = 0x42, llc[1] = 0x42, llc[2] = 0x03;
    uint8_t *eth = capw_push(&f, 14);
    eth[13] = 38;
    CHECK_STATUS(decode_frame(LINKTYPE_ETHERNET, &f), DECODE_NOT_IP);

    capw_wlan_beacon(&f);
    CHECK_STATUS(decode_frame(LINKTYPE_IEEE802_11, &f), DECODE_NOT_IP);
    capw_wlan_null_data(&f);
    CHECK_STATUS(decode_frame(LINKTYPE_IEEE802_11, &f), DECODE_NOT_IP);

    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 30);
    capw_link(&f, LINKTYPE_IEEE802_11, CAPW_WLAN_QOS | CAPW_WLAN_PROTECTED);
    CHECK_STATUS(decode_frame(LINKTYPE_IEEE802_11, &f), DECODE_ENCRYPTED);
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 30);
    capw_link(&f, LINKTYPE_IEEE802_11_RADIOTAP, CAPW_WLAN_PROTECTED | CAPW_RADIOTAP_PAD);
    CHECK_STATUS(decode_frame(LINKTYPE_IEEE802_11_RADIOTAP, &f), DECODE_ENCRYPTED);

    /* NULL with an unknown family */
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 30);
    uint8_t *af = capw_push(&f, 4);
    af[0] = 17;
    CHECK_STATUS(decode_frame(LINKTYPE_NULL, &f), DECODE_NOT_IP);

    /* PPP LCP */
    capw_payload(&f, 0, 10);
    uint8_t *ppp = capw_push(&f, 4);
    ppp[0] = 0xff, ppp[1] = 0x03, ppp[2] = 0xc0, ppp[3] = 0x21;
    CHECK_STATUS(decode_frame(LINKTYPE_PPP, &f), DECODE_NOT_IP);
}

static void test_malformed(void)
{
    static capw_frame f;
    decode_result r;
    for (int ihl = 0; ihl < 5; ihl++) {
        capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 30);
        f.buf[f.off] = (uint8_t)(0x40 | ihl);
        CHECK_STATUS(decode_frame(LINKTYPE_RAW, &f), DECODE_MALFORMED);
    }
    for (int v = 0; v < 16; v++) {
        capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 30);
        f.buf[f.off] = (uint8_t)(v << 4 | 5);
        decode_status want = v == 4 || v == 6 ? DECODE_OK : DECODE_MALFORMED;
        CHECK_STATUS(decode_frame(LINKTYPE_RAW, &f), want);
        /* 0x86dd must be version 6 */
        capw_link(&f, LINKTYPE_ETHERNET, 0);
        f.buf[f.off + 12] = 0x86, f.buf[f.off + 13] = 0xdd;
        want = v == 6 ? DECODE_OK : DECODE_MALFORMED;
        CHECK_STATUS(decode_frame(LINKTYPE_ETHERNET, &f), want);
    }
    /* IPV4 link type goes through the version-dispatching "ip" like tshark */
    capw_ip(&f, "2001:db8::1", "2001:db8::2", 6, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_IPV4, &f), DECODE_OK);
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 0);
    CHECK_STATUS(decode_frame(LINKTYPE_IPV6, &f), DECODE_MALFORMED);

    /* total length below the header length: Wireshark gives no addresses */
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 30);
    f.buf[f.off + 2] = 0, f.buf[f.off + 3] = 19;
    CHECK_STATUS(decode_frame(LINKTYPE_RAW, &f), DECODE_MALFORMED);
    /* ... except 0, TSO */
    f.buf[f.off + 3] = 0;
    CHECK_STATUS(decode_frame(LINKTYPE_RAW, &f), DECODE_OK);
    /* total length longer than captured: fine */
    f.buf[f.off + 2] = 0x40;
    CHECK_STATUS(decode_frame(LINKTYPE_RAW, &f), DECODE_OK);
    /* options (IHL 15) with only 20 bytes captured: addresses are there */
    capw_ip(&f, "10.0.0.1", "10.0.0.2", 6, 0);
    f.buf[f.off] = 0x4f;
    f.buf[f.off + 3] = 60;
    CHECK_STATUS(decode_copy(LINKTYPE_RAW, capw_data(&f), 20, &r), DECODE_OK);
    check_addrs("IHL 15, 20 bytes", &r, "10.0.0.1", "10.0.0.2");
}

static void test_fragments_and_nesting(void)
{
    static capw_frame f;
    decode_result r;
    capw_ipv4_fragment(&f, "10.1.1.1", "10.2.2.2", 77, 1480, false, 100);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    CHECK_STATUS(decode_copy(LINKTYPE_ETHERNET, capw_data(&f), f.len, &r), DECODE_OK);
    check_addrs("non-first fragment", &r, "10.1.1.1", "10.2.2.2");

    /* 40 stacked VLAN tags */
    capw_ip(&f, "10.3.3.3", "10.4.4.4", 17, 8);
    for (int i = 0; i < 40; i++)
        capw_push_vlan(&f, i % 2 ? 0x8100 : 0x88a8, (uint16_t)i);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    check_frame("40 VLAN tags", LINKTYPE_ETHERNET, &f, f.len - 8, "10.3.3.3", "10.4.4.4");

    /* IP in IP: the outer header counts */
    capw_ip(&f, "10.9.9.9", "10.8.8.8", 17, 8);
    uint8_t inner[28];
    memcpy(inner, capw_data(&f), 28);
    capw_ip(&f, "172.16.0.1", "172.16.0.2", 4, 28);
    memcpy(f.buf + f.off + 20, inner, 28);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    CHECK_STATUS(decode_copy(LINKTYPE_ETHERNET, capw_data(&f), f.len, &r), DECODE_OK);
    check_addrs("IP in IP", &r, "172.16.0.1", "172.16.0.2");

    /* VLAN tag followed by a length and LLC/SNAP */
    capw_ip(&f, "10.5.5.5", "10.6.6.6", 17, 8);
    capw_push(&f, 8)[0] = 0xaa;
    f.buf[f.off + 1] = 0xaa, f.buf[f.off + 2] = 0x03, f.buf[f.off + 6] = 0x08;
    uint16_t l = (uint16_t)f.len;
    uint8_t *tag = capw_push(&f, 4);
    tag[2] = (uint8_t)(l >> 8), tag[3] = (uint8_t)l;
    f.ethertype = 0x8100;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    check_frame("VLAN + LLC/SNAP", LINKTYPE_ETHERNET, &f, f.len - 8, "10.5.5.5", "10.6.6.6");

    /* MPLS pseudowire with control word carrying Ethernet */
    capw_ip(&f, "10.7.7.7", "10.7.7.8", 17, 8);
    capw_push_ethernet(&f);
    capw_push(&f, 4); /* control word */
    capw_push_mpls(&f, 100, true);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    check_frame("MPLS PW Ethernet", LINKTYPE_ETHERNET, &f, f.len - 8, "10.7.7.7", "10.7.7.8");

    /* NULL: Wireshark's IRIX rule, read on a little-endian host: a value
     * whose top byte is 0 and third byte below 6 is shifted down 16 bits */
    capw_ip(&f, "10.1.2.3", "10.3.2.1", 17, 8);
    uint8_t *h = capw_push(&f, 4);
    h[2] = 2;
    CHECK_STATUS(decode_copy(LINKTYPE_NULL, capw_data(&f), f.len, &r), DECODE_OK);
    check_addrs("NULL 16-bit AF", &r, "10.1.2.3", "10.3.2.1");
    /* NULL, Linux AF_INET6 10, both byte orders */
    for (int big = 0; big < 2; big++) {
        capw_ip(&f, "2001:db8::5", "2001:db8::6", 17, 8);
        h = capw_push(&f, 4);
        h[big ? 3 : 0] = 10;
        CHECK_STATUS(decode_copy(LINKTYPE_NULL, capw_data(&f), f.len, &r), DECODE_OK);
        check_addrs("NULL AF 10", &r, "2001:db8::5", "2001:db8::6");
    }

    /* radiotap with an extended present bitmap before TSFT/Flags */
    capw_ip(&f, "10.0.1.1", "10.0.1.2", 17, 8);
    capw_link(&f, LINKTYPE_IEEE802_11, CAPW_WLAN_QOS); /* 26-byte header */
    uint8_t save[26];
    memcpy(save, capw_data(&f), 26);
    f.off += 26, f.len -= 26;
    capw_push(&f, 2); /* data pad to 28 */
    memcpy(capw_push(&f, 26), save, 26);
    /* radiotap: present words 0x80000003 (TSFT, Flags, Ext) and 0; fields
     * from 12: TSFT 8-aligned at 16, Flags at 24 */
    h = capw_push(&f, 32);
    h[2] = 32;
    h[4] = 0x03, h[7] = 0x80;
    h[24] = 0x20;
    check_frame("radiotap ext bitmap + pad", LINKTYPE_IEEE802_11_RADIOTAP, &f, f.len - 8,
                "10.0.1.1", "10.0.1.2");

    /* Linux SLL carrying a whole Ethernet frame (protocol 3) */
    capw_ip(&f, "10.0.2.1", "10.0.2.2", 17, 8);
    capw_push_vlan(&f, 0x8100, 3);
    capw_push_ethernet(&f);
    capw_link(&f, LINKTYPE_LINUX_SLL2, 0);
    check_frame("SLL2 + Ethernet", LINKTYPE_LINUX_SLL2, &f, f.len - 8, "10.0.2.1", "10.0.2.2");
}

static void test_names(void)
{
    char buf[32];
    CHECK_STR(decode_linktype_name(LINKTYPE_ETHERNET, buf), "EN10MB");
    CHECK_STR(decode_linktype_name(LINKTYPE_LINUX_SLL2, buf), "LINUX_SLL2");
    CHECK_STR(decode_linktype_name(147, buf), "LINKTYPE_147");
    CHECK(decode_linktype_supported(LINKTYPE_NFLOG));
    CHECK(decode_linktype_supported(LINKTYPE_RAW_DLT12));
    CHECK(!decode_linktype_supported(147));
    CHECK(!decode_linktype_supported(LINKTYPE_RAW_DLT12 + 1));
    uint8_t x[40] = {0x45};
    decode_result r;
    CHECK_STATUS(decode_packet(147, x, sizeof x, &r), DECODE_UNSUPPORTED);
    for (int s = 0; s < DECODE_STATUS_COUNT; s++)
        CHECK(strcmp(decode_status_name((decode_status)s), "?") != 0);
    CHECK_STR(decode_status_name(DECODE_OK), "ok");
}

/* Inputs the fuzzer found that once misbehaved; each is checked for the
 * status it must give (and, under ASan, for staying in bounds). */
static void test_fuzz_regressions(void)
{
    static const struct {
        uint32_t lt;
        const char *hex;
        decode_status want;
    } cases[] = {
        /* radiotap whose length covers fewer bytes than its Flags field */
        {LINKTYPE_IEEE802_11_RADIOTAP, "000009000300000000", DECODE_MALFORMED},
        /* NFLOG TLV of length 0 */
        {LINKTYPE_NFLOG, "020000070000", DECODE_TRUNCATED},
        {LINKTYPE_NFLOG, "0200000700000900", DECODE_MALFORMED},
        /* raw IP starting ff 03 is PPP, so "ff" alone must be TRUNCATED, not
         * MALFORMED (found by fuzz_decode: a prefix disagreed with the whole) */
        {LINKTYPE_RAW_DLT12, "ff", DECODE_TRUNCATED},
        {LINKTYPE_RAW_DLT12, "ff03028116007d0010562b005e656c737a81888f969da4", DECODE_NOT_IP},
        /* MPLS stack that never reaches the bottom */
        {LINKTYPE_ETHERNET, "0000000000000000000000008847000000000000", DECODE_TRUNCATED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].hex) / 2;
        uint8_t *b = malloc(n);
        for (size_t k = 0; k < n; k++)
            sscanf(cases[i].hex + 2 * k, "%2hhx", &b[k]);
        decode_result r;
        decode_status s = decode_packet(cases[i].lt, b, (uint32_t)n, &r);
        if (s != cases[i].want) {
            fprintf(stderr, "regression %zu: expected %s, got %s\n", i,
                    decode_status_name(cases[i].want), decode_status_name(s));
            test_failures++;
        }
        free(b);
    }
}

int main(void)
{
    test_samples();
    test_not_ip();
    test_malformed();
    test_fragments_and_nesting();
    test_names();
    test_fuzz_regressions();
    return test_result();
}
