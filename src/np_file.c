/* Opening files confined to a folder: openat2(RESOLVE_BENEATH) where the kernel has it, else a
 * walk of the path one component at a time with O_NOFOLLOW that applies the same rule. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include "np_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_errno.h>
#include <apr_strings.h>

#ifdef __linux__
#include <sys/syscall.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif
#endif

/* How deep below the root the walk follows folders; deeper is refused (ENAMETOOLONG). */
#define MAX_DEPTH 256

static int force_fallback;
#ifdef HAVE_OPENAT2
static volatile int no_openat2; /* set once the kernel said ENOSYS */
#endif

void np_file_force_fallback(int on)
{
    force_fallback = on;
}

static int fail(np_file_status *st, int *err, np_file_status s, int e)
{
    *st = s;
    *err = e;
    return -1;
}

/* The root (into rootbuf, trailing slashes off) and the part of path below it ("." for the root
 * itself). Returns NULL when path is not below root or is too long (*e says which). */
static const char *below(const char *root, const char *path, char *rootbuf, int *e)
{
    size_t rn, pn = strlen(path);
    const char *rel;

    if (pn >= PATH_MAX) {
        *e = ENAMETOOLONG;
        return NULL;
    }
    if (!root) {
        const char *slash = strrchr(path, '/');
        if (!slash) {
            strcpy(rootbuf, ".");
            rel = path;
        } else {
            rn = slash == path ? 1 : (size_t)(slash - path);
            memcpy(rootbuf, path, rn);
            rootbuf[rn] = '\0';
            rel = slash + 1;
        }
    } else {
        rn = strlen(root);
        while (rn > 1 && root[rn - 1] == '/')
            rn--;
        if (rn >= PATH_MAX) {
            *e = ENAMETOOLONG;
            return NULL;
        }
        if (rn == 0 || strncmp(path, root, rn) != 0 ||
            (path[rn] != '/' && path[rn] != '\0' && !(rn == 1 && root[0] == '/'))) {
            *e = EXDEV;
            return NULL;
        }
        memcpy(rootbuf, root, rn);
        rootbuf[rn] = '\0';
        rel = path + rn;
    }
    while (*rel == '/')
        rel++;
    return *rel ? rel : ".";
}

/* Is s root or below it, as strings? */
static int under(const char *root, const char *s)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return 1;
    return strncmp(s, root, n) == 0 && (s[n] == '/' || s[n] == '\0');
}

/* An absolute symlink is refused wherever it points; this only picks the message: one naming a
 * place inside the root is told to be made relative. */
static np_file_status absolute_status(const char *root, const char *target)
{
    np_file_status st = NP_FILE_OUTSIDE;
    char *real;
    if (strstr(target, "/.."))
        return st;
    if (under(root, target))
        return NP_FILE_ABSOLUTE;
    if ((real = realpath(root, NULL)) && under(real, target))
        st = NP_FILE_ABSOLUTE;
    free(real);
    return st;
}

typedef struct {
    dev_t dev;
    ino_t ino;
} dir_id;

/* Walks rel from rootfd: each folder opened with O_PATH | O_NOFOLLOW, each symlink read and its
 * relative target put in front of the rest of the path (relative to the folder holding it), each
 * ".." checked to land on the folder the walk came from, never above the root. */
