/* app: the live window. GLFW window and input, the per-frame loop, picking,
 * search, HUD and scripted runs. The only file that includes GLFW.
 *
 * DESIGN: one thread draws; the loader's threads fill the graph and wake the
 * window with glfwPostEmptyEvent after each publish. Each frame takes the new
 * tail of the graph (layout_sync, render_sync), runs as many layout steps as
 * fit a budget measured from the previous frames (at least one, so a slow
 * GPU still makes progress and input is still read every frame), draws and
 * swaps. When nothing moves the loop sleeps in glfwWaitEventsTimeout.
 *
 * Every input, real or from --script, goes through the same handlers
 * (on_key, on_char, on_button, on_cursor, on_scroll), so a script exercises
 * exactly what a user does. Script lines, one action each, run in order:
 *   wait N | wait-loaded | wait-nodes N | wait-settled | wait-camera |
 *   move X Y | move-node ADDRESS [DX DY] | down [left|right] |
 *   up [left|right] | click X Y | scroll DY | key NAME | type TEXT |
 *   print | dump FILE.ppm | state FILE | quit
 * Coordinates are window coordinates (origin top-left). `print` writes one
 * line to stdout; `state` writes every node's screen position, radius and
 * label flag; `dump` writes the frame as drawn. */
#include "app.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "camera.h"
#include "glctx.h"
#include "graph.h"
#include "layout.h"
#include "loader.h"
#include "log.h"
#include "picture.h"
#include "render.h"

#define SEARCH_MAX 64
#define LAYOUT_BUDGET_S 0.010 /* of a 16.7 ms frame; the rest draws */

typedef struct script_line {
    char *text;
} script_line;

typedef struct app {
    const ipviz_options *o;
    GLFWwindow *win;
    graph *g;
    loader *ld;
    layout *lay;
    render *r;
    camera cam;
    bool three_d;
    /* view settings */
    render_theme theme;
    render_color_mode color_mode;
    render_size_mode size_mode;
    bool labels, help;
    /* framebuffer and window sizes; pixel scale for HiDPI */
    int fb_w, fb_h, win_w, win_h;
    float ui_scale;
    float depth_ref;             /* 3D: eye distance of the last framing */
    /* interaction */
    double mx, my;               /* cursor, framebuffer pixels */
    bool mouse_moved;
    bool left_down, right_down;
    double press_x, press_y;
    bool dragged;                /* moved far enough since the press to not be a click */
    uint32_t drag_node;          /* node being moved, or RENDER_NONE */
    uint32_t hovered, selected;
    bool user_camera;            /* the user moved the camera: stop auto-framing */
    bool search_open;
    char search[SEARCH_MAX + 1];
    char message[128];
    double message_until;
    bool fly_keys[6];            /* W S A D Q E held */
    bool shift;
    bool quit;
    /* timing */
    double last_t, fps, steps_per_s;
    int last_steps;              /* layout steps run in the last frame */
    bool dirty;                  /* input since the last frame: draw again */
    bool drawn_still;            /* the last frame was a full-quality still one */
    GLuint draw_query;           /* GL_TIME_ELAPSED around render_draw, read a frame later */
    bool query_pending;
    uint32_t query_stride;       /* edge stride of the timed frame */
    uint32_t edge_stride;        /* learned level of detail for moving frames */
    double draw_s;
    uint32_t shown_stride;       /* edge stride of the frame on screen, for the HUD */
    bool camera_moving;
    uint64_t frame;
    double next_fit, next_labels;
    /* script */
    script_line *script;
    int script_len, script_pos, script_wait;
    char dump_path[512], state_path[512];
    int exit_status;
    /* screenshot being written (P/F12): shot's worker owns the pixels */
    shot_writer *shot;
    char shot_path[512];
} app;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void wake(void *user)
{
    (void)user;
    glfwPostEmptyEvent();
}

static void flash(app *a, const char *fmt, const char *arg)
{
    snprintf(a->message, sizeof a->message, fmt, arg);
    a->message_until = now() + 3.0;
}

static render_scene scene_of(const app *a)
{
    render_scene s = {0};
    if (a->lay) {
        s.positions = layout_position_buffer(a->lay);
        s.edges = layout_edge_buffer(a->lay);
        s.node_count = layout_node_count(a->lay);
        s.edge_count = layout_edge_count(a->lay);
    }
    s.hovered = a->hovered;
    s.selected = a->selected;
    return s;
}

static render_view view_of(const app *a)
{
    render_view v = {.image_w = a->fb_w, .image_h = a->fb_h, .pixel_scale = a->ui_scale,
                     .perspective = a->three_d, .theme = a->theme, .color_mode = a->color_mode,
                     .size_mode = a->size_mode, .labels = a->labels, .depth_ref = a->depth_ref};
    camera_view_proj(&a->cam, a->fb_w, a->fb_h, v.view_proj);
    return v;
}

/* ---------- actions ---------- */

static void frame_all(app *a, bool snap)
{
    render_scene s = scene_of(a);
    float lo[3], hi[3];
    if (!render_bounds(a->r, &s, lo, hi))
        return;
    if (!a->three_d)
        lo[2] = hi[2] = 0;
    camera_fit(&a->cam, a->fb_w, a->fb_h, lo, hi, 0.05f);
    if (snap)
        camera_snap(&a->cam);
    if (a->three_d) /* nominal node size at the framing distance */
        a->depth_ref = a->cam.target.distance;
}

static void fly_to(app *a, uint32_t id)
{
    render_scene s = scene_of(a);
    float p[3];
    if (!render_node_position(a->r, &s, id, p))
        return;
    if (!a->three_d) {
        p[2] = 0;
        /* Close enough to read the neighbourhood: at least 4x the framing zoom. */
        float lo[3], hi[3];
        if (render_bounds(a->r, &s, lo, hi)) {
            float ext = fmaxf(hi[0] - lo[0], hi[1] - lo[1]);
            float z = ext > 0 ? 4.0f * (float)(a->fb_w < a->fb_h ? a->fb_w : a->fb_h) / ext : a->cam.target.zoom;
            if (a->cam.target.zoom < z)
                a->cam.target.zoom = z;
        }
    }
    float lo[3], hi[3], dist = 0.3f;
    if (a->three_d && render_bounds(a->r, &s, lo, hi))
        dist = 0.15f * sqrtf((hi[0] - lo[0]) * (hi[0] - lo[0]) + (hi[1] - lo[1]) * (hi[1] - lo[1]) +
                             (hi[2] - lo[2]) * (hi[2] - lo[2])) + 1e-3f;
    camera_look_at(&a->cam, p, dist);
    a->user_camera = true;
}

