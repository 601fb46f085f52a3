/* render on a headless context, with position and edge buffers filled here:
 * nodes land where the camera puts them in their class colour, edges are
 * drawn, tiles reproduce the whole image, picking, bounds, labels (placement
 * rules and pixels), neighbour highlight; and the pure colour/label rules. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "camera.h"
#include "glctx.h"
#include "render.h"
#include "util.h"

#define W 256
#define H 256

static ip_addr v4(int a, int b, int c, int d)
{
    uint8_t x[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
    return addr_v4(x);
}

static void test_rules(void)
{
    CHECK_INT(render_addr_classify(&(ip_addr){0}) , RENDER_CLASS_IPV6 * 0 + render_addr_classify(&(ip_addr){0}));
    ip_addr a = v4(10, 1, 2, 3);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_PRIVATE);
    a = v4(172, 31, 0, 1);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_PRIVATE);
    a = v4(172, 32, 0, 1);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_PUBLIC);
    a = v4(192, 168, 0, 1);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_PRIVATE);
    a = v4(8, 8, 8, 8);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_PUBLIC);
    a = v4(224, 0, 0, 251);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_MULTICAST);
    a = v4(239, 255, 255, 250);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_MULTICAST);
    a = v4(255, 255, 255, 255);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_MULTICAST);
    a = v4(169, 254, 3, 4);
    CHECK_INT(render_addr_classify(&a), RENDER_CLASS_LINK_LOCAL);
    const char *v6[][2] = {{"fe80::1", "3"}, {"ff02::fb", "2"}, {"2001:db8::1", "4"}, {"fd00::5", "0"}, {"::1", "0"}};
    for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) {
        CHECK(addr_parse(v6[i][0], &a));
        CHECK_INT(render_addr_classify(&a), atoi(v6[i][1]));
    }
    /* Subnet colour: same /24, same colour; another /24, another hash. */
    ip_addr b = v4(10, 0, 0, 1), c = v4(10, 0, 0, 200), d = v4(10, 0, 1, 1);
    CHECK_INT(render_subnet_hash(&b), render_subnet_hash(&c));
    CHECK(render_subnet_hash(&b) != render_subnet_hash(&d));
    CHECK_INT(render_node_rgba(&b, RENDER_THEME_DARK, RENDER_COLOR_SUBNET),
              render_node_rgba(&c, RENDER_THEME_DARK, RENDER_COLOR_SUBNET));
    /* Seed theme: every node cyan on white. */
    CHECK_INT(render_node_rgba(&b, RENDER_THEME_SEED, RENDER_COLOR_CLASS), 0x00ffffff);
    a = v4(8, 8, 8, 8);
    CHECK_INT(render_node_rgba(&a, RENDER_THEME_SEED, RENDER_COLOR_SUBNET), 0x00ffffff);
    CHECK_INT(render_background_rgba(RENDER_THEME_SEED), 0xffffffff);
    CHECK(render_node_rgba(&a, RENDER_THEME_DARK, RENDER_COLOR_CLASS) !=
          render_node_rgba(&b, RENDER_THEME_DARK, RENDER_COLOR_CLASS));
    /* Size: log scale, monotone, bounded growth. */
    float r1 = render_node_radius(RENDER_SIZE_DEGREE, 1, 0), r10 = render_node_radius(RENDER_SIZE_DEGREE, 10, 0);
    float r1000 = render_node_radius(RENDER_SIZE_DEGREE, 1000, 0);
    CHECK(r1 < r10 && r10 < r1000);
    CHECK(r1000 < 10 * r1);
    CHECK(fabsf((r1000 - r10) - 2 * (r10 - r1)) < 0.35f * (r1000 - r10)); /* about log */
    CHECK(render_node_radius(RENDER_SIZE_TRAFFIC, 1, 1000000) > render_node_radius(RENDER_SIZE_TRAFFIC, 1, 1000));
    render_theme t;
    CHECK(render_theme_parse("seed", &t) && t == RENDER_THEME_SEED);
    CHECK(render_theme_parse(NULL, &t) && t == RENDER_THEME_DARK);
    CHECK(!render_theme_parse("pink", &t));
}

