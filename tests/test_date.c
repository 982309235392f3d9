/* Unit tests of np_date: parsing, zones (TZif tables and POSIX footers), display.
 * glibc's localtime_r serves as an independent oracle here only; src/ never uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "np_date.h"
#include "np_test.h"

#define SEC(s) ((apr_time_t)(s)*APR_USEC_PER_SEC)

static apr_pool_t *pool;

static const np_tz *zone(const char *name)
{
    const char *err = NULL;
    np_tz *tz = np_tz_load(pool, name, &err);
    if (!tz)
        fail_msg("zone %s: %s", name, err);
    return tz;
}

static apr_time_t parse_ok(const char *s, const np_tz *tz, int *offset, int *date_only)
{
    np_date d;
    memset(&d, 0x55, sizeof(d));
    if (np_date_parse(s, tz, &d) != 0)
        fail_msg("did not parse: '%s'", s);
    if (offset)
        *offset = d.offset;
    if (date_only)
        *date_only = d.date_only;
    return d.t;
}

static void test_parse_forms(void **state)
{
    const np_tz *sh = zone("Asia/Shanghai");
    int off, donly;
    struct {
        const char *s;
        int64_t secs;
        int usec, off;
    } ok[] = {
        {"2026-11-27T10:00:00+08:00", 1795744800, 0, 28800},
        {"2026-11-27T10:00:00+0800", 1795744800, 0, 28800},
        {"2026-11-27T10:00:00+08", 1795744800, 0, 28800},
        {"2026-11-27T02:00:00Z", 1795744800, 0, 0},
        {"2026-11-27t02:00:00z", 1795744800, 0, 0},
        {"2026-11-27 10:00:00+08:00", 1795744800, 0, 28800},
        {"2026-11-27T10:00+08:00", 1795744800, 0, 28800},
        {"2026-11-27T02:00:00-00:00", 1795744800, 0, 0},
        {"2026-11-26T21:00:00-05:00", 1795744800, 0, -18000},
        {"2026-11-27T07:30:00+05:30", 1795744800, 0, 19800},
        {"  2026-11-27T10:00:00+08:00\n", 1795744800, 0, 28800},
        {"2017-01-02T22:28:00.123Z", 1483396080, 123000, 0},
        {"2017-01-02T22:28:00,5Z", 1483396080, 500000, 0},
        {"2017-01-02T22:28:00.1234567891Z", 1483396080, 123456, 0},
        {"20170102T222800+0000", 1483396080, 0, 0},
        {"20170102T222800Z", 1483396080, 0, 0},
        {"20170103T062800+08:00", 1483396080, 0, 28800},
        {"20170103T062800+08", 1483396080, 0, 28800},
        {"20170102T2228Z", 1483396080, 0, 0},
        {"20170102T222800.25Z", 1483396080, 250000, 0},
        /* a leap second is the first second of the next minute */
        {"2016-12-31T23:59:60Z", 1483228800, 0, 0},
        {"1969-12-31T23:59:59.5Z", -1, 500000, 0},
        {"1800-01-01T00:00:00Z", -5364662400LL, 0, 0},
        {"2024-02-29T00:00:00Z", 1709164800, 0, 0},
        {"2000-02-29T00:00:00Z", 951782400, 0, 0},
        {"0001-01-01T00:00:00Z", -62135596800LL, 0, 0}, /* year 0 is refused */
        {"9999-12-31T15:59:59Z", 253402271999LL, 0, 0}, /* the last second in Shanghai */
    };
    size_t i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        apr_time_t t = parse_ok(ok[i].s, sh, &off, &donly);
        if (t != SEC(ok[i].secs) + ok[i].usec || off != ok[i].off || donly)
            fail_msg("'%s': t=%lld off=%d date_only=%d", ok[i].s, (long long)t, off, donly);
    }
    (void)state;
}

