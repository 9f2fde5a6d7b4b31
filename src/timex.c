/* timex.c: calendar arithmetic (Howard Hinnant's days_from_civil). */
#include "timex.h"

#include <ctype.h>

#include "model.h"

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
