/* starts.c: where a claim rule may start (internal to the rules loader).
 *
 * The loader collects a superset of each rule's starter words: every
 * literal word in the pattern and in the lists it uses, wherever they
 * stand. Most are not at the start ("of" in "a quarter of"), and each one
 * costs a failed match wherever the word occurs. Here PCRE2 itself decides:
 * a loosened copy of the rule (no look-arounds, no \b or \B, no case-
 * sensitive groups) is matched against the bare word with hard partial
 * matching, which says whether any text beginning with that word could
 * match. The loosened rule matches at least what the rule matches, so a
 * "no" is safe to act on; a "maybe" keeps the word. */
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

/* True when a look-around assertion opens at rx[i]. */
static bool is_lookaround(const char *rx, size_t i)
{
    return strncmp(rx + i, "(?=", 3) == 0 || strncmp(rx + i, "(?!", 3) == 0 ||
           strncmp(rx + i, "(?<=", 4) == 0 || strncmp(rx + i, "(?<!", 4) == 0;
}

/* Appends to b the rule pattern rx with its look-arounds, \b and \B
 * dropped and "(?-i:" opened as "(?:". Each drop only widens what the
 * pattern matches, and what is left never looks outside the match. */
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
        if (is_lookaround(rx, i)) {
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
    *cased = !b.p || strstr(b.p, "\\p{L") || strstr(b.p, "\\P{L") || strstr(b.p, ":upper:") ||
             strstr(b.p, ":lower:");
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
    for (size_t i = 0; i < n; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    if (may_begin(c, md, buf, n))
        return true;
    for (size_t i = 1; i < n; i++)
        if (buf[i] >= 'A' && buf[i] <= 'Z')
            buf[i] = (char)(buf[i] - 'A' + 'a');
    return may_begin(c, md, buf, n);
}

/* Adds to mask the ASCII bytes b such that code c may match text that
 * begins with the word buf[0:n) (room for n + 2), a space and b. Only
 * letters and digits are tried (what follows a word and a space is nearly
 * always one; other bytes are let through), letters in one case when
 * case does not matter in c. */
static void follow_case(const pcre2_code *c, bool cased, pcre2_match_data *md, char *buf, size_t n,
                        cc_follow *f)
{
    uint64_t *mask = f->bits;
    buf[n] = ' ';
    int rc = pcre2_match(c, (PCRE2_SPTR)buf, n + 1, 0, PCRE2_PARTIAL_HARD, md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH)
        return; /* no match goes on past the space */
    if (rc != PCRE2_ERROR_PARTIAL) {
        mask[0] = mask[1] = ~0ull; /* complete (or a limit): any byte may follow */
        return;
    }
    for (int b = 1; b < 128; b++) {
        bool upper = b >= 'A' && b <= 'Z', lower = b >= 'a' && b <= 'z';
        buf[n + 1] = (char)b;
        if (!(upper || lower || (b >= '0' && b <= '9')) || /* rare there: not worth a try */
            (!(upper && !cased) && may_begin(c, md, buf, n + 2)))
            mask[b / 64] |= 1ull << (b % 64);
    }
    for (int b = 'A'; !cased && b <= 'Z'; b++) /* as its lower case */
        mask[1] |= ((mask[1] >> ((b | 0x20) - 64)) & 1) << (b - 64);
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
    for (size_t i = 0; i < n; i++)
        buf[i] = buf[i] >= 'a' && buf[i] <= 'z' ? (char)(buf[i] - 'a' + 'A') : buf[i];
    follow_case(c, cased, md, buf, n, &follow[1]);
    for (size_t i = 1; i < n; i++)
        buf[i] = buf[i] >= 'A' && buf[i] <= 'Z' ? (char)(buf[i] - 'A' + 'a') : buf[i];
    follow_case(c, cased, md, buf, n, &follow[1]);
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