static void test_parse_local_and_bare(void **state)
{
    const np_tz *sh = zone("Asia/Shanghai"), *ny = zone("America/New_York");
    int off, donly;

    /* without an offset the zone's applies */
    assert_int_equal(parse_ok("2026-11-27T10:00:00", sh, &off, &donly), SEC(1795744800));
    assert_int_equal(off, 28800);
    assert_int_equal(donly, 0);
    assert_int_equal(parse_ok("20261127T100000", sh, &off, NULL), SEC(1795744800));
    assert_int_equal(parse_ok("2026-11-27T10:00:00", NULL, &off, NULL), SEC(1795773600));
    assert_int_equal(off, 0);

    /* bare dates are midnight in the zone */
    assert_int_equal(parse_ok("2026-11-27", sh, &off, &donly), SEC(1795708800));
    assert_int_equal(off, 28800);
    assert_int_equal(donly, 1);
    assert_int_equal(parse_ok("20261127", sh, &off, &donly), SEC(1795708800));
    assert_int_equal(donly, 1);
    assert_int_equal(parse_ok(" 2026-11-27 ", np_tz_utc(), &off, &donly), SEC(1795737600));
    assert_int_equal(off, 0);
    assert_int_equal(parse_ok("2026-11-27", ny, &off, &donly), SEC(1795737600 + 5 * 3600));
    assert_int_equal(off, -18000);
    assert_int_equal(parse_ok("2026-07-01", ny, &off, NULL), SEC(1782864000 + 4 * 3600));
    assert_int_equal(off, -14400);
    (void)state;
}

static void test_parse_invalid(void **state)
{
    static const char *bad[] = {
        "",
        "   ",
        "2026",
        "2026-11",
        "2026-13-01",
        "2026-00-10",
        "2026-11-00",
        "2026-11-31",
        "2026-04-31",
        "2023-02-29",
        "1900-02-29",
        "2026-1-27",
        "26-11-27",
        "2026/11/27",
        "2026-11-27X",
        "2026-11-27T",
        "2026-11-27T10",
        "2026-11-27T10:",
        "2026-11-27T10:0",
        "2026-11-27T24:00:00Z",
        "2026-11-27T23:60:00Z",
        "2026-11-27T23:59:61Z",
        "2026-11-27T10:00:00.Z",
        "2026-11-27T10:00:00+8",
        "2026-11-27T10:00:00+24:00",
        "2026-11-27T10:00:00+08:60",
        "2026-11-27T10:00:00+08:",
        "2026-11-27T10:00:00+080",
        "2026-11-27T10:00:00 +08:00",
        "2026-11-27T10:00:00Zjunk",
        "2026-11-27T10:00:00ZZ",
        "2026-11-27T100000Z",
        "20261127T10:00:00Z",
        "20261127 100000Z",
        "2026112",
        "202611270",
        "20261327",
        "+2026-11-27",
        "x2026-11-27",
        "2026-11-27T10:00:00.123456789012345678901234567890123456789012345Z",
    };
    np_date d;
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (np_date_parse(bad[i], NULL, &d) == 0)
            fail_msg("accepted: '%s'", bad[i]);
    assert_int_equal(np_date_parse(NULL, NULL, &d), -1);
    (void)state;
}

/* Years outside 1..9999, in UTC or in the zone, are refused with NP_DATE_RANGE. */
static void test_parse_year_range(void **state)
{
    static const char *out[] = {
        "0000-01-01T00:00:00+23:59", /* year -1 in UTC */
        "0000-06-01T00:00:00Z",      "00000101T000000+2359", "0000-12-31",
        "9999-12-31T23:00:00-05:00", /* year 10000 in UTC */
        "99991231T230000-0500",
    };
    np_date d;
    size_t i;
    for (i = 0; i < sizeof(out) / sizeof(out[0]); i++)
        if (np_date_parse(out[i], NULL, &d) != NP_DATE_RANGE)
            fail_msg("not refused as out of range: '%s'", out[i]);
    /* The edges themselves are fine. */
    assert_int_equal(np_date_parse("0001-01-01T00:00:00Z", NULL, &d), 0);
    assert_int_equal(np_date_parse("9999-12-31T23:59:59Z", NULL, &d), 0);
    /* In UTC fine, but year 0 in the site's zone (a bare time read in it, too). */
    assert_int_equal(np_date_parse("0001-01-01T01:00:00Z", zone("-05:00"), &d), NP_DATE_RANGE);
    assert_int_equal(np_date_parse("9999-12-31T23:00:00Z", zone("+08:00"), &d), NP_DATE_RANGE);
    assert_int_equal(np_date_parse("9999-12-31", zone("+08:00"), &d), 0);
    (void)state;
}

