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
static void day_to_ymd(int32_t day, int *y, int *m, int *d)
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

/* Reads YYYY-MM-DD at the start of s. */
int32_t cc_day_parse_iso(const char *s)
{
    /* each field is read only after the ones before it matched, so that
     * no byte past a shorter string's end is read */
    int y = digits_at(s, 4);
    int m = y >= 0 && s[4] == '-' ? digits_at(s + 5, 2) : -1;
    int d = m >= 0 && s[7] == '-' ? digits_at(s + 8, 2) : -1;
    if (d < 0 || isdigit((unsigned char)s[10]))
        return CC_NO_DAY;
    return cc_day_from_ymd(y, m, d);
}

/* ISO week: the week with the year's first Thursday is week 1. */
static void day_isoweek(int32_t day, int *year, int *week)
{
    int32_t thursday = day - cc_day_weekday(day) + 3;
    int y, m, d;
    day_to_ymd(thursday, &y, &m, &d);
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
    day_to_ymd(day, &y, &m, &d);
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
    day_to_ymd(dct, &y, &m, &d);
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

/* A TIMEX3 value being written, on the stack: the longest one ("%04d-%02d-
 * %02dT%02d:%02d" of any ints and a zone) is under 70 bytes; a longer one
 * would be cut, never overrun. printf cost ~1,000 instructions a value. */
typedef struct tbuf {
    char s[128];
    size_t n;
} tbuf;

/* Appends s[0:n), cut to fit. */
static void put_mem(tbuf *b, const char *s, size_t n)
{
    if (n > sizeof b->s - 1 - b->n)
        n = sizeof b->s - 1 - b->n;
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Appends string s. */
static void put_str(tbuf *b, const char *s)
{
    put_mem(b, s, strlen(s));
}

/* Appends character c. */
static void put_chr(tbuf *b, char c)
{
    put_mem(b, &c, 1);
}

/* Appends v as printf's "%0<width>d" would: zero-padded to width bytes,
 * the sign counted in them. */
static void put_int(tbuf *b, int v, int width)
{
    char d[20];
    long long m = v < 0 ? -(long long)v : v;
    size_t n = cc_fmt_u64((uint64_t)m, d);
    if (v < 0)
        put_chr(b, '-');
    for (int pad = width - (v < 0) - (int)n; pad > 0; pad--)
        put_chr(b, '0');
    put_mem(b, d, n);
}

/* Appends "YYYY-MM" for the month `shift` months from month m of year y. */
static void put_month(tbuf *b, int y, int m, int shift)
{
    int mm = y * 12 + (m - 1) + shift;
    put_int(b, mm / 12, 4);
    put_chr(b, '-');
    put_int(b, mm % 12 + 1, 2);
}

/* Appends a year, or "XXXX" for none (0). */
static void put_year(tbuf *b, int y)
{
    if (y)
        put_int(b, y, 4);
    else
        put_str(b, "XXXX");
}

/* Appends a resolved day as YYYY-MM-DD. */
static void put_day(tbuf *b, int32_t d)
{
    char buf[11];
    put_str(b, cc_day_format(d, buf));
}

/* The year of a calendar date: stated, shifted from the report's ("May
 * last year") or inferred from the tense; 0 when unknown. */
static int calendar_year(const cc_when *w, int32_t dct)
{
    int y = w->year;
    if (!y && w->shift != CC_NO_SHIFT && dct != CC_NO_DAY) {
        int m, d;
        day_to_ymd(dct, &y, &m, &d);
        y += w->shift;
    }
    if (!y && dct != CC_NO_DAY)
        y = infer_year(w, dct);
    return y;
}

/* Calendar date with explicit or inferred year; false for none. */
static bool resolve_calendar(const cc_when *w, int32_t dct, int32_t *day, tbuf *b)
{
    int y = calendar_year(w, dct);
    if (!w->month) {
        put_int(b, y, 4);
        return true;
    }
    if (w->mday) {
        if (cc_day_from_ymd(2000, w->month, w->mday) == CC_NO_DAY)
            return false; /* "February 30" is in no year (2000 had a February 29) */
        *day = y ? cc_day_from_ymd(y, w->month, w->mday) : CC_NO_DAY;
        if (y && *day == CC_NO_DAY && w->year)
            return false; /* "February 29, 2023" */
        if (y && *day == CC_NO_DAY)
            y = 0; /* "February 29" in an inferred year without one: unresolved */
    }
    put_year(b, y);
    put_chr(b, '-');
    put_int(b, w->month, 2);
    if (w->mday) {
        put_chr(b, '-');
        put_int(b, w->mday, 2);
    }
    return true;
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

/* A week: ISO week of day, with "-WE" for a weekend. */
static void put_week(tbuf *b, int32_t day, bool weekend)
{
    int wy, wk;
    day_isoweek(day, &wy, &wk);
    put_int(b, wy, 4);
    put_str(b, "-W");
    put_int(b, wk, 2);
    if (weekend)
        put_str(b, "-WE");
}

/* "the weekend" without this/last/next: the one before the report in past
 * tense, the coming one in future tense, else the report's own week. */
static void put_weekend(tbuf *b, const cc_when *w, int32_t dct)
{
    int wd = cc_day_weekday(dct); /* Saturday is 5 */
    int32_t sat = dct - wd + 5;
    if (w->tense < 0 && wd < 5)
        sat -= 7;
    put_week(b, sat, true);
}

/* The year of a quarter, half or season: stated, shifted from the report's
 * ("the first quarter of last year"), or inferred like a month's from the
 * period's middle month and the tense. */
static int part_year(const cc_when *w, int32_t dct, int mid)
{
    int y, m, d;
    if (w->year)
        return w->year;
    day_to_ymd(dct, &y, &m, &d);
    if (w->shift != CC_NO_SHIFT)
        return y + w->shift;
    cc_when tmp = *w;
    tmp.month = mid;
    tmp.mday = 0;
    return infer_year(&tmp, dct);
}

/* Appends "-" and the period: a season's code, else "Qn" or "Hn". */
static void put_part(tbuf *b, const cc_when *w, int ord)
{
    put_chr(b, '-');
    if (w->punit == 'S') {
        put_str(b, w->part);
        return;
    }
    put_chr(b, w->punit);
    put_int(b, ord, 1);
}

/* Appends "YYYY-Qn" (or "-Hn") for period q of those counted from year 0,
 * per of them a year, as put_month does for months. */
static void put_count_part(tbuf *b, int q, int per, char unit)
{
    put_int(b, q / per, 4);
    put_chr(b, '-');
    put_chr(b, unit);
    put_int(b, q % per + 1, 1);
}

/* Quarters (Q), halves (H) and seasons (S) of a year. "last quarter"
 * without an ordinal counts quarters back from the report's. False for
 * none (a fifth quarter). */
static bool resolve_subyear(const cc_when *w, int32_t dct, tbuf *b)
{
    int per = w->punit == 'Q' ? 4 : 2, len = 12 / per;
    int ord = w->ord < 0 ? per : w->ord;
    if (dct == CC_NO_DAY && !w->year) {
        put_str(b, "XXXX");
        put_part(b, w, ord > 0 ? ord : 1);
        return true;
    }
    if (w->punit == 'S') {
        put_int(b, part_year(w, dct, w->month), 4);
        put_part(b, w, ord);
        return true;
    }
    if (ord == 0) { /* "this quarter", "the last quarter" */
        int y, m, d;
        day_to_ymd(dct, &y, &m, &d);
        int q = y * per + (m - 1) / len + (w->shift == CC_NO_SHIFT ? 0 : w->shift);
        put_count_part(b, q, per, w->punit);
        return true;
    }
    if (ord > per)
        return false;
    put_int(b, part_year(w, dct, (ord - 1) * len + len / 2 + 1), 4);
    put_part(b, w, ord);
    return true;
}

/* "last week" / "next month" / "this year" / "the 1990s" / quarters. */
static bool resolve_period(const cc_when *w, int32_t dct, tbuf *b)
{
    int s = w->shift == CC_NO_SHIFT ? 0 : w->shift;
    if (w->punit == 'E' && w->year) {
        put_int(b, w->year / 10, 3);
        return true;
    }
    if (w->punit == 'Q' || w->punit == 'H' || w->punit == 'S')
        return resolve_subyear(w, dct, b);
    if (dct == CC_NO_DAY) {
        put_str(b, w->punit == 'W' ? "XXXX-WXX" : w->punit == 'M' ? "XXXX-XX" : "XXXX");
        return true;
    }
    if (w->punit == 'W') {
        bool weekend = strcmp(w->part, "WE") == 0;
        if (weekend && w->shift == CC_NO_SHIFT)
            put_weekend(b, w, dct);
        else
            put_week(b, dct + 7 * s, weekend);
        return true;
    }
    int y, m, d;
    day_to_ymd(dct, &y, &m, &d);
    if (w->punit == 'E')
        put_int(b, y / 10 + s, 3);
    else if (w->punit == 'Y')
        put_int(b, y + s, 4);
    else
        put_month(b, y, m, s);
    return true;
}

/* "two days ago", "a month ago": the day (for days and weeks), month,
 * quarter or year that far from the report. */
static void resolve_ago(const cc_when *w, int32_t dct, int32_t *day, tbuf *b)
{
    if (dct == CC_NO_DAY) {
        put_str(b, w->ago < 0 ? "PAST_REF" : "FUTURE_REF");
        return;
    }
    int y, m, d;
    day_to_ymd(dct, &y, &m, &d);
    if (w->nunit == 'D' || w->nunit == 'W') {
        *day = dct + w->ago * (w->nunit == 'W' ? 7 : 1);
        put_day(b, *day);
    } else if (w->nunit == 'Y') {
        put_int(b, y + w->ago, 4);
    } else if (w->nunit == 'Q') {
        put_count_part(b, y * 4 + (m - 1) / 3 + w->ago, 4, 'Q');
    } else {
        put_month(b, y, m, w->ago);
    }
}

/* True when w states a clock time or a part of the day. */
static bool has_time(const cc_when *w)
{
    return w->hour >= 0 || w->part[0];
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
    return has_time(w) ? dct : CC_NO_DAY; /* a clock time alone: that day */
}

/* Adds the clock time or part of the day to the date in b. */
static void add_time(const cc_when *w, tbuf *b)
{
    if (!has_time(w))
        return;
    put_chr(b, 'T');
    if (w->hour < 0) {
        put_str(b, w->part);
        return;
    }
    put_int(b, w->hour, 2);
    put_chr(b, ':');
    put_int(b, w->minute < 0 ? 0 : w->minute, 2);
    put_str(b, w->tz);
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
 * after its year: "-MM", "-Qn", "-Wnn", "-SU", "-MM-DD", "-MM-DDT.."; an
 * anchor is itself such a value, so it fits a tbuf. */
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
    tbuf b = {.n = 0};
    if (y < 1 || y > 9999)
        return NULL;
    switch (w->anchor) {
    case 'Y':
        put_int(&b, y, 4);
        break;
    case 'M':
        if (m <= 0)
            return NULL;
        put_month(&b, y, m, w->anchor_off);
        break;
    case 'P': /* a month, quarter, half, season or week: no day, no year */
        if (!*rest || day)
            return NULL;
        put_int(&b, y, 4);
        put_str(&b, rest);
        break;
    case 'A': /* a day its new year lacks (February 29) leaves its month */
        if (d > 0 && cc_day_from_ymd(y, m, d) == CC_NO_DAY) {
            put_month(&b, y, m, 0);
            break;
        }
        put_int(&b, y, 4);
        put_str(&b, rest);
        break;
    default:
        return NULL;
    }
    return cc_strndup(b.s, b.n);
}

/* Resolves any date or time expression into b; false when it names no
 * date. The one resolver behind cc_when_resolve and cc_when_day. */
static bool resolve_into(const cc_when *w, int32_t dct, int32_t *day, tbuf *b)
{
    *day = CC_NO_DAY;
    if (w->lit[0]) {
        put_str(b, w->lit);
        return true;
    }
    if (w->ago) {
        resolve_ago(w, dct, day, b);
        return true;
    }
    bool day_level = w->has_rel || w->weekday >= 0;
    if (!day_level && w->punit)
        return resolve_period(w, dct, b);
    if (!day_level && (w->month || w->year)) {
        if (!resolve_calendar(w, dct, day, b))
            return false;
        add_time(w, b);
        return true;
    }
    int32_t d = day_of(w, dct);
    *day = d;
    if (d != CC_NO_DAY) {
        put_day(b, d);
    } else if (w->has_rel && w->rel_days == 0) { /* "today": with a time, a day not known */
        put_str(b, has_time(w) ? "XXXX-XX-XX" : "PRESENT_REF");
    } else if (w->weekday >= 0) {
        put_str(b, "XXXX-WXX-");
        put_int(b, w->weekday + 1, 1);
    } else {
        put_str(b, "XXXX-XX-XX");
    }
    add_time(w, b);
    return true;
}

/* Resolves any date or time expression (see timex.h). */
char *cc_when_resolve(const cc_when *w, int32_t dct, int32_t *day)
{
    tbuf b = {.n = 0};
    return resolve_into(w, dct, day, &b) ? cc_strndup(b.s, b.n) : NULL;
}

/* The day only (see timex.h): no value is kept, so none is allocated. */
int32_t cc_when_day(const cc_when *w, int32_t dct)
{
    tbuf b = {.n = 0};
    int32_t day;
    resolve_into(w, dct, &day, &b);
    return day;
}
