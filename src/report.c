/* report.c: stage 7, the editors' Excel workbook (see report.h).
 *
 * Sheets, in order: Summary (with a findings-by-category chart), Findings,
 * Matrix (facts x sources: who says what), Claims, Sources. The workbook is
 * written in libxlsxwriter's constant_memory mode so that a 100,000-claim
 * cluster stays in bounded memory: each sheet is written strictly top to
 * bottom, one row at a time. Everything that needs look-ahead (the finding
 * order, per-article counts, the number of value columns, the Matrix rows
 * and columns) is computed first into small index arrays. In 1.1.4 rich
 * strings, hyperlinks, data validation, conditional formats, charts,
 * autofilters and frozen panes all work in that mode; merged cells and
 * tables do not and are not used.
 *
 * Speed: libxlsxwriter 1.1.4 writes every rich string through a temporary
 * file of its own (open, write, read back, close: about 40 us each), in any
 * mode. Only the first HIGHLIGHT_MAX sentences of the workbook (Findings
 * first, then Claims) are rich strings with the claim in red; later ones are
 * plain text, and the Summary says so. See docs/benchmarks.md.
 *
 * Safety: every text cell goes through cell_text() (and put_sentence() for
 * rich strings), which makes the text valid, XML-safe UTF-8 and cuts it to
 * Excel's 32,767-character cell limit; it is then written with
 * worksheet_write_string / _rich_string / _url_opt, never as a formula,
 * whatever it starts with.
 *
 * Errors are sticky: the first libxlsxwriter or allocation error is kept in
 * report.err and every later write becomes a no-op.
 */

#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "output.h"
#include "util.h"

#define CELL_MAX 32767u         /* Excel's characters (UTF-16 units) per cell */
#define ROW_MAX 1048576u        /* Excel's rows per sheet, header included */
#define URL_MAX 2079u           /* Excel's hyperlink length */
#define SLOTS_MAX 4u            /* competing values shown per finding */
#define VALUES_MAX 6u           /* distinct claim texts listed per value cell */
#define TOP_MAX 10u             /* findings listed on the Summary */
#define RESOLVED_MAX 1000u      /* resolved findings listed on the Summary */
#define HIGHLIGHT_MAX 10000u    /* sentences written as rich strings (see top) */
#define MATRIX_SOURCES_MAX 250u /* source columns on the Matrix */
#define MATRIX_HEAD 2u          /* Matrix rows above its header: the notes */
#define TEMP_TRIES 100u         /* temp names tried before giving up */
#define COLS_MAX 24u            /* columns of the widest sheet (Findings: 19) */
#define LINE_PT 15.0            /* row height per wrapped line, in points */
#define LINES_MAX 27u           /* 27 lines of 15 pt: Excel's 409 pt row limit */
/* The limit for a rich string's text: libxlsxwriter counts its XML tags too
 * (about 260 characters for 3 fragments). */
#define RICH_MAX (CELL_MAX - 512u)
#define CREATED ((time_t)1704067200) /* 2024-01-01T00:00:00Z: identical bytes */
#define NEW_MARK "new"
#define ELLIPSIS "\xE2\x80\xA6"
#define REPLACEMENT "\xEF\xBF\xBD"

/* A finding's sort key: severity, category, id, then position. */
typedef struct fkey {
    unsigned sev, cat;
    const char *id; /* borrowed from the cluster */
    size_t idx;
} fkey;

/* A table column: header text, width in characters, and whether it holds
 * numbers (centred, like its header). */
typedef struct column {
    const char *head;
    double width;
    bool num;
} column;

/* A byte range of an article body (not NUL-terminated). */
typedef struct piece {
    const char *s;
    size_t n;
} piece;

/* A claim's sentence and the claim inside it, as byte offsets into its
 * article body, clamped so that ss <= cs <= ce <= se <= body_len. */
typedef struct span {
    size_t ss, cs, ce, se;
} span;

/* A resolved finding's sort key: severity rank, category, id, position. */
typedef struct rkey {
    unsigned sev;
    const char *cat, *id; /* borrowed from the cluster */
    size_t idx;
} rkey;

/* A Matrix row's sort key: verdict rank, group key, then position. */
typedef struct mkey {
    unsigned rank;
    const char *key; /* borrowed from the cluster */
    size_t idx;
} mkey;

/* A source's Matrix ranking: how many shown facts it reports. */
typedef struct srank {
    size_t facts, idx;
} srank;

/* Distinct claim texts being composed into one cell, "; " apart: at most
 * VALUES_MAX, then "+N more". */
typedef struct values {
    cc_buf *out;            /* borrowed: the cell's text */
    piece seen[VALUES_MAX]; /* the texts in it, borrowed from article bodies */
    size_t n, more;         /* texts in it, texts left out */
} values;

/* The Matrix cell of one source column in the row being written. */
typedef struct mcell {
    cc_buf text;  /* owned; v.out points here */
    values v;     /* what text holds */
    size_t stamp; /* row stamp when it was last started */
} mcell;

/* One report run. Owns everything below except cl and what wb owns; freed by
 * report_free, the single cleanup path. */
typedef struct report {
    const cc_cluster *cl;                                          /* borrowed */
    lxw_workbook *wb;                                              /* owned until workbook_close */
    lxw_worksheet *summary, *findings, *matrix, *claims, *sources; /* owned by wb */
    lxw_format *title, *section, *head, *head_num, *cell, *num, *wrap, *mark, *link, *note;
    lxw_format *bold, *grey, *fact;
    lxw_format *sev[CC_SEV_MAX];   /* formats: owned by wb */
    lxw_format *verdict[CC_V_MAX]; /* Matrix cells by group verdict; owned by wb */
    double width[COLS_MAX];        /* column widths of the sheet being written */
    double width_rest;             /* width of the columns from COLS_MAX on */
    size_t lines;                  /* wrapped lines of the tallest cell in the row */
    fkey *order;                   /* findings, most severe first; owned */
    cc_tally tally;                /* the Summary's counts */
    size_t *art_claims;            /* claims per article; owned */
    size_t *art_findings;          /* findings citing each article; owned */
    size_t *seen;                  /* per-article stamps for distinct counts; owned */
    size_t stamp;                  /* last stamp handed out */
    size_t slots;                  /* Value/Source/Sentence column groups (1..4) */
    size_t finding_sentences;      /* sentence cells on the Findings sheet */
    size_t highlights;             /* rich-string sentences still allowed */
    rkey *resolved;                /* cl->resolved, most severe first; owned */
    mkey *mrows;                   /* groups on the Matrix, in row order; owned */
    size_t n_mrows, left_out;      /* Matrix rows; groups left out of it */
    size_t *mcol;                  /* per article: its Matrix source column or CC_NONE; owned */
    size_t *msrc;                  /* articles of the source columns, in order; owned */
    size_t n_msrc;                 /* source columns */
    mcell *mcells;                 /* one per source column; owned */
    size_t *touched;               /* source columns filled in the current row; owned */
    size_t n_touched;              /* how many */
    char *tmp;                     /* temp output file; owned */
    char *dir;                     /* output directory, libxlsxwriter's tmpdir; owned */
    cc_buf text;                   /* cleaned text of the cell being written; owned */
    cc_buf join;                   /* text being composed for a cell; owned */
    cc_buf frag[3];                /* sentence before / claim / after; owned */
    lxw_error err;                 /* first error; sticky */
} report;

/* The Claims and Sources sheets' columns, in order. */
static const column claim_cols[] = {{"Claim id", 14, false},
                                    {"Article", 10, false},
                                    {"Class", 8, false},
                                    {"Kind", 12, false},
                                    {"Key", 18, false},
                                    {"Value", 8, true},
                                    {"Lo", 8, true},
                                    {"Hi", 8, true},
                                    {"Qualifier", 10, false},
                                    {"Change", 9, false},
                                    {"Unit", 10, false},
                                    {"Date/TIMEX", 11, false},
                                    {"Attribution", 14, false},
                                    {"Group verdict", 12, false},
                                    {"Text", 14, false},
                                    {"Sentence", 50, false}};

static const column source_cols[] = {{"Article id", 14, false}, {"Outlet", 16, false},
                                     {"Title", 36, false},      {"URL", 40, false},
                                     {"Published", 11, false},  {"Date from", 10, false},
                                     {"Claims", 8, true},       {"Findings", 9, true}};

/* ---- small helpers ------------------------------------------------------ */

/* Records the first error; later ones are dropped. */
static void check(report *r, lxw_error e)
{
    if (r->err == LXW_NO_ERROR)
        r->err = e;
}

