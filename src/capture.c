/* capture: STUB, replaced by the capture module's implementation. */
#include "capture.h"
#include <stdio.h>
capture *capture_open(const char *path, const char *filter, char *err, size_t errlen)
{ (void)path; (void)filter; snprintf(err, errlen, "not implemented"); return NULL; }
void capture_close(capture *c) { (void)c; }
capture_status capture_next(capture *c, capture_packet *pkt) { (void)c; (void)pkt; return CAPTURE_END; }
const char *capture_error(const capture *c) { (void)c; return ""; }
const char *capture_format(const capture *c) { (void)c; return ""; }
uint64_t capture_offset(const capture *c) { (void)c; return 0; }
uint64_t capture_size(const capture *c) { (void)c; return 0; }
const char *capture_filter_warning(const capture *c) { (void)c; return NULL; }
bool capture_check_filter(const char *filter, char *err, size_t errlen) { (void)filter; (void)err; (void)errlen; return true; }
