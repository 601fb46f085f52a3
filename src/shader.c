/* shader: embedded GLSL, with an optional override folder for live editing. */
#include "shader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

char *shader_source(const char *name)
{
    const char *dir = getenv("IPVIZ_SHADER_DIR");
    if (dir && *dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        if (f) {
            fseek(f, 0, SEEK_END);
            long n = ftell(f);
            rewind(f);
            char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
            if (text && fread(text, 1, (size_t)n, f) == (size_t)n) {
                text[n] = 0;
                fclose(f);
                return text;
            }
            free(text);
            fclose(f);
        }
        log_warn("%s: cannot read; using the built-in shader", path);
    }
    const char *s = shader_embedded(name);
    return s ? strdup(s) : NULL;
}

void shader_release(char *text) { free(text); }
