/* loader: the thread that turns capture files into the graph.
 *
 * DESIGN: two threads overlap the work. The reader thread runs capture ->
 * filter -> decode and fills batches of (src, dst, length, time); the graph
 * thread takes full batches and interns them into the graph, publishing after
 * each batch, so a consumer (the window, the layout) sees the graph grow while
 * the files are still being read. Files are read in the order given. Problems
 * with a file are logged as they happen (one line each, naming the file) and
 * counted; the run goes on with the rest of the file where possible and with
 * the next file otherwise.
 *
 * Threads: loader_start/loader_join/loader_destroy from the thread that owns
 * the loader; loader_stats fields and loader_done from any thread. */
#ifndef IPVIZ_LOADER_H
#define IPVIZ_LOADER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "decode.h"
#include "graph.h"

typedef struct loader_desc {
    const char *const *paths; /* "-" is standard input */
    int npaths;
    const char *filter;       /* BPF expression or NULL */
    graph *graph;             /* written by the loader's graph thread only */
    /* Called from the graph thread after each publish (e.g. glfwPostEmptyEvent);
     * may be NULL. Must be cheap and thread-safe. */
    void (*on_publish)(void *user);
    void *user;
} loader_desc;

/* Written by the loader threads (relaxed), read by anyone. */
typedef struct loader_stats {
    _Atomic uint64_t files_read;     /* opened and read to the end */
    _Atomic uint64_t files_failed;   /* could not be opened, or ended in an error */
    _Atomic uint64_t packets;        /* records read, before the filter */
    _Atomic uint64_t filtered;       /* rejected by the BPF filter */
    _Atomic uint64_t ip_packets;     /* gave an IP source and destination */
    _Atomic uint64_t skipped[DECODE_STATUS_COUNT]; /* by reason; [DECODE_OK] unused */
    _Atomic uint64_t wire_bytes;     /* sum of original lengths of ip_packets */
    _Atomic uint64_t file_bytes_done;  /* bytes of capture files consumed */
    _Atomic uint64_t file_bytes_total; /* sum of file sizes known so far */
    _Atomic int current_file;        /* index into paths */
} loader_stats;

typedef struct loader loader;

/* Starts the threads. Returns NULL (and logs why) if they cannot be started. */
loader *loader_start(const loader_desc *desc);
/* True once every file has been read and the last batch published. */
bool loader_done(const loader *l);
/* Asks the threads to stop early (e.g. the window was closed); returns at once. */
void loader_cancel(loader *l);
/* Waits for the threads to finish. */
void loader_join(loader *l);
/* Joins if needed and frees; accepts NULL. */
void loader_destroy(loader *l);

const loader_stats *loader_get_stats(const loader *l);
/* Seconds from start to done (or to now while running). */
double loader_seconds(const loader *l);
/* Files that produced an error (missing, unreadable, truncated, ...). */
int loader_problem_count(const loader *l);

#endif
