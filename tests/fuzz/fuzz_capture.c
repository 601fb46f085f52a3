/* libFuzzer target over whole-file reading: the input is written to a temp
 * file, opened with capture_open and read to the end, every packet decoded.
 * Besides ASan/UBSan, it checks capture's promises: a packet's bytes are
 * readable (touched in full), a failed open and an error come with a reason.
 * (caplen > len is not checked: capture.h does not promise it, and a
 * corrupt record can say so.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"

static char path[64];

static void remove_tmp(void)
{
    if (path[0])
        remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        /* in memory where there is a tmpfs, since every run writes it */
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/ipviz-fuzz-capture-%d", dir, (int)getpid());
        atexit(remove_tmp);
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
