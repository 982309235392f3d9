/* JSON reader for template data (command-line previews, the spec runner, fixtures). Not on the
 * request path: view data is built in C there. */
#include "np_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <jansson.h>

/* The shortest "%g" form that reads back as the same double, as people write numbers. */
static np_value *real_value(apr_pool_t *p, double d)
{
    char buf[32];
    int prec;
    if (!isfinite(d))
        return NP_VALUE_NULL;
    for (prec = 1; prec < 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (prec == 17)
        snprintf(buf, sizeof(buf), "%.17g", d);
    return np_value_strdup(p, buf);
}

np_value *np_json_value(apr_pool_t *p, const struct json_t *j)
{
    json_t *jj = (json_t *)j; /* jansson's iteration API is not const-qualified */
    np_value *v;
    const char *key;
    json_t *item;
    size_t i;

    if (!j)
        return NP_VALUE_NULL;
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        v = np_value_map(p);
        json_object_foreach(jj, key, item)
        {
            apr_size_t klen = strlen(key);
            np_map_setn(p, v, apr_pstrmemdup(p, key, klen), klen, np_json_value(p, item));
        }
        return v;
    case JSON_ARRAY:
        v = np_value_list(p);
        json_array_foreach(jj, i, item) np_list_push(p, v, np_json_value(p, item));
        return v;
    case JSON_STRING:
        return np_value_strn(p, apr_pstrmemdup(p, json_string_value(j), json_string_length(j)),
                             json_string_length(j));
    case JSON_INTEGER:
        /* not np_value_int: apr_psprintf has no "%lld" */
        return np_value_str(
            p, apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(j)));
    case JSON_REAL:
        return real_value(p, json_real_value(j));
    case JSON_TRUE:
        return np_value_bool(p, 1);
    case JSON_FALSE:
        return np_value_bool(p, 0);
    default:
        return NP_VALUE_NULL;
    }
}

static np_value *convert(apr_pool_t *p, json_t *j, const json_error_t *e, const char *name,
                         char *err, apr_size_t errlen)
{
    np_value *v;
    if (!j) {
        if (err && errlen && e->line > 0)
            snprintf(err, errlen, "%s:%d:%d: %s", name, e->line, e->column, e->text);
        else if (err && errlen) /* could not read at all: no place to point at */
            snprintf(err, errlen, "%s: %s", name, e->text);
        return NULL;
    }
    v = np_json_value(p, j);
    json_decref(j);
    return v;
}

np_value *np_json_parse(apr_pool_t *p, const char *text, apr_size_t len, const char *name,
                        char *err, apr_size_t errlen)
{
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    return convert(p, j, &e, name ? name : "(json)", err, errlen);
}

np_value *np_json_read_file(apr_pool_t *p, const char *path, char *err, apr_size_t errlen)
{
    json_error_t e;
    json_t *j = json_load_file(path, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    return convert(p, j, &e, path, err, errlen);
}
