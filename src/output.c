/* output.c: NDJSON (docs/ndjson.md), golden text and summary writers. */
#include "output.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* Bytes an n-byte string may take escaped ("\u00XX" is 6 bytes per input
 * byte) with its quotes. */
#define JSON_STR_ROOM(n) (6 * (n) + 4)
/* Bytes a number may take: cc_fmt_g15's room, which also holds null and a
 * sign with 20 digits. */
#define JSON_NUM_ROOM CC_FMT_G15_ROOM
/* NDJSON collects this much before one fwrite hands it to stdio. */
#define JSON_SPILL ((size_t)64 * 1024)

/* Writes byte c as JSON string contents at o; returns the end. Quotes,
 * backslashes and control characters are escaped, other bytes copied. */
static char *put_char(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    if (!cc_json_escaped(c)) {
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

/* Writes s[0:n) as JSON string contents at o, a byte at a time; returns
 * the end. For words that need an escape and strings too short for one;
 * kept out of line so that put_escaped's fast path saves few registers. */
__attribute__((noinline)) static char *put_chars(char *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        o = put_char(o, (unsigned char)s[i]);
    return o;
}

/* The 8 bytes at s as a word: a plain move, where memcpy of a variable
 * size is a call. */
static uint64_t load8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

/* The 4 bytes at s as a word, as load8. */
static uint32_t load4(const char *s)
{
    uint32_t w;
    memcpy(&w, s, 4);
    return w;
}

/* put_escaped for n > 16: eight bytes at a time while a word needs no
 * escape (most strings have none), the last 1 to 8 as the word that ends
 * the string, and byte by byte only through a word that needs an escape.
 * That last word overlaps bytes already written, as they were when it
 * needs no escape (put_char copies such bytes as is). Out of line: the
 * loop's registers would cost the short strings' calls. */
__attribute__((noinline)) static char *put_escaped_long(char *o, const char *s, size_t n)
{
    size_t i = 0;
    for (; n - i > 8; i += 8) {
        uint64_t w = load8(s + i);
        if (cc_word_json_escaped(w)) {
            o = put_chars(o, s + i, 8);
        } else {
            memcpy(o, &w, 8);
            o += 8;
        }
    }
    uint64_t last = load8(s + n - 8);
    if (cc_word_json_escaped(last))
        return put_chars(o, s + i, n - i);
    memcpy(o - (8 - (n - i)), &last, 8);
    return o + (n - i);
}

/* Copies s[0:n) as JSON string contents to o and returns the end; o has
 * room for 6n bytes. The input is valid UTF-8 (ingest guarantees it) and
 * copied as is. Most strings (ids, names, keys, claim texts) have 4 to 16
 * bytes and no escape: their first and last 4 or 8 bytes (they overlap)
 * are tested with one branch and copied as two words. */
static char *put_escaped(char *o, const char *s, size_t n)
{
    if (n > 16)
        return put_escaped_long(o, s, n);
    if (n >= 8) {
        uint64_t head = load8(s), tail = load8(s + n - 8);
        if (cc_word_json_mask(head) | cc_word_json_mask(tail))
            return put_chars(o, s, n);
        memcpy(o, &head, 8);
        memcpy(o + n - 8, &tail, 8);
        return o + n;
    }
    if (n < 4)
        return put_chars(o, s, n);
    uint32_t head = load4(s), tail = load4(s + n - 4);
    if (cc_word_json_escaped(head | (uint64_t)tail << 32))
        return put_chars(o, s, n);
    memcpy(o, &head, 4);
    memcpy(o + n - 4, &tail, 4);
    return o + n;
}

/* Writes s[0:n) as a JSON string to o, which has JSON_STR_ROOM(n) bytes;
 * returns the end. */
static char *put_str(char *o, const char *s, size_t n)
{
    *o++ = '"';
    o = put_escaped(o, s, n);
    *o++ = '"';
    return o;
}

/* Writes finite v to o, which has JSON_NUM_ROOM bytes; returns the end.
 * Whole numbers (nearly all) are written as plain digits, as "%.15g"
 * prints them, others by cc_fmt_g15. */
static char *put_num(char *o, double v)
{
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

/* Bytes a record field may take besides 6 per byte of its strings: its
 * key (names of up to 19 bytes), then a number, a count, null or a
 * string's quotes. */
#define FIELD_ROOM (23 + JSON_NUM_ROOM)

/* A field's key piece ,"name": followed in memory by null, and the key's
 * length: the arguments key, key_n of the put_*_field writers. Literal
 * names make each key copy a few moves; a name over 19 bytes (more than
 * FIELD_ROOM has room for) does not compile. */
#define KEY(name)                                                                                  \
    ",\"" name "\":null",                                                                          \
        sizeof(",\"" name "\":") - 1 + 0 * sizeof(char[sizeof(name) <= 20 ? 1 : -1])

/* Copies the n bytes at s to o; returns the end. */
static inline char *put_bytes(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return o + n;
}

/* A string field value: s[0:n), or null when s is NULL. Borrowed. */
typedef struct jstr {
    const char *s;
    size_t n;
} jstr;

/* The string field value s (NULL gives null), measured once. */
static jstr js(const char *s)
{
    return (jstr){s, s ? strlen(s) : 0};
}

/* A record being written: where its next field goes and, for the
 * asserts of debug builds, the room it has left. A record reserves its
 * room once from a field count and its strings' lengths kept by hand, so
 * each field takes its share and a field the count or the lengths miss
 * fails the assert in the tests instead of writing past the room. */
typedef struct rec {
    char *o;
    long left;
} rec;

/* Takes a field's share of r's room: FIELD_ROOM and 6 per string byte
 * (extra, ids_room's bytes for an id array). */
static inline void take_room(rec *r, size_t extra)
{
    r->left -= (long)(FIELD_ROOM + extra);
    assert(r->left >= 0 && "a record field outside its room: see RECORD_OPEN's count");
}

/* Writes key and v at r; a null is copied with its key in one piece (see
 * KEY). */
static inline void put_str_field(rec *r, const char *key, size_t key_n, jstr v)
{
    take_room(r, 6 * v.n);
    r->o = !v.s ? put_bytes(r->o, key, key_n + 4) : put_str(put_bytes(r->o, key, key_n), v.s, v.n);
}

/* Writes key and v, or null unless has and v is finite, at r. */
static inline void put_num_field(rec *r, const char *key, size_t key_n, bool has, double v)
{
    take_room(r, 0);
    r->o = !has || !isfinite(v) ? put_bytes(r->o, key, key_n + 4)
                                : put_num(put_bytes(r->o, key, key_n), v);
}

/* Writes key and the count n at r. */
static inline void put_count_field(rec *r, const char *key, size_t key_n, size_t n)
{
    take_room(r, 0);
    r->o = put_bytes(r->o, key, key_n);
    r->o += cc_fmt_u64(n, r->o);
}

/* The id of claim (or article) i of cl. */
static const char *id_of(const cc_cluster *cl, size_t i, bool articles)
{
    return articles ? cl->articles.v[i].id : cl->claims.v[i].id;
}

/* Bytes put_ids_field may take besides FIELD_ROOM (id lengths are not
 * kept, so they are measured here and again when written). */
static size_t ids_room(const cc_cluster *cl, const size_t *ids, size_t n, bool articles)
{
    size_t room = 2;
    for (size_t i = 0; i < n; i++)
        room += 1 + JSON_STR_ROOM(strlen(id_of(cl, ids[i], articles)));
    return room;
}

/* Writes key and a JSON array of the ids of the n claims (articles when
 * articles) listed in ids at r; room is their ids_room. */
static void put_ids_field(rec *r, const char *key, size_t key_n, const cc_cluster *cl,
                          const size_t *ids, size_t n, bool articles, size_t room)
{
    take_room(r, room);
    char *o = put_bytes(r->o, key, key_n);
    *o++ = '[';
    for (size_t i = 0; i < n; i++) {
        const char *id = id_of(cl, ids[i], articles);
        if (i)
            *o++ = ',';
        o = put_str(o, id, strlen(id));
    }
    *o++ = ']';
    r->o = o;
}

/* Makes room in b for a record of n_fields fields that take extra bytes
 * besides their FIELD_ROOM (6 per string byte, ids_room), and writes its
 * head {"type":"<type>" (head_n bytes). Returns the record for its fields
 * and record_close; its o is NULL on oom (the record is left out). */
static inline rec record_open(cc_buf *b, const char *head, size_t head_n, size_t n_fields,
                              size_t extra)
{
    size_t room = n_fields * FIELD_ROOM + extra;
    char *o = cc_buf_room(b, head_n + room + 2);
    return (rec){o ? put_bytes(o, head, head_n) : NULL, (long)room};
}
#define RECORD_OPEN(b, type, n_fields, extra)                                                      \
    record_open((b), "{\"type\":\"" type "\"", sizeof("{\"type\":\"" type "\"") - 1, (n_fields),   \
                (extra))

/* Ends record r and hands it to b: its fields took exactly the room it
 * was given (debug builds check). */
static void record_close(cc_buf *b, const rec *r)
{
    assert(r->left == 0 && "record fields and RECORD_OPEN's count or lengths differ");
    r->o[0] = '}';
    r->o[1] = '\n';
    cc_buf_commit(b, (size_t)(r->o + 2 - (b->p + b->len)));
}

/* {"type":"article",...} */
void cc_json_article(const cc_cluster *cl, size_t ai, cc_buf *b)
{
    const cc_article *a = &cl->articles.v[ai];
    char day[11];
    jstr id = js(a->id), title = js(a->title), outlet = js(a->outlet), url = js(a->url),
         published = js(a->published == CC_NO_DAY ? NULL : cc_day_format(a->published, day)),
         from = js(cc_pub_from_name(a->published_from));
    rec r = RECORD_OPEN(b, "article", 7,
                        6 * (id.n + title.n + outlet.n + url.n + published.n + from.n));
    if (!r.o)
        return;
    put_str_field(&r, KEY("id"), id);
    put_str_field(&r, KEY("title"), title);
    put_str_field(&r, KEY("outlet"), outlet);
    put_str_field(&r, KEY("url"), url);
    put_str_field(&r, KEY("published"), published);
    put_str_field(&r, KEY("published_from"), from);
    put_count_field(&r, KEY("claims"), a->n_claims);
    record_close(b, &r);
}

/* {"type":"claim",...}: the bulk of extract's output. */
void cc_json_claim(const cc_cluster *cl, size_t ci, cc_buf *b)
{
    const cc_claim *c = &cl->claims.v[ci];
    const cc_article *a = &cl->articles.v[c->article];
    char day[11];
    jstr id = js(c->id), art = js(a->id), text = {a->body + c->start, c->end - c->start},
         cls = js(cc_class_name(c->cls)), kind = js(cc_kind_name(cl->rules, c->kind)),
         key = js(c->key), qual = js(cc_qualifier_name(c->qual)),
         change = js(cc_change_name(c->change)), role = js(cc_change_role_name(c->change_role)),
         unit = js(c->unit), timex = js(c->timex), attribution = js(c->attribution),
         scope = js(c->scope_all ? "all" : NULL),
         date = js(c->day == CC_NO_DAY ? NULL : cc_day_format(c->day, day)), event = js(c->event),
         place = js(c->place);
    rec r = RECORD_OPEN(b, "claim", 21,
                        6 * (id.n + art.n + text.n + cls.n + kind.n + key.n + qual.n + change.n +
                             role.n + unit.n + timex.n + attribution.n + scope.n + date.n +
                             event.n + place.n));
    if (!r.o)
        return;
    put_str_field(&r, KEY("id"), id);
    put_str_field(&r, KEY("article"), art);
    put_count_field(&r, KEY("start"), c->start);
    put_count_field(&r, KEY("end"), c->end);
    put_str_field(&r, KEY("text"), text);
    put_str_field(&r, KEY("class"), cls);
    put_str_field(&r, KEY("kind"), kind);
    put_str_field(&r, KEY("key"), key);
    put_num_field(&r, KEY("value"), c->has_value, c->value);
    put_num_field(&r, KEY("lo"), c->has_lo, c->lo);
    put_num_field(&r, KEY("hi"), c->has_hi, c->hi);
    put_str_field(&r, KEY("qualifier"), qual);
    put_str_field(&r, KEY("change"), change);
    put_str_field(&r, KEY("change_role"), role);
    put_str_field(&r, KEY("unit"), unit);
    put_str_field(&r, KEY("timex"), timex);
    put_str_field(&r, KEY("attribution"), attribution);
    put_str_field(&r, KEY("scope"), scope);
    put_str_field(&r, KEY("date"), date);
    put_str_field(&r, KEY("event"), event);
    put_str_field(&r, KEY("place"), place);
    record_close(b, &r);
}

/* {"type":"group",...} */
static void json_group(const cc_cluster *cl, size_t gi, cc_buf *b)
{
    const cc_group *g = &cl->groups.v[gi];
    jstr id = js(g->id), kind = js(cc_kind_name(cl->rules, g->kind)), key = js(g->key),
         verdict = js(cc_verdict_name(g->verdict));
    size_t claims = ids_room(cl, g->claims, g->n_claims, false),
           articles = ids_room(cl, g->articles, g->n_articles, true);
    rec r = RECORD_OPEN(b, "group", 6, 6 * (id.n + kind.n + key.n + verdict.n) + claims + articles);
    if (!r.o)
        return;
    put_str_field(&r, KEY("id"), id);
    put_str_field(&r, KEY("kind"), kind);
    put_str_field(&r, KEY("key"), key);
    put_ids_field(&r, KEY("claims"), cl, g->claims, g->n_claims, false, claims);
    put_ids_field(&r, KEY("articles"), cl, g->articles, g->n_articles, true, articles);
    put_str_field(&r, KEY("verdict"), verdict);
    record_close(b, &r);
}

/* {"type":"finding",...} */
static void json_finding(const cc_cluster *cl, size_t fi, cc_buf *b)
{
    const cc_finding *f = &cl->findings.v[fi];
    jstr id = js(f->id), group = js(f->group == CC_NONE ? NULL : cl->groups.v[f->group].id),
         category = js(cc_category_name(f->category)), severity = js(cc_severity_name(f->severity)),
         message = js(f->message);
    size_t claims = ids_room(cl, f->claims, f->n_claims, false);
    rec r = RECORD_OPEN(b, "finding", 6,
                        6 * (id.n + group.n + category.n + severity.n + message.n) + claims);
    if (!r.o)
        return;
    put_str_field(&r, KEY("id"), id);
    put_str_field(&r, KEY("group"), group);
    put_str_field(&r, KEY("category"), category);
    put_str_field(&r, KEY("severity"), severity);
    put_ids_field(&r, KEY("claims"), cl, f->claims, f->n_claims, false, claims);
    put_str_field(&r, KEY("message"), message);
    record_close(b, &r);
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
