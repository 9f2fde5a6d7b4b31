/* output.c: NDJSON (docs/ndjson.md), golden text and summary writers. */
#include "output.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* Bytes a field may take besides its key: an n-byte string escaped
 * ("\u00XX" is 6 bytes per input byte) with its quotes, or "null". */
#define JSON_STR_ROOM(n) (6 * (n) + 4)
/* Bytes a number field may take besides its key: "%.15g" prints at most
 * 23 characters ("-1.23456789012345e+308"), plus its NUL. */
#define JSON_NUM_ROOM 25
/* NDJSON collects this much before one fwrite hands it to stdio. */
#define JSON_SPILL ((size_t)64 * 1024)

/* True when byte c must be escaped in a JSON string. */
static bool needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* True when one of the 8 bytes of w must be escaped. */
static bool word_needs_escape(uint64_t w)
{
    return cc_word_has_less(w, 0x20) || cc_word_has_byte(w, '"') || cc_word_has_byte(w, '\\');
}

/* Length of the longest prefix of s[0:n) that needs no escape, read
 * eight bytes at a time (the last few padded with spaces): most strings
 * have no escape at all. */
static size_t plain_run(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t w;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (word_needs_escape(w))
            break;
    }
    if (i + 8 > n) {
        w = 0x2020202020202020u;
        memcpy(&w, s + i, n - i);
        if (!word_needs_escape(w))
            return n;
    }
    while (i < n && !needs_escape((unsigned char)s[i]))
        i++;
    return i;
}

/* Copies s[0:n) as JSON string contents to o (room for 6n bytes) and
 * returns the end. Quotes, backslashes and control characters are
 * escaped; the input is valid UTF-8 (ingest guarantees it) and copied
 * as is, each run without an escape in one memcpy. */
