/* np_file_open_beneath and np_file_read, each case run four times: with openat2(RESOLVE_BENEATH)
 * and with the walk used on kernels without it, each with the root opened for every file and
 * with one descriptor of it opened before (np_file_open_beneath_at, as the index's parsing
 * threads do). All must give the same answer (docs/security.md "Symlinks"). */
#include "np_test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "np_file.h"

/* bit 0: the fallback walk; bit 1: root opened once (rootfd) */
static int modes[4] = {0, 1, 2, 3};
static int use_at, rootfd = -1;
static char top[256], root[300], outside[300];

static void put(const char *dir, const char *name, const char *text)
{
    np_test_write(dir, name, text);
}

static void link_at(const char *target, const char *name)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s", root, name);
    if (symlink(target, path) != 0)
        fail_msg("symlink %s: %s", path, strerror(errno));
}

/* top/root is the folder files must stay in; top/outside holds what must never be read. */
static int setup_tree(void **state)
{
    char buf[600];
    int i;
    snprintf(top, sizeof(top), "/tmp/np-test-file-XXXXXX");
    if (!mkdtemp(top))
        return -1;
    snprintf(root, sizeof(root), "%s/root", top);
    snprintf(outside, sizeof(outside), "%s/outside", top);
    mkdir(root, 0755);
    mkdir(outside, 0755);
    snprintf(buf, sizeof(buf), "%s/sub", root);
    mkdir(buf, 0755);
    put(root, "plain.xml", "plain text");
    put(root, "sub/inside.xml", "inside text");
    put(outside, "secret.xml", "SECRET");
    link_at("sub/inside.xml", "rel.xml");
    link_at("../plain.xml", "sub/up.xml");
    link_at("sub/../sub/./inside.xml", "dots.xml");
    link_at("sub", "subdir");
    link_at("../outside/secret.xml", "escape.xml");
    link_at("../../outside/secret.xml", "sub/escape.xml");
    snprintf(buf, sizeof(buf), "%s/plain.xml", root);
    link_at(buf, "absin.xml");
    snprintf(buf, sizeof(buf), "%s/secret.xml", outside);
    link_at(buf, "absout.xml");
    link_at("../outside", "outdir");
    link_at(outside, "absdir");
    link_at("loop.xml", "loop.xml");
    link_at("ping.xml", "pong.xml");
    link_at("pong.xml", "ping.xml");
    link_at("nowhere.xml", "dangling.xml");
    /* chain0 -> plain.xml, chainN -> chainN-1: opening chainN follows N + 1 links. */
    link_at("plain.xml", "chain0");
    for (i = 1; i <= NP_FILE_MAX_LINKS; i++) {
        char target[32], name[32];
        snprintf(target, sizeof(target), "chain%d", i - 1);
        snprintf(name, sizeof(name), "chain%d", i);
        link_at(target, name);
    }
    snprintf(buf, sizeof(buf), "%s/fifo.xml", root);
    if (mkfifo(buf, 0644) != 0)
        return -1;
    link_at("fifo.xml", "fifo-link.xml");
    put(root, "big.xml", "0123456789012345678901234567890123456789"); /* 40 bytes */
    if ((rootfd = np_file_open_root(root)) < 0)
        return -1;
    *state = NULL;
    return 0;
}

static int teardown_tree(void **state)
{
    char cmd[600];
    close(rootfd);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    return system(cmd) == 0 ? 0 : -1;
}

static int pick_path(void **state)
{
    np_file_force_fallback(*(int *)*state & 1);
    use_at = *(int *)*state & 2;
    return 0;
}

static int back_to_default(void **state)
{
    np_file_force_fallback(0);
    use_at = 0;
    return 0;
}

/* np_file_open_beneath, or np_file_open_beneath_at with the descriptor of root when that is the
 * root asked for. */
