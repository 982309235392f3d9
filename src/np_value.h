/* The data model templates render: a tree of values on an APR pool.
 * Values are built once per page by one thread and never mutated after rendering starts;
 * strings are not copied unless the caller asks (np_value_strdup). */
#ifndef NP_VALUE_H
#define NP_VALUE_H

#include <apr_pools.h>

typedef enum {
    NP_NULL = 0,
    NP_BOOL,
    NP_STR, /* numbers are strings too: "85", "1.21" */
    NP_LIST,
    NP_MAP
} np_type;

typedef struct np_value np_value;

typedef struct {
    const char *key;
    apr_size_t klen;
    np_value *val;
} np_member;

struct np_value {
    np_type type;
    union {
        int b;
        struct {
            const char *s;
            apr_size_t len;
        } str;
        struct {
            np_value **items;
            int n, cap;
        } list;
        struct {
            np_member *m;
            int n, cap;
        } map;
    } u;
};

extern np_value np_value_null_v;
#define NP_VALUE_NULL (&np_value_null_v)

np_value *np_value_bool(apr_pool_t *p, int b);
/* Refers to s (len bytes), which must live as long as the value. */
np_value *np_value_strn(apr_pool_t *p, const char *s, apr_size_t len);
np_value *np_value_str(apr_pool_t *p, const char *s); /* NULL s gives NP_NULL */
np_value *np_value_strdup(apr_pool_t *p, const char *s);
np_value *np_value_int(apr_pool_t *p, long long n);
np_value *np_value_list(apr_pool_t *p);
np_value *np_value_map(apr_pool_t *p);
/* A shallow copy of map: its own member array, the same keys and values. */
np_value *np_map_copy(apr_pool_t *p, const np_value *map);

/* Appends; returns v. */
np_value *np_list_push(apr_pool_t *p, np_value *list, np_value *v);
/* Sets key (not copied) in map, replacing an existing one; returns v. */
np_value *np_map_set(apr_pool_t *p, np_value *map, const char *key, np_value *v);
np_value *np_map_setn(apr_pool_t *p, np_value *map, const char *key, apr_size_t klen, np_value *v);
/* Shorthands: a string value (not copied; NULL sets nothing), a bool, an int. */
void np_map_str(apr_pool_t *p, np_value *map, const char *key, const char *s);
void np_map_bool(apr_pool_t *p, np_value *map, const char *key, int b);
void np_map_int(apr_pool_t *p, np_value *map, const char *key, long long n);

/* NULL when map is not a map or has no such key. */
np_value *np_map_get(const np_value *map, const char *key);
np_value *np_map_getn(const np_value *map, const char *key, apr_size_t klen);

/* Mustache truthiness: false, null and the empty list are falsey; everything else is truthy. */
int np_value_truthy(const np_value *v);

#endif
