/* picture: the graph as a picture of any size: render's view drawn in
 * shot's tiles. The one place where the two meet, shared by --headless -o
 * and the window's screenshot key.
 *
 * DESIGN: labels are placed once for the whole image (render_place_labels on
 * the whole-image view), then every tile draws the same scene through
 * render_view's tile rectangle, so labels and edges cross tile borders
 * without seams. Placing labels replaces the renderer's last placement: a
 * window must place its own again before its next frame.
 *
 * Threads: the GL thread (like render and shot). */
#ifndef IPVIZ_PICTURE_H
#define IPVIZ_PICTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "render.h"
#include "shot.h"

typedef struct picture_desc {
    render *r;
    const render_scene *scene;
    /* The whole image: view_proj, image_w/h, pixel_scale, theme, labels,
     * transparent...; tile and no_clear fields are set here. */
    const render_view *view;
    const float *background;   /* rgb 0..1; NULL = the theme's background */
    shot_progress_fn progress; /* optional, after each tile */
    void *progress_user;
    int *labels_placed;        /* optional out: labels drawn */
} picture_desc;

/* Renders the picture. NULL with a one-line reason in err on failure. */
shot_image *picture_render(const picture_desc *d, char *err, size_t errlen);

/* rgb of a theme's background, 0..1. */
void picture_theme_background(render_theme t, float rgb[3]);

/* The whole-image view restricted to one of shot's tiles: shot's tiles have
 * their origin bottom-left and include the overscan, render's tile rectangle
 * has its origin top-left; the tile is drawn without clearing. */
render_view picture_tile_view(const render_view *whole, const shot_tile *t);

#endif
