/* ingest.c: stage 1. Turns cluster directories, article files and NDJSON
 * streams into cc_article records with sanitized bodies (see ingest.h). */
#include "ingest.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "timex.h"
#include "util.h"

/* Largest accepted article, in raw bytes. */
#define CC_INGEST_MAX_BYTES ((size_t)64 << 20)
/* Longest first line that is still taken as a title, in bytes. */
#define CC_INGEST_TITLE_MAX 150

/* The callbacks of one cc_ingest_path call and whether it rejected input. */
typedef struct ingest_run {
    cc_article_sink sink;
    void *ud;
    cc_diag_fn diag;
    void *dud;
    bool rejected;
    cc_buf arena; /* NDJSON strings of the current line; owned here */
    cc_buf raw;   /* the current article file's bytes; owned here */
} ingest_run;

/* Where the diagnostics about one article go. */
typedef struct reporter {
    const char *path;
    cc_diag_fn diag;
    void *dud;
} reporter;

/* What sanitizing repaired, and the raw offset of the first repair. */
typedef struct repairs {
    size_t bad, nul, first;
} repairs;

/* ---- small text helpers ---- */

/* True for ASCII space and tab. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* True for ASCII whitespace, line ends included. */
static bool is_space(char c)
{
    return is_blank(c) || (c >= '\n' && c <= '\r');
}

/* True when s[0..n) holds only ASCII whitespace. */
static bool all_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return false;
    return true;
}

/* Length of the line starting at s, without its LF. */
static size_t line_len(const char *s)
{
    const char *e = strchr(s, '\n');
    return e ? (size_t)(e - s) : strlen(s);
}

/* Start of the line after the one at s (n = its length); may be the NUL. */
static const char *next_line(const char *s, size_t n)
{
    return s + n + (s[n] == '\n');
}

/* Narrows s[0..*n) by dropping leading and trailing spaces and tabs. */
static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_blank(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_blank((*s)[*n - 1]))
        (*n)--;
}

/* Drops one pair of matching single or double quotes around s[0..*n). */
static void unquote(const char **s, size_t *n)
{
    char q = *n >= 2 ? (*s)[0] : '\0';
    if ((q == '"' || q == '\'') && (*s)[*n - 1] == q) {
        (*s)++;
        *n -= 2;
    }
}

/* True when s ends with suffix. */
static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Returns path's file name without directory and last extension; caller
 * frees. NULL on allocation failure. */
static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return cc_strndup(base, n);
}

/* Sets a's publication date from an ISO date string; false if it does not
 * parse (a is then unchanged). */
static bool set_published(cc_article *a, const char *s)
{
    int32_t day = cc_day_parse_iso(s);
    if (day == CC_NO_DAY)
        return false;
    a->published = day;
    a->published_from = CC_PUB_METADATA;
    return true;
}

/* Replaces *slot with a copy of s[0..n) (freeing the old value).
 * *slot owns the copy. */
static cc_error replace_str(char **slot, const char *s, size_t n)
{
    char *copy = cc_strndup(s, n);
    if (!copy)
        return CC_ERROR_MEMORY;
    free(*slot);
    *slot = copy;
    return CC_OK;
}

/* ---- sanitizing ---- */

/* Decodes a UTF-8 lead byte: returns the sequence length (0 if c cannot
 * start one) and the allowed range of the second byte in *lo..*hi, which
 * excludes overlongs, surrogates and code points above U+10FFFF. */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c >= 0xE0 && c <= 0xEF) {
        *lo = c == 0xE0 ? 0xA0 : 0x80;
        *hi = c == 0xED ? 0x9F : 0xBF;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        *lo = c == 0xF0 ? 0x90 : 0x80;
        *hi = c == 0xF4 ? 0x8F : 0xBF;
        return 4;
    }
    return 0;
}

/* Measures the non-ASCII sequence at s (n > 0 bytes left). Sets *ok when it
 * is well formed; an ill-formed one spans its maximal valid prefix (at least
 * one byte), so each such prefix becomes one U+FFFD as Unicode recommends. */
static size_t utf8_span(const unsigned char *s, size_t n, bool *ok)
{
    unsigned char lo, hi;
    size_t need = utf8_lead(s[0], &lo, &hi);
    size_t i = 1;
    while (i < need && i < n && s[i] >= lo && s[i] <= hi) {
        lo = 0x80;
        hi = 0xBF;
        i++;
    }
    *ok = need > 0 && i == need;
    return i;
}

/* Appends U+FFFD for a bad sequence or NUL at raw offset at. */
static void add_replacement(cc_buf *out, repairs *r, bool nul, size_t at)
{
    if (r->bad + r->nul == 0)
        r->first = at;
    if (nul)
        r->nul++;
    else
        r->bad++;
    cc_buf_add(out, "\xEF\xBF\xBD", 3);
}

/* Sanitizes the special byte at s[i] (CR, NUL or non-ASCII; len bytes in
 * all) into out; returns how many bytes it consumed. */