/* v limited to [lo, hi]. */
static size_t clamp(size_t v, size_t lo, size_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The smaller of a and b. */
static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Three-way comparison of a and b, for the qsort comparators. */
static int cmp_size(size_t a, size_t b)
{
    return a < b ? -1 : a > b;
}

/* strcmp with NULL read as "", for the qsort comparators. */
static int cmp_opt_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* Claim idx of the cluster, or NULL when idx or its article is out of range. */
static const cc_claim *claim_at(const cc_cluster *cl, size_t idx)
{
    if (idx >= cl->claims.n)
        return NULL;
    const cc_claim *c = &cl->claims.v[idx];
    return c->article < cl->articles.n ? c : NULL;
}

/* An article's display name: its outlet, or its id when there is none. */
static const char *article_name(const cc_article *a)
{
    if (a->outlet && *a->outlet)
        return a->outlet;
    return a->id ? a->id : "";
}

/* Clamps claim c's offsets to a body of n bytes; an empty or missing
 * sentence becomes the claim itself. */
static span claim_span(const cc_claim *c, size_t n)
{
    span s;
    s.se = min_size(c->sent_end, n);
    s.ss = min_size(c->sent_start, s.se);
    if (s.ss == s.se) {
        s.ss = min_size(c->start, n);
        s.se = clamp(c->end, s.ss, n);
    }
    s.cs = clamp(c->start, s.ss, s.se);
    s.ce = clamp(c->end, s.cs, s.se);
    return s;
}

/* Claim c's own text, body[start:end) clamped to its article's body. */
static piece claim_piece(const cc_cluster *cl, const cc_claim *c)
{
    const cc_article *a = &cl->articles.v[c->article];
    if (!a->body)
        return (piece){"", 0};
    size_t s = min_size(c->start, a->body_len);
    return (piece){a->body + s, clamp(c->end, s, a->body_len) - s};
}

/* True when p's bytes equal one of seen[0:n). */
static bool piece_in(const piece *seen, size_t n, piece p)
{
    for (size_t i = 0; i < n; i++)
        if (seen[i].n == p.n && memcmp(seen[i].s, p.s, p.n) == 0)
            return true;
    return false;
}

/* ---- text cleaning ------------------------------------------------------ */

/* Decodes the UTF-8 sequence at s (n > 0 bytes available) into *cp; returns
 * its length, or 0 when it is invalid (overlong, surrogate, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80   ? 1
                 : s[0] < 0xC2 ? 0
                 : s[0] < 0xE0 ? 2
                 : s[0] < 0xF0 ? 3
                 : s[0] < 0xF5 ? 4
                               : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = len == 1 ? s[0] : s[0] & (0x3Fu >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3Fu);
    }
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* True when code point c may appear in XML 1.0 text. */
static bool xml_char(uint32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    return c != 0xFFFE && c != 0xFFFF;
}

/* True when s (n bytes) starts with Excel's "_xHHHH_" character escape. */
static bool excel_escape_at(const char *s, size_t n)
{
    if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
        return false;
    for (size_t i = 2; i < 6; i++)
        if (!strchr("0123456789abcdefABCDEF", s[i]))
            return false;
    return true;
}

/* Appends s[0:n) to b as valid, XML-safe UTF-8: invalid bytes and control
 * characters become U+FFFD, and a literal "_xHHHH_" gets its underscore
 * escaped so that Excel shows the article's text and not a decoded escape. */
static void text_clean(cc_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = i; /* plain printable ASCII is copied in one go */
        while (run < n && s[run] >= 0x20 && s[run] < 0x7F && s[run] != '_')
            run++;
        cc_buf_add(b, s + i, run - i);
        if ((i = run) == n)
            break;
        uint32_t c = 0;
        size_t len = utf8_decode((const unsigned char *)s + i, n - i, &c);
        if (len == 0 || !xml_char(c))
            cc_buf_puts(b, REPLACEMENT);
        else if (excel_escape_at(s + i, n - i))
            cc_buf_puts(b, "_x005F_");
        else
            cc_buf_add(b, s + i, len);
        i += len ? len : 1;
    }
}

/* Cell-limit weight of byte c of a UTF-8 string: the UTF-16 units of the
 * character it starts (0 for continuation bytes), as Excel counts; with xml,
 * '&', '<' and '>' weigh their XML escapes, because libxlsxwriter checks a
 * rich string's XML (tags included) against the limit. */
static size_t unit_weight(unsigned char c, bool xml)
{
    if ((c & 0xC0) == 0x80)
        return 0;
    if (c >= 0xF0)
        return 2;
    if (xml && (c == '&' || c == '<' || c == '>'))
        return c == '&' ? 5 : 4;
    return 1;
}

/* Weight of valid UTF-8 s[0:n) (see unit_weight). */
static size_t utf8_units(const char *s, size_t n, bool xml)
{
    size_t units = 0;
    for (size_t i = 0; i < n; i++)
        units += unit_weight((unsigned char)s[i], xml);
    return units;
}

/* Byte length of the longest prefix of valid UTF-8 s[0:n) within max. */
static size_t utf8_head(const char *s, size_t n, size_t max, bool xml)
{
    size_t units = 0, i = 0;
    for (; i < n; i++) {
        size_t u = unit_weight((unsigned char)s[i], xml);
        if (units + u > max)
            break;
        units += u;
    }
    return i;
}

/* Start of the longest suffix of valid UTF-8 s[0:n) within max. */
static size_t utf8_tail(const char *s, size_t n, size_t max, bool xml)
{
    size_t units = 0, i = n;
    for (; i > 0; i--) {
        size_t u = unit_weight((unsigned char)s[i - 1], xml);
        if (units + u > max)
            break;
        units += u;
    }
    while (i < n && unit_weight((unsigned char)s[i], xml) == 0)
        i++; /* drop continuation bytes of a character that did not fit */
    return i;
}

/* Cleans s[0:n) into r->text and cuts it to the cell limit. Returns the text
 * (owned by r->text, valid until the next call) or NULL when it is empty or
 * memory ran out (then r->err is set). */
static const char *cell_text(report *r, const char *s, size_t n)
{
    cc_buf_reset(&r->text);
    if (s)
        text_clean(&r->text, s, n);
    if (r->text.oom) {
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    cc_buf_cut(&r->text, utf8_head(r->text.p, r->text.len, CELL_MAX, false));
    return r->text.len ? r->text.p : NULL;
}

/* ---- row heights ----------------------------------------------------------- */

/* True for the formats that wrap text (their rows grow to fit). */
static bool is_wrapped(const lxw_format *fmt)
{
    return fmt && fmt->text_wrap;
}

/* Wrapped lines that a paragraph of units characters takes in column col.
 * LibreOffice does not size rows to wrapped text on import, so rows get an
 * estimate: about 1.2 characters per width unit (Calibri 11), less 3 per
 * line lost to word wrap once the text wraps. */
static size_t paragraph_lines(const report *r, lxw_col_t col, size_t units)
{
    double width = col < COLS_MAX ? r->width[col] : r->width_rest;
    width = width > 0 ? width : 8.43;
    size_t fit = (size_t)(width * 1.2), per_line = fit > 6 ? fit - 3 : 3;
    return units <= fit ? 1 : (units + per_line - 1) / per_line;
}

/* Raises the current row's line count to lines. */
static void note_height(report *r, size_t lines)
{
    r->lines = lines > r->lines ? lines : r->lines;
}

/* Records that column col of the current row holds units characters in
 * newlines + 1 paragraphs (counted as one long paragraph and the breaks). */
static void note_lines(report *r, lxw_col_t col, size_t units, size_t newlines)
{
    note_height(r, paragraph_lines(r, col, units) + newlines);
}

/* Line breaks in s[0:n). */
static size_t count_newlines(const char *s, size_t n)
{
    size_t newlines = 0;
    for (size_t i = 0; i < n; i++)
        newlines += s[i] == '\n';
    return newlines;
}

/* Records the lines of valid UTF-8 s[0:n) in column col, one paragraph at a
 * time (a short label over a long key wraps less than their sum). */
static void note_text(report *r, lxw_col_t col, const char *s, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i <= n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        lines += paragraph_lines(r, col, utf8_units(s + i, end - i, false));
        i = end + 1;
    }
    note_height(r, lines);
}

/* Finishes a row: gives it the height of its tallest wrapped cell. In
 * constant_memory mode this must happen before the next row is started. */
static void end_row(report *r, lxw_worksheet *ws, lxw_row_t row)
{
    size_t lines = r->lines < LINES_MAX ? r->lines : LINES_MAX;
    if (lines > 1 && !r->err)
        check(r, worksheet_set_row(ws, row, LINE_PT * (double)lines, NULL));
    r->lines = 1;
}

/* Sets the width of columns first..last and remembers it for note_lines. */
static void set_widths(report *r, lxw_worksheet *ws, lxw_col_t first, lxw_col_t last, double width)
{
    for (lxw_col_t c = first; c <= last && c < COLS_MAX; c++)
        r->width[c] = width;
    if (last >= COLS_MAX)
        r->width_rest = width;
    check(r, worksheet_set_column(ws, first, last, width, NULL));
}

/* Sets the width of column col and remembers it for note_lines. */
static void set_width(report *r, lxw_worksheet *ws, lxw_col_t col, double width)
{
    set_widths(r, ws, col, col, width);
}

/* ---- cell writers -------------------------------------------------------- */

/* Writes s[0:n) as an inert string cell; empty text writes nothing. */
static void put_text(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                     size_t n, lxw_format *fmt)
{
    if (r->err)
        return;
    const char *t = cell_text(r, s, n);
    if (!t)
        return;
    if (is_wrapped(fmt))
        note_text(r, col, t, r->text.len);
    check(r, worksheet_write_string(ws, row, col, t, fmt));
}

/* put_text for a NUL-terminated string; NULL writes nothing. */
static void put_str(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                    lxw_format *fmt)
{
    if (s)
        put_text(r, ws, row, col, s, strlen(s), fmt);
}

/* put_text for a composed buffer; an allocation failure in it is an error. */
static void put_buf(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const cc_buf *b,
                    lxw_format *fmt)
{
    if (b->oom)
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        put_text(r, ws, row, col, b->p, b->len, fmt);
}

/* Writes a number when has is set and v is finite (Excel has no NaN/inf). */
static void put_num(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, bool has, double v)
{
    if (!r->err && has && isfinite(v))
        check(r, worksheet_write_number(ws, row, col, v, r->num));
}

/* True when url[0:n) starts with prefix, ignoring ASCII case. */
static bool has_prefix_ci(const char *url, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && cc_strcasecmp_n(url, p, prefix, p) == 0;
}

/* True for an http:// or https:// URL (any case) that Excel can store as a
 * link: valid UTF-8 without spaces or control characters, not too long. */
