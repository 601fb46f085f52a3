/* shot_render on a scene drawn here (discs and anti-aliased strokes, the
 * shapes of nodes, edges and glyph strokes), independent of the renderer:
 * the picture has the requested size, node centres have the node colour,
 * tiles forced small give the same picture as one framebuffer, a stroke
 * crossing tile borders is continuous, transparency keeps straight colours,
 * and a tiny golden picture matches within a per-channel tolerance. */
#include <stdlib.h>
#include <string.h>

#include "glctx.h"
#include "shot.h"
#include "util.h"
#include "util_image.h"
#include "util_scene.h"

static int tiles_seen;

static void draw(void *user, const shot_tile *t)
{
    tiles_seen = t->count;
    scene_draw(user, t);
}

#define NODES 6
static const float node_xy[NODES][2] = {{20.5f, 30.5f}, {150.5f, 100.5f}, {280.5f, 180.5f},
                                        {61.5f, 160.5f}, {119.5f, 59.5f}, {240.5f, 20.5f}};
static const float node_rgb[NODES][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1},
                                         {1, 1, 0}, {0, 1, 1}, {1, 0.5f, 0}};
static const float line_rgb[3] = {0.8f, 0.8f, 0.8f};
static const float bg[3] = {0.1f, 0.1f, 0.15f};

/* Edges between consecutive nodes, a long horizontal stroke at row 100 and a
 * thin diagonal (strokes like glyphs), then the nodes on top. */
static int make_items(item *it)
{
    int n = 0;
    for (int i = 0; i + 1 < NODES; i++)
        it[n++] = (item){{node_xy[i][0], node_xy[i][1]}, {node_xy[i + 1][0], node_xy[i + 1][1]},
                         0.7f, {0.5f, 0.5f, 0.5f, 0.8f}};
    it[n++] = (item){{5.5f, 110.5f}, {295.5f, 110.5f}, 1.2f, {line_rgb[0], line_rgb[1], line_rgb[2], 1}};
    it[n++] = (item){{3, 3}, {297, 199}, 0.6f, {1, 1, 1, 1}};
    for (int i = 0; i < NODES; i++)
        it[n++] = (item){{node_xy[i][0], node_xy[i][1]}, {node_xy[i][0], node_xy[i][1]}, 6,
                         {node_rgb[i][0], node_rgb[i][1], node_rgb[i][2], 1}};
    return n;
}

static shot_image *render(scene *s, int w, int h, int tile, bool transparent, int samples)
{
    char err[256] = "";
    shot_desc d = {.width = w, .height = h, .transparent = transparent,
                   .background = {bg[0], bg[1], bg[2]}, .tile = tile, .samples = samples,
                   .draw = draw, .user = s};
    shot_image *img = shot_render(&d, err, sizeof err);
    if (!img)
        fprintf(stderr, "shot_render %dx%d tile %d: %s\n", w, h, tile, err);
    return img;
}

static int to8(float f)
{
    return (int)(f * 255.0f + 0.5f);
}

static void check_pixel(const shot_image *img, int x, int ytop, const float rgb[3], int alpha, int tol,
                        const char *what)
{
    const uint8_t *p = shot_image_at(img, x, ytop);
    int want[4] = {to8(rgb[0]), to8(rgb[1]), to8(rgb[2]), alpha};
    for (int c = 0; c < img->comp; c++)
        if (abs(p[c] - want[c]) > tol) {
            fprintf(stderr, "%s at (%d,%d) channel %d: expected %d +- %d, got %d\n", what, x, ytop, c,
                    want[c], tol, p[c]);
            test_failures++;
            return;
        }
}

