/* Image helpers for the picture tests: read a PNG back, compare two
 * pictures within a tolerance and, on failure, save the actual picture and a
 * difference picture next to the test output for a person to look at. */
#ifndef IPVIZ_TEST_UTIL_IMAGE_H
#define IPVIZ_TEST_UTIL_IMAGE_H

#include <stdbool.h>

#include "shot.h"

/* Reads a PNG into a shot_image with comp channels (3 or 4); NULL if
 * unreadable. */
shot_image *test_png_read(const char *path, int comp);

typedef struct test_image_diff {
    long differing;   /* pixels with any channel differing by more than tol */
    int max_diff;     /* largest channel difference seen */
    int first_x, first_y; /* first differing pixel, -1 if none */
} test_image_diff;

/* Compares a and b (same size and comp expected; a mismatch counts every
 * pixel as differing). */
test_image_diff test_image_compare(const shot_image *a, const shot_image *b, int tol);

/* Writes <tmp>/<name>-actual.png and <tmp>/<name>-diff.png (differences
 * amplified x8 on black) and prints their paths. */
void test_image_save_failure(const char *name, const shot_image *actual, const shot_image *expected);

#endif
