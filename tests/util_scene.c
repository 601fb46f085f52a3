/* A small scene for the picture tests and benchmarks, drawn without the
 * renderer: instanced discs and anti-aliased strokes (the shapes of nodes,
 * edges and glyph strokes) in image pixels, premultiplied alpha. */
#include "util_scene.h"

#include <stddef.h>
#include <stdio.h>

static const char *VS =
    "#version 430 core\n"
    "layout(location=0) in vec2 a_px;\n"
    "layout(location=1) in vec2 b_px;\n"
    "layout(location=2) in float r_px;\n"
    "layout(location=3) in vec4 color;\n"
    "uniform mat4 u_tile;\n"
    "uniform vec2 u_size;\n"
    "out vec2 v_px;\n"
    "flat out vec2 v_a, v_b;\n"
    "flat out float v_r;\n"
    "flat out vec4 v_color;\n"
    "void main() {\n"
    "  vec2 corner = vec2((gl_VertexID & 1) != 0 ? 1.0 : -1.0, (gl_VertexID & 2) != 0 ? 1.0 : -1.0);\n"
    "  vec2 d = b_px - a_px; float len = length(d);\n"
    "  vec2 t = len > 0.0 ? d / len : vec2(1.0, 0.0); vec2 n = vec2(-t.y, t.x);\n"
    "  float e = r_px + 1.5;\n"
    "  vec2 p = (a_px + b_px) * 0.5 + t * corner.x * (len * 0.5 + e) + n * corner.y * e;\n"
    "  v_px = p; v_a = a_px; v_b = b_px; v_r = r_px; v_color = color;\n"
    "  gl_Position = u_tile * vec4(p / u_size * 2.0 - 1.0, 0.0, 1.0);\n"
    "}\n";

static const char *FS =
    "#version 430 core\n"
    "in vec2 v_px;\n"
    "flat in vec2 v_a, v_b;\n"
    "flat in float v_r;\n"
    "flat in vec4 v_color;\n"
    "out vec4 o;\n"
    "void main() {\n"
    "  vec2 pa = v_px - v_a, ba = v_b - v_a;\n"
    "  float bb = dot(ba, ba);\n"
    "  float h = bb > 0.0 ? clamp(dot(pa, ba) / bb, 0.0, 1.0) : 0.0;\n"
    "  float cov = clamp(v_r - length(pa - ba * h) + 0.5, 0.0, 1.0);\n"
    "  if (cov <= 0.0) discard;\n"
    "  o = vec4(v_color.rgb * v_color.a * cov, v_color.a * cov);\n"
    "}\n";

static GLuint compile(GLenum type, const char *src)
{
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, NULL);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char msg[1024];
        glGetShaderInfoLog(s, sizeof msg, NULL, msg);
        fprintf(stderr, "test shader: %s\n", msg);
    }
    return s;
}

void scene_init(scene *s, const item *items, int n)
{
    s->prog = glCreateProgram();
    GLuint vs = compile(GL_VERTEX_SHADER, VS), fs = compile(GL_FRAGMENT_SHADER, FS);
    glAttachShader(s->prog, vs);
    glAttachShader(s->prog, fs);
    glLinkProgram(s->prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    glGenVertexArrays(1, &s->vao);
    glBindVertexArray(s->vao);
    glGenBuffers(1, &s->vbo);
    glBindBuffer(GL_ARRAY_BUFFER, s->vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(sizeof(item) * (size_t)n), items, GL_STATIC_DRAW);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, sizeof(item), (void *)offsetof(item, a));
    glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, sizeof(item), (void *)offsetof(item, b));
    glVertexAttribPointer(2, 1, GL_FLOAT, GL_FALSE, sizeof(item), (void *)offsetof(item, r));
    glVertexAttribPointer(3, 4, GL_FLOAT, GL_FALSE, sizeof(item), (void *)offsetof(item, color));
    for (GLuint i = 0; i < 4; i++) {
        glEnableVertexAttribArray(i);
        glVertexAttribDivisor(i, 1);
    }
    glBindVertexArray(0);
    s->n = n;
}

void scene_free(scene *s)
{
    glDeleteProgram(s->prog);
    glDeleteBuffers(1, &s->vbo);
    glDeleteVertexArrays(1, &s->vao);
}

void scene_draw(void *user, const shot_tile *t)
{
    scene *s = user;
    glUseProgram(s->prog);
    glUniformMatrix4fv(glGetUniformLocation(s->prog, "u_tile"), 1, GL_FALSE, t->tile_from_image);
    glUniform2f(glGetUniformLocation(s->prog, "u_size"), (float)t->image_w, (float)t->image_h);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glBindVertexArray(s->vao);
    glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, s->n);
    glBindVertexArray(0);
    glDisable(GL_BLEND);
}
