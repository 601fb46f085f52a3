/* shot: pictures of any size, rendered off-screen and written as PNG.
 *
 * DESIGN: the picture is cut into tiles no larger than the GPU's framebuffer
 * limits (and a memory-friendly 4096 pixels). For each tile the caller's draw
 * function renders the WHOLE image's scene through a matrix that maps the
 * image's clip space onto that tile, into a multisampled framebuffer, which is
 * resolved and read back into one CPU image. Rasterisation is then the same
 * as one huge framebuffer would give, so tiles join without seams; each tile
 * is drawn with a small overscan so that anything that looks at neighbouring
 * pixels (derivatives, wide anti-aliasing) sees the same neighbours as in one
 * framebuffer. Sizes, memory and paths are checked before any work.
 *
 * Writing: stb_image_write makes the PNG (its deflate replaced by zlib's,
 * which is faster and reports progress) on a worker thread, into
 * "<path>.tmp-<pid>", renamed into place only when complete, so a window
 * never freezes and nothing half-written ever carries the final name.
 *
 * Threads: shot_render on the thread with the current GL context; the writer
 * functions from any one thread; shot_check_* from any thread. */
#ifndef IPVIZ_SHOT_H
#define IPVIZ_SHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOT_TILE_DEFAULT 2048 /* largest tile edge, before GL limits */
#define SHOT_OVERSCAN 2        /* pixels drawn around each tile and thrown away */
#define SHOT_SAMPLES_DEFAULT 4

/* One tile being drawn. The framebuffer (possibly larger than the tile) is
 * bound and cleared to the background; viewport and scissor box are the
 * tile's (0, 0, w, h), scissor test on. The draw function must not change the
 * binding, viewport or scissor; it need not clear (it may: the scissor keeps
 * a clear inside the tile). */
typedef struct shot_tile {
    int image_w, image_h;     /* the whole picture, pixels */
    int x, y, w, h;           /* the framebuffer's rectangle in image pixels, overscan
                                 included; origin bottom-left as in GL */
    int index, count;         /* this tile's number, of count */
    /* Column-major 4x4: image clip space -> this tile's clip space. Multiply it
     * on the left of the whole image's view-projection:
     * gl_Position = tile_from_image * view_proj * p. Sizes meant in image
     * pixels stay in image pixels: the tile's pixels are the image's. */
    float tile_from_image[16];
} shot_tile;

typedef void (*shot_draw_fn)(void *user, const shot_tile *tile);
/* frac in [0,1]; called on the thread that does the work. */
typedef void (*shot_progress_fn)(void *user, double frac);

typedef struct shot_desc {
    int width, height;         /* required, pixels */
    bool transparent;          /* RGBA with the background's alpha 0; else RGB */
    float background[3];       /* 0..1; ignored when transparent */
    int samples;               /* MSAA samples; 0 = SHOT_SAMPLES_DEFAULT, 1 = none;
                                  clamped to GL_MAX_SAMPLES */
    int tile;                  /* largest tile edge incl. overscan; 0 = default; also
                                  clamped to the GL limits (tests force small tiles) */
    bool depth;                /* attach a depth buffer (3D views) */
    shot_draw_fn draw;         /* required */
    void *user;
    shot_progress_fn progress; /* optional: called after each tile */
    void *progress_user;
} shot_desc;

/* A read-back picture: rows top to bottom, comp bytes per pixel (3 RGB or
 * 4 RGBA, straight alpha). */
typedef struct shot_image {
    int width, height, comp;
    uint8_t *pixels;
} shot_image;

/* Checks that a width x height picture (comp 3 or 4) can be made and encoded
 * here: 1..SHOT_MAX_EDGE per side, within the encoder's limits, and that the
 * memory it needs (image, encoder buffers) is available now. On failure
 * writes one line naming the size and the limit into err. */
#define SHOT_MAX_EDGE 65535
bool shot_check_size(int width, int height, int comp, char *err, size_t errlen);

/* Bytes of memory a width x height x comp picture needs from read-back to
 * the written file (0 when the size overflows). */
uint64_t shot_bytes_needed(int width, int height, int comp);

/* Checks that path can be written as a PNG: it names a .png file (not a
 * directory) in an existing directory where a temporary file can be
 * created. Creates and removes "<path>.tmp-<pid>"; never touches path. */
bool shot_check_path(const char *path, char *err, size_t errlen);

/* Renders the picture (needs a current GL 4.3 context). Restores the
 * framebuffer bindings and viewport it found. Returns NULL and writes a
 * one-line reason on failure (size, memory, GL framebuffer errors). */
shot_image *shot_render(const shot_desc *desc, char *err, size_t errlen);

/* A width x height x comp picture with undefined contents; NULL when out of
 * memory. */
shot_image *shot_image_create(int width, int height, int comp);
void shot_image_destroy(shot_image *img); /* accepts NULL */
/* Pointer to pixel (x, y), y counted from the top. */
static inline uint8_t *shot_image_at(const shot_image *img, int x, int y)
{
    return img->pixels + ((size_t)y * (size_t)img->width + (size_t)x) * (size_t)img->comp;
}

/* --- writing --- */

typedef struct shot_writer shot_writer;

/* Starts encoding img to path on a new thread; takes ownership of img (also
 * on failure). Returns NULL with a reason in err when the thread cannot
 * start. progress, when given, is called from the worker thread. */
shot_writer *shot_write_start(shot_image *img, const char *path, shot_progress_fn progress,
                              void *progress_user, char *err, size_t errlen);
/* 0..1, readable from any thread while the writer runs. */
double shot_writer_progress(const shot_writer *w);
bool shot_writer_done(const shot_writer *w);
/* Waits for the worker, frees everything; true if the file is in place.
 * Otherwise writes the reason into err and leaves no file behind under
 * either name. Accepts NULL (returns false). */
bool shot_writer_finish(shot_writer *w, char *err, size_t errlen);

/* shot_write_start + shot_writer_finish: returns when the file is written
 * (or not); takes ownership of img. */
bool shot_write_png(shot_image *img, const char *path, shot_progress_fn progress,
                    void *progress_user, char *err, size_t errlen);

#endif