static void test_tz_load(void **state)
{
    const char *err;
    np_tz *tz;
    static const char *bad[] = {"",
                                "+8",
                                "+25:00",
                                "+08:60",
                                "+08:",
                                "UTC+8",
                                "Foo/Bar",
                                "../etc/passwd",
                                "/etc/localtime",
                                "Asia/../Asia/Shanghai",
                                "Asia//Shanghai",
                                "Asia/",
                                "America",
                                ".hidden",
                                "Asia/.x",
                                "Asia/Shang hai",
                                "right/UTC",
                                "zone.tab"};
    size_t i;

    assert_string_equal(np_tz_name(zone("UTC")), "UTC");
    assert_string_equal(np_tz_name(zone("Z")), "UTC");
    assert_string_equal(np_tz_name(np_tz_utc()), "UTC");
    assert_string_equal(np_tz_name(NULL), "UTC");
    assert_string_equal(np_tz_name(zone("Asia/Shanghai")), "Asia/Shanghai");
    assert_string_equal(np_tz_name(zone("+08:00")), "+08:00");
    assert_string_equal(np_tz_name(zone("+0800")), "+08:00");
    assert_string_equal(np_tz_name(zone("+08")), "+08:00");
    assert_string_equal(np_tz_name(zone("-0530")), "-05:30");
    assert_int_equal(np_tz_offset(zone("-0530"), 0), -19800);
    assert_int_equal(np_tz_offset(zone("+08:00"), SEC(1795744800)), 28800);
    assert_int_equal(np_tz_offset(zone("UTC"), SEC(1795744800)), 0);
    assert_int_equal(np_tz_offset(NULL, SEC(1795744800)), 0);
    assert_int_equal(np_tz_offset(zone("Etc/GMT-3"), 0), 10800);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        tz = np_tz_load(pool, bad[i], &err);
        if (tz || !err)
            fail_msg("accepted zone '%s'", bad[i]);
    }
    err = NULL;
    assert_null(np_tz_load(pool, NULL, &err));
    assert_non_null(err);
    assert_null(np_tz_load(pool, "Foo/Bar", &err));
    assert_non_null(strstr(err, "Foo/Bar"));
    assert_null(np_tz_load(pool, "right/UTC", &err));
    assert_non_null(strstr(err, "leap"));
    (void)state;
}

static void test_dst_berlin(void **state)
{
    const np_tz *b = zone("Europe/Berlin");
    int off;
    /* 2026: summer time from 29 March 01:00Z to 25 October 01:00Z */
    assert_int_equal(np_tz_offset(b, SEC(1774746000) - 1), 3600);
    assert_int_equal(np_tz_offset(b, SEC(1774746000)), 7200);
    assert_int_equal(np_tz_offset(b, SEC(1792890000) - 1), 7200);
    assert_int_equal(np_tz_offset(b, SEC(1792890000)), 3600);
    /* a microsecond before the change is still the old offset */
    assert_int_equal(np_tz_offset(b, SEC(1774746000) - 1), 3600);
    /* 02:30 does not exist on 29 March: read as 03:30 summer time */
    assert_int_equal(parse_ok("2026-03-29T02:30:00", b, &off, NULL), SEC(1774746000 + 1800));
    assert_int_equal(off, 7200);
    assert_int_equal(parse_ok("2026-03-29T01:59:59", b, &off, NULL), SEC(1774746000 - 1));
    assert_int_equal(off, 3600);
    assert_int_equal(parse_ok("2026-03-29T03:00:00", b, NULL, NULL), SEC(1774746000));
    /* 02:30 happens twice on 25 October: the earlier (summer time) wins */
    assert_int_equal(parse_ok("2026-10-25T02:30:00", b, &off, NULL), SEC(1792890000 - 1800));
    assert_int_equal(off, 7200);
    assert_int_equal(parse_ok("2026-10-25T03:00:00", b, &off, NULL), SEC(1792890000 + 3600));
    assert_int_equal(off, 3600);
    assert_string_equal(np_date_iso(pool, SEC(1792890000 - 1800), b), "2026-10-25T02:30:00+02:00");
    assert_string_equal(np_date_iso(pool, SEC(1792890000 + 1800), b), "2026-10-25T02:30:00+01:00");
    /* past the file's table (2037) the footer rule applies */
    assert_int_equal(np_tz_offset(b, SEC(4118083200)), 7200);
    assert_int_equal(np_tz_offset(b, SEC(4118083200 - 180 * 86400)), 3600);
    /* before the first transition (1893) local mean time, +0:53:28 */
    assert_int_equal(np_tz_offset(b, SEC(-5364662400LL)), 3208);
    (void)state;
}