static char *put_escaped(char *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (;;) {
        size_t k = plain_run(s, n);
        memcpy(o, s, k);
        o += k;
        if (k == n)
            return o;
        unsigned char c = (unsigned char)s[k];
        s += k + 1;
        n -= k + 1;
        *o++ = '\\';
        if (c == '"' || c == '\\') {
            *o++ = (char)c;
        } else if (c == '\n') {
            *o++ = 'n';
        } else if (c == '\t') {
            *o++ = 't';
        } else { /* \u00XX, lower-case hex as printf's %04x wrote it */
            o[0] = 'u';
            o[1] = o[2] = '0';
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
}

/* Writes null (4 bytes) to o; returns the end. */
static char *put_null(char *o)
{
    o[0] = 'n';
    o[1] = 'u';
    o[2] = o[3] = 'l';
    return o + 4;
}

/* Writes s[0:n) as a JSON string (or null when s is NULL) to o, which
 * has JSON_STR_ROOM(n) bytes; returns the end. */
static char *put_str(char *o, const char *s, size_t n)
{
    if (!s)
        return put_null(o);
    *o++ = '"';
    o = put_escaped(o, s, n);
    *o++ = '"';
    return o;
}

/* Writes v (or null when !has or not finite) to o, which has
 * JSON_NUM_ROOM bytes; returns the end. Whole numbers (nearly all) skip
 * printf: "%.15g" prints them as plain digits too. */
static char *put_num(char *o, bool has, double v)
{
    if (!has || !isfinite(v))
        return put_null(o);
    if (fabs(v) < 1e15 && v == (double)(long long)v) { /* range first: no UB cast */
        long long x = (long long)v;
        if (x < 0)
            *o++ = '-';
        return o + cc_fmt_u64(x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x, o);
    }
    int n = snprintf(o, JSON_NUM_ROOM, "%.15g", v);
    return o + (n > 0 ? n : 0);
}

/* Makes room in b for ,"key": and extra more bytes and writes the key;
 * returns where the value goes, NULL when b is out of memory. */
static char *field_open(cc_buf *b, const char *key, size_t extra)
{
    size_t kn = strlen(key);
    char *o = cc_buf_room(b, kn + 4 + extra);
    if (!o)
        return NULL;
    o[0] = ',';
    o[1] = '"';
    for (size_t i = 0; i < kn; i++) /* keys are short: no memcpy call */
        o[2 + i] = key[i];
    o[kn + 2] = '"';
    o[kn + 3] = ':';
    return o + kn + 4;
}

/* Takes the bytes from b's end up to o (a field_open/put_* result) into b. */
static void field_close(cc_buf *b, const char *o)
{
    cc_buf_commit(b, (size_t)(o - (b->p + b->len)));
}

/* ,"key": and the JSON string s[0:n) or null. */
static void field_str(cc_buf *b, const char *key, const char *s, size_t n)
{
    char *o = field_open(b, key, JSON_STR_ROOM(n));
    if (o)
        field_close(b, put_str(o, s, n));
}

/* ,"key": and the NUL-terminated string s or null. */
static void field_s(cc_buf *b, const char *key, const char *s)
{
    field_str(b, key, s, s ? strlen(s) : 0);
}

/* ,"key": and a number or null. */
static void field_n(cc_buf *b, const char *key, bool has, double v)
{
    char *o = field_open(b, key, JSON_NUM_ROOM);
    if (o)
        field_close(b, put_num(o, has, v));
}

/* ,"key": and a count. */
static void field_count(cc_buf *b, const char *key, size_t n)
{
    char *o = field_open(b, key, 20);
    if (o)
        field_close(b, o + cc_fmt_u64(n, o));
}

/* Hands b to out once it holds JSON_SPILL bytes, or at the end (last):
 * a few large writes instead of one per record. False once b ran out of
 * memory. */
static bool json_spill(cc_buf *b, FILE *out, bool last)
{
    return (!last && b->len < JSON_SPILL) || cc_buf_write(b, out);
}

/* A source's display name. */
const char *cc_source_name(const cc_article *a)
{
    return a->outlet ? a->outlet : a->id;
}

/* True when an editor has dismissed f (see output.h). */
bool cc_finding_dismissed(const cc_finding *f)
{
    return f->review && cc_review_parse(f->review) == CC_R_DISMISSED;
}

/* {"type":"article",...} */
void cc_json_article(const cc_cluster *cl, size_t ai, cc_buf *b)
{
    const cc_article *a = &cl->articles.v[ai];
    char day[11];
    cc_buf_puts(b, "{\"type\":\"article\"");
    field_s(b, "id", a->id);
    field_s(b, "title", a->title);
    field_s(b, "outlet", a->outlet);
    field_s(b, "url", a->url);
    field_s(b, "published", a->published == CC_NO_DAY ? NULL : cc_day_format(a->published, day));
    field_s(b, "published_from", cc_pub_from_name(a->published_from));
    field_count(b, "claims", a->n_claims);
    cc_buf_add(b, "}\n", 2);
}

/* {"type":"claim",...} */
void cc_json_claim(const cc_cluster *cl, size_t ci, cc_buf *b)
{
    const cc_claim *c = &cl->claims.v[ci];
    const cc_article *a = &cl->articles.v[c->article];
    char day[11];
    cc_buf_puts(b, "{\"type\":\"claim\"");
    field_s(b, "id", c->id);
    field_s(b, "article", a->id);
    field_count(b, "start", c->start);
    field_count(b, "end", c->end);
    field_str(b, "text", a->body + c->start, c->end - c->start);
    field_s(b, "class", cc_class_name(c->cls));
    field_s(b, "kind", cc_kind_name(cl->rules, c->kind));
    field_s(b, "key", c->key);
    field_n(b, "value", c->has_value, c->value);
    field_n(b, "lo", c->has_lo, c->lo);
    field_n(b, "hi", c->has_hi, c->hi);
    field_s(b, "qualifier", cc_qualifier_name(c->qual));
    field_s(b, "change", cc_change_name(c->change));
    field_s(b, "change_role", cc_change_role_name(c->change_role));
    field_s(b, "unit", c->unit);
    field_s(b, "timex", c->timex);
    field_s(b, "attribution", c->attribution);
    field_s(b, "scope", c->scope_all ? "all" : NULL);
    field_s(b, "date", c->day == CC_NO_DAY ? NULL : cc_day_format(c->day, day));
    field_s(b, "event", c->event);
    field_s(b, "place", c->place);
    cc_buf_add(b, "}\n", 2);
}

/* ,"key": and a JSON array of ids: claim ids, or article ids when
 * articles. */
static void field_ids(cc_buf *b, const char *key, const cc_cluster *cl, const size_t *v, size_t n,
                      bool articles)
{
    char *o = field_open(b, key, 1);
    if (!o)
        return;
    *o++ = '[';
    field_close(b, o);
    for (size_t i = 0; i < n; i++) {
        const char *id = articles ? cl->articles.v[v[i]].id : cl->claims.v[v[i]].id;
        size_t len = strlen(id);
        if (!(o = cc_buf_room(b, 1 + JSON_STR_ROOM(len))))
            return;
        if (i)
            *o++ = ',';
        field_close(b, put_str(o, id, len));
    }
    cc_buf_putc(b, ']');
}

/* {"type":"group",...} */
static void json_group(const cc_cluster *cl, size_t gi, cc_buf *b)
{
    const cc_group *g = &cl->groups.v[gi];
    cc_buf_puts(b, "{\"type\":\"group\"");
    field_s(b, "id", g->id);
    field_s(b, "kind", cc_kind_name(cl->rules, g->kind));
    field_s(b, "key", g->key);
    field_ids(b, "claims", cl, g->claims, g->n_claims, false);
    field_ids(b, "articles", cl, g->articles, g->n_articles, true);
    field_s(b, "verdict", cc_verdict_name(g->verdict));
    cc_buf_add(b, "}\n", 2);
}

/* {"type":"finding",...} */
static void json_finding(const cc_cluster *cl, size_t fi, cc_buf *b)
{
    const cc_finding *f = &cl->findings.v[fi];
    cc_buf_puts(b, "{\"type\":\"finding\"");
    field_s(b, "id", f->id);
    field_s(b, "group", f->group == CC_NONE ? NULL : cl->groups.v[f->group].id);
    field_s(b, "category", cc_category_name(f->category));
    field_s(b, "severity", cc_severity_name(f->severity));
    field_ids(b, "claims", cl, f->claims, f->n_claims, false);
    field_s(b, "message", f->message);
    cc_buf_add(b, "}\n", 2);
}

/* Writes the NDJSON stream (see claimcheck.h and docs/ndjson.md) through
 * a buffer owned here, spilled to out every JSON_SPILL bytes. */
cc_error cc_cluster_write_json(const cc_cluster *cl, FILE *out, unsigned flags)
{
    cc_buf b = {0};
    bool ok = true, all = !(flags & CC_JSON_CLAIMS_ONLY);
    for (size_t i = 0; ok && i < cl->articles.n; i++) {
        cc_json_article(cl, i, &b);
        ok = json_spill(&b, out, false);
    }
    for (size_t i = 0; ok && i < cl->claims.n; i++) {
        cc_json_claim(cl, i, &b);
        ok = json_spill(&b, out, false);
    }
    for (size_t i = 0; ok && all && i < cl->groups.n; i++) {
        json_group(cl, i, &b);
        ok = json_spill(&b, out, false);
    }
    for (size_t i = 0; ok && all && i < cl->findings.n; i++) {
        json_finding(cl, i, &b);
        ok = json_spill(&b, out, false);
    }
    ok = json_spill(&b, out, true) && ok;
    cc_buf_free(&b);
    if (!ok)
        return CC_ERROR_MEMORY;
    return ferror(out) ? CC_ERROR_IO : CC_OK;
}

/* Writes a number for the golden form: integers without a fraction. */
static void golden_num(FILE *out, bool has, double v)
{
    if (!has)
        fputs("-", out);
    else
        fprintf(out, "%.10g", v);
}

/* One golden line for a claim: everything that judging depends on. */
static void golden_claim(const cc_cluster *cl, size_t ci, FILE *out)
{
    const cc_claim *c = &cl->claims.v[ci];
    const cc_article *a = &cl->articles.v[c->article];
    fprintf(out, "claim %s \"%.*s\" %s %s key=%s value=", c->id, (int)(c->end - c->start),
            a->body + c->start, cc_class_name(c->cls), cc_kind_name(cl->rules, c->kind), c->key);
    golden_num(out, c->has_value, c->value);
    fputs(" [", out);
    golden_num(out, c->has_lo, c->lo);
    fputc(',', out);
    golden_num(out, c->has_hi, c->hi);
    char day[11];
    fprintf(out, "] %s%s", cc_qualifier_name(c->qual), c->scope_all ? " scope=all" : "");
    if (c->change != CC_CHANGE_NONE) /* only when stated: other lines stay as they were */
        fprintf(out, " change=%s:%s", cc_change_name(c->change),
                cc_change_role_name(c->change_role));
    fprintf(out, " unit=%s timex=%s place=%s source=%s%s%s\n", c->unit ? c->unit : "-",
            c->timex ? c->timex : "-", c->place ? c->place : "-",
            c->attribution ? c->attribution : "-", c->has_ref && c->day != CC_NO_DAY ? " day=" : "",
            c->has_ref ? cc_day_format(c->day, day) : "");
}

/* Writes the reviewable golden form used by fixtures: one line per
 * article, claim, group and finding, stable across runs. */
cc_error cc_cluster_write_golden(const cc_cluster *cl, FILE *out)
{
    char day[11];
    fputs("# claimcheck golden output v1: articles, claims, groups, findings\n", out);
    for (size_t i = 0; i < cl->articles.n; i++) {
        const cc_article *a = &cl->articles.v[i];
        fprintf(out, "article %s published=%s from=%s claims=%zu\n", a->id,
                a->published == CC_NO_DAY ? "-" : cc_day_format(a->published, day),
                cc_pub_from_name(a->published_from), a->n_claims);
    }
    for (size_t i = 0; i < cl->claims.n; i++)
        golden_claim(cl, i, out);
    for (size_t i = 0; i < cl->groups.n; i++) {
        const cc_group *g = &cl->groups.v[i];
        fprintf(out, "group %s %s verdict=%s sources=%zu claims=%zu\n", g->id, g->key,
                cc_verdict_name(g->verdict), g->n_articles, g->n_claims);
    }
    for (size_t i = 0; i < cl->findings.n; i++) {
        const cc_finding *f = &cl->findings.v[i];
        fprintf(out, "finding %s %s %s: %s\n", f->id, cc_severity_name(f->severity),
                cc_category_name(f->category), f->message);
    }
    return ferror(out) ? CC_ERROR_IO : CC_OK;
}

/* Counts groups and findings into t (see output.h). */
void cc_tally_count(const cc_cluster *cl, cc_tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < cl->groups.n; i++)
        if ((unsigned)cl->groups.v[i].verdict < CC_V_MAX)
            t->verdicts[cl->groups.v[i].verdict]++;
    for (size_t i = 0; i < cl->findings.n; i++) {
        const cc_finding *f = &cl->findings.v[i];
        if ((unsigned)f->severity < CC_SEV_MAX)
            t->severities[f->severity]++;
        if ((unsigned)f->category < CC_F_MAX)
            t->categories[f->category]++;
        t->fresh += f->is_new;
    }
}

/* Lists what changed since the last run (new, then resolved findings),
 * leaving out single-source notes. */
static void write_changes(const cc_cluster *cl, size_t n_new, FILE *out)
{
    fprintf(out, "since the last run: %zu new, %zu resolved findings\n", n_new, cl->resolved.n);
    for (size_t i = 0; i < cl->findings.n; i++) {
        const cc_finding *f = &cl->findings.v[i];
        if (f->is_new && f->category != CC_F_SINGLE)
            fprintf(out, "  new      [%s] %s\n", cc_severity_name(f->severity), f->message);
    }
    const char *single = cc_category_name(CC_F_SINGLE); /* resolved ones keep the name */
    for (size_t i = 0; i < cl->resolved.n; i++) {
        const cc_resolved *x = &cl->resolved.v[i];
        if (x->category && strcmp(x->category, single) != 0)
            fprintf(out, "  resolved [%s] %s\n", x->severity ? x->severity : "?",
                    x->message ? x->message : "");
    }
}

/* One line per finding with its editor status (`claimcheck review`). */
void cc_cluster_write_findings(const cc_cluster *cl, FILE *out)
{
    for (size_t i = 0; i < cl->findings.n; i++) {
        const cc_finding *f = &cl->findings.v[i];
        fprintf(out, "%s  %-6s %-12s %-15s %s\n", f->id, cc_severity_name(f->severity),
                cc_category_name(f->category), f->review ? f->review : "open", f->message);
    }
}

/* The short human summary printed by `claimcheck check`. Dismissed
 * findings stay out of the top list; reviewed ones say so. */
void cc_cluster_write_summary(const cc_cluster *cl, FILE *out)
{
    size_t shown = 0;
    cc_tally t;
    cc_tally_count(cl, &t);
    const size_t *v = t.verdicts, *s = t.severities;
    fprintf(out, "%zu articles, %zu claims, %zu groups\n", cl->articles.n, cl->claims.n,
            cl->groups.n);
    fprintf(out,
            "groups: %zu agree, %zu conflict, %zu discrepancy, %zu updated, %zu single-source\n",
            v[CC_V_AGREE], v[CC_V_CONFLICT], v[CC_V_DISCREPANCY], v[CC_V_UPDATED], v[CC_V_SINGLE]);
    fprintf(out, "findings: %zu high, %zu medium, %zu low\n", s[CC_SEV_HIGH], s[CC_SEV_MEDIUM],
            s[CC_SEV_LOW]);
    if (cl->has_history)
        write_changes(cl, t.fresh, out);
    if (cl->findings.n)
        fputs("\ntop findings:\n", out);
    for (size_t i = 0; i < cl->findings.n && shown < 10; i++) {
        const cc_finding *f = &cl->findings.v[i];
        if (f->category == CC_F_SINGLE || cc_finding_dismissed(f))
            continue;
        fprintf(out, "  [%-6s] %-12s %s%s%s\n", cc_severity_name(f->severity),
                cc_category_name(f->category), f->message, f->review ? " — " : "",
                f->review ? f->review : "");
        shown++;
    }
}
