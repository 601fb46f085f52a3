/* The decoder against tshark on the real captures in ../shared/pcaps.
 *
 * Every capture listed in INDEX.tsv is read with libpcap directly and each
 * packet decoded. To avoid starting tshark 1,500 times (about a second each
 * here), the packets are also copied, with the capture writer, into a few
 * pcapng files, one interface per source capture (so each keeps its link
 * type), and tshark dissects those, two at a time. Per packet, tshark's first
 * IP header is the first "ip" or "ipv6" in frame.protocols and that layer's
 * src/dst (occurrence=f); a bogus header shows the layer without addresses,
 * which matches our non-OK statuses. Disagreements that are tshark's doing
 * are listed in `exceptions` with the reason; any other one fails the test.
 *
 * Without tshark, or under the sanitizers (IPVIZ_SANITIZED, set by CI, where
 * the comparison would only repeat the plain run), every packet is still
 * decoded, which is what ASan needs to see. */
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capwrite.h"
#include "decode.h"
#include "util.h"

/* Batch 0 is synthetic: capwrite's frames of every link type and the edge
 * cases, checked against tshark the same way (the real captures are nearly
 * all Ethernet). Batches 1.. hold the real captures. */
enum { NREAL = 6, NBATCH = NREAL + 1, MAX_LABELS = 4096 };

typedef struct pkt {
    uint8_t status;
    uint16_t label; /* synthetic packets: index + 1 into labels */
    ip_addr src, dst;
} pkt;

static char labels[MAX_LABELS][64];
static uint16_t nlabels;

typedef struct file {
    char *path;      /* relative to the pcaps folder */
    uint32_t linktype;
    uint32_t first;  /* index of its first packet in the packet array */
    uint32_t count;
    int batch;
    uint32_t agree;
    bool readable;
} file;

static pkt *pkts;
static size_t npkts, cappkts;
static file *files;
static size_t nfiles;

static void free_all(void)
{
    for (size_t i = 0; i < nfiles; i++)
        free(files[i].path);
    free(files);
    free(pkts);
}

/* Disagreements judged to be tshark's heuristics or tshark's choice; matched
 * by a substring of the capture path and the 1-based packet number within
 * that capture (0: every packet of the capture). */
static const struct exception {
    const char *path;
    uint32_t frame;
    const char *reason;
} exceptions[] = {
    /* IPv4 with a loose source route option: Wireshark shows the route's
     * final destination as ip.dst (and the header's destination as "Via");
     * ours is the header's destination field, as scapy's p[IP].dst is. */
    {"suricata-verify/tests/detect-ipopts/input.pcap", 2, "ip.dst from the source route"},
    {"suricata-verify/tests/detect-ipopts/input.pcap", 7, "ip.dst from the source route"},
    {NULL, 0, NULL},
};

/* The same for synthetic frames, by label prefix. */
static const struct {
    const char *label;
    const char *reason;
} synthetic_exceptions[] = {
    /* Wireshark reads NFLOG's TLV lengths and types in the byte order of
     * the machine running it; we detect the logging host's order, so NFLOG
     * from a big-endian router decodes here and not in tshark on x86. */
    {"sample 25 NFLOG", "NFLOG from a big-endian host"},
    /* AF 10 is Linux's AF_INET6; Wireshark's null/loop family tables hold
     * the BSD values only (24, 28, 30). We accept it as the brief says. */
    {"null af 10", "Linux AF_INET6 in a NULL header"},
    {"loop af 10", "Linux AF_INET6 in a LOOP header"},
    {NULL, NULL},
};

static const char *find_exception(const char *path, uint32_t frame, const char *label)
{
    if (label) {
        for (size_t i = 0; synthetic_exceptions[i].label; i++)
            if (!strncmp(label, synthetic_exceptions[i].label, strlen(synthetic_exceptions[i].label)))
                return synthetic_exceptions[i].reason;
        return NULL;
    }
    for (size_t i = 0; exceptions[i].path; i++)
        if (strstr(path, exceptions[i].path) && (!exceptions[i].frame || exceptions[i].frame == frame))
            return exceptions[i].reason;
    return NULL;
}