static void test_dst_new_york_shanghai(void **state)
{
    const np_tz *ny = zone("America/New_York"), *sh = zone("Asia/Shanghai");
    int off;
    /* 2026: EDT from 8 March 07:00Z to 1 November 06:00Z */
    assert_int_equal(np_tz_offset(ny, SEC(1772953200) - 1), -18000);
    assert_int_equal(np_tz_offset(ny, SEC(1772953200)), -14400);
    assert_int_equal(np_tz_offset(ny, SEC(1793512800) - 1), -14400);
    assert_int_equal(np_tz_offset(ny, SEC(1793512800)), -18000);
    assert_int_equal(parse_ok("2026-03-08T02:30:00", ny, &off, NULL), SEC(1772953200 + 1800));
    assert_int_equal(off, -14400);
    assert_int_equal(parse_ok("2026-11-01T01:30:00", ny, &off, NULL), SEC(1793512800 - 1800));
    assert_int_equal(off, -14400);
    assert_int_equal(np_tz_offset(ny, SEC(7258118400LL)), -18000);
    assert_int_equal(np_tz_offset(ny, SEC(7258118400LL + 180 * 86400)), -14400);
    assert_string_equal(np_date_iso(pool, SEC(1795744800), ny), "2026-11-26T21:00:00-05:00");

    assert_int_equal(np_tz_offset(sh, SEC(1795744800)), 28800);
    assert_int_equal(np_tz_offset(sh, SEC(7258118400LL)), 28800);
    /* China kept summer time from 1986 to 1991 */
    assert_int_equal(np_tz_offset(sh, SEC(583718400)), 32400);
    assert_int_equal(np_tz_offset(sh, SEC(583718400 + 180 * 86400)), 28800);
    (void)state;
}

/* Writes a version 2 TZif file with the given transitions, types and footer. */
static const char *write_tzif(const char *name, int version, int ntrans, const int64_t *trans,
                              const unsigned char *idx, int ntypes, const int *utoff,
                              const char *footer)
{
    const char *path = apr_psprintf(pool, "/tmp/np_test_tz_%ld_%s", (long)getpid(), name);
    FILE *f = fopen(path, "wb");
    int pass, i;
    assert_non_null(f);
    for (pass = 0; pass < (version ? 2 : 1); pass++) {
        unsigned char h[44] = {'T', 'Z', 'i', 'f'};
        int tsize = pass ? 8 : 4;
        h[4] = (unsigned char)version;
        h[35] = (unsigned char)ntrans;
        h[39] = (unsigned char)ntypes;
        h[43] = 4;
        fwrite(h, 1, 44, f);
        for (i = 0; i < ntrans; i++) {
            unsigned char b[8];
            int k;
            for (k = 0; k < tsize; k++)
                b[k] = (unsigned char)((uint64_t)trans[i] >> (8 * (tsize - 1 - k)));
            fwrite(b, 1, (size_t)tsize, f);
        }
        if (ntrans) /* idx is NULL without transitions; fwrite wants a buffer */
            fwrite(idx, 1, (size_t)ntrans, f);
        for (i = 0; i < ntypes; i++) {
            uint32_t u = (uint32_t)utoff[i];
            unsigned char b[6] = {(unsigned char)(u >> 24),
                                  (unsigned char)(u >> 16),
                                  (unsigned char)(u >> 8),
                                  (unsigned char)u,
                                  0,
                                  0};
            fwrite(b, 1, 6, f);
        }
        fwrite("XYZ", 1, 4, f);
    }
    if (version)
        fprintf(f, "\n%s\n", footer);
    fclose(f);
    return path;
}

static const np_tz *footer_zone(const char *name, const char *footer, int std)
{
    const char *err = NULL, *path = write_tzif(name, '2', 0, NULL, NULL, 1, &std, footer);
    np_tz *tz = np_tz_load_file(pool, name, path, &err);
    unlink(path);
    if (!tz)
        fail_msg("%s: %s", footer, err);
    return tz;
}

