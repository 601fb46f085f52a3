/* text: a signed-distance-field glyph atlas for labels and the HUD.
 *
 * DESIGN: printable ASCII (all an IP address, a counter or a key name needs)
 * is rendered once with stb_truetype as distance fields at one base size into
 * a single-channel texture; any on-screen size is then drawn from it with a
 * smoothstep on the distance, sharp from 8 px to poster size, which is what
 * tiled screenshots at a large pixel scale need. Layout of a string into
 * quads is plain CPU code and independent of GL (unit-tested); only
 * text_font_upload needs a current context.
 *
 * Threads: a font is used from one thread at a time. */
#ifndef IPVIZ_TEXT_H
#define IPVIZ_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include <glad/gl.h>

#define TEXT_FIRST 32
#define TEXT_LAST 126

typedef struct text_font text_font;

/* Loads a TrueType file (NULL: IPVIZ_FONT_DEFAULT) and builds the atlas in
 * memory. On error logs "font PATH: why" and returns NULL. */
text_font *text_font_create(const char *path);
void text_font_destroy(text_font *f); /* accepts NULL; deletes the texture */

/* Creates the GL texture (R8) once; later calls return the same name.
 * Needs a current context. 0 on error. */
GLuint text_font_upload(text_font *f);

/* Atlas pixels, for tests: width, height and the bytes (row-major, top row first). */
void text_font_atlas(const text_font *f, int *w, int *h, const uint8_t **pixels);

/* One vertex of a glyph quad: position in pixels, atlas texture coordinates,
 * colour 0xRRGGBBAA. Six per glyph (two triangles). */
typedef struct text_vertex {
    float x, y, u, v;
    uint32_t rgba;
} text_vertex;

/* Width in pixels of s drawn px pixels high (px = the font's line height). */
float text_width(const text_font *f, float px, const char *s);
/* Distance from the top of a px-high line to its baseline, in pixels. */
float text_ascent(const text_font *f, float px);

/* Writes quads for s with its line box's top-left at (x,y), y down, at most
 * max vertices (whole glyphs only). Characters outside the atlas draw as '?'.
 * Returns the number of vertices written. */
int text_layout(const text_font *f, float x, float y, float px, uint32_t rgba, const char *s,
                text_vertex *out, int max);

/* Distance-field spread in atlas pixels divided by the base size: the shader
 * turns screen-space derivatives into an edge width with it. */
float text_font_spread(const text_font *f);

#endif
