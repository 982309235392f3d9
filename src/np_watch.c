/* The inotify watcher of a content folder (np_watch.h). */
#include "np_watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "np_content.h"
#include "np_file.h"

#define MASK                                                                                       \
    (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY |            \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)
#define MAX_DEPTH 64

typedef struct place place;

/* A watch: the kernel's descriptor and the path it was added under. */
typedef struct node {
    int wd;
    place *at;
    struct node *next; /* another watch under the same path (a stale one, until its IN_IGNORED) */
} node;

/* A watched path and the watched paths below it, so that a look at one path, or the drop of a
 * folder moved away, costs what is there and not what the whole tree holds. A path without a
 * watch of its own (its IN_IGNORED came first) stays while paths below it do. */
struct place {
    char *path; /* malloc'd; the key in np_watch.places */
    node *nodes;
    place *parent, *kids, *prev, *next;
};

struct np_watch {
    apr_pool_t *pool; /* the tables; their entries are reused, not grown, as watches come and go */
    int fd;
    char *root;
    int root_wd;
    int max;
    apr_hash_t *nodes;   /* wd -> node */
    apr_hash_t *places;  /* path -> place */
    apr_hash_t *pending; /* path (malloc'd) -> itself */
    int full;            /* a full pass is needed */
    const char *error;   /* the tree can no longer be covered */
    char errbuf[256];
};

static node *node_get(np_watch *w, int wd)
{
    return apr_hash_get(w->nodes, &wd, sizeof(wd));
}

static place *place_get(np_watch *w, const char *path)
{
    return apr_hash_get(w->places, path, APR_HASH_KEY_STRING);
}

/* Takes p out of both its parent's list and the table, and frees it. */
static void place_free(np_watch *w, place *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else if (p->parent)
        p->parent->kids = p->next;
    if (p->next)
        p->next->prev = p->prev;
    apr_hash_set(w->places, p->path, APR_HASH_KEY_STRING, NULL);
    free(p->path);
    free(p);
}

/* Frees p, and the places above it, while they hold nothing. */
static void place_release(np_watch *w, place *p)
{
    while (p && !p->nodes && !p->kids) {
        place *up = p->parent;
        place_free(w, p);
        p = up;
    }
}

/* A new watch wd of path, whose parent folder's place is up (NULL for the root). */
static node *node_add(np_watch *w, int wd, const char *path, place *up)
{
    place *p = place_get(w, path);
    node *n;
    if (!p) {
        if (!(p = calloc(1, sizeof(*p))) || !(p->path = strdup(path))) {
            free(p);
            return NULL;
        }
        if ((p->parent = up)) {
            if ((p->next = up->kids))
                p->next->prev = p;
            up->kids = p;
        }
        apr_hash_set(w->places, p->path, APR_HASH_KEY_STRING, p);
    }
    if (!(n = malloc(sizeof(*n)))) {
        place_release(w, p);
        return NULL;
    }
    n->wd = wd;
    n->at = p;
    n->next = p->nodes;
    p->nodes = n;
    apr_hash_set(w->nodes, &n->wd, sizeof(n->wd), n);
    return n;
}

static void node_drop(np_watch *w, node *n)
{
    place *p = n->at;
    node **pp = &p->nodes;
    while (*pp != n)
        pp = &(*pp)->next;
    *pp = n->next;
    apr_hash_set(w->nodes, &n->wd, sizeof(n->wd), NULL);
    free(n);
    place_release(w, p);
}

static void mark(np_watch *w, const char *path)
{
    char *copy;
    if (w->full || apr_hash_get(w->pending, path, APR_HASH_KEY_STRING))
        return;
    if (apr_hash_count(w->pending) >= NP_WATCH_PENDING || !(copy = strdup(path))) {
        w->full = 1;
        return;
    }
    apr_hash_set(w->pending, copy, APR_HASH_KEY_STRING, copy);
}

/* Deleting the current entry while iterating is what APR allows. */
static void pending_clear(np_watch *w)
{
    apr_hash_index_t *hi;
    for (hi = apr_hash_first(NULL, w->pending); hi; hi = apr_hash_next(hi)) {
        char *path = apr_hash_this_val(hi);
        apr_hash_set(w->pending, path, APR_HASH_KEY_STRING, NULL);
        free(path);
    }
}