static uint32_t dlt_to_linktype(int dlt)
{
    switch (dlt) {
    case 12:
    case 14: return LINKTYPE_RAW;
    default: return (uint32_t)dlt;
    }
}

static void add_pkt(decode_status s, const decode_result *r)
{
    if (npkts == cappkts) {
        cappkts = cappkts ? cappkts * 2 : 65536;
        pkts = realloc(pkts, cappkts * sizeof *pkts);
        if (!pkts)
            abort();
    }
    pkt *p = &pkts[npkts++];
    memset(p, 0, sizeof *p);
    p->status = (uint8_t)s;
    if (s == DECODE_OK)
        p->src = r->src, p->dst = r->dst;
}

/* Reads one capture, decodes its packets, and copies them to w (if any). */
static bool read_capture(const char *dir, file *f, capw *w, unsigned long *by_status)
{
    char path[4096], err[PCAP_ERRBUF_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, f->path);
    pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    f->first = (uint32_t)npkts;
    if (!pc)
        return false;
    f->readable = true;
    f->linktype = dlt_to_linktype(pcap_datalink(pc));
    uint32_t iface = 0;
    if (w)
        iface = capw_ng_interface(w, f->linktype, (uint32_t)pcap_snapshot(pc), 9);
    struct pcap_pkthdr *h;
    const u_char *data;
    while (pcap_next_ex(pc, &h, &data) == 1) {
        decode_result r;
        decode_status s = decode_packet(f->linktype, data, h->caplen, &r);
        by_status[s]++;
        add_pkt(s, &r);
        if (w)
            capw_packet(w, iface, (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec, data,
                        h->caplen, h->len < h->caplen ? h->caplen : h->len);
    }
    pcap_close(pc);
    f->count = (uint32_t)(npkts - f->first);
    return true;
}

/* ---- synthetic frames ---- */

static capw *synth_w;
static uint32_t synth_iface[300];
static bool synth_has[300];
static unsigned long *synth_by_status;

/* Decodes f as link type lt, records it under a label, and writes it to the
 * synthetic batch (one interface per link type), cut to caplen (0 = whole). */
static void synth(uint32_t lt, const capw_frame *f, uint32_t caplen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void synth(uint32_t lt, const capw_frame *f, uint32_t caplen, const char *fmt, ...)
{
    uint32_t cap = caplen ? caplen : f->len;
    decode_result r;
    decode_status s = decode_packet(lt, capw_data(f), cap, &r);
    synth_by_status[s]++;
    add_pkt(s, &r);
    if (nlabels < MAX_LABELS) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(labels[nlabels], sizeof labels[nlabels], fmt, ap);
        va_end(ap);
        pkts[npkts - 1].label = ++nlabels;
    }
    if (synth_w) {
        if (!synth_has[lt]) {
            synth_iface[lt] = capw_ng_interface(synth_w, lt, 65535, 6);
            synth_has[lt] = true;
        }
        capw_packet(synth_w, synth_iface[lt], 1700000000000000000 + (int64_t)npkts * 1000,
                    capw_data(f), cap, f->len);
    }
}

/* A frame that is an IPv4 packet with a byte changed, wrapped in Ethernet. */
static void synth_ipv4_poke(const char *what, uint32_t off, uint8_t value, uint32_t lt)
{
    static capw_frame f;
    capw_ip(&f, "192.0.2.1", "192.0.2.2", 17, 12);
    f.buf[f.off + off] = value;
    if (lt == LINKTYPE_ETHERNET)
        capw_link(&f, lt, 0);
    synth(lt, &f, 0, "%s", what);
}

static void write_synthetic(file *fl, capw *w, unsigned long *by_status)
{
    static capw_frame f;
    synth_w = w;
    synth_by_status = by_status;
    fl->first = (uint32_t)npkts;
    fl->readable = true;
    char name[32];

    /* every sample, both families, whole and cut inside the IP header */
    for (size_t i = 0; i < capw_sample_count(); i++) {
        uint32_t lt = capw_sample_linktype(i);
        decode_linktype_name(lt, name);
        for (int v6 = 0; v6 < 2; v6++) {
            if ((lt == LINKTYPE_IPV4 && v6) || (lt == LINKTYPE_IPV6 && !v6))
                continue;
            const char *a = v6 ? "2001:db8::a" : "192.0.2.10";
            const char *b = v6 ? "2001:db8::b" : "192.0.2.11";
            capw_sample_frame(i, &f, a, b);
            uint32_t end = CAPW_HEADROOM - f.off;
            synth(lt, &f, 0, "sample %zu %s v%d", i, name, v6 ? 6 : 4);
            synth(lt, &f, end - 2, "sample %zu %s v%d cut in dst", i, name, v6 ? 6 : 4);
            synth(lt, &f, end - (v6 ? 40 : 20) + 1, "sample %zu %s v%d cut at ip+1", i, name,
                  v6 ? 6 : 4);
        }
    }
    /* bogus IPv4 fields */
    synth_ipv4_poke("ipv4 total length 19", 3, 19, LINKTYPE_ETHERNET);
    synth_ipv4_poke("ipv4 total length 0", 3, 0, LINKTYPE_ETHERNET);
    synth_ipv4_poke("ipv4 ihl 4", 0, 0x44, LINKTYPE_ETHERNET);
    synth_ipv4_poke("ipv4 version 5", 0, 0x55, LINKTYPE_ETHERNET);
    synth_ipv4_poke("raw version 7", 0, 0x75, LINKTYPE_RAW);
    synth_ipv4_poke("ipv4 bad checksum", 10, 0x00, LINKTYPE_ETHERNET);
    /* ethertype and version disagreeing */
    capw_ip(&f, "2001:db8::1", "2001:db8::2", 17, 12);
    f.ethertype = 0x0800;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "ethertype 0800 carrying v6");
    capw_ip(&f, "192.0.2.1", "192.0.2.2", 17, 40);
    f.ethertype = 0x86dd;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "ethertype 86dd carrying v4");
    capw_ip(&f, "2001:db8::1", "2001:db8::2", 17, 12);
    synth(LINKTYPE_IPV4, &f, 0, "IPV4 link carrying v6");
    capw_ip(&f, "192.0.2.1", "192.0.2.2", 17, 40);
    synth(LINKTYPE_IPV6, &f, 0, "IPV6 link carrying v4");
    /* NULL families */
    static const uint32_t afs[] = {2, 10, 23, 24, 28, 30, 0x0800, 0x86dd, 0x0806};
    for (size_t i = 0; i < sizeof afs / sizeof afs[0]; i++) {
        for (int big = 0; big < 2; big++) {
            bool v6 = afs[i] != 2 && afs[i] != 0x0800;
            capw_ip(&f, v6 ? "2001:db8::1" : "192.0.2.1", v6 ? "2001:db8::2" : "192.0.2.2", 17,
                    12);
            uint8_t *h = capw_push(&f, 4);
            uint32_t af = afs[i];
            for (int k = 0; k < 4; k++)
                h[big ? 3 - k : k] = (uint8_t)(af >> (8 * k));
            synth(LINKTYPE_NULL, &f, 0, "null af %u %s", af, big ? "be" : "le");
            if (big)
                synth(LINKTYPE_LOOP, &f, 0, "loop af %u", af);
        }
    }
    /* raw starting ff 03: PPP */
    capw_ip(&f, "192.0.2.1", "192.0.2.2", 17, 12);
    capw_link(&f, LINKTYPE_PPP, 0);
    synth(LINKTYPE_RAW, &f, 0, "raw ff03 ppp");
    /* LLC SAP 6 and SNAP OUI 0000f8 */
    capw_ip(&f, "192.0.2.3", "192.0.2.4", 17, 12);
    uint8_t *llc = capw_push(&f, 3);
    llc[0] = 0x06, llc[1] = 0x06, llc[2] = 0x03;
    uint16_t l = (uint16_t)f.len;
    uint8_t *eth = capw_push(&f, 14);
    eth[12] = (uint8_t)(l >> 8), eth[13] = (uint8_t)l;
    synth(LINKTYPE_ETHERNET, &f, 0, "llc sap 06");
    capw_ip(&f, "192.0.2.5", "192.0.2.6", 17, 12);
    capw_push_ethernet_llc(&f);
    f.buf[f.off + 14 + 5] = 0xf8;
    synth(LINKTYPE_ETHERNET, &f, 0, "snap oui 0000f8");
    /* 802.3 raw IPX */
    capw_payload(&f, 0, 30);
    f.buf[f.off] = f.buf[f.off + 1] = 0xff;
    eth = capw_push(&f, 14);
    eth[13] = 30;
    synth(LINKTYPE_ETHERNET, &f, 0, "802.3 raw ipx");
    /* MPLS: v6 payload, PW with control word, explicit-null labels */
    capw_ip(&f, "2001:db8::1", "2001:db8::2", 17, 12);
    capw_push_mpls(&f, 2, true);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "mpls v6");
    capw_ip(&f, "192.0.2.7", "192.0.2.8", 17, 12);
    capw_push_ethernet(&f);
    capw_push(&f, 4);
    capw_push_mpls(&f, 300, true);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "mpls pw eth cw");
    /* PPPoE with IPv6, PPP with MPLS */
    capw_ip(&f, "2001:db8::1", "2001:db8::2", 17, 12);
    capw_push_pppoe(&f, 1);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "pppoe v6");
    capw_ip(&f, "192.0.2.9", "192.0.2.10", 17, 12);
    capw_push_mpls(&f, 17, true);
    capw_link(&f, LINKTYPE_PPP, 0);
    synth(LINKTYPE_PPP, &f, 0, "ppp mpls");
    capw_ip(&f, "192.0.2.9", "192.0.2.10", 17, 12);
    capw_link(&f, LINKTYPE_C_HDLC, 0);
    synth(LINKTYPE_PPP, &f, 0, "ppp link carrying cisco hdlc");
    /* SLL variants */
    capw_ip(&f, "192.0.2.11", "192.0.2.12", 17, 12);
    capw_push_ethernet(&f);
    capw_link(&f, LINKTYPE_LINUX_SLL, 0);
    synth(LINKTYPE_LINUX_SLL, &f, 0, "sll proto 3 ethernet");
    capw_ip(&f, "192.0.2.11", "192.0.2.12", 17, 12);
    capw_push_ethernet_llc(&f);
    f.off += 14, f.len -= 14;
    f.ethertype = 0x0004;
    capw_link(&f, LINKTYPE_LINUX_SLL2, 0);
    synth(LINKTYPE_LINUX_SLL2, &f, 0, "sll2 proto 4 llc");
    capw_ip(&f, "192.0.2.13", "192.0.2.14", 17, 12);
    capw_link(&f, LINKTYPE_IEEE802_11_RADIOTAP, 0);
    f.ethertype = 0x0019;
    capw_link(&f, LINKTYPE_LINUX_SLL, 0);
    f.buf[f.off + 2] = 803 >> 8, f.buf[f.off + 3] = 803 & 0xff;
    synth(LINKTYPE_LINUX_SLL, &f, 0, "sll hatype 803 radiotap");
    /* tags and service headers */
    capw_ip(&f, "192.0.2.15", "192.0.2.16", 17, 12);
    uint8_t *tag = capw_push(&f, 8);
    tag[6] = 0x08;
    f.ethertype = 0x893f;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "e-tag");
    capw_ip(&f, "192.0.2.17", "192.0.2.18", 17, 12);
    tag = capw_push(&f, 6);
    tag[4] = 0x08;
    f.ethertype = 0x8926;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "vn-tag");
    capw_ip(&f, "192.0.2.19", "192.0.2.20", 17, 12);
    capw_push_ethernet(&f);
    capw_push(&f, 4)[0] = 0x00;
    f.ethertype = 0x88e7;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "pbb i-tag");
    capw_ip(&f, "2001:db8::21", "2001:db8::22", 17, 12);
    uint8_t *nsh = capw_push(&f, 8);
    nsh[1] = 2, nsh[2] = 2, nsh[3] = 2; /* MD type 2: the length counts */
    f.ethertype = 0x894f;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "nsh v6");
    /* 802.11 variants not in the samples */
    capw_ip(&f, "192.0.2.23", "192.0.2.24", 17, 12);
    capw_link(&f, LINKTYPE_IEEE802_11, CAPW_WLAN_QOS | CAPW_WLAN_HTC);
    synth(LINKTYPE_IEEE802_11, &f, 0, "wlan qos htc");
    capw_ip(&f, "192.0.2.25", "192.0.2.26", 17, 12);
    capw_link(&f, LINKTYPE_IEEE802_11_RADIOTAP,
              CAPW_RADIOTAP_PAD | CAPW_WLAN_QOS | CAPW_WLAN_AMSDU | CAPW_WLAN_4ADDR);
    synth(LINKTYPE_IEEE802_11_RADIOTAP, &f, 0, "radiotap pad amsdu 4addr");
    capw_ip(&f, "192.0.2.27", "192.0.2.28", 17, 12);
    capw_link(&f, LINKTYPE_IEEE802_11, CAPW_WLAN_PROTECTED);
    synth(LINKTYPE_IEEE802_11, &f, 0, "wlan protected");
    capw_wlan_beacon(&f);
    synth(LINKTYPE_IEEE802_11, &f, 0, "wlan beacon");
    capw_wlan_null_data(&f);
    synth(LINKTYPE_IEEE802_11, &f, 0, "wlan null data");
    /* VLAN tag followed by a length, then LLC/SNAP */
    capw_ip(&f, "192.0.2.33", "192.0.2.34", 17, 12);
    capw_push_ethernet_llc(&f);
    f.off += 12, f.len -= 12; /* keep the length field as the tag's type */
    tag = capw_push(&f, 2);
    tag[1] = 9;
    f.ethertype = 0x8100;
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "vlan then 802.3 length and snap");
    /* NULL starting ff 03: PPP */
    capw_ip(&f, "192.0.2.35", "192.0.2.36", 17, 12);
    capw_link(&f, LINKTYPE_PPP, 0);
    synth(LINKTYPE_NULL, &f, 0, "null ff03 ppp");
    /* 802.11 non-QoS data with the Order bit (no HT control then) */
    capw_ip(&f, "192.0.2.37", "192.0.2.38", 17, 12);
    capw_link(&f, LINKTYPE_IEEE802_11, 0);
    f.buf[f.off + 1] |= 0x80;
    synth(LINKTYPE_IEEE802_11, &f, 0, "wlan order bit without qos");
    /* radiotap saying the frame ends with an FCS */
    capw_ip(&f, "192.0.2.39", "192.0.2.40", 17, 12);
    capw_link(&f, LINKTYPE_IEEE802_11_RADIOTAP, CAPW_RADIOTAP_PAD | CAPW_WLAN_QOS);
    f.buf[f.off + 16] |= 0x10;
    memset(f.buf + f.off + f.len, 0x77, 4);
    f.len += 4;
    synth(LINKTYPE_IEEE802_11_RADIOTAP, &f, 0, "radiotap fcs flag");
    /* a fragment, ARP */
    capw_ipv4_fragment(&f, "192.0.2.29", "192.0.2.30", 3, 800, false, 20);
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "ipv4 non-first fragment");
    capw_arp(&f, "192.0.2.31", "192.0.2.32");
    capw_link(&f, LINKTYPE_ETHERNET, 0);
    synth(LINKTYPE_ETHERNET, &f, 0, "arp");

    fl->count = (uint32_t)(npkts - fl->first);
    synth_w = NULL;
}