static bool url_is_web(const char *url)
{
    size_t n = strlen(url);
    size_t skip = has_prefix_ci(url, n, "http://") ? 7 : has_prefix_ci(url, n, "https://") ? 8 : 0;
    if (skip == 0 || n == skip || n > URL_MAX)
        return false;
    for (size_t i = 0, len; i < n; i += len) {
        uint32_t c = 0;
        len = utf8_decode((const unsigned char *)url + i, n - i, &c);
        if (len == 0 || c <= 0x20 || c == 0x7F)
            return false;
    }
    return true;
}

/* Writes an http(s) URL as a hyperlink and anything else (javascript:,
 * file:, malformed, or a link libxlsxwriter refuses) as inert text. */
static void put_url(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *url)
{
    if (r->err || !url)
        return;
    if (url_is_web(url)) {
        const char *shown = cell_text(r, url, strlen(url));
        if (shown &&
            worksheet_write_url_opt(ws, row, col, url, r->link, shown, NULL) == LXW_NO_ERROR) {
            note_text(r, col, shown, r->text.len);
            return;
        }
    }
    put_str(r, ws, row, col, url, r->wrap);
}

/* Writes "Findings row N", a link to row target (1-based) of the Findings
 * sheet. It gets a cell of its own: LibreOffice does not wrap link text. */
static void put_link(report *r, lxw_row_t row, lxw_col_t col, size_t target)
{
    char url[64], shown[64];
    snprintf(url, sizeof url, "internal:'Findings'!A%zu", target);
    snprintf(shown, sizeof shown, "Findings row %zu", target);
    if (!r->err)
        check(r, worksheet_write_url_opt(r->summary, row, col, url, r->link, shown, NULL));
}

/* ---- sentences with the claim highlighted ------------------------------- */

/* Keeps the last keep units of b behind an ellipsis (r->text is scratch). */
static void cut_front(report *r, cc_buf *b, size_t keep)
{
    size_t from = utf8_tail(b->p, b->len, keep, true);
    cc_buf_reset(&r->text);
    cc_buf_puts(&r->text, ELLIPSIS);
    cc_buf_add(&r->text, b->p + from, b->len - from);
    cc_buf swap = *b;
    *b = r->text;
    r->text = swap;
}

/* Keeps the first keep units of b followed by an ellipsis. */
static void cut_back(cc_buf *b, size_t keep)
{
    cc_buf_cut(b, utf8_head(b->p, b->len, keep, true));
    cc_buf_puts(b, ELLIPSIS);
}

/* Cuts the three fragments (before, claim, after) to fit one rich string
 * cell (RICH_MAX, weighed as XML): the claim stays, with an even window of
 * context around it; cut ends get an ellipsis, for which room keeps 2. */
static void frag_fit(report *r)
{
    cc_buf *pre = &r->frag[0], *mid = &r->frag[1], *post = &r->frag[2];
    size_t pu = utf8_units(pre->p, pre->len, true), qu = utf8_units(post->p, post->len, true);
    size_t mu = utf8_units(mid->p, mid->len, true);
    if (pu + mu + qu <= RICH_MAX)
        return;
    if (mu > RICH_MAX - 2) {
        cc_buf_cut(mid, utf8_head(mid->p, mid->len, RICH_MAX - 2, true));
        mu = RICH_MAX - 2;
    }
    size_t room = RICH_MAX - 2 - mu;
    size_t keep_pre = min_size(pu, room - min_size(qu, room / 2));
    size_t keep_post = min_size(qu, room - keep_pre);
    if (keep_pre < pu)
        cut_front(r, pre, keep_pre);
    if (keep_post < qu)
        cut_back(post, keep_post);
}

/* Cleans the three fragments of sentence sp of body into r->frag and fits
 * them into one cell; false (and r->err set) when memory ran out. */
static bool frag_build(report *r, const char *body, span sp)
{
    const size_t cut[4] = {sp.ss, sp.cs, sp.ce, sp.se};
    for (size_t i = 0; i < 3; i++) {
        cc_buf_reset(&r->frag[i]);
        text_clean(&r->frag[i], body + cut[i], cut[i + 1] - cut[i]);
    }
    frag_fit(r);
    if (r->frag[0].oom || r->frag[1].oom || r->frag[2].oom || r->text.oom) {
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return false;
    }
    return true;
}

/* Takes one sentence from the highlight budget; true while it lasts. */
static bool take_highlight(report *r)
{
    if (r->highlights == 0)
        return false;
    r->highlights--;
    return true;
}

/* Writes the fitted fragments in r->frag as one plain string cell. They are
 * clean already: going through cell_text again would escape "_x005F_". */
static void put_plain_sentence(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col)
{
    cc_buf_reset(&r->join);
    for (size_t i = 0; i < 3; i++)
        if (r->frag[i].len)
            cc_buf_add(&r->join, r->frag[i].p, r->frag[i].len);
    if (r->join.oom)
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else if (r->join.len)
        check(r, worksheet_write_string(ws, row, col, r->join.p, r->wrap));
}

/* Writes the sentence body[ss:se) with the claim body[cs:ce) in bold red as
 * an inert rich string, or as plain text when rich is false (the highlight
 * budget is spent). libxlsxwriter rejects empty fragments and one-fragment
 * rich strings, so a lone fragment becomes a plain string cell. */
static void put_sentence(report *r, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                         const char *body, span sp, bool rich)
{
    if (r->err || !body || !frag_build(r, body, sp))
        return;
    size_t units = 0, newlines = 0;
    for (size_t i = 0; i < 3; i++) {
        units += utf8_units(r->frag[i].p, r->frag[i].len, false);
        newlines += count_newlines(r->frag[i].p, r->frag[i].len);
    }
    note_lines(r, col, units, newlines);
    if (!rich) {
        put_plain_sentence(r, ws, row, col);
        return;
    }
    lxw_rich_string_tuple t[3];
    lxw_rich_string_tuple *list[4];
    size_t n = 0;
    for (size_t i = 0; i < 3; i++) {
        if (r->frag[i].len == 0)
            continue;
        t[n] = (lxw_rich_string_tuple){.format = i == 1 ? r->mark : NULL, .string = r->frag[i].p};
        list[n] = &t[n];
        n++;
    }
    list[n] = NULL;
    if (n >= 2)
        check(r, worksheet_write_rich_string(ws, row, col, list, r->wrap));
    else if (n == 1)
        check(r,
              worksheet_write_string(ws, row, col, t[0].string, t[0].format ? r->mark : r->wrap));
}

/* ---- workbook set-up ----------------------------------------------------- */

/* Fill and font colours of the Matrix cells by group verdict (0 = none):
 * agree green, conflict red, discrepancy orange, updated yellow. */
static const lxw_color_t verdict_bg[CC_V_MAX] = {0, 0xC6EFCE, 0xFFC7CE, 0xF8CBAD, 0xFFEB9C, 0};
static const lxw_color_t verdict_fg[CC_V_MAX] = {0, 0x006100, 0x9C0006, 0x843C0C, 0x7F6000, 0};

/* Gives a Matrix format a thin border: white between coloured tiles, light
 * grey around uncoloured cells. */
static void tile_border(lxw_format *f, bool filled)
{
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, filled ? 0xFFFFFF : 0xD9D9D9);
}

/* Styles the note, bold, Matrix and verdict formats (see style_formats). */
static void style_more(report *r)
{
    format_set_italic(r->note);
    format_set_font_color(r->note, 0x595959);
    format_set_bold(r->bold);
    format_set_bg_color(r->grey, 0xD9D9D9);
    tile_border(r->grey, true);
    format_set_text_wrap(r->fact);
    tile_border(r->fact, false);
    for (size_t v = 0; v < CC_V_MAX; v++) {
        format_set_text_wrap(r->verdict[v]);
        tile_border(r->verdict[v], verdict_bg[v] != 0);
        if (verdict_bg[v] == 0)
            continue;
        format_set_bg_color(r->verdict[v], verdict_bg[v]);
        format_set_font_color(r->verdict[v], verdict_fg[v]);
    }
}

/* Styles the formats made by add_formats. Severity fills follow Excel's
 * Bad / Neutral styles and a light grey for low. */
static void style_formats(report *r)
{
    format_set_bold(r->title);
    format_set_font_size(r->title, 16);
    format_set_bold(r->section);
    format_set_font_size(r->section, 12);
    lxw_format *heads[] = {r->head, r->head_num};
    for (size_t i = 0; i < 2; i++) {
        format_set_bold(heads[i]);
        format_set_text_wrap(heads[i]);
        format_set_bg_color(heads[i], 0xDDEBF7);
        format_set_bottom(heads[i], LXW_BORDER_THIN);
    }
    format_set_align(r->head_num, LXW_ALIGN_CENTER);
    format_set_align(r->num, LXW_ALIGN_CENTER);
    format_set_text_wrap(r->wrap);
    format_set_text_wrap(r->mark);
    format_set_bold(r->mark);
    format_set_font_color(r->mark, LXW_COLOR_RED);
    format_set_text_wrap(r->link);
    format_set_underline(r->link, LXW_UNDERLINE_SINGLE);
    format_set_font_color(r->link, LXW_COLOR_BLUE);
    static const lxw_color_t bg[CC_SEV_MAX] = {0xFFC7CE, 0xFFEB9C, 0xE7E6E6};
    static const lxw_color_t fg[CC_SEV_MAX] = {0x9C0006, 0x9C5700, 0x3A3838};
    for (size_t i = 0; i < CC_SEV_MAX; i++) {
        format_set_bg_color(r->sev[i], bg[i]);
        format_set_font_color(r->sev[i], fg[i]);
        format_set_bold(r->sev[i]);
    }
    style_more(r);
}

/* Creates every format (all top-aligned) before styling any, so one failed
 * allocation leaves nothing half-built. */