static void fail(np_watch *w, const char *msg)
{
    if (!w->error) {
        snprintf(w->errbuf, sizeof(w->errbuf), "%s", msg);
        w->error = w->errbuf;
    }
}

/* Watches path and, when it is new to the watcher, the folders below it; up is the place of the
 * folder holding it (NULL for the root). -1 when the tree cannot be covered (w->error says why). */
static int add_tree(np_watch *w, const char *path, place *up, int depth)
{
    int wd;
    node *n;
    DIR *d;
    struct dirent *de;
    if (w->error)
        return -1;
    if ((int)apr_hash_count(w->nodes) >= w->max) {
        char msg[128];
        snprintf(msg, sizeof(msg), "the content has more than %d folders (NewsPortalWatchMax)",
                 w->max);
        fail(w, msg);
        return -1;
    }
    wd = inotify_add_watch(w->fd, path, MASK);
    if (wd < 0) {
        if (errno == ENOSPC) {
            fail(w, "the system's limit of inotify watches is reached "
                    "(sysctl fs.inotify.max_user_watches)");
            return -1;
        }
        if (errno == ENOMEM) {
            fail(w, "the kernel has no memory for another inotify watch");
            return -1;
        }
        return 0; /* gone or not a folder by now: its parent's event says so */
    }
    if (node_get(w, wd))
        return 0; /* watched already: the same folder by another name, or a loop */
    if (!(n = node_add(w, wd, path, up))) {
        inotify_rm_watch(w->fd, wd);
        fail(w, "out of memory");
        return -1;
    }
    if (depth == 0)
        w->root_wd = wd;
    if (depth >= MAX_DEPTH || !(d = opendir(path)))
        return 0;
    while ((de = readdir(d))) {
        char sub[PATH_MAX];
        if (de->d_name[0] == '.' || de->d_name[0] == '_' || !np_content_name_ok(de->d_name))
            continue;
        if (de->d_type != DT_DIR && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
            continue;
        if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= (int)sizeof(sub))
            continue;
        if (de->d_type != DT_DIR && np_file_type_beneath(w->root, sub, NULL, NULL) != APR_DIR)
            continue;
        if (add_tree(w, sub, n->at, depth + 1) != 0) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return 0;
}

/* Is path a folder with a watch? */
static int watched(np_watch *w, const char *path)
{
    place *p = place_get(w, path);
    return p && p->nodes;
}

/* A folder moved away: its watches (and those below it) name a place that no longer holds it.
 * Leaf first, each place freed once its watches and places below are gone. */
static void drop_tree(np_watch *w, const char *path)
{
    place *top = place_get(w, path), *p = top;
    if (!top)
        return; /* path may be the place's own, freed below: not read again */
    for (;;) {
        place *up;
        while (p->kids)
            p = p->kids;
        while (p->nodes) {
            node *n = p->nodes;
            p->nodes = n->next;
            inotify_rm_watch(w->fd, n->wd);
            apr_hash_set(w->nodes, &n->wd, sizeof(n->wd), NULL);
            free(n);
        }
        if (p == top)
            break;
        up = p->parent;
        place_free(w, p);
        p = up;
    }
    place_release(w, top);
}

/* A file name the index reads: an article or a section's metadata. */
static int relevant_file(const char *name)
{
    size_t len = strlen(name);
    if (name[0] == '.')
        return 0;
    if (name[0] == '_')
        return strcmp(name, "_section.xml") == 0;
    return len > 4 && strcmp(name + len - 4, ".xml") == 0;
}

static void event(np_watch *w, const struct inotify_event *ev)
{
    node *n;
    char path[PATH_MAX];
    if (ev->mask & IN_Q_OVERFLOW) {
        w->full = 1;
        return;
    }
    if (!(n = node_get(w, ev->wd)))
        return;
    if (n->wd == w->root_wd && (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))) {
        /* nothing watches the configured path any more: the caller starts again */
        fail(w, "the content folder was deleted or moved");
        return;
    }
    if (ev->mask & IN_IGNORED) {
        node_drop(w, n);
        return;
    }
    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
        /* the parent's event names the folder */
        if (ev->mask & IN_MOVE_SELF)
            drop_tree(w, n->at->path);
        return;
    }
    if (!ev->len || !ev->name[0] || ev->name[0] == '.')
        return;
    if (ev->mask & IN_ISDIR) {
        if (ev->name[0] == '_' || !np_content_name_ok(ev->name))
            return;
        if (snprintf(path, sizeof(path), "%s/%s", n->at->path, ev->name) >= (int)sizeof(path))
            return;
        if (ev->mask & IN_MOVED_FROM)
            drop_tree(w, path);
        else if (ev->mask & (IN_CREATE | IN_MOVED_TO))
            add_tree(w, path, n->at, 1); /* failure: w->error, seen by np_watch_read */
        mark(w, n->at->path);
        return;
    }
    if (!relevant_file(ev->name)) {
        /* A symlink to a folder reports no IN_ISDIR: a symlink made or moved here, or a name
         * that was a watched (linked) folder, is looked at; the index follows such links. */
        struct stat lsb;
        if (ev->name[0] == '_' || !np_content_name_ok(ev->name) ||
            !(ev->mask & (IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)) ||
            snprintf(path, sizeof(path), "%s/%s", n->at->path, ev->name) >= (int)sizeof(path))
            return;
        if (!((ev->mask & (IN_CREATE | IN_MOVED_TO)) && lstat(path, &lsb) == 0 &&
              S_ISLNK(lsb.st_mode)) &&
            !watched(w, path))
            return;
        drop_tree(w, path);
        if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
            np_file_type_beneath(w->root, path, NULL, NULL) == APR_DIR)
            add_tree(w, path, n->at, 1);
        mark(w, n->at->path);
        return;
    }
    mark(w, n->at->path);
}

