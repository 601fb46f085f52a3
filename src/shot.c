/* shot: tiled off-screen rendering, read-back and PNG writing (see shot.h).
 *
 * The only file that includes stb_image_write's implementation. Its deflate
 * is swapped for zlib's through STBIW_ZLIB_COMPRESS: zlib is several times
 * faster on pictures and lets the worker report progress as it goes. The
 * worker that runs the encoder is found through a thread-local pointer,
 * since stb's hook has no user argument. */
#include "shot.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include <glad/gl.h>

#include "log.h"

static unsigned char *zlib_compress(unsigned char *data, int len, int *out_len, int quality);
static unsigned int zlib_crc(unsigned char *data, int len)
{
    return (unsigned int)crc32(0L, data, (uInt)len);
}

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#define STBIW_ZLIB_COMPRESS zlib_compress
#define STBIW_CRC32 zlib_crc
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* ------------------------------------------------------------------ sizes */

static uint64_t mem_available(void)
{
    uint64_t avail = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f)) {
            unsigned long long kb;
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
                avail = (uint64_t)kb * 1024;
                break;
            }
        }
        fclose(f);
    }
    if (!avail) {
        long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0)
            avail = (uint64_t)pages * (uint64_t)psz;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (avail == 0 || (uint64_t)rl.rlim_cur < avail))
        avail = (uint64_t)rl.rlim_cur;
    return avail; /* 0: unknown */
}

uint64_t shot_bytes_needed(int width, int height, int comp)
{
    if (width < 1 || height < 1 || comp < 1)
        return 0;
    uint64_t w = (uint64_t)width, h = (uint64_t)height, c = (uint64_t)comp;
    uint64_t image = w * h * c;
    uint64_t filtered = (w * c + 1) * h;
    /* The compressed stream of a graph picture is well under half of the
     * filtered rows; stb holds it twice for a moment. */
    return image + filtered + filtered / 2;
}

static void human_bytes(uint64_t b, char *out, size_t n)
{
    if (b >= (1ull << 30))
        snprintf(out, n, "%.1f GiB", (double)b / (double)(1ull << 30));
    else
        snprintf(out, n, "%.0f MiB", (double)b / (double)(1ull << 20) + 0.5);
}

bool shot_check_size(int width, int height, int comp, char *err, size_t errlen)
{
    if (width < 1 || height < 1) {
        snprintf(err, errlen, "picture size %dx%d is empty; give a width and height of at least 1",
                 width, height);
        return false;
    }
    if (width > SHOT_MAX_EDGE || height > SHOT_MAX_EDGE) {
        snprintf(err, errlen, "picture size %dx%d is too large: at most %d pixels a side",
                 width, height, SHOT_MAX_EDGE);
        return false;
    }
    /* stb_image_write indexes the filtered rows with an int. */
    uint64_t filtered = ((uint64_t)width * (uint64_t)comp + 1) * (uint64_t)height;
    if (filtered > (uint64_t)INT_MAX) {
        snprintf(err, errlen,
                 "picture size %dx%d is too large for the PNG encoder: at most %llu megapixels "
                 "(%s); choose a smaller --size",
                 width, height,
                 (unsigned long long)((uint64_t)INT_MAX / (uint64_t)comp / 1000000u),
                 comp == 4 ? "with a transparent background" : "opaque");
        return false;
    }
    uint64_t need = shot_bytes_needed(width, height, comp), avail = mem_available();
    if (avail && need > avail) {
        char a[32], b[32];
        human_bytes(need, a, sizeof a);
        human_bytes(avail, b, sizeof b);
        snprintf(err, errlen,
                 "picture size %dx%d needs about %s of memory and %s is available; "
                 "choose a smaller --size", width, height, a, b);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ paths */

static void tmp_name(const char *path, char *out, size_t n)
{
    snprintf(out, n, "%s.tmp-%ld", path, (long)getpid());
}

bool shot_check_path(const char *path, char *err, size_t errlen)
{
    if (!path || !*path) {
        snprintf(err, errlen, "no file name given for the picture");
        return false;
    }
    size_t len = strlen(path);
    if (len < 5 || strcasecmp(path + len - 4, ".png") != 0) {
        snprintf(err, errlen, "pictures are written as PNG; give a file name ending in .png");
        return false;
    }
    if (len + 32 >= PATH_MAX) {
        snprintf(err, errlen, "file name is too long");
        return false;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory; give a file name ending in .png");
        return false;
    }
    char tmp[PATH_MAX];
    tmp_name(path, tmp, sizeof tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) {
        /* A leftover of a crashed run with our pid: ours to replace. */
        unlink(tmp);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    }
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            snprintf(err, errlen, "cannot be written: its directory does not exist");
        else
            snprintf(err, errlen, "cannot be written: %s", strerror(e));
        return false;
    }
    close(fd);
    unlink(tmp);
    return true;
}

/* ------------------------------------------------------------------ images */

shot_image *shot_image_create(int width, int height, int comp)
{
    if (width < 1 || height < 1 || (comp != 3 && comp != 4))
        return NULL;
    shot_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    size_t bytes = (size_t)width * (size_t)height * (size_t)comp;
    img->pixels = malloc(bytes);
    if (!img->pixels) {
        free(img);
        return NULL;
    }
    img->width = width;
    img->height = height;
    img->comp = comp;
    return img;
}

void shot_image_destroy(shot_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    free(img);
}

/* ------------------------------------------------------------------ render */

typedef struct gl_saved {
    GLint draw_fb, read_fb, viewport[4], scissor_box[4];
    GLboolean scissor;
    GLint pack_alignment, pack_row_length;
} gl_saved;

static void gl_save(gl_saved *s)
{
    glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &s->draw_fb);
    glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &s->read_fb);
    glGetIntegerv(GL_VIEWPORT, s->viewport);
    glGetIntegerv(GL_SCISSOR_BOX, s->scissor_box);
    s->scissor = glIsEnabled(GL_SCISSOR_TEST);
    glGetIntegerv(GL_PACK_ALIGNMENT, &s->pack_alignment);
    glGetIntegerv(GL_PACK_ROW_LENGTH, &s->pack_row_length);
}