/* Parses "a.b.c.d/n" or "x::/n" into an address and prefix length. */
static bool parse_cidr(const char *text, ip_addr *net, int *bits)
{
    const char *slash = strchr(text, '/');
    if (!slash)
        return false;
    char buf[SEARCH_MAX + 1];
    size_t n = (size_t)(slash - text);
    if (n >= sizeof buf)
        return false;
    memcpy(buf, text, n);
    buf[n] = 0;
    char *end;
    long b = strtol(slash + 1, &end, 10);
    if (*end || !addr_parse(buf, net))
        return false;
    int max = net->family == ADDR_V4 ? 32 : 128;
    if (b < 0 || b > max)
        return false;
    *bits = (int)b;
    return true;
}

static bool in_prefix(const ip_addr *a, const ip_addr *net, int bits)
{
    if (a->family != net->family)
        return false;
    int full = bits / 8, rest = bits % 8;
    if (memcmp(a->bytes, net->bytes, (size_t)full))
        return false;
    if (rest) {
        uint8_t mask = (uint8_t)(0xff << (8 - rest));
        return (a->bytes[full] & mask) == (net->bytes[full] & mask);
    }
    return true;
}

/* Finds the node for a search: an exact address, else the busiest node in a
 * CIDR prefix, else the busiest whose text starts with the query. */
static uint32_t search_find(const app *a, const char *q)
{
    ip_addr addr;
    uint32_t n = a->lay ? layout_node_count(a->lay) : 0;
    uint32_t gn = graph_node_count(a->g);
    if (gn < n)
        n = gn;
    if (addr_parse(q, &addr)) {
        uint32_t id = graph_find(a->g, &addr);
        return id < n ? id : RENDER_NONE;
    }
    int bits = 0;
    bool cidr = parse_cidr(q, &addr, &bits);
    uint32_t best = RENDER_NONE;
    uint32_t best_deg = 0;
    size_t ql = strlen(q);
    for (uint32_t i = 0; i < n; i++) {
        const graph_node *nd = graph_node_at(a->g, i);
        bool match;
        if (cidr) {
            match = in_prefix(&nd->addr, &addr, bits);
        } else {
            char text[ADDR_STRLEN];
            addr_format(&nd->addr, text);
            match = ql && strncmp(text, q, ql) == 0;
        }
        uint32_t d = atomic_load_explicit(&nd->degree, memory_order_relaxed);
        if (match && (best == RENDER_NONE || d > best_deg)) {
            best = i;
            best_deg = d;
        }
    }
    return best;
}

static void run_search(app *a)
{
    a->search_open = false;
    if (!a->search[0])
        return;
    uint32_t id = search_find(a, a->search);
    if (id == RENDER_NONE) {
        flash(a, "no node matches %s", a->search);
        return;
    }
    a->selected = id;
    fly_to(a, id);
}

/* ---------- screenshots (P / F12) ---------- */

/* Writes a PNG of the current view at factor x the window (labels, node
 * sizes and text scaled with it) to -o FILE.png, or to
 * ipviz-YYYYmmdd-HHMMSS.png here. Drawn now in shot's tiles; encoded on
 * shot's worker thread, polled by shot_poll, so the window keeps running. */
static void shot_say(app *a, bool error, const char *what, const char *detail)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "%s%s", what, detail);
    if (n < 0)
        return;
    size_t k = strlen(msg) < sizeof a->message - 1 ? strlen(msg) : sizeof a->message - 1;
    memcpy(a->message, msg, k);
    a->message[k] = 0;
    a->message_until = now() + 3.0;
    if (error)
        log_error("%s", msg);
    else
        log_info("%s", msg);
}

static void take_shot(app *a, float factor)
{
    char err[256];
    if (a->shot) {
        shot_say(a, false, "still writing ", a->shot_path);
        return;
    }
    if (a->o->output) {
        snprintf(a->shot_path, sizeof a->shot_path, "%s", a->o->output);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(a->shot_path, sizeof a->shot_path, "ipviz-%Y%m%d-%H%M%S.png", &tm);
    }
    int w = (int)lroundf((float)a->fb_w * factor), h = (int)lroundf((float)a->fb_h * factor);
    if (!shot_check_path(a->shot_path, err, sizeof err) || !shot_check_size(w, h, 3, err, sizeof err)) {
        char detail[1024];
        snprintf(detail, sizeof detail, "%s: %s", a->shot_path, err);
        shot_say(a, true, "picture not written: ", detail);
        return;
    }
    camera cam = a->cam; /* the same view, factor times the pixels */
    if (cam.mode == CAMERA_2D)
        cam.cur.zoom *= factor;
    render_scene s = scene_of(a);
    render_view v = view_of(a);
    v.image_w = w;
    v.image_h = h;
    v.pixel_scale = a->ui_scale * factor;
    camera_view_proj(&cam, w, h, v.view_proj);
    picture_desc pd = {.r = a->r, .scene = &s, .view = &v};
    shot_image *img = picture_render(&pd, err, sizeof err);
    a->next_labels = 0; /* the picture's placement replaced the window's */
    if (img)
        a->shot = shot_write_start(img, a->shot_path, NULL, NULL, err, sizeof err);
    if (!a->shot) {
        shot_say(a, true, "picture not written: ", err);
        return;
    }
    shot_say(a, false, "writing ", a->shot_path);
}

