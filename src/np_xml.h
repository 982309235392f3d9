/* Safe XML parsing with libxml2: a parser context of our own per parse (kept for reuse), no
 * network, no DTD loading, no entity declarations, no XInclude, libxml2's default limits. It must
 * never read anything but the file it is given, and never change libxml2's global state after
 * np_xml_init(). */
#ifndef NP_XML_H
#define NP_XML_H

#include <stdarg.h>
#include <sys/stat.h>

#include <apr_pools.h>
#include <libxml/tree.h>

/* The size limit used when a caller passes 0 (NewsPortalMaxArticleSize's default). */
#define NP_XML_MAX_SIZE_DEFAULT ((apr_size_t)4 * 1024 * 1024)

/* Initialises libxml2 (xmlInitParser). Call once at startup, before any thread parses
 * (post_config, main). xmlCleanupParser is never called: libxml2 is shared with other modules. */
void np_xml_init(void);

/* Reads and parses the file at path. A file larger than max_size bytes (0: the default) is
 * refused before anything is parsed. Returns the document, freed when p is cleared, or NULL
 * with *err set (from p) to "path:line:col: message" (line and col 0 when not about a place
 * in the file). Thread-safe. The file is opened as np_xml_parse_file_in does with its own
 * folder as the root. */
xmlDoc *np_xml_parse_file(apr_pool_t *p, const char *path, apr_size_t max_size, const char **err);

/* The same, path opened confined to root, the content folder (np_file_open_beneath): a symlink
 * on the way that is absolute or leads outside root is refused with a message saying so. NULL
 * root: the file's own folder. */
xmlDoc *np_xml_parse_file_in(apr_pool_t *p, const char *root, const char *path, apr_size_t max_size,
                             const char **err);

/* np_xml_parse_file_in with root already opened as rootfd (np_file_open_beneath_at; -1: opened
 * for this file), and *sb (may be NULL) the fstat of the file read (np_file_read_at). */
xmlDoc *np_xml_parse_file_at(apr_pool_t *p, const char *root, int rootfd, const char *path,
                             apr_size_t max_size, struct stat *sb, const char **err);

/* The same for len bytes at data; name stands for the file in messages. */
xmlDoc *np_xml_parse_memory(apr_pool_t *p, const char *name, const char *data, apr_size_t len,
                            const char **err);

/* Where node starts in its file: 1-based line and column of an element's start tag as parsed
 * by np_xml_parse_*; other nodes give their line and column 0; 0 and 0 when unknown. */
void np_xml_pos(const xmlNode *node, long *line, long *col);

/* "name:line:col: message" about node (NULL: 0:0), allocated from p. */
const char *np_xml_msg(apr_pool_t *p, const char *name, const xmlNode *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *np_xml_vmsg(apr_pool_t *p, const char *name, const xmlNode *node, const char *fmt,
                        va_list ap);

/* The first element child of parent with this local name (any namespace), or NULL. */
xmlNode *np_xml_child(const xmlNode *parent, const char *name);
/* The next element sibling after node with the same local name, or NULL. */
xmlNode *np_xml_next(const xmlNode *node);
/* The value of el's attribute without namespace, copied to p, or NULL when absent. */
const char *np_xml_attr(apr_pool_t *p, const xmlNode *el, const char *name);
/* Is node an element with this local name (any namespace)? */
int np_xml_is(const xmlNode *node, const char *name);

#endif
