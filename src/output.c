/* output.c: NDJSON (docs/ndjson.md), golden text and summary writers. */
#include "output.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* Bytes a field may take besides its key: an n-byte string escaped
 * ("\u00XX" is 6 bytes per input byte) with its quotes, or "null". */
#define JSON_STR_ROOM(n) (6 * (n) + 4)
/* Bytes a number field may take besides its key: cc_fmt_g15's room,
 * which also holds null and a sign with 20 digits. */
#define JSON_NUM_ROOM CC_FMT_G15_ROOM
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

/* Writes byte c as JSON string contents at o; returns the end. Quotes,
 * backslashes and control characters are escaped, other bytes copied. */
static char *put_char(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    if (!needs_escape(c)) {
        *o++ = (char)c;
        return o;
    }
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
    return o;
}

/* The m <= 8 bytes at s as a word, padded with spaces: pieces of fixed
 * size, which compile to plain moves where memcpy(&w, s, m) is a call. */
static uint64_t load_word(const char *s, size_t m)
{
    unsigned char t[8] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
    uint64_t w;
    if (m == 8) {
        memcpy(&w, s, 8);
        return w;
    }
    size_t k = 0;
    if (m & 4) {
        memcpy(t, s, 4);
        k = 4;
    }
    if (m & 2) {
        memcpy(t + k, s + k, 2);
        k += 2;
    }
    if (m & 1)
        t[k] = (unsigned char)s[k];
    memcpy(&w, t, 8);
    return w;
}

/* Copies s[0:n) as JSON string contents to o and returns the end; o has
 * room for 6n bytes and, when n > 0, for 8 at least. The input is valid
 * UTF-8 (ingest guarantees it) and copied as is: eight bytes at a time
 * while a word needs no escape (most strings have none), the last few
 * bytes as one word padded with spaces, and byte by byte only through a
 * word that needs an escape. */
static char *put_escaped(char *o, const char *s, size_t n)
{
    while (n > 0) {
        size_t m = n < 8 ? n : 8;
        uint64_t w = load_word(s, m);
        if (word_needs_escape(w)) {
            for (size_t i = 0; i < m; i++)
                o = put_char(o, (unsigned char)s[i]);
        } else {
            memcpy(o, &w, 8); /* past m: padding the next writes replace */
            o += m;
        }
        s += m;
        n -= m;
    }
    return o;
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
 * JSON_NUM_ROOM bytes; returns the end. Whole numbers (nearly all) are
 * written as plain digits, as "%.15g" prints them, others by cc_fmt_g15. */
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
    return o + cc_fmt_g15(v, o);
}

/* Hands b to out once it holds JSON_SPILL bytes, or at the end (last):
 * a few large writes instead of one per record (see output.h). */