static void test_footer_rules(void **state)
{
    const np_tz *b = zone("Europe/Berlin"), *syd = zone("Australia/Sydney");
    const np_tz *fb = footer_zone("cet", "CET-1CEST,M3.5.0,M10.5.0/3", 3600);
    const np_tz *fs = footer_zone("aest", "AEST-10AEDT,M10.1.0,M4.1.0/3", 36000);
    const np_tz *q = footer_zone("q", "<+0330>-3:30", 0);
    const np_tz *j = footer_zone("j", "EST5EDT,J60/2,300", -18000);
    const np_tz *perm = footer_zone("perm", "EST5EDT,0/0,J365/25", -18000);
    const np_tz *bad = footer_zone("bad", "EST5EDT", -18000);
    const np_tz *empty = footer_zone("empty", "", 7200);
    int64_t t;

    /* the footer alone agrees with the full table, both hemispheres, since both zones'
     * current rules began (2008) */
    for (t = 1199145600; t < 2145916800; t += 3607)
        if (np_tz_offset(fb, SEC(t)) != np_tz_offset(b, SEC(t)) ||
            np_tz_offset(fs, SEC(t)) != np_tz_offset(syd, SEC(t)))
            fail_msg("footer and table disagree at %lld", (long long)t);
    assert_int_equal(np_tz_offset(q, SEC(1795744800)), 12600);
    /* J60 is 1 March in every year; day 300 (from 0) is 28 October in 2023 */
    assert_int_equal(np_tz_offset(j, SEC(1709276400) - 1), -18000);
    assert_int_equal(np_tz_offset(j, SEC(1709276400)), -14400);
    assert_int_equal(np_tz_offset(j, SEC(1698472800) - 1), -14400);
    assert_int_equal(np_tz_offset(j, SEC(1698472800)), -18000);
    for (t = 946684800; t < 2145916800; t += 86399)
        if (np_tz_offset(perm, SEC(t)) != -14400)
            fail_msg("permanent DST broken at %lld", (long long)t);
    /* DST without rules is not guessed: the last (only) type stays in force */
    assert_int_equal(np_tz_offset(bad, SEC(1782864000)), -18000);
    assert_int_equal(np_tz_offset(empty, SEC(1782864000)), 7200);
    (void)state;
}

static void test_tzif_files(void **state)
{
    int64_t trans[2] = {1000, 2000};
    unsigned char idx[2] = {1, 0};
    int utoff[2] = {3600, 7200};
    const char *err = NULL, *path;
    np_tz *tz;
    FILE *f;
    char buf[4096];
    size_t n;

    /* version 1 only: 32-bit times, no footer; last offset stays after the table */
    path = write_tzif("v1", 0, 2, trans, idx, 2, utoff, NULL);
    tz = np_tz_load_file(pool, "v1", path, &err);
    assert_non_null(tz);
    assert_int_equal(np_tz_offset(tz, SEC(999)), 3600);
    assert_int_equal(np_tz_offset(tz, SEC(1000)), 7200);
    assert_int_equal(np_tz_offset(tz, SEC(1999)), 7200);
    assert_int_equal(np_tz_offset(tz, SEC(2000)), 3600);
    assert_int_equal(np_tz_offset(tz, SEC(1000000000)), 3600);
    unlink(path);

    /* a bad type index, out-of-order times */
    idx[0] = 2;
    path = write_tzif("badidx", '2', 2, trans, idx, 2, utoff, "");
    assert_null(np_tz_load_file(pool, "badidx", path, &err));
    unlink(path);
    idx[0] = 1;
    trans[1] = 1000;
    path = write_tzif("order", '2', 2, trans, idx, 2, utoff, "");
    assert_null(np_tz_load_file(pool, "order", path, &err));
    assert_non_null(strstr(err, "order"));
    unlink(path);

    /* truncated copies of a real file, and not a TZif file at all */
    f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    path = apr_psprintf(pool, "/tmp/np_test_tz_%ld_trunc", (long)getpid());
    for (size_t cut = 0; cut < n; cut += 37) {
        f = fopen(path, "wb");
        fwrite(buf, 1, cut, f);
        fclose(f);
        tz = np_tz_load_file(pool, "trunc", path, &err);
        /* a cut inside the footer may still leave a usable table; never a crash */
        if (cut < n - 30 && tz)
            fail_msg("accepted a file cut at %zu", cut);
    }
    unlink(path);
    assert_null(np_tz_load_file(pool, "notz", "/etc/hostname", &err));
    assert_non_null(strstr(err, "notz"));
    assert_null(np_tz_load_file(pool, "dir", "/usr/share/zoneinfo", &err));
    (void)state;
}