static void shot_poll(app *a, bool wait)
{
    if (!a->shot || (!wait && !shot_writer_done(a->shot)))
        return;
    char err[256];
    bool ok = shot_writer_finish(a->shot, err, sizeof err);
    a->shot = NULL;
    if (ok)
        shot_say(a, false, "wrote ", a->shot_path);
    else
        shot_say(a, true, "picture not written: ", err);
}

static void on_key(app *a, int key, int action, int mods)
{
    a->shift = (mods & GLFW_MOD_SHIFT) != 0;
    bool down = action != GLFW_RELEASE;
    int fly = -1;
    switch (key) {
    case GLFW_KEY_W: fly = 0; break;
    case GLFW_KEY_S: fly = 1; break;
    case GLFW_KEY_A: fly = 2; break;
    case GLFW_KEY_D: fly = 3; break;
    case GLFW_KEY_Q: fly = 4; break;
    case GLFW_KEY_E: fly = 5; break;
    default: break;
    }
    if (fly >= 0)
        a->fly_keys[fly] = down && !a->search_open && a->three_d;
    if (!down)
        return;
    if (a->search_open) {
        size_t len = strlen(a->search);
        if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER)
            run_search(a);
        else if (key == GLFW_KEY_ESCAPE)
            a->search_open = false;
        else if (key == GLFW_KEY_BACKSPACE && len)
            a->search[len - 1] = 0;
        return;
    }
    if (action == GLFW_REPEAT)
        return;
    switch (key) {
    case GLFW_KEY_SPACE:
        if (a->lay)
            layout_set_paused(a->lay, !layout_paused(a->lay));
        break;
    case GLFW_KEY_R:
        if (a->lay)
            layout_reheat(a->lay);
        break;
    case GLFW_KEY_F:
        if (a->selected != RENDER_NONE)
            fly_to(a, a->selected);
        else {
            frame_all(a, false);
            a->user_camera = false;
        }
        break;
    case GLFW_KEY_P: /* P: --scale (default 1) x the window; Shift 2x, Ctrl 4x */
    case GLFW_KEY_F12:
        take_shot(a, (mods & GLFW_MOD_CONTROL) ? 4.0f : (mods & GLFW_MOD_SHIFT) ? 2.0f
                     : a->o->scale > 0 ? a->o->scale : 1.0f);
        break;
    case GLFW_KEY_H:
    case GLFW_KEY_F1: a->help = !a->help; break;
    case GLFW_KEY_L: a->labels = !a->labels; break;
    case GLFW_KEY_T: a->theme = (render_theme)((a->theme + 1) % RENDER_THEME_COUNT); break;
    case GLFW_KEY_C: a->color_mode = a->color_mode == RENDER_COLOR_CLASS ? RENDER_COLOR_SUBNET : RENDER_COLOR_CLASS; break;
    case GLFW_KEY_V: a->size_mode = a->size_mode == RENDER_SIZE_DEGREE ? RENDER_SIZE_TRAFFIC : RENDER_SIZE_DEGREE; break;
    case GLFW_KEY_O:
        if (a->three_d)
            camera_set_mode(&a->cam, a->cam.mode == CAMERA_ORBIT ? CAMERA_FLY : CAMERA_ORBIT);
        break;
    case GLFW_KEY_U:
        if (a->lay && a->selected != RENDER_NONE)
            layout_unpin(a->lay, a->selected);
        break;
    case GLFW_KEY_ESCAPE:
        if (a->help)
            a->help = false;
        else
            a->selected = RENDER_NONE;
        break;
    default: break;
    }
    if (key == GLFW_KEY_Q && (mods & GLFW_MOD_CONTROL))
        a->quit = true;
}

static void on_char(app *a, unsigned int cp)
{
    if (!a->search_open) {
        if (cp == '/') {
            a->search_open = true;
            a->search[0] = 0;
        }
        return;
    }
    size_t len = strlen(a->search);
    if (cp >= 32 && cp < 127 && len < SEARCH_MAX) {
        a->search[len] = (char)cp;
        a->search[len + 1] = 0;
    }
}

static uint32_t pick_at(app *a, double x, double y)
{
    render_scene s = scene_of(a);
    render_view v = view_of(a);
    return render_pick(a->r, &s, &v, (float)x, (float)y);
}

static void on_button(app *a, int button, int action)
{
    if (button == GLFW_MOUSE_BUTTON_LEFT) {
        if (action == GLFW_PRESS) {
            a->left_down = true;
            a->press_x = a->mx;
            a->press_y = a->my;
            a->dragged = false;
            uint32_t hit = pick_at(a, a->mx, a->my);
            a->drag_node = !a->three_d ? hit : RENDER_NONE;
        } else if (action == GLFW_RELEASE && a->left_down) {
            a->left_down = false;
            if (!a->dragged)
                a->selected = pick_at(a, a->mx, a->my);
            a->drag_node = RENDER_NONE;
        }
    } else if (button == GLFW_MOUSE_BUTTON_RIGHT) {
        a->right_down = action == GLFW_PRESS;
    }
}

static void on_cursor(app *a, double x, double y)
{
    double dx = x - a->mx, dy = y - a->my;
    a->mx = x;
    a->my = y;
    a->mouse_moved = true;
    if (a->left_down && !a->dragged && fabs(x - a->press_x) + fabs(y - a->press_y) > 3 * a->ui_scale)
        a->dragged = true;
    if (!a->dragged && !a->right_down)
        return;
    if (a->left_down && a->drag_node != RENDER_NONE && a->lay) {
        float w[3];
        camera_screen_to_world(&a->cam, a->fb_w, a->fb_h, (float)x, (float)y, w);
        layout_pin(a->lay, a->drag_node, w);
        return;
    }
    if (!a->three_d) {
        if (a->left_down || a->right_down) {
            camera_pan(&a->cam, (float)dx, (float)dy);
            a->user_camera = true;
        }
        return;
    }
    if (a->left_down || a->right_down) {
        float k = 0.005f / a->ui_scale;
        camera_turn(&a->cam, (float)dx * k, (a->cam.mode == CAMERA_ORBIT ? 1.0f : -1.0f) * (float)dy * k);
        a->user_camera = true;
    }
}

