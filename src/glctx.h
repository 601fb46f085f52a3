/* glctx: an OpenGL 4.3+ core context, from EGL with no display server
 * (headless runs, tests) or from a window the app created (GLFW).
 *
 * DESIGN: the solver and the renderer only need a current context, never a
 * window; that is what lets tests and --headless run on EGL with no X server,
 * on Mesa llvmpipe and on NVIDIA alike. EGL is loaded at run time by GLAD
 * (dlopen of libEGL.so.1), so a machine without it still runs -n 0 exports.
 * Headless platform order: $IPVIZ_EGL_PLATFORM ("device", "surfaceless" or
 * "default") if set, else EGL devices (a real GPU first), then Mesa's
 * surfaceless platform, then the default display.
 *
 * Threads: a context is current on the thread that created it; use it there. */
#ifndef IPVIZ_GLCTX_H
#define IPVIZ_GLCTX_H

#include <stdbool.h>
#include <stddef.h>

#include <glad/gl.h>

typedef struct glctx glctx;

/* Creates a headless context and makes it current. On error returns NULL and
 * writes a one-line reason naming what was missing into err. */
glctx *glctx_create_headless(char *err, size_t errlen);
void glctx_destroy(glctx *c); /* accepts NULL */

/* For a context made current by someone else (GLFW): loads GL entry points
 * through getproc and checks for 4.3 core with compute shaders. On error
 * writes e.g. "OpenGL 3.3 found, 4.3 needed" into err. */
typedef void (*glctx_proc)(void);
bool glctx_load(glctx_proc (*getproc)(const char *name), char *err, size_t errlen);

/* GL_RENDERER and GL_VERSION of the current context, for --stats and logs. */
const char *glctx_renderer(void);
const char *glctx_version(void);

/* Compiles and links a program from embedded shader names (see shader.h).
 * Returns 0 and logs the compiler's message on failure. */
GLuint glctx_program_compute(const char *cs_name);
GLuint glctx_program_render(const char *vs_name, const char *fs_name);

#endif
