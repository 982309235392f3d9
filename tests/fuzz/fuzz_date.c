/* Arbitrary dates and time zones. The first byte picks the mode:
 *   0: the rest is date text for np_date_parse, read in several real zones;
 *   1: the rest is a TZif file (np_tz_load_file), its footer's POSIX rule included;
 *   2: the rest is a zone name for np_tz_load (fixed offsets, names under the zoneinfo folder).
 * Every instant parsed, and a fixed set of instants in a loaded zone, goes through split, join,
 * the ISO form (which must parse back to the same second) and the display forms. */
#include "fuzz_common.h"

#include <apr_strings.h>

#include "np_date.h"

static const np_tz *zones[8];
static int nzones;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char *const names[] = {"UTC",
                                        "+08:00",
                                        "-05:30",
                                        "Europe/Berlin",
                                        "America/New_York",
                                        "Australia/Lord_Howe",
                                        "America/Sao_Paulo"};
    apr_pool_t *root;
    size_t i;
    (void)argc;
    (void)argv;
    fuzz_init();
    root = fuzz_root_pool();
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *err;
        const np_tz *tz = np_tz_load(root, names[i], &err);
        if (tz)
            zones[nzones++] = tz;
        else if (i < 3)
            abort(); /* the fixed ones need no files */
    }
    return 0;
}

static void check_fields(const np_date_fields *f, const np_tz *tz, apr_time_t t)
{
    FUZZ_CHECK(f->month >= 1 && f->month <= 12);
    FUZZ_CHECK(f->day >= 1 && f->day <= np_date_days_in_month(f->year, f->month));
    FUZZ_CHECK(f->hour >= 0 && f->hour <= 23 && f->minute >= 0 && f->minute <= 59);
    FUZZ_CHECK(f->second >= 0 && f->second <= 59 && f->usec >= 0 && f->usec <= 999999);
    FUZZ_CHECK(f->wday >= 0 && f->wday <= 6 && f->offset == np_tz_offset(tz, t));
}

/* Everything shown of instant t in tz. real: tz is a real zone, whose transitions are far
 * enough apart for np_date_join to find a wall time again. */
static void instant(apr_pool_t *p, apr_time_t t, const np_tz *tz, int real)
{
    np_date_fields f, g;
    apr_time_t back;
    const char *iso;
    np_date d;
    int off;

    np_date_split(t, tz, &f);
    check_fields(&f, tz, t);
    if (f.year >= 1 && f.year <= 9999) {
        FUZZ_CHECK(np_date_join(&f, tz, &back) == 0);
        np_date_split(back, tz, &g);
        if (real)
            FUZZ_CHECK(g.year == f.year && g.month == f.month && g.day == f.day &&
                       g.hour == f.hour && g.minute == f.minute && g.second == f.second &&
                       g.usec == f.usec);
    }

    /* The ISO form reads back as the same second whenever it has a four-digit year and an
     * offset RFC 3339 can write. */
    iso = np_date_iso(p, t, tz);
    off = np_tz_offset(tz, t) / 60 * 60;
    if (strlen(iso) >= 20 && iso[4] == '-' && iso[0] >= '0' && iso[0] <= '9' && off > -86400 &&
        off < 86400) {
        FUZZ_CHECK(np_date_parse(iso, NULL, &d) == 0);
        FUZZ_CHECK(d.t == t - (t % APR_USEC_PER_SEC + APR_USEC_PER_SEC) % APR_USEC_PER_SEC);
        FUZZ_CHECK(d.offset == off && !d.date_only);
    }
    FUZZ_CHECK(*np_date_display(p, t, tz, "en") && *np_date_display(p, t, tz, "zh-Hans"));
    FUZZ_CHECK(*np_date_display(p, t, tz, NULL) && *np_date_ymd(p, t, tz));
    FUZZ_CHECK(strlen(np_date_rfc822(p, t, tz)) >= 31);
}

static const apr_time_t fixed_instants[] = {
    0,
    1,
    -1,
    APR_INT64_C(1000000000) * APR_USEC_PER_SEC,
    APR_INT64_C(1764208800) * APR_USEC_PER_SEC + 123456,
    APR_INT64_C(2147483648) * APR_USEC_PER_SEC,
    -APR_INT64_C(2147483649) * APR_USEC_PER_SEC,
    APR_INT64_C(4102444800) * APR_USEC_PER_SEC,
    -APR_INT64_C(2208988800) * APR_USEC_PER_SEC - 1,
    APR_INT64_C(253402300799) * APR_USEC_PER_SEC,
    -APR_INT64_C(62135596800) * APR_USEC_PER_SEC,
    APR_INT64_MAX,
    APR_INT64_MIN,
};

static void zone(apr_pool_t *p, const np_tz *tz)
{
    size_t i;
    FUZZ_CHECK(np_tz_name(tz));
    for (i = 0; i < sizeof(fixed_instants) / sizeof(fixed_instants[0]); i++)
        instant(p, fixed_instants[i], tz, 0);
}

static void parse(apr_pool_t *p, const char *s)
{
    int i;
    for (i = 0; i < nzones; i++) {
        np_date d;
        if (np_date_parse(s, zones[i], &d) != 0)
            continue;
        FUZZ_CHECK(d.offset > -86400 && d.offset < 86400);
        instant(p, d.t, zones[i], 1);
        instant(p, d.t, NULL, 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *rest = (const char *)data + 1, *err = NULL;
    const np_tz *tz;
    if (size < 1)
        return 0;
    p = fuzz_pool();
    switch (data[0] % 3) {
    case 0:
        parse(p, apr_pstrmemdup(p, rest, size - 1));
        break;
    case 1:
        if ((tz = np_tz_load_file(p, "fuzz", fuzz_file(data + 1, size - 1), &err)))
            zone(p, tz);
        else
            FUZZ_CHECK(err && *err);
        break;
    default: {
        const char *name = apr_pstrmemdup(p, rest, size - 1);
        tz = np_tz_load(p, name, &err);
        /* never a file outside the zoneinfo folder */
        if (strstr(name, "..") || name[0] == '/')
            FUZZ_CHECK(!tz);
        if (tz)
            zone(p, tz);
        else
            FUZZ_CHECK(err && *err);
        break;
    }
    }
    apr_pool_destroy(p);
    return 0;
}
