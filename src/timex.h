/* timex.h: calendar arithmetic and TIMEX3 formatting (internal). */
#ifndef CC_TIMEX_H
#define CC_TIMEX_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 for a proleptic Gregorian date; CC_NO_DAY if the
 * date does not exist. */
int32_t cc_day_from_ymd(int y, int m, int d);
/* 0 = Monday ... 6 = Sunday. */
int cc_day_weekday(int32_t day);
/* Parses a leading YYYY-MM-DD (a longer ISO timestamp is fine); CC_NO_DAY
 * if s does not start with a valid date. */
int32_t cc_day_parse_iso(const char *s);

struct cc_when;
/* Resolves a date or time expression against the publication day dct
 * (CC_NO_DAY if unknown) into a TIMEX3 value; sets *day for day-precise
 * dates (else CC_NO_DAY). Returns a new string; caller frees. */
char *cc_when_resolve(const struct cc_when *w, int32_t dct, int32_t *day);
/* The day cc_when_resolve would set (CC_NO_DAY for none), for a claim
 * that only takes a date's day: the value is written on the stack and
 * dropped, nothing is allocated or to free. */
int32_t cc_when_day(const struct cc_when *w, int32_t dct);
/* The value of a date that counts from an earlier one (w->anchor) with
 * TIMEX3 value anchor: the part of it w takes, moved by w's offset and
 * stated year; NULL when anchor has no such part ("2009" has no month). */
char *cc_when_from_anchor(const struct cc_when *w, const char *anchor);

#endif
