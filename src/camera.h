/* camera: 2D pan/zoom and 3D fly/orbit cameras as plain cglm math.
 *
 * DESIGN: no GL and no window here, so every rule (zoom keeps the point under
 * the cursor fixed, framing fits a box, screen <-> world) is unit-tested.
 * Smooth motion: input moves a target state; camera_update eases the current
 * state towards it exponentially (frame-rate independent), and camera_snap
 * jumps there. Screen pixels have their origin top-left, y down.
 *
 * Threads: any; a camera is plain data. */
#ifndef IPVIZ_CAMERA_H
#define IPVIZ_CAMERA_H

#include <stdbool.h>

typedef enum camera_mode { CAMERA_2D, CAMERA_FLY, CAMERA_ORBIT } camera_mode;

typedef struct camera_state {
    float center[3];   /* 2D: world point at the viewport centre; orbit: target */
    float zoom;        /* 2D: pixels per world unit */
    float eye[3];      /* fly: eye position */
    float yaw, pitch;  /* fly/orbit: radians */
    float distance;    /* orbit: eye to target */
} camera_state;

typedef struct camera {
    camera_mode mode;
    camera_state cur, target;
    float fov_y;       /* radians, 3D */
    float smooth;      /* time constant in seconds (0 = no smoothing) */
} camera;

/* A 2D camera (or a 3D fly camera when three_d) looking at the unit square. */
void camera_init(camera *c, bool three_d);
void camera_set_mode(camera *c, camera_mode m);

/* Column-major world -> clip for a viewport of w x h pixels. */
void camera_view_proj(const camera *c, int w, int h, float out[16]);

/* World point -> screen pixels (top-left origin); false if behind the eye. */
bool camera_world_to_screen(const camera *c, int w, int h, const float world[3], float px[2]);
/* 2D: screen pixel -> world point (z = 0). */
void camera_screen_to_world(const camera *c, int w, int h, float px, float py, float world[3]);

/* 2D: move the view by a mouse drag of (dx,dy) pixels (content follows the mouse). */
void camera_pan(camera *c, float dx, float dy);
/* 2D: multiply the zoom by factor keeping the world point under (px,py) fixed. */
void camera_zoom_at(camera *c, int w, int h, float px, float py, float factor);
/* Frames the box [lo,hi] with a margin (fraction of the view, e.g. 0.05). */
void camera_fit(camera *c, int w, int h, const float lo[3], const float hi[3], float margin);
/* Centres on p without changing the zoom (2D) or at a viewing distance (3D). */
void camera_look_at(camera *c, const float p[3], float distance_hint);

/* 3D fly: move by (right, up, forward) in eye space, in world units. */
void camera_fly_move(camera *c, float right, float up, float forward);
/* 3D fly/orbit: turn by mouse motion in radians. */
void camera_turn(camera *c, float dyaw, float dpitch);
/* Orbit: scale the distance by factor. */
void camera_orbit_dolly(camera *c, float factor);

/* Eases cur towards target over dt seconds. Returns true while still moving. */
bool camera_update(camera *c, float dt);
void camera_snap(camera *c);

/* Forward unit vector (3D) for the fly camera. */
void camera_forward(const camera_state *s, float out[3]);
/* Eye position of the current state (orbit: derived from target and distance). */
void camera_eye(const camera *c, float out[3]);

#endif
