/* libFuzzer target over the decoder. The first 4 bytes (little-endian) pick
 * a link type from the supported list (modulo its length), the rest is the
 * frame. Besides ASan/UBSan catching any read outside the frame, it checks
 * the decoder's promise about truncation: a prefix of a frame decodes to
 * TRUNCATED or to exactly what the whole frame decodes to. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz_linktypes.h"

static decode_status run(uint32_t lt, const uint8_t *data, uint32_t n, decode_result *r)
{
    /* an exact-size copy, so that ASan sees one byte past the end */
    uint8_t *copy = malloc(n ? n : 1);
    if (n)
        memcpy(copy, data, n);
    memset(r, 0xa5, sizeof *r);
    decode_status s = decode_packet(lt, copy, n, r);
    free(copy);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > 65536 + 4)
        return 0;
    uint32_t pick = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                    (uint32_t)data[3] << 24;
    uint32_t lt = fuzz_linktypes[pick % FUZZ_NLINKTYPES];
    const uint8_t *frame = data + 4;
    uint32_t n = (uint32_t)(size - 4);

    decode_result full, part;
    decode_status s = run(lt, frame, n, &full);
    if (s >= DECODE_STATUS_COUNT || s == DECODE_UNSUPPORTED)
        abort();
    if (s == DECODE_OK && !((full.src.family == 4 && full.dst.family == 4) ||
                            (full.src.family == 6 && full.dst.family == 6)))
        abort();
    /* every prefix for short frames, a few for long ones */
    uint32_t step = n <= 128 ? 1 : n / 64;
    for (uint32_t cut = 0; cut < n; cut += step) {
        decode_status p = run(lt, frame, cut, &part);
        if (p == DECODE_TRUNCATED)
            continue;
        if (p != s)
            abort();
        if (s == DECODE_OK && (!addr_equal(&part.src, &full.src) || !addr_equal(&part.dst, &full.dst)))
            abort();
    }
    return 0;
}
