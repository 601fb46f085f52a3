/* Labels in tiled pictures, through the real renderer: a graph whose edges
 * run behind its labels, drawn in one framebuffer and in 200 px tiles (labels
 * crossing tile borders), must give the same picture; and, when Debian's
 * tesseract-ocr is installed, OCR of the tiled picture must read the exact
 * address of (nearly) every placed label. Without tesseract that part is
 * skipped with a note; the rest still runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "camera.h"
#include "glctx.h"
#include "picture.h"
#include "render.h"
#include "shot.h"
#include "util.h"
#include "util_image.h"

#define N 48
#define W 1200
#define H 800
#define TILE 200 /* 196 px inner: borders at x = 196, 392, ... */

typedef struct ctx {
    render *r;
    render_scene *sc;
    render_view *v;
} ctx;

static void draw(void *user, const shot_tile *t)
{
    ctx *c = user;
    render_view v = picture_tile_view(c->v, t);
    CHECK(render_draw(c->r, c->sc, &v));
}

static uint32_t rng = 7;
static float frand(void)
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / 16777216.0f;
}

/* The OCR sheet: each label's box (its backing) cut out of the picture,
 * enlarged 3x bilinearly (tesseract wants glyphs taller than 13 px), made
 * grey and inverted to dark on light, stacked one per line with white gaps.
 * box[i] = x, y (top-left, image pixels), w, h. */
static shot_image *ocr_sheet(const shot_image *s, const float (*box)[4], int n)
{
    int sw = 0, sh = 0;
    for (int i = 0; i < n; i++) {
        int w = (int)box[i][2], h = (int)box[i][3];
        sw = 3 * w + 60 > sw ? 3 * w + 60 : sw;
        sh += 3 * h + 30;
    }
    shot_image *d = shot_image_create(sw, sh + 30, 3);
    if (!d)
        return NULL;
    memset(d->pixels, 255, (size_t)d->width * d->height * 3);
    int top = 30;
    for (int i = 0; i < n; i++) {
        float bx = box[i][0], by = box[i][1];
        int w = (int)box[i][2], h = (int)box[i][3];
        for (int y = 0; y < 3 * h; y++)
            for (int x = 0; x < 3 * w; x++) {
                float fx = bx + ((float)x + 0.5f) / 3 - 0.5f, fy = by + ((float)y + 0.5f) / 3 - 0.5f;
                int x0 = (int)floorf(fx), y0 = (int)floorf(fy);
                float ax = fx - (float)x0, ay = fy - (float)y0, v = 0;
                for (int j = 0; j < 2; j++)
                    for (int k = 0; k < 2; k++) {
                        int xx = x0 + k < 0 ? 0 : x0 + k >= s->width ? s->width - 1 : x0 + k;
                        int yy = y0 + j < 0 ? 0 : y0 + j >= s->height ? s->height - 1 : y0 + j;
                        const uint8_t *p = shot_image_at(s, xx, yy);
                        float g = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
                        v += (k ? ax : 1 - ax) * (j ? ay : 1 - ay) * g;
                    }
                uint8_t *o = shot_image_at(d, 30 + x, top + y);
                o[0] = o[1] = o[2] = (uint8_t)(255.5f - v);
            }
        top += 3 * h + 30;
    }
    return d;
}

static char tesseract[4200];

static bool have_tesseract(void)
{
    const char *path = getenv("PATH");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(tesseract, sizeof tesseract, "%s/tesseract", d);
        if (access(tesseract, X_OK) == 0)
            return true;
    }
    return false;
}

/* Is word (an address) a whole token of text? */
static bool has_token(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        bool left = p == text || !(p[-1] == '.' || (p[-1] >= '0' && p[-1] <= '9'));
        char c = p[n];
        bool right = !(c == '.' || (c >= '0' && c <= '9'));
        if (left && right)
            return true;
    }
    return false;
}

/* OCRs the labels of picture img (boxes in image pixels) in one tesseract
 * run; returns how many labels read exactly. Tesseract may set a space
 * beside a dot (its layout guess, not the glyphs), and a dot at either end
 * of a line is an edge cut by the box's margin: both are dropped. */