static void on_scroll(app *a, double dy)
{
    float f = powf(1.15f, (float)dy);
    if (!a->three_d)
        camera_zoom_at(&a->cam, a->fb_w, a->fb_h, (float)a->mx, (float)a->my, f);
    else if (a->cam.mode == CAMERA_ORBIT)
        camera_orbit_dolly(&a->cam, 1.0f / f);
    else
        camera_fly_move(&a->cam, 0, 0, (float)dy * 0.05f * a->cam.target.distance);
    a->user_camera = true;
}

/* ---------- GLFW callbacks ---------- */

static app *app_of(GLFWwindow *w) { return glfwGetWindowUserPointer(w); }
static double cursor_scale(const app *a) { return a->win_w > 0 ? (double)a->fb_w / a->win_w : 1.0; }

static void cb_key(GLFWwindow *w, int key, int sc, int action, int mods)
{
    (void)sc;
    app_of(w)->dirty = true;
    on_key(app_of(w), key, action, mods);
}
static void cb_char(GLFWwindow *w, unsigned int cp)
{
    app_of(w)->dirty = true;
    on_char(app_of(w), cp);
}
static void cb_button(GLFWwindow *w, int button, int action, int mods)
{
    (void)mods;
    app_of(w)->dirty = true;
    on_button(app_of(w), button, action);
}
static void cb_cursor(GLFWwindow *w, double x, double y)
{
    app *a = app_of(w);
    if (a->script)
        return; /* scripted runs ignore the real pointer */
    double k = cursor_scale(a);
    a->dirty = true;
    on_cursor(a, x * k, y * k);
}
static void cb_scroll(GLFWwindow *w, double dx, double dy)
{
    (void)dx;
    app_of(w)->dirty = true;
    on_scroll(app_of(w), dy);
}

/* ---------- script ---------- */

static bool script_load(app *a, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        log_error("--script %s: cannot open it", path);
        return false;
    }
    char line[1024];
    int cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        if (a->script_len == cap) {
            cap = cap ? cap * 2 : 32;
            script_line *ns = realloc(a->script, sizeof *ns * (size_t)cap);
            if (!ns)
                break;
            a->script = ns;
        }
        a->script[a->script_len++].text = strdup(p);
    }
    fclose(f);
    if (!a->script) /* an empty script still means "scripted": ignore the real pointer */
        a->script = calloc(1, sizeof *a->script);
    return true;
}

static int key_of(const char *name)
{
    static const struct {
        const char *name;
        int key;
    } keys[] = {{"space", GLFW_KEY_SPACE}, {"enter", GLFW_KEY_ENTER}, {"escape", GLFW_KEY_ESCAPE},
                {"backspace", GLFW_KEY_BACKSPACE}, {"f1", GLFW_KEY_F1}, {"tab", GLFW_KEY_TAB},
                {"slash", GLFW_KEY_SLASH}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(name, keys[i].name))
            return keys[i].key;
    if (strlen(name) == 1 && isalpha((unsigned char)name[0]))
        return GLFW_KEY_A + (tolower((unsigned char)name[0]) - 'a');
    return GLFW_KEY_UNKNOWN;
}

static void print_state(app *a)
{
    char h[ADDR_STRLEN] = "-", s[ADDR_STRLEN] = "-";
    uint32_t n = graph_node_count(a->g);
    if (a->hovered != RENDER_NONE && a->hovered < n)
        addr_format(&graph_node_at(a->g, a->hovered)->addr, h);
    if (a->selected != RENDER_NONE && a->selected < n)
        addr_format(&graph_node_at(a->g, a->selected)->addr, s);
    render_scene sc = scene_of(a);
    printf("frame %llu hover %s selected %s nodes %u edges %u drawn %u loaded %d paused %d\n",
           (unsigned long long)a->frame, h, s, n, graph_edge_count(a->g), sc.node_count,
           loader_done(a->ld) ? 1 : 0, a->lay && layout_paused(a->lay) ? 1 : 0);
    fflush(stdout);
}

/* Runs script lines until one asks to wait. */
static void script_step(app *a)
{
    if (!a->script)
        return;
    if (a->script_wait > 0) {
        a->script_wait--;
        return;
    }
    while (a->script_pos < a->script_len) {
        const char *line = a->script[a->script_pos].text;
        char cmd[32] = "", arg[512] = "";
        double x = 0, y = 0;
        sscanf(line, "%31s %511[^\n]", cmd, arg);
        if (!strcmp(cmd, "wait")) {
            a->script_wait = atoi(arg) - 1;
            a->script_pos++;
            return;
        }
        if (!strcmp(cmd, "wait-loaded")) {
            if (!loader_done(a->ld) || graph_node_count(a->g) > (a->lay ? layout_node_count(a->lay) : 0))
                return;
        } else if (!strcmp(cmd, "wait-nodes")) {
            if ((long)(a->lay ? layout_node_count(a->lay) : 0) < atol(arg))
                return;
        } else if (!strcmp(cmd, "wait-settled")) {
            /* Converged, paused, or the step budget is spent. */
            if (a->lay && !layout_converged(a->lay) && !layout_paused(a->lay) && a->last_steps > 0)
                return;
        } else if (!strcmp(cmd, "wait-camera")) {
            if (a->camera_moving)
                return;
        } else if (!strcmp(cmd, "move-node")) {
            char text[ADDR_STRLEN + 1] = "";
            sscanf(arg, "%46s %lf %lf", text, &x, &y);
            ip_addr ad;
            uint32_t id = addr_parse(text, &ad) ? graph_find(a->g, &ad) : RENDER_NONE;
            render_scene sc = scene_of(a);
            float p[3], px[2];
            if (id == RENDER_NONE || !render_node_position(a->r, &sc, id, p)) {
                log_warn("--script: no node %s", text);
            } else {
                if (!a->three_d)
                    p[2] = 0;
                if (camera_world_to_screen(&a->cam, a->fb_w, a->fb_h, p, px))
                    on_cursor(a, px[0] + x, px[1] + y);
            }
        } else if (!strcmp(cmd, "move") || !strcmp(cmd, "click")) {
            sscanf(arg, "%lf %lf", &x, &y);
            double k = cursor_scale(a);
            on_cursor(a, x * k, y * k);
            if (!strcmp(cmd, "click")) {
                on_button(a, GLFW_MOUSE_BUTTON_LEFT, GLFW_PRESS);
                on_button(a, GLFW_MOUSE_BUTTON_LEFT, GLFW_RELEASE);
            }
        } else if (!strcmp(cmd, "down") || !strcmp(cmd, "up")) {
            int b = !strcmp(arg, "right") ? GLFW_MOUSE_BUTTON_RIGHT : GLFW_MOUSE_BUTTON_LEFT;
            on_button(a, b, !strcmp(cmd, "down") ? GLFW_PRESS : GLFW_RELEASE);
        } else if (!strcmp(cmd, "scroll")) {
            on_scroll(a, atof(arg));
        } else if (!strcmp(cmd, "key")) {
            int k = key_of(arg);
            if (k == GLFW_KEY_UNKNOWN)
                log_warn("--script: unknown key '%s'", arg);
            on_key(a, k, GLFW_PRESS, 0);
            on_key(a, k, GLFW_RELEASE, 0);
        } else if (!strcmp(cmd, "type")) {
            for (const char *p = arg; *p; p++)
                on_char(a, (unsigned char)*p);
        } else if (!strcmp(cmd, "print")) {
            print_state(a);
        } else if (!strcmp(cmd, "dump")) {
            snprintf(a->dump_path, sizeof a->dump_path, "%s", arg);
        } else if (!strcmp(cmd, "state")) {
            snprintf(a->state_path, sizeof a->state_path, "%s", arg);
        } else if (!strcmp(cmd, "quit")) {
            a->quit = true;
        } else {
            log_warn("--script: unknown action '%s'", line);
        }
        a->script_pos++;
    }
}

