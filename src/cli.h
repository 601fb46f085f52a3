/* cli: the command line, parsed into one options struct.
 *
 * Parsing only: no file is opened here. Zero or -1 fields mean "default";
 * the module that uses a field resolves its default. */
#ifndef IPVIZ_CLI_H
#define IPVIZ_CLI_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_MAX_EXPORTS 16

typedef struct ipviz_options {
    const char **captures;      /* points into argv; the bundled sample if none given */
    int ncaptures;
    bool headless;
    bool stats;
    bool quiet;                 /* -q: warnings and errors only, no progress */
    int progress;               /* -1 auto (stderr is a terminal), 0 off, 1 on */
    const char *filter;         /* -f/--filter BPF expression */
    int iterations;             /* -n: layout steps in headless runs; -1 default */
    uint32_t seed;              /* --seed; 0 default */
    bool three_d;               /* --3d */
    bool nx_compat;             /* --nx: networkx spring_layout formulation */
    const char *exports[CLI_MAX_EXPORTS];
    int nexports;
    /* screenshots */
    const char *output;         /* -o PNG */
    int width, height;          /* --size WxH; 0 = default */
    float scale;                /* --scale S; 0 = default */
    const char *view;           /* --view all|current */
    const char *background;     /* --background #rrggbb | transparent */
    bool no_labels;             /* --no-labels */
    const char *theme;          /* --theme light|dark|seed */
    /* window */
    int frames;                 /* --frames N: run N frames and exit; 0 = until closed */
    const char *script;         /* --script FILE: replayed input */
} ipviz_options;

typedef enum cli_result { CLI_RUN, CLI_EXIT_OK, CLI_EXIT_USAGE } cli_result;

/* Parses argv. Prints --help/--version itself (CLI_EXIT_OK) and a one-line
 * usage error naming the option (CLI_EXIT_USAGE). */
cli_result cli_parse(int argc, char **argv, ipviz_options *o);

/* The sample capture shipped in assets/, found next to the executable's
 * source tree or install prefix; NULL if absent. */
const char *cli_sample_capture(void);

#endif