static size_t sanitize_special(const unsigned char *s, size_t i, size_t len, cc_buf *out,
                               repairs *r)
{
    if (s[i] == '\r') {
        cc_buf_putc(out, '\n');
        return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
    }
    if (s[i] == '\0') {
        add_replacement(out, r, true, i);
        return 1;
    }
    bool ok;
    size_t n = utf8_span(s + i, len - i, &ok);
    if (ok)
        cc_buf_add(out, (const char *)s + i, n);
    else
        add_replacement(out, r, false, i);
    return n;
}

/* Nonzero when some byte of the 8 bytes at s is NUL, CR or not ASCII
 * (its bits say no more). Exact: w - 1s sets a byte's high bit only for
 * 0 or a byte that has it (0x81 and up), or past a borrow from a 0 byte
 * below; cr - 1s likewise for CR, and its high bits are w's. */
static uint64_t word_special(const unsigned char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    uint64_t cr = w ^ (CC_WORD_ONES * '\r');
    return (w | (w - CC_WORD_ONES) | (cr - CC_WORD_ONES)) & CC_WORD_HIGHS;
}

/* The end of the run from s[i] on (len bytes in all) that sanitizing
 * keeps as it is: ASCII but NUL and CR, sixteen bytes at a time, and
 * well-formed UTF-8. Returns len when nothing from i on needs a repair. */
static size_t clean_end(const unsigned char *s, size_t i, size_t len)
{
    for (;;) {
        while (i + 16 <= len && !(word_special(s + i) | word_special(s + i + 8)))
            i += 16;
        while (i < len && s[i] != '\0' && s[i] != '\r' && s[i] < 0x80)
            i++;
        bool ok = false;
        size_t n = i < len && s[i] >= 0x80 ? utf8_span(s + i, len - i, &ok) : 0;
        if (!ok)
            return i;
        i += n;
    }
}

/* Appends raw[start..len) to out as valid UTF-8 with LF line ends and no NUL
 * bytes, counting repairs (at raw offsets) in r. */
static void sanitize(const char *raw, size_t start, size_t len, cc_buf *out, repairs *r)
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t i = start;
    while (i < len) {
        size_t run = clean_end(s, i, len);
        if (run > i)
            cc_buf_add(out, raw + i, run - i);
        i = run;
        if (i < len)
            i += sanitize_special(s, i, len, out, r);
    }
}

/* Rejects input ingest cannot use at all: oversized or UTF-16 text. */
static cc_error check_raw(const char *raw, size_t len, const reporter *rep)
{
    if (len > CC_INGEST_MAX_BYTES) {
        cc_diagf(rep->diag, rep->dud, "%s: article is larger than 64 MiB", rep->path);
        return CC_ERROR_INPUT;
    }
    if (len >= 2 &&
        ((raw[0] == '\xFF' && raw[1] == '\xFE') || (raw[0] == '\xFE' && raw[1] == '\xFF'))) {
        cc_diagf(rep->diag, rep->dud, "%s: UTF-16 is not supported; convert to UTF-8", rep->path);
        return CC_ERROR_INPUT;
    }
    return CC_OK;
}

/* An article's text before front matter is taken off: s[0:len),
 * NUL-terminated with no NUL inside, and the storage it owns (NULL when
 * s is the raw bytes as they came, borrowed). */
typedef struct text {
    const char *s;
    size_t len;
    char *owned;
} text;

/* Sanitizes raw[start:len) into t (t owns the copy; the caller frees
 * t->owned), reporting repairs as one warning. */
static cc_error sanitize_text(const char *raw, size_t start, size_t len, text *t,
                              const reporter *rep)
{
    cc_buf out = {0};
    repairs r = {0, 0, 0};
    if (cc_buf_room(&out, len - start)) /* the usual size: repairs rarely grow it */
        cc_buf_commit(&out, 0);
    sanitize(raw, start, len, &out, &r);
    t->len = out.len;
    t->s = t->owned = cc_buf_take(&out);
    if (!t->owned)
        return CC_ERROR_MEMORY;
    if (r.bad + r.nul > 0)
        cc_diagf(rep->diag, rep->dud,
                 "%s: repaired %zu invalid UTF-8 sequence(s) and %zu NUL byte(s) "
                 "(first at byte %zu)",
                 rep->path, r.bad, r.nul, r.first);
    return CC_OK;
}

/* Makes raw[0:len) an article text t without a UTF-8 BOM: raw itself
 * when it needs no repair and raw[len] is a NUL (terminated), as a file
 * read or a decoded NDJSON string is, else a sanitized copy (the caller
 * frees t->owned). Most articles need no repair: no copy of them is
 * made but their body. */
static cc_error get_text(const char *raw, size_t len, bool terminated, text *t, const reporter *rep)
{
    size_t start = len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (terminated && clean_end((const unsigned char *)raw, start, len) == len) {
        *t = (text){raw + start, len - start, NULL};
        return CC_OK;
    }
    return sanitize_text(raw, start, len, t, rep);
}

/* ---- front matter and header date line ---- */

