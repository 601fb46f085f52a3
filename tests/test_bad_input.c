/* test_bad_input: the ipviz binary on every kind of bad input, end to end.
 *
 * Each case runs `ipviz --headless -q -n 0 --export out.csv ...` and checks
 * the exit status against the one `ipviz --help` documents (0 all read, 1
 * nothing usable, 2 usage, 3 some input unreadable), that the problem is
 * reported in exactly one line naming the file, that every stderr line is a
 * log line ("ipviz: ..."), that there was no crash or sanitizer report, and,
 * for a truncated tail, that the packets before it reached the export. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "util_capbytes.h"

/* Lines of text containing needle. */
static int count_lines_with(const char *text, const char *needle, const char **first)
{
    int n = 0;
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) : strlen(l);
        char *line = strndup(l, len);
        if (strstr(line, needle)) {
            if (!n && first)
                *first = l;
            n++;
        }
        free(line);
        l = e ? e + 1 : l + len;
    }
    return n;
}

static bool all_log_lines(const char *err)
{
    for (const char *l = err; *l;) {
        if (strncmp(l, "ipviz: ", 7) != 0)
            return false;
        const char *e = strchr(l, '\n');
        if (!e)
            return false;
        l = e + 1;
    }
    return true;
}

/* Runs ipviz with extra args; checks status, crash, sanitizer output, and
 * (when problem is not NULL) one line naming `name` with `problem` in it. */
