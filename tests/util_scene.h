/* A scene drawn without the renderer, for picture tests and benchmarks:
 * items are discs (a == b) or strokes (a != b) of radius r, positions and
 * radius in image pixels with the origin bottom-left. Needs a current GL
 * context. */
#ifndef IPVIZ_TEST_UTIL_SCENE_H
#define IPVIZ_TEST_UTIL_SCENE_H

#include <glad/gl.h>

#include "shot.h"

typedef struct item {
    float a[2], b[2], r, color[4];
} item;

typedef struct scene {
    GLuint prog, vao, vbo;
    int n;
} scene;

void scene_init(scene *s, const item *items, int n);
void scene_free(scene *s);
/* A shot_draw_fn; user is the scene. */
void scene_draw(void *user, const shot_tile *t);

#endif
