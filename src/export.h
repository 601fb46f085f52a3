/* export: writes the graph as CSV, JSON, GraphML, GEXF or DOT (by extension).
 *
 * Files are written to "<path>.tmp-<pid>" and renamed into place when complete,
 * so an interrupted or failed export never leaves a half-written file under the
 * final name. Reads the graph through its published counts, so it is safe to
 * call while the loader is still running (it writes a consistent prefix). */
#ifndef IPVIZ_EXPORT_H
#define IPVIZ_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "graph.h"

typedef enum export_format {
    EXPORT_UNKNOWN = 0, EXPORT_CSV, EXPORT_JSON, EXPORT_GRAPHML, EXPORT_GEXF, EXPORT_DOT
} export_format;

export_format export_format_for_path(const char *path);

/* Checks, before any work is done, that path has a known extension and that
 * its directory is writable (creates and removes a temporary file). On error
 * writes the reason into err. */
bool export_check_path(const char *path, char *err, size_t errlen);

/* positions: node_count * dims floats (dims 2 or 3), node i at positions[i*dims];
 * may be NULL, then positions are omitted. node_count/edge_count bound what is
 * written (pass the counts the positions were taken for). On error writes the
 * reason into err and leaves no file under path. */
bool export_write(const char *path, const graph *g, uint32_t node_count, uint32_t edge_count,
                  const float *positions, int dims, char *err, size_t errlen);

#endif