/* True when the line s[0..n) is a front matter fence: "---" and blanks. */
static bool is_fence(const char *s, size_t n)
{
    if (n < 3 || memcmp(s, "---", 3) != 0)
        return false;
    for (size_t i = 3; i < n; i++)
        if (!is_blank(s[i]))
            return false;
    return true;
}

/* Returns the start of the first fence line at or after s, or NULL. */
static const char *find_fence(const char *s)
{
    while (*s) {
        size_t n = line_len(s);
        if (is_fence(s, n))
            return s;
        s = next_line(s, n);
    }
    return NULL;
}

/* True when s[0..n) is a plausible key: letters, digits, '_' and '-'. */
static bool is_key(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return n > 0;
}

/* True when key[0..n) equals name, ignoring ASCII case. */
static bool key_is(const char *key, size_t n, const char *name)
{
    size_t k = strlen(name); /* a literal's: the lengths rule out most names without a call */
    return n == k && cc_strcasecmp_n(key, n, name, k) == 0;
}

/* Stores one front matter date from line ln; warns if it does not parse. */
static cc_error fm_date(cc_article *a, const char *v, size_t n, size_t ln, const reporter *rep)
{
    char *s = cc_strndup(v, n);
    if (!s)
        return CC_ERROR_MEMORY;
    if (!set_published(a, s))
        cc_diagf(rep->diag, rep->dud, "%s:%zu: ignored unparsable date '%s'", rep->path, ln, s);
    free(s);
    return CC_OK;
}

/* Stores the value of a known front matter key in a; ignores other keys. */
static cc_error fm_store(cc_article *a, const char *key, size_t klen, const char *v, size_t n,
                         size_t ln, const reporter *rep)
{
    if (key_is(key, klen, "published") || key_is(key, klen, "date"))
        return fm_date(a, v, n, ln, rep);
    if (key_is(key, klen, "title"))
        return replace_str(&a->title, v, n);
    if (key_is(key, klen, "outlet"))
        return replace_str(&a->outlet, v, n);
    if (key_is(key, klen, "url"))
        return replace_str(&a->url, v, n);
    return CC_OK;
}

/* Parses the front matter line s[0..n) (line number ln) as "key: value";
 * blank and '#' comment lines are skipped, malformed ones reported. */
static cc_error fm_line(cc_article *a, const char *s, size_t n, size_t ln, const reporter *rep)
{
    trim(&s, &n);
    if (n == 0 || s[0] == '#')
        return CC_OK;
    const char *colon = memchr(s, ':', n);
    const char *key = s;
    size_t klen = colon ? (size_t)(colon - s) : 0;
    trim(&key, &klen);
    if (!is_key(key, klen)) {
        cc_diagf(rep->diag, rep->dud, "%s:%zu: ignored front matter line", rep->path, ln);
        return CC_OK;
    }
    const char *v = colon + 1;
    size_t vlen = n - (size_t)(v - s);
    trim(&v, &vlen);
    unquote(&v, &vlen);
    return vlen > 0 ? fm_store(a, key, klen, v, vlen, ln, rep) : CC_OK;
}

/* Reads front matter at the start of text into a and sets *off to where the
 * rest begins (0 without front matter or when it is never closed). */
static cc_error front_matter(cc_article *a, const char *text, size_t *off, const reporter *rep)
{
    *off = 0;
    size_t n = line_len(text);
    if (!is_fence(text, n))
        return CC_OK;
    const char *first = next_line(text, n);
    const char *close = find_fence(first);
    if (!close) {
        cc_diagf(rep->diag, rep->dud,
                 "%s: front matter has no closing '---' line; reading the whole file as body",
                 rep->path);
        return CC_OK;
    }
    size_t ln = 2;
    for (const char *p = first; p < close; p = next_line(p, n), ln++) {
        n = line_len(p);
        cc_error err = fm_line(a, p, n, ln, rep);
        if (err != CC_OK)
            return err;
    }
    *off = (size_t)(next_line(close, line_len(close)) - text);
    return CC_OK;
}

/* True when s starts with the shape YYYY-MM-DD followed by whitespace or
 * the end of the text. */
static bool looks_like_ymd(const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    for (size_t i = 0; shape[i]; i++) {
        bool ok = shape[i] == 'd' ? s[i] >= '0' && s[i] <= '9' : s[i] == shape[i];
        if (!ok)
            return false;
    }
    return s[10] == '\0' || is_space(s[10]);
}

/* Recognises a header date line ("date 2024-03-22 ...") at text + *off and
 * moves *off past it and the whitespace after the date. The date is the
 * publication date unless front matter already gave one. */
static void header_date(cc_article *a, const char *text, size_t *off, const reporter *rep)
{
    const char *p = text + *off;
    while (is_space(*p))
        p++;
    if (cc_strcasecmp_n(p, 4, "date", 4) != 0 || !is_space(p[4]))
        return;
    p += 4;
    while (is_space(*p))
        p++;
    if (!looks_like_ymd(p))
        return;
    if (cc_day_parse_iso(p) == CC_NO_DAY)
        cc_diagf(rep->diag, rep->dud, "%s: ignored invalid header date '%.10s'", rep->path, p);
    else if (a->published_from == CC_PUB_NONE)
        set_published(a, p);
    p += 10;
    while (is_space(*p))
        p++;
    *off = (size_t)(p - text);
}

