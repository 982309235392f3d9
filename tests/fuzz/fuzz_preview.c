/* Preview tokens and what the request gives with them. The first byte picks the mode:
 *   0: the rest is a token, checked against "/a.html" at a fixed instant with a fixed secret:
 *      one that passes is spelt exactly as np_preview_make spells its fields (one spelling per
 *      token), and its expiry lies within the bound;
 *   1: the rest is a query string: a parameter found lies inside it;
 *   2: the rest is a duration: one read is 1 second to 30 days. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "np_preview.h"

#define NOW ((apr_int64_t)1780000000)

static const char secret[] = "fuzz-secret-of-thirty-two-bytes-at-least";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;
    apr_pool_t *p;
    char *s;
    if (!size)
        return 0;
    p = fuzz_pool();
    s = apr_pstrmemdup(p, in, n);
    switch (data[0] % 3) {
    case 0: {
        np_preview_key k = {(const unsigned char *)secret, sizeof(secret) - 1};
        np_preview pv;
        if (np_preview_verify(p, &k, in, n, "/a.html", NOW, &pv) == NP_PREVIEW_OK) {
            const char *again = np_preview_make(p, &k, pv.scope, "/a.html", pv.at, pv.expires);
            FUZZ_CHECK(again && strlen(again) == n && memcmp(again, in, n) == 0);
            FUZZ_CHECK(pv.expires > NOW &&
                       pv.expires - NOW <= NP_PREVIEW_MAX_VALID + NP_PREVIEW_SKEW);
        }
        break;
    }
    case 1: {
        const char *t = NULL;
        apr_size_t len = 0;
        if (np_preview_param(s, &t, &len) == 1)
            FUZZ_CHECK(t >= s && t + len <= s + strlen(s));
        break;
    }
    default: {
        apr_int64_t v = 0;
        if (np_preview_duration(s, &v) == 0)
            FUZZ_CHECK(v >= 1 && v <= NP_PREVIEW_MAX_VALID);
        break;
    }
    }
    apr_pool_destroy(p);
    return 0;
}