static int open_beneath(const char *r, const char *path, int flags, np_file_status *st, int *err)
{
    if (use_at && r == root)
        return np_file_open_beneath_at(rootfd, r, path, flags, st, err);
    return np_file_open_beneath(r, path, flags, st, err);
}

static char *read_file(apr_pool_t *p, const np_file_opts *o, const char *path, apr_size_t *len,
                       struct stat *sb, np_file_status *st, const char **err)
{
    if (use_at || sb)
        return np_file_read_at(p, o, use_at ? rootfd : -1, path, len, sb, st, err);
    return np_file_read(p, o, path, len, st, err);
}

static const char *at(const char *rel)
{
    static char buf[8][700];
    static int n;
    char *b = buf[n++ % 8];
    snprintf(b, sizeof(buf[0]), "%s/%s", root, rel);
    return b;
}

/* Opens rel below root; on success returns what the file holds (up to 63 bytes). */
static const char *open_read(const char *rel, np_file_status *st, int *err)
{
    static char text[64];
    int fd = open_beneath(root, at(rel), O_RDONLY | O_NONBLOCK, st, err);
    ssize_t n;
    if (fd < 0)
        return NULL;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    return text;
}

static void opens(const char *rel, const char *want)
{
    np_file_status st;
    int err;
    const char *got = open_read(rel, &st, &err);
    if (!got)
        fail_msg("%s: refused (status %d, errno %d)", rel, (int)st, err);
    assert_string_equal(got, want);
    assert_int_equal(st, NP_FILE_OK);
}

static void refused(const char *rel, np_file_status want)
{
    np_file_status st;
    int err;
    const char *got = open_read(rel, &st, &err);
    if (got)
        fail_msg("%s: opened, read \"%s\"", rel, got);
    assert_int_equal(st, want);
}

static void test_plain(void **state)
{
    opens("plain.xml", "plain text");
    opens("sub/inside.xml", "inside text");
}

static void test_relative_inside(void **state)
{
    opens("rel.xml", "inside text");
    opens("sub/up.xml", "plain text"); /* ".." that stays inside */
    opens("dots.xml", "inside text");
    opens("subdir/inside.xml", "inside text"); /* a folder link */
    opens("subdir/up.xml", "plain text");      /* ".." from the link's target folder */
}

static void test_relative_escape(void **state)
{
    refused("escape.xml", NP_FILE_OUTSIDE);
    refused("sub/escape.xml", NP_FILE_OUTSIDE);
    refused("../outside/secret.xml", NP_FILE_OUTSIDE); /* ".." in the path itself */
    refused("sub/../../outside/secret.xml", NP_FILE_OUTSIDE);
}

static void test_absolute_inside(void **state)
{
    np_file_status st;
    int err;
    apr_pool_t *p;
    /* Refused on both paths: openat2 refuses every absolute link, so the walk does too. */
    refused("absin.xml", NP_FILE_ABSOLUTE);
    apr_pool_create(&p, NULL);
    assert_int_equal(open_beneath(root, at("absin.xml"), O_RDONLY, &st, &err), -1);
    assert_string_equal(np_file_strerror(p, st, err, "the content folder"),
                        "absolute symlink; not followed (make it a relative link, such as "
                        "../desk/story.xml, that stays inside the content folder)");
    apr_pool_destroy(p);
}

static void test_absolute_outside(void **state)
{
    refused("absout.xml", NP_FILE_OUTSIDE);
}

static void test_loop(void **state)
{
    refused("loop.xml", NP_FILE_LOOP);
    refused("ping.xml", NP_FILE_LOOP);
    /* At most NP_FILE_MAX_LINKS links, as the kernel's own lookup. */
    opens("chain39", "plain text");
    refused("chain40", NP_FILE_LOOP);
}