static void write_dump(app *a)
{
    FILE *f = fopen(a->dump_path, "wb");
    uint8_t *px = malloc((size_t)a->fb_w * a->fb_h * 3);
    if (!f || !px) {
        log_error("--script dump %s: cannot write it", a->dump_path);
        if (f)
            fclose(f);
        free(px);
        a->dump_path[0] = 0;
        return;
    }
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, a->fb_w, a->fb_h, GL_RGB, GL_UNSIGNED_BYTE, px);
    fprintf(f, "P6\n%d %d\n255\n", a->fb_w, a->fb_h);
    for (int y = a->fb_h - 1; y >= 0; y--)
        fwrite(px + (size_t)y * a->fb_w * 3, 1, (size_t)a->fb_w * 3, f);
    fclose(f);
    free(px);
    a->dump_path[0] = 0;
}

/* One line per node: id address x y (framebuffer pixels) radius labelled. */
static void write_state(app *a)
{
    FILE *f = fopen(a->state_path, "w");
    render_scene s = scene_of(a);
    uint32_t n = s.node_count, gn = graph_node_count(a->g);
    if (gn < n)
        n = gn;
    float *pos = malloc(sizeof(float) * 3 * (n ? n : 1));
    uint8_t *lab = calloc(n ? n : 1, 1);
    uint32_t *ids = malloc(sizeof *ids * 4096);
    if (!f || !pos || !lab || !ids || (n && !layout_read_positions(a->lay, pos, 3))) {
        log_error("--script state %s: cannot write it", a->state_path);
        goto out;
    }
    int nl = a->labels ? render_label_nodes(a->r, ids, 4096) : 0;
    for (int i = 0; i < nl; i++)
        if (ids[i] < n)
            lab[ids[i]] = 1;
    fprintf(f, "# id address x y radius labelled (framebuffer %dx%d)\n", a->fb_w, a->fb_h);
    for (uint32_t i = 0; i < n; i++) {
        const graph_node *nd = graph_node_at(a->g, i);
        char text[ADDR_STRLEN];
        addr_format(&nd->addr, text);
        float w[3] = {pos[3 * i], pos[3 * i + 1], a->three_d ? pos[3 * i + 2] : 0}, p[2] = {-1, -1};
        camera_world_to_screen(&a->cam, a->fb_w, a->fb_h, w, p);
        float rad = render_node_radius(a->size_mode, atomic_load(&nd->degree), atomic_load(&nd->bytes)) * a->ui_scale;
        fprintf(f, "%u %s %.2f %.2f %.2f %d\n", i, text, p[0], p[1], rad, lab[i]);
    }
out:
    if (f)
        fclose(f);
    free(pos);
    free(lab);
    free(ids);
    a->state_path[0] = 0;
}

/* ---------- HUD ---------- */

static void human(double v, char *buf, size_t n)
{
    const char *u[] = {"", "k", "M", "G", "T"};
    int i = 0;
    while (v >= 1000 && i < 4) {
        v /= 1000;
        i++;
    }
    snprintf(buf, n, i ? "%.1f%s" : "%.0f%s", v, u[i]);
}

