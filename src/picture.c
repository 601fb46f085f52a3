/* picture: render's view drawn in shot's tiles (see picture.h). */
#include "picture.h"

#include <stdio.h>
#include <string.h>

typedef struct tile_draw {
    render *r;
    const render_scene *scene;
    const render_view *view;
    bool ok;
} tile_draw;

render_view picture_tile_view(const render_view *whole, const shot_tile *t)
{
    render_view v = *whole;
    v.tile_x = t->x;
    v.tile_y = t->image_h - (t->y + t->h);
    v.tile_w = t->w;
    v.tile_h = t->h;
    v.no_clear = true;
    return v;
}

static void draw_tile(void *user, const shot_tile *t)
{
    tile_draw *td = user;
    render_view v = picture_tile_view(td->view, t);
    if (!render_draw(td->r, td->scene, &v))
        td->ok = false;
}

void picture_theme_background(render_theme t, float rgb[3])
{
    uint32_t bg = render_background_rgba(t);
    rgb[0] = (float)((bg >> 24) & 255) / 255.0f;
    rgb[1] = (float)((bg >> 16) & 255) / 255.0f;
    rgb[2] = (float)((bg >> 8) & 255) / 255.0f;
}

shot_image *picture_render(const picture_desc *d, char *err, size_t errlen)
{
    render_view v = *d->view;
    v.tile_x = v.tile_y = v.tile_w = v.tile_h = 0;
    v.no_clear = true;
    if (d->background) { /* label backings in the picture's background */
        v.has_background = true;
        memcpy(v.background, d->background, sizeof v.background);
    }
    int placed = v.labels ? render_place_labels(d->r, d->scene, &v) : 0;
    if (d->labels_placed)
        *d->labels_placed = placed;
    tile_draw td = {.r = d->r, .scene = d->scene, .view = &v, .ok = true};
    shot_desc sd = {.width = v.image_w, .height = v.image_h, .transparent = v.transparent,
                    .draw = draw_tile, .user = &td, .progress = d->progress,
                    .progress_user = d->progress_user};
    if (d->background)
        memcpy(sd.background, d->background, sizeof sd.background);
    else
        picture_theme_background(v.theme, sd.background);
    shot_image *img = shot_render(&sd, err, errlen);
    if (img && !td.ok) {
        snprintf(err, errlen, "drawing the picture failed (GL error; see above)");
        shot_image_destroy(img);
        img = NULL;
    }
    return img;
}