static void gl_restore(const gl_saved *s)
{
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, (GLuint)s->draw_fb);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, (GLuint)s->read_fb);
    glViewport(s->viewport[0], s->viewport[1], s->viewport[2], s->viewport[3]);
    glScissor(s->scissor_box[0], s->scissor_box[1], s->scissor_box[2], s->scissor_box[3]);
    if (s->scissor)
        glEnable(GL_SCISSOR_TEST);
    else
        glDisable(GL_SCISSOR_TEST);
    glPixelStorei(GL_PACK_ALIGNMENT, s->pack_alignment);
    glPixelStorei(GL_PACK_ROW_LENGTH, s->pack_row_length);
}

typedef struct targets {
    GLuint ms_fb, ms_color, ms_depth; /* multisampled; 0 when samples == 1 */
    GLuint fb, color, depth;          /* single-sampled: drawn into or resolved into */
} targets;

static void targets_free(targets *t)
{
    GLuint fbs[2] = {t->ms_fb, t->fb};
    GLuint rbs[4] = {t->ms_color, t->ms_depth, t->color, t->depth};
    glDeleteFramebuffers(2, fbs);
    glDeleteRenderbuffers(4, rbs);
    memset(t, 0, sizeof *t);
}

static bool make_fb(GLuint *fb, GLuint *color, GLuint *depth, int samples, int w, int h, bool want_depth)
{
    glGenFramebuffers(1, fb);
    glBindFramebuffer(GL_FRAMEBUFFER, *fb);
    glGenRenderbuffers(1, color);
    glBindRenderbuffer(GL_RENDERBUFFER, *color);
    if (samples > 1)
        glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_RGBA8, w, h);
    else
        glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, *color);
    if (want_depth) {
        glGenRenderbuffers(1, depth);
        glBindRenderbuffer(GL_RENDERBUFFER, *depth);
        if (samples > 1)
            glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_DEPTH24_STENCIL8, w, h);
        else
            glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH24_STENCIL8, w, h);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_STENCIL_ATTACHMENT, GL_RENDERBUFFER, *depth);
    }
    glBindRenderbuffer(GL_RENDERBUFFER, 0);
    return glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
}