static void fmt_time(int64_t ns, char *buf, size_t n)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void draw_hud(app *a)
{
    render *r = a->r;
    float s = a->ui_scale, px = 14 * s, pad = 6 * s;
    bool light = a->theme != RENDER_THEME_DARK;
    uint32_t panel = light ? 0xf2f2f2e0 : 0x000000b0, fg = light ? 0x202020ff : 0xe8e8e8ff;
    char line[256];
    render_scene sc = scene_of(a);
    char lod[32] = "";
    if (a->shown_stride > 1)
        snprintf(lod, sizeof lod, " (1/%u shown)", a->shown_stride);
    snprintf(line, sizeof line, "%u nodes  %u edges%s  %.0f fps  %.0f layout steps/s%s", sc.node_count,
             sc.edge_count, lod, a->fps, a->steps_per_s,
             a->lay && layout_paused(a->lay) ? "  [paused]" : a->lay && layout_converged(a->lay) ? "  [settled]" : "");
    float w = render_text_width(r, px, line);
    render_overlay_rect(r, 0, 0, w + 2 * pad, px + 2 * pad, panel);
    render_overlay_text(r, pad, pad, px, fg, line);
    float y = px + 2 * pad;

    /* Progress while loading. */
    if (!loader_done(a->ld)) {
        const loader_stats *st = loader_get_stats(a->ld);
        uint64_t done = atomic_load_explicit(&st->file_bytes_done, memory_order_relaxed);
        uint64_t total = atomic_load_explicit(&st->file_bytes_total, memory_order_relaxed);
        double frac = total ? (double)done / (double)total : 0;
        if (frac > 1)
            frac = 1;
        char b1[16], b2[16], pk[16];
        human((double)done, b1, sizeof b1);
        human((double)total, b2, sizeof b2);
        human((double)atomic_load_explicit(&st->packets, memory_order_relaxed), pk, sizeof pk);
        snprintf(line, sizeof line, "reading %sB of %sB  %s packets  %u nodes  %u edges", b1, b2, pk,
                 graph_node_count(a->g), graph_edge_count(a->g));
        float bw = (float)a->fb_w * 0.5f, bx = ((float)a->fb_w - bw) / 2, by = (float)a->fb_h - 40 * s;
        render_overlay_rect(r, bx - pad, by - px - 2 * pad, bw + 2 * pad, px + 10 * s + 3 * pad, panel);
        render_overlay_text(r, bx, by - px - pad, px, fg, line);
        render_overlay_rect(r, bx, by, bw, 8 * s, light ? 0xccccccff : 0x404040ff);
        render_overlay_rect(r, bx, by, bw * (float)frac, 8 * s, 0x4fc3f7ff);
    }

    /* Tooltip for the hovered node, panel for the selected one. */
    uint32_t show = a->hovered != RENDER_NONE ? a->hovered : a->selected;
    if (show != RENDER_NONE && show < graph_node_count(a->g)) {
        const graph_node *nd = graph_node_at(a->g, show);
        char addr[ADDR_STRLEN], pk[16], by[16], t0[40], t1[40], lines[5][128];
        addr_format(&nd->addr, addr);
        human((double)atomic_load_explicit(&nd->packets, memory_order_relaxed), pk, sizeof pk);
        human((double)atomic_load_explicit(&nd->bytes, memory_order_relaxed), by, sizeof by);
        fmt_time(atomic_load_explicit(&nd->first_ns, memory_order_relaxed), t0, sizeof t0);
        fmt_time(atomic_load_explicit(&nd->last_ns, memory_order_relaxed), t1, sizeof t1);
        snprintf(lines[0], sizeof lines[0], "%s%s", addr, show == a->selected ? "  (selected)" : "");
        snprintf(lines[1], sizeof lines[1], "degree %u", atomic_load_explicit(&nd->degree, memory_order_relaxed));
        snprintf(lines[2], sizeof lines[2], "%s packets, %sB", pk, by);
        snprintf(lines[3], sizeof lines[3], "first %s", t0);
        snprintf(lines[4], sizeof lines[4], "last  %s", t1);
        float tw = 0;
        for (int i = 0; i < 5; i++)
            tw = fmaxf(tw, render_text_width(r, px, lines[i]));
        float tx = (float)a->mx + 16 * s, ty = (float)a->my + 16 * s, th = 5 * (px + 2 * s) + 2 * pad;
        if (a->hovered == RENDER_NONE) { /* selection only: fixed corner */
            tx = (float)a->fb_w - tw - 3 * pad;
            ty = pad;
        }
        if (tx + tw + 2 * pad > (float)a->fb_w)
            tx = (float)a->mx - tw - 2 * pad - 8 * s;
        if (ty + th > (float)a->fb_h)
            ty = (float)a->my - th - 8 * s;
        render_overlay_rect(r, tx, ty, tw + 2 * pad, th, panel);
        for (int i = 0; i < 5; i++)
            render_overlay_text(r, tx + pad, ty + pad + (float)i * (px + 2 * s), px, fg, lines[i]);
    }

    if (a->search_open) {
        snprintf(line, sizeof line, "find: %s_", a->search);
        float sw = fmaxf(render_text_width(r, px, line), 240 * s);
        float sx = ((float)a->fb_w - sw) / 2;
        render_overlay_rect(r, sx - pad, y + pad, sw + 2 * pad, px + 2 * pad, panel);
        render_overlay_text(r, sx, y + 2 * pad, px, fg, line);
    } else if (a->message[0] && now() < a->message_until) {
        float mw = render_text_width(r, px, a->message);
        render_overlay_rect(r, ((float)a->fb_w - mw) / 2 - pad, y + pad, mw + 2 * pad, px + 2 * pad, panel);
        render_overlay_text(r, ((float)a->fb_w - mw) / 2, y + 2 * pad, px, fg, a->message);
    }

    if (a->help) {
        static const char *const help[] = {
            "mouse        drag: pan (2D) / turn (3D);  wheel: zoom about the cursor",
            "             hover: details;  click: select + neighbours;  drag a node: move and pin",
            "/            find an address or CIDR prefix (Enter flies there)",
            "F            frame the graph, or the selection",
            "space        pause / resume the layout;   R  reheat;   U  unpin the selection",
            "L  labels    T  theme    C  colour: class / subnet    V  size: degree / traffic",
            "3D           W A S D  move,  Q / E  down / up,  Shift  faster,  O  orbit / fly",
            "Esc          close, or clear the selection;   H or F1  this help;  Ctrl+Q  quit",
        };
        int nh = (int)(sizeof help / sizeof help[0]);
        float hw = 0;
        for (int i = 0; i < nh; i++)
            hw = fmaxf(hw, render_text_width(r, px, help[i]));
        float hh = (float)nh * (px + 4 * s) + 2 * pad;
        float hx = ((float)a->fb_w - hw) / 2, hy = ((float)a->fb_h - hh) / 2;
        render_overlay_rect(r, hx - pad, hy, hw + 2 * pad, hh, panel);
        for (int i = 0; i < nh; i++)
            render_overlay_text(r, hx, hy + pad + (float)i * (px + 4 * s), px, fg, help[i]);
    } else {
        const char *hint = "H: help";
        float hw = render_text_width(r, px, hint);
        render_overlay_text(r, (float)a->fb_w - hw - pad, (float)a->fb_h - px - pad, px,
                            light ? 0x606060ff : 0x909090ff, hint);
    }
    render_overlay_flush(r, a->fb_w, a->fb_h);
}

