/* timex.c: calendar arithmetic (Howard Hinnant's days_from_civil). */
#include "timex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

/* Days in month m of year y. */
static int month_days(int y, int m)
{
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m - 1];
}

/* Converts a civil date to a day number; CC_NO_DAY when invalid. */
int32_t cc_day_from_ymd(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return CC_NO_DAY;
    y -= m <= 2;
    int era = y / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Converts a day number back to a civil date. */
void cc_day_to_ymd(int32_t day, int *y, int *m, int *d)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* 1970-01-01 was a Thursday (3 when Monday is 0). */
int cc_day_weekday(int32_t day)
{
    int w = (int)((day + 3) % 7);
    return w < 0 ? w + 7 : w;
}

/* Reads YYYY-MM-DD at the start of s. */
int32_t cc_day_parse_iso(const char *s)
{
    int v[3] = {0, 0, 0};
    static const int width[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++) {
        if (f > 0 && *s++ != '-')
            return CC_NO_DAY;
        for (int i = 0; i < width[f]; i++, s++) {
            if (!isdigit((unsigned char)*s))
                return CC_NO_DAY;
            v[f] = v[f] * 10 + (*s - '0');
        }
    }
    if (isdigit((unsigned char)*s))
        return CC_NO_DAY;
    return cc_day_from_ymd(v[0], v[1], v[2]);
}

/* ISO week: the week with the year's first Thursday is week 1. */
void cc_day_isoweek(int32_t day, int *year, int *week)
{
    int32_t thursday = day - cc_day_weekday(day) + 3;
    int y, m, d;
    cc_day_to_ymd(thursday, &y, &m, &d);
    *year = y;
    *week = (thursday - cc_day_from_ymd(y, 1, 1)) / 7 + 1;
}

/* Formats day as YYYY-MM-DD ("" when unknown). */
char *cc_day_format(int32_t day, char *buf)
{
    if (day == CC_NO_DAY) {
        buf[0] = '\0';
        return buf;
    }
    int y, m, d;
    cc_day_to_ymd(day, &y, &m, &d);
    unsigned v[3] = {(unsigned)y, (unsigned)m, (unsigned)d};
    static const int width[3] = {4, 2, 2};
    char *p = buf;
    for (int f = 0; f < 3; f++) {
        if (f > 0)
            *p++ = '-';
        for (int i = width[f] - 1; i >= 0; i--, v[f] /= 10)
            p[i] = (char)('0' + v[f] % 10);
        p += width[f];
    }
    *p = '\0';
    return buf;
}

/* Picks the year for a month (and day) stated without one: past tense
 * looks back, future forward, otherwise the nearest. */
static int infer_year(const cc_when *w, int32_t dct)
{
    int y, m, d;
    cc_day_to_ymd(dct, &y, &m, &d);
    int mday = w->mday ? w->mday : 15;
    int32_t cand = cc_day_from_ymd(y, w->month, mday > 28 ? 28 : mday);
    int32_t ref = w->mday ? dct : cc_day_from_ymd(y, m, 15);
    if (w->tense > 0 && cand < ref)
        return y + 1;
    if (w->tense < 0 && cand > ref)
        return y - 1;
    if (w->tense == 0 && cand - ref > 183)
        return y - 1;
    if (w->tense == 0 && ref - cand > 183)
        return y + 1;
    return y;
}

/* Calendar date with explicit or inferred year. */
static char *resolve_calendar(const cc_when *w, int32_t dct, int32_t *day)
{
    int y = w->year;
    if (!y && w->shift != CC_NO_SHIFT && dct != CC_NO_DAY) {
        int m, d;
        cc_day_to_ymd(dct, &y, &m, &d);
        y += w->shift;
    }
    if (!y && dct != CC_NO_DAY)
        y = infer_year(w, dct);
    if (!w->month)
        return cc_strfmt("%04d", y);
    if (!w->mday)
        return y ? cc_strfmt("%04d-%02d", y, w->month) : cc_strfmt("XXXX-%02d", w->month);
    if (cc_day_from_ymd(2000, w->month, w->mday) == CC_NO_DAY)
        return NULL; /* "February 30" is in no year (2000 had a February 29) */
    *day = y ? cc_day_from_ymd(y, w->month, w->mday) : CC_NO_DAY;
    if (y && *day == CC_NO_DAY && w->year)
        return NULL; /* "February 29, 2023" */
    if (y && *day == CC_NO_DAY)
        y = 0; /* "February 29" in an inferred year without one: unresolved */
    return y ? cc_strfmt("%04d-%02d-%02d", y, w->month, w->mday)
             : cc_strfmt("XXXX-%02d-%02d", w->month, w->mday);
}

/* Weekday by shift and tense: last/past = most recent (today counts only
 * without "last"), next/future = the coming one, this = this ISO week. */
static int32_t weekday_day(const cc_when *w, int32_t dct)
{
    int today = cc_day_weekday(dct);
    int back = (today - w->weekday + 7) % 7, fwd = (w->weekday - today + 7) % 7;
    if (w->shift == 0)
        return dct - today + w->weekday;
    if (w->shift == -1)
        return dct - (back ? back : 7);
    if (w->shift == 1 || (w->shift == CC_NO_SHIFT && w->tense > 0))
        return dct + fwd;
    return dct - back;
}

/* The month `shift` months from month m of year y, as YYYY-MM; caller
 * frees. */
static char *month_timex(int y, int m, int shift)
{
    int mm = y * 12 + (m - 1) + shift;
    return cc_strfmt("%04d-%02d", mm / 12, mm % 12 + 1);
}

/* Formats a resolved day; caller frees. */
static char *day_timex(int32_t d)
{
    char buf[11];
    return cc_strdup(cc_day_format(d, buf));
}

/* A week: ISO week of day, with "-WE" for a weekend. */
static char *week_timex(int32_t day, bool weekend)
{
    int wy, wk;
    cc_day_isoweek(day, &wy, &wk);
    return cc_strfmt("%04d-W%02d%s", wy, wk, weekend ? "-WE" : "");
}

/* "the weekend" without this/last/next: the one before the report in past
 * tense, the coming one in future tense, else the report's own week. */
static char *weekend_timex(const cc_when *w, int32_t dct)
{
    int wd = cc_day_weekday(dct); /* Saturday is 5 */
    int32_t sat = dct - wd + 5;
    if (w->tense < 0 && wd < 5)
        sat -= 7;
    return week_timex(sat, true);
}

/* The year of a quarter, half or season: stated, shifted from the report's
 * ("the first quarter of last year"), or inferred like a month's from the
 * period's middle month and the tense. */
static int part_year(const cc_when *w, int32_t dct, int mid)
{
    int y, m, d;
    if (w->year)
        return w->year;
    cc_day_to_ymd(dct, &y, &m, &d);
    if (w->shift != CC_NO_SHIFT)
        return y + w->shift;
    cc_when tmp = *w;
    tmp.month = mid;
    tmp.mday = 0;
    return infer_year(&tmp, dct);
}

/* Quarters (Q), halves (H) and seasons (S) of a year. "last quarter"
 * without an ordinal counts quarters back from the report's. */
static char *resolve_subyear(const cc_when *w, int32_t dct)
{
    int per = w->punit == 'Q' ? 4 : 2, len = 12 / per;
    int ord = w->ord < 0 ? per : w->ord;
    if (dct == CC_NO_DAY && !w->year)
        return w->punit == 'S' ? cc_strfmt("XXXX-%s", w->part)
                               : cc_strfmt("XXXX-%c%d", w->punit, ord > 0 ? ord : 1);
    if (w->punit == 'S')
        return cc_strfmt("%04d-%s", part_year(w, dct, w->month), w->part);
    if (ord == 0) { /* "this quarter", "the last quarter" */
        int y, m, d;
        cc_day_to_ymd(dct, &y, &m, &d);
        int q = y * per + (m - 1) / len + (w->shift == CC_NO_SHIFT ? 0 : w->shift);
        return cc_strfmt("%04d-%c%d", q / per, w->punit, q % per + 1);
    }
    if (ord > per)
        return NULL;
    return cc_strfmt("%04d-%c%d", part_year(w, dct, (ord - 1) * len + len / 2 + 1), w->punit, ord);
}

/* "last week" / "next month" / "this year" / "the 1990s" / quarters. */
static char *resolve_period(const cc_when *w, int32_t dct)
{
    int s = w->shift == CC_NO_SHIFT ? 0 : w->shift;
    if (w->punit == 'E' && w->year)
        return cc_strfmt("%03d", w->year / 10);
    if (w->punit == 'Q' || w->punit == 'H' || w->punit == 'S')
        return resolve_subyear(w, dct);
    if (dct == CC_NO_DAY)
        return cc_strdup(w->punit == 'W' ? "XXXX-WXX" : w->punit == 'M' ? "XXXX-XX" : "XXXX");
    int y, m, d;
    bool weekend = strcmp(w->part, "WE") == 0;
    if (w->punit == 'W' && weekend && w->shift == CC_NO_SHIFT)
        return weekend_timex(w, dct);
    if (w->punit == 'W')
        return week_timex(dct + 7 * s, weekend);
    cc_day_to_ymd(dct, &y, &m, &d);
    if (w->punit == 'E')
        return cc_strfmt("%03d", y / 10 + s);
    if (w->punit == 'Y')
        return cc_strfmt("%04d", y + s);
    return month_timex(y, m, s);
}

/* "two days ago", "a month ago": the day (for days and weeks), month,
 * quarter or year that far from the report. */
static char *resolve_ago(const cc_when *w, int32_t dct, int32_t *day)
{
    if (dct == CC_NO_DAY)
        return cc_strdup(w->ago < 0 ? "PAST_REF" : "FUTURE_REF");
    int y, m, d;
    cc_day_to_ymd(dct, &y, &m, &d);
    if (w->nunit == 'D' || w->nunit == 'W') {
        *day = dct + w->ago * (w->nunit == 'W' ? 7 : 1);
        return day_timex(*day);
    }
    if (w->nunit == 'Y')
        return cc_strfmt("%04d", y + w->ago);
    if (w->nunit == 'Q') {
        int q = y * 4 + (m - 1) / 3 + w->ago;
        return cc_strfmt("%04d-Q%d", q / 4, q % 4 + 1);
    }
    return month_timex(y, m, w->ago);
}

/* The day a day-level expression names, or CC_NO_DAY. */
static int32_t day_of(const cc_when *w, int32_t dct)
{
    if (dct == CC_NO_DAY)
        return CC_NO_DAY;
    if (w->has_rel)
        return dct + w->rel_days;
    if (w->weekday >= 0)
        return weekday_day(w, dct);
    return w->hour >= 0 || w->part[0] ? dct : CC_NO_DAY; /* a clock time alone: that day */
}

/* Adds the clock time or part of the day to a date; frees date. */
static char *add_time(const cc_when *w, char *date)
{
    if (!date || (w->hour < 0 && !w->part[0]))
        return date;
    const char *base = strcmp(date, "PRESENT_REF") ? date : "XXXX-XX-XX";
    char *t = w->hour >= 0
                  ? cc_strfmt("%sT%02d:%02d%s", base, w->hour, w->minute < 0 ? 0 : w->minute, w->tz)
                  : cc_strfmt("%sT%s", base, w->part);
    free(date);
    return t;
}

/* The number in the n digits at s, or -1 when they are not all digits. */
static int digits_at(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* The year an anchored date puts its anchor's part in: a stated year, else
 * the anchor's moved by a stated year shift ("a year earlier") and, for a
 * year, by the offset ("the previous year"). */
static int anchored_year(const cc_when *w, int year)
{
    if (w->year)
        return w->year;
    if (w->punit == 'Y' && w->shift != CC_NO_SHIFT)
        year += w->shift;
    return w->anchor == 'Y' ? year + w->anchor_off : year;
}

/* Dates that count from an earlier one (see timex.h). The anchor's part
 * after its year: "-MM", "-Qn", "-Wnn", "-SU", "-MM-DD", "-MM-DDT..". */
char *cc_when_from_anchor(const cc_when *w, const char *anchor)
{
    int y = digits_at(anchor, 4);
    const char *rest = anchor + 4;
    if (y < 0 || (*rest && *rest != '-'))
        return NULL;
    y = anchored_year(w, y);
    int m = *rest ? digits_at(rest + 1, 2) : -1;
    bool day = m > 0 && rest[3] == '-';
    int d = day ? digits_at(rest + 4, 2) : -1;
    if (y < 1 || y > 9999)
        return NULL;
    switch (w->anchor) {
    case 'Y':
        return cc_strfmt("%04d", y);
    case 'M':
        return m > 0 ? month_timex(y, m, w->anchor_off) : NULL;
    case 'P': /* a month, quarter, half, season or week: no day, no year */
        return *rest && !day ? cc_strfmt("%04d%s", y, rest) : NULL;
    case 'A': /* a day its new year lacks (February 29) leaves its month */
        if (d > 0 && cc_day_from_ymd(y, m, d) == CC_NO_DAY)
            return month_timex(y, m, 0);
        return cc_strfmt("%04d%s", y, rest);
    default:
        return NULL;
    }
}

/* Resolves any date or time expression (see timex.h). */
char *cc_when_resolve(const cc_when *w, int32_t dct, int32_t *day)
{
    *day = CC_NO_DAY;
    if (w->lit[0])
        return cc_strdup(w->lit);
    if (w->ago)
        return resolve_ago(w, dct, day);
    bool day_level = w->has_rel || w->weekday >= 0;
    if (!day_level && w->punit)
        return resolve_period(w, dct);
    if (!day_level && (w->month || w->year))
        return add_time(w, resolve_calendar(w, dct, day));
    int32_t d = day_of(w, dct);
    *day = d;
    char *date = d != CC_NO_DAY                   ? day_timex(d)
                 : w->has_rel && w->rel_days == 0 ? cc_strdup("PRESENT_REF")
                 : w->weekday >= 0                ? cc_strfmt("XXXX-WXX-%d", w->weekday + 1)
                                                  : cc_strdup("XXXX-XX-XX");
    return add_time(w, date);
}
