/* cli: GNU-style options (getopt_long) into ipviz_options. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char usage[] =
    "usage: ipviz [OPTIONS] [CAPTURE...]\n"
    "Draws who talked to whom in packet captures (pcap, pcapng; '-' is standard input).\n"
    "With no CAPTURE, opens the bundled sample capture.\n"
    "\n"
    "Input:\n"
    "  -f, --filter EXPR      only packets matching this BPF filter (pcap-filter(7))\n"
    "\n"
    "Modes:\n"
    "      --headless         no window: read, lay out, export and write images\n"
    "  -n, --iterations N     layout steps in headless runs (default 100; 0 = read and\n"
    "                         export only, needs no OpenGL)\n"
    "      --3d               lay out and draw in three dimensions\n"
    "      --nx               networkx spring_layout's exact formulation\n"
    "      --seed N           seed for the initial placement (default 1)\n"
    "\n"
    "Output:\n"
    "      --export FILE      write the graph; format by extension: .csv .json .graphml\n"
    "                         .gexf .dot (may be given several times)\n"
    "  -o, --output FILE.png  write a picture of the graph\n"
    "      --size WxH         picture size in pixels (default: the window's, or 1920x1080)\n"
    "      --scale S          picture size as S times the window (default 1)\n"
    "      --view all|current whole graph (default headless) or the current view\n"
    "      --background COLOR #rrggbb or 'transparent'\n"
    "      --theme NAME       light, dark or seed (cyan nodes, black edges on white)\n"
    "      --no-labels        no address labels\n"
    "      --stats            print what was read: packets, skips by reason, nodes,\n"
    "                         edges, time, throughput\n"
    "\n"
    "Window:\n"
    "      --frames N         draw N frames and exit (scripted runs)\n"
    "      --script FILE      replay input events from FILE\n"
    "\n"
    "Other:\n"
    "  -q, --quiet            only warnings and errors; no progress bar\n"
    "  -v, --verbose          also debug messages (thread timings, GL details)\n"
    "      --progress         progress bar even when stderr is not a terminal\n"
    "      --no-progress      no progress bar\n"
    "  -h, --help             this text\n"
    "  -V, --version          version\n"
    "\n"
    "Exit status: 0 all read; 1 error, nothing usable read; 2 usage error;\n"
    "3 some input was unreadable (what was read was kept and written).\n";

enum {
    OPT_HEADLESS = 256, OPT_STATS, OPT_EXPORT, OPT_3D, OPT_NX, OPT_SEED, OPT_SIZE, OPT_SCALE,
    OPT_VIEW, OPT_BACKGROUND, OPT_THEME, OPT_NO_LABELS, OPT_FRAMES, OPT_SCRIPT, OPT_PROGRESS,
    OPT_NO_PROGRESS,
};

static const struct option longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"filter", required_argument, NULL, 'f'},
    {"iterations", required_argument, NULL, 'n'},
    {"output", required_argument, NULL, 'o'},
    {"headless", no_argument, NULL, OPT_HEADLESS},
    {"stats", no_argument, NULL, OPT_STATS},
    {"export", required_argument, NULL, OPT_EXPORT},
    {"3d", no_argument, NULL, OPT_3D},
    {"nx", no_argument, NULL, OPT_NX},
    {"seed", required_argument, NULL, OPT_SEED},
    {"size", required_argument, NULL, OPT_SIZE},
    {"scale", required_argument, NULL, OPT_SCALE},
    {"view", required_argument, NULL, OPT_VIEW},
    {"background", required_argument, NULL, OPT_BACKGROUND},
    {"theme", required_argument, NULL, OPT_THEME},
    {"no-labels", no_argument, NULL, OPT_NO_LABELS},
    {"frames", required_argument, NULL, OPT_FRAMES},
    {"script", required_argument, NULL, OPT_SCRIPT},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {NULL, 0, NULL, 0},
};

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static cli_result bad(const char *opt, const char *arg, const char *want)
{
    log_error("%s '%s': %s; see ipviz --help", opt, arg, want);
    return CLI_EXIT_USAGE;
}

cli_result cli_parse(int argc, char **argv, ipviz_options *o)
{
    memset(o, 0, sizeof *o);
    o->iterations = -1;
    o->progress = -1;
    optind = 1;
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, ":hVqvf:n:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("ipviz %s\n", IPVIZ_VERSION);
            return CLI_EXIT_OK;
        case 'q': o->quiet = true; break;
        case 'v': log_set_level(LOG_DEBUG); break;
        case 'f': o->filter = optarg; break;
        case 'n':
            if (!parse_long(optarg, 0, INT_MAX, &v))
                return bad("--iterations", optarg, "expected a whole number >= 0");
            o->iterations = (int)v;
            break;
        case 'o': o->output = optarg; break;
        case OPT_HEADLESS: o->headless = true; break;
        case OPT_STATS: o->stats = true; break;
        case OPT_EXPORT:
            if (o->nexports == CLI_MAX_EXPORTS)
                return bad("--export", optarg, "at most 16 exports in one run");
            o->exports[o->nexports++] = optarg;
            break;
        case OPT_3D: o->three_d = true; break;
        case OPT_NX: o->nx_compat = true; break;
        case OPT_SEED:
            if (!parse_long(optarg, 1, UINT32_MAX > LONG_MAX ? LONG_MAX : (long)UINT32_MAX, &v))
                return bad("--seed", optarg, "expected a whole number >= 1");
            o->seed = (uint32_t)v;
            break;
        case OPT_SIZE: {
            int w = 0, h = 0, n = 0;
            if (sscanf(optarg, "%dx%d%n", &w, &h, &n) != 2 || optarg[n] || w < 1 || h < 1)
                return bad("--size", optarg, "expected WIDTHxHEIGHT in pixels, e.g. 7250x5793");
            o->width = w;
            o->height = h;
            break;
        }
        case OPT_SCALE: {
            char *end;
            float s = strtof(optarg, &end);
            if (end == optarg || *end || !(s > 0) || s > 64)
                return bad("--scale", optarg, "expected a number above 0 and at most 64");
            o->scale = s;
            break;
        }
        case OPT_VIEW:
            if (strcmp(optarg, "all") && strcmp(optarg, "current"))
                return bad("--view", optarg, "expected 'all' or 'current'");
            o->view = optarg;
            break;
        case OPT_BACKGROUND: o->background = optarg; break;
        case OPT_THEME:
            if (strcmp(optarg, "light") && strcmp(optarg, "dark") && strcmp(optarg, "seed"))
                return bad("--theme", optarg, "expected light, dark or seed");
            o->theme = optarg;
            break;
        case OPT_NO_LABELS: o->no_labels = true; break;
        case OPT_FRAMES:
            if (!parse_long(optarg, 1, INT_MAX, &v))
                return bad("--frames", optarg, "expected a whole number >= 1");
            o->frames = (int)v;
            break;
        case OPT_SCRIPT: o->script = optarg; break;
        case OPT_PROGRESS: o->progress = 1; break;
        case OPT_NO_PROGRESS: o->progress = 0; break;
        case ':':
            log_error("option %s needs a value; see ipviz --help", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        default:
            log_error("unknown option %s; see ipviz --help", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    o->captures = (const char **)(argv + optind);
    o->ncaptures = argc - optind;
    if (o->ncaptures == 0) {
        static const char *sample[1];
        sample[0] = cli_sample_capture();
        if (!sample[0]) {
            log_error("no capture given and the bundled sample is missing; run ipviz CAPTURE.pcap");
            return CLI_EXIT_USAGE;
        }
        o->captures = sample;
        o->ncaptures = 1;
    }
    if (o->quiet) {
        log_set_level(LOG_WARN);
        if (o->progress < 0)
            o->progress = 0;
    }
    if (o->progress < 0)
        o->progress = isatty(STDERR_FILENO);
    return CLI_RUN;
}

const char *cli_sample_capture(void)
{
    static char path[4096];
    /* Installed layout: <prefix>/bin/ipviz and <prefix>/share/ipviz/sample.pcapng;
     * build tree: the source folder's assets/. */
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(path, sizeof path, "%s/../share/ipviz/sample.pcapng", exe);
            if (access(path, R_OK) == 0)
                return path;
        }
    }
    snprintf(path, sizeof path, "%s/assets/sample.pcapng", IPVIZ_SOURCE_DIR);
    if (access(path, R_OK) == 0)
        return path;
    return NULL;
}