static void add_formats(report *r)
{
    lxw_format **all[] = {&r->title,
                          &r->section,
                          &r->head,
                          &r->head_num,
                          &r->cell,
                          &r->num,
                          &r->wrap,
                          &r->mark,
                          &r->link,
                          &r->note,
                          &r->bold,
                          &r->grey,
                          &r->fact,
                          &r->sev[CC_SEV_HIGH],
                          &r->sev[CC_SEV_MEDIUM],
                          &r->sev[CC_SEV_LOW]};
    size_t n = sizeof all / sizeof *all;
    for (size_t i = 0; i < n + CC_V_MAX; i++) {
        lxw_format **f = i < n ? all[i] : &r->verdict[i - n];
        *f = workbook_add_format(r->wb);
        if (!*f) {
            check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        format_set_align(*f, LXW_ALIGN_VERTICAL_TOP);
    }
    style_formats(r);
}

/* Sets the title and a fixed creation time so equal input gives equal bytes
 * (libxlsxwriter stamps zip members 1980-01-01 itself). */
static void set_properties(report *r)
{
    char title[] = "claimcheck report"; /* the struct wants char *; it copies */
    lxw_doc_properties props = {.title = title, .created = CREATED};
    check(r, workbook_set_properties(r->wb, &props));
}

/* Adds a worksheet; NULL (and r->err set) on failure. */
static lxw_worksheet *add_sheet(report *r, const char *name)
{
    lxw_worksheet *ws = r->err ? NULL : workbook_add_worksheet(r->wb, name);
    if (!ws)
        check(r, LXW_ERROR_CREATING_TMPFILE);
    return ws;
}

/* Landscape, narrow margins, sheet name and page number in the footer. */
static void print_base(report *r, lxw_worksheet *ws)
{
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.5);
    check(r, worksheet_set_footer(ws, "&L&A&RPage &P of &N"));
}

/* print_base, one page wide, and the header row repeated when asked. */
static void print_setup(report *r, lxw_worksheet *ws, bool repeat_head)
{
    print_base(r, ws);
    worksheet_fit_to_pages(ws, 1, 0);
    if (repeat_head)
        check(r, worksheet_repeat_rows(ws, 0, 0));
}

/* Column widths, header row, frozen header, autofilter over nrows data rows
 * and print layout for a table sheet. Call before writing any data row. */
static void table_setup(report *r, lxw_worksheet *ws, const column *cols, size_t ncols,
                        size_t nrows)
{
    for (size_t i = 0; i < ncols; i++) {
        set_width(r, ws, (lxw_col_t)i, cols[i].width);
        put_str(r, ws, 0, (lxw_col_t)i, cols[i].head, cols[i].num ? r->head_num : r->head);
    }
    end_row(r, ws, 0);
    worksheet_freeze_panes(ws, 1, 0);
    check(r, worksheet_autofilter(ws, 0, 0, (lxw_row_t)nrows, (lxw_col_t)(ncols - 1)));
    print_setup(r, ws, true);
}

/* ---- Findings -------------------------------------------------------------- */

/* Fills slot[] with the first claim of each distinct article f cites, at
 * most SLOTS_MAX, in citation order; *more counts the articles left out.
 * When cites is given, cites[a] is raised by one for each article a cited. */
static size_t finding_slots(report *r, const cc_finding *f, size_t slot[SLOTS_MAX], size_t *more,
                            size_t *cites)
{
    size_t n = 0, stamp = ++r->stamp;
    *more = 0;
    for (size_t i = 0; i < f->n_claims; i++) {
        const cc_claim *c = claim_at(r->cl, f->claims[i]);
        if (!c || r->seen[c->article] == stamp)
            continue;
        r->seen[c->article] = stamp;
        if (cites)
            cites[c->article]++;
        if (n < SLOTS_MAX)
            slot[n++] = f->claims[i];
        else
            (*more)++;
    }
    return n;
}

/* The kind label of f's group; NULL when f has no (valid) group. */
static const char *finding_kind(const cc_cluster *cl, const cc_finding *f)
{
    if (f->group >= cl->groups.n)
        return NULL;
    return cc_kind_label(cl->rules, cl->groups.v[f->group].kind);
}

/* The first attribution among f's claims; NULL when none has one. */
static const char *finding_attribution(const cc_cluster *cl, const cc_finding *f)
{
    for (size_t i = 0; i < f->n_claims; i++) {
        const cc_claim *c = claim_at(cl, f->claims[i]);
        if (c && c->attribution)
            return c->attribution;
    }
    return NULL;
}

/* Starts an empty value list writing into out. */
static void values_start(values *v, cc_buf *out)
{
    v->out = out;
    v->n = v->more = 0;
    cc_buf_reset(out);
}

/* Adds text p to the list unless it is empty or already there. */
static void values_add(values *v, piece p)
{
    if (p.n == 0 || piece_in(v->seen, v->n, p))
        return;
    if (v->n == VALUES_MAX) {
        v->more++;
        return;
    }
    if (v->n)
        cc_buf_puts(v->out, "; ");
    cc_buf_add(v->out, p.s, p.n);
    v->seen[v->n++] = p;
}

/* Ends the list: says how many texts were left out. */
static void values_end(values *v)
{
    if (v->more)
        cc_buf_printf(v->out, "; +%zu more", v->more);
}

/* Composes in r->join the distinct non-empty texts of f's claims from
 * article art (see values). */
static void slot_values(report *r, const cc_finding *f, size_t art)
{
    values v;
    values_start(&v, &r->join);
    for (size_t i = 0; i < f->n_claims; i++) {
        const cc_claim *c = claim_at(r->cl, f->claims[i]);
        if (c && c->article == art)
            values_add(&v, claim_piece(r->cl, c));
    }
    values_end(&v);
}

/* Composes in r->join the outlet-or-id of a, then its publication date and
 * "+N more sources" on lines of their own (the column is narrow). */
static void source_label(report *r, const cc_article *a, size_t more)
{
    char day[16];
    cc_buf_reset(&r->join);
    cc_buf_puts(&r->join, article_name(a));
    if (a->published != CC_NO_DAY)
        cc_buf_printf(&r->join, "\n%s", cc_day_format(a->published, day));
    if (more)
        cc_buf_printf(&r->join, "\n+%zu more source%s", more, more == 1 ? "" : "s");
}

/* Writes Value, Source and Sentence from column col for the article of claim
 * idx in f; more counts the articles left out after it. */
static void slot_put(report *r, lxw_row_t row, lxw_col_t col, const cc_finding *f, size_t idx,
                     size_t more)
{
    const cc_claim *c = &r->cl->claims.v[idx];
    const cc_article *a = &r->cl->articles.v[c->article];
    slot_values(r, f, c->article);
    put_buf(r, r->findings, row, col, &r->join, r->wrap);
    source_label(r, a, more);
    put_buf(r, r->findings, row, col + 1, &r->join, r->wrap);
    bool rich = take_highlight(r);
    put_sentence(r, r->findings, row, col + 2, a->body, claim_span(c, a->body_len), rich);
}

/* The Status drop-down labels, in cc_review order; the first is also what
 * an unreviewed finding shows. */
static const char *const statuses[CC_R_MAX] = {"Open", "Confirmed error", "Not an error",
                                               "Needs reporting"};
#define N_STATUSES (sizeof statuses / sizeof *statuses)
#define STATUS_LABEL_MAX 32u /* room for any label above, NUL included */

/* The Status drop-down value for an editor's review (NULL = open). */
static const char *review_status(const char *review)
{
    cc_review v = review ? cc_review_parse(review) : CC_R_OPEN;
    return statuses[v < CC_R_MAX ? v : CC_R_OPEN];
}

/* The format of a severity cell: its severity's colours, or plain. */
static lxw_format *severity_format(report *r, unsigned sev)
{
    return sev < CC_SEV_MAX ? r->sev[sev] : r->cell;
}

/* Writes one Findings row: severity, category, message, kind, one
 * Value/Source/Sentence group per cited article, attribution, the change
 * since the last run (with history), and the editor's status and notes. */
static void findings_row(report *r, lxw_row_t row, const cc_finding *f)
{
    lxw_worksheet *ws = r->findings;
    put_str(r, ws, row, 0, cc_severity_name(f->severity),
            severity_format(r, (unsigned)f->severity));
    put_str(r, ws, row, 1, cc_category_name(f->category), r->cell);
    put_str(r, ws, row, 2, f->message, r->wrap);
    put_str(r, ws, row, 3, finding_kind(r->cl, f), r->wrap);
    size_t slot[SLOTS_MAX], more = 0;
    size_t n = finding_slots(r, f, slot, &more, NULL);
    for (size_t i = 0; i < n; i++)
        slot_put(r, row, (lxw_col_t)(4 + 3 * i), f, slot[i], i + 1 == n ? more : 0);
    lxw_col_t a = (lxw_col_t)(4 + 3 * r->slots);
    put_str(r, ws, row, a++, finding_attribution(r->cl, f), r->wrap);
    if (r->cl->has_history)
        put_str(r, ws, row, a++, f->is_new ? NEW_MARK : NULL, r->bold);
    put_str(r, ws, row, a, review_status(f->review), r->cell);
    put_str(r, ws, row, a + 1, f->review_note, r->wrap);
    end_row(r, ws, row);
}

/* Adds the Status drop-down (the labels of statuses[]) over the n finding
 * rows of column col; its error message lists them too (built in r->join). */
