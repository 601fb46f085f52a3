/* camera: 2D orthographic pan/zoom, 3D fly and orbit, on cglm.
 *
 * World y points up and screen y down, so the 2D projection flips y. Zoom is
 * eased in log space so a smooth zoom looks uniform at every scale. */
#include "camera.h"

#include <math.h>
#include <string.h>

#include <cglm/cglm.h>

#define PITCH_LIMIT 1.55f

void camera_init(camera *c, bool three_d)
{
    memset(c, 0, sizeof *c);
    c->mode = three_d ? CAMERA_FLY : CAMERA_2D;
    c->fov_y = glm_rad(60.0f);
    c->smooth = 0.12f;
    camera_state *s = &c->target;
    s->center[0] = s->center[1] = s->center[2] = 0.5f;
    s->zoom = 500.0f;
    s->distance = 2.0f;
    s->eye[0] = 0.5f;
    s->eye[1] = 0.5f;
    s->eye[2] = 2.5f;
    c->cur = c->target;
}

void camera_set_mode(camera *c, camera_mode m)
{
    if (c->mode == m)
        return;
    float eye[3];
    camera_eye(c, eye);
    /* Keep the viewpoint: orbit around the point ahead, or fly from the eye. */
    if (m == CAMERA_ORBIT && c->mode == CAMERA_FLY) {
        float f[3];
        camera_forward(&c->target, f);
        for (int i = 0; i < 3; i++)
            c->target.center[i] = c->target.eye[i] + f[i] * c->target.distance;
    } else if (m == CAMERA_FLY && c->mode == CAMERA_ORBIT) {
        memcpy(c->target.eye, eye, sizeof eye);
    }
    c->mode = m;
    c->cur = c->target;
}

void camera_forward(const camera_state *s, float out[3])
{
    float cp = cosf(s->pitch);
    out[0] = cp * sinf(s->yaw);
    out[1] = sinf(s->pitch);
    out[2] = -cp * cosf(s->yaw);
}

static void eye_of(const camera *c, const camera_state *s, float out[3])
{
    if (c->mode == CAMERA_ORBIT) {
        float f[3];
        camera_forward(s, f);
        for (int i = 0; i < 3; i++)
            out[i] = s->center[i] - f[i] * s->distance;
    } else if (c->mode == CAMERA_FLY) {
        memcpy(out, s->eye, 3 * sizeof(float));
    } else {
        out[0] = s->center[0];
        out[1] = s->center[1];
        out[2] = 1.0f;
    }
}

void camera_eye(const camera *c, float out[3]) { eye_of(c, &c->cur, out); }

void camera_view_proj(const camera *c, int w, int h, float out[16])
{
    const camera_state *s = &c->cur;
    mat4 vp;
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    if (c->mode == CAMERA_2D) {
        float hw = 0.5f * (float)w / s->zoom, hh = 0.5f * (float)h / s->zoom;
        glm_ortho(s->center[0] - hw, s->center[0] + hw, s->center[1] - hh, s->center[1] + hh,
                  -1e6f, 1e6f, vp);
    } else {
        vec3 eye, f, at, up = {0, 1, 0};
        eye_of(c, s, eye);
        camera_forward(s, f);
        glm_vec3_add(eye, f, at);
        mat4 view, proj;
        glm_lookat(eye, at, up, view);
        glm_perspective(c->fov_y, (float)w / (float)h, 1e-3f, 1e5f, proj);
        glm_mat4_mul(proj, view, vp);
    }
    memcpy(out, vp, sizeof vp);
}

bool camera_world_to_screen(const camera *c, int w, int h, const float world[3], float px[2])
{
    mat4 vp;
    camera_view_proj(c, w, h, (float *)vp);
    vec4 p = {world[0], world[1], world[2], 1}, q;
    glm_mat4_mulv(vp, p, q);
    if (q[3] <= 0)
        return false;
    px[0] = (q[0] / q[3] * 0.5f + 0.5f) * (float)w;
    px[1] = (0.5f - q[1] / q[3] * 0.5f) * (float)h;
    return true;
}

static void screen_to_world_state(const camera_state *s, int w, int h, float px, float py,
                                  float world[3])
{
    world[0] = s->center[0] + (px - 0.5f * (float)w) / s->zoom;
    world[1] = s->center[1] - (py - 0.5f * (float)h) / s->zoom;
    world[2] = 0;
}

void camera_screen_to_world(const camera *c, int w, int h, float px, float py, float world[3])
{
    screen_to_world_state(&c->cur, w, h, px, py, world);
}

void camera_pan(camera *c, float dx, float dy)
{
    camera_state *t = &c->target;
    t->center[0] -= dx / t->zoom;
    t->center[1] += dy / t->zoom;
    /* Dragging should follow the hand without lag. */
    c->cur.center[0] -= dx / c->cur.zoom;
    c->cur.center[1] += dy / c->cur.zoom;
}

void camera_zoom_at(camera *c, int w, int h, float px, float py, float factor)
{
    camera_state *t = &c->target;
    float before[3];
    screen_to_world_state(t, w, h, px, py, before);
    t->zoom *= factor;
    if (t->zoom < 1e-6f)
        t->zoom = 1e-6f;
    if (t->zoom > 1e9f)
        t->zoom = 1e9f;
    /* Choose the centre so that `before` is again under (px,py). */
    t->center[0] = before[0] - (px - 0.5f * (float)w) / t->zoom;
    t->center[1] = before[1] + (py - 0.5f * (float)h) / t->zoom;
}

