/* headless: the whole pipeline with no window: read -> lay out -> export/PNG.
 *
 * Reading needs no OpenGL; a GL context (EGL) is created only when layout
 * steps or a picture are asked for. */
#ifndef IPVIZ_HEADLESS_H
#define IPVIZ_HEADLESS_H

#include "cli.h"

/* Returns the process exit status (see ipviz --help). */
int headless_run(const ipviz_options *o);

#endif