/* Every zone below against glibc, 1900-2100. */
static void test_against_libc(void **state)
{
    static const char *zones[] = {
        "Europe/Berlin",     "America/New_York",    "Asia/Shanghai",     "Australia/Sydney",
        "Asia/Kolkata",      "Australia/Lord_Howe", "America/Sao_Paulo", "Europe/Dublin",
        "Africa/Casablanca", "Pacific/Chatham",     "America/St_Johns",  "Asia/Tehran",
        "America/Santiago",  "Pacific/Apia",        "Europe/London",     "America/Los_Angeles"};
    const char *old = getenv("TZ");
    char *saved = old ? strdup(old) : NULL;
    size_t i;
    int64_t t;

    for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        const np_tz *tz = zone(zones[i]);
        setenv("TZ", zones[i], 1);
        tzset();
        for (t = -2208988800LL; t < 4102444800LL; t += 200003) {
            time_t tt = (time_t)t;
            struct tm tm;
            localtime_r(&tt, &tm);
            if (tm.tm_gmtoff != np_tz_offset(tz, SEC(t)))
                fail_msg("%s at %lld: libc %ld, ours %d", zones[i], (long long)t, tm.tm_gmtoff,
                         np_tz_offset(tz, SEC(t)));
        }
    }
    if (saved)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    free(saved);
    tzset();
    (void)state;
}

static void test_display(void **state)
{
    const np_tz *sh = zone("Asia/Shanghai");
    apr_time_t t = SEC(1795744800); /* 2026-11-27 10:00 in Shanghai */

    assert_string_equal(np_date_display(pool, t, sh, "en"), "27 November 2026");
    assert_string_equal(np_date_display(pool, t, sh, "en-GB"), "27 November 2026");
    assert_string_equal(np_date_display(pool, t, sh, "fr"), "27 November 2026");
    assert_string_equal(np_date_display(pool, t, sh, NULL), "27 November 2026");
    assert_string_equal(np_date_display(pool, t, sh, "zhx"), "27 November 2026");
    assert_string_equal(np_date_display(pool, t, sh, "zh"), "2026年11月27日");
    assert_string_equal(np_date_display(pool, t, sh, "zh-CN"), "2026年11月27日");
    assert_string_equal(np_date_display(pool, t, sh, "zh_TW"), "2026年11月27日");
    assert_string_equal(np_date_display(pool, t, sh, "ZH-Hans"), "2026年11月27日");
    assert_string_equal(np_date_display(pool, SEC(1767225600), NULL, "en"), "1 January 2026");
    assert_string_equal(np_date_display(pool, SEC(1767225600), NULL, "zh"), "2026年1月1日");
    /* the zone decides the day */
    t = SEC(1795708800 - 1); /* 2026-11-26T15:59:59Z */
    assert_string_equal(np_date_display(pool, t, sh, "en"), "26 November 2026");
    assert_string_equal(np_date_display(pool, t + SEC(1), sh, "en"), "27 November 2026");
    assert_string_equal(np_date_display(pool, t + SEC(1), NULL, "en"), "26 November 2026");

    assert_string_equal(np_date_ymd(pool, SEC(1795744800), sh), "2026-11-27");
    assert_string_equal(np_date_ymd(pool, SEC(-1), NULL), "1969-12-31");
    assert_string_equal(np_date_ymd(pool, SEC(-62167219200LL), NULL), "0000-01-01");

    assert_string_equal(np_date_rfc822(pool, SEC(1795744800), sh),
                        "Fri, 27 Nov 2026 10:00:00 +0800");
    assert_string_equal(np_date_rfc822(pool, SEC(1795744800), NULL),
                        "Fri, 27 Nov 2026 02:00:00 +0000");
    assert_string_equal(np_date_rfc822(pool, SEC(1795744800), zone("America/New_York")),
                        "Thu, 26 Nov 2026 21:00:00 -0500");
    assert_string_equal(np_date_rfc822(pool, SEC(1795744800), zone("-0530")),
                        "Thu, 26 Nov 2026 20:30:00 -0530");
    assert_string_equal(np_date_rfc822(pool, 0, NULL), "Thu, 01 Jan 1970 00:00:00 +0000");
    (void)state;
}