void camera_fit(camera *c, int w, int h, const float lo[3], const float hi[3], float margin)
{
    camera_state *t = &c->target;
    float mid[3], ext[3];
    for (int i = 0; i < 3; i++) {
        mid[i] = 0.5f * (lo[i] + hi[i]);
        ext[i] = hi[i] - lo[i];
    }
    if (c->mode == CAMERA_2D) {
        float ex = ext[0] > 1e-9f ? ext[0] : 1e-9f, ey = ext[1] > 1e-9f ? ext[1] : 1e-9f;
        float zx = (float)w * (1 - 2 * margin) / ex, zy = (float)h * (1 - 2 * margin) / ey;
        t->zoom = zx < zy ? zx : zy;
        if (ext[0] <= 1e-9f && ext[1] <= 1e-9f)
            t->zoom = 500.0f; /* one point: any zoom frames it */
        memcpy(t->center, mid, sizeof mid);
        return;
    }
    float radius = 0.5f * sqrtf(ext[0] * ext[0] + ext[1] * ext[1] + ext[2] * ext[2]);
    if (radius < 1e-6f)
        radius = 1e-6f;
    float aspect = (float)w / (float)(h > 0 ? h : 1);
    float half = 0.5f * c->fov_y;
    if (aspect < 1) /* narrow window: the horizontal field of view limits */
        half = atanf(tanf(half) * aspect);
    float dist = radius / sinf(half) * (1 + 2 * margin);
    camera_look_at(c, mid, dist);
}

void camera_look_at(camera *c, const float p[3], float distance_hint)
{
    camera_state *t = &c->target;
    if (c->mode == CAMERA_2D) {
        t->center[0] = p[0];
        t->center[1] = p[1];
        t->center[2] = p[2];
        return;
    }
    float f[3];
    camera_forward(t, f);
    memcpy(t->center, p, 3 * sizeof(float));
    t->distance = distance_hint;
    for (int i = 0; i < 3; i++)
        t->eye[i] = p[i] - f[i] * distance_hint;
}

void camera_fly_move(camera *c, float right, float up, float forward)
{
    camera_state *t = &c->target;
    vec3 f, r, u = {0, 1, 0};
    camera_forward(t, f);
    glm_vec3_cross(f, u, r);
    glm_vec3_normalize(r);
    if (c->mode == CAMERA_ORBIT) {
        for (int i = 0; i < 3; i++)
            t->center[i] += r[i] * right + u[i] * up + f[i] * forward;
        return;
    }
    for (int i = 0; i < 3; i++)
        t->eye[i] += r[i] * right + u[i] * up + f[i] * forward;
}

void camera_turn(camera *c, float dyaw, float dpitch)
{
    camera_state *t = &c->target;
    t->yaw += dyaw;
    t->pitch += dpitch;
    if (t->pitch > PITCH_LIMIT)
        t->pitch = PITCH_LIMIT;
    if (t->pitch < -PITCH_LIMIT)
        t->pitch = -PITCH_LIMIT;
    c->cur.yaw = t->yaw; /* mouse look must not lag */
    c->cur.pitch = t->pitch;
}

void camera_orbit_dolly(camera *c, float factor)
{
    c->target.distance *= factor;
    if (c->target.distance < 1e-5f)
        c->target.distance = 1e-5f;
}

static float ease(float a, float b, float k, bool *moving, float eps)
{
    float d = b - a;
    if (fabsf(d) <= eps)
        return b;
    *moving = true;
    return a + d * k;
}

bool camera_update(camera *c, float dt)
{
    if (c->smooth <= 0 || dt <= 0) {
        if (c->smooth <= 0)
            c->cur = c->target;
        return false;
    }
    float k = 1.0f - expf(-dt / c->smooth);
    bool moving = false;
    camera_state *s = &c->cur, *t = &c->target;
    /* Tolerances relative to the scale on screen: a tenth of a pixel in 2D. */
    float peps = c->mode == CAMERA_2D ? 0.1f / t->zoom : 1e-5f * (t->distance > 0 ? t->distance : 1);
    for (int i = 0; i < 3; i++) {
        s->center[i] = ease(s->center[i], t->center[i], k, &moving, peps);
        s->eye[i] = ease(s->eye[i], t->eye[i], k, &moving, peps);
    }
    float lz = ease(logf(s->zoom), logf(t->zoom), k, &moving, 1e-4f);
    s->zoom = expf(lz);
    if (!moving || fabsf(s->zoom - t->zoom) < 1e-4f * t->zoom)
        s->zoom = moving ? s->zoom : t->zoom;
    s->yaw = ease(s->yaw, t->yaw, k, &moving, 1e-5f);
    s->pitch = ease(s->pitch, t->pitch, k, &moving, 1e-5f);
    s->distance = ease(s->distance, t->distance, k, &moving, peps);
    return moving;
}

void camera_snap(camera *c) { c->cur = c->target; }