static void status_validation(report *r, lxw_col_t col, size_t n)
{
    char labels[N_STATUSES][STATUS_LABEL_MAX], title[] = "Status";
    char *list[N_STATUSES + 1]; /* the struct wants char *; libxlsxwriter copies */
    cc_buf_reset(&r->join);
    cc_buf_puts(&r->join, "Choose one of: ");
    for (size_t i = 0; i < N_STATUSES; i++) {
        snprintf(labels[i], sizeof labels[i], "%s", statuses[i]);
        list[i] = labels[i];
        cc_buf_printf(&r->join, "%s%s", statuses[i], i + 1 < N_STATUSES ? ", " : ".");
    }
    list[N_STATUSES] = NULL;
    if (r->join.oom) {
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_data_validation dv = {.validate = LXW_VALIDATION_TYPE_LIST, .value_list = list};
    dv.error_title = title;
    dv.error_message = r->join.p;
    if (n > 0)
        check(r, worksheet_data_validation_range(r->findings, 1, col, (lxw_row_t)n, col, &dv));
}

/* Header, widths and drop-down of the Findings sheet. Only as many
 * Value/Source/Sentence groups as the widest finding needs (r->slots, at
 * most 4) are made, so narrow clusters stay readable and printable. */
static void findings_setup(report *r)
{
    column cols[4 + 3 * SLOTS_MAX + 4] = {{"Severity", 8, false},
                                          {"Category", 12, false},
                                          {"Finding", 36, false},
                                          {"Kind", 12, false}};
    char names[3 * SLOTS_MAX][32];
    size_t n = 4;
    for (size_t s = 0; s < r->slots; s++) {
        static const char *const what[3] = {"Value", "Source", "Sentence"};
        static const double width[3] = {12, 14, 40};
        for (size_t k = 0; k < 3; k++, n++) {
            snprintf(names[3 * s + k], sizeof names[0], "%s %u", what[k], (unsigned)(s + 1));
            cols[n] = (column){names[3 * s + k], width[k], false};
        }
    }
    cols[n++] = (column){"Attribution", 14, false};
    if (r->cl->has_history)
        cols[n++] = (column){"Change", 8, false};
    cols[n++] = (column){"Status", 14, false};
    cols[n++] = (column){"Notes", 24, false};
    table_setup(r, r->findings, cols, n, r->cl->findings.n);
    status_validation(r, (lxw_col_t)(n - 2), r->cl->findings.n);
}

/* Writes the Findings sheet, most severe first. */
static void write_findings(report *r)
{
    findings_setup(r);
    for (size_t i = 0; i < r->cl->findings.n && !r->err; i++)
        findings_row(r, (lxw_row_t)(i + 1), &r->cl->findings.v[r->order[i].idx]);
}

/* ---- Matrix ---------------------------------------------------------------- */

/* Rank of a verdict on the Matrix: conflicts first, single-source last. */
static unsigned verdict_rank(cc_verdict v)
{
    static const unsigned rank[CC_V_MAX] = {5, 3, 0, 1, 2, 4}; /* by cc_verdict */
    return (unsigned)v < CC_V_MAX ? rank[v] : CC_V_MAX;
}

/* Orders Matrix rows by verdict rank, group key and position (for qsort). */
static int mkey_cmp(const void *pa, const void *pb)
{
    const mkey *a = pa, *b = pb;
    int c = cmp_size(a->rank, b->rank);
    c = c ? c : cmp_opt_str(a->key, b->key);
    return c ? c : cmp_size(a->idx, b->idx);
}

/* Orders sources by shown facts reported, most first, then by position. */
static int srank_cmp(const void *pa, const void *pb)
{
    const srank *a = pa, *b = pb;
    int c = cmp_size(b->facts, a->facts);
    return c ? c : cmp_size(a->idx, b->idx);
}

/* Picks the Matrix rows into r->mrows, sorted: the groups with claims from
 * two or more articles or with a finding; counts the others in r->left_out.
 * flag is zeroed scratch space of groups.n bytes. */
static void matrix_pick_rows(report *r, unsigned char *flag)
{
    const cc_cluster *cl = r->cl;
    for (size_t i = 0; i < cl->findings.n; i++)
        if (cl->findings.v[i].group < cl->groups.n)
            flag[cl->findings.v[i].group] = 1;
    for (size_t g = 0; g < cl->groups.n; g++) {
        const cc_group *gr = &cl->groups.v[g];
        if (gr->n_articles >= 2 || flag[g])
            r->mrows[r->n_mrows++] = (mkey){verdict_rank(gr->verdict), gr->key, g};
    }
    r->left_out = cl->groups.n - r->n_mrows;
    qsort(r->mrows, r->n_mrows, sizeof *r->mrows, mkey_cmp);
}

/* Counts into rank[a].facts the Matrix rows that article a reports. */
static void matrix_count_facts(const report *r, srank *rank)
{
    const cc_cluster *cl = r->cl;
    for (size_t k = 0; k < r->n_mrows; k++) {
        const cc_group *g = &cl->groups.v[r->mrows[k].idx];
        for (size_t j = 0; j < g->n_articles; j++)
            if (g->articles[j] < cl->articles.n)
                rank[g->articles[j]].facts++;
    }
}

/* Picks the Matrix source columns: every article when they fit, else the
 * MATRIX_SOURCES_MAX that report the most shown facts; either way in
 * cluster order. Fills r->mcol and r->msrc; false when memory ran out. */
static bool matrix_pick_sources(report *r)
{
    size_t n = r->cl->articles.n;
    srank *rank = calloc(n + 1, sizeof *rank); /* freed below */
    if (!rank)
        return false;
    for (size_t i = 0; i < n; i++)
        rank[i].idx = i;
    matrix_count_facts(r, rank);
    qsort(rank, n, sizeof *rank, srank_cmp);
    r->n_msrc = min_size(n, MATRIX_SOURCES_MAX);
    for (size_t i = 0; i < n; i++)
        r->mcol[i] = CC_NONE;
    for (size_t i = 0; i < r->n_msrc; i++)
        r->mcol[rank[i].idx] = 0;
    free(rank);
    for (size_t i = 0, col = 0; i < n; i++)
        if (r->mcol[i] != CC_NONE) {
            r->msrc[col] = i;
            r->mcol[i] = col++;
        }
    return true;
}

/* Allocates the Matrix index arrays and picks its rows and columns; false
 * when memory ran out. */
static bool matrix_prepare(report *r)
{
    const cc_cluster *cl = r->cl;
    size_t cols = min_size(cl->articles.n, MATRIX_SOURCES_MAX) + 1;
    unsigned char *flag = calloc(cl->groups.n + 1, 1); /* freed below */
    r->mrows = calloc(cl->groups.n + 1, sizeof *r->mrows);
    r->mcol = calloc(cl->articles.n + 1, sizeof *r->mcol);
    r->msrc = calloc(cols, sizeof *r->msrc);
    r->mcells = calloc(cols, sizeof *r->mcells);
    r->touched = calloc(cols, sizeof *r->touched);
    bool ok = flag && r->mrows && r->mcol && r->msrc && r->mcells && r->touched;
    if (ok)
        matrix_pick_rows(r, flag);
    free(flag);
    return ok && matrix_pick_sources(r);
}

/* Adds claim c's text to the cell of its source column in the row with
 * stamp stamp, starting the cell on first use. */
static void matrix_add(report *r, const cc_claim *c, size_t stamp)
{
    size_t col = r->mcol[c->article];
    if (col == CC_NONE)
        return;
    mcell *m = &r->mcells[col];
    if (m->stamp != stamp) {
        m->stamp = stamp;
        values_start(&m->v, &m->text);
        r->touched[r->n_touched++] = col;
    }
    values_add(&m->v, claim_piece(r->cl, c));
}

/* Writes one Matrix row: the fact (kind label and key), its verdict and
 * what each shown source says, coloured by the verdict. Sources that do
 * not report it stay blank: the sheet's conditional format greys them. */
static void matrix_row(report *r, lxw_row_t row, size_t g)
{
    const cc_group *gr = &r->cl->groups.v[g];
    lxw_format *fmt = r->verdict[(unsigned)gr->verdict < CC_V_MAX ? gr->verdict : CC_V_NONE];
    cc_buf_reset(&r->join);
    cc_buf_printf(&r->join, "%s\n%s", cc_kind_label(r->cl->rules, gr->kind),
                  gr->key ? gr->key : "");
    put_buf(r, r->matrix, row, 0, &r->join, r->fact);
    put_str(r, r->matrix, row, 1, cc_verdict_name(gr->verdict), fmt);
    size_t stamp = ++r->stamp;
    r->n_touched = 0;
    for (size_t i = 0; i < gr->n_claims; i++) {
        const cc_claim *c = claim_at(r->cl, gr->claims[i]);
        if (c)
            matrix_add(r, c, stamp);
    }
    for (size_t i = 0; i < r->n_touched; i++) {
        mcell *m = &r->mcells[r->touched[i]];
        values_end(&m->v);
        put_buf(r, r->matrix, row, (lxw_col_t)(2 + r->touched[i]), &m->text, fmt);
    }
    end_row(r, r->matrix, row);
}

/* Writes the two note rows above the Matrix header: how to read it, and
 * what is left out. They do not wrap: the text runs on to the right. */
static void matrix_notes(report *r)
{
    size_t n = r->left_out, shown = r->n_msrc, all = r->cl->articles.n;
    put_str(r, r->matrix, 0, 0,
            "Who says what: one row per fact, one column per source. Colour = verdict: green "
            "agree, red conflict, orange discrepancy, yellow updated; grey = not reported.",
            r->note);
    cc_buf_reset(&r->join);
    cc_buf_printf(&r->join, "%zu single-source fact%s without a finding %s left out (see Claims).",
                  n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
    if (shown < all)
        cc_buf_printf(&r->join,
                      " Showing %zu of %zu sources: those that report the most of these facts.",
                      shown, all);
    put_buf(r, r->matrix, 1, 0, &r->join, r->note);
}

/* Writes the Matrix header row: Fact, Verdict, then each shown source's
 * outlet-or-id and publication date. */
static void matrix_header(report *r, lxw_row_t row)
{
    put_str(r, r->matrix, row, 0, "Fact", r->head);
    put_str(r, r->matrix, row, 1, "Verdict", r->head);
    for (size_t i = 0; i < r->n_msrc; i++) {
        source_label(r, &r->cl->articles.v[r->msrc[i]], 0);
        put_buf(r, r->matrix, row, (lxw_col_t)(2 + i), &r->join, r->head);
    }
    end_row(r, r->matrix, row);
}

/* Prints the Matrix landscape with the header row and Fact column on every
 * page, one page wide only while the source columns stay legible. */
static void matrix_print(report *r, lxw_col_t last)
{
    print_base(r, r->matrix);
    if (last < 10)
        worksheet_fit_to_pages(r->matrix, 1, 0);
    check(r, worksheet_repeat_rows(r->matrix, MATRIX_HEAD, MATRIX_HEAD));
    check(r, worksheet_repeat_columns(r->matrix, 0, 0));
}

/* Widths, notes, header, frozen header row and Fact column, autofilter, the
 * grey "not reported" format and print layout of the Matrix. */
static void matrix_setup(report *r)
{
    lxw_worksheet *ws = r->matrix;
    lxw_col_t last = (lxw_col_t)(1 + r->n_msrc);
    lxw_row_t end = (lxw_row_t)(MATRIX_HEAD + r->n_mrows);
    set_width(r, ws, 0, 30);
    set_width(r, ws, 1, 12);
    if (r->n_msrc)
        set_widths(r, ws, 2, last, 16);
    matrix_notes(r);
    matrix_header(r, MATRIX_HEAD);
    worksheet_freeze_panes(ws, MATRIX_HEAD + 1, 1);
    check(r, worksheet_autofilter(ws, MATRIX_HEAD, 0, end, last));
    if (r->n_msrc && r->n_mrows) {
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_BLANKS, .format = r->grey};
        check(r, worksheet_conditional_format_range(ws, MATRIX_HEAD + 1, 2, end, last, &cf));
    }
    matrix_print(r, last);
}

/* Writes the Matrix sheet, conflicts first. */
static void write_matrix(report *r)
{
    matrix_setup(r);
    for (size_t i = 0; i < r->n_mrows && !r->err; i++)
        matrix_row(r, (lxw_row_t)(MATRIX_HEAD + 1 + i), r->mrows[i].idx);
    if (r->n_mrows == 0)
        put_str(r, r->matrix, MATRIX_HEAD + 1, 0,
                "No fact is reported by two sources or carries a finding.", r->note);
}

/* ---- Claims ---------------------------------------------------------------- */

/* The claim's TIMEX value, else its resolved day (in buf), else NULL. */
static const char *claim_date(const cc_claim *c, char *buf)
{
    if (c->timex)
        return c->timex;
    return c->day != CC_NO_DAY ? cc_day_format(c->day, buf) : NULL;
}

/* A stated change as an editor reads it ("up by", "down from") in buf
 * (>= 16 bytes), or NULL for none. */
static const char *claim_change(const cc_claim *c, char *buf)
{
    if (c->change == CC_CHANGE_NONE)
        return NULL;
    snprintf(buf, 16, "%s %s", cc_change_name(c->change), cc_change_role_name(c->change_role));
    return buf;
}

/* Writes one Claims row (columns as in claim_cols). */
static void claims_row(report *r, lxw_row_t row, const cc_claim *c)
{
    const cc_cluster *cl = r->cl;
    lxw_worksheet *ws = r->claims;
    const cc_article *a = c->article < cl->articles.n ? &cl->articles.v[c->article] : NULL;
    char day[16], change[16];
    put_str(r, ws, row, 0, c->id, r->cell);
    put_str(r, ws, row, 1, a ? a->id : NULL, r->cell);
    put_str(r, ws, row, 2, cc_class_name(c->cls), r->cell);
    put_str(r, ws, row, 3, cc_kind_label(cl->rules, c->kind), r->wrap);
    put_str(r, ws, row, 4, c->key, r->wrap);
    put_num(r, ws, row, 5, c->has_value, c->value);
    put_num(r, ws, row, 6, c->has_lo, c->lo);
    put_num(r, ws, row, 7, c->has_hi, c->hi);
    put_str(r, ws, row, 8, cc_qualifier_name(c->qual), r->cell);
    put_str(r, ws, row, 9, claim_change(c, change), r->cell);
    put_str(r, ws, row, 10, c->unit, r->cell);
    put_str(r, ws, row, 11, claim_date(c, day), r->cell);
    put_str(r, ws, row, 12, c->attribution, r->wrap);
    if (c->group < cl->groups.n)
        put_str(r, ws, row, 13, cc_verdict_name(cl->groups.v[c->group].verdict), r->cell);
    if (a) {
        piece text = claim_piece(cl, c);
        put_text(r, ws, row, 14, text.s, text.n, r->wrap);
    }
    bool rich = take_highlight(r); /* one per row, so the Summary can say where */
    if (a)
        put_sentence(r, ws, row, 15, a->body, claim_span(c, a->body_len), rich);
    end_row(r, ws, row);
}

/* Writes the Claims sheet in cluster order. */
static void write_claims(report *r)
{
    size_t n = sizeof claim_cols / sizeof *claim_cols;
    table_setup(r, r->claims, claim_cols, n, r->cl->claims.n);
    for (size_t i = 0; i < r->cl->claims.n && !r->err; i++)
        claims_row(r, (lxw_row_t)(i + 1), &r->cl->claims.v[i]);
}

/* ---- Sources --------------------------------------------------------------- */

/* Writes one Sources row (columns as in source_cols). */
static void sources_row(report *r, lxw_row_t row, size_t i)
{
    const cc_article *a = &r->cl->articles.v[i];
    lxw_worksheet *ws = r->sources;
    char day[16];
    put_str(r, ws, row, 0, a->id, r->cell);
    put_str(r, ws, row, 1, a->outlet, r->wrap);
    put_str(r, ws, row, 2, a->title, r->wrap);
    put_url(r, ws, row, 3, a->url);
    put_str(r, ws, row, 4, cc_day_format(a->published, day), r->cell);
    put_str(r, ws, row, 5, cc_pub_from_name(a->published_from), r->cell);
    put_num(r, ws, row, 6, true, (double)r->art_claims[i]);
    put_num(r, ws, row, 7, true, (double)r->art_findings[i]);
    end_row(r, ws, row);
}

/* Writes the Sources sheet in cluster order. */
static void write_sources(report *r)
{
    size_t n = sizeof source_cols / sizeof *source_cols;
    table_setup(r, r->sources, source_cols, n, r->cl->articles.n);
    for (size_t i = 0; i < r->cl->articles.n && !r->err; i++)
        sources_row(r, (lxw_row_t)(i + 1), i);
}

/* ---- Summary --------------------------------------------------------------- */

/* Composes in r->join the distinct outlet-or-id names, sorted, ", " apart;
 * returns how many there are. */
static size_t source_names(report *r)
{
    size_t n = r->cl->articles.n, distinct = 0;
    const char **names = malloc((n + 1) * sizeof *names); /* freed below */
    cc_buf_reset(&r->join);
    if (!names) {
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = article_name(&r->cl->articles.v[i]);
    qsort(names, n, sizeof *names, cc_cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(names[i], names[i - 1]) == 0)
            continue;
        if (distinct++ && r->join.len <= (size_t)4 * CELL_MAX)
            cc_buf_puts(&r->join, ", ");
        if (r->join.len <= (size_t)4 * CELL_MAX)
            cc_buf_puts(&r->join, names[i]);
    }
    free(names);
    return distinct;
}

/* Composes in r->join the range of known publication dates; returns how
 * many articles have none. */
static size_t date_range(report *r)
{
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    size_t undated = 0;
    for (size_t i = 0; i < r->cl->articles.n; i++) {
        int32_t d = r->cl->articles.v[i].published;
        undated += d == CC_NO_DAY;
        lo = d != CC_NO_DAY && d < lo ? d : lo;
        hi = d != CC_NO_DAY && d > hi ? d : hi;
    }
    char a[16], b[16];
    cc_buf_reset(&r->join);
    if (lo > hi)
        cc_buf_puts(&r->join, "unknown");
    else if (lo == hi)
        cc_buf_puts(&r->join, cc_day_format(lo, a));
    else
        cc_buf_printf(&r->join, "%s to %s", cc_day_format(lo, a), cc_day_format(hi, b));
    return undated;
}

/* Writes a label and a count. */
static void summary_count(report *r, lxw_row_t row, const char *label, size_t n, lxw_format *fmt)
{
    put_str(r, r->summary, row, 0, label, fmt);
    put_num(r, r->summary, row, 1, true, (double)n);
}

/* Writes the sources, dates and totals from row; returns the next row. */
static lxw_row_t summary_totals(report *r, lxw_row_t row)
{
    lxw_worksheet *ws = r->summary;
    const cc_cluster *cl = r->cl;
    summary_count(r, row, "Sources", source_names(r), r->cell);
    put_buf(r, ws, row, 2, &r->join, r->wrap);
    end_row(r, ws, row++);
    size_t undated = date_range(r);
    put_str(r, ws, row, 0, "Publication dates", r->cell);
    put_buf(r, ws, row, 1, &r->join, r->cell);
    if (undated) {
        cc_buf_reset(&r->join);
        cc_buf_printf(&r->join, "%zu article%s without a date", undated, undated == 1 ? "" : "s");
        put_buf(r, ws, row, 2, &r->join, r->cell);
    }
    summary_count(r, ++row, "Articles", cl->articles.n, r->cell);
    summary_count(r, ++row, "Claims", cl->claims.n, r->cell);
    summary_count(r, ++row, "Groups", cl->groups.n, r->cell);
    return row + 1;
}

/* Writes the group counts by verdict from row; returns the next row. */
static lxw_row_t summary_verdicts(report *r, lxw_row_t row)
{
    const size_t *count = r->tally.verdicts;
    put_str(r, r->summary, row, 0, "Groups by verdict", r->head);
    put_str(r, r->summary, row++, 1, "Count", r->head_num);
    for (int v = CC_V_AGREE; v <= CC_V_SINGLE; v++)
        summary_count(r, row++, cc_verdict_name((cc_verdict)v), count[v], r->cell);
    return row;
}

/* Writes the finding counts by severity from row; returns the next row. */
static lxw_row_t summary_severities(report *r, lxw_row_t row)
{
    const size_t *count = r->tally.severities;
    put_str(r, r->summary, row, 0, "Findings by severity", r->head);
    put_str(r, r->summary, row++, 1, "Count", r->head_num);
    for (int s = 0; s < CC_SEV_MAX; s++)
        summary_count(r, row++, cc_severity_name((cc_severity)s), count[s], r->sev[s]);
    return row;
}

/* Writes the four column heads of a Summary table at row. */
static void summary_heads(report *r, lxw_row_t row, const char *const heads[4])
{
    for (lxw_col_t c = 0; c < 4; c++)
        put_str(r, r->summary, row, c, heads[c], r->head);
}

/* Writes the Top findings row for the finding at position i of r->order. */
static void top_row(report *r, lxw_row_t row, size_t i)
{
    const cc_finding *f = &r->cl->findings.v[r->order[i].idx];
    put_str(r, r->summary, row, 0, cc_severity_name(f->severity),
            severity_format(r, r->order[i].sev));
    put_str(r, r->summary, row, 1, cc_category_name(f->category), r->cell);
    put_str(r, r->summary, row, 2, f->message, r->wrap);
    put_link(r, row, 3, i + 2);
    end_row(r, r->summary, row);
}

/* Writes the TOP_MAX most severe findings not dismissed by an editor from
 * row, each with a link to its row on the Findings sheet; returns the next
 * row. */
static lxw_row_t summary_top(report *r, lxw_row_t row)
{
    static const char *const heads[4] = {"Severity", "Category", "Finding", "Go to"};
    put_str(r, r->summary, row++, 0, "Top findings", r->section);
    summary_heads(r, row++, heads);
    size_t shown = 0;
    for (size_t i = 0; i < r->cl->findings.n && shown < TOP_MAX; i++) {
        if (cc_finding_dismissed(&r->cl->findings.v[r->order[i].idx]))
            continue;
        top_row(r, row++, i);
        shown++;
    }
    if (shown == 0)
        put_str(r, r->summary, row++, 0, r->cl->findings.n ? "No open findings." : "No findings.",
                r->cell);
    return row;
}

/* Rank of a severity name: "high" = 0 ...; CC_SEV_MAX when unknown. */
static unsigned severity_rank(const char *name)
{
    for (unsigned s = 0; name && s < CC_SEV_MAX; s++)
        if (strcmp(name, cc_severity_name((cc_severity)s)) == 0)
            return s;
    return CC_SEV_MAX;
}

/* Writes one resolved finding (cl->resolved[idx]) at row. */
static void resolved_row(report *r, lxw_row_t row, size_t idx)
{
    const cc_resolved *x = &r->cl->resolved.v[idx];
    put_str(r, r->summary, row, 0, x->severity, severity_format(r, severity_rank(x->severity)));
    put_str(r, r->summary, row, 1, x->category, r->cell);
    put_str(r, r->summary, row, 2, x->message, r->wrap);
    put_str(r, r->summary, row, 3, x->id, r->wrap);
    end_row(r, r->summary, row);
}

/* Writes the previous run's findings that this run no longer makes, most
 * severe first (at most RESOLVED_MAX of them), from row. */
static void summary_resolved(report *r, lxw_row_t row)
{
    static const char *const heads[4] = {"Severity", "Category", "Finding", "Finding id"};
    size_t n = r->cl->resolved.n, shown = min_size(n, RESOLVED_MAX);
    put_str(r, r->summary, row++, 0, "Findings resolved since last run", r->section);
    summary_heads(r, row++, heads);
    if (n == 0)
        put_str(r, r->summary, row, 0, "Nothing was resolved since the last run.", r->cell);
    for (size_t i = 0; i < shown; i++)
        resolved_row(r, row++, r->resolved[i].idx);
    if (n > shown) {
        cc_buf_reset(&r->join);
        cc_buf_printf(&r->join, "%zu more resolved findings are in the database.", n - shown);
        put_buf(r, r->summary, row, 2, &r->join, r->note);
    }
}

/* Writes the finding total and, when there is a previous run, how many
 * findings are new and how many were resolved, from row; returns the next
 * row. */
static lxw_row_t summary_changes(report *r, lxw_row_t row)
{
    const cc_cluster *cl = r->cl;
    summary_count(r, row++, "Findings", cl->findings.n, r->cell);
    if (!cl->has_history)
        return row;
    summary_count(r, row++, "New since last run", r->tally.fresh, r->cell);
    summary_count(r, row++, "Resolved since last run", cl->resolved.n, r->cell);
    return row;
}

/* Says at row where the claim highlighting stops, when the workbook has
 * more sentences than HIGHLIGHT_MAX; returns the next row. */
static lxw_row_t summary_highlight(report *r, lxw_row_t row)
{
    size_t fs = r->finding_sentences;
    if (fs + r->cl->claims.n <= HIGHLIGHT_MAX)
        return row;
    cc_buf_reset(&r->join);
    if (fs < HIGHLIGHT_MAX)
        cc_buf_printf(&r->join,
                      "The claim is highlighted in red in every Findings sentence and on Claims "
                      "rows 2 to %zu; later Claims rows show the plain sentence, which keeps large "
                      "workbooks fast.",
                      (size_t)HIGHLIGHT_MAX - fs + 1);
    else
        cc_buf_printf(&r->join,
                      "The claim is highlighted in red in the first %u Findings sentences; later "
                      "sentences (and all of Claims) are plain text, which keeps large workbooks "
                      "fast.",
                      HIGHLIGHT_MAX);
    put_str(r, r->summary, row, 0, "Highlighting", r->cell);
    put_buf(r, r->summary, row, 2, &r->join, r->wrap);
    end_row(r, r->summary, row);
    return row + 1;
}

/* Writes the finding counts by category (the chart's data) from row and
 * sets *most to the largest; returns the next row. */
static lxw_row_t summary_categories(report *r, lxw_row_t row, size_t *most)
{
    const size_t *count = r->tally.categories;
    put_str(r, r->summary, row, 0, "Findings by category", r->head);
    put_str(r, r->summary, row++, 1, "Count", r->head_num);
    *most = 0;
    for (int c = 0; c < CC_F_MAX; c++) {
        summary_count(r, row++, cc_category_name((cc_category)c), count[c], r->cell);
        *most = count[c] > *most ? count[c] : *most;
    }
    return row;
}

/* Colours the chart's bars by category, after the Matrix palette: red
 * conflict, orange discrepancy, yellow updated, blue name variant, green
 * agree, grey single. */
static void chart_colours(report *r, lxw_chart_series *series)
{
    static const lxw_color_t colour[CC_F_MAX] = {0xE06666, 0xF4B183, 0xFFD966,
                                                 0x9DC3E6, 0xA9D18E, 0xBFBFBF};
    lxw_chart_fill fill[CC_F_MAX];
    lxw_chart_point point[CC_F_MAX];
    lxw_chart_point *list[CC_F_MAX + 1];
    for (size_t i = 0; i < CC_F_MAX; i++) {
        fill[i] = (lxw_chart_fill){.color = colour[i]};
        point[i] = (lxw_chart_point){.fill = &fill[i]};
        list[i] = &point[i];
    }
    list[CC_F_MAX] = NULL;
    check(r, chart_series_set_points(series, list)); /* copies the points */
}

/* Adds a column chart of the category table (data rows first to
 * first + CC_F_MAX - 1, largest count most) in column C from row anchor,
 * rows rows high. */
static void summary_chart(report *r, lxw_row_t first, lxw_row_t anchor, lxw_row_t rows, size_t most)
{
    lxw_chart *chart = r->err ? NULL : workbook_add_chart(r->wb, LXW_CHART_COLUMN); /* wb owns */
    lxw_chart_series *series = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!series) {
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_row_t last = (lxw_row_t)(first + CC_F_MAX - 1);
    chart_series_set_categories(series, "Summary", first, 0, last, 0);
    chart_series_set_values(series, "Summary", first, 1, last, 1);
    chart_series_set_labels(series);
    chart_colours(r, series);
    chart_title_set_name(chart, "Findings by category");
    lxw_chart_font title = {.size = 12, .bold = LXW_TRUE};
    chart_title_set_name_font(chart, &title); /* copies the font */
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    chart_axis_set_min(chart->y_axis, 0);
    if (most <= 8) /* whole steps: counts are whole */
        chart_axis_set_major_unit(chart->y_axis, 1);
    lxw_chart_options opt = {.x_offset = 12,
                             .y_offset = 2,
                             .x_scale = 1.1,
                             .y_scale = (double)rows * 20.0 / 288.0}; /* 20 px a row */
    check(r, worksheet_insert_chart_opt(r->summary, anchor, 2, chart, &opt));
}

/* Writes the Summary sheet top to bottom: totals, changes since the last
 * run, the verdict, severity and category tables with the chart beside
 * them, the top findings and, with history, the resolved findings. */
static void write_summary(report *r)
{
    lxw_worksheet *ws = r->summary;
    set_width(r, ws, 0, 24);
    set_width(r, ws, 1, 26);
    set_width(r, ws, 2, 80);
    set_width(r, ws, 3, 16);
    print_setup(r, ws, false);
    put_str(r, ws, 0, 0, "claimcheck report", r->title);
    lxw_row_t row = summary_changes(r, summary_totals(r, 2));
    lxw_row_t tables = summary_highlight(r, row) + 1;
    row = summary_verdicts(r, tables);
    row = summary_severities(r, row + 1);
    lxw_row_t cats = row + 1;
    size_t most = 0;
    row = summary_categories(r, cats, &most);
    summary_chart(r, cats + 1, tables, row - tables, most);
    row = summary_top(r, row + 1);
    if (r->cl->has_history)
        summary_resolved(r, row + 1);
}

/* ---- preparation, output file and entry point ------------------------------ */

/* Orders findings most severe first, then by category, id and position. */
static int fkey_cmp(const void *pa, const void *pb)
{
    const fkey *a = pa, *b = pb;
    int c = cmp_size(a->sev, b->sev);
    c = c ? c : cmp_size(a->cat, b->cat);
    c = c ? c : cmp_opt_str(a->id, b->id);
    return c ? c : cmp_size(a->idx, b->idx);
}

/* Orders resolved findings most severe first, then by category, id and
 * position (for qsort). */
static int rkey_cmp(const void *pa, const void *pb)
{
    const rkey *a = pa, *b = pb;
    int c = cmp_size(a->sev, b->sev);
    c = c ? c : cmp_opt_str(a->cat, b->cat);
    c = c ? c : cmp_opt_str(a->id, b->id);
    return c ? c : cmp_size(a->idx, b->idx);
}

/* Sorts the resolved findings into r->resolved; false when memory ran out. */
static bool sort_resolved(report *r)
{
    const cc_cluster *cl = r->cl;
    r->resolved = calloc(cl->resolved.n + 1, sizeof *r->resolved);
    if (!r->resolved)
        return false;
    for (size_t i = 0; i < cl->resolved.n; i++) {
        const cc_resolved *x = &cl->resolved.v[i];
        r->resolved[i] = (rkey){severity_rank(x->severity), x->category, x->id, i};
    }
    qsort(r->resolved, cl->resolved.n, sizeof *r->resolved, rkey_cmp);
    return true;
}

/* Counts per article its claims and the findings citing it, sets r->slots
 * to the most distinct articles one finding cites (1..SLOTS_MAX) and counts
 * the sentence cells of the Findings sheet. */
static void count_articles(report *r)
{
    const cc_cluster *cl = r->cl;
    for (size_t i = 0; i < cl->claims.n; i++)
        if (cl->claims.v[i].article < cl->articles.n)
            r->art_claims[cl->claims.v[i].article]++;
    r->slots = 1;
    for (size_t i = 0; i < cl->findings.n; i++) {
        size_t slot[SLOTS_MAX], more;
        size_t n = finding_slots(r, &cl->findings.v[i], slot, &more, r->art_findings);
        r->slots = n > r->slots ? n : r->slots;
        r->finding_sentences += n;
    }
}

/* True when every sheet fits Excel's row limit: Claims and Findings one row
 * per claim / finding, Matrix at most one per group plus its head, Sources
 * one per article, Summary at most RESOLVED_MAX + 60. */
static bool rows_fit(const cc_cluster *cl)
{
    size_t most = cl->claims.n > cl->findings.n ? cl->claims.n : cl->findings.n;
    most = cl->groups.n + MATRIX_HEAD > most ? cl->groups.n + MATRIX_HEAD : most;
    return most < ROW_MAX && cl->articles.n < ROW_MAX;
}

/* Sorts the findings (into r->order); false when memory ran out. */
static bool sort_findings(report *r)
{
    const cc_cluster *cl = r->cl;
    r->order = calloc(cl->findings.n + 1, sizeof *r->order);
    if (!r->order)
        return false;
    for (size_t i = 0; i < cl->findings.n; i++) {
        const cc_finding *f = &cl->findings.v[i];
        r->order[i] = (fkey){(unsigned)f->severity, (unsigned)f->category, f->id, i};
    }
    qsort(r->order, cl->findings.n, sizeof *r->order, fkey_cmp);
    return true;
}

/* Computes everything that needs look-ahead before any sheet is written:
 * finding and resolved order, per-article counts, the Matrix layout. */
static cc_error report_prepare(report *r, const char *path)
{
    const cc_cluster *cl = r->cl;
    if (!rows_fit(cl)) {
        cc_diagf(cl->diag, cl->diag_ud, "%s: too many rows for one worksheet (limit %u)", path,
                 ROW_MAX - 1);
        return CC_ERROR_XLSX;
    }
    r->art_claims = calloc(cl->articles.n + 1, sizeof *r->art_claims);
    r->art_findings = calloc(cl->articles.n + 1, sizeof *r->art_findings);
    r->seen = calloc(cl->articles.n + 1, sizeof *r->seen);
    bool ok = r->art_claims && r->art_findings && r->seen && sort_findings(r) && sort_resolved(r) &&
              matrix_prepare(r);
    if (!ok) {
        cc_diagf(cl->diag, cl->diag_ud, "%s: %s", path, cc_strerror(CC_ERROR_MEMORY));
        return CC_ERROR_MEMORY;
    }
    count_articles(r);
    cc_tally_count(cl, &r->tally);
    return CC_OK;
}

/* Creates an empty "<path>.tmp<pid>-<n>" next to path; returns its name
 * (caller frees) or NULL with errno set. O_EXCL makes it ours, and mode 0666
 * lets the umask decide the final file's permissions, as for a plain write. */
static char *temp_create(const char *path)
{
    for (unsigned i = 0; i < TEMP_TRIES; i++) {
        char *name = cc_strfmt("%s.tmp%ld-%u", path, (long)getpid(), i);
        if (!name) {
            errno = ENOMEM;
            return NULL;
        }
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            close(fd);
            return name;
        }
        int e = errno;
        free(name);
        if ((errno = e) != EEXIST)
            return NULL;
    }
    return NULL;
}

