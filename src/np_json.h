/* JSON text to the value tree templates render (np_value.h), through jansson. Numbers become
 * strings as a reader expects them: integers as "%lld", reals in their shortest exact form
 * (1.21 -> "1.21"); true/false -> NP_BOOL, null -> NP_NULL. Everything is copied onto the pool,
 * so nothing refers back to the JSON text or jansson's objects. */
#ifndef NP_JSON_H
#define NP_JSON_H

#include <apr_pools.h>

#include "np_value.h"

struct json_t;

/* Converts a jansson value (NULL gives NP_NULL). */
np_value *np_json_value(apr_pool_t *p, const struct json_t *j);

/* Parses text (len bytes; any JSON value, not only objects). On a syntax error returns NULL and
 * writes "name:line:col: message" to err (errlen bytes; err may be NULL). */
np_value *np_json_parse(apr_pool_t *p, const char *text, apr_size_t len, const char *name,
                        char *err, apr_size_t errlen);

/* Reads and parses the file at path; errors as np_json_parse, named by path. */
np_value *np_json_read_file(apr_pool_t *p, const char *path, char *err, apr_size_t errlen);

#endif
