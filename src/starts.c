/* starts.c: where a claim rule may start (internal to the rules loader).
 *
 * The loader collects a superset of each rule's starter words: every
 * literal word in the pattern and in the lists it uses, wherever they
 * stand. Most are not at the start ("of" in "a quarter of"), and each one
 * costs a failed match wherever the word occurs. Here PCRE2 itself decides:
 * a loosened copy of the rule (no look-behinds or negative look-aheads,
 * no \b or \B, no case-sensitive groups) is matched against the bare
 * word (and against the word and a byte: the follow and digit masks)
 * with hard partial matching, which says whether any text beginning with
 * it could match. The loosened rule matches at least what the rule
 * matches, so a "no" is safe to act on; a "maybe" keeps the word. */
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "util.h"

/* Index just past the character class opening at rx[i] ("[" ... "]"),
 * where a "]" first in the class, or after "^", is a literal. */
static size_t class_end(const char *rx, size_t i)
{
    i++;
    if (rx[i] == '^')
        i++;
    if (rx[i] == ']')
        i++;
    while (rx[i] && rx[i] != ']')
        i += rx[i] == '\\' && rx[i + 1] ? 2 : 1;
    return rx[i] ? i + 1 : i;
}

/* Index just past the group opening at rx[i], "(" through its ")". */
static size_t group_end(const char *rx, size_t i)
{
    int depth = 0;
    while (rx[i]) {
        if (rx[i] == '\\' && rx[i + 1]) {
            i += 2;
            continue;
        }
        if (rx[i] == '[') {
            i = class_end(rx, i);
            continue;
        }
        depth += rx[i] == '(' ? 1 : rx[i] == ')' ? -1 : 0;
        i++;
        if (depth == 0)
            break;
    }
    return i;
}

/* True when an assertion the loosened copy drops opens at rx[i]: a look-
 * behind (it reads before the start, which a probe does not have) or a
 * negative look-ahead (its own \b or look-behind could not be loosened
 * without narrowing the rule). Positive look-aheads stay: they read only
 * text after the start, and hard partial matching answers "maybe" where
 * one runs into the end of a probe (checked against PCRE2 10.42, both
 * interpreted and JIT: "x(?=abc)" on "xab" is partial, on "xac" none). */
static bool is_dropped_assertion(const char *rx, size_t i)
{
    return strncmp(rx + i, "(?!", 3) == 0 || strncmp(rx + i, "(?<=", 4) == 0 ||
           strncmp(rx + i, "(?<!", 4) == 0;
}

/* Appends to b the rule pattern rx with its look-behinds, negative look-
 * aheads, \b and \B dropped and "(?-i:" opened as "(?:", also inside the
 * positive look-aheads it keeps. Each drop only widens what the pattern
 * matches, and what is left never looks before the match's start. */
static void loosen(cc_buf *b, const char *rx)
{
    size_t i = 0;
    while (rx[i]) {
        size_t j = i + 1;
        bool keep = true;
        if (strncmp(rx + i, "(?-i:", 5) == 0) {
            cc_buf_puts(b, "(?:");
            i += 5;
            continue;
        }
        if (is_dropped_assertion(rx, i)) {
            j = group_end(rx, i);
            keep = false;
        } else if (rx[i] == '\\' && rx[i + 1]) {
            j = i + 2;
            keep = rx[i + 1] != 'b' && rx[i + 1] != 'B';
        } else if (rx[i] == '[') {
            j = class_end(rx, i);
        }
        if (keep)
            cc_buf_add(b, rx + i, j - i);
        i = j;
    }
}

/* Whether letter case matters in the loosened pattern p: it names
 * letters of one case (\p{Lu} and the like). */
static bool is_cased(const char *p)
{
    return strstr(p, "\\p{L") || strstr(p, "\\P{L") || strstr(p, ":upper:") || strstr(p, ":lower:");
}

/* Compiles the loosened copy of an expanded rule pattern rx for the start
 * tests; NULL when loosening broke it (a quantified assertion): then every
 * start is kept. *cased tells whether letter case still matters in it
 * (\p{Lu} and the like). Caller frees with pcre2_code_free. */