static int ocr_count(const shot_image *img, const float (*box)[4], const uint32_t *ids,
                     const render_node_info *info, int nl, const char *name)
{
    char err[256];
    shot_image *sheet = ocr_sheet(img, box, nl);
    const char *png = test_tmp_path(name);
    CHECK(sheet && shot_write_png(sheet, png, NULL, NULL, err, sizeof err));
    const char *argv[] = {tesseract, png, "-", "--psm", "6", "-c",
                          "tessedit_char_whitelist=0123456789.", NULL};
    char *out = NULL;
    CHECK_INT(test_run(argv, &out, NULL), 0);
    if (!out)
        return 0;
    char *w = out;
    for (const char *q = out; *q; q++) {
        bool line_start = w == out || w[-1] == '\n';
        if (*q == ' ' || (*q == '.' && (line_start || q[1] == '\n' || !q[1])))
            continue;
        *w++ = *q;
    }
    *w = 0;
    int found = 0;
    for (int i = 0; i < nl; i++) {
        char a[ADDR_STRLEN];
        addr_format(&info[ids[i]].addr, a);
        if (has_token(out, a))
            found++;
        else
            fprintf(stderr, "OCR did not read label %s (sheet: %s)\n", a, png);
    }
    free(out);
    return found;
}

int main(void)
{
    test_require_gl();
    render *r = render_create(NULL);
    CHECK(r != NULL);
    if (!r)
        return test_result();

    /* Nodes on a jittered grid; a few hubs with many edges crossing the
     * picture, so edges run behind labels. */
    render_node_info info[N];
    float pos[N][4];
    uint32_t edges[4 * N][2];
    uint64_t packets[4 * N];
    int m = 0;
    for (int i = 0; i < N; i++) {
        char a[32];
        snprintf(a, sizeof a, "10.%d.%d.%d", 1 + i % 7, (i * 37) % 250, 1 + (i * 53) % 254);
        memset(&info[i], 0, sizeof info[i]);
        CHECK(addr_parse(a, &info[i].addr));
        info[i].degree = i % 6 == 0 ? 12 : 1;
        info[i].packets = info[i].bytes = 100;
        pos[i][0] = (float)(i % 8) + 0.3f * frand();
        pos[i][1] = (float)(i / 8) + 0.3f * frand();
        pos[i][2] = pos[i][3] = 0;
    }
    for (int i = 0; i < N; i++)
        if (i % 6 == 0)
            for (int k = 1; k <= 5; k++) {
                edges[m][0] = (uint32_t)i;
                edges[m][1] = (uint32_t)((i + k * 5) % N);
                packets[m++] = 10;
            }
    CHECK(render_upload_nodes(r, 0, N, info));
    CHECK(render_upload_edges(r, 0, (uint32_t)m, packets));
    GLuint bufs[2];
    glGenBuffers(2, bufs);
    glBindBuffer(GL_SHADER_STORAGE_BUFFER, bufs[0]);
    glBufferData(GL_SHADER_STORAGE_BUFFER, sizeof pos, pos, GL_STATIC_DRAW);
    glBindBuffer(GL_SHADER_STORAGE_BUFFER, bufs[1]);
    glBufferData(GL_SHADER_STORAGE_BUFFER, (GLsizeiptr)(sizeof edges[0] * (size_t)m), edges, GL_STATIC_DRAW);
    render_scene sc = {.positions = bufs[0], .edges = bufs[1], .node_count = N,
                       .edge_count = (uint32_t)m, .hovered = RENDER_NONE, .selected = RENDER_NONE};
    render_view v = {.image_w = W, .image_h = H, .pixel_scale = 1, .theme = RENDER_THEME_DARK,
                     .labels = true, .no_clear = true};
    camera cam;
    camera_init(&cam, false);
    float lo[3] = {0, 0, 0}, hi[3] = {8, 6, 0};
    camera_fit(&cam, W, H, lo, hi, 0.08f);
    camera_snap(&cam);
    camera_view_proj(&cam, W, H, v.view_proj);
    int placed = render_place_labels(r, &sc, &v);
    uint32_t ids[N];
    int nl = render_label_nodes(r, ids, N);
    fprintf(stderr, "%d labels placed of %d nodes\n", placed, N);
    CHECK(placed >= N * 3 / 4);

    /* Some labels must cross a tile border for the comparison to mean
     * anything: a label starts right of its node and is ~90 px wide. */
    int crossing = 0;
    for (int i = 0; i < nl; i++) {
        float px[2];
        camera_world_to_screen(&cam, W, H, pos[ids[i]], px);
        int inner = TILE - 2 * SHOT_OVERSCAN;
        if ((int)(px[0] + 8) / inner != (int)(px[0] + 90) / inner)
            crossing++;
    }
    fprintf(stderr, "%d labels cross a vertical tile border\n", crossing);
    CHECK(crossing >= 3);

    uint32_t bg = render_background_rgba(RENDER_THEME_DARK);
    ctx c = {r, &sc, &v};
    char err[256];
    shot_desc d = {.width = W, .height = H,
                   .background = {(float)(bg >> 24) / 255, (float)((bg >> 16) & 255) / 255,
                                  (float)((bg >> 8) & 255) / 255},
                   .draw = draw, .user = &c};
    shot_image *one = shot_render(&d, err, sizeof err);
    d.tile = TILE;
    shot_image *tiled = shot_render(&d, err, sizeof err);
    CHECK(one && tiled);
    if (one && tiled) {
        /* Shapes match within 1 per channel (test_shot). Glyphs are sampled
         * from the atlas at texture coordinates that round a little
         * differently per tile, which moves a glyph edge pixel by up to
         * ~10% here: tolerance 1 per channel for all but 1 pixel in 5000,
         * and none beyond 40. A broken or shifted label fails both. */
        test_image_diff df = test_image_compare(tiled, one, 1);
        fprintf(stderr, "tiled vs one with labels: %ld pixels differ by more than 1 (max %d)\n",
                df.differing, df.max_diff);
        CHECK(df.differing * 5000 <= (long)W * H);
        CHECK(df.max_diff <= 40);
        if (df.differing * 5000 > (long)W * H || df.max_diff > 40)
            test_image_save_failure("shot-labels-tiled", tiled, one);
    }

    /* Each label's box as render placed it (its backing). */
    float(*box)[4] = calloc((size_t)nl + 1, sizeof *box);
    CHECK_INT(render_label_boxes(r, box, nl), nl);
    if (tiled && !have_tesseract()) {
        fprintf(stderr, "note: tesseract not installed (Debian: tesseract-ocr); OCR check skipped\n");
    } else if (tiled) {
        /* Glyphs alone, in tiles: every label must read exactly. */
        sc.edge_count = 0;
        shot_image *bare = shot_render(&d, err, sizeof err);
        sc.edge_count = (uint32_t)m;
        CHECK(bare != NULL);
        if (bare) {
            int found = ocr_count(bare, (const float(*)[4])box, ids, info, nl, "shot-labels-ocr-bare.png");
            fprintf(stderr, "OCR read %d of %d labels exactly (no edges)\n", found, nl);
            CHECK(found * 20 >= nl * 19); /* one in twenty for OCR's own misses */
        }
        shot_image_destroy(bare);
        /* With edges running behind labels: the backing must keep them from
         * garbling glyphs, as well as with no edges (a thin SDF halo alone
         * read 37 of 48 here). */
        int found = ocr_count(tiled, (const float(*)[4])box, ids, info, nl, "shot-labels-ocr.png");
        fprintf(stderr, "OCR read %d of %d labels exactly (edges behind labels)\n", found, nl);
        CHECK(found * 20 >= nl * 19);
    }
    free(box);
    shot_image_destroy(one);
    shot_image_destroy(tiled);
    glDeleteBuffers(2, bufs);
    render_destroy(r);
    return test_result();
}
