/* Value tree for template data. Small maps are scanned linearly: view data maps hold a few
 * dozen keys at most, and a scan beats hashing at that size. */
#include "np_value.h"

#include <string.h>
#include <apr_strings.h>

np_value np_value_null_v = {NP_NULL, {0}};

static np_value *value_new(apr_pool_t *p, np_type t)
{
    np_value *v = apr_pcalloc(p, sizeof(*v));
    v->type = t;
    return v;
}

np_value *np_value_bool(apr_pool_t *p, int b)
{
    np_value *v = value_new(p, NP_BOOL);
    v->u.b = b != 0;
    return v;
}

np_value *np_value_strn(apr_pool_t *p, const char *s, apr_size_t len)
{
    np_value *v = value_new(p, NP_STR);
    v->u.str.s = s;
    v->u.str.len = len;
    return v;
}

np_value *np_value_str(apr_pool_t *p, const char *s)
{
    return s ? np_value_strn(p, s, strlen(s)) : NP_VALUE_NULL;
}

np_value *np_value_strdup(apr_pool_t *p, const char *s)
{
    return s ? np_value_str(p, apr_pstrdup(p, s)) : NP_VALUE_NULL;
}

np_value *np_value_int(apr_pool_t *p, long long n)
{
    return np_value_str(p, apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)n));
}

np_value *np_value_list(apr_pool_t *p)
{
    return value_new(p, NP_LIST);
}

np_value *np_value_map(apr_pool_t *p)
{
    return value_new(p, NP_MAP);
}

np_value *np_list_push(apr_pool_t *p, np_value *list, np_value *v)
{
    if (list->u.list.n == list->u.list.cap) {
        int cap = list->u.list.cap ? list->u.list.cap * 2 : 8;
        np_value **items = apr_palloc(p, cap * sizeof(*items));
        if (list->u.list.n)
            memcpy(items, list->u.list.items, list->u.list.n * sizeof(*items));
        list->u.list.items = items;
        list->u.list.cap = cap;
    }
    list->u.list.items[list->u.list.n++] = v;
    return v;
}

np_value *np_map_copy(apr_pool_t *p, const np_value *map)
{
    np_value *c = apr_pmemdup(p, map, sizeof(*map));
    if (map->type == NP_MAP && map->u.map.n) {
        c->u.map.m = apr_pmemdup(p, map->u.map.m, map->u.map.n * sizeof(*map->u.map.m));
        c->u.map.cap = map->u.map.n;
    }
    return c;
}

np_value *np_map_getn(const np_value *map, const char *key, apr_size_t klen)
{
    int i;
    if (!map || map->type != NP_MAP)
        return NULL;
    for (i = 0; i < map->u.map.n; i++) {
        const np_member *m = &map->u.map.m[i];
        if (m->klen == klen && m->key[0] == key[0] && memcmp(m->key, key, klen) == 0)
            return m->val;
    }
    return NULL;
}

np_value *np_map_get(const np_value *map, const char *key)
{
    return np_map_getn(map, key, strlen(key));
}

np_value *np_map_setn(apr_pool_t *p, np_value *map, const char *key, apr_size_t klen, np_value *v)
{
    int i;
    for (i = 0; i < map->u.map.n; i++) {
        np_member *m = &map->u.map.m[i];
        if (m->klen == klen && memcmp(m->key, key, klen) == 0) {
            m->val = v;
            return v;
        }
    }
    if (map->u.map.n == map->u.map.cap) {
        int cap = map->u.map.cap ? map->u.map.cap * 2 : 8;
        np_member *m = apr_palloc(p, cap * sizeof(*m));
        if (map->u.map.n)
            memcpy(m, map->u.map.m, map->u.map.n * sizeof(*m));
        map->u.map.m = m;
        map->u.map.cap = cap;
    }
    map->u.map.m[map->u.map.n].key = key;
    map->u.map.m[map->u.map.n].klen = klen;
    map->u.map.m[map->u.map.n].val = v;
    map->u.map.n++;
    return v;
}

np_value *np_map_set(apr_pool_t *p, np_value *map, const char *key, np_value *v)
{
    return np_map_setn(p, map, key, strlen(key), v);
}

void np_map_str(apr_pool_t *p, np_value *map, const char *key, const char *s)
{
    if (s)
        np_map_set(p, map, key, np_value_str(p, s));
}

void np_map_bool(apr_pool_t *p, np_value *map, const char *key, int b)
{
    np_map_set(p, map, key, np_value_bool(p, b));
}

void np_map_int(apr_pool_t *p, np_value *map, const char *key, long long n)
{
    np_map_set(p, map, key, np_value_int(p, n));
}

int np_value_truthy(const np_value *v)
{
    if (!v)
        return 0;
    switch (v->type) {
    case NP_NULL:
        return 0;
    case NP_BOOL:
        return v->u.b;
    case NP_LIST:
        return v->u.list.n > 0;
    default:
        return 1;
    }
}
