/* export: STUB, replaced by the export module's implementation. */
#include "export.h"
#include <stdio.h>
export_format export_format_for_path(const char *path) { (void)path; return EXPORT_UNKNOWN; }
bool export_check_path(const char *path, char *err, size_t errlen) { (void)path; snprintf(err, errlen, "not implemented"); return false; }
bool export_write(const char *path, const graph *g, uint32_t node_count, uint32_t edge_count,
                  const float *positions, int dims, char *err, size_t errlen)
{ (void)path; (void)g; (void)node_count; (void)edge_count; (void)positions; (void)dims; snprintf(err, errlen, "not implemented"); return false; }
