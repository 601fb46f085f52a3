/* camera: zoom keeps the point under the cursor, pan follows the mouse,
 * fit frames a box, screen <-> world round trips, 3D projection and easing. */
#include <math.h>
#include <string.h>

#include "camera.h"
#include "util.h"

#define CHECK_NEAR(got, want, tol)                                                       \
    do {                                                                                 \
        double g_ = (got), w_ = (want);                                                  \
        if (!(fabs(g_ - w_) <= (tol))) {                                                 \
            fprintf(stderr, "%s:%d: %s: expected %g, got %g\n", __FILE__, __LINE__, #got,  \
                    w_, g_);                                                             \
            test_failures++;                                                             \
        }                                                                                \
    } while (0)

static void test_2d(void)
{
    camera c;
    camera_init(&c, false);
    c.smooth = 0;
    const int W = 800, H = 600;
    /* Round trip screen -> world -> screen. */
    float w[3], px[2];
    camera_screen_to_world(&c, W, H, 123, 456, w);
    CHECK(camera_world_to_screen(&c, W, H, w, px));
    CHECK_NEAR(px[0], 123, 1e-3);
    CHECK_NEAR(px[1], 456, 1e-3);
    /* World y up is screen y down. */
    float up[3] = {c.cur.center[0], c.cur.center[1] + 0.1f, 0};
    CHECK(camera_world_to_screen(&c, W, H, up, px));
    CHECK(px[1] < H / 2.0f);
    CHECK_NEAR(px[1], H / 2.0 - 0.1 * c.cur.zoom, 1e-2);

    /* Zoom about the cursor: the world point under it stays there. */
    float before[3], after[3];
    camera_screen_to_world(&c, W, H, 100, 50, before);
    camera_zoom_at(&c, W, H, 100, 50, 3.7f);
    camera_update(&c, 0.016f);
    camera_screen_to_world(&c, W, H, 100, 50, after);
    CHECK_NEAR(after[0], before[0], 1e-4);
    CHECK_NEAR(after[1], before[1], 1e-4);
    CHECK_NEAR(c.cur.zoom, 500 * 3.7, 1e-2);

    /* Pan: the world point under the mouse moves with it. */
    camera_screen_to_world(&c, W, H, 400, 300, before);
    camera_pan(&c, 40, -25);
    camera_screen_to_world(&c, W, H, 440, 275, after);
    CHECK_NEAR(after[0], before[0], 1e-4);
    CHECK_NEAR(after[1], before[1], 1e-4);

    /* Fit: both corners of the box inside the view, the tighter axis at the margin. */
    float lo[3] = {-3, 10, 0}, hi[3] = {5, 12, 0};
    camera_fit(&c, W, H, lo, hi, 0.05f);
    camera_snap(&c);
    float a[2], b[2];
    camera_world_to_screen(&c, W, H, lo, a);
    camera_world_to_screen(&c, W, H, hi, b);
    CHECK_NEAR(a[0], 0.05 * W, 0.05);
    CHECK_NEAR(b[0], 0.95 * W, 0.05);
    CHECK(a[1] < H && b[1] > 0);
    CHECK_NEAR((a[1] + b[1]) / 2, H / 2.0, 0.05);

    /* The matrix agrees with world_to_screen. */
    float m[16];
    camera_view_proj(&c, W, H, m);
    float x = 1, y = 11;
    float cx = m[0] * x + m[4] * y + m[12], cy = m[1] * x + m[5] * y + m[13];
    float p[3] = {x, y, 0};
    camera_world_to_screen(&c, W, H, p, a);
    CHECK_NEAR((cx * 0.5 + 0.5) * W, a[0], 1e-3);
    CHECK_NEAR((0.5 - cy * 0.5) * H, a[1], 1e-3);
}

static void test_smooth(void)
{
    camera c;
    camera_init(&c, false);
    c.smooth = 0.1f;
    camera_zoom_at(&c, 800, 600, 400, 300, 4);
    camera_update(&c, 0.016f);
    CHECK(c.cur.zoom > 500 && c.cur.zoom < 2000); /* on its way */
    int frames = 0;
    while (camera_update(&c, 0.016f) && frames < 1000)
        frames++;
    CHECK(frames < 200);
    CHECK_NEAR(c.cur.zoom, 2000, 1e-2);
}

static void test_3d(void)
{
    camera c;
    camera_init(&c, true);
    c.smooth = 0;
    const int W = 640, H = 480;
    /* Fly camera at z=2.5 looking down -z: the target is at the centre. */
    float centre[3] = {0.5f, 0.5f, 0.5f}, px[2];
    CHECK(camera_world_to_screen(&c, W, H, centre, px));
    CHECK_NEAR(px[0], W / 2.0, 1e-2);
    CHECK_NEAR(px[1], H / 2.0, 1e-2);
    float behind[3] = {0.5f, 0.5f, 5};
    CHECK(!camera_world_to_screen(&c, W, H, behind, px));
    /* Moving forward brings the point closer: it spreads apart on screen. */
    float p1[3] = {0.6f, 0.5f, 0.5f}, s0[2], s1[2];
    camera_world_to_screen(&c, W, H, p1, s0);
    camera_fly_move(&c, 0, 0, 1);
    camera_update(&c, 1);
    CHECK_NEAR(c.cur.eye[2], 1.5, 1e-5);
    camera_world_to_screen(&c, W, H, p1, s1);
    CHECK(s1[0] > s0[0]);
    /* Turning right (positive yaw) moves a point ahead to the left. */
    camera_turn(&c, 0.2f, 0);
    camera_world_to_screen(&c, W, H, centre, px);
    CHECK(px[0] < W / 2.0);
    /* Pitch is clamped short of straight up. */
    camera_turn(&c, 0, 10);
    CHECK(c.cur.pitch < 1.571f);

    /* Fit in 3D: every corner of the box is on screen, orbit and fly alike. */
    for (int mode = 0; mode < 2; mode++) {
        camera_init(&c, true);
        c.smooth = 0;
        camera_set_mode(&c, mode ? CAMERA_ORBIT : CAMERA_FLY);
        camera_turn(&c, 0.7f, -0.3f);
        float lo[3] = {-2, -1, -4}, hi[3] = {3, 1, 0};
        camera_fit(&c, W, H, lo, hi, 0.02f);
        camera_snap(&c);
        for (int k = 0; k < 8; k++) {
            float q[3] = {k & 1 ? hi[0] : lo[0], k & 2 ? hi[1] : lo[1], k & 4 ? hi[2] : lo[2]};
            CHECK(camera_world_to_screen(&c, W, H, q, px));
            CHECK(px[0] >= 0 && px[0] <= W && px[1] >= 0 && px[1] <= H);
        }
        /* Orbit: turning keeps the target in the centre. */
        if (mode) {
            camera_turn(&c, 1.0f, 0.2f);
            float mid[3] = {0.5f, 0, -2};
            camera_world_to_screen(&c, W, H, mid, px);
            CHECK_NEAR(px[0], W / 2.0, 1e-2);
            CHECK_NEAR(px[1], H / 2.0, 1e-2);
        }
    }
}

int main(void)
{
    test_2d();
    test_smooth();
    test_3d();
    return test_result();
}
