/* loader: capture files -> graph, on two threads.
 *
 * DESIGN: the reader thread owns the capture and the decoder and fills
 * batches of graph_packet; the graph thread owns the graph's writer side and
 * interns each full batch, then publishes. Batches travel through a ring of
 * RING (8) preallocated buffers guarded by one mutex and two condition variables
 * (a hand-off every BATCH packets, so the lock costs nothing measurable and
 * nothing is allocated per packet). The reader blocks when every buffer is
 * full, the graph thread when every buffer is empty; loader_cancel sets a flag
 * and wakes both.
 *
 * Field ownership is written beside each field below. */
#include "loader.h"

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capture.h"
#include "log.h"

#define BATCH 4096
#define RING 8 /* 1.5 MB in all: room for the reader to run ahead */
#define MAX_LINKTYPES 8 /* distinct unsupported link types remembered per file */

typedef struct batch {
    size_t n;
    graph_packet pkts[BATCH];
} batch;

struct loader {
    loader_desc desc;        /* immutable after start; paths borrowed from the caller */
    loader_stats stats;      /* written by the reader thread (relaxed), read by anyone */
    pthread_t reader, writer;
    bool joined;             /* owner thread */
    double t_start;          /* immutable after start */

    /* The ring: guarded by mu. Slots [head, head + full) hold full batches. */
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    batch *ring[RING];
    unsigned head, full;     /* mu */
    bool eof;                /* mu: the reader has queued its last batch */

    _Atomic bool cancel;     /* set by anyone, read by both threads */
    _Atomic bool done;       /* set by the graph thread as it exits */
    _Atomic double t_done;   /* written by the graph thread before done */
    _Atomic int problems;    /* reader thread writes, anyone reads */
    double cpu_reader, cpu_writer; /* each thread's own; read after join */
};

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }

#define ADD(field, v)                                                                          \
    atomic_store_explicit(&(field), atomic_load_explicit(&(field), memory_order_relaxed) + (v), \
                          memory_order_relaxed)

static bool cancelled(const loader *l)
{
    return atomic_load_explicit(&l->cancel, memory_order_relaxed);
}

/* --- the ring --- */

/* Reader: a free buffer to fill, or NULL when cancelled. */
static batch *ring_get_free(loader *l, unsigned *slot)
{
    pthread_mutex_lock(&l->mu);
    while (l->full == RING && !cancelled(l))
        pthread_cond_wait(&l->not_full, &l->mu);
    batch *b = NULL;
    if (!cancelled(l)) {
        *slot = (l->head + l->full) % RING;
        b = l->ring[*slot];
    }
    pthread_mutex_unlock(&l->mu);
    return b;
}

/* Reader: the buffer from ring_get_free is full (or the last one); eof marks the end. */
static void ring_put_full(loader *l, bool eof)
{
    graph_prefault(l->desc.graph); /* the graph thread's page zeroing, done here */
    pthread_mutex_lock(&l->mu);
    l->full++;
    l->eof = eof;
    pthread_cond_signal(&l->not_empty);
    pthread_mutex_unlock(&l->mu);
}

/* Reader, when it stops without a buffer in hand. */
static void ring_finish(loader *l)
{
    pthread_mutex_lock(&l->mu);
    l->eof = true;
    pthread_cond_signal(&l->not_empty);
    pthread_mutex_unlock(&l->mu);
}

/* --- reader thread --- */

typedef struct file_state {
    uint32_t linktype[MAX_LINKTYPES];
    uint64_t count[MAX_LINKTYPES];
    int nlinktypes;
    uint64_t unsupported_other; /* beyond MAX_LINKTYPES distinct types */
    uint64_t decoded;           /* packets of supported link types */
    bool filter_warned;
} file_state;

