/* shot's checks and PNG writer, without GL: sizes that cannot be made get a
 * one-line reason naming the limit; unwritable paths are refused before any
 * work and leave nothing behind; a written PNG reads back pixel for pixel,
 * with progress reaching 1 and no temporary file left. */
#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shot.h"
#include "util.h"
#include "util_image.h"

#define CHECK_CONTAINS(s, sub)                                                              \
    do {                                                                                    \
        if (!strstr((s), (sub))) {                                                          \
            fprintf(stderr, "%s:%d: expected a message containing \"%s\", got \"%s\"\n",    \
                    __FILE__, __LINE__, (sub), (s));                                        \
            test_failures++;                                                                \
        }                                                                                   \
    } while (0)

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Any "<name>.tmp-*" left in dir? */
static bool tmp_left(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s.tmp-", name);
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, strlen(prefix)))
            found = true;
    closedir(d);
    return found;
}

static _Atomic int progress_calls;
static double last_frac;
static void on_progress(void *user, double f)
{
    (void)user;
    atomic_fetch_add(&progress_calls, 1);
    last_frac = f;
}

int main(void)
{
    char err[512];

    /* --- sizes --- */
    CHECK(!shot_check_size(0, 100, 3, err, sizeof err));
    CHECK_CONTAINS(err, "0x100 is empty");
    CHECK(!shot_check_size(-5, 10, 3, err, sizeof err));
    CHECK_CONTAINS(err, "-5x10");
    CHECK(!shot_check_size(70000, 10, 3, err, sizeof err));
    CHECK_CONTAINS(err, "at most 65535 pixels a side");
    CHECK(!shot_check_size(60000, 60000, 4, err, sizeof err));
    CHECK_CONTAINS(err, "too large for the PNG encoder");
    CHECK(strchr(err, '\n') == NULL);
    CHECK(shot_check_size(7250, 5793, 3, err, sizeof err));
    CHECK(shot_check_size(1, 1, 4, err, sizeof err));
    CHECK(shot_bytes_needed(100, 10, 3) >= 100 * 10 * 3 * 2);
    CHECK_INT(shot_bytes_needed(0, 10, 3), 0);
#if !defined(__SANITIZE_ADDRESS__)
    {
        /* Memory: under a 512 MiB address-space limit a 16384x16384 picture
         * (0.75 GiB of pixels alone) is refused with the figures. */
        struct rlimit old, lim;
        getrlimit(RLIMIT_AS, &old);
        lim = old;
        lim.rlim_cur = 512ull << 20;
        if (old.rlim_max == RLIM_INFINITY || old.rlim_max >= lim.rlim_cur) {
            setrlimit(RLIMIT_AS, &lim);
            bool ok = shot_check_size(16384, 16384, 3, err, sizeof err);
            setrlimit(RLIMIT_AS, &old);
            CHECK(!ok);
            CHECK_CONTAINS(err, "16384x16384 needs about");
            CHECK_CONTAINS(err, "of memory and 512 MiB is available");
        }
    }
#endif

    /* --- paths --- */
    const char *dir = test_tmp_path("");
    const char *good = test_tmp_path("shot-write.png");
    unlink(good);
    CHECK(shot_check_path(good, err, sizeof err));
    CHECK(!exists(good));
    CHECK(!tmp_left(dir, "shot-write.png"));
    CHECK(!shot_check_path("/nonexistent-ipviz-dir/x.png", err, sizeof err));
    CHECK_CONTAINS(err, "directory does not exist");
    CHECK(!shot_check_path(test_tmp_path("picture.jpg"), err, sizeof err));
    CHECK_CONTAINS(err, "ending in .png");
    const char *dirpng = test_tmp_path("adir.png");
    mkdir(dirpng, 0777);
    CHECK(!shot_check_path(dirpng, err, sizeof err));
    CHECK_CONTAINS(err, "is a directory");
    rmdir(dirpng);
    CHECK(!shot_check_path("", err, sizeof err));
    {
        /* An unwritable directory: a read-only one, or /sys when root. */
        const char *ro = test_tmp_path("readonly");
        mkdir(ro, 0777);
        chmod(ro, 0555);
        char p[4096];
        snprintf(p, sizeof p, "%s/x.png", geteuid() == 0 ? "/sys" : ro);
        if (shot_check_path(p, err, sizeof err)) {
            fprintf(stderr, "note: %s is writable here; unwritable-path check not run\n", p);
        } else {
            CHECK_CONTAINS(err, "cannot be written");
            CHECK(!exists(p));
        }
        chmod(ro, 0777);
        rmdir(ro);
    }

    /* --- writing --- */
    const int W = 257, H = 131;
    for (int comp = 3; comp <= 4; comp++) {
        shot_image *img = shot_image_create(W, H, comp);
        CHECK(img != NULL);
        if (!img)
            return test_result();
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                uint8_t *p = shot_image_at(img, x, y);
                p[0] = (uint8_t)x;
                p[1] = (uint8_t)(y * 2);
                p[2] = (uint8_t)((x * 7 + y * 13) ^ 0x5a);
                if (comp == 4)
                    p[3] = (uint8_t)(x + y);
            }
        shot_image *copy = shot_image_create(W, H, comp);
        memcpy(copy->pixels, img->pixels, (size_t)W * H * comp);
        atomic_store(&progress_calls, 0);
        last_frac = 0;
        bool ok = shot_write_png(img, good, on_progress, NULL, err, sizeof err);
        if (!ok)
            fprintf(stderr, "write: %s\n", err);
        CHECK(ok);
        CHECK(atomic_load(&progress_calls) >= 2);
        CHECK(last_frac == 1.0);
        CHECK(!tmp_left(dir, "shot-write.png"));
        shot_image *back = test_png_read(good, comp);
        CHECK(back != NULL);
        if (back) {
            test_image_diff d = test_image_compare(back, copy, 0);
            CHECK_INT(d.differing, 0);
            shot_image_destroy(back);
        }
        shot_image_destroy(copy);
    }

    /* The writer thread: progress readable while it runs, done after. */
    {
        /* 9 MB: big enough to be deflated in parallel slices. */
        shot_image *img = shot_image_create(2000, 1500, 3);
        for (size_t i = 0; i < (size_t)2000 * 1500 * 3; i++)
            img->pixels[i] = (uint8_t)(i % 3 == 2 ? 40 : (i * 2654435761u) >> 27);
        shot_image *copy = shot_image_create(2000, 1500, 3);
        memcpy(copy->pixels, img->pixels, (size_t)2000 * 1500 * 3);
        shot_writer *w = shot_write_start(img, good, NULL, NULL, err, sizeof err);
        CHECK(w != NULL);
        double f = shot_writer_progress(w);
        CHECK(f >= 0 && f <= 1);
        CHECK(shot_writer_finish(w, err, sizeof err));
        shot_image *back = test_png_read(good, 3);
        CHECK(back && back->width == 2000 && back->height == 1500);
        if (back) {
            CHECK_INT(shot_image_at(back, 1999, 1499)[2], 40);
            test_image_diff d = test_image_compare(back, copy, 0);
            CHECK_INT(d.differing, 0);
        }
        shot_image_destroy(back);
        shot_image_destroy(copy);
    }

    /* A path that fails at write time leaves nothing under either name and an
     * existing file untouched. */
    {
        const char *bad = "/nonexistent-ipviz-dir/y.png";
        shot_image *img = shot_image_create(8, 8, 3);
        memset(img->pixels, 0, 8 * 8 * 3);
        CHECK(!shot_write_png(img, bad, NULL, NULL, err, sizeof err));
        CHECK_CONTAINS(err, "cannot be written");
        CHECK(!exists(bad));
        /* Replacing works: good already exists from above. */
        shot_image *img2 = shot_image_create(3, 2, 3);
        memset(img2->pixels, 200, 3 * 2 * 3);
        CHECK(shot_write_png(img2, good, NULL, NULL, err, sizeof err));
        shot_image *back = test_png_read(good, 3);
        CHECK(back && back->width == 3 && back->height == 2);
        shot_image_destroy(back);
    }
    CHECK(!shot_writer_finish(NULL, err, sizeof err));
    unlink(good);
    return test_result();
}
