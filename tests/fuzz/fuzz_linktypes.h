/* The link types fuzz_decode picks from, by index (first 4 input bytes,
 * little-endian, modulo the count); shared with the seed writer. */
#ifndef IPVIZ_FUZZ_LINKTYPES_H
#define IPVIZ_FUZZ_LINKTYPES_H

#include <stdint.h>

#include "decode.h"

static const uint32_t fuzz_linktypes[] = {
    LINKTYPE_NULL,      LINKTYPE_ETHERNET,  LINKTYPE_PPP,
    LINKTYPE_RAW_DLT12, LINKTYPE_RAW_DLT14, LINKTYPE_PPP_HDLC,
    LINKTYPE_RAW,       LINKTYPE_C_HDLC,    LINKTYPE_IEEE802_11,
    LINKTYPE_LOOP,      LINKTYPE_LINUX_SLL, LINKTYPE_IEEE802_11_RADIOTAP,
    LINKTYPE_IPV4,      LINKTYPE_IPV6,      LINKTYPE_NFLOG,
    LINKTYPE_LINUX_SLL2,
};
enum { FUZZ_NLINKTYPES = sizeof fuzz_linktypes / sizeof fuzz_linktypes[0] };

#endif