pcre2_code *cc_starts_compile(const char *rx, uint32_t options, bool *cased)
{
    cc_buf b = {0};
    loosen(&b, rx);
    int err;
    PCRE2_SIZE off;
    pcre2_code *c = b.oom || !b.p ? NULL
                                  : pcre2_compile((PCRE2_SPTR)b.p, b.len, options | PCRE2_ANCHORED,
                                                  &err, &off, NULL);
    *cased = !b.p || is_cased(b.p);
    cc_buf_free(&b);
    if (c) /* the start tests run thousands of hard partial matches */
        pcre2_jit_compile(c, PCRE2_JIT_PARTIAL_HARD);
    return c;
}

/* Whether code c may match text that begins with s[0:n): a match or a
 * hard partial match (more text could complete one), or a limit hit. */
static bool may_begin(const pcre2_code *c, pcre2_match_data *md, const char *s, size_t n)
{
    return pcre2_match(c, (PCRE2_SPTR)s, n, 0, PCRE2_PARTIAL_HARD, md, NULL) != PCRE2_ERROR_NOMATCH;
}

/* Writes the ASCII letters of buf[from:n) in capitals (upper) or in lower
 * case: the lower-case word becomes "WORD", then "Word". */
static void recase(char *buf, size_t from, size_t n, bool upper)
{
    for (size_t i = from; i < n; i++)
        if ((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z')
            buf[i] = upper ? (char)(buf[i] & ~0x20) : (char)(buf[i] | 0x20);
}

/* Whether code c may match text beginning with the lower-case word
 * w[0:n) written in lower case or, when case matters in c (cased), also
 * capitalised or in capitals. */
bool cc_starts_word(const pcre2_code *c, bool cased, pcre2_match_data *md, const char *w, size_t n)
{
    char buf[64];
    if (!c || n >= sizeof buf)
        return true;
    memcpy(buf, w, n);
    if (may_begin(c, md, buf, n))
        return true;
    if (!cased)
        return false;
    recase(buf, 0, n, true);
    if (may_begin(c, md, buf, n))
        return true;
    recase(buf, 1, n, false);
    return may_begin(c, md, buf, n);
}

/* The ASCII bytes b with which code c may go on after buf[0:n) (room for
 * n + 1): all of them where it matches there already. With words_only,
 * only letters, digits and the space are tried and other bytes let
 * through; with fold, a capital takes its lower-case letter's answer
 * (case does not matter in c). */
static cc_follow bytes_after(const pcre2_code *c, pcre2_match_data *md, char *buf, size_t n,
                             bool words_only, bool fold)
{
    cc_follow f = {{0, 0}};
    int rc = pcre2_match(c, (PCRE2_SPTR)buf, n, 0, PCRE2_PARTIAL_HARD, md, NULL);
    for (int b = 1; b < 128 && rc != PCRE2_ERROR_NOMATCH; b++) {
        bool upper = b >= 'A' && b <= 'Z',
             word = upper || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == ' ';
        buf[n] = (char)b;
        if (rc != PCRE2_ERROR_PARTIAL || (words_only && !word) ||
            (!(fold && upper) && may_begin(c, md, buf, n + 1)))
            f.bits[b / 64] |= 1ull << (b % 64);
    }
    for (int b = 'A'; fold && b <= 'Z'; b++) /* as its lower case */
        f.bits[1] |= ((f.bits[1] >> ((b | 0x20) - 64)) & 1) << (b - 64);
    return f;
}

/* Adds to f the ASCII bytes that may follow the word buf[0:n) (room for
 * n + 2) and a space where code c matches. Only letters and digits are
 * tried: what follows a word and a space is nearly always one. */
static void follow_case(const pcre2_code *c, bool cased, pcre2_match_data *md, char *buf, size_t n,
                        cc_follow *f)
{
    buf[n] = ' ';
    cc_follow g = bytes_after(c, md, buf, n + 1, true, !cased);
    f->bits[0] |= g.bits[0];
    f->bits[1] |= g.bits[1];
}

/* Fills follow[0] (the lower-case word) and follow[1] (capitalised or in
 * capitals) with the ASCII bytes that may come after the word w[0:n) and
 * one space where loosened code c matches: a match of the rule there
 * begins with the word, the space and that byte, so a byte outside the
 * mask rules the rule out (the cases as in cc_starts_word). All bytes
 * when c is NULL or the word is long. */
void cc_starts_follow(const pcre2_code *c, bool cased, pcre2_match_data *md, const char *w,
                      size_t n, cc_follow follow[2])
{
    char buf[64];
    memset(follow, 0, 2 * sizeof *follow);
    if (!c || n + 2 > sizeof buf) {
        memset(follow, 0xff, 2 * sizeof *follow);
        return;
    }
    memcpy(buf, w, n);
    follow_case(c, cased, md, buf, n, &follow[0]);
    if (!cased) {
        follow[1] = follow[0];
        return;
    }
    recase(buf, 0, n, true);
    follow_case(c, cased, md, buf, n, &follow[1]);
    recase(buf, 1, n, false);
    follow_case(c, cased, md, buf, n, &follow[1]);
}

/* Fills out (see cc_follow2) by probing code c with the prefix buf[0:n)
 * (room for n + 2), each lower-case letter its follow mask lets through,
 * then each lower-case letter and the space; where case does not matter
 * in c (not cased), the rows hold for capitals too. Letters the mask
 * stops are never asked about (their rows let all through). */
static void follow2_rows(const pcre2_code *c, bool cased, pcre2_match_data *md, char *buf, size_t n,
                         const cc_follow *follow, cc_follow2 *out)
{
    memset(out, 0xff, sizeof *out);
    for (int b1 = 'a'; c && b1 <= 'z'; b1++) {
        if (!((follow->bits[1] >> (b1 - 64)) & 1))
            continue;
        buf[n] = (char)b1;
        cc_follow g = bytes_after(c, md, buf, n + 1, true, true);
        out->after[b1 - 'a'] = ((uint32_t)(g.bits[1] >> ('a' - 64)) & 0x3ffffff) |
                               (uint32_t)((g.bits[0] >> ' ') & 1) << CC_FOLLOW2_SPACE |
                               (uint32_t)!cased << CC_FOLLOW2_CASELESS;
    }
}

/* Fills out (see cc_follow2) for the lower-case word w[0:n) and a space,
 * whose lower-case follow mask is follow (follow2_rows); all bits when c
 * is NULL or the word is long. */
void cc_starts_follow2(const pcre2_code *c, bool cased, pcre2_match_data *md, const char *w,
                       size_t n, const cc_follow *follow, cc_follow2 *out)
{
    char buf[64];
    memset(out, 0xff, sizeof *out);
    if (!c || n + 3 > sizeof buf)
        return;
    memcpy(buf, w, n);
    buf[n] = ' ';
    follow2_rows(c, cased, md, buf, n + 1, follow, out);
}

/* ---- digit-blind copies: what may follow a run of digits ---------------- */

/* Index just past the escape at rx[i] ("\d", "\x{41}", "\p{Lu}", a back
 * reference); NO_ESC for one that can spell a digit character (a hex,
 * octal or quoted one), which a digit-blind copy cannot widen. */
#define NO_ESC ((size_t)-1)
static size_t escape_end(const char *rx, size_t i)
{
    char c = rx[i + 1];
    size_t j = i + 2;
    if (c == 'x') { /* \x{hhh} or at most two hex digits */
        const char *end = rx[j] == '{' ? strchr(rx + j, '}') : NULL;
        char hex[3] = {0};
        size_t h = end ? 0 : strspn(rx + j, "0123456789abcdefABCDEF");
        memcpy(hex, rx + j, h < 2 ? h : 2);
        unsigned long v = strtoul(end ? rx + j + 1 : hex, NULL, 16);
        j = end ? (size_t)(end - rx) + 1 : j + (h < 2 ? h : 2);
        return v >= '0' && v <= '9' ? NO_ESC : j;
    }
    if (c == '0' || c == 'o' || c == 'Q' || !c)
        return NO_ESC;
    if (strchr("pPNgk", c) && (rx[j] == '{' || rx[j] == '<' || rx[j] == '\'')) {
        const char *end = strchr(rx + j + 1, rx[j] == '{' ? '}' : rx[j] == '<' ? '>' : '\'');
        return end ? (size_t)(end - rx) + 1 : NO_ESC;
    }
    if (c == 'g' && (rx[j] == '-' || rx[j] == '+'))
        j++;
    if ((c >= '1' && c <= '9') || c == 'g')
        j += strspn(rx + j, "0123456789");
    return c == 'c' ? j + 1 : j;
}

/* Index just past the head of the group opening at rx[i] when its digits
 * and names are syntax (a verb, a reference, a condition, a callout, a
 * group name), else i + 1: the text that follows is pattern. */
static size_t head_end(const char *rx, size_t i)
{
    if (rx[i + 1] != '?' && rx[i + 1] != '*')
        return i + 1;
    const char *p = rx + i + 2, *end = NULL;
    bool verb = rx[i + 1] == '*',
         signed_ref = (p[0] == '-' || p[0] == '+') && p[1] >= '0' && p[1] <= '9';
    if (!verb && ((p[0] == '<' && p[1] != '=' && p[1] != '!') || (p[0] == 'P' && p[1] == '<')))
        end = strchr(p, '>');
    else if (!verb && p[0] == '\'')
        end = strchr(p + 1, '\'');
    else if (verb || signed_ref || (p[0] && strchr("(&RCP0123456789", p[0])))
        end = strchr(p, ')');
    else
        return i + 2;
    return end ? (size_t)(end - rx) + 1 : strlen(rx);
}

/* Index just past a counted quantifier at rx[i] ("{1,3}"), or i + 1 for
 * a literal brace. */
static size_t quant_end(const char *rx, size_t i)
{
    size_t j = i + 1 + strspn(rx + i + 1, "0123456789");
    if (rx[j] == ',')
        j += 1 + strspn(rx + j + 1, "0123456789");
    return rx[j] == '}' && j > i + 1 ? j + 1 : i + 1;
}

/* The code point the escape at rx[i] spells when it is a hex one
 * ("\x{BC}", "\x41"), else -1. */
static long hex_value(const char *rx, size_t i)
{
    if (rx[i + 1] != 'x')
        return -1;
    const char *p = rx + i + 2;
    bool braced = *p == '{';
    size_t h = braced ? strcspn(p + 1, "}") : strspn(p, "0123456789abcdefABCDEF");
    char hex[9] = {0};
    if (h == 0 || h > 8)
        return -1;
    memcpy(hex, p + braced, braced ? h : (h < 2 ? h : 2));
    return strtol(hex, NULL, 16);
}

/* Whether the class text cls[0:n) ("[...]") may match some digit but not
 * every one by its own characters (a digit, or a range over digits);
 * escapes are skipped (\d and \w take all digits alike). A range counts
 * as one over digits unless both its ends are known characters (plain or
 * hex escapes) that leave the digits out. -1 when an escape spells a
 * digit. */
static int class_digits(const char *cls, size_t n)
{
    size_t first = 1 + (cls[1] == '^');
    long prev = -1; /* the last single character's code, -1 after an escape class */
    for (size_t k = first; k + 1 < n; k++) {
        bool range = cls[k] == '-' && k > first && k + 2 < n;
        if (cls[k] == '\\') {
            size_t e = escape_end(cls, k);
            if (e == NO_ESC)
                return -1;
            prev = hex_value(cls, k);
            k = e - 1;
            continue;
        }
        if (range) {
            long hi = cls[k + 1] == '\\' ? hex_value(cls, k + 1) : (unsigned char)cls[k + 1];
            if (prev < 0 || hi < 0 || (prev <= '9' && hi >= '0'))
                return 1;
            prev = -1; /* its far end is read next, as a character of its own */
            continue;
        }
        if (cls[k] >= '0' && cls[k] <= '9')
            return 1;
        prev = (unsigned char)cls[k];
    }
    return 0;
}

/* Appends to b the loosened pattern rx with every digit made alike: a
 * digit is \d, a class that holds some digit holds them all. It matches
 * at least what rx matches, and a run of digits only by its length. False
 * when that cannot be done (a negated class or an escape that names some
 * digits). */
static bool digit_blind(cc_buf *b, const char *rx)
{
    for (size_t i = 0, j; rx[i]; i = j) {
        j = i + 1;
        if (rx[i] == '\\' && (j = escape_end(rx, i)) == NO_ESC)
            return false;
        if (rx[i] == '[') {
            j = class_end(rx, i);
            int d = class_digits(rx + i, j - i);
            if (d < 0 || (d && rx[i + 1] == '^'))
                return false;
            if (d)
                cc_buf_puts(b, "(?:\\d|");
            cc_buf_add(b, rx + i, j - i);
            if (d)
                cc_buf_putc(b, ')');
            continue;
        }
        if (rx[i] == '(')
            j = head_end(rx, i);
        else if (rx[i] == '{')
            j = quant_end(rx, i);
        if (rx[i] >= '0' && rx[i] <= '9')
            cc_buf_puts(b, "\\d");
        else
            cc_buf_add(b, rx + i, j - i);
    }
    return true;
}

/* Fills out->after[L - 1] (L = 1..4) with the ASCII bytes that may follow
 * a run of exactly L digits at the start of a match of the expanded claim
 * rule rx (options as compiled), out->after_sep[s][L - 1] with those
 * that may follow it and the s-th of CC_DIGIT_SEPS, and for the first
 * CC_N_DIGIT_SEPS2 of them the two letters after that (sep2): probes of a
 * digit-blind loosened copy with "1" repeated L times. All bytes where no
 * copy compiles. */
void cc_starts_digits(const char *rx, uint32_t options, pcre2_match_data *md, cc_digit_follow *out)
{
    cc_buf lo = {0}, bl = {0};
    int err;
    PCRE2_SIZE off;
    memset(out, 0xff, sizeof *out);
    loosen(&lo, rx);
    pcre2_code *c =
        !lo.oom && lo.p && digit_blind(&bl, lo.p) && !bl.oom && bl.p
            ? pcre2_compile((PCRE2_SPTR)bl.p, bl.len, options | PCRE2_ANCHORED, &err, &off, NULL)
            : NULL;
    if (c)
        pcre2_jit_compile(c, PCRE2_JIT_PARTIAL_HARD);
    bool cased = !bl.p || is_cased(bl.p);
    for (size_t L = 1; c && L <= 4; L++) {
        char buf[8] = "1111 ";
        out->after[L - 1] = bytes_after(c, md, buf, L, false, false);
        for (size_t s = 0; s < CC_N_DIGIT_SEPS; s++) {
            buf[L] = CC_DIGIT_SEPS[s];
            out->after_sep[s][L - 1] = bytes_after(c, md, buf, L + 1, false, false);
            if (s < CC_N_DIGIT_SEPS2)
                follow2_rows(c, cased, md, buf, L + 1, &out->after_sep[s][L - 1],
                             &out->sep2[s][L - 1]);
        }
    }
    pcre2_code_free(c);
    cc_buf_free(&lo);
    cc_buf_free(&bl);
}

/* Fills out (see cc_punct_follow): which characters of U+2000..U+20FF a
 * match of loosened code c may begin with, probed one by one, and the
 * ASCII bytes that may follow any of those. All bits when c is NULL. */
void cc_starts_punct(const pcre2_code *c, pcre2_match_data *md, cc_punct_follow *out)
{
    memset(out, c ? 0 : 0xff, sizeof *out);
    for (unsigned k = 0; c && k < 256; k++) {
        unsigned cp = CC_PUNCT_FIRST + k;
        char buf[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                       (char)(0x80 | (cp & 0x3F))};
        if (!may_begin(c, md, buf, 3))
            continue;
        out->live[k / 64] |= 1ull << (k % 64);
        cc_follow g = bytes_after(c, md, buf, 3, false, false);
        out->after.bits[0] |= g.bits[0];
        out->after.bits[1] |= g.bits[1];
    }
}

/* Clears from first[] the ASCII bytes other than letters that no match
 * of code c can begin with (PCRE2's own start bitmap gives up on rules
 * that open with a look-behind or an optional group). Letters are
 * decided by the starter words; other bytes are left as they are. */
void cc_starts_refine(const pcre2_code *c, pcre2_match_data *md, unsigned char first[32])
{
    for (int b = 0; c && b < 128; b++) {
        char ch = (char)b;
        bool letter = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
        if (!letter && ((first[b / 8] >> (b % 8)) & 1) && !may_begin(c, md, &ch, 1))
            first[b / 8] &= (unsigned char)~(1u << (b % 8));
    }
}