static void test_dir_link_out(void **state)
{
    np_file_status st;
    refused("outdir/secret.xml", NP_FILE_OUTSIDE);
    refused("absdir/secret.xml", NP_FILE_OUTSIDE);
    assert_int_equal(open_beneath(root, at("outdir"), O_RDONLY | O_DIRECTORY, &st, NULL), -1);
    assert_int_equal(st, NP_FILE_OUTSIDE);
    assert_int_equal(np_file_type_beneath(root, at("outdir"), &st, NULL), APR_NOFILE);
    assert_int_equal(st, NP_FILE_OUTSIDE);
    assert_int_equal(np_file_type_beneath(root, at("subdir"), &st, NULL), APR_DIR);
}

static void test_missing_and_not_below(void **state)
{
    np_file_status st;
    int err;
    refused("dangling.xml", NP_FILE_ERRNO);
    refused("none.xml", NP_FILE_ERRNO);
    assert_int_equal(open_beneath(root, at("none.xml"), O_RDONLY, &st, &err), -1);
    assert_int_equal(err, ENOENT);
    /* A path that does not start with root is outside, whatever it names. */
    assert_int_equal(open_beneath(root, "/etc/passwd", O_RDONLY, &st, &err), -1);
    assert_int_equal(st, NP_FILE_OUTSIDE);
    assert_int_equal(open_beneath(outside, at("plain.xml"), O_RDONLY, &st, &err), -1);
    assert_int_equal(st, NP_FILE_OUTSIDE);
    /* No root: the file's own folder is the root. */
    assert_true((err = open_beneath(NULL, at("plain.xml"), O_RDONLY, &st, NULL)) >= 0);
    close(err);
    assert_int_equal(open_beneath(NULL, at("escape.xml"), O_RDONLY, &st, NULL), -1);
    assert_int_equal(st, NP_FILE_OUTSIDE);
}

static void test_fifo(void **state)
{
    np_file_opts o = {NULL, "the content folder", 1000, "NewsPortalMaxArticleSize"};
    apr_pool_t *p;
    apr_size_t len;
    np_file_status st;
    const char *err = NULL;
    struct timeval t0, t1;
    o.root = root;
    apr_pool_create(&p, NULL);
    gettimeofday(&t0, NULL);
    assert_null(read_file(p, &o, at("fifo.xml"), &len, NULL, &st, &err));
    assert_int_equal(st, NP_FILE_NOT_REGULAR);
    assert_string_equal(err, apr_pstrcat(p, at("fifo.xml"), ":0:0: not a regular file", NULL));
    assert_null(read_file(p, &o, at("fifo-link.xml"), &len, NULL, &st, &err));
    assert_int_equal(st, NP_FILE_NOT_REGULAR);
    gettimeofday(&t1, NULL);
    /* At once: an open without O_NONBLOCK would wait for a writer for ever. */
    assert_true(t1.tv_sec - t0.tv_sec < 2);
    assert_int_equal(np_file_type_beneath(root, at("fifo-link.xml"), &st, NULL), APR_PIPE);
    apr_pool_destroy(p);
}

static void test_read(void **state)
{
    np_file_opts o = {NULL, "the content folder", 40, "NewsPortalMaxArticleSize"};
    apr_pool_t *p;
    apr_size_t len;
    np_file_status st;
    const char *err = NULL;
    char *data;
    o.root = root;
    apr_pool_create(&p, NULL);
    data = read_file(p, &o, at("big.xml"), &len, NULL, &st, &err);
    assert_non_null(data);
    assert_int_equal(len, 40);
    assert_int_equal(data[40], '\0');
    free(data);
    /* Too large: refused from fstat, before anything is read. */
    o.max = 39;
    assert_null(read_file(p, &o, at("big.xml"), &len, NULL, &st, &err));
    assert_int_equal(st, NP_FILE_TOO_BIG);
    assert_string_equal(err, apr_pstrcat(p, at("big.xml"),
                                         ":0:0: file is 40 bytes, over the limit of 39 bytes "
                                         "(NewsPortalMaxArticleSize); not parsed",
                                         NULL));
    o.max = 1000;
    data = read_file(p, &o, at("rel.xml"), &len, NULL, &st, &err);
    assert_non_null(data);
    assert_string_equal(data, "inside text");
    free(data);
    assert_null(read_file(p, &o, at("escape.xml"), &len, NULL, &st, &err));
    assert_string_equal(err, apr_pstrcat(p, at("escape.xml"),
                                         ":0:0: symlink leads outside the content folder; not "
                                         "followed",
                                         NULL));
    assert_null(read_file(p, &o, at("sub"), &len, NULL, &st, &err));
    assert_int_equal(st, NP_FILE_NOT_REGULAR);
    apr_pool_destroy(p);
}

