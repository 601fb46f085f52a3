/* glctx: EGL headless contexts, GL loading and version checks, shader programs.
 *
 * The only file that includes GLAD's EGL header. Tries EGL platforms in the
 * order given in glctx.h and keeps the first that yields a 4.3 core context. */
#include "glctx.h"

#include <glad/egl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "shader.h"

struct glctx {
    EGLDisplay display;
    EGLContext context;
};

static bool check_version(char *err, size_t errlen)
{
    GLint major = 0, minor = 0;
    glGetIntegerv(GL_MAJOR_VERSION, &major);
    glGetIntegerv(GL_MINOR_VERSION, &minor);
    if (major < 4 || (major == 4 && minor < 3)) {
        snprintf(err, errlen,
                 "OpenGL %d.%d found (%s), 4.3 with compute shaders needed; "
                 "update the graphics driver, or use -n 0 to read and export without layout",
                 major, minor, glctx_renderer());
        return false;
    }
    return true;
}

bool glctx_load(glctx_proc (*getproc)(const char *name), char *err, size_t errlen)
{
    if (!gladLoadGL((GLADloadfunc)getproc)) {
        snprintf(err, errlen, "cannot load OpenGL functions from the current context");
        return false;
    }
    return check_version(err, errlen);
}

const char *glctx_renderer(void)
{
    const char *s = (const char *)glGetString(GL_RENDERER);
    return s ? s : "unknown renderer";
}

const char *glctx_version(void)
{
    const char *s = (const char *)glGetString(GL_VERSION);
    return s ? s : "unknown version";
}

/* Tries to make a 4.3 core context current on dpy. */
static bool try_display(glctx *c, EGLDisplay dpy, char *why, size_t whylen)
{
    EGLint maj = 0, min = 0;
    if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &maj, &min)) {
        snprintf(why, whylen, "eglInitialize failed (0x%x)", (unsigned)eglGetError());
        return false;
    }
    gladLoaderLoadEGL(dpy); /* display extensions */
    if (!eglBindAPI(EGL_OPENGL_API)) {
        snprintf(why, whylen, "EGL has no desktop OpenGL");
        eglTerminate(dpy);
        return false;
    }
    EGLConfig config = NULL;
    if (!GLAD_EGL_KHR_no_config_context) {
        const EGLint cattr[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
        EGLint n = 0;
        if (!eglChooseConfig(dpy, cattr, &config, 1, &n) || n < 1) {
            snprintf(why, whylen, "no EGL config for desktop OpenGL");
            eglTerminate(dpy);
            return false;
        }
    }
    const EGLint attr[] = {EGL_CONTEXT_MAJOR_VERSION, 4, EGL_CONTEXT_MINOR_VERSION, 3,
                           EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                           EGL_NONE};
    EGLContext ctx = eglCreateContext(dpy, config, EGL_NO_CONTEXT, attr);
    if (ctx == EGL_NO_CONTEXT) {
        snprintf(why, whylen, "no OpenGL 4.3 core context (EGL error 0x%x)", (unsigned)eglGetError());
        eglTerminate(dpy);
        return false;
    }
    if (!eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
        snprintf(why, whylen, "cannot make a surfaceless context current (EGL error 0x%x)",
                 (unsigned)eglGetError());
        eglDestroyContext(dpy, ctx);
        eglTerminate(dpy);
        return false;
    }
    c->display = dpy;
    c->context = ctx;
    return true;
}

static bool try_devices(glctx *c, char *why, size_t whylen)
{
    if (!GLAD_EGL_EXT_platform_device || !eglQueryDevicesEXT) {
        snprintf(why, whylen, "EGL has no device platform");
        return false;
    }
    EGLDeviceEXT devs[16];
    EGLint n = 0;
    if (!eglQueryDevicesEXT(16, devs, &n) || n == 0) {
        snprintf(why, whylen, "EGL lists no devices");
        return false;
    }
    /* Hardware devices first: Mesa lists its software device too. */
    for (int pass = 0; pass < 2; pass++) {
        for (EGLint i = 0; i < n; i++) {
            const char *ext = eglQueryDeviceStringEXT ? eglQueryDeviceStringEXT(devs[i], EGL_EXTENSIONS) : NULL;
            bool software = ext && strstr(ext, "EGL_MESA_device_software");
            if (software != (pass == 1))
                continue;
            EGLDisplay d = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, devs[i], NULL);
            if (try_display(c, d, why, whylen))
                return true;
        }
    }
    return false;
}

