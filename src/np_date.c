/* Dates and time zones with no global state: zones are read from TZif files into immutable
 * tables and civil <-> epoch arithmetic is done here. Never setenv("TZ"), tzset() or
 * localtime(): they are process-global and would race between request threads. */
#include "np_date.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <apr_lib.h>
#include <apr_strings.h>

#define ZONEINFO_DIR "/usr/share/zoneinfo"
#define TZIF_MAX_SIZE (1 << 20) /* real files are a few KiB */
#define SECS_PER_DAY 86400

/* One transition date of a POSIX TZ rule: Jn, n or Mm.w.d, and the local time of day. */
typedef struct {
    char form; /* 'J', 'D' (zero-based day, leap days counted) or 'M' */
    int n, m, w, d;
    int secs; /* may be negative or past 24h (TZif v3) */
} tz_when;

typedef struct {
    int std_off, dst_off; /* seconds east of UTC */
    int has_dst;
    tz_when start, end;
} tz_rule;

struct np_tz {
    const char *name;
    int fixed; /* no table: offset always applies */
    int offset;
    int ntrans;
    const int64_t *trans;     /* ascending UTC seconds */
    const unsigned char *idx; /* type in force from trans[i] on */
    int ntypes;
    const int *utoff; /* seconds east per type */
    int has_rule;     /* footer applies from the last transition on */
    tz_rule rule;
};

static const np_tz tz_utc = {"UTC", 1, 0, 0, NULL, NULL, 0, NULL, 0, {0, 0, 0, {0}, {0}}};