bool cc_json_spill(cc_buf *b, FILE *out, bool last)
{
    return (!last && b->len < JSON_SPILL && !b->oom) || cc_buf_write(b, out);
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

/* A record key spelled ,"name": and padded to 24 bytes with its length
 * in the last one, so that it is copied with one fixed-size move. */
typedef struct json_key {
    char s[23];
    unsigned char n;
} json_key;
#define JSON_KEY(k)                                                                                \
    {                                                                                              \
        ",\"" k "\":", sizeof(",\"" k "\":") - 1                                                   \
    }

/* How a record field's value is written. */
typedef enum jv_type { JV_STR, JV_NUM, JV_COUNT, JV_IDS } jv_type;

/* One field value: a string s[0:n) (null when s is NULL), a number v
 * (null unless has), a count n, or a JSON array of the ids of n claims
 * (of articles when has) listed in ids. Borrowed from the cluster. */
typedef struct jval {
    jv_type t;
    bool has;
    const char *s;
    size_t n;
    double v;
    const size_t *ids;
} jval;

/* A string field value of known length. */
static jval jv_sn(const char *s, size_t n)
{
    return (jval){JV_STR, false, s, n, 0, NULL};
}

/* A NUL-terminated string field value, or null. */
static jval jv_s(const char *s)
{
    return jv_sn(s, s ? strlen(s) : 0);
}

/* A number field value, or null. */
static jval jv_num(bool has, double v)
{
    return (jval){JV_NUM, has, NULL, 0, v, NULL};
}

/* A count field value. */
static jval jv_count(size_t n)
{
    return (jval){JV_COUNT, false, NULL, n, 0, NULL};
}

/* An array of claim ids (article ids when articles). */
static jval jv_ids(const size_t *ids, size_t n, bool articles)
{
    return (jval){JV_IDS, articles, NULL, n, 0, ids};
}

/* The id of claim (or article) i of cl. */
static const char *id_of(const cc_cluster *cl, size_t i, bool articles)
{
    return articles ? cl->articles.v[i].id : cl->claims.v[i].id;
}

/* Bytes v may take once written; measures id arrays (their lengths are
 * not kept). */
static size_t jv_room(const cc_cluster *cl, const jval *v)
{
    if (v->t == JV_STR)
        return JSON_STR_ROOM(v->n);
    if (v->t == JV_NUM)
        return JSON_NUM_ROOM;
    if (v->t == JV_COUNT)
        return 20;
    size_t room = 2;
    for (size_t i = 0; i < v->n; i++)
        room += 1 + JSON_STR_ROOM(strlen(id_of(cl, v->ids[i], v->has)));
    return room;
}

/* Writes an array of ids at o (jv_room's room); returns the end. */
static char *put_ids(char *o, const cc_cluster *cl, const jval *v)
{
    *o++ = '[';
    for (size_t i = 0; i < v->n; i++) {
        const char *id = id_of(cl, v->ids[i], v->has);
        if (i)
            *o++ = ',';
        o = put_str(o, id, strlen(id));
    }
    *o++ = ']';
    return o;
}

/* Writes v at o (jv_room's room); returns the end. */
static char *put_val(char *o, const cc_cluster *cl, const jval *v)
{
    switch (v->t) {
    case JV_STR:
        return put_str(o, v->s, v->n);
    case JV_NUM:
        return put_num(o, v->has, v->v);
    case JV_COUNT:
        return o + cc_fmt_u64(v->n, o);
    default:
        return put_ids(o, cl, v);
    }
}

/* Appends head ({"type":"<type>") then keys[i]: vals[i] for n fields and
 * "}\n" to b, making room once for the whole record (nothing on oom). */
static void json_record(const cc_cluster *cl, cc_buf *b, const json_key *head, const json_key *keys,
                        const jval *vals, size_t n)
{
    size_t room = sizeof *head + 2;
    for (size_t i = 0; i < n; i++)
        room += sizeof *keys + jv_room(cl, &vals[i]);
    char *o = cc_buf_room(b, room);
    if (!o)
        return;
    memcpy(o, head, sizeof *head);
    o += head->n;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, &keys[i], sizeof *keys); /* the pad is overwritten next */
        o = put_val(o + keys[i].n, cl, &vals[i]);
    }
    o[0] = '}';
    o[1] = '\n';
    cc_buf_commit(b, (size_t)(o + 2 - (b->p + b->len)));
}

/* json_record for a record of type (a literal) over its key and value
 * arrays, which must pair up. */
#define JSON_RECORD(cl, b, type, keys, vals)                                                       \
    do {                                                                                           \
        static const json_key head_ = {"{\"type\":\"" type "\"",                                   \
                                       sizeof("{\"type\":\"" type "\"") - 1};                      \
        _Static_assert(sizeof(keys) / sizeof *(keys) == sizeof(vals) / sizeof *(vals),             \
                       "one value per key");                                                       \
        json_record((cl), (b), &head_, (keys), (vals), sizeof(keys) / sizeof *(keys));             \
    } while (0)

/* {"type":"article",...} */
void cc_json_article(const cc_cluster *cl, size_t ai, cc_buf *b)
{
    static const json_key keys[] = {
        JSON_KEY("id"),        JSON_KEY("title"),          JSON_KEY("outlet"), JSON_KEY("url"),
        JSON_KEY("published"), JSON_KEY("published_from"), JSON_KEY("claims")};
    const cc_article *a = &cl->articles.v[ai];
    char day[11];
    const jval vals[] = {
        jv_s(a->id),
        jv_s(a->title),
        jv_s(a->outlet),
        jv_s(a->url),
        jv_s(a->published == CC_NO_DAY ? NULL : cc_day_format(a->published, day)),
        jv_s(cc_pub_from_name(a->published_from)),
        jv_count(a->n_claims),
    };
    JSON_RECORD(cl, b, "article", keys, vals);
}