static void test_iso(void **state)
{
    static const char *zones[] = {
        "UTC",           "Asia/Shanghai", "America/New_York",   "Asia/Kolkata",
        "Europe/Berlin", "-0930",         "Australia/Lord_Howe"};
    size_t i;
    int64_t t;

    assert_string_equal(np_date_iso(pool, SEC(1795744800), zone("Asia/Shanghai")),
                        "2026-11-27T10:00:00+08:00");
    assert_string_equal(np_date_iso(pool, SEC(1795744800), NULL), "2026-11-27T02:00:00Z");
    assert_string_equal(np_date_iso(pool, SEC(1795744800), zone("Asia/Kolkata")),
                        "2026-11-27T07:30:00+05:30");
    assert_string_equal(np_date_iso(pool, SEC(1795744800) + 999999, NULL), "2026-11-27T02:00:00Z");
    assert_string_equal(np_date_iso(pool, SEC(-1) + 1, NULL), "1969-12-31T23:59:59Z");
    /* local mean time with seconds (+8:05:43) is written with whole minutes */
    assert_string_equal(np_date_iso(pool, SEC(-2208988800LL), zone("Asia/Shanghai")),
                        "1900-01-01T08:05:00+08:05");
    assert_string_equal(np_date_rfc822(pool, SEC(-2208988800LL), zone("Asia/Shanghai")),
                        "Mon, 01 Jan 1900 08:05:00 +0805");
    /* zero offset in any zone is written Z */
    assert_string_equal(np_date_iso(pool, SEC(1795744800), zone("Europe/London")),
                        "2026-11-27T02:00:00Z");

    /* parse(iso(t)) == t, each zone, across a century on both sides of 1970 */
    for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        const np_tz *tz = zone(zones[i]);
        for (t = -2208988800LL; t < 4102444800LL; t += 1000003) {
            const char *s = np_date_iso(pool, SEC(t), tz);
            np_date d;
            if (np_date_parse(s, NULL, &d) != 0 || d.t != SEC(t) ||
                d.offset != np_tz_offset(tz, SEC(t)) / 60 * 60)
                fail_msg("round trip of %lld in %s: '%s'", (long long)t, zones[i], s);
        }
    }
    (void)state;
}

static void test_split_join(void **state)
{
    const np_tz *b = zone("Europe/Berlin");
    np_date_fields f;
    apr_time_t t;

    np_date_split(SEC(1795744800) + 250000, zone("Asia/Shanghai"), &f);
    assert_int_equal(f.year, 2026);
    assert_int_equal(f.month, 11);
    assert_int_equal(f.day, 27);
    assert_int_equal(f.hour, 10);
    assert_int_equal(f.minute, 0);
    assert_int_equal(f.second, 0);
    assert_int_equal(f.usec, 250000);
    assert_int_equal(f.wday, 5);
    assert_int_equal(f.offset, 28800);
    np_date_split(SEC(-1) + 500000, NULL, &f);
    assert_int_equal(f.year, 1969);
    assert_int_equal(f.second, 59);
    assert_int_equal(f.usec, 500000);
    assert_int_equal(f.wday, 3);

    memset(&f, 0, sizeof(f));
    f.year = 2026;
    f.month = 3;
    f.day = 29;
    f.hour = 2;
    f.minute = 30;
    assert_int_equal(np_date_join(&f, b, &t), 0);
    assert_int_equal(t, SEC(1774746000 + 1800));
    f.month = 2;
    assert_int_equal(np_date_join(&f, b, &t), -1);
    f.month = 13;
    assert_int_equal(np_date_join(&f, b, &t), -1);
    f.month = 3;
    f.hour = 24;
    assert_int_equal(np_date_join(&f, b, &t), -1);
    f.hour = 0;
    f.second = 60;
    assert_int_equal(np_date_join(&f, b, &t), -1);

    assert_int_equal(np_date_days_in_month(2024, 2), 29);
    assert_int_equal(np_date_days_in_month(2100, 2), 28);
    assert_int_equal(np_date_days_in_month(2000, 2), 29);
    assert_int_equal(np_date_days_in_month(2026, 4), 30);
    assert_int_equal(np_date_days_in_month(2026, 12), 31);
    assert_int_equal(np_date_days_in_month(2026, 0), 0);
    assert_int_equal(np_date_days_in_month(2026, 13), 0);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_local_and_bare),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_year_range),
        cmocka_unit_test(test_tz_load),
        cmocka_unit_test(test_dst_berlin),
        cmocka_unit_test(test_dst_new_york_shanghai),
        cmocka_unit_test(test_footer_rules),
        cmocka_unit_test(test_tzif_files),
        cmocka_unit_test(test_against_libc),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_split_join),
    };
    pool = np_test_begin();
    return np_test_end(pool, cmocka_run_group_tests(tests, NULL, NULL));
}