static int walk(int rootfd, const char *root, const char *rel, int flags, np_file_status *st,
                int *err)
{
    char rem[PATH_MAX], target[PATH_MAX], name[NAME_MAX + 1];
    dir_id ids[MAX_DEPTH + 1];
    struct stat sb;
    const char *s = rem;
    size_t n = strlen(rel);
    int cur = rootfd, depth = 0, links = 0, fd = -1, e = 0;
    np_file_status why = NP_FILE_ERRNO;

    if (n >= sizeof(rem))
        return fail(st, err, NP_FILE_ERRNO, ENAMETOOLONG);
    memcpy(rem, rel, n + 1);
    if (fstat(rootfd, &sb) != 0)
        return fail(st, err, NP_FILE_ERRNO, errno);
    ids[0].dev = sb.st_dev;
    ids[0].ino = sb.st_ino;

    for (;;) {
        const char *next, *t;
        size_t len;
        ssize_t tn;
        int last, slash_after;

        while (*s == '/')
            s++;
        if (!*s) { /* the path names a folder: the root, or one reached by "." or ".." */
            if ((fd = openat(cur, ".", flags | O_CLOEXEC)) < 0)
                e = errno;
            break;
        }
        for (next = s; *next && *next != '/'; next++)
            ;
        len = (size_t)(next - s);
        for (t = next; *t == '/'; t++)
            ;
        last = !*t;
        slash_after = *next == '/';
        if (len == 1 && s[0] == '.') {
            s = next;
            continue;
        }
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            int up;
            if (depth == 0) {
                why = NP_FILE_OUTSIDE;
                e = EXDEV;
                break;
            }
            if ((up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
                e = errno;
                break;
            }
            /* Anything but the folder the walk came through: moved meanwhile, refused. */
            if (fstat(up, &sb) != 0 || sb.st_dev != ids[depth - 1].dev ||
                sb.st_ino != ids[depth - 1].ino) {
                close(up);
                why = NP_FILE_OUTSIDE;
                e = EXDEV;
                break;
            }
            if (cur != rootfd)
                close(cur);
            cur = up;
            depth--;
            s = next;
            continue;
        }
        if (len > NAME_MAX) {
            e = ENAMETOOLONG;
            break;
        }
        memcpy(name, s, len);
        name[len] = '\0';
        s = next;
        if (last)
            fd =
                openat(cur, name, flags | O_NOFOLLOW | O_CLOEXEC | (slash_after ? O_DIRECTORY : 0));
        else
            fd = openat(cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            /* O_PATH with O_NOFOLLOW opens a symlink itself rather than failing. */
            if (!last || (flags & O_PATH)) {
                if (fstat(fd, &sb) != 0) {
                    e = errno;
                    close(fd);
                    fd = -1;
                    break;
                }
            }
            if (!((!last || (flags & O_PATH)) && S_ISLNK(sb.st_mode))) {
                if (last)
                    break;
                if (depth == MAX_DEPTH) {
                    close(fd);
                    fd = -1;
                    e = ENAMETOOLONG;
                    break;
                }
                depth++;
                ids[depth].dev = sb.st_dev;
                ids[depth].ino = sb.st_ino;
                if (cur != rootfd)
                    close(cur);
                cur = fd;
                fd = -1;
                continue;
            }
            close(fd);
            fd = -1;
            e = ELOOP;
        } else {
            e = errno;
            if (e != ELOOP && e != ENOTDIR)
                break;
        }
        /* A symlink (O_NOFOLLOW said ELOOP, or ENOTDIR with O_DIRECTORY), unless readlink says
         * it is not one: then the open's error stands. */
        if ((tn = readlinkat(cur, name, target, sizeof(target))) < 0)
            break;
        if ((size_t)tn >= sizeof(target)) {
            e = ENAMETOOLONG;
            break;
        }
        target[tn] = '\0';
        if (++links > NP_FILE_MAX_LINKS) {
            why = NP_FILE_LOOP;
            e = ELOOP;
            break;
        }
        if (target[0] == '/') {
            why = absolute_status(root, target);
            e = EXDEV;
            break;
        }
        if (tn == 0) {
            e = ENOENT;
            break;
        }
        /* The rest of the path now follows the link's target, read from the same folder. */
        n = strlen(s);
        if ((size_t)tn + n >= sizeof(rem)) {
            e = ENAMETOOLONG;
            break;
        }
        memmove(rem + tn, s, n + 1);
        memcpy(rem, target, (size_t)tn);
        s = rem;
    }
    if (cur != rootfd)
        close(cur);
    if (fd >= 0)
        return fd;
    return fail(st, err, why, e);
}