static const char *const month_en[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
static const char *const wday_abbr[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* Civil arithmetic after H. Hinnant's days_from_civil / civil_from_days: exact for the
 * proleptic Gregorian calendar over the whole int64 range used here. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int np_date_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- POSIX TZ strings (the TZif footer) ---- */

static const char *posix_name(const char *s)
{
    const char *b = s;
    if (*s == '<') {
        while (*++s && *s != '>')
            if (!(apr_isalnum(*s) || *s == '+' || *s == '-'))
                return NULL;
        return *s == '>' && s - b >= 4 ? s + 1 : NULL;
    }
    while (apr_isalpha(*s))
        s++;
    return s - b >= 3 ? s : NULL;
}

/* [+-]h[h][:mm[:ss]] with hours up to max_h; *secs gets the signed value. */
static const char *posix_hms(const char *s, int max_h, int *secs)
{
    int sign = 1, h = 0, m = 0, sec = 0, nd = 0;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    while (apr_isdigit(*s) && nd < 3) {
        h = h * 10 + (*s++ - '0');
        nd++;
    }
    if (!nd || h > max_h)
        return NULL;
    if (*s == ':') {
        if (!apr_isdigit(s[1]) || !apr_isdigit(s[2]))
            return NULL;
        m = (s[1] - '0') * 10 + (s[2] - '0');
        s += 3;
        if (*s == ':') {
            if (!apr_isdigit(s[1]) || !apr_isdigit(s[2]))
                return NULL;
            sec = (s[1] - '0') * 10 + (s[2] - '0');
            s += 3;
        }
        if (m > 59 || sec > 59)
            return NULL;
    }
    *secs = sign * (h * 3600 + m * 60 + sec);
    return s;
}

static const char *posix_num(const char *s, int lo, int hi, int *out)
{
    int v = 0, nd = 0;
    while (apr_isdigit(*s) && nd < 4) {
        v = v * 10 + (*s++ - '0');
        nd++;
    }
    if (!nd || v < lo || v > hi)
        return NULL;
    *out = v;
    return s;
}

static const char *posix_when(const char *s, tz_when *w)
{
    memset(w, 0, sizeof(*w));
    if (*s == 'J') {
        w->form = 'J';
        s = posix_num(s + 1, 1, 365, &w->n);
    } else if (*s == 'M') {
        w->form = 'M';
        if ((s = posix_num(s + 1, 1, 12, &w->m)) && *s == '.' &&
            (s = posix_num(s + 1, 1, 5, &w->w)) && *s == '.')
            s = posix_num(s + 1, 0, 6, &w->d);
        else
            s = NULL;
    } else {
        w->form = 'D';
        s = posix_num(s, 0, 365, &w->n);
    }
    w->secs = 7200;
    if (s && *s == '/')
        s = posix_hms(s + 1, 167, &w->secs);
    return s;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3". Offsets in the string count west; ours count east.
 * DST without rules is refused: POSIX leaves the default rules to the implementation. */
static int posix_parse(const char *s, tz_rule *r)
{
    int off;
    memset(r, 0, sizeof(*r));
    if (!(s = posix_name(s)) || !(s = posix_hms(s, 24, &off)))
        return -1;
    r->std_off = r->dst_off = -off;
    if (!*s)
        return 0;
    if (!(s = posix_name(s)))
        return -1;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (*s && *s != ',') {
        if (!(s = posix_hms(s, 24, &off)))
            return -1;
        r->dst_off = -off;
    }
    if (*s != ',' || !(s = posix_when(s + 1, &r->start)) || *s != ',' ||
        !(s = posix_when(s + 1, &r->end)) || *s)
        return -1;
    return 0;
}

/* Day number (since the epoch) of a rule date in year y. */
static int64_t when_day(const tz_when *w, int64_t y)
{
    int64_t first;
    int wd, day, dim;
    switch (w->form) {
    case 'J':
        return days_from_civil(y, 1, 1) + w->n - 1 + (is_leap(y) && w->n >= 60);
    case 'D':
        return days_from_civil(y, 1, 1) + w->n;
    default:
        first = days_from_civil(y, w->m, 1);
        wd = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
        day = 1 + (w->d - wd + 7) % 7 + (w->w - 1) * 7;
        dim = np_date_days_in_month((int)y, w->m);
        while (day > dim)
            day -= 7;
        return first + day - 1;
    }
}

/* Offset by the rule at UTC second t. Transitions of the years around t are compared
 * directly, so rules whose dates or times spill into a neighbouring year still work;
 * on a tie the later year's change wins (this is how "all year DST" rules are written). */
static int rule_offset(const tz_rule *r, int64_t t)
{
    int64_t y, best = INT64_MIN, best_y = INT64_MIN, yr, start, end;
    int m, d, off = r->std_off;
    if (!r->has_dst)
        return r->std_off;
    civil_from_days(floor_div(t + r->std_off, SECS_PER_DAY), &y, &m, &d);
    for (yr = y - 1; yr <= y + 1; yr++) {
        start = when_day(&r->start, yr) * SECS_PER_DAY + r->start.secs - r->std_off;
        end = when_day(&r->end, yr) * SECS_PER_DAY + r->end.secs - r->dst_off;
        if (start <= t && (start > best || (start == best && yr >= best_y))) {
            best = start;
            best_y = yr;
            off = r->dst_off;
        }
        if (end <= t && (end > best || (end == best && yr > best_y))) {
            best = end;
            best_y = yr;
            off = r->std_off;
        }
    }
    return off;
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct {
    uint32_t isut, isstd, leap, time, type, chr;
} tzif_counts;

static int tzif_header(const unsigned char *b, size_t len, tzif_counts *c, int *version)
{
    if (len < 44 || memcmp(b, "TZif", 4) != 0)
        return -1;
    *version = b[4];
    c->isut = be32(b + 20);
    c->isstd = be32(b + 24);
    c->leap = be32(b + 28);
    c->time = be32(b + 32);
    c->type = be32(b + 36);
    c->chr = be32(b + 40);
    /* bounds that keep the size arithmetic below far from overflow */
    if (c->time > 100000 || c->type == 0 || c->type > 256 || c->chr > 65536 || c->leap > 10000 ||
        c->isut > 256 || c->isstd > 256)
        return -1;
    return 0;
}

static size_t tzif_block_len(const tzif_counts *c, int tsize)
{
    return (size_t)c->time * (tsize + 1) + (size_t)c->type * 6 + c->chr +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

static const char *tzif_parse(apr_pool_t *p, np_tz *tz, const unsigned char *b, size_t len)
{
    tzif_counts c;
    int version, tsize = 4;
    size_t blen, i;
    const unsigned char *d, *end = b + len;
    int64_t *trans;
    unsigned char *idx;
    int *utoff;

    if (tzif_header(b, len, &c, &version) < 0)
        return "not a TZif file";
    blen = tzif_block_len(&c, 4);
    if (44 + blen > len)
        return "truncated";
    if (version >= '2') { /* skip the 32-bit block for the 64-bit one */
        b += 44 + blen;
        if (tzif_header(b, (size_t)(end - b), &c, &version) < 0)
            return "bad version 2 header";
        tsize = 8;
        blen = tzif_block_len(&c, 8);
        if (44 + blen > (size_t)(end - b))
            return "truncated";
    }
    if (c.leap)
        return "leap-second zones (\"right/\") are not supported";
    d = b + 44;
    trans = apr_palloc(p, sizeof(*trans) * (c.time ? c.time : 1));
    idx = apr_palloc(p, c.time ? c.time : 1);
    utoff = apr_palloc(p, sizeof(*utoff) * c.type);
    for (i = 0; i < c.time; i++) {
        trans[i] = tsize == 8 ? be64(d + i * 8) : (int32_t)be32(d + i * 4);
        if (i && trans[i] <= trans[i - 1])
            return "transition times out of order";
    }
    d += (size_t)c.time * tsize;
    for (i = 0; i < c.time; i++) {
        idx[i] = d[i];
        if (idx[i] >= c.type)
            return "bad local time type index";
    }
    d += c.time;
    for (i = 0; i < c.type; i++) {
        int32_t off = (int32_t)be32(d + i * 6);
        if (off < -89999 || off > 93599)
            return "offset out of range";
        utoff[i] = off;
    }
    tz->ntrans = (int)c.time;
    tz->trans = trans;
    tz->idx = idx;
    tz->ntypes = (int)c.type;
    tz->utoff = utoff;

    /* The footer "\nTZ\n" follows the 64-bit block. An empty or unusable one leaves the
     * last transition's offset in force for later instants. */
    d = b + 44 + blen;
    if (tsize == 8 && d < end && *d == '\n') {
        const unsigned char *nl = memchr(d + 1, '\n', (size_t)(end - d - 1));
        if (nl && nl > d + 1) {
            char *footer = apr_pstrmemdup(p, (const char *)d + 1, (size_t)(nl - d - 1));
            tz->has_rule = posix_parse(footer, &tz->rule) == 0;
        }
    }
    return NULL;
}

static int read_file(apr_pool_t *p, const char *path, unsigned char **buf, size_t *len,
                     const char **why)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = "no such zone file";
        return -1;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TZIF_MAX_SIZE) {
        fclose(f);
        *why = "not a zone file";
        return -1;
    }
    *buf = apr_palloc(p, (size_t)st.st_size + 1);
    *len = fread(*buf, 1, (size_t)st.st_size, f);
    fclose(f);
    if (*len != (size_t)st.st_size) {
        *why = "read error";
        return -1;
    }
    return 0;
}

np_tz *np_tz_load_file(apr_pool_t *p, const char *name, const char *path, const char **err)
{
    unsigned char *buf;
    size_t len;
    const char *why;
    np_tz *tz = apr_pcalloc(p, sizeof(*tz));

    if (read_file(p, path, &buf, &len, &why) < 0 || (why = tzif_parse(p, tz, buf, len))) {
        *err = apr_psprintf(p, "time zone '%s': %s (%s)", name, why, path);
        return NULL;
    }
    tz->name = apr_pstrdup(p, name);
    return tz;
}

/* "+08:00", "-0530", "+08" to seconds east; returns the end, or NULL on bad input. */
static const char *parse_offset(const char *s, int *secs)
{
    int sign, h, m = 0;
    if (*s != '+' && *s != '-')
        return NULL;
    sign = *s++ == '-' ? -1 : 1;
    if (!apr_isdigit(s[0]) || !apr_isdigit(s[1]))
        return NULL;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    s += 2;
    if (*s == ':')
        s++;
    if (apr_isdigit(s[0]) && apr_isdigit(s[1])) {
        m = (s[0] - '0') * 10 + (s[1] - '0');
        s += 2;
    } else if (s[-1] == ':') {
        return NULL;
    }
    if (h > 23 || m > 59)
        return NULL;
    *secs = sign * (h * 3600 + m * 60);
    return s;
}

static int zone_name_ok(const char *name)
{
    const char *s;
    if (!*name || *name == '/' || strstr(name, "..") || strlen(name) > 255)
        return 0;
    for (s = name; *s; s++) {
        if (!(apr_isalnum(*s) || *s == '_' || *s == '-' || *s == '+' || *s == '/' || *s == '.'))
            return 0;
        /* no empty or hidden path segments */
        if ((s == name || s[-1] == '/') && (*s == '/' || *s == '.'))
            return 0;
    }
    return s[-1] != '/';
}

np_tz *np_tz_load(apr_pool_t *p, const char *name, const char **err)
{
    np_tz *tz;
    int off;
    const char *end;

    if (!name || !*name) {
        *err = "empty time zone name";
        return NULL;
    }
    if (!strcmp(name, "UTC") || !strcmp(name, "Z")) {
        tz = apr_pcalloc(p, sizeof(*tz));
        *tz = tz_utc;
        return tz;
    }
    if (*name == '+' || *name == '-') {
        if (!(end = parse_offset(name, &off)) || *end) {
            *err = apr_psprintf(p, "time zone '%s': expected an offset such as +08:00", name);
            return NULL;
        }
        tz = apr_pcalloc(p, sizeof(*tz));
        tz->fixed = 1;
        tz->offset = off;
        tz->name = apr_psprintf(p, "%c%02d:%02d", off < 0 ? '-' : '+',
                                (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) / 60 % 60);
        return tz;
    }
    if (!zone_name_ok(name)) {
        *err = apr_psprintf(p,
                            "time zone '%s': not a zone name (expected UTC, an offset "
                            "such as +08:00, or a name such as Asia/Shanghai)",
                            name);
        return NULL;
    }
    return np_tz_load_file(p, name, apr_pstrcat(p, ZONEINFO_DIR "/", name, NULL), err);
}

const np_tz *np_tz_utc(void)
{
    return &tz_utc;
}

const char *np_tz_name(const np_tz *tz)
{
    return tz ? tz->name : tz_utc.name;
}

static int64_t to_secs(apr_time_t t)
{
    return floor_div(t, APR_USEC_PER_SEC);
}

static int offset_at(const np_tz *tz, int64_t t)
{
    int lo, hi;
    if (!tz)
        return 0;
    if (tz->fixed)
        return tz->offset;
    if (tz->ntrans == 0)
        return tz->has_rule ? rule_offset(&tz->rule, t) : tz->utoff[0];
    if (t < tz->trans[0])
        return tz->utoff[0];
    if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule)
        return rule_offset(&tz->rule, t);
    lo = 0; /* last transition <= t */
    hi = tz->ntrans - 1;
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (tz->trans[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return tz->utoff[tz->idx[lo]];
}

int np_tz_offset(const np_tz *tz, apr_time_t t)
{
    return offset_at(tz, to_secs(t));
}

/* ---- civil <-> instant ---- */

void np_date_split(apr_time_t t, const np_tz *tz, np_date_fields *out)
{
    int64_t s = to_secs(t), days, y, sod;
    int off = offset_at(tz, s);
    s += off;
    days = floor_div(s, SECS_PER_DAY);
    sod = s - days * SECS_PER_DAY;
    civil_from_days(days, &y, &out->month, &out->day);
    out->year = (int)y;
    out->hour = (int)(sod / 3600);
    out->minute = (int)(sod / 60 % 60);
    out->second = (int)(sod % 60);
    out->usec = (int)((t % APR_USEC_PER_SEC + APR_USEC_PER_SEC) % APR_USEC_PER_SEC);
    out->wday = (int)((days % 7 + 11) % 7);
    out->offset = off;
}

/* Local wall-clock seconds to UTC seconds (see np_date_join for gaps and overlaps).
 * The offsets a day either side bracket any single transition near the wall time. */
static int64_t local_to_utc(const np_tz *tz, int64_t local)
{
    int before = offset_at(tz, local - SECS_PER_DAY), after = offset_at(tz, local + SECS_PER_DAY);
    int64_t t1 = local - before, t2 = local - after;
    int ok1 = offset_at(tz, t1) == before, ok2 = offset_at(tz, t2) == after;
    if (ok1 && ok2)
        return t1 < t2 ? t1 : t2;
    if (ok2)
        return t2;
    if (ok1)
        return t1;
    return t1; /* in a gap: offset before it, so the time moves forward */
}

static int64_t local_secs(int y, int mo, int d, int h, int mi, int s)
{
    return days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + s;
}

int np_date_join(const np_date_fields *f, const np_tz *tz, apr_time_t *out)
{
    if (f->year < 0 || f->year > 9999 || f->day < 1 ||
        f->day > np_date_days_in_month(f->year, f->month) || f->hour < 0 || f->hour > 23 ||
        f->minute < 0 || f->minute > 59 || f->second < 0 || f->second > 59 || f->usec < 0 ||
        f->usec > 999999)
        return -1;
    *out = local_to_utc(tz, local_secs(f->year, f->month, f->day, f->hour, f->minute, f->second)) *
               APR_USEC_PER_SEC +
           f->usec;
    return 0;
}

/* ---- parsing ---- */

static int digits(const char *s, int n, int *v)
{
    int i;
    *v = 0;
    for (i = 0; i < n; i++) {
        if (!apr_isdigit(s[i]))
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

/* Years 1..9999 both in UTC and in tz: every writer (ISO, RFC 822, {yyyy} in URLs) has four
 * digits for the year, and an instant outside them has no URL (docs/content.md). */
static int year_ok(int64_t t, const np_tz *tz)
{
    np_date_fields f;
    /* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, with a day's margin for the zone. */
    if (t < -62135596800LL - SECS_PER_DAY || t > 253402300799LL + SECS_PER_DAY)
        return 0;
    np_date_split(t * APR_USEC_PER_SEC, NULL, &f);
    if (f.year < 1 || f.year > 9999)
        return 0;
    np_date_split(t * APR_USEC_PER_SEC, tz, &f);
    return f.year >= 1 && f.year <= 9999;
}

int np_date_parse(const char *s, const np_tz *tz, np_date *out)
{
    const char *e;
    int y, mo, d, h = 0, mi = 0, sec = 0, usec = 0, off = 0, has_off = 0, dashed;
    int64_t local, t;
    size_t len;
    char buf[64];

    if (!s)
        return -1;
    while (apr_isspace(*s))
        s++;
    len = strlen(s);
    while (len && apr_isspace(s[len - 1]))
        len--;
    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    s = buf;

    dashed = len >= 5 && s[4] == '-';
    if (dashed) {
        if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
            return -1;
        s += 10;
    } else {
        if (!digits(s, 4, &y) || !digits(s + 4, 2, &mo) || !digits(s + 6, 2, &d))
            return -1;
        s += 8;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > np_date_days_in_month(y, mo))
        return -1;

    if (!*s) {
        local = local_secs(y, mo, d, 0, 0, 0);
        t = local_to_utc(tz, local);
        if (!year_ok(t, tz))
            return NP_DATE_RANGE;
        out->t = t * APR_USEC_PER_SEC;
        out->offset = offset_at(tz, t);
        out->date_only = 1;
        return 0;
    }
    if (!(*s == 'T' || *s == 't' || (dashed && *s == ' ')))
        return -1;
    s++;
    if (!digits(s, 2, &h))
        return -1;
    s += 2;
    if (dashed && *s++ != ':')
        return -1;
    if (!digits(s, 2, &mi))
        return -1;
    s += 2;
    if ((dashed && *s == ':' && apr_isdigit(s[1])) || (!dashed && apr_isdigit(*s))) {
        s += dashed;
        if (!digits(s, 2, &sec))
            return -1;
        s += 2;
        if (*s == '.' || *s == ',') {
            int scale = 100000;
            if (!apr_isdigit(*++s))
                return -1;
            for (; apr_isdigit(*s); s++) {
                usec += (*s - '0') * scale;
                scale /= 10;
            }
        }
    }
    if (h > 23 || mi > 59 || sec > 60)
        return -1;

    if (*s == 'Z' || *s == 'z') {
        has_off = 1;
        s++;
    } else if (*s == '+' || *s == '-') {
        if (!(e = parse_offset(s, &off)))
            return -1;
        has_off = 1;
        s = e;
    }
    if (*s)
        return -1;

    local = local_secs(y, mo, d, h, mi, sec);
    t = has_off ? local - off : local_to_utc(tz, local);
    if (!year_ok(t, tz))
        return NP_DATE_RANGE;
    out->t = t * APR_USEC_PER_SEC + usec;
    out->offset = has_off ? off : offset_at(tz, t);
    out->date_only = 0;
    return 0;
}

/* ---- output ---- */

/* Wall time for a written offset: offsets with seconds (local mean time, before about 1900)
 * are cut to whole minutes, which RFC 3339 and RFC 822 can express, and the wall time moves
 * with them so the instant stays exact. */
static void split_minutes(apr_time_t t, const np_tz *tz, np_date_fields *f)
{
    int off = np_tz_offset(tz, t);
    np_tz fixed;
    if (off % 60 == 0) {
        np_date_split(t, tz, f);
        return;
    }
    memset(&fixed, 0, sizeof(fixed));
    fixed.fixed = 1;
    fixed.offset = off / 60 * 60;
    np_date_split(t, &fixed, f);
}

const char *np_date_iso(apr_pool_t *p, apr_time_t t, const np_tz *tz)
{
    np_date_fields f;
    int a;
    split_minutes(t, tz, &f);
    a = f.offset < 0 ? -f.offset : f.offset;
    if (f.offset == 0)
        return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour,
                            f.minute, f.second);
    return apr_psprintf(p, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", f.year, f.month, f.day,
                        f.hour, f.minute, f.second, f.offset < 0 ? '-' : '+', a / 3600,
                        a / 60 % 60);
}

static int lang_is_zh(const char *lang)
{
    return lang && apr_tolower(lang[0]) == 'z' && apr_tolower(lang[1]) == 'h' &&
           (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

const char *np_date_display(apr_pool_t *p, apr_time_t t, const np_tz *tz, const char *lang)
{
    np_date_fields f;
    np_date_split(t, tz, &f);
    if (lang_is_zh(lang))
        return apr_psprintf(p, "%d\xe5\xb9\xb4%d\xe6\x9c\x88%d\xe6\x97\xa5", f.year, f.month,
                            f.day);
    return apr_psprintf(p, "%d %s %d", f.day, month_en[f.month - 1], f.year);
}

const char *np_date_ymd(apr_pool_t *p, apr_time_t t, const np_tz *tz)
{
    np_date_fields f;
    np_date_split(t, tz, &f);
    return apr_psprintf(p, "%04d-%02d-%02d", f.year, f.month, f.day);
}

const char *np_date_rfc822(apr_pool_t *p, apr_time_t t, const np_tz *tz)
{
    np_date_fields f;
    int a;
    char mon[4];
    split_minutes(t, tz, &f);
    a = f.offset < 0 ? -f.offset : f.offset;
    memcpy(mon, month_en[f.month - 1], 3);
    mon[3] = '\0';
    return apr_psprintf(p, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d", wday_abbr[f.wday], f.day,
                        mon, f.year, f.hour, f.minute, f.second, f.offset < 0 ? '-' : '+', a / 3600,
                        a / 60 % 60);
}