/* Sets a->title to the body's first non-blank line, trimmed, when it is at
 * most CC_INGEST_TITLE_MAX bytes and does not end in '.'. a owns the copy. */
static cc_error guess_title(cc_article *a)
{
    for (const char *p = a->body; *p; p = next_line(p, line_len(p))) {
        const char *s = p;
        size_t n = line_len(p);
        trim(&s, &n);
        if (n == 0)
            continue;
        if (n > CC_INGEST_TITLE_MAX || s[n - 1] == '.')
            return CC_OK;
        return replace_str(&a->title, s, n);
    }
    return CC_OK;
}

/* Fills out from the text t: id and path (copies), front matter, header
 * date, body (a copy of t past them) and title. out owns what it holds,
 * also on failure (the caller clears it then). */
static cc_error fill_article(cc_article *out, const char *id, const text *t, const reporter *rep)
{
    size_t off = 0;
    out->id = cc_strdup(id);
    out->path = cc_strdup(rep->path);
    cc_error err = out->id && out->path ? front_matter(out, t->s, &off, rep) : CC_ERROR_MEMORY;
    if (err != CC_OK)
        return err;
    header_date(out, t->s, &off, rep);
    out->body_len = t->len - off;
    out->body = cc_strndup(t->s + off, out->body_len);
    if (!out->body)
        return CC_ERROR_MEMORY;
    if (all_space(out->body, out->body_len)) {
        cc_diagf(rep->diag, rep->dud, "%s: empty article", rep->path);
        return CC_ERROR_INPUT;
    }
    return out->title ? CC_OK : guess_title(out);
}

/* cc_ingest_text, told whether raw[len] is a NUL (terminated: see
 * get_text). On success the caller owns out's strings (free with
 * cc_article_clear); on failure out is cleared. */
static cc_error ingest_text(const char *id, const char *raw, size_t len, bool terminated,
                            cc_article *out, const reporter *rep)
{
    text t = {NULL, 0, NULL};
    memset(out, 0, sizeof *out);
    out->published = CC_NO_DAY;
    if (!raw) {
        raw = "";
        len = 0;
    }
    cc_error err = check_raw(raw, len, rep);
    if (err == CC_OK)
        err = get_text(raw, len, terminated, &t, rep);
    if (err == CC_OK)
        err = fill_article(out, id, &t, rep);
    free(t.owned);
    if (err != CC_OK)
        cc_article_clear(out);
    return err;
}

/* Builds one article from raw bytes (raw may be NULL when len is 0); see
 * ingest.h. */
cc_error cc_ingest_text(const char *id, const char *path, const char *raw, size_t len,
                        cc_article *out, cc_diag_fn diag, void *dud)
{
    reporter rep = {path, diag, dud};
    return ingest_text(id, raw, len, false, out, &rep);
}

/* Frees an article's strings and zeroes it. */
void cc_article_clear(cc_article *a)
{
    free(a->id);
    free(a->path);
    free(a->title);
    free(a->outlet);
    free(a->url);
    free(a->body);
    memset(a, 0, sizeof *a);
}

/* ---- delivering articles ---- */

/* Hands a built article to the sink, which takes ownership of its strings
 * whatever it returns; with no sink the article is freed. */
static cc_error deliver(ingest_run *run, cc_article *a)
{
    if (!run->sink) {
        cc_article_clear(a);
        return CC_OK;
    }
    return run->sink(run->ud, a);
}

/* Folds a per-article result into the run: a rejected article is noted and
 * ingest goes on; other errors stop it. */
static cc_error absorb(ingest_run *run, cc_error err)
{
    if (err != CC_ERROR_INPUT)
        return err;
    run->rejected = true;
    return CC_OK;
}

/* ---- text article files ---- */

/* Ingests one text article file; its id is the file stem. The raw bytes
 * go to run->raw, whose storage is kept for the next file unless it grew
 * past 1 MiB. */
static cc_error ingest_file(ingest_run *run, const char *path)
{
    cc_buf *raw = &run->raw;
    cc_buf_reset(raw);
    int e = cc_buf_read_path(raw, path, CC_INGEST_MAX_BYTES);
    if (e != 0) {
        cc_buf_free(raw);
        if (e == ENOMEM)
            return CC_ERROR_MEMORY;
        cc_diagf(run->diag, run->dud, "%s: cannot read: %s", path, strerror(e));
        return absorb(run, CC_ERROR_INPUT);
    }
    char *id = file_stem(path);
    reporter rep = {path, run->diag, run->dud};
    cc_article a;
    cc_error err = id ? ingest_text(id, raw->p, raw->len, true, &a, &rep) : CC_ERROR_MEMORY;
    free(id);
    if (raw->cap > ((size_t)1 << 20))
        cc_buf_free(raw);
    return err == CC_OK ? deliver(run, &a) : absorb(run, err);
}