/* ---------- window ---------- */

static void glfw_error(int code, const char *desc)
{
    log_debug("GLFW error 0x%x: %s", code, desc);
}

/* GLFW could not make a 4.3 core context: find what the display offers. */
static void report_version(void)
{
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow *w = glfwCreateWindow(64, 64, "ipviz", NULL, NULL);
    if (!w) {
        log_error("no OpenGL context from the display; OpenGL 4.3 needed; use --headless");
        return;
    }
    glfwMakeContextCurrent(w);
    typedef const unsigned char *(*get_string_fn)(unsigned int);
    get_string_fn gs = (get_string_fn)glfwGetProcAddress("glGetString");
    const char *ver = gs ? (const char *)gs(0x1F02 /* GL_VERSION */) : NULL;
    const char *ren = gs ? (const char *)gs(0x1F01 /* GL_RENDERER */) : NULL;
    log_error("OpenGL %s found (%s), 4.3 needed; update the graphics driver or use --headless",
              ver ? ver : "unknown", ren ? ren : "unknown renderer");
    glfwDestroyWindow(w);
}

static bool open_window(app *a)
{
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 4);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    int w = a->o->width > 0 ? a->o->width : 1280, h = a->o->height > 0 ? a->o->height : 800;
    char title[256];
    snprintf(title, sizeof title, "ipviz - %s%s", a->o->ncaptures > 0 ? a->o->captures[0] : "",
             a->o->ncaptures > 1 ? " ..." : "");
    a->win = glfwCreateWindow(w, h, title, NULL, NULL);
    if (!a->win) {
        report_version();
        return false;
    }
    glfwMakeContextCurrent(a->win);
    char err[256];
    if (!glctx_load((glctx_proc(*)(const char *))glfwGetProcAddress, err, sizeof err)) {
        log_error("%s; or use --headless", err);
        return false;
    }
    glfwSwapInterval(a->o->frames > 0 || a->o->script ? 0 : 1);
    glfwSetWindowUserPointer(a->win, a);
    glfwSetKeyCallback(a->win, cb_key);
    glfwSetCharCallback(a->win, cb_char);
    glfwSetMouseButtonCallback(a->win, cb_button);
    glfwSetCursorPosCallback(a->win, cb_cursor);
    glfwSetScrollCallback(a->win, cb_scroll);
    return true;
}

static void update_sizes(app *a)
{
    glfwGetFramebufferSize(a->win, &a->fb_w, &a->fb_h);
    glfwGetWindowSize(a->win, &a->win_w, &a->win_h);
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(a->win, &sx, &sy);
    /* Pixel scale: framebuffer pixels per window unit, times the desktop's scale. */
    float fbk = a->win_w > 0 ? (float)a->fb_w / (float)a->win_w : 1.0f;
    a->ui_scale = fbk > 1.01f ? fbk : (sx > 0.5f ? sx : 1.0f);
}

static void fly_input(app *a, float dt)
{
    if (!a->three_d)
        return;
    float speed = 0.5f * (a->cam.mode == CAMERA_ORBIT ? a->cam.target.distance : 1.0f) * (a->shift ? 4.0f : 1.0f) * dt;
    float rgt = (float)(a->fly_keys[3] - a->fly_keys[2]), up = (float)(a->fly_keys[5] - a->fly_keys[4]);
    float fwd = (float)(a->fly_keys[0] - a->fly_keys[1]);
    if (rgt != 0 || up != 0 || fwd != 0) {
        camera_fly_move(&a->cam, rgt * speed, up * speed, fwd * speed);
        a->user_camera = true;
    }
}