/* The directory part of path ("." when none); caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return cc_strdup(".");
    return cc_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Flushes the finished temp file to disk and renames it over path; -1 with
 * errno set on failure. */
static int temp_commit(const char *tmp, const char *path)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc == 0 ? rename(tmp, path) : -1;
}

/* Adds the formats and sheets and writes every sheet, in order. */
static void report_build(report *r)
{
    set_properties(r);
    add_formats(r);
    r->summary = add_sheet(r, "Summary");
    r->findings = add_sheet(r, "Findings");
    r->matrix = add_sheet(r, "Matrix");
    r->claims = add_sheet(r, "Claims");
    r->sources = add_sheet(r, "Sources");
    if (r->err)
        return;
    write_summary(r);
    write_findings(r);
    write_matrix(r);
    write_claims(r);
    write_sources(r);
}

/* Writes the whole workbook into a new temp file next to path (r->tmp). */
static cc_error report_to_temp(report *r, const char *path)
{
    const cc_cluster *cl = r->cl;
    r->tmp = temp_create(path);
    r->dir = r->tmp ? dir_of(path) : NULL;
    if (!r->tmp || !r->dir) {
        cc_diagf(cl->diag, cl->diag_ud, "%s: cannot create a temporary file: %s", path,
                 strerror(errno));
        return CC_ERROR_IO;
    }
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = r->dir};
    r->wb = workbook_new_opt(r->tmp, &opt);
    if (!r->wb)
        check(r, LXW_ERROR_MEMORY_MALLOC_FAILED);
    else
        report_build(r);
    lxw_error closed = r->wb ? workbook_close(r->wb) : LXW_NO_ERROR; /* frees wb */
    r->wb = NULL;
    check(r, closed);
    if (r->err == LXW_NO_ERROR)
        return CC_OK;
    cc_diagf(cl->diag, cl->diag_ud, "%s: %s", path, lxw_strerror(r->err));
    return r->err == LXW_ERROR_MEMORY_MALLOC_FAILED ? CC_ERROR_MEMORY : CC_ERROR_XLSX;
}