/* ---- directories ---- */

/* True for directory entry names that are articles: "*.txt" or "*.md"
 * (cc_dir_names leaves hidden ones out, like a shell glob). */
static bool is_article_name(const char *name)
{
    return has_suffix(name, ".txt") || has_suffix(name, ".md");
}

/* Adds dir/name to l unless it exists and is not a regular file (a path
 * that cannot be examined is kept so that reading it reports why). */
static cc_error list_add(cc_strv *l, const char *dir, const char *name)
{
    const char *sep = has_suffix(dir, "/") ? "" : "/";
    char *p = cc_strcat_n(dir, sep, name, NULL);
    struct stat st;
    if (!p)
        return CC_ERROR_MEMORY;
    if (stat(p, &st) == 0 && !S_ISREG(st.st_mode)) {
        free(p);
        return CC_OK;
    }
    if (!CC_VEC_PUSH(*l, p)) {
        free(p);
        return CC_ERROR_MEMORY;
    }
    return CC_OK;
}

/* Lists dir's article files into l (paths, sorted; l owns them). */
static cc_error list_dir(ingest_run *run, const char *dir, cc_strv *l)
{
    cc_strv names = {0};
    cc_error err = cc_dir_names(dir, is_article_name, &names);
    if (err == CC_ERROR_INPUT)
        cc_diagf(run->diag, run->dud, "%s: cannot read: %s", dir, strerror(errno));
    for (size_t i = 0; err == CC_OK && i < names.n; i++)
        err = list_add(l, dir, names.v[i]);
    cc_strv_free(&names);
    return err;
}

/* Ingests every article file of dir in byte order of name. */
static cc_error ingest_dir(ingest_run *run, const char *dir)
{
    cc_strv l = {0};
    cc_error err = list_dir(run, dir, &l);
    if (err == CC_OK && l.n == 0) {
        cc_diagf(run->diag, run->dud, "%s: no *.txt or *.md articles in directory", dir);
        err = CC_ERROR_INPUT;
    }
    for (size_t i = 0; i < l.n && err == CC_OK; i++)
        err = ingest_file(run, l.v[i]);
    cc_strv_free(&l);
    return absorb(run, err);
}

/* ---- NDJSON ---- */

/* The record fields ingest reads: each key, its length and where its
 * value goes in a cc_nd_record, all three from the member's name so that
 * they cannot disagree. One table for both parsers. */
#define ND_FIELD(m) #m, sizeof #m - 1, offsetof(cc_nd_record, m)
static const struct nd_field {
    const char *key;
    size_t len;
    size_t off;
} nd_fields[] = {{ND_FIELD(id)},     {ND_FIELD(text)}, {ND_FIELD(title)},
                 {ND_FIELD(outlet)}, {ND_FIELD(url)},  {ND_FIELD(published)}};
#define ND_N_FIELDS (sizeof nd_fields / sizeof *nd_fields)

/* rec's value for field f (a pointer into rec). */
static cc_nd_value *nd_field(cc_nd_record *rec, const struct nd_field *f)
{
    return (cc_nd_value *)((char *)rec + f->off);
}

/* rec's field for key k[0:n), or NULL when ingest does not read that key. */
static cc_nd_value *nd_slot(cc_nd_record *rec, const char *k, size_t n)
{
    for (const struct nd_field *f = nd_fields; f < nd_fields + ND_N_FIELDS; f++)
        if (f->len == n && memcmp(f->key, k, n) == 0)
            return nd_field(rec, f);
    return NULL;
}

/* One jansson value as a cc_nd_value (its string stays jansson's). */
static cc_nd_value nd_from_json(const json_t *v)
{
    cc_nd_value r = {CC_ND_ABSENT, NULL, 0, 0};
    if (!v)
        return r;
    r.kind = json_is_null(v) ? CC_ND_NULL : CC_ND_OTHER;
    if (json_is_string(v)) {
        r.kind = CC_ND_STRING;
        r.s = json_string_value(v);
        r.len = json_string_length(v);
    } else if (json_is_integer(v)) {
        r.kind = CC_ND_INTEGER;
        r.i = json_integer_value(v);
    }
    return r;
}

/* Fills rec from jansson's reading of a line (see ingest.h). */
void cc_ndjson_from_jansson(const json_t *obj, cc_nd_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->object = json_is_object(obj);
    for (const struct nd_field *f = nd_fields; rec->object && f < nd_fields + ND_N_FIELDS; f++)
        *nd_field(rec, f) = nd_from_json(json_object_get(obj, f->key));
}

/* The fast reader's place in one line: input left in p..end, decoded
 * strings written at o (the arena has room for the whole line), and the
 * keys seen so far (duplicates are jansson's to reject). */
#define ND_MAX_KEYS 16
typedef struct nd_parser {
    const char *p, *end;
    char *o;
    size_t n_keys;
    const char *keys[ND_MAX_KEYS];
    size_t key_len[ND_MAX_KEYS];
} nd_parser;