static void note_unsupported(file_state *f, uint32_t linktype)
{
    for (int i = 0; i < f->nlinktypes; i++)
        if (f->linktype[i] == linktype) {
            f->count[i]++;
            return;
        }
    if (f->nlinktypes == MAX_LINKTYPES) {
        f->unsupported_other++;
        return;
    }
    f->linktype[f->nlinktypes] = linktype;
    f->count[f->nlinktypes++] = 1;
}

static void check_filter_warning(file_state *f, const capture *c, const char *path)
{
    if (f->filter_warned)
        return;
    const char *w = capture_filter_warning(c);
    if (w && *w) {
        log_warn("%s: %s", path, w);
        f->filter_warned = true;
    }
}

/* Reports a file's unsupported link types; true if that was all it held. */
static bool report_unsupported(const file_state *f, const char *path)
{
    bool all = f->nlinktypes > 0 && f->decoded == 0;
    for (int i = 0; i < f->nlinktypes; i++) {
        char name[32];
        decode_linktype_name(f->linktype[i], name);
        const char *pl = f->count[i] == 1 ? "" : "s";
        if (all)
            log_error("%s: link type %s (%" PRIu32 ") is not supported; %" PRIu64
                      " packet%s skipped",
                      path, name, f->linktype[i], f->count[i], pl);
        else
            log_warn("%s: link type %s (%" PRIu32 ") is not supported; %" PRIu64
                     " packet%s skipped",
                     path, name, f->linktype[i], f->count[i], pl);
    }
    if (f->unsupported_other)
        log_warn("%s: %" PRIu64 " more packets of other unsupported link types skipped", path,
                 f->unsupported_other);
    return all;
}

