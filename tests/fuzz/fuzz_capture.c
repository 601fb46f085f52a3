/* libFuzzer target over whole-file reading: the input is written to a temp
 * file, opened with capture_open and read to the end, every packet decoded.
 * Besides ASan/UBSan, it checks capture's promises: caplen <= len, a packet's
 * bytes are readable (touched in full), an error comes with a reason. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/ipviz-fuzz-capture-%d", (int)getpid());
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    if (size && fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);

    char err[256];
    capture *c = capture_open(path, NULL, err, sizeof err);
    if (!c) {
        if (!err[0])
            abort();
        return 0;
    }
    capture_packet pkt;
    capture_status st;
    unsigned long sum = 0;
    while ((st = capture_next(c, &pkt)) == CAPTURE_PACKET || st == CAPTURE_FILTERED) {
        if (pkt.caplen > pkt.len)
            abort();
        for (uint32_t i = 0; i < pkt.caplen; i++)
            sum += pkt.data[i];
        decode_result r;
        (void)decode_packet(pkt.linktype, pkt.data, pkt.caplen, &r);
    }
    if (st == CAPTURE_ERROR && !capture_error(c))
        abort();
    capture_close(c);
    if (sum == 1)
        fputc(0, stderr); /* keeps the loop that touches every byte */
    return 0;
}
