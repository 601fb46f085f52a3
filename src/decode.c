/* decode: STUB, replaced by the decode module's implementation. */
#include "decode.h"
#include <stdio.h>
decode_status decode_packet(uint32_t linktype, const uint8_t *data, uint32_t caplen, decode_result *out)
{ (void)linktype; (void)data; (void)caplen; (void)out; return DECODE_UNSUPPORTED; }
bool decode_linktype_supported(uint32_t linktype) { (void)linktype; return false; }
const char *decode_linktype_name(uint32_t linktype, char buf[32]) { snprintf(buf, 32, "LINKTYPE_%u", linktype); return buf; }
const char *decode_status_name(decode_status s) { (void)s; return "?"; }
