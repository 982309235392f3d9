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

/* "UTC", "Z", "+08:00"/"-0530", or an IANA name ("Asia/Shanghai") read from the system's
 * zoneinfo. NULL with *err set when the zone is unknown. */
np_tz *np_tz_load(apr_pool_t *p, const char *name, const char **err);
const np_tz *np_tz_utc(void);
const char *np_tz_name(const np_tz *tz);
/* Seconds east of UTC in force at instant t. */
int np_tz_offset(const np_tz *tz, apr_time_t t);

/* Parses RFC 3339 / ISO 8601 (dashed "2026-11-27T10:00:00+08:00", fractional seconds,
 * "Z", or compact "20170102T222800+0000"), a bare date "2026-11-27" / "20261127", or a
 * date-time without offset (read in tz). Returns 0 on success, -1 on bad input. */
int np_date_parse(const char *s, const np_tz *tz, np_date *out);

/* ISO 8601 with offset in zone tz: "2026-11-27T10:00:00+08:00" (or "...Z" for UTC). */
const char *np_date_iso(apr_pool_t *p, apr_time_t t, const np_tz *tz);
/* The date as a reader reads it in lang: "27 November 2026", zh: "2026年11月27日". */
const char *np_date_display(apr_pool_t *p, apr_time_t t, const np_tz *tz, const char *lang);
/* Date only, "2026-11-27", in zone tz. */
const char *np_date_ymd(apr_pool_t *p, apr_time_t t, const np_tz *tz);
/* RFC 822 / RFC 1123 with numeric zone, for RSS: "Fri, 27 Nov 2026 10:00:00 +0800". */
const char *np_date_rfc822(apr_pool_t *p, apr_time_t t, const np_tz *tz);

#endif