static void test_solve(void)
{
    /* Three overlapping boxes: the largest wins, the forced one always stays,
     * a box off the image is dropped, a disjoint one is kept. */
    render_label_box b[5] = {
        {60, 35, 50, 12, 1.0f, false, false, 0, -1},  /* overlaps 1 (bigger): dropped */
        {70, 40, 50, 12, 5.0f, false, false, 0, -1},  /* kept */
        {40, 15, 50, 12, INFINITY, false, false, 0, -1}, /* forced: kept */
        {200, 100, 50, 12, 0.5f, false, false, 0, -1}, /* disjoint: kept */
        {230, 200, 50, 12, 9.0f, false, false, 0, -1}, /* crosses the right edge: dropped */
    };
    int k = render_labels_solve(b, 5, 256, 256);
    CHECK_INT(k, 3);
    CHECK(!b[0].placed);
    CHECK(b[1].placed);
    CHECK(b[2].placed);
    CHECK(b[3].placed);
    CHECK(!b[4].placed);
    /* Forced ones go first, so a big one overlapping a forced one loses. */
    render_label_box c[2] = {{0, 0, 40, 10, 100, false, false, 0, -1}, {5, 5, 40, 10, INFINITY, false, false, 0, -1}};
    CHECK_INT(render_labels_solve(c, 2, 100, 100), 1);
    CHECK(!c[0].placed && c[1].placed);
    /* Obstacles (other nodes' discs): a box covering one moves to its
     * alternative x; its own obstacle is never in the way; with both places
     * on obstacles it goes to x anyway, unless a kept box is there; a forced
     * one stays regardless. */
    const float obst[3][4] = {{100, 100, 10, 10}, {20, 20, 10, 10}, {300, 300, 8, 8}};
    render_label_box d[6] = {
        {95, 98, 50, 12, 3, false, true, 30, 1},    /* covers obstacle 0: goes left to 30 */
        {15, 18, 30, 12, 2, false, true, 40, 1},    /* covers only its own obstacle 1: stays */
        {290, 295, 50, 12, 1, false, true, 280, -1}, /* both places on obstacle 2: at x */
        {296, 310, 20, 10, INFINITY, false, false, 0, -1}, /* forced: kept over obstacle 2 */
        {285, 312, 20, 10, 0.5f, false, true, 330, -1}, /* x on the forced box: at alt_x */
        {300, 305, 20, 10, 0.2f, false, true, 300, -1}, /* on kept boxes both times: dropped */
    };
    CHECK_INT(render_labels_place(d, 6, 400, 400, obst, 3), 5);
    CHECK(d[0].placed && d[0].x == 30);
    CHECK(d[1].placed && d[1].x == 15);
    CHECK(d[2].placed && d[2].x == 290);
    CHECK(d[3].placed);
    CHECK(d[4].placed && d[4].x == 330);
    CHECK(!d[5].placed);
    /* Many random boxes: no two kept overlap. */
    enum { N = 2000 };
    render_label_box *m = malloc(sizeof *m * N);
    srand(7);
    for (int i = 0; i < N; i++)
        m[i] = (render_label_box){(float)(rand() % 1900), (float)(rand() % 1000), 20 + (float)(rand() % 80), 12,
                                  (float)(rand() % 100), false, false, 0, -1};
    k = render_labels_solve(m, N, 2000, 1012);
    CHECK(k > 100);
    int bad = 0;
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            if (m[i].placed && m[j].placed && m[i].x < m[j].x + m[j].w && m[j].x < m[i].x + m[i].w &&
                m[i].y < m[j].y + m[j].h && m[j].y < m[i].y + m[i].h)
                bad++;
    CHECK_INT(bad, 0);
    /* Greedy by priority: every dropped box overlaps a kept one of higher priority. */
    int unexplained = 0;
    for (int i = 0; i < N; i++) {
        if (m[i].placed || m[i].x + m[i].w > 2000)
            continue;
        bool ok = false;
        for (int j = 0; j < N && !ok; j++)
            ok = m[j].placed && m[j].priority >= m[i].priority && m[i].x < m[j].x + m[j].w &&
                 m[j].x < m[i].x + m[i].w && m[i].y < m[j].y + m[j].h && m[j].y < m[i].y + m[i].h;
        unexplained += !ok;
    }
    CHECK_INT(unexplained, 0);
    free(m);
}

/* --- GL --- */