static bool try_surfaceless(glctx *c, char *why, size_t whylen)
{
    if (!GLAD_EGL_MESA_platform_surfaceless) {
        snprintf(why, whylen, "EGL has no surfaceless platform");
        return false;
    }
    EGLDisplay d = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
    return try_display(c, d, why, whylen);
}

static bool try_default(glctx *c, char *why, size_t whylen)
{
    return try_display(c, eglGetDisplay(EGL_DEFAULT_DISPLAY), why, whylen);
}

glctx *glctx_create_headless(char *err, size_t errlen)
{
    if (!gladLoaderLoadEGL(EGL_NO_DISPLAY)) {
        snprintf(err, errlen, "cannot load libEGL.so.1; install libegl1 and a GL driver "
                              "(Debian: libegl1 libgl1-mesa-dri), or use -n 0");
        return NULL;
    }
    glctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    const char *want = getenv("IPVIZ_EGL_PLATFORM");
    char why[256] = "no EGL platform tried";
    bool ok = false;
    if (want && *want) {
        if (!strcmp(want, "device"))
            ok = try_devices(c, why, sizeof why);
        else if (!strcmp(want, "surfaceless"))
            ok = try_surfaceless(c, why, sizeof why);
        else
            ok = try_default(c, why, sizeof why);
    } else {
        ok = try_devices(c, why, sizeof why) || try_surfaceless(c, why, sizeof why) ||
             try_default(c, why, sizeof why);
    }
    if (!ok) {
        snprintf(err, errlen, "no headless OpenGL 4.3 context: %s; install Mesa "
                              "(libgl1-mesa-dri) or a GPU driver with EGL, or use -n 0", why);
        free(c);
        return NULL;
    }
    if (!glctx_load((glctx_proc(*)(const char *))eglGetProcAddress, err, errlen)) {
        glctx_destroy(c);
        return NULL;
    }
    return c;
}

void glctx_destroy(glctx *c)
{
    if (!c)
        return;
    if (c->display != EGL_NO_DISPLAY && c->display) {
        eglMakeCurrent(c->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        if (c->context != EGL_NO_CONTEXT)
            eglDestroyContext(c->display, c->context);
        eglTerminate(c->display);
    }
    free(c);
}

static GLuint compile(GLenum type, const char *name)
{
    char *src = shader_source(name);
    if (!src) {
        log_error("shader %s is missing from the build", name);
        return 0;
    }
    GLuint s = glCreateShader(type);
    const char *srcs[1] = {src};
    glShaderSource(s, 1, srcs, NULL);
    glCompileShader(s);
    shader_release(src);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char msg[2048];
        glGetShaderInfoLog(s, sizeof msg, NULL, msg);
        log_error("shader %s does not compile on %s: %s", name, glctx_renderer(), msg);
        glDeleteShader(s);
        return 0;
    }
    return s;
}

static GLuint link(GLuint a, GLuint b, const char *name)
{
    GLuint p = glCreateProgram();
    glAttachShader(p, a);
    if (b)
        glAttachShader(p, b);
    glLinkProgram(p);
    glDeleteShader(a);
    if (b)
        glDeleteShader(b);
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        char msg[2048];
        glGetProgramInfoLog(p, sizeof msg, NULL, msg);
        log_error("shader program %s does not link: %s", name, msg);
        glDeleteProgram(p);
        return 0;
    }
    return p;
}

GLuint glctx_program_compute(const char *cs_name)
{
    GLuint cs = compile(GL_COMPUTE_SHADER, cs_name);
    return cs ? link(cs, 0, cs_name) : 0;
}

GLuint glctx_program_render(const char *vs_name, const char *fs_name)
{
    GLuint vs = compile(GL_VERTEX_SHADER, vs_name);
    if (!vs)
        return 0;
    GLuint fs = compile(GL_FRAGMENT_SHADER, fs_name);
    if (!fs) {
        glDeleteShader(vs);
        return 0;
    }
    return link(vs, fs, vs_name);
}