/* The open itself, from rootfd (root's O_PATH descriptor, left open); rootbuf and rel as below()
 * gives them. */
static int beneath(int rootfd, const char *rootbuf, const char *rel, int flags, np_file_status *st,
                   int *err)
{
#ifdef HAVE_OPENAT2
    if (!force_fallback && !no_openat2) {
        struct open_how how;
        int tries, fd, e;
        memset(&how, 0, sizeof(how));
        /* openat2 refuses flags O_PATH does not take. */
        how.flags = (uint64_t)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY));
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        /* EAGAIN: a rename raced a ".."; after a few, the walk decides. */
        for (tries = 0; tries < 4; tries++) {
            fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
            if (fd >= 0 || errno != EAGAIN)
                break;
        }
        if (fd >= 0)
            return fd;
        e = errno;
        if (e == ENOSYS) {
            no_openat2 = 1;
        } else if (e == EXDEV) {
            /* Refused. The walk only tells why (absolute, or outside) for the log line; if the
             * tree changed meanwhile and it finds nothing wrong, it was outside. */
            if ((fd = walk(rootfd, rootbuf, rel, O_PATH, st, err)) >= 0)
                close(fd);
            if (fd >= 0 || *st == NP_FILE_ERRNO)
                *st = NP_FILE_OUTSIDE;
            *err = EXDEV;
            return -1;
        } else if (e != EAGAIN) {
            return fail(st, err, e == ELOOP ? NP_FILE_LOOP : NP_FILE_ERRNO, e);
        }
    }
#endif
    return walk(rootfd, rootbuf, rel, flags, st, err);
}