/* Largest tile edge (overscan included) the context and the caller allow. */
static int tile_limit(int asked)
{
    GLint rb = 0, vp[2] = {0, 0}, tex = 0;
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &rb);
    glGetIntegerv(GL_MAX_VIEWPORT_DIMS, vp);
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &tex);
    int lim = asked > 0 ? asked : SHOT_TILE_DEFAULT;
    if (rb > 0 && rb < lim)
        lim = rb;
    if (vp[0] > 0 && vp[0] < lim)
        lim = vp[0];
    if (vp[1] > 0 && vp[1] < lim)
        lim = vp[1];
    if (tex > 0 && tex < lim)
        lim = tex;
    return lim;
}

/* Column-major matrix taking image clip space to the clip space of the
 * framebuffer rectangle (x, y, w, h) of a W x H image. */
static void tile_matrix(float m[16], int W, int H, int x, int y, int w, int h)
{
    memset(m, 0, 16 * sizeof m[0]);
    double sx = (double)W / w, sy = (double)H / h;
    m[0] = (float)sx;
    m[5] = (float)sy;
    m[10] = 1;
    m[15] = 1;
    /* x' = sx * X + (sx - 1 - 2 x / w) * W_clip */
    m[12] = (float)(sx - 1.0 - 2.0 * x / w);
    m[13] = (float)(sy - 1.0 - 2.0 * y / h);
}