static int main_loop(app *a)
{
    a->last_t = now();
    double steps_window_t = a->last_t;
    int steps_window = 0;
    double layout_cost = 0.002; /* seconds per step, measured */
    while (!a->quit && !glfwWindowShouldClose(a->win)) {
        bool busy = !loader_done(a->ld) || (a->lay && !layout_converged(a->lay) && !layout_paused(a->lay)) ||
                    a->script || a->o->frames > 0;
        double t = now();
        float dt = (float)(t - a->last_t);
        a->last_t = t;
        if (dt > 0 && a->frame > 1)
            a->fps = a->fps > 0 ? 0.9 * a->fps + 0.1 / dt : 1.0 / dt;
        bool moving = camera_update(&a->cam, dt);
        a->camera_moving = moving;
        if (busy || moving || a->left_down || a->right_down)
            glfwPollEvents();
        else
            glfwWaitEventsTimeout(0.25);
        int old_w = a->fb_w, old_h = a->fb_h;
        update_sizes(a);
        if (a->fb_w <= 0 || a->fb_h <= 0)
            continue; /* minimised */
        if (a->fb_w != old_w || a->fb_h != old_h)
            a->dirty = true;
        shot_poll(a, false);
        bool still = !busy && !moving && !a->left_down && !a->right_down;
        if (still && !a->dirty && a->drawn_still && now() >= a->message_until)
            continue; /* nothing changed since the last full frame */
        script_step(a);
        fly_input(a, dt);

        /* New data. */
        if (!layout_sync(a->lay, a->g)) {
            log_error("the layout failed on %s; use --headless", glctx_renderer());
            return 1;
        }
        if (!render_sync(a->r, a->g, 65536))
            return 1;

        /* Layout steps within the budget, at least one. */
        a->last_steps = 0;
        if (!layout_paused(a->lay) && !layout_converged(a->lay)) {
            int want = (int)(LAYOUT_BUDGET_S / (layout_cost > 1e-6 ? layout_cost : 1e-6));
            want = want < 1 ? 1 : want > 50 ? 50 : want;
            double t0 = now();
            int done = layout_step(a->lay, want);
            a->last_steps = done;
            if (done > 0) {
                glFinish();
                double c = (now() - t0) / done;
                layout_cost = 0.7 * layout_cost + 0.3 * c;
                steps_window += done;
            }
        }
        if (t - steps_window_t >= 0.5) {
            a->steps_per_s = steps_window / (t - steps_window_t);
            steps_window = 0;
            steps_window_t = t;
        }

        /* Keep the whole graph in view until the user takes the camera. */
        if (!a->user_camera && (t >= a->next_fit || layout_node_count(a->lay) < 100000)) {
            frame_all(a, true); /* the layout moves smoothly: tracking it needs no easing */
            a->next_fit = t + 0.3;
        }

        render_scene s = scene_of(a);
        render_view v = view_of(a);
        /* Hover: when the pointer moved, or the nodes under it moved. */
        if (a->mouse_moved || (a->frame % 4) == 0) {
            if (!a->left_down)
                a->hovered = render_pick(a->r, &s, &v, (float)a->mx, (float)a->my);
            a->mouse_moved = false;
            s.hovered = a->hovered;
        }
        if (a->hovered != RENDER_NONE && a->hovered >= s.node_count)
            a->hovered = RENDER_NONE;
        if (a->labels && (t >= a->next_labels || s.node_count < 20000)) {
            render_place_labels(a->r, &s, &v);
            a->next_labels = t + 0.25;
        }
        /* Level of detail: frames drawn while things move skip edges when the
         * last timed draw overran; a still frame draws everything. */
        if (a->query_pending) {
            GLint avail = 0;
            glGetQueryObjectiv(a->draw_query, GL_QUERY_RESULT_AVAILABLE, &avail);
            if (avail) {
                GLuint64 ns = 0;
                glGetQueryObjectui64v(a->draw_query, GL_QUERY_RESULT, &ns);
                a->draw_s = (double)ns * 1e-9;
                a->query_pending = false;
                uint32_t most = s.edge_count / 2000 > 1 ? s.edge_count / 2000 : 1;
                if (a->query_stride == a->edge_stride) {
                    if (a->draw_s > 0.024 && a->edge_stride < most)
                        a->edge_stride *= 2;
                    else if (a->draw_s < 0.008 && a->edge_stride > 1)
                        a->edge_stride /= 2;
                }
            }
        }
        v.edge_stride = still ? 1 : a->edge_stride;
        bool timing = !a->query_pending && a->draw_query;
        if (timing)
            glBeginQuery(GL_TIME_ELAPSED, a->draw_query);
        bool drawn = render_draw(a->r, &s, &v);
        if (timing) {
            glEndQuery(GL_TIME_ELAPSED);
            a->query_pending = true;
            a->query_stride = v.edge_stride;
        }
        if (!drawn)
            return 1;
        a->drawn_still = still;
        a->dirty = false;
        a->shown_stride = v.edge_stride;
        draw_hud(a);
        if (a->dump_path[0])
            write_dump(a);
        if (a->state_path[0])
            write_state(a);
        glfwSwapBuffers(a->win);
        a->frame++;
        if (a->o->frames > 0 && a->frame >= (uint64_t)a->o->frames)
            break;
        if (a->script && a->script_pos >= a->script_len && a->script_wait <= 0 && a->o->frames <= 0)
            break;
    }
    return 0;
}

int app_run(const ipviz_options *o)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    if ((!x || !*x) && (!wl || !*wl)) {
        log_error("no display (DISPLAY/WAYLAND_DISPLAY unset); use --headless");
        return 1;
    }
    app *a = calloc(1, sizeof *a);
    if (!a) {
        log_error("out of memory");
        return 1;
    }
    a->o = o;
    a->hovered = a->selected = a->drag_node = RENDER_NONE;
    a->three_d = o->three_d;
    a->labels = !o->no_labels;
    if (!render_theme_parse(o->theme, &a->theme))
        a->theme = RENDER_THEME_DARK;
    camera_init(&a->cam, o->three_d);
    int status = 1;
    if (o->script && !script_load(a, o->script))
        goto out_free;
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit()) {
        log_error("cannot open the display %s; use --headless", x && *x ? x : wl);
        goto out_free;
    }
    if (!open_window(a))
        goto out_glfw;
    update_sizes(a);
    a->edge_stride = 1;
    glGenQueries(1, &a->draw_query);
    a->r = render_create(NULL);
    layout_params lp = {.dims = o->three_d ? 3 : 2, .iterations = o->iterations > 0 ? o->iterations : 0,
                        .seed = o->seed, .nx_compat = o->nx_compat};
    a->lay = a->r ? layout_create(&lp) : NULL;
    if (!a->r || !a->lay) {
        if (a->r)
            log_error("the layout could not start on %s; use --headless", glctx_renderer());
        goto out_window;
    }
    a->g = graph_create();
    if (!a->g) {
        log_error("out of memory");
        goto out_window;
    }
    loader_desc ld = {.paths = o->captures, .npaths = o->ncaptures, .filter = o->filter, .graph = a->g,
                      .on_publish = wake, .user = a};
    a->ld = loader_start(&ld);
    if (!a->ld)
        goto out_window;
    status = main_loop(a);
    loader_cancel(a->ld);
    loader_join(a->ld);
    if (status == 0) {
        const loader_stats *st = loader_get_stats(a->ld);
        if (atomic_load(&st->files_read) == 0 && atomic_load(&st->packets) == 0)
            status = 1;
        else if (loader_problem_count(a->ld))
            status = 3;
    }
out_window:
    shot_poll(a, true);
    if (a->draw_query)
        glDeleteQueries(1, &a->draw_query);
    loader_destroy(a->ld);
    render_destroy(a->r);
    layout_destroy(a->lay);
    graph_destroy(a->g);
    if (a->win)
        glfwDestroyWindow(a->win);
out_glfw:
    glfwTerminate();
out_free:
    for (int i = 0; i < a->script_len; i++)
        free(a->script[i].text);
    free(a->script);
    free(a);
    return status;
}
