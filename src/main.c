/* ipviz: entry point. Parses the command line and hands over to the headless
 * pipeline or the window. */
#include "app.h"
#include "cli.h"
#include "headless.h"

int main(int argc, char **argv)
{
    ipviz_options o;
    switch (cli_parse(argc, argv, &o)) {
    case CLI_EXIT_OK: return 0;
    case CLI_EXIT_USAGE: return 2;
    case CLI_RUN: break;
    }
    return o.headless ? headless_run(&o) : app_run(&o);
}