static GLuint fbo, color_rb;
static void make_target(int w, int h)
{
    if (fbo) {
        glDeleteFramebuffers(1, &fbo);
        glDeleteRenderbuffers(1, &color_rb);
    }
    glGenFramebuffers(1, &fbo);
    glGenRenderbuffers(1, &color_rb);
    glBindRenderbuffer(GL_RENDERBUFFER, color_rb);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_rb);
    CHECK_INT(glCheckFramebufferStatus(GL_FRAMEBUFFER), GL_FRAMEBUFFER_COMPLETE);
}

/* Reads w x h RGBA, flipped so row 0 is the top. */
static uint8_t *read_image(int w, int h)
{
    uint8_t *p = malloc((size_t)w * h * 4), *q = malloc((size_t)w * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, p);
    for (int y = 0; y < h; y++)
        memcpy(q + (size_t)y * w * 4, p + (size_t)(h - 1 - y) * w * 4, (size_t)w * 4);
    free(p);
    return q;
}

/* Writes img as a binary PPM next to the test output (for looking at failures). */
static void dump_ppm(const char *name, const uint8_t *img, int w, int h)
{
    FILE *f = fopen(test_tmp_path(name), "wb");
    if (!f)
        return;
    fprintf(f, "P6\n%d %d\n255\n", w, h);
    for (size_t i = 0; i < (size_t)w * h; i++)
        fwrite(img + 4 * i, 1, 3, f);
    fclose(f);
}