/* {"type":"claim",...} */
void cc_json_claim(const cc_cluster *cl, size_t ci, cc_buf *b)
{
    static const json_key keys[] = {
        JSON_KEY("id"),          JSON_KEY("article"),     JSON_KEY("start"), JSON_KEY("end"),
        JSON_KEY("text"),        JSON_KEY("class"),       JSON_KEY("kind"),  JSON_KEY("key"),
        JSON_KEY("value"),       JSON_KEY("lo"),          JSON_KEY("hi"),    JSON_KEY("qualifier"),
        JSON_KEY("change"),      JSON_KEY("change_role"), JSON_KEY("unit"),  JSON_KEY("timex"),
        JSON_KEY("attribution"), JSON_KEY("scope"),       JSON_KEY("date"),  JSON_KEY("event"),
        JSON_KEY("place")};
    const cc_claim *c = &cl->claims.v[ci];
    const cc_article *a = &cl->articles.v[c->article];
    char day[11];
    const jval vals[] = {
        jv_s(c->id),
        jv_s(a->id),
        jv_count(c->start),
        jv_count(c->end),
        jv_sn(a->body + c->start, c->end - c->start),
        jv_s(cc_class_name(c->cls)),
        jv_s(cc_kind_name(cl->rules, c->kind)),
        jv_s(c->key),
        jv_num(c->has_value, c->value),
        jv_num(c->has_lo, c->lo),
        jv_num(c->has_hi, c->hi),
        jv_s(cc_qualifier_name(c->qual)),
        jv_s(cc_change_name(c->change)),
        jv_s(cc_change_role_name(c->change_role)),
        jv_s(c->unit),
        jv_s(c->timex),
        jv_s(c->attribution),
        jv_s(c->scope_all ? "all" : NULL),
        jv_s(c->day == CC_NO_DAY ? NULL : cc_day_format(c->day, day)),
        jv_s(c->event),
        jv_s(c->place),
    };
    JSON_RECORD(cl, b, "claim", keys, vals);
}

/* {"type":"group",...} */
static void json_group(const cc_cluster *cl, size_t gi, cc_buf *b)
{
    static const json_key keys[] = {JSON_KEY("id"),     JSON_KEY("kind"),     JSON_KEY("key"),
                                    JSON_KEY("claims"), JSON_KEY("articles"), JSON_KEY("verdict")};
    const cc_group *g = &cl->groups.v[gi];
    const jval vals[] = {
        jv_s(g->id),
        jv_s(cc_kind_name(cl->rules, g->kind)),
        jv_s(g->key),
        jv_ids(g->claims, g->n_claims, false),
        jv_ids(g->articles, g->n_articles, true),
        jv_s(cc_verdict_name(g->verdict)),
    };
    JSON_RECORD(cl, b, "group", keys, vals);
}

/* {"type":"finding",...} */
static void json_finding(const cc_cluster *cl, size_t fi, cc_buf *b)
{
    static const json_key keys[] = {JSON_KEY("id"),       JSON_KEY("group"),  JSON_KEY("category"),
                                    JSON_KEY("severity"), JSON_KEY("claims"), JSON_KEY("message")};
    const cc_finding *f = &cl->findings.v[fi];
    const jval vals[] = {
        jv_s(f->id),
        jv_s(f->group == CC_NONE ? NULL : cl->groups.v[f->group].id),
        jv_s(cc_category_name(f->category)),
        jv_s(cc_severity_name(f->severity)),
        jv_ids(f->claims, f->n_claims, false),
        jv_s(f->message),
    };
    JSON_RECORD(cl, b, "finding", keys, vals);
}

/* Appends one record (record i of cl) to b. */
typedef void (*json_fn)(const cc_cluster *cl, size_t i, cc_buf *b);

/* Appends records 0..n-1 written by fn to b, spilling it to out as it
 * fills; false once b ran out of memory. */
static bool json_records(const cc_cluster *cl, json_fn fn, size_t n, cc_buf *b, FILE *out)
{
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        fn(cl, i, b);
        ok = cc_json_spill(b, out, false);
    }
    return ok;
}

/* Writes the NDJSON stream (see claimcheck.h and docs/ndjson.md) through
 * a buffer owned here, spilled to out every JSON_SPILL bytes. */
cc_error cc_cluster_write_json(const cc_cluster *cl, FILE *out, unsigned flags)
{
    cc_buf b = {0};
    bool ok = json_records(cl, cc_json_article, cl->articles.n, &b, out) &&
              json_records(cl, cc_json_claim, cl->claims.n, &b, out) &&
              ((flags & CC_JSON_CLAIMS_ONLY) ||
               (json_records(cl, json_group, cl->groups.n, &b, out) &&
                json_records(cl, json_finding, cl->findings.n, &b, out)));
    ok = cc_json_spill(&b, out, true) && ok;
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
