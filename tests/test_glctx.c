/* The headless EGL context: GL 4.3 core with compute shaders, and the embedded
 * shaders compile. */
#include <string.h>

#include "glctx.h"
#include "util.h"

int main(void)
{
    test_require_gl();
    GLint major = 0, minor = 0;
    glGetIntegerv(GL_MAJOR_VERSION, &major);
    glGetIntegerv(GL_MINOR_VERSION, &minor);
    fprintf(stderr, "renderer: %s, GL %s\n", glctx_renderer(), glctx_version());
    CHECK(major > 4 || (major == 4 && minor >= 3));
    GLuint p = glctx_program_compute("noop.comp.glsl");
    CHECK(p != 0);
    glUseProgram(p);
    glDispatchCompute(1, 1, 1);
    glMemoryBarrier(GL_ALL_BARRIER_BITS);
    glFinish();
    CHECK_INT(glGetError(), GL_NO_ERROR);
    CHECK(glctx_program_compute("no-such-shader.glsl") == 0);
    return test_result();
}