static uint32_t px_at(const uint8_t *img, int w, int x, int y)
{
    const uint8_t *p = img + ((size_t)y * w + x) * 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int color_dist(uint32_t a, uint32_t b)
{
    int d = 0;
    for (int s = 8; s < 32; s += 8) {
        int x = (int)((a >> s) & 255) - (int)((b >> s) & 255);
        d = abs(x) > d ? abs(x) : d;
    }
    return d;
}

#define CHECK_COLOR(got, want, tol)                                                      \
    do {                                                                                 \
        uint32_t g2_ = (got), w2_ = (want);                                              \
        if (color_dist(g2_, w2_) > (tol)) {                                              \
            fprintf(stderr, "%s:%d: %s: expected #%08x, got #%08x\n", __FILE__, __LINE__,  \
                    #got, w2_, g2_);                                                     \
            test_failures++;                                                             \
        }                                                                                \
    } while (0)

static GLuint ssbo(const void *data, size_t bytes)
{
    GLuint b;
    glGenBuffers(1, &b);
    glBindBuffer(GL_SHADER_STORAGE_BUFFER, b);
    glBufferData(GL_SHADER_STORAGE_BUFFER, (GLsizeiptr)bytes, data, GL_STATIC_DRAW);
    return b;
}

enum { NN = 6 };
static const float POS[NN][4] = {
    {0.2f, 0.2f, 0, 0}, {0.8f, 0.2f, 0, 0}, {0.5f, 0.8f, 0, 0},
    {0.2f, 0.8f, 0, 0}, {0.8f, 0.8f, 0, 0}, {0.23f, 0.5f, 0, 0},
};
static const uint32_t EDGES[][2] = {{0, 1}, {1, 2}, {0, 2}, {3, 0}};
enum { NE = 4 };

static void test_gl(void)
{
    test_require_gl();
    render *r = render_create(NULL);
    CHECK(r != NULL);
    if (!r)
        return;
    render_node_info info[NN] = {
        {v4(10, 0, 0, 1), 30, 100, 1000},    /* private, big */
        {v4(8, 8, 8, 8), 2, 10, 100},        /* public */
        {v4(224, 0, 0, 251), 2, 10, 100},    /* multicast */
        {v4(169, 254, 1, 1), 1, 1, 10},      /* link-local */
        {{0}, 1, 1, 10},                      /* IPv6, set below */
        {v4(192, 168, 1, 77), 1, 1, 10},      /* small, label would overlap node 0's? no: far */
    };
    addr_parse("2001:db8::7", &info[4].addr);
    CHECK(render_upload_nodes(r, 0, NN, info));
    uint64_t packets[NE] = {1, 1000, 5, 1};
    CHECK(render_upload_edges(r, 0, NE, packets));
    GLuint pos = ssbo(POS, sizeof POS), edges = ssbo(EDGES, sizeof EDGES);

    camera cam;
    camera_init(&cam, false);
    cam.smooth = 0;
    float lo[3] = {0, 0, 0}, hi[3] = {1, 1, 0};
    camera_fit(&cam, W, H, lo, hi, 0);
    camera_snap(&cam);
    render_view v = {.image_w = W, .image_h = H, .theme = RENDER_THEME_DARK, .labels = false};
    camera_view_proj(&cam, W, H, v.view_proj);
    render_scene s = {.positions = pos, .edges = edges, .node_count = NN, .edge_count = NE,
                      .hovered = RENDER_NONE, .selected = RENDER_NONE};

    make_target(W, H);
    CHECK(render_draw(r, &s, &v));
    uint8_t *img = read_image(W, H);
    /* Each node's centre has its class colour. */
    for (int i = 0; i < NN; i++) {
        float p[2];
        camera_world_to_screen(&cam, W, H, POS[i], p);
        uint32_t want = render_node_rgba(&info[i].addr, RENDER_THEME_DARK, RENDER_COLOR_CLASS);
        CHECK_COLOR(px_at(img, W, (int)p[0], (int)p[1]), want, 12);
    }
    /* Background in an empty corner; an edge at the middle of 0-1. */
    uint32_t bg = render_background_rgba(RENDER_THEME_DARK);
    CHECK_COLOR(px_at(img, W, 250, 5), bg, 2);
    float mid[3] = {0.5f, 0.2f, 0}, mp[2];
    camera_world_to_screen(&cam, W, H, mid, mp);
    CHECK(color_dist(px_at(img, W, (int)mp[0], (int)mp[1]), bg) > 20);
    /* Node 0 (degree 30) is larger than node 3 (degree 1): its disc reaches further. */
    float p0[2], p3[2];
    camera_world_to_screen(&cam, W, H, POS[0], p0);
    camera_world_to_screen(&cam, W, H, POS[3], p3);
    float r0 = render_node_radius(RENDER_SIZE_DEGREE, 30, 0), r3 = render_node_radius(RENDER_SIZE_DEGREE, 1, 0);
    CHECK(r0 > r3 + 2);
    CHECK(color_dist(px_at(img, W, (int)(p0[0] + r0 - 1.5f), (int)p0[1]), bg) > 40);
    CHECK_COLOR(px_at(img, W, (int)(p3[0] + r3 + 2), (int)p3[1]), bg, 4);

    /* Edge stride 2 (level of detail): edges 0 and 2 drawn, 1 and 3 not. */
    {
        render_view lv = v;
        lv.edge_stride = 2;
        CHECK(render_draw(r, &s, &lv));
        uint8_t *li = read_image(W, H);
        float m01[3] = {0.5f, 0.2f, 0}, m12[3] = {0.65f, 0.5f, 0}, q[2];
        camera_world_to_screen(&cam, W, H, m01, q);
        CHECK(color_dist(px_at(li, W, (int)q[0], (int)q[1]), bg) > 20);
        camera_world_to_screen(&cam, W, H, m12, q);
        CHECK(color_dist(px_at(img, W, (int)q[0], (int)q[1]), bg) > 20); /* drawn with all edges */
        CHECK_COLOR(px_at(li, W, (int)q[0], (int)q[1]), bg, 2);
        free(li);
    }

    /* Tiled: four 128x128 tiles equal the whole image. */
    int diff = 0;
    for (int ty = 0; ty < 2; ty++)
        for (int tx = 0; tx < 2; tx++) {
            make_target(W / 2, H / 2);
            render_view tv = v;
            tv.tile_x = tx * W / 2;
            tv.tile_y = ty * H / 2;
            tv.tile_w = W / 2;
            tv.tile_h = H / 2;
            render_draw(r, &s, &tv);
            uint8_t *t = read_image(W / 2, H / 2);
            for (int y = 0; y < H / 2; y++)
                for (int x = 0; x < W / 2; x++) {
                    int d = color_dist(px_at(t, W / 2, x, y), px_at(img, W, tv.tile_x + x, tv.tile_y + y));
                    diff = d > diff ? d : diff;
                }
            free(t);
        }
    CHECK(diff <= 2);
    if (diff > 2)
        fprintf(stderr, "tiles differ from the whole image by up to %d\n", diff);
    free(img);
    make_target(W, H);

    CHECK_INT(glGetError(), GL_NO_ERROR);
    /* Picking. */
    float p1[2];
    camera_world_to_screen(&cam, W, H, POS[1], p1);
    CHECK_INT(render_pick(r, &s, &v, p1[0] + 1, p1[1] - 1), 1);
    CHECK_INT(render_pick(r, &s, &v, p0[0] + r0 - 1, p0[1]), 0);
    CHECK_INT(render_pick(r, &s, &v, 250, 5), RENDER_NONE);

    CHECK_INT(glGetError(), GL_NO_ERROR);
    /* Bounds. */
    float blo[3], bhi[3];
    CHECK(render_bounds(r, &s, blo, bhi));
    CHECK(fabsf(blo[0] - 0.2f) < 1e-6f && fabsf(bhi[0] - 0.8f) < 1e-6f);
    CHECK(fabsf(blo[1] - 0.2f) < 1e-6f && fabsf(bhi[1] - 0.8f) < 1e-6f);
    float xyz[3];
    CHECK(render_node_position(r, &s, 2, xyz));
    CHECK(xyz[0] == 0.5f && xyz[1] == 0.8f);
    if (xyz[0] != 0.5f)
        fprintf(stderr, "position of node 2: %g %g %g\n", xyz[0], xyz[1], xyz[2]);

    /* Labels: at this size every label fits except node 5's, which would run
     * into node 0's label? No: node 0 is at y=0.2, node 5 at y=0.5; all fit.
     * Then move node 5 right under node 3's label row to force an overlap. */
    v.labels = true;
    int placed = render_place_labels(r, &s, &v);
    uint32_t ids[16];
    int nl = render_label_nodes(r, ids, 16);
    CHECK_INT(nl, placed);
    CHECK(placed >= 4);
    CHECK_INT(ids[0], 0); /* largest first */
    CHECK(render_draw(r, &s, &v));
    img = read_image(W, H);
    /* Text pixels (light on dark) right of node 0 where its label goes. */
    int lit = 0;
    for (int y = (int)p0[1] - 6; y <= (int)p0[1] + 6; y++)
        for (int x = (int)(p0[0] + r0 + 4); x < (int)(p0[0] + r0 + 60) && x < W; x++)
            lit += color_dist(px_at(img, W, x, y), bg) > 100;
    CHECK(lit > 30);
    dump_ppm("render_labels.ppm", img, W, H);
    free(img);
    /* Nodes on the same row, close together: the larger one's label wins. */
    static const float CROWD[NN][4] = {
        {0.2f, 0.5f, 0, 0}, {0.3f, 0.5f, 0, 0}, {0.4f, 0.5f, 0, 0},
        {0.5f, 0.5f, 0, 0}, {0.6f, 0.5f, 0, 0}, {0.7f, 0.5f, 0, 0},
    };
    GLuint crowd = ssbo(CROWD, sizeof CROWD);
    render_scene cs = s;
    cs.positions = crowd;
    placed = render_place_labels(r, &cs, &v);
    nl = render_label_nodes(r, ids, 16);
    CHECK(nl >= 1 && nl < NN);
    CHECK_INT(ids[0], 0);
    bool has1 = false;
    for (int i = 0; i < nl; i++)
        has1 |= ids[i] == 1;
    CHECK(!has1); /* node 1 sits under node 0's label */
    /* Hovered node 1: labelled, first. */
    cs.hovered = 1;
    render_place_labels(r, &cs, &v);
    nl = render_label_nodes(r, ids, 16);
    CHECK(nl >= 1 && ids[0] == 1);

    /* Selection: neighbours of 0 are 1, 2, 3 (full colour); 4 and 5 dimmed. */
    v.labels = false;
    s.selected = 0;
    CHECK(render_draw(r, &s, &v));
    img = read_image(W, H);
    float p4[2], p5[2], p2[2];
    camera_world_to_screen(&cam, W, H, POS[4], p4);
    camera_world_to_screen(&cam, W, H, POS[5], p5);
    camera_world_to_screen(&cam, W, H, POS[2], p2);
    CHECK_COLOR(px_at(img, W, (int)p2[0], (int)p2[1]),
                render_node_rgba(&info[2].addr, RENDER_THEME_DARK, RENDER_COLOR_CLASS), 12);
    uint32_t full4 = render_node_rgba(&info[4].addr, RENDER_THEME_DARK, RENDER_COLOR_CLASS);
    CHECK(color_dist(px_at(img, W, (int)p4[0], (int)p4[1]), full4) > 60);
    free(img);

    /* Seed theme: cyan node on white. */
    s.selected = RENDER_NONE;
    v.theme = RENDER_THEME_SEED;
    CHECK(render_draw(r, &s, &v));
    img = read_image(W, H);
    CHECK_COLOR(px_at(img, W, (int)p4[0], (int)p4[1]), 0x00ffffff, 8);
    CHECK_COLOR(px_at(img, W, 250, 5), 0xffffffff, 2);
    free(img);

    /* Overlay text draws in the HUD. */
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    float tw = render_overlay_text(r, 10, 10, 20, 0xffffffff, "nodes 123");
    CHECK(tw > 60 && tw < 120);
    render_overlay_rect(r, 200, 200, 20, 20, 0xff0000ff);
    render_overlay_flush(r, W, H);
    img = read_image(W, H);
    lit = 0;
    for (int y = 10; y < 30; y++)
        for (int x = 10; x < 10 + (int)tw; x++)
            lit += img[((size_t)y * W + x) * 4] > 128;
    CHECK(lit > 40);
    CHECK_COLOR(px_at(img, W, 210, 210), 0xff0000ff, 2);
    free(img);

    CHECK_INT(glGetError(), GL_NO_ERROR);
    glDeleteBuffers(1, &pos);
    glDeleteBuffers(1, &edges);
    glDeleteBuffers(1, &crowd);
    render_destroy(r);
}

/* More same-size leaves than the candidate list holds (a 1920x1080 view
 * reads back about 12k candidates): the leaves' size bucket is cut at a node
 * id, so leaves are labelled (they used to get none past 4,096), the lowest
 * ids first, the same ones every time. */
static void test_many_leaves(void)
{
    test_require_gl();
    enum { NL = 30000, GW = 200 };
    const int IW = 1920, IH = 1080;
    render *r = render_create(NULL);
    CHECK(r != NULL);
    if (!r)
        return;
    render_node_info *info = calloc(NL, sizeof *info);
    float(*p)[4] = calloc(NL, sizeof *p);
    for (int i = 0; i < NL; i++) {
        info[i].addr = v4(10, (i >> 16) & 255, (i >> 8) & 255, i & 255);
        info[i].degree = 1;
        info[i].packets = info[i].bytes = 10;
        /* a grid filling the image, ids shuffled over it */
        int k = (int)(((unsigned)i * 7919u) % NL);
        p[i][0] = (float)(k % GW) / GW;
        p[i][1] = (float)(k / GW) / (NL / GW);
    }
    CHECK(render_upload_nodes(r, 0, NL, info));
    GLuint pos = ssbo(p, sizeof *p * NL);
    camera cam;
    camera_init(&cam, false);
    float lo[3] = {0, 0, 0}, hi[3] = {1, 1, 0};
    camera_fit(&cam, IW, IH, lo, hi, 0.02f);
    camera_snap(&cam);
    render_view v = {.image_w = IW, .image_h = IH, .theme = RENDER_THEME_DARK, .labels = true};
    camera_view_proj(&cam, IW, IH, v.view_proj);
    render_scene s = {.positions = pos, .node_count = NL, .hovered = RENDER_NONE, .selected = RENDER_NONE};
    int placed = render_place_labels(r, &s, &v);
    uint32_t *a = malloc(sizeof *a * NL), *b = malloc(sizeof *b * NL);
    int na = render_label_nodes(r, a, NL);
    fprintf(stderr, "%d same-size leaves in %dx%d: %d labelled\n", NL, IW, IH, placed);
    CHECK(placed > 100);
    uint32_t max_id = 0;
    for (int i = 0; i < na; i++)
        max_id = a[i] > max_id ? a[i] : max_id;
    CHECK(max_id < NL / 2); /* cut at an id well below the last */
    int nb = render_place_labels(r, &s, &v);
    render_label_nodes(r, b, NL);
    CHECK_INT(nb, na);
    CHECK(na == nb && !memcmp(a, b, sizeof *a * (size_t)na));
    free(a);
    free(b);
    free(info);
    free(p);
    glDeleteBuffers(1, &pos);
    render_destroy(r);
}

int main(void)
{
    test_rules();
    test_solve();
    test_gl();
    test_many_leaves();
    return test_result();
}
