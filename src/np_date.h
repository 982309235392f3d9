/* Dates and time zones: parsing article dates, showing them per language, and the zone
 * (NewsPortalTimeZone) in which bare dates are read and times displayed.
 * Zones are immutable once loaded and safe to share between threads. */
#ifndef NP_DATE_H
#define NP_DATE_H

#include <apr_pools.h>
#include <apr_time.h>

typedef struct np_tz np_tz;

typedef struct {
    apr_time_t t;  /* the instant (microseconds since the epoch); 0 when unset */
    int offset;    /* seconds east of UTC the text was written in */
    int date_only; /* a bare date: t is midnight of that day in the site's zone */
} np_date;

/* "UTC", "Z", "+08:00"/"-0530"/"+08", or an IANA name ("Asia/Shanghai") read from the TZif
 * file under /usr/share/zoneinfo. Names containing ".." or starting with "/" are refused.
 * NULL with *err set when the zone is unknown or its file is malformed. The zone lives in p.
 * Past the file's last transition the POSIX TZ footer (v2+; Mm.w.d, Jn or n rules) gives the
 * offset; without a usable footer the last transition's offset stays in force. */
np_tz *np_tz_load(apr_pool_t *p, const char *name, const char **err);
/* As np_tz_load, from the TZif file at path, calling the zone name. */
np_tz *np_tz_load_file(apr_pool_t *p, const char *name, const char *path, const char **err);
/* The static UTC zone. Every function taking a zone treats NULL as UTC. */
const np_tz *np_tz_utc(void);
/* The name as loaded; fixed offsets are normalised to "+08:00", "UTC"/"Z" to "UTC". */
const char *np_tz_name(const np_tz *tz);
/* Seconds east of UTC in force at instant t. */
int np_tz_offset(const np_tz *tz, apr_time_t t);

/* Broken-down wall time in a zone. */
typedef struct {
    int year, month, day;     /* month 1-12, day 1-31 */
    int hour, minute, second; /* second 0-59 */
    int usec;                 /* 0-999999 */
    int wday;                 /* 0 = Sunday */
    int offset;               /* seconds east of UTC in force (output of np_date_split) */
} np_date_fields;

/* Instant t as wall time in tz. */
void np_date_split(apr_time_t t, const np_tz *tz, np_date_fields *out);
/* Wall time f (offset and wday ignored) in tz to an instant. A time skipped by a DST gap
 * is read with the offset before the gap (02:30 becomes 03:30 summer time); a repeated one
 * takes the earlier instant. Returns -1 when a field is out of range (second 60 too). */
int np_date_join(const np_date_fields *f, const np_tz *tz, apr_time_t *out);
/* Days in month m (1-12) of year y; 0 for a bad month. */
int np_date_days_in_month(int y, int m);

/* Parses RFC 3339 / ISO 8601 (dashed "2026-11-27T10:00:00+08:00", fractional seconds,
 * "Z", or compact "20170102T222800+0000"), a bare date "2026-11-27" / "20261127", or a
 * date-time without offset (read in tz). Returns 0 on success, -1 on bad input.
 * Surrounding white space is ignored; "T" may be "t" or, in the dashed form, a space;
 * seconds may be omitted; offsets are Z, +08:00, +0800 or +08 in either form. Fractions
 * beyond microseconds are truncated. Second 60 (a leap second) is read as the first second
 * of the next minute. out->offset is the offset written, or tz's offset when none was.
 * Returns NP_DATE_RANGE (and leaves out unset) when the instant's year, in UTC or in tz, is
 * outside 1..9999: "0000-01-01T00:00:00+23:59" is year -1 in UTC. */
#define NP_DATE_RANGE (-2)
int np_date_parse(const char *s, const np_tz *tz, np_date *out);

/* ISO 8601 with offset in zone tz, whole seconds: "2026-11-27T10:00:00+08:00"; "Z" whenever
 * the offset in force is zero ("2026-11-27T02:00:00Z"). np_date_parse reads it back. Here and
 * in np_date_rfc822 an offset with seconds (local mean time before ~1900) is cut to whole
 * minutes and the wall time shifted with it, so the instant stays exact. */
const char *np_date_iso(apr_pool_t *p, apr_time_t t, const np_tz *tz);
/* The date as a reader reads it in lang: "27 November 2026", zh: "2026年11月27日". */
const char *np_date_display(apr_pool_t *p, apr_time_t t, const np_tz *tz, const char *lang);
/* Date only, "2026-11-27", in zone tz. */
const char *np_date_ymd(apr_pool_t *p, apr_time_t t, const np_tz *tz);
/* RFC 822 / RFC 1123 with numeric zone, for RSS: "Fri, 27 Nov 2026 10:00:00 +0800". */
const char *np_date_rfc822(apr_pool_t *p, apr_time_t t, const np_tz *tz);

#endif