static void *reader_main(void *arg)
{
    loader *l = arg;
    loader_stats *st = &l->stats;
    const loader_desc *d = &l->desc;
    uint64_t *sizes = calloc((size_t)d->npaths + 1, sizeof *sizes);
    for (int i = 0; i < d->npaths; i++) {
        struct stat sb;
        if (sizes && strcmp(d->paths[i], "-") != 0 && stat(d->paths[i], &sb) == 0 &&
            S_ISREG(sb.st_mode)) {
            sizes[i] = (uint64_t)sb.st_size;
            ADD(st->file_bytes_total, sizes[i]);
        }
    }

    unsigned slot = 0;
    batch *b = ring_get_free(l, &slot);
    uint64_t done_base = 0;
    for (int fi = 0; fi < d->npaths && b && !cancelled(l); fi++) {
        const char *path = d->paths[fi];
        atomic_store_explicit(&st->current_file, fi, memory_order_relaxed);
        char err[256] = "";
        capture *c = capture_open(path, d->filter, err, sizeof err);
        if (!c) {
            log_error("%s: %s", path, err[0] ? err : "cannot be read");
            ADD(st->files_failed, 1);
            atomic_fetch_add(&l->problems, 1);
            done_base += sizes ? sizes[fi] : 0;
            atomic_store_explicit(&st->file_bytes_done, done_base, memory_order_relaxed);
            continue;
        }
        if (sizes && !sizes[fi] && capture_size(c)) {
            sizes[fi] = capture_size(c);
            ADD(st->file_bytes_total, sizes[fi]);
        }
        file_state f = {0};
        uint64_t packets = 0, filtered = 0, ip = 0, wire = 0, file_packets = 0;
        uint64_t skipped[DECODE_STATUS_COUNT] = {0};
        capture_status cs = CAPTURE_END;
        capture_packet p;
        /* A pipe or standard input may trickle (tcpdump -U -w - | ipviz -):
         * hand over what has arrived when the next read would block (nothing
         * buffered, nothing ready on the descriptor), and at least every 50 ms,
         * instead of waiting for a full batch. */
        bool trickle = !sizes || !sizes[fi];
        double handed = clock_s(CLOCK_MONOTONIC);
        for (;;) {
            if (trickle && b->n && capture_buffered(c) == 0) {
                struct pollfd pfd = {.fd = capture_fd(c), .events = POLLIN};
                if (poll(&pfd, 1, 0) == 0) {
                    handed = clock_s(CLOCK_MONOTONIC);
                    ring_put_full(l, false);
                    b = ring_get_free(l, &slot);
                    if (!b || cancelled(l))
                        break;
                    b->n = 0;
                }
            }
            cs = capture_next(c, &p);
            if (cs == CAPTURE_PACKET) {
                packets++;
                decode_result r;
                decode_status ds = decode_packet(p.linktype, p.data, p.caplen, &r);
                if (ds == DECODE_OK) {
                    graph_packet *g = &b->pkts[b->n++];
                    g->src = r.src;
                    g->dst = r.dst;
                    g->len = p.len;
                    g->ts_ns = p.ts_ns;
                    ip++;
                    wire += p.len;
                    f.decoded++;
                } else {
                    skipped[ds]++;
                    if (ds == DECODE_UNSUPPORTED)
                        note_unsupported(&f, p.linktype);
                    else
                        f.decoded++;
                }
            } else if (cs == CAPTURE_FILTERED) {
                packets++;
                filtered++;
                check_filter_warning(&f, c, path);
            } else {
                break;
            }
            bool due = trickle && b->n && clock_s(CLOCK_MONOTONIC) - handed > 0.05;
            if (b->n == BATCH || (packets & 0xffff) == 0 || due) {
                /* Flush the counters: once per batch, not per packet. */
                ADD(st->packets, packets);
                file_packets += packets;
                ADD(st->filtered, filtered);
                ADD(st->ip_packets, ip);
                ADD(st->wire_bytes, wire);
                for (int k = 1; k < DECODE_STATUS_COUNT; k++)
                    if (skipped[k])
                        ADD(st->skipped[k], skipped[k]);
                packets = filtered = ip = wire = 0;
                memset(skipped, 0, sizeof skipped);
                atomic_store_explicit(&st->file_bytes_done, done_base + capture_offset(c),
                                      memory_order_relaxed);
                if (b->n == BATCH || due) {
                    handed = clock_s(CLOCK_MONOTONIC);
                    ring_put_full(l, false);
                    b = ring_get_free(l, &slot);
                    if (b)
                        b->n = 0;
                }
                if (!b || cancelled(l))
                    break;
            }
        }
        ADD(st->packets, packets);
        file_packets += packets;
        ADD(st->filtered, filtered);
        ADD(st->ip_packets, ip);
        ADD(st->wire_bytes, wire);
        for (int k = 1; k < DECODE_STATUS_COUNT; k++)
            ADD(st->skipped[k], skipped[k]);

        bool problem = false;
        if (cs == CAPTURE_ERROR) {
            log_error("%s: %s; the %" PRIu64 " packet%s read before it %s kept", path,
                      capture_error(c), file_packets, file_packets == 1 ? "" : "s",
                      file_packets == 1 ? "is" : "are");
            ADD(st->files_failed, 1);
            problem = true;
        } else if (cs == CAPTURE_END) {
            ADD(st->files_read, 1);
        }
        check_filter_warning(&f, c, path);
        if (report_unsupported(&f, path))
            problem = true;
        if (problem)
            atomic_fetch_add(&l->problems, 1);
        uint64_t off = capture_offset(c);
        done_base += sizes && sizes[fi] > off ? sizes[fi] : off;
        atomic_store_explicit(&st->file_bytes_done, done_base, memory_order_relaxed);
        capture_close(c);
    }
    free(sizes);
    l->cpu_reader = clock_s(CLOCK_THREAD_CPUTIME_ID);
    if (b)
        ring_put_full(l, true);
    else
        ring_finish(l);
    return NULL;
}

/* --- graph thread --- */

