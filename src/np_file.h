/* Opening a file confined to a folder. Every file the module reads (articles, _section.xml,
 * templates, labels files) is opened here, relative to the folder it must stay in, in one step:
 * no check is made first that a symlink re-pointed afterwards could get round. The rule, the same
 * on every kernel (docs/security.md "Symlinks"): a symlink below the folder is followed only when
 * it is relative and, resolved, stays inside the folder; an absolute symlink is refused even when
 * it names a place inside; at most NP_FILE_MAX_LINKS symlinks are followed. The folder's own path,
 * symlinks in it included, is the operator's and taken as given. */
#ifndef NP_FILE_H
#define NP_FILE_H

#include <sys/stat.h>

#include <apr_file_info.h>
#include <apr_pools.h>

/* As the kernel's path lookup (MAXSYMLINKS). */
#define NP_FILE_MAX_LINKS 40

typedef enum {
    NP_FILE_OK = 0,
    NP_FILE_ERRNO,       /* the open failed; err is the errno (ENOENT, EACCES, ...) */
    NP_FILE_OUTSIDE,     /* a symlink or ".." leads outside the folder */
    NP_FILE_ABSOLUTE,    /* an absolute symlink to a place inside the folder */
    NP_FILE_LOOP,        /* more than NP_FILE_MAX_LINKS symlinks: a loop */
    NP_FILE_NOT_REGULAR, /* np_file_read: a folder, FIFO, device, ... */
    NP_FILE_TOO_BIG      /* np_file_read: over the size limit */
} np_file_status;

/* Opens path, which is root or lies below it ("ROOT/a/b.xml"), with open(2) flags (O_RDONLY,
 * O_NONBLOCK, O_PATH, O_DIRECTORY; O_CLOEXEC is added). root NULL: the folder holding path.
 * Uses openat2(RESOLVE_BENEATH) where the kernel has it, else walks the path itself, one
 * component at a time with O_NOFOLLOW. Returns the descriptor, or -1 with *st set (and *err to
 * the errno for NP_FILE_ERRNO; either may be NULL). A path not below root is NP_FILE_OUTSIDE.
 * Thread-safe. */
int np_file_open_beneath(const char *root, const char *path, int flags, np_file_status *st,
                         int *err);

/* np_file_open_beneath for callers that open many files below one root: rootfd is root opened
 * with np_file_open_root (the caller closes it), so root's own path is not looked up again for
 * each file. root must be the path rootfd was opened from; it still decides which paths are
 * below it and names it in messages. rootfd -1 or root NULL: as np_file_open_beneath. A root
 * replaced since rootfd was opened is not seen: open it again for each pass over a tree. */
int np_file_open_beneath_at(int rootfd, const char *root, const char *path, int flags,
                            np_file_status *st, int *err);

/* A file's mtime as the index and the cache record it: to the microsecond. */
apr_time_t np_file_mtime(const struct stat *sb);

/* root opened for np_file_open_beneath_at (O_PATH | O_DIRECTORY | O_CLOEXEC); -1 with errno
 * when it cannot be, which np_file_open_beneath_at then reports for each file as
 * np_file_open_beneath does. */
int np_file_open_root(const char *root);

/* What path leads to, found the way np_file_open_beneath opens it (with O_PATH: nothing is read,
 * a FIFO does not block): APR_REG, APR_DIR, APR_PIPE, ...; APR_NOFILE with *st set when the
 * open is refused or fails. */
apr_filetype_e np_file_type_beneath(const char *root, const char *path, np_file_status *st,
                                    int *err);

/* Why an open or read failed, without the path: "symlink leads outside WHAT; not followed",
 * "cannot open: No such file or directory", ... what names the folder ("the content folder"). */
const char *np_file_strerror(apr_pool_t *p, np_file_status st, int err, const char *what);

typedef struct {
    const char *root;  /* the folder the file must stay in; NULL: the file's own folder */
    const char *what;  /* how messages name it: "the content folder" */
    apr_size_t max;    /* bytes; a larger file is refused before anything is read */
    const char *limit; /* what sets max, for messages: "NewsPortalMaxArticleSize" */
} np_file_opts;

/* Reads the regular file at path, opened as np_file_open_beneath does without blocking (a FIFO
 * is refused at once), its size checked with fstat before reading. Returns a buffer from malloc
 * (the caller frees it) holding *len bytes and a NUL, or NULL with *err set (from p) to
 * "path:0:0: message" and *st (may be NULL) to why. */
char *np_file_read(apr_pool_t *p, const np_file_opts *o, const char *path, apr_size_t *len,
                   np_file_status *st, const char **err);

/* np_file_read with o->root opened as rootfd (np_file_open_beneath_at; -1: opened for this
 * file), and *sb (may be NULL) set to the fstat of the descriptor read: that of what was opened,
 * even when it was then refused as not regular or too large; all zero (st_mode 0) when nothing
 * was opened. */
char *np_file_read_at(apr_pool_t *p, const np_file_opts *o, int rootfd, const char *path,
                      apr_size_t *len, struct stat *sb, np_file_status *st, const char **err);

/* Tests only: non-zero makes np_file_open_beneath take the path walk it uses on kernels without
 * openat2. Not reachable from any directive or request. */
void np_file_force_fallback(int on);

#endif
