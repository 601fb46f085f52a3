/* text: SDF glyphs from stb_truetype, packed in rows into one R8 atlas.
 *
 * The base size (BASE_PX line height) and the spread (PAD pixels on each side
 * of an outline) are chosen so a 512x256 atlas holds all of printable ASCII
 * with room to spare; the distance value at the outline is ONEDGE/255. */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb_truetype.h>
#pragma GCC diagnostic pop

#include "log.h"

#define BASE_PX 40.0f
#define PAD 5
#define ONEDGE 128
#define ATLAS_W 512
#define ATLAS_H 512
#define NGLYPH (TEXT_LAST - TEXT_FIRST + 1)

typedef struct glyph {
    int ax, ay, w, h;      /* atlas rectangle */
    float xoff, yoff;      /* quad offset from the pen at the baseline, base pixels */
    float advance;         /* base pixels */
} glyph;

struct text_font {
    uint8_t *atlas;
    glyph g[NGLYPH];
    float ascent;          /* base pixels above the baseline */
    float line;            /* ascent - descent, base pixels */
    GLuint tex;
};

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        rewind(f);
        buf = n > 0 ? malloc((size_t)n) : NULL;
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = buf ? (size_t)n : 0;
    }
    fclose(f);
    return buf;
}

text_font *text_font_create(const char *path)
{
    if (!path)
        path = IPVIZ_FONT_DEFAULT;
    size_t len = 0;
    uint8_t *ttf = read_file(path, &len);
    if (!ttf) {
        log_error("font %s: cannot read it; install fonts-dejavu-core", path);
        return NULL;
    }
    stbtt_fontinfo info;
    if (!stbtt_InitFont(&info, ttf, stbtt_GetFontOffsetForIndex(ttf, 0))) {
        log_error("font %s: not a TrueType font", path);
        free(ttf);
        return NULL;
    }
    text_font *f = calloc(1, sizeof *f);
    f->atlas = calloc(ATLAS_W, ATLAS_H);
    if (!f->atlas) {
        free(f);
        free(ttf);
        log_error("out of memory for the glyph atlas");
        return NULL;
    }
    int asc, desc, gap;
    stbtt_GetFontVMetrics(&info, &asc, &desc, &gap);
    float scale = BASE_PX / (float)(asc - desc);
    f->ascent = (float)asc * scale;
    f->line = BASE_PX;
    int x = 1, y = 1, row_h = 0;
    bool ok = true;
    for (int c = TEXT_FIRST; c <= TEXT_LAST; c++) {
        glyph *gl = &f->g[c - TEXT_FIRST];
        int adv, lsb;
        stbtt_GetCodepointHMetrics(&info, c, &adv, &lsb);
        gl->advance = (float)adv * scale;
        int w = 0, h = 0, xo = 0, yo = 0;
        unsigned char *sdf = stbtt_GetCodepointSDF(&info, scale, c, PAD, ONEDGE,
                                                   (float)ONEDGE / PAD, &w, &h, &xo, &yo);
        if (!sdf)
            continue; /* space: advance only */
        if (x + w + 1 > ATLAS_W) {
            x = 1;
            y += row_h + 1;
            row_h = 0;
        }
        if (y + h + 1 > ATLAS_H) {
            ok = false;
            stbtt_FreeSDF(sdf, NULL);
            break;
        }
        for (int r = 0; r < h; r++)
            memcpy(f->atlas + (size_t)(y + r) * ATLAS_W + x, sdf + (size_t)r * w, (size_t)w);
        stbtt_FreeSDF(sdf, NULL);
        gl->ax = x;
        gl->ay = y;
        gl->w = w;
        gl->h = h;
        gl->xoff = (float)xo;
        gl->yoff = (float)yo;
        x += w + 1;
        if (h > row_h)
            row_h = h;
    }
    free(ttf);
    if (!ok) {
        log_error("font %s: glyphs do not fit the atlas", path);
        text_font_destroy(f);
        return NULL;
    }
    return f;
}

void text_font_destroy(text_font *f)
{
    if (!f)
        return;
    if (f->tex)
        glDeleteTextures(1, &f->tex);
    free(f->atlas);
    free(f);
}

GLuint text_font_upload(text_font *f)
{
    if (f->tex)
        return f->tex;
    glGenTextures(1, &f->tex);
    glBindTexture(GL_TEXTURE_2D, f->tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, ATLAS_W, ATLAS_H, 0, GL_RED, GL_UNSIGNED_BYTE, f->atlas);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindTexture(GL_TEXTURE_2D, 0);
    return f->tex;
}

void text_font_atlas(const text_font *f, int *w, int *h, const uint8_t **pixels)
{
    *w = ATLAS_W;
    *h = ATLAS_H;
    *pixels = f->atlas;
}

float text_font_spread(const text_font *f)
{
    (void)f;
    return (float)PAD / BASE_PX;
}

static const glyph *glyph_for(const text_font *f, unsigned char c)
{
    if (c < TEXT_FIRST || c > TEXT_LAST)
        c = '?';
    return &f->g[c - TEXT_FIRST];
}

float text_width(const text_font *f, float px, const char *s)
{
    float w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        w += glyph_for(f, *p)->advance;
    return w * px / f->line;
}

float text_ascent(const text_font *f, float px) { return f->ascent * px / f->line; }

int text_layout(const text_font *f, float x, float y, float px, uint32_t rgba, const char *s,
                text_vertex *out, int max)
{
    float k = px / f->line;
    float pen = x, base = y + f->ascent * k;
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        const glyph *g = glyph_for(f, *p);
        if (g->w > 0) {
            if (n + 6 > max)
                break;
            float x0 = pen + g->xoff * k, y0 = base + g->yoff * k;
            float x1 = x0 + (float)g->w * k, y1 = y0 + (float)g->h * k;
            float u0 = (float)g->ax / ATLAS_W, v0 = (float)g->ay / ATLAS_H;
            float u1 = (float)(g->ax + g->w) / ATLAS_W, v1 = (float)(g->ay + g->h) / ATLAS_H;
            text_vertex q[6] = {{x0, y0, u0, v0, rgba}, {x1, y0, u1, v0, rgba},
                                {x1, y1, u1, v1, rgba}, {x0, y0, u0, v0, rgba},
                                {x1, y1, u1, v1, rgba}, {x0, y1, u0, v1, rgba}};
            memcpy(out + n, q, sizeof q);
            n += 6;
        }
        pen += g->advance * k;
    }
    return n;
}