/* Frees everything r owns: the single cleanup path. */
static void report_free(report *r)
{
    if (r->wb)
        workbook_close(r->wb);
    free(r->order);
    free(r->art_claims);
    free(r->art_findings);
    free(r->seen);
    free(r->resolved);
    free(r->mrows);
    free(r->mcol);
    free(r->msrc);
    free(r->touched);
    for (size_t i = 0; r->mcells && i < r->n_msrc; i++)
        cc_buf_free(&r->mcells[i].text);
    free(r->mcells);
    free(r->tmp);
    free(r->dir);
    cc_buf_free(&r->text);
    cc_buf_free(&r->join);
    for (size_t i = 0; i < 3; i++)
        cc_buf_free(&r->frag[i]);
}

/* Writes the workbook to a temp file next to path and renames it into place
 * only when complete; on failure the temp file is removed and an existing
 * file at path is left untouched. */
cc_error cc_report_write(const cc_cluster *cl, const char *path)
{
    if (!cl || !path || !*path)
        return CC_ERROR_IO;
    report r = {.cl = cl, .lines = 1, .highlights = HIGHLIGHT_MAX};
    cc_error err = report_prepare(&r, path);
    if (err == CC_OK)
        err = report_to_temp(&r, path);
    if (err == CC_OK && temp_commit(r.tmp, path) != 0) {
        cc_diagf(cl->diag, cl->diag_ud, "%s: %s", path, strerror(errno));
        err = CC_ERROR_IO;
    }
    if (err != CC_OK && r.tmp)
        unlink(r.tmp);
    report_free(&r);
    return err;
}