static void run_case(const char *what, const char *const *args, int want_status, const char *name,
                     const char *problem)
{
    const char *argv[32] = {IPVIZ_BIN, "--headless", "-q", "-n", "0"};
    int n = 5;
    for (int i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    int st = test_run(argv, &out, &err);
    bool bad = false;
    if (st != want_status) {
        fprintf(stderr, "%s: expected exit status %d, got %d\n", what, want_status, st);
        bad = true;
    }
    if (strstr(err, "Sanitizer") || strstr(err, "runtime error:")) {
        fprintf(stderr, "%s: sanitizer report\n", what);
        bad = true;
    }
    if (!all_log_lines(err)) {
        fprintf(stderr, "%s: stderr has lines that are not log lines (a message split over lines?)\n", what);
        bad = true;
    }
    if (problem) {
        const char *line = NULL;
        int k = count_lines_with(err, name, &line);
        if (k != 1) {
            fprintf(stderr, "%s: expected one stderr line naming %s, got %d\n", what, name, k);
            bad = true;
        } else {
            const char *e = strchr(line, '\n');
            char *l = strndup(line, e ? (size_t)(e - line) : strlen(line));
            if (!strstr(l, problem)) {
                fprintf(stderr, "%s: expected \"%s\" in the line \"%s\"\n", what, problem, l);
                bad = true;
            }
            free(l);
        }
    }
    if (bad) {
        fprintf(stderr, "--- stdout:\n%s--- stderr:\n%s---\n", out, err);
        test_failures++;
    } else {
        fprintf(stderr, "ok  %s: exit %d; %s", what, st, *err ? err : "(no message)\n");
    }
    free(out);
    free(err);
}

int main(void)
{
    char *csv = strdup(test_tmp_path("bad_input.csv"));
    uint8_t f[64];
    size_t fl;

    /* a good capture: 10.0.0.1-10.0.0.2 and 10.0.0.3-10.0.0.4 */
    capbytes good = {0};
    capbytes_pcap_header(&good, false, 1, 65535);
    fl = capbytes_ether_ipv4(f, 1, 2);
    capbytes_pcap_record(&good, 1, 0, f, (uint32_t)fl, (uint32_t)fl);
    fl = capbytes_ether_ipv4(f, 3, 4);
    capbytes_pcap_record(&good, 2, 0, f, (uint32_t)fl, (uint32_t)fl);
    char *good_path = strdup(capbytes_write("bi_good.pcap", &good));

    char *missing = strdup(test_tmp_path("bi_missing.pcap"));
    unlink(missing);
    run_case("missing file", (const char *[]){"--export", csv, missing, NULL}, 1, missing,
             "no such file");

    char *dir = strdup(test_tmp_path("bi_dir.pcap"));
    mkdir(dir, 0777);
    run_case("directory", (const char *[]){"--export", csv, dir, NULL}, 1, dir, "directory");

    capbytes b = {0};
    char *empty = strdup(capbytes_write("bi_empty.pcap", &b));
    run_case("empty file", (const char *[]){"--export", csv, empty, NULL}, 1, empty, "empty");

    capbytes_put(&b, "<!DOCTYPE html>\n", 16);
    char *html = strdup(capbytes_write("bi_page.pcap", &b));
    run_case("not a capture", (const char *[]){"--export", csv, html, NULL}, 1, html,
             "not a pcap or pcapng capture");

    /* truncated tail: the three records before it are kept and exported */
    b.n = 0;
    capbytes_pcap_header(&b, false, 1, 65535);
    for (int i = 0; i < 3; i++) {
        fl = capbytes_ether_ipv4(f, (uint8_t)(20 + 2 * i), (uint8_t)(21 + 2 * i));
        capbytes_pcap_record(&b, 1, 0, f, (uint32_t)fl, (uint32_t)fl);
    }
    capbytes_pcap_record(&b, 1, 0, f, (uint32_t)fl, (uint32_t)fl);
    b.n -= 10;
    char *cut = strdup(capbytes_write("bi_cut.pcap", &b));
    unlink(csv);
    run_case("truncated record", (const char *[]){"--export", csv, cut, NULL}, 3, cut,
             "truncated record after 3 packets");
    char *text = test_read_file(csv, NULL);
    if (!text) {
        fprintf(stderr, "truncated record: %s was not written\n", csv);
        test_failures++;
    } else {
        const char *rows[] = {"10.0.0.20,10.0.0.21,", "10.0.0.22,10.0.0.23,", "10.0.0.24,10.0.0.25,"};
        for (int i = 0; i < 3; i++)
            if (!strstr(text, rows[i])) {
                fprintf(stderr, "truncated record: export lacks the edge %s\n%s", rows[i], text);
                test_failures++;
            }
        free(text);
    }

    /* absurd record length after one good record */
    b.n = 24 + 16 + fl;
    capbytes_pcap_record(&b, 1, 0, f, 0, 60);
    capbytes_set32(&b, b.n - 8, 0x40000000);
    capbytes_put(&b, f, fl);
    char *absurd = strdup(capbytes_write("bi_absurd.pcap", &b));
    run_case("absurd record length", (const char *[]){"--export", csv, absurd, NULL}, 3, absurd,
             "absurd record length");

    /* unsupported link type (USER0), beside a good file: reported once for
     * its five packets, the run goes on, the good file's edges exported */
    b.n = 0;
    capbytes_pcap_header(&b, false, 147, 65535);
    for (int i = 0; i < 5; i++)
        capbytes_pcap_record(&b, 1, 0, f, (uint32_t)fl, (uint32_t)fl);
    char *user0 = strdup(capbytes_write("bi_user0.pcap", &b));
    {
        const char *argv[] = {IPVIZ_BIN, "--headless", "-n", "0", "--stats", "--export", csv,
                              user0, good_path, NULL};
        char *out = NULL, *err = NULL;
        unlink(csv);
        int st = test_run(argv, &out, &err);
        size_t lo = strlen(out), le = strlen(err);
        char *all = malloc(lo + le + 1);
        memcpy(all, out, lo);
        memcpy(all + lo, err, le + 1);
        int k = count_lines_with(all, user0, NULL);
        const char *line = NULL;
        count_lines_with(all, user0, &line);
        bool named = line && (strstr(line, "147") || strstr(line, "USER0")) && strstr(line, "link type");
        char *csvtext = test_read_file(csv, NULL);
        bool edges = csvtext && strstr(csvtext, "10.0.0.1,10.0.0.2,") && strstr(csvtext, "10.0.0.3,10.0.0.4,");
        if ((st != 0 && st != 3) || k != 1 || !named || !edges || strstr(err, "Sanitizer")) {
            fprintf(stderr, "unsupported link type: expected exit 0 or 3 (got %d), one line naming %s and "
                            "its link type (got %d lines), the good file's edges exported (%s)\n"
                            "--- stdout:\n%s--- stderr:\n%s---\n",
                    st, user0, k, edges ? "yes" : "no", out, err);
            test_failures++;
        } else {
            fprintf(stderr, "ok  unsupported link type: exit %d\n", st);
        }
        free(csvtext);
        free(all);
        free(out);
        free(err);
    }

    run_case("bad filter", (const char *[]){"-f", "tcp port", "--export", csv, good_path, NULL}, 2,
             "tcp port", "filter");

    /* the export path is checked before reading: the missing capture is never opened */
    const char *unwritable = "/nonexistent-ipviz-dir/out.csv";
    run_case("unwritable export", (const char *[]){"--export", unwritable, missing, NULL}, 2,
             unwritable, "out.csv");
    {
        const char *argv[] = {IPVIZ_BIN, "--headless", "-q", "-n", "0", "--export", unwritable, missing, NULL};
        char *err = NULL;
        test_run(argv, NULL, &err);
        if (strstr(err, missing)) {
            fprintf(stderr, "unwritable export: the capture was opened before the export path was checked:\n%s", err);
            test_failures++;
        }
        free(err);
    }

    /* a good run for contrast: exit 0, no message */
    run_case("good file", (const char *[]){"--export", csv, good_path, NULL}, 0, NULL, NULL);

    char *paths[] = {csv, good_path, missing, dir, empty, html, cut, absurd, user0};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        free(paths[i]);
    free(b.p);
    free(good.p);
    return test_result();
}