static void *writer_main(void *arg)
{
    loader *l = arg;
    graph *g = l->desc.graph;
    bool failed = false;
    for (;;) {
        pthread_mutex_lock(&l->mu);
        while (l->full == 0 && !l->eof && !cancelled(l))
            pthread_cond_wait(&l->not_empty, &l->mu);
        if (cancelled(l) || l->full == 0) {
            pthread_mutex_unlock(&l->mu);
            break;
        }
        batch *b = l->ring[l->head];
        pthread_mutex_unlock(&l->mu);

        if (!failed && b->n && !graph_add_batch(g, b->pkts, b->n)) {
            log_error("out of memory for the graph after %u nodes and %u edges; "
                      "the rest of the input is not added",
                      graph_node_count(g), graph_edge_count(g));
            failed = true;
            atomic_fetch_add(&l->problems, 1);
        }
        graph_publish(g);
        if (l->desc.on_publish)
            l->desc.on_publish(l->desc.user);

        pthread_mutex_lock(&l->mu);
        l->head = (l->head + 1) % RING;
        l->full--;
        pthread_cond_signal(&l->not_full);
        pthread_mutex_unlock(&l->mu);
    }
    graph_publish(g);
    l->cpu_writer = clock_s(CLOCK_THREAD_CPUTIME_ID);
    atomic_store(&l->t_done, now());
    atomic_store(&l->done, true);
    if (l->desc.on_publish)
        l->desc.on_publish(l->desc.user);
    return NULL;
}

/* --- public --- */

static void free_loader(loader *l)
{
    for (int i = 0; i < RING; i++)
        free(l->ring[i]);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->not_full);
    pthread_cond_destroy(&l->not_empty);
    free(l);
}

loader *loader_start(const loader_desc *desc)
{
    loader *l = calloc(1, sizeof *l);
    if (!l) {
        log_error("out of memory starting the loader");
        return NULL;
    }
    l->desc = *desc;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->not_full, NULL);
    pthread_cond_init(&l->not_empty, NULL);
    for (int i = 0; i < RING; i++)
        if (!(l->ring[i] = malloc(sizeof(batch)))) {
            log_error("out of memory starting the loader");
            free_loader(l);
            return NULL;
        }
    l->ring[0]->n = 0;
    l->t_start = now();
    if (pthread_create(&l->writer, NULL, writer_main, l) != 0) {
        log_error("cannot start the loader's graph thread");
        free_loader(l);
        return NULL;
    }
    if (pthread_create(&l->reader, NULL, reader_main, l) != 0) {
        log_error("cannot start the loader's reader thread");
        atomic_store(&l->cancel, true);
        pthread_mutex_lock(&l->mu);
        l->eof = true;
        pthread_cond_broadcast(&l->not_empty);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->writer, NULL);
        free_loader(l);
        return NULL;
    }
    return l;
}

bool loader_done(const loader *l) { return atomic_load(&((loader *)l)->done); }

void loader_cancel(loader *l)
{
    atomic_store(&l->cancel, true);
    pthread_mutex_lock(&l->mu);
    pthread_cond_broadcast(&l->not_full);
    pthread_cond_broadcast(&l->not_empty);
    pthread_mutex_unlock(&l->mu);
}

void loader_join(loader *l)
{
    if (l->joined)
        return;
    pthread_join(l->reader, NULL);
    pthread_join(l->writer, NULL);
    l->joined = true;
    log_debug("loader: %.3f s wall, CPU %.3f s reading and decoding, %.3f s in the graph",
              loader_seconds(l), l->cpu_reader, l->cpu_writer);
}

void loader_destroy(loader *l)
{
    if (!l)
        return;
    loader_join(l);
    free_loader(l);
}

const loader_stats *loader_get_stats(const loader *l) { return &l->stats; }

double loader_seconds(const loader *l)
{
    loader *m = (loader *)l;
    if (atomic_load(&m->done))
        return atomic_load(&m->t_done) - l->t_start;
    return now() - l->t_start;
}

int loader_problem_count(const loader *l) { return atomic_load(&((loader *)l)->problems); }