/* FNV-1a over a file's bytes and length (0 if unreadable). */
static uint64_t file_hash(const char *path)
{
    size_t n;
    char *d = test_read_file(path, &n);
    if (!d)
        return 0;
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)d[i]) * 0x100000001b3u;
    h = (h ^ n) * 0x100000001b3u;
    free(d);
    return h;
}

/* $IPVIZ_TSHARK_CACHE, or $XDG_CACHE_HOME/ipviz-tshark, or ~/.cache/ipviz-tshark;
 * the build's tests/tmp/tshark-cache if none of those can be written. */
static bool cache_dir(char *out, size_t len)
{
    const char *env = getenv("IPVIZ_TSHARK_CACHE"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    char base[2048];
    if (env && *env) {
        snprintf(out, len, "%s", env);
    } else {
        if (xdg && *xdg)
            snprintf(base, sizeof base, "%s", xdg);
        else
            snprintf(base, sizeof base, "%s/.cache", home && *home ? home : "/tmp");
        mkdir(base, 0755);
        snprintf(out, len, "%s/ipviz-tshark", base);
    }
    mkdir(out, 0755);
    if (access(out, W_OK) == 0)
        return true;
    snprintf(out, len, "%s", test_tmp_path("tshark-cache")); /* the build tree, then */
    mkdir(out, 0755);
    return access(out, W_OK) == 0;
}

static bool have_tshark(void)
{
    return system("tshark --version >/dev/null 2>&1") == 0;
}

static pid_t start_tshark(const char *in, const char *out)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(out, "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execlp("tshark", "tshark", "-n", "-r", in, "-T", "fields", "-e", "frame.protocols",
               "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst", "-E",
               "occurrence=f", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Splits a tab-separated line into up to 5 fields in place. */
static void split(char *line, char *fields[5])
{
    for (int i = 0; i < 5; i++) {
        fields[i] = line;
        char *t = line ? strchr(line, '\t') : NULL;
        if (t) {
            *t = 0;
            line = t + 1;
        } else {
            line = NULL;
        }
        if (!fields[i])
            fields[i] = "";
    }
    char *nl = strchr(fields[4], '\n');
    if (nl)
        *nl = 0;
}

/* tshark's verdict for one line: *has is whether it shows addresses. */
static bool tshark_addrs(char *line, bool *has, ip_addr *src, ip_addr *dst)
{
    char *f[5];
    split(line, f);
    *has = false;
    int which = 0; /* 4 or 6: the first IP layer */
    for (char *tok = strtok(f[0], ":"); tok; tok = strtok(NULL, ":")) {
        if (!strcmp(tok, "ip")) {
            which = 4;
            break;
        }
        if (!strcmp(tok, "ipv6")) {
            which = 6;
            break;
        }
    }
    if (!which)
        return true;
    /* Wireshark's IPv4 dissector hands a version-6 header to IPv6 ("ip"
     * then "ipv6" with no ip.src): the IPv6 layer is that header. */
    if (which == 4 && !*f[1]) {
        char *tok = strtok(NULL, ":");
        if (tok && !strcmp(tok, "ipv6"))
            which = 6;
    }
    const char *s = which == 4 ? f[1] : f[3], *d = which == 4 ? f[2] : f[4];
    if (!*s || !*d)
        return true;
    *has = true;
    return addr_parse(s, src) && addr_parse(d, dst);
}

int main(void)
{
    const char *dir = IPVIZ_SHARED_PCAPS;
    char index_path[4096];
    snprintf(index_path, sizeof index_path, "%s/INDEX.tsv", dir);
    FILE *idx = fopen(index_path, "r");
    if (!idx)
        test_skip("no ../shared/pcaps/INDEX.tsv");

    atexit(free_all);
    files = calloc(1, sizeof *files);
    files[0].path = strdup("(synthetic)");
    files[0].batch = 0;
    nfiles = 1;
    uint64_t total_listed = 0;
    char line[8192];
    while (fgets(line, sizeof line, idx)) {
        if (!strncmp(line, "relative_path", 13))
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        files = realloc(files, (nfiles + 1) * sizeof *files);
        memset(&files[nfiles], 0, sizeof *files);
        files[nfiles].path = strdup(line);
        char *cols = tab + 1;
        /* bytes sha format linktypes packets ... : packets is the 5th column after path */
        for (int c = 0; c < 4 && cols; c++) {
            cols = strchr(cols, '\t');
            if (cols)
                cols++;
        }
        uint64_t np = cols ? strtoull(cols, NULL, 10) : 0;
        total_listed += np;
        files[nfiles].batch = 1 + (int)(total_listed * NREAL / 200000) % NREAL;
        nfiles++;
    }
    fclose(idx);

    bool compare = have_tshark() && !getenv("IPVIZ_SANITIZED");
    if (!compare)
        fprintf(stderr, "tshark comparison off (%s): decoding only\n",
                getenv("IPVIZ_SANITIZED") ? "sanitized build" : "no tshark");

    /* Read everything, batch by batch, writing the batch files. */
    unsigned long by_status[DECODE_STATUS_COUNT] = {0};
    char batch_in[NBATCH][512], batch_out[NBATCH][3100];
    size_t unreadable = 0;
    bool cached[NBATCH] = {false};
    char cache[3000];
    if (compare && !cache_dir(cache, sizeof cache)) {
        fprintf(stderr, "cannot create a tshark cache folder\n");
        return 1;
    }
    for (int b = 0; b < NBATCH; b++) {
        char name[64];
        snprintf(name, sizeof name, "tshark-batch-%d.pcapng", b);
        snprintf(batch_in[b], sizeof batch_in[b], "%s", test_tmp_path(name));
        capw *w = compare ? capw_open_pcapng(batch_in[b], false) : NULL;
        if (compare && !w) {
            fprintf(stderr, "cannot write %s\n", batch_in[b]);
            return 1;
        }
        if (b == 0)
            write_synthetic(&files[0], w, by_status);
        for (size_t i = 1; i < nfiles; i++)
            if (files[i].batch == b && !read_capture(dir, &files[i], w, by_status))
                unreadable++;
        CHECK(capw_close(w));
        /* tshark's output is cached by the batch file's content, outside the
         * build tree, so every build on this machine shares it */
        if (compare) {
            snprintf(batch_out[b], sizeof batch_out[b], "%s/%016llx.txt", cache,
                     (unsigned long long)file_hash(batch_in[b]));
            cached[b] = access(batch_out[b], R_OK) == 0;
        }
    }
    fprintf(stderr, "%zu captures (%zu libpcap cannot open), %zu packets:", nfiles, unreadable,
            npkts);
    for (int s = 0; s < DECODE_STATUS_COUNT; s++)
        fprintf(stderr, " %s %lu%s", decode_status_name((decode_status)s), by_status[s],
                s + 1 < DECODE_STATUS_COUNT ? "," : "\n");
    CHECK(npkts > 0);
    if (!compare)
        return test_result();

    /* tshark, two at a time. */
    pid_t running[2] = {0, 0};
    int running_batch[2] = {0, 0};
    int next = 0, done = 0;
    while (done < NBATCH) {
        while (next < NBATCH && cached[next])
            next++, done++;
        for (int s = 0; s < 2; s++) {
            if (!running[s] && next < NBATCH && !cached[next]) {
                running_batch[s] = next;
                char part[3200];
                snprintf(part, sizeof part, "%s.%d.part", batch_out[next], (int)getpid());
                running[s] = start_tshark(batch_in[next], part);
                next++;
            }
        }
        if (done >= NBATCH)
            break;
        int st;
        pid_t pid = wait(&st);
        if (pid < 0)
            break;
        int batch = -1;
        for (int s = 0; s < 2; s++)
            if (running[s] == pid)
                running[s] = 0, batch = running_batch[s];
        if (batch < 0)
            continue;
        char part[3200];
        snprintf(part, sizeof part, "%s.%d.part", batch_out[batch], (int)getpid());
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "tshark failed on %s (status %d)\n", batch_in[batch], st);
            test_failures++;
        } else {
            rename(part, batch_out[batch]);
        }
        done++;
    }

    /* Compare, batch by batch, in the order the packets were written. */
    uint64_t compared = 0, agreeing = 0, excused = 0;
    size_t files_agree = 0, shown = 0;
    for (int b = 0; b < NBATCH; b++) {
        FILE *in = fopen(batch_out[b], "r");
        if (!in) {
            fprintf(stderr, "no tshark output %s\n", batch_out[b]);
            test_failures++;
            continue;
        }
        for (size_t i = 0; i < nfiles; i++) {
            file *f = &files[i];
            if (f->batch != b)
                continue;
            for (uint32_t k = 0; k < f->count; k++) {
                if (!fgets(line, sizeof line, in)) {
                    fprintf(stderr, "%s: tshark output ends at packet %u\n", f->path, k + 1);
                    test_failures++;
                    goto next_batch;
                }
                bool has;
                ip_addr ts, td;
                if (!tshark_addrs(line, &has, &ts, &td)) {
                    fprintf(stderr, "%s #%u: cannot parse tshark's addresses\n", f->path, k + 1);
                    test_failures++;
                    continue;
                }
                const pkt *p = &pkts[f->first + k];
                bool ours = p->status == DECODE_OK;
                bool same = ours == has &&
                            (!has || (addr_equal(&p->src, &ts) && addr_equal(&p->dst, &td)));
                compared++;
                if (same) {
                    agreeing++;
                    f->agree++;
                    continue;
                }
                const char *label = p->label ? labels[p->label - 1] : NULL;
                const char *ex = find_exception(f->path, k + 1, label);
                if (ex) {
                    excused++;
                    continue;
                }
                test_failures++;
                if (shown++ < 60) {
                    char a[ADDR_STRLEN], c[ADDR_STRLEN], e[ADDR_STRLEN], g[ADDR_STRLEN];
                    fprintf(stderr, "DIFF %s #%u (%s): ours %s %s %s, tshark %s %s\n",
                            f->path, k + 1, label ? label : "", decode_status_name(p->status),
                            ours ? addr_format(&p->src, a) : "", ours ? addr_format(&p->dst, c) : "",
                            has ? addr_format(&ts, e) : "-", has ? addr_format(&td, g) : "-");
                }
            }
            if (f->readable && f->agree == f->count)
                files_agree++;
        }
    next_batch:
        fclose(in);
    }
    size_t nread = nfiles - unreadable;
    printf("tshark agreement: %llu / %llu packets agree (%.4f%%), %llu excused as tshark-side; "
           "%zu / %zu files fully agree\n",
           (unsigned long long)agreeing, (unsigned long long)compared,
           compared ? 100.0 * (double)agreeing / (double)compared : 0.0,
           (unsigned long long)excused, files_agree, nread);
    if (shown > 60)
        fprintf(stderr, "(%zu more disagreements not shown)\n", shown - 60);
    return test_result();
}
