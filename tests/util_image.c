/* Image helpers for the picture tests (see util_image.h). */
#include "util_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

shot_image *test_png_read(const char *path, int comp)
{
    int w = 0, h = 0, n = 0;
    unsigned char *px = stbi_load(path, &w, &h, &n, comp);
    if (!px)
        return NULL;
    shot_image *img = shot_image_create(w, h, comp);
    if (img)
        memcpy(img->pixels, px, (size_t)w * (size_t)h * (size_t)comp);
    stbi_image_free(px);
    return img;
}

test_image_diff test_image_compare(const shot_image *a, const shot_image *b, int tol)
{
    test_image_diff d = {0, 0, -1, -1};
    if (a->width != b->width || a->height != b->height || a->comp != b->comp) {
        d.differing = (long)a->width * a->height;
        d.max_diff = 255;
        d.first_x = d.first_y = 0;
        return d;
    }
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++) {
            const uint8_t *p = shot_image_at(a, x, y), *q = shot_image_at(b, x, y);
            int m = 0;
            for (int c = 0; c < a->comp; c++) {
                int v = abs((int)p[c] - (int)q[c]);
                if (v > m)
                    m = v;
            }
            if (m > d.max_diff)
                d.max_diff = m;
            if (m > tol) {
                if (!d.differing) {
                    d.first_x = x;
                    d.first_y = y;
                }
                d.differing++;
            }
        }
    return d;
}

void test_image_save_failure(const char *name, const shot_image *actual, const shot_image *expected)
{
    char err[256], path[256];
    snprintf(path, sizeof path, "%s-actual.png", name);
    const char *ap = test_tmp_path(path);
    shot_image *copy = shot_image_create(actual->width, actual->height, actual->comp);
    if (copy) {
        memcpy(copy->pixels, actual->pixels,
               (size_t)actual->width * (size_t)actual->height * (size_t)actual->comp);
        if (shot_write_png(copy, ap, NULL, NULL, err, sizeof err))
            fprintf(stderr, "actual picture: %s\n", ap);
    }
    if (!expected || expected->width != actual->width || expected->height != actual->height)
        return;
    shot_image *diff = shot_image_create(actual->width, actual->height, 3);
    if (!diff)
        return;
    for (int y = 0; y < actual->height; y++)
        for (int x = 0; x < actual->width; x++) {
            const uint8_t *p = shot_image_at(actual, x, y), *q = shot_image_at(expected, x, y);
            uint8_t *o = shot_image_at(diff, x, y);
            for (int c = 0; c < 3; c++) {
                int v = abs((int)p[c] - (int)q[c]) * 8;
                o[c] = (uint8_t)(v > 255 ? 255 : v);
            }
        }
    snprintf(path, sizeof path, "%s-diff.png", name);
    const char *dp = test_tmp_path(path);
    if (shot_write_png(diff, dp, NULL, NULL, err, sizeof err))
        fprintf(stderr, "difference x8: %s\n", dp);
}