int np_file_open_beneath_at(int rootfd, const char *root, const char *path, int flags,
                            np_file_status *st, int *err)
{
    char rootbuf[PATH_MAX];
    np_file_status st0;
    int err0, fd, e = 0, own = rootfd < 0 || !root;
    const char *rel;

    if (!st)
        st = &st0;
    if (!err)
        err = &err0;
    *st = NP_FILE_OK;
    *err = 0;
    if (!(rel = below(root, path, rootbuf, &e)))
        return fail(st, err, e == EXDEV ? NP_FILE_OUTSIDE : NP_FILE_ERRNO, e);
    if (own && (rootfd = open(rootbuf, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return fail(st, err, NP_FILE_ERRNO, errno);
    fd = beneath(rootfd, rootbuf, rel, flags, st, err);
    if (own)
        close(rootfd);
    return fd;
}

int np_file_open_beneath(const char *root, const char *path, int flags, np_file_status *st,
                         int *err)
{
    return np_file_open_beneath_at(-1, root, path, flags, st, err);
}

apr_time_t np_file_mtime(const struct stat *sb)
{
    return apr_time_from_sec(sb->st_mtim.tv_sec) + sb->st_mtim.tv_nsec / 1000;
}

int np_file_open_root(const char *root)
{
    return open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

apr_filetype_e np_file_type_beneath(const char *root, const char *path, np_file_status *st,
                                    int *err)
{
    struct stat sb;
    int fd = np_file_open_beneath(root, path, O_PATH, st, err);
    apr_filetype_e type = APR_NOFILE;
    if (fd < 0)
        return APR_NOFILE;
    if (fstat(fd, &sb) == 0)
        type = S_ISREG(sb.st_mode)    ? APR_REG
               : S_ISDIR(sb.st_mode)  ? APR_DIR
               : S_ISFIFO(sb.st_mode) ? APR_PIPE
               : S_ISLNK(sb.st_mode)  ? APR_LNK
               : S_ISSOCK(sb.st_mode) ? APR_SOCK
               : S_ISCHR(sb.st_mode)  ? APR_CHR
               : S_ISBLK(sb.st_mode)  ? APR_BLK
                                      : APR_UNKFILE;
    else if (err)
        *err = errno;
    close(fd);
    return type;
}

const char *np_file_strerror(apr_pool_t *p, np_file_status st, int err, const char *what)
{
    char buf[120];
    if (!what)
        what = "its folder";
    switch (st) {
    case NP_FILE_OK:
        return "no error";
    case NP_FILE_OUTSIDE:
        return apr_psprintf(p, "symlink leads outside %s; not followed", what);
    case NP_FILE_ABSOLUTE:
        return apr_psprintf(p,
                            "absolute symlink; not followed (make it a relative link, such as "
                            "../desk/story.xml, that stays inside %s)",
                            what);
    case NP_FILE_LOOP:
        return apr_psprintf(p, "more than %d symlinks on the way (a symlink loop); not followed",
                            NP_FILE_MAX_LINKS);
    case NP_FILE_NOT_REGULAR:
        return "not a regular file";
    case NP_FILE_TOO_BIG:
        return "too large";
    case NP_FILE_ERRNO:
        break;
    }
    return apr_psprintf(p, "cannot open: %s",
                        apr_strerror(APR_FROM_OS_ERROR(err), buf, sizeof(buf)));
}

char *np_file_read(apr_pool_t *p, const np_file_opts *o, const char *path, apr_size_t *len,
                   np_file_status *stp, const char **err)
{
    return np_file_read_at(p, o, -1, path, len, NULL, stp, err);
}

char *np_file_read_at(apr_pool_t *p, const np_file_opts *o, int rootfd, const char *path,
                      apr_size_t *len, struct stat *sbp, np_file_status *stp, const char **err)
{
    np_file_status st0;
    struct stat sb0, *sb = sbp ? sbp : &sb0;
    char *data, buf[120];
    size_t size, got = 0;
    int e = 0, fd;

    if (!stp)
        stp = &st0;
    *len = 0;
    /* Non-blocking: a FIFO opens at once and fails the regular-file check below instead of
     * holding the thread in open() until some writer comes. */
    memset(sb, 0, sizeof(*sb));
    fd = np_file_open_beneath_at(rootfd, o->root, path, O_RDONLY | O_NONBLOCK, stp, &e);
    if (fd < 0) {
        *err = apr_psprintf(p, "%s:0:0: %s", path, np_file_strerror(p, *stp, e, o->what));
        return NULL;
    }
    if (fstat(fd, sb) != 0)
        memset(sb, 0, sizeof(*sb));
    if (!S_ISREG(sb->st_mode)) {
        close(fd);
        *stp = NP_FILE_NOT_REGULAR;
        *err = apr_psprintf(p, "%s:0:0: not a regular file", path);
        return NULL;
    }
    if ((apr_uint64_t)sb->st_size > (apr_uint64_t)o->max) {
        close(fd);
        *stp = NP_FILE_TOO_BIG;
        *err = apr_psprintf(p,
                            "%s:0:0: file is %" APR_OFF_T_FMT " bytes, over the limit of "
                            "%" APR_SIZE_T_FMT " bytes (%s); not parsed",
                            path, (apr_off_t)sb->st_size, o->max, o->limit ? o->limit : "");
        return NULL;
    }
    size = (size_t)sb->st_size;
    if (!(data = malloc(size + 1))) {
        close(fd);
        *stp = NP_FILE_ERRNO;
        *err = apr_psprintf(p, "%s:0:0: out of memory reading the file", path);
        return NULL;
    }
    /* Never more than fstat said: a file growing meanwhile is cut at that size. */
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            close(fd);
            free(data);
            *stp = NP_FILE_ERRNO;
            *err = apr_psprintf(p, "%s:0:0: cannot read: %s", path,
                                apr_strerror(APR_FROM_OS_ERROR(e), buf, sizeof(buf)));
            return NULL;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    data[got] = '\0';
    *len = got;
    *stp = NP_FILE_OK;
    return data;
}