np_watch *np_watch_open(apr_pool_t *p, const char *dir, int max_watches, const char **why)
{
    np_watch *w = calloc(1, sizeof(*w));
    if (!w || apr_pool_create_unmanaged_ex(&w->pool, NULL, NULL) != APR_SUCCESS) {
        free(w);
        *why = "out of memory";
        return NULL;
    }
    w->nodes = apr_hash_make(w->pool);
    w->places = apr_hash_make(w->pool);
    w->pending = apr_hash_make(w->pool);
    w->max = max_watches > 0 ? max_watches : 1;
    w->root = strdup(dir);
    w->root_wd = -1;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        w->fd = -1;
        *why = apr_psprintf(p, "inotify_init failed: %s", strerror(errno));
        np_watch_close(w);
        return NULL;
    }
    if (!w->root || add_tree(w, dir, NULL, 0) != 0 || !apr_hash_count(w->nodes)) {
        *why = apr_pstrdup(p, w->error ? w->error : "the content folder cannot be watched");
        np_watch_close(w);
        return NULL;
    }
    return w;
}

void np_watch_close(np_watch *w)
{
    apr_hash_index_t *hi;
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->pool) {
        for (hi = apr_hash_first(NULL, w->nodes); hi; hi = apr_hash_next(hi))
            node_drop(w, apr_hash_this_val(hi));
        pending_clear(w);
        apr_pool_destroy(w->pool);
    }
    free(w->root);
    free(w);
}

int np_watch_fd(const np_watch *w)
{
    return w->fd;
}

int np_watch_read(np_watch *w)
{
    /* aligned for struct inotify_event */
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    int count = 0;
    if (w->error)
        return -1;
    for (;;) {
        ssize_t len = read(w->fd, buf, sizeof(buf)), off = 0;
        if (len < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            fail(w, strerror(errno));
            return -1;
        }
        if (len == 0)
            break;
        while (off + (ssize_t)sizeof(struct inotify_event) <= len) {
            const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
            event(w, ev);
            count++;
            off += (ssize_t)sizeof(struct inotify_event) + ev->len;
        }
        if (w->error)
            return -1;
    }
    return count;
}

int np_watch_pending(const np_watch *w)
{
    return w->full || apr_hash_count(w->pending) > 0;
}

int np_watch_take(np_watch *w, apr_pool_t *p, apr_array_header_t **dirs)
{
    apr_hash_index_t *hi;
    int full = w->full;
    *dirs = apr_array_make(p, (int)apr_hash_count(w->pending) + 1, sizeof(const char *));
    if (!full)
        for (hi = apr_hash_first(NULL, w->pending); hi; hi = apr_hash_next(hi))
            APR_ARRAY_PUSH(*dirs, const char *) = apr_pstrdup(p, apr_hash_this_val(hi));
    pending_clear(w);
    w->full = 0;
    return full;
}

int np_watch_count(const np_watch *w)
{
    return (int)apr_hash_count(w->nodes);
}

const char *np_watch_error(const np_watch *w)
{
    return w->error;
}
