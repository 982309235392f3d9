/* Shared by the fuzz targets: APR set up once, a pool with its own allocator per input (so its
 * memory goes back to malloc, where ASan watches it, when the input is done), a per-process file
 * for the APIs that only take a path, and a check that aborts (libFuzzer reports the input). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <apr_allocator.h>
#include <apr_general.h>
#include <apr_pools.h>

#include "np_xml.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static inline void fuzz_init(void)
{
    if (apr_initialize() != APR_SUCCESS)
        abort();
    np_xml_init();
}

/* For what lives as long as the process: a child of APR's global pool, so never a leak. */
static inline apr_pool_t *fuzz_root_pool(void)
{
    apr_pool_t *p;
    if (apr_pool_create(&p, NULL) != APR_SUCCESS)
        abort();
    return p;
}

static inline apr_pool_t *fuzz_pool(void)
{
    apr_allocator_t *a;
    apr_pool_t *p;
    if (apr_allocator_create(&a) != APR_SUCCESS ||
        apr_pool_create_ex(&p, NULL, NULL, a) != APR_SUCCESS)
        abort();
    apr_allocator_owner_set(a, p);
    return p;
}

/* A path whose file holds exactly data; the same anonymous file (never on disk, gone with the
 * process) is rewritten for every input. */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    size_t done = 0;
    if (fd < 0) {
        fd = memfd_create("fuzz-input", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        abort();
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            abort();
        done += (size_t)n;
    }
    return path;
}

/* A browser would run the URL as script, or anything but http, https, mailto or relative:
 * the WHATWG URL parser's view (C0 and space trimmed, tab/CR/LF ignored, scheme syntax). */
static inline int fuzz_url_unsafe(const char *url, size_t n)
{
    char scheme[16];
    size_t i = 0, k = 0;
    while (n && (unsigned char)url[0] <= 0x20) {
        url++;
        n--;
    }
    while (n && (unsigned char)url[n - 1] <= 0x20)
        n--;
    for (i = 0; i < n; i++) {
        char c = url[i];
        if (c == '\t' || c == '\r' || c == '\n')
            continue;
        if (c == ':')
            break;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (k > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
            return 0; /* not a scheme: relative */
        if (k < sizeof(scheme) - 1)
            scheme[k] = (char)(c | 0x20);
        k++;
    }
    if (i == n || k == 0)
        return 0;
    if (k >= sizeof(scheme))
        return 1; /* a long scheme: none we allow */
    scheme[k] = '\0';
    return strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0 &&
           strcmp(scheme, "mailto") != 0;
}

#endif
