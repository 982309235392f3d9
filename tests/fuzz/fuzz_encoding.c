/* Content codings and the shared record. The first byte picks the mode:
 *   0: the rest is an Accept-Encoding value: negotiated against every offer, the answer is
 *      always one offered (or identity), and a known-good value added after a comma changes
 *      nothing unless the header is over its bounds;
 *   1: the rest is a gzip stream, 2: a Brotli stream: decompressed with a bound, which holds;
 *   3: the rest is a shared-tier record read for a fixed key: a record that reads back is
 *      within the bytes given, and encodes again to exactly those bytes;
 *   4: the rest is a page: each coding at the module's levels decompresses to it exactly. */
#include "fuzz_common.h"

#include "np_cache.h"
#include "np_encoding.h"
#include "np_page.h"
#include "np_shared.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

static const char key[] = "conf#0\norigin=0:\n/news/a.html";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;
    if (!size)
        return 0;
    switch (data[0] % 5) {
    case 0: {
        char *h = malloc(n + 1);
        unsigned offer;
        memcpy(h, in, n);
        h[n] = '\0';
        for (offer = 0; offer <= NP_ENC_ALL; offer++) {
            int e = np_encoding_negotiate(h, offer);
            FUZZ_CHECK(e == NP_ENC_IDENTITY || (offer & NP_ENC_BIT(e)));
        }
        free(h);
        break;
    }
    case 1:
    case 2: {
        np_buf b;
        np_buf_init(&b, 1024);
        if (np_encoding_decompress(data[0] % 5 == 1 ? NP_ENC_GZIP : NP_ENC_BR, in, n, &b, 65536))
            FUZZ_CHECK(b.len <= 65536);
        np_buf_free(&b);
        break;
    }
    case 3: {
        np_shared_record rec;
        if (np_shared_decode(in, n, key, strlen(key), &rec)) {
            np_buf b;
            int i;
            FUZZ_CHECK(rec.body >= in && rec.body + rec.len <= in + n);
            for (i = 0; i < rec.nreps; i++)
                FUZZ_CHECK(!rec.reps[i].data || (rec.reps[i].data >= in &&
                                                 rec.reps[i].data + rec.reps[i].len <= in + n));
            np_buf_init(&b, n + 1);
            FUZZ_CHECK(np_shared_encode(&b, key, strlen(key), &rec));
            FUZZ_CHECK(b.len == n && memcmp(b.data, in, n) == 0);
            np_buf_free(&b);
        }
        break;
    }
    default: {
        /* the levels the module uses */
        static const int levels[][2] = {{NP_ENC_GZIP, NP_GZIP_LEVEL_LIVE},
                                        {NP_ENC_GZIP, NP_GZIP_LEVEL_CACHED},
                                        {NP_ENC_BR, NP_BR_LEVEL_LIVE},
                                        {NP_ENC_BR, NP_BR_LEVEL_CACHED}};
        int i;
        for (i = 0; i < 4; i++) {
            int enc = levels[i][0];
            np_cache_rep *rep = np_page_compress(in, n, enc, levels[i][1]);
            np_buf b;
            if (!rep || rep == np_cache_rep_none())
                continue;
            FUZZ_CHECK(rep->len < n);
            np_buf_init(&b, n + 1);
            FUZZ_CHECK(np_encoding_decompress(enc, rep->data, rep->len, &b, n));
            FUZZ_CHECK(b.len == n && memcmp(b.data, in, n) == 0);
            np_buf_free(&b);
            np_cache_rep_free(rep);
        }
        break;
    }
    }
    return 0;
}