static void unpremultiply(uint8_t *px, size_t n)
{
    for (size_t i = 0; i < n; i++, px += 4) {
        unsigned a = px[3];
        if (a == 0 || a == 255)
            continue;
        for (int c = 0; c < 3; c++) {
            unsigned v = (px[c] * 255u + a / 2) / a;
            px[c] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
}

shot_image *shot_render(const shot_desc *d, char *err, size_t errlen)
{
    assert(d && d->draw);
    const int W = d->width, H = d->height, comp = d->transparent ? 4 : 3;
    if (!shot_check_size(W, H, comp, err, errlen))
        return NULL;
    int samples = d->samples > 0 ? d->samples : SHOT_SAMPLES_DEFAULT;
    GLint max_samples = 1;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    if (samples > max_samples)
        samples = max_samples > 0 ? max_samples : 1;

    const int lim = tile_limit(d->tile);
    const int ov = SHOT_OVERSCAN;
    const int inner = lim - 2 * ov; /* pixels each tile contributes */
    if (inner < 1) {
        snprintf(err, errlen, "tile size %d leaves no room inside the overscan", lim);
        return NULL;
    }
    const int cols = (W + inner - 1) / inner, rows = (H + inner - 1) / inner;
    /* A single tile needs no overscan and is just the image's size. Tiles at
     * the right and top edges are drawn only as large as they need. */
    const bool single = cols == 1 && rows == 1;
    const int o = single ? 0 : ov;
    const int fbw = (cols == 1 ? W : inner) + 2 * o;
    const int fbh = (rows == 1 ? H : inner) + 2 * o;

    shot_image *img = shot_image_create(W, H, comp);
    uint8_t *scratch = malloc((size_t)fbw * (size_t)fbh * (size_t)comp);
    if (!img || !scratch) {
        char a[32];
        human_bytes(shot_bytes_needed(W, H, comp), a, sizeof a);
        snprintf(err, errlen, "out of memory for a %dx%d picture (about %s needed)", W, H, a);
        shot_image_destroy(img);
        free(scratch);
        return NULL;
    }

    gl_saved saved;
    gl_save(&saved);
    while (glGetError() != GL_NO_ERROR) {
    }
    targets t = {0};
    bool ok = true;
    if (samples > 1)
        ok = make_fb(&t.ms_fb, &t.ms_color, &t.ms_depth, samples, fbw, fbh, d->depth);
    if (ok)
        ok = make_fb(&t.fb, &t.color, &t.depth, 1, fbw, fbh, d->depth && samples <= 1);
    if (!ok || glGetError() != GL_NO_ERROR) {
        snprintf(err, errlen, "cannot make a %dx%d off-screen framebuffer with %d samples on %s "
                              "(out of GPU memory?)", fbw, fbh, samples,
                 (const char *)glGetString(GL_RENDERER));
        targets_free(&t);
        gl_restore(&saved);
        shot_image_destroy(img);
        free(scratch);
        return NULL;
    }

    const float bg[4] = {d->transparent ? 0 : d->background[0], d->transparent ? 0 : d->background[1],
                         d->transparent ? 0 : d->background[2], d->transparent ? 0 : 1};
    glEnable(GL_SCISSOR_TEST);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glPixelStorei(GL_PACK_ROW_LENGTH, 0);
    const int count = cols * rows;
    int index = 0;
    for (int r = 0; r < rows && ok; r++) {
        for (int c = 0; c < cols && ok; c++, index++) {
            /* Inner rectangle in image pixels (GL origin: bottom-left). */
            int ix = c * inner, iy = r * inner;
            int iw = W - ix < inner ? W - ix : inner, ih = H - iy < inner ? H - iy : inner;
            shot_tile tile = {.image_w = W, .image_h = H, .x = ix - o, .y = iy - o,
                              .w = iw + 2 * o, .h = ih + 2 * o, .index = index, .count = count};
            tile_matrix(tile.tile_from_image, W, H, tile.x, tile.y, tile.w, tile.h);
            glBindFramebuffer(GL_FRAMEBUFFER, samples > 1 ? t.ms_fb : t.fb);
            glViewport(0, 0, tile.w, tile.h);
            glScissor(0, 0, tile.w, tile.h); /* clears stop at the tile, not the FBO */
            glClearColor(bg[0], bg[1], bg[2], bg[3]);
            glClearDepth(1.0);
            glClear(GL_COLOR_BUFFER_BIT | (d->depth ? GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT : 0));
            d->draw(d->user, &tile);
            if (samples > 1) {
                glBindFramebuffer(GL_READ_FRAMEBUFFER, t.ms_fb);
                glBindFramebuffer(GL_DRAW_FRAMEBUFFER, t.fb);
                glDisable(GL_SCISSOR_TEST);
                glBlitFramebuffer(o, o, o + iw, o + ih, o, o, o + iw, o + ih, GL_COLOR_BUFFER_BIT,
                                  GL_NEAREST);
            }
            glEnable(GL_SCISSOR_TEST);
            glBindFramebuffer(GL_READ_FRAMEBUFFER, t.fb);
            glReadPixels(o, o, iw, ih, comp == 4 ? GL_RGBA : GL_RGB, GL_UNSIGNED_BYTE, scratch);
            if (glGetError() != GL_NO_ERROR) {
                snprintf(err, errlen, "OpenGL error while drawing tile %d of %d", index + 1, count);
                ok = false;
                break;
            }
            /* Flip into the top-down image: GL row j is image row H-1-(iy+j). */
            size_t rowbytes = (size_t)iw * (size_t)comp;
            for (int j = 0; j < ih; j++)
                memcpy(shot_image_at(img, ix, H - 1 - (iy + j)), scratch + (size_t)j * rowbytes,
                       rowbytes);
            if (d->progress)
                d->progress(d->progress_user, (double)(index + 1) / count);
        }
    }
    targets_free(&t);
    gl_restore(&saved);
    free(scratch);
    if (!ok) {
        shot_image_destroy(img);
        return NULL;
    }
    if (comp == 4)
        unpremultiply(img->pixels, (size_t)W * (size_t)H);
    return img;
}

/* ------------------------------------------------------------------ writer */

struct shot_writer {
    shot_image *img;                 /* owned; worker only while running */
    char *path, *tmp;                /* owned, immutable */
    shot_progress_fn progress;       /* immutable */
    void *progress_user;
    pthread_t thread;
    _Atomic double frac;             /* worker writes, anyone reads */
    atomic_bool done;                /* release by worker when finished */
    bool ok;                         /* worker writes before done; read after join */
    char err[256];                   /* as ok */
};

static _Thread_local shot_writer *tl_writer; /* the writer this worker thread runs */

static void report(shot_writer *w, double frac)
{
    atomic_store_explicit(&w->frac, frac, memory_order_relaxed);
    if (w->progress)
        w->progress(w->progress_user, frac);
}

/* Parallel deflate: the data is cut into one slice per worker; each slice
 * becomes a raw deflate run ending on a byte boundary (Z_SYNC_FLUSH; the last
 * one Z_FINISH), and the runs concatenated form one valid deflate stream
 * (each slice starts without its predecessor's window: a fraction of a
 * percent in size). The zlib wrapper's Adler-32 is combined from the
 * slices'. Progress counts input bytes consumed, over all workers. */
typedef struct zslice {
    const unsigned char *in;
    size_t len;
    bool last;
    unsigned char *out;   /* malloc'd */
    size_t out_len;
    uLong adler;
    bool ok;
    _Atomic size_t *done; /* shared progress counter */
    shot_writer *w;       /* the writer, for progress reports (slice 0 only) */
    size_t total;
} zslice;

#define ZSLICE_STEP ((size_t)1 << 20)
#define ZSLICES_MAX 8

static void *zslice_run(void *arg)
{
    zslice *z = arg;
    z->ok = false;
    z->adler = adler32(1L, Z_NULL, 0);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* Level 1: on pictures (flat areas, long runs) higher levels buy a few
     * percent of size for several times the time. Raw deflate (-15). */
    if (deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = z->len / 4 + 65536, used = 0;
    z->out = malloc(cap);
    size_t in_done = 0;
    int zr = Z_OK;
    bool flushed = false;
    while (z->out && !flushed) {
        if (zs.avail_in == 0 && in_done < z->len) {
            size_t n = z->len - in_done < ZSLICE_STEP ? z->len - in_done : ZSLICE_STEP;
            zs.next_in = (unsigned char *)z->in + in_done;
            zs.avail_in = (uInt)n;
            z->adler = adler32(z->adler, zs.next_in, (uInt)n);
            in_done += n;
            size_t all = atomic_fetch_add_explicit(z->done, n, memory_order_relaxed) + n;
            if (z->w)
                report(z->w, 0.15 + 0.8 * (double)all / (double)z->total);
        }
        if (cap - used < 65536) {
            unsigned char *n = realloc(z->out, cap * 2);
            if (!n)
                break;
            z->out = n;
            cap *= 2;
        }
        zs.next_out = z->out + used;
        zs.avail_out = (uInt)(cap - used);
        int flush = in_done < z->len ? Z_NO_FLUSH : z->last ? Z_FINISH : Z_SYNC_FLUSH;
        zr = deflate(&zs, flush);
        used = cap - zs.avail_out;
        if (zr == Z_STREAM_ERROR)
            break;
        if (flush == Z_FINISH)
            flushed = zr == Z_STREAM_END;
        else if (flush == Z_SYNC_FLUSH)
            flushed = zs.avail_out > 0 && zs.avail_in == 0;
    }
    z->out_len = used;
    z->ok = z->out && flushed;
    deflateEnd(&zs);
    return NULL;
}

/* stb's zlib hook. The result is malloc'd (stb frees it with free). NULL on
 * failure (out of memory). */
static unsigned char *zlib_compress(unsigned char *data, int len, int *out_len, int quality)
{
    (void)quality;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cpus < 1 ? 1 : cpus > ZSLICES_MAX ? ZSLICES_MAX : (int)cpus;
    if ((size_t)len < 4 * ZSLICE_STEP)
        n = 1;
    _Atomic size_t done = 0;
    zslice z[ZSLICES_MAX];
    pthread_t th[ZSLICES_MAX];
    bool started[ZSLICES_MAX] = {false};
    size_t per = (size_t)len / (size_t)n;
    for (int i = 0; i < n; i++) {
        size_t from = per * (size_t)i, to = i == n - 1 ? (size_t)len : per * (size_t)(i + 1);
        z[i] = (zslice){.in = data + from, .len = to - from, .last = i == n - 1, .done = &done,
                        .w = i == 0 ? tl_writer : NULL, .total = (size_t)len};
    }
    for (int i = 1; i < n; i++)
        started[i] = pthread_create(&th[i], NULL, zslice_run, &z[i]) == 0;
    for (int i = 1; i < n; i++)
        if (!started[i])
            zslice_run(&z[i]); /* no thread: do it here */
    zslice_run(&z[0]);
    for (int i = 1; i < n; i++)
        if (started[i])
            pthread_join(th[i], NULL);
    bool ok = true;
    size_t total = 2 + 4;
    for (int i = 0; i < n; i++) {
        ok = ok && z[i].ok;
        total += z[i].out_len;
    }
    unsigned char *out = ok && total <= INT_MAX ? malloc(total) : NULL;
    if (out) {
        out[0] = 0x78; /* deflate, 32K window */
        out[1] = 0x01; /* fastest; FCHECK makes 0x7801 a multiple of 31 */
        size_t at = 2;
        uLong adler = z[0].adler;
        for (int i = 0; i < n; i++) {
            memcpy(out + at, z[i].out, z[i].out_len);
            at += z[i].out_len;
            if (i > 0)
                adler = adler32_combine(adler, z[i].adler, (z_off_t)z[i].len);
        }
        out[at++] = (unsigned char)(adler >> 24);
        out[at++] = (unsigned char)(adler >> 16);
        out[at++] = (unsigned char)(adler >> 8);
        out[at++] = (unsigned char)adler;
        *out_len = (int)at;
    }
    for (int i = 0; i < n; i++)
        free(z[i].out);
    return out;
}

static void fail(shot_writer *w, const char *fmt, const char *detail)
{
    snprintf(w->err, sizeof w->err, fmt, detail);
    w->ok = false;
}

static pthread_once_t stb_once = PTHREAD_ONCE_INIT;
static void stb_setup(void)
{
    /* "Up" (2) suits pictures with flat areas and long edges, and saves
     * trying all five filters on every row. */
    stbi_write_force_png_filter = 2;
}

static void *writer_main(void *arg)
{
    shot_writer *w = arg;
    tl_writer = w;
    w->ok = true;
    report(w, 0.0);
    const shot_image *img = w->img;
    int png_len = 0;
    unsigned char *png = stbi_write_png_to_mem(img->pixels, img->width * img->comp, img->width,
                                               img->height, img->comp, &png_len);
    shot_image_destroy(w->img);
    w->img = NULL;
    if (!png) {
        fail(w, "out of memory while encoding the PNG%s", "");
    } else {
        int fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) {
            fail(w, "cannot be written: %s", strerror(errno));
        } else {
            size_t off = 0, n = (size_t)png_len;
            while (off < n) {
                ssize_t k = write(fd, png + off, n - off);
                if (k < 0) {
                    if (errno == EINTR)
                        continue;
                    fail(w, "cannot be written: %s", strerror(errno));
                    break;
                }
                off += (size_t)k;
            }
            if (close(fd) != 0 && w->ok)
                fail(w, "cannot be written: %s", strerror(errno));
            if (w->ok && rename(w->tmp, w->path) != 0)
                fail(w, "cannot be put in place: %s", strerror(errno));
            if (!w->ok)
                unlink(w->tmp);
        }
        free(png);
    }
    if (w->ok)
        report(w, 1.0);
    tl_writer = NULL;
    atomic_store_explicit(&w->done, true, memory_order_release);
    return NULL;
}

shot_writer *shot_write_start(shot_image *img, const char *path, shot_progress_fn progress,
                              void *progress_user, char *err, size_t errlen)
{
    assert(img && path);
    pthread_once(&stb_once, stb_setup);
    shot_writer *w = calloc(1, sizeof *w);
    size_t n = strlen(path) + 32;
    char *p = strdup(path), *t = malloc(n);
    if (!w || !p || !t) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    tmp_name(path, t, n);
    w->img = img;
    w->path = p;
    w->tmp = t;
    w->progress = progress;
    w->progress_user = progress_user;
    atomic_init(&w->frac, 0.0);
    atomic_init(&w->done, false);
    int e = pthread_create(&w->thread, NULL, writer_main, w);
    if (e != 0) {
        snprintf(err, errlen, "cannot start the PNG writer thread: %s", strerror(e));
        goto fail;
    }
    return w;
fail:
    shot_image_destroy(img);
    free(p);
    free(t);
    free(w);
    return NULL;
}

double shot_writer_progress(const shot_writer *w)
{
    return atomic_load_explicit(&((shot_writer *)w)->frac, memory_order_relaxed);
}

bool shot_writer_done(const shot_writer *w)
{
    return atomic_load_explicit(&((shot_writer *)w)->done, memory_order_acquire);
}

bool shot_writer_finish(shot_writer *w, char *err, size_t errlen)
{
    if (!w) {
        snprintf(err, errlen, "no picture was being written");
        return false;
    }
    pthread_join(w->thread, NULL);
    bool ok = w->ok;
    if (!ok)
        snprintf(err, errlen, "%s", w->err);
    shot_image_destroy(w->img);
    free(w->path);
    free(w->tmp);
    free(w);
    return ok;
}

bool shot_write_png(shot_image *img, const char *path, shot_progress_fn progress,
                    void *progress_user, char *err, size_t errlen)
{
    shot_writer *w = shot_write_start(img, path, progress, progress_user, err, errlen);
    return w && shot_writer_finish(w, err, errlen);
}
