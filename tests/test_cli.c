/* The command line: help, version, usage errors and their exit codes. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

int main(void)
{
    char *out = NULL, *err = NULL;
    CHECK_INT(test_run((const char *[]){IPVIZ_BIN, "--help", NULL}, &out, &err), 0);
    CHECK(strstr(out, "usage: ipviz") != NULL);
    CHECK(strstr(out, "--export") != NULL);
    free(out);
    free(err);

    CHECK_INT(test_run((const char *[]){IPVIZ_BIN, "--no-such-option", NULL}, &out, &err), 2);
    CHECK(strstr(err, "unknown option --no-such-option") != NULL);
    CHECK(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
    free(out);
    free(err);

    CHECK_INT(test_run((const char *[]){IPVIZ_BIN, "-n", "abc", NULL}, &out, &err), 2);
    CHECK(strstr(err, "--iterations 'abc'") != NULL);
    free(out);
    free(err);

    CHECK_INT(test_run((const char *[]){IPVIZ_BIN, "--size", "12", NULL}, &out, &err), 2);
    CHECK(strstr(err, "WIDTHxHEIGHT") != NULL);
    free(out);
    free(err);
    return test_result();
}
