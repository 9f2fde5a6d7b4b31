/* output.c: NDJSON (docs/ndjson.md), golden text and summary writers. */
#include "output.h"

#include <math.h>
#include <string.h>

#include "util.h"

/* Writes s as a JSON string (or null). Control characters are escaped;
 * the input is valid UTF-8 (ingest guarantees it) and is copied as is. */
static void json_str(FILE *out, const char *s, size_t n)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    putc_unlocked('"', out);
    size_t run = 0; /* bytes before i that need no escape, written in one go */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        fwrite(s + run, 1, i - run, out);
        run = i + 1;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else
            fprintf(out, "\\u%04x", c);
    }
    fwrite(s + run, 1, n - run, out);
    putc_unlocked('"', out);
}

/* ,"key": */
static void field_key(FILE *out, const char *key)
{
    putc_unlocked(',', out);
    putc_unlocked('"', out);
    fputs(key, out);
    putc_unlocked('"', out);
    putc_unlocked(':', out);
}

/* "key": string field with a leading comma. */
static void field_s(FILE *out, const char *key, const char *s)
{
    field_key(out, key);
    json_str(out, s, s ? strlen(s) : 0);
}

/* "key": number or null. Whole numbers (nearly all) skip printf: "%.15g"
 * prints them as plain digits too. */
static void field_n(FILE *out, const char *key, bool has, double v)
{
    field_key(out, key);
    if (!has || !isfinite(v)) {
        fputs("null", out);
    } else if (v == (double)(long long)v && fabs(v) < 1e15) {
        char buf[24], *p = buf + sizeof buf;
        long long x = (long long)v;
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        do
            *--p = (char)('0' + u % 10);
        while (u /= 10);
        if (x < 0)
            *--p = '-';
        fwrite(p, 1, (size_t)(buf + sizeof buf - p), out);
    } else {
        fprintf(out, "%.15g", v);
    }
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
void cc_json_article(const cc_cluster *cl, size_t ai, FILE *out)
{
    const cc_article *a = &cl->articles.v[ai];
    char day[11];
    fputs("{\"type\":\"article\"", out);
    field_s(out, "id", a->id);
    field_s(out, "title", a->title);
    field_s(out, "outlet", a->outlet);
    field_s(out, "url", a->url);
    field_s(out, "published", a->published == CC_NO_DAY ? NULL : cc_day_format(a->published, day));
    field_s(out, "published_from", cc_pub_from_name(a->published_from));
    fprintf(out, ",\"claims\":%zu}\n", a->n_claims);
}

/* {"type":"claim",...} */
void cc_json_claim(const cc_cluster *cl, size_t ci, FILE *out)
{
    const cc_claim *c = &cl->claims.v[ci];
    const cc_article *a = &cl->articles.v[c->article];
    char day[11];
    fputs("{\"type\":\"claim\"", out);
    field_s(out, "id", c->id);
    field_s(out, "article", a->id);
    field_n(out, "start", true, (double)c->start);
    field_n(out, "end", true, (double)c->end);
    field_key(out, "text");
    json_str(out, a->body + c->start, c->end - c->start);
    field_s(out, "class", cc_class_name(c->cls));
    field_s(out, "kind", cc_kind_name(cl->rules, c->kind));
    field_s(out, "key", c->key);
    field_n(out, "value", c->has_value, c->value);
    field_n(out, "lo", c->has_lo, c->lo);
    field_n(out, "hi", c->has_hi, c->hi);
    field_s(out, "qualifier", cc_qualifier_name(c->qual));
    field_s(out, "change", cc_change_name(c->change));
    field_s(out, "change_role", cc_change_role_name(c->change_role));
    field_s(out, "unit", c->unit);
    field_s(out, "timex", c->timex);
    field_s(out, "attribution", c->attribution);
    field_s(out, "scope", c->scope_all ? "all" : NULL);
    field_s(out, "date", c->day == CC_NO_DAY ? NULL : cc_day_format(c->day, day));
    field_s(out, "event", c->event);
    field_s(out, "place", c->place);
    fputs("}\n", out);
}

/* Writes a JSON array of ids: claim ids (claims) or article ids. */
static void id_array(FILE *out, const cc_cluster *cl, const size_t *v, size_t n, bool articles)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        const char *id = articles ? cl->articles.v[v[i]].id : cl->claims.v[v[i]].id;
        if (i)
            fputc(',', out);
        json_str(out, id, strlen(id));
    }
    fputc(']', out);
}

/* {"type":"group",...} */
static void json_group(const cc_cluster *cl, size_t gi, FILE *out)
{
    const cc_group *g = &cl->groups.v[gi];
    fputs("{\"type\":\"group\"", out);
    field_s(out, "id", g->id);
    field_s(out, "kind", cc_kind_name(cl->rules, g->kind));
    field_s(out, "key", g->key);
    fputs(",\"claims\":", out);
    id_array(out, cl, g->claims, g->n_claims, false);
    fputs(",\"articles\":", out);
    id_array(out, cl, g->articles, g->n_articles, true);
    field_s(out, "verdict", cc_verdict_name(g->verdict));
    fputs("}\n", out);
}

/* {"type":"finding",...} */
static void json_finding(const cc_cluster *cl, size_t fi, FILE *out)
{
    const cc_finding *f = &cl->findings.v[fi];
    fputs("{\"type\":\"finding\"", out);
    field_s(out, "id", f->id);
    field_s(out, "group", f->group == CC_NONE ? NULL : cl->groups.v[f->group].id);
    field_s(out, "category", cc_category_name(f->category));
    field_s(out, "severity", cc_severity_name(f->severity));
    fputs(",\"claims\":", out);
    id_array(out, cl, f->claims, f->n_claims, false);
    field_s(out, "message", f->message);
    fputs("}\n", out);
}

/* Writes the NDJSON stream (see claimcheck.h and docs/ndjson.md). */
cc_error cc_cluster_write_json(const cc_cluster *cl, FILE *out, unsigned flags)
{
    for (size_t i = 0; i < cl->articles.n; i++)
        cc_json_article(cl, i, out);
    for (size_t i = 0; i < cl->claims.n; i++)
        cc_json_claim(cl, i, out);
    for (size_t i = 0; !(flags & CC_JSON_CLAIMS_ONLY) && i < cl->groups.n; i++)
        json_group(cl, i, out);
    for (size_t i = 0; !(flags & CC_JSON_CLAIMS_ONLY) && i < cl->findings.n; i++)
        json_finding(cl, i, out);
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