/* Skips JSON whitespace (space, tab, LF, CR). */
static void nd_ws(nd_parser *ps)
{
    while (ps->p < ps->end && (is_blank(*ps->p) || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Skips whitespace and then c; false (nothing consumed but the
 * whitespace) when c does not come next. */
static bool nd_eat(nd_parser *ps, char c)
{
    nd_ws(ps);
    if (ps->p == ps->end || *ps->p != c)
        return false;
    ps->p++;
    return true;
}

/* Length of the run at s[0:n) of ASCII that a JSON string holds as it
 * is (no escape, see cc_json_escaped). Eight at a time. */
static size_t nd_plain(const char *s, size_t n)
{
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if ((w & CC_WORD_HIGHS) || cc_word_json_escaped(w))
            break;
    }
    while (i < n && (unsigned char)s[i] < 0x80 && !cc_json_escaped((unsigned char)s[i]))
        i++;
    return i;
}

/* Reads 4 hex digits at p (4 bytes before end are checked) into *v. */
static bool nd_hex4(const char *p, const char *end, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++, p++) {
        if (p == end)
            return false;
        char c = *p;
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16;
        if (d == 16)
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

/* Writes code point cp (no surrogate, at most U+10FFFF) as UTF-8 at o;
 * returns the end. */
static char *nd_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes \uXXXX at ps->p (just past the 'u'), taking a surrogate pair
 * together; false for a lone surrogate or bad digits (jansson's call). */
static bool nd_unicode(nd_parser *ps)
{
    unsigned cp, lo;
    if (!nd_hex4(ps->p, ps->end, &cp))
        return false;
    ps->p += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return false;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
            !nd_hex4(ps->p + 2, ps->end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return false;
        ps->p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    ps->o = nd_utf8(ps->o, cp);
    return true;
}

/* Decodes the escape at ps->p (its backslash) into the arena. */
static bool nd_escape(nd_parser *ps)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (++ps->p == ps->end)
        return false;
    char c = *ps->p++;
    if (c == 'u')
        return nd_unicode(ps);
    const char *at = memchr(from, c, sizeof from - 1);
    if (!at)
        return false;
    *ps->o++ = to[at - from];
    return true;
}

/* Copies the non-ASCII sequence at ps->p into the arena; false when it is
 * not well-formed UTF-8 (jansson rejects it too). */
static bool nd_utf8_copy(nd_parser *ps)
{
    bool ok;
    size_t m = utf8_span((const unsigned char *)ps->p, (size_t)(ps->end - ps->p), &ok);
    if (!ok)
        return false;
    memcpy(ps->o, ps->p, m);
    ps->o += m;
    ps->p += m;
    return true;
}

/* Decodes a JSON string at ps->p (just past its opening quote) into the
 * arena, NUL-terminated, as s[0:len). False for a control character,
 * invalid UTF-8, a bad escape or no closing quote. */
static bool nd_string(nd_parser *ps, const char **s, size_t *len)
{
    *s = ps->o;
    for (;;) {
        size_t k = nd_plain(ps->p, (size_t)(ps->end - ps->p));
        memcpy(ps->o, ps->p, k);
        ps->o += k;
        ps->p += k;
        if (ps->p == ps->end || (unsigned char)*ps->p < 0x20)
            return false;
        if (*ps->p == '"')
            break;
        if (!(*ps->p == '\\' ? nd_escape(ps) : nd_utf8_copy(ps)))
            return false;
    }
    ps->p++;
    *len = (size_t)(ps->o - *s);
    *ps->o++ = '\0';
    return true;
}

/* Reads an integer of at most 18 digits (no leading zero) into *v. */
static bool nd_integer(nd_parser *ps, long long *v)
{
    const char *p = ps->p;
    bool neg = p < ps->end && *p == '-';
    p += neg;
    size_t d = 0;
    while (p + d < ps->end && p[d] >= '0' && p[d] <= '9' && d <= 18)
        d++;
    if (d == 0 || d > 18 || (d > 1 && p[0] == '0'))
        return false; /* jansson: leading zero or out of range */
    long long x = 0;
    for (size_t i = 0; i < d; i++)
        x = x * 10 + (p[i] - '0');
    ps->p = p + d;
    *v = neg ? -x : x;
    return true;
}

/* Consumes the literal word (null, true, false) when it is at ps->p;
 * false, consuming nothing, when it is not. */
static bool nd_word(nd_parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return false;
    ps->p += n;
    return true;
}

/* Reads one member value into v (NULL: a key ingest ignores). What
 * follows it is checked by the caller, so "1.5" or "nullx" fail there. */
static bool nd_value(nd_parser *ps, cc_nd_value *v)
{
    cc_nd_value ignored;
    v = v ? v : &ignored;
    nd_ws(ps);
    if (ps->p == ps->end)
        return false;
    if (*ps->p == '"') {
        ps->p++;
        v->kind = CC_ND_STRING;
        return nd_string(ps, &v->s, &v->len);
    }
    v->kind = CC_ND_NULL;
    if (nd_word(ps, "null"))
        return true;
    v->kind = CC_ND_OTHER;
    if (nd_word(ps, "true") || nd_word(ps, "false"))
        return true;
    v->kind = CC_ND_INTEGER;
    return nd_integer(ps, &v->i);
}

/* Notes key k[0:n); false when it was seen before or there are too many. */
static bool nd_new_key(nd_parser *ps, const char *k, size_t n)
{
    for (size_t i = 0; i < ps->n_keys; i++)
        if (ps->key_len[i] == n && memcmp(ps->keys[i], k, n) == 0)
            return false;
    if (ps->n_keys == ND_MAX_KEYS)
        return false;
    ps->keys[ps->n_keys] = k;
    ps->key_len[ps->n_keys++] = n;
    return true;
}

/* Reads one "key": value member into rec. A key holding NUL is jansson's
 * to reject. */
static bool nd_member(nd_parser *ps, cc_nd_record *rec)
{
    const char *k;
    size_t n;
    if (!nd_eat(ps, '"') || !nd_string(ps, &k, &n) || memchr(k, '\0', n) || !nd_new_key(ps, k, n) ||
        !nd_eat(ps, ':'))
        return false;
    return nd_value(ps, nd_slot(rec, k, n));
}

/* The fast reading of a common NDJSON line (see ingest.h): jansson spends
 * ~140 instructions a byte on article text, this ~2. */
bool cc_ndjson_fast(const char *line, size_t n, cc_buf *arena, cc_nd_record *rec)
{
    memset(rec, 0, sizeof *rec);
    cc_buf_reset(arena);
    char *o = cc_buf_room(arena, n); /* decoding never grows a string */
    if (!o)
        return false;
    nd_parser ps = {line, line + n, o, 0, {NULL}, {0}};
    if (!nd_eat(&ps, '{'))
        return false;
    if (!nd_eat(&ps, '}')) {
        do
            if (!nd_member(&ps, rec))
                return false;
        while (nd_eat(&ps, ','));
        if (!nd_eat(&ps, '}'))
            return false;
    }
    nd_ws(&ps);
    rec->object = ps.p == ps.end;
    return rec->object;
}

/* Gets the record's id: a non-empty string or an integer, as a new string
 * in *id (caller frees). Reports and returns CC_ERROR_INPUT otherwise. */
static cc_error ndjson_id(const cc_nd_value *v, char **id, const reporter *rep)
{
    if (v->kind == CC_ND_INTEGER)
        *id = cc_strfmt("%lld", v->i);
    else if (v->kind == CC_ND_STRING && v->len > 0)
        *id = cc_strdup(v->s);
    else {
        cc_diagf(rep->diag, rep->dud, "%s: missing, empty or non-string \"id\"", rep->path);
        return CC_ERROR_INPUT;
    }
    return *id ? CC_OK : CC_ERROR_MEMORY;
}

/* Copies the optional string field key (value v) into *slot (replacing
 * it); null, empty or absent fields are skipped, other types reported. */
static cc_error ndjson_str(const cc_nd_value *v, const char *key, char **slot, const reporter *rep)
{
    if (v->kind == CC_ND_ABSENT || v->kind == CC_ND_NULL ||
        (v->kind == CC_ND_STRING && v->len == 0))
        return CC_OK;
    if (v->kind != CC_ND_STRING) {
        cc_diagf(rep->diag, rep->dud, "%s: ignored non-string \"%s\"", rep->path, key);
        return CC_OK;
    }
    return replace_str(slot, v->s, strlen(v->s));
}

/* Applies the record's optional fields to a; they override what the text
 * itself said (front matter, header date line). */
static cc_error ndjson_fields(cc_article *a, const cc_nd_record *rec, const reporter *rep)
{
    cc_error err = ndjson_str(&rec->title, "title", &a->title, rep);
    if (err == CC_OK)
        err = ndjson_str(&rec->outlet, "outlet", &a->outlet, rep);
    if (err == CC_OK)
        err = ndjson_str(&rec->url, "url", &a->url, rep);
    const cc_nd_value *pub = &rec->published;
    if (err != CC_OK || pub->kind == CC_ND_ABSENT || pub->kind == CC_ND_NULL)
        return err;
    if (pub->kind != CC_ND_STRING)
        cc_diagf(rep->diag, rep->dud, "%s: ignored non-string \"published\"", rep->path);
    else if (!set_published(a, pub->s))
        cc_diagf(rep->diag, rep->dud, "%s: ignored unparsable \"published\" value '%s'", rep->path,
                 pub->s);
    return CC_OK;
}

/* Builds and delivers the article of one parsed record (path "file:line"). */
static cc_error ndjson_record(ingest_run *run, const cc_nd_record *rec, const char *path)
{
    reporter rep = {path, run->diag, run->dud};
    char *id = NULL;
    cc_article a;
    cc_error err = rec->object ? CC_OK : CC_ERROR_INPUT;
    if (err != CC_OK)
        cc_diagf(run->diag, run->dud, "%s: not a JSON object", path);
    else if (rec->text.kind != CC_ND_STRING) {
        cc_diagf(run->diag, run->dud, "%s: missing or non-string \"text\"", path);
        err = CC_ERROR_INPUT;
    }
    if (err == CC_OK)
        err = ndjson_id(&rec->id, &id, &rep);
    if (err == CC_OK)
        err = ingest_text(id, rec->text.s, rec->text.len, true, &a, &rep);
    free(id);
    if (err != CC_OK)
        return err;
    err = ndjson_fields(&a, rec, &rep);
    if (err != CC_OK) {
        cc_article_clear(&a);
        return err;
    }
    return deliver(run, &a);
}

/* Reads line ln (n bytes) of the NDJSON stream name into rec: the fast
 * reader when it can, else jansson, whose object (*obj, caller decrefs)
 * then holds rec's strings. CC_ERROR_INPUT (reported) for invalid JSON. */
static cc_error ndjson_parse(ingest_run *run, const char *name, size_t ln, const char *line,
                             size_t n, cc_nd_record *rec, json_t **obj)
{
    *obj = NULL;
    if (cc_ndjson_fast(line, n, &run->arena, rec))
        return CC_OK;
    json_error_t jerr;
    *obj = json_loadb(line, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &jerr);
    if (!*obj && json_error_code(&jerr) == json_error_out_of_memory)
        return CC_ERROR_MEMORY;
    if (!*obj) {
        cc_diagf(run->diag, run->dud, "%s:%zu: invalid JSON: %s", name, ln, jerr.text);
        return CC_ERROR_INPUT;
    }
    cc_ndjson_from_jansson(*obj, rec);
    return CC_OK;
}

/* Parses line ln (n bytes) of the NDJSON stream name and ingests its
 * record; blank lines are skipped. */
static cc_error ndjson_line(ingest_run *run, const char *name, size_t ln, const char *line,
                            size_t n)
{
    if (ln == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        n -= 3;
    }
    if (all_space(line, n))
        return CC_OK;
    cc_nd_record rec;
    json_t *obj;
    cc_error err = ndjson_parse(run, name, ln, line, n, &rec, &obj);
    if (err != CC_OK)
        return absorb(run, err);
    char *path = cc_strfmt("%s:%zu", name, ln);
    err = path ? ndjson_record(run, &rec, path) : CC_ERROR_MEMORY;
    free(path);
    json_decref(obj);
    return absorb(run, err);
}

/* Ingests an NDJSON stream line by line (one line in memory at a time);
 * name is used in messages. */
static cc_error ingest_ndjson(ingest_run *run, FILE *f, const char *name)
{
    char *line = NULL;
    size_t cap = 0, ln = 0;
    ssize_t n;
    cc_error err = CC_OK;
    errno = 0;
    while (err == CC_OK && (n = getline(&line, &cap, f)) >= 0) {
        err = ndjson_line(run, name, ++ln, line, (size_t)n);
        errno = 0;
    }
    if (err == CC_OK && !feof(f)) {
        if (errno == ENOMEM)
            err = CC_ERROR_MEMORY;
        else {
            cc_diagf(run->diag, run->dud, "%s: cannot read: %s", name,
                     strerror(errno ? errno : EIO));
            err = absorb(run, CC_ERROR_INPUT);
        }
    }
    free(line);
    return err;
}

/* Opens and ingests an NDJSON file. */
static cc_error ingest_ndjson_file(ingest_run *run, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cc_diagf(run->diag, run->dud, "%s: cannot read: %s", path, strerror(errno));
        return absorb(run, CC_ERROR_INPUT);
    }
    cc_error err = ingest_ndjson(run, f, path);
    fclose(f);
    return err;
}

/* ---- entry point ---- */

/* Dispatches path by kind: directory, NDJSON file or text article. */
static cc_error ingest_any(ingest_run *run, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cc_diagf(run->diag, run->dud, "%s: %s", path, strerror(errno));
        return absorb(run, CC_ERROR_INPUT);
    }
    if (S_ISDIR(st.st_mode))
        return ingest_dir(run, path);
    if (has_suffix(path, ".ndjson") || has_suffix(path, ".jsonl"))
        return ingest_ndjson_file(run, path);
    return ingest_file(run, path);
}

/* Reads path into articles handed to sink; see ingest.h. */
cc_error cc_ingest_path(const char *path, cc_article_sink sink, void *ud, cc_diag_fn diag,
                        void *dud)
{
    ingest_run run = {sink, ud, diag, dud, false, {0}, {0}};
    cc_error err =
        strcmp(path, "-") == 0 ? ingest_ndjson(&run, stdin, "<stdin>") : ingest_any(&run, path);
    cc_buf_free(&run.arena);
    cc_buf_free(&run.raw);
    if (err == CC_OK && run.rejected)
        err = CC_ERROR_INPUT;
    return err;
}