/* What np_file_read_at says of the file it opened: the fstat of that descriptor, also when the
 * file is then refused; nothing when it opened nothing. */
static void test_read_stat(void **state)
{
    np_file_opts o = {NULL, "the content folder", 1000, "NewsPortalMaxArticleSize"};
    apr_pool_t *p;
    apr_size_t len;
    np_file_status st;
    const char *err = NULL;
    struct stat sb, want;
    struct timespec ts[2] = {{1700000000, 123456789}, {1700000000, 123456789}};
    char *data;
    o.root = root;
    apr_pool_create(&p, NULL);
    assert_int_equal(utimensat(AT_FDCWD, at("sub/inside.xml"), ts, 0), 0);
    assert_int_equal(stat(at("sub/inside.xml"), &want), 0);
    data = read_file(p, &o, at("rel.xml"), &len, &sb, &st, &err);
    assert_non_null(data);
    free(data);
    assert_int_equal(sb.st_ino, want.st_ino);
    assert_int_equal(sb.st_size, 11);
    assert_int_equal(sb.st_mtim.tv_sec, 1700000000);
    assert_int_equal(sb.st_mtim.tv_nsec, 123456789);
    o.max = 39;
    assert_null(read_file(p, &o, at("big.xml"), &len, &sb, &st, &err));
    assert_int_equal(st, NP_FILE_TOO_BIG);
    assert_int_equal(sb.st_size, 40);
    assert_null(read_file(p, &o, at("fifo-link.xml"), &len, &sb, &st, &err));
    assert_int_equal(st, NP_FILE_NOT_REGULAR);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_null(read_file(p, &o, at("escape.xml"), &len, &sb, &st, &err));
    assert_int_equal(st, NP_FILE_OUTSIDE);
    assert_int_equal(sb.st_mode, 0);
    assert_null(read_file(p, &o, at("none.xml"), &len, &sb, &st, &err));
    assert_int_equal(st, NP_FILE_ERRNO);
    assert_int_equal(sb.st_mode, 0);
    apr_pool_destroy(p);
}

#define EACH_WAY(f)                                                                                \
    {#f " (openat2)", f, pick_path, back_to_default, &modes[0]},                                   \
        {#f " (fallback walk)", f, pick_path, back_to_default, &modes[1]},                         \
        {#f " (openat2, root opened once)", f, pick_path, back_to_default, &modes[2]},             \
    {                                                                                              \
#f " (fallback walk, root opened once)", f, pick_path, back_to_default, &modes[3]          \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        EACH_WAY(test_plain),
        EACH_WAY(test_relative_inside),
        EACH_WAY(test_relative_escape),
        EACH_WAY(test_absolute_inside),
        EACH_WAY(test_absolute_outside),
        EACH_WAY(test_loop),
        EACH_WAY(test_dir_link_out),
        EACH_WAY(test_missing_and_not_below),
        EACH_WAY(test_fifo),
        EACH_WAY(test_read),
        EACH_WAY(test_read_stat),
    };
    apr_pool_t *p = np_test_begin();
    return np_test_end(p, cmocka_run_group_tests_name("file", tests, setup_tree, teardown_tree));
}