int main(void)
{
    test_require_gl();
    GLint rb = 0, vp[2] = {0, 0}, ms = 0;
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &rb);
    glGetIntegerv(GL_MAX_VIEWPORT_DIMS, vp);
    glGetIntegerv(GL_MAX_SAMPLES, &ms);
    fprintf(stderr, "%s: max renderbuffer %d, viewport %dx%d, samples %d\n", glctx_renderer(), rb,
            vp[0], vp[1], ms);

    item items[32];
    scene s;
    scene_init(&s, items, make_items(items));
    const int W = 301, H = 203;

    /* One framebuffer: requested size, node colours at node centres. */
    shot_image *one = render(&s, W, H, 0, false, 0);
    CHECK(one != NULL);
    if (!one)
        return test_result();
    CHECK_INT(tiles_seen, 1);
    CHECK_INT(one->width, W);
    CHECK_INT(one->height, H);
    CHECK_INT(one->comp, 3);
    for (int i = 0; i < NODES; i++)
        check_pixel(one, (int)node_xy[i][0], H - 1 - (int)node_xy[i][1], node_rgb[i], 255, 1,
                    "node centre");
    check_pixel(one, W - 2, 1, bg, 255, 1, "background");

    /* Forced small tiles (64 px with 2 px overscan: 60 px inner, 5 x 4 tiles)
     * against one framebuffer. Tolerance: 1 per channel for rounding of the
     * tile matrix; no pixel may differ by more. */
    shot_image *tiled = render(&s, W, H, 64, false, 0);
    CHECK(tiled != NULL);
    if (tiled) {
        CHECK_INT(tiles_seen, 6 * 4);
        test_image_diff d = test_image_compare(tiled, one, 1);
        fprintf(stderr, "tiled vs one: %ld pixels differ by more than 1, max channel diff %d\n",
                d.differing, d.max_diff);
        CHECK_INT(d.differing, 0);
        if (d.differing) {
            fprintf(stderr, "first at (%d,%d)\n", d.first_x, d.first_y);
            test_image_save_failure("shot-tiled", tiled, one);
        }
        /* The horizontal stroke at GL row 110 crosses tile borders at x = 60,
         * 120, 180, 240: every pixel along it has the same colour. */
        int row = H - 1 - 110;
        const uint8_t *ref = shot_image_at(tiled, 30, row);
        CHECK(abs(ref[0] - to8(line_rgb[0])) <= 2);
        for (int x = 10; x <= 290; x++) {
            if (abs((int)node_xy[1][0] - x) < 12 || abs((int)node_xy[4][0] - x) < 12 ||
                abs(163 - x) < 4)
                continue; /* an edge, node or the diagonal crosses the stroke there */
            const uint8_t *p = shot_image_at(tiled, x, row);
            if (abs(p[0] - ref[0]) > 1 || abs(p[1] - ref[1]) > 1 || abs(p[2] - ref[2]) > 1) {
                fprintf(stderr, "stroke broken at x=%d: (%d,%d,%d) vs (%d,%d,%d)\n", x, p[0], p[1],
                        p[2], ref[0], ref[1], ref[2]);
                test_failures++;
                break;
            }
        }
        shot_image_destroy(tiled);
    }

    /* Tiles so small (12 px inner) that nodes span several. */
    shot_image *tiny = render(&s, W, H, 16, false, 0);
    CHECK(tiny != NULL);
    if (tiny) {
        test_image_diff d = test_image_compare(tiny, one, 1);
        fprintf(stderr, "16 px tiles vs one: %ld pixels differ, max %d\n", d.differing, d.max_diff);
        CHECK_INT(d.differing, 0);
        shot_image_destroy(tiny);
    }

    /* Transparent background: straight colours, alpha 0 outside. */
    shot_image *tr = render(&s, W, H, 64, true, 0);
    CHECK(tr != NULL);
    if (tr) {
        CHECK_INT(tr->comp, 4);
        for (int i = 0; i < NODES; i++)
            check_pixel(tr, (int)node_xy[i][0], H - 1 - (int)node_xy[i][1], node_rgb[i], 255, 1,
                        "transparent node centre");
        CHECK_INT(shot_image_at(tr, W - 2, 1)[3], 0);
        shot_image_destroy(tr);
    }

    /* Without multisampling, and with a picture wider than the default tile. */
    shot_image *nomsaa = render(&s, W, H, 64, false, 1);
    CHECK(nomsaa != NULL);
    if (nomsaa) {
        check_pixel(nomsaa, (int)node_xy[2][0], H - 1 - (int)node_xy[2][1], node_rgb[2], 255, 1,
                    "no-MSAA node centre");
        shot_image_destroy(nomsaa);
    }
    shot_image *wide = render(&s, SHOT_TILE_DEFAULT + 300, 40, 0, false, 0);
    CHECK(wide != NULL);
    if (wide) {
        CHECK_INT(wide->width, SHOT_TILE_DEFAULT + 300);
        CHECK_INT(tiles_seen, 2);
        shot_image_destroy(wide);
    }

    /* Golden: a 100x68 picture of the scene scaled down through the
     * view (items at a third of their size). Tolerance per channel 12;
     * anti-aliased edge pixels may differ more between GPUs' sample
     * patterns, so up to 3% of pixels may exceed it, none by more than 96. */
    {
        item small[32];
        int n = make_items(small);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 2; k++) {
                small[i].a[k] /= 3;
                small[i].b[k] /= 3;
            }
            small[i].r = small[i].r / 3 < 0.6f ? 0.6f : small[i].r / 3;
        }
        scene g;
        scene_init(&g, small, n);
        shot_image *got = render(&g, 100, 68, 0, false, 0);
        CHECK(got != NULL);
        const char *golden = IPVIZ_SOURCE_DIR "/tests/golden/shot_scene.png";
        if (got && getenv("IPVIZ_UPDATE_GOLDEN")) {
            char err[256];
            CHECK(shot_write_png(got, golden, NULL, NULL, err, sizeof err));
            fprintf(stderr, "wrote %s\n", golden);
            got = NULL;
        }
        shot_image *want = test_png_read(golden, 3);
        if (!want) {
            fprintf(stderr, "golden %s missing (IPVIZ_UPDATE_GOLDEN=1 writes it)\n", golden);
            test_failures++;
        } else if (got) {
            test_image_diff d = test_image_compare(got, want, 12);
            long total = (long)want->width * want->height;
            fprintf(stderr, "golden: %ld of %ld pixels beyond 12, max channel diff %d\n", d.differing,
                    total, d.max_diff);
            if (d.differing * 100 > total * 3 || d.max_diff > 96) {
                test_failures++;
                test_image_save_failure("shot-golden", got, want);
            }
        }
        shot_image_destroy(got);
        shot_image_destroy(want);
        scene_free(&g);
    }

    shot_image_destroy(one);
    scene_free(&s);
    return test_result();
}
