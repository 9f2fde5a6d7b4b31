/* cluster.c: the cluster handle and the public API that drives the stages
 * (ingest -> extract -> align -> judge -> store/report). */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

/* Creates an empty cluster; caller frees with cc_cluster_free. */
cc_cluster *cc_cluster_new(const cc_rules *rules, cc_diag_fn diag, void *ud)
{
    cc_cluster *cl = calloc(1, sizeof *cl);
    if (!cl)
        return NULL;
    cl->rules = rules;
    cl->diag = diag;
    cl->diag_ud = ud;
    return cl;
}

/* Frees one claim's strings. */
static void claim_clear(cc_claim *c)
{
    free(c->id);
    free(c->key);
    free(c->unit);
    free(c->timex);
    free(c->event);
    free(c->place);
    free(c->attribution);
}

/* Frees everything the cluster owns; accepts NULL and partial clusters. */
void cc_cluster_free(cc_cluster *cl)
{
    if (!cl)
        return;
    for (size_t i = 0; i < cl->articles.n; i++) {
        cc_article *a = &cl->articles.v[i];
        free(a->id);
        free(a->path);
        free(a->title);
        free(a->outlet);
        free(a->url);
        free(a->body);
    }
    for (size_t i = 0; i < cl->claims.n; i++)
        claim_clear(&cl->claims.v[i]);
    for (size_t i = 0; i < cl->groups.n; i++) {
        free(cl->groups.v[i].id);
        free(cl->groups.v[i].key);
        free(cl->groups.v[i].claims);
        free(cl->groups.v[i].articles);
    }
    for (size_t i = 0; i < cl->findings.n; i++) {
        free(cl->findings.v[i].id);
        free(cl->findings.v[i].claims);
        free(cl->findings.v[i].message);
    }
    free(cl->articles.v);
    free(cl->claims.v);
    free(cl->groups.v);
    free(cl->findings.v);
    free(cl);
}

/* Looks up a name in a table, "?" when out of range. */
static const char *name_of(const char *const *tab, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? tab[v] : "?";
}
#define NAME_OF(tab, v) name_of(tab, sizeof tab / sizeof *tab, (int)(v))

/* NDJSON spellings of the enums (docs/ndjson.md). */
const char *cc_class_name(cc_class c)
{
    static const char *const t[] = {"count",    "amount", "percent", "money", "ordinal",
                                    "duration", "date",   "time",    "set",   "name",
                                    "skip"};
    return NAME_OF(t, c);
}

const char *cc_qualifier_name(cc_qualifier q)
{
    static const char *const t[] = {"exact",     "approx",   "more_than", "at_least",
                                    "less_than", "at_most",  "range",     "vague"};
    return NAME_OF(t, q);
}

const char *cc_verdict_name(cc_verdict v)
{
    static const char *const t[] = {"none",    "agree",  "conflict", "discrepancy",
                                    "updated", "single"};
    return NAME_OF(t, v);
}

const char *cc_category_name(cc_category c)
{
    static const char *const t[] = {"conflict", "discrepancy", "updated",
                                    "name_variant", "agree", "single"};
    return NAME_OF(t, c);
}

const char *cc_severity_name(cc_severity s)
{
    static const char *const t[] = {"high", "medium", "low"};
    return NAME_OF(t, s);
}

const char *cc_pub_from_name(cc_pub_from p)
{
    static const char *const t[] = {"none", "metadata", "text", "cluster"};
    return NAME_OF(t, p);
}

/* Static descriptions of cc_error values. */
const char *cc_strerror(cc_error err)
{
    static const char *const t[] = {"success",
                                    "out of memory",
                                    "input/output error",
                                    "invalid input article",
                                    "invalid rule file",
                                    "regular expression error",
                                    "database error",
                                    "workbook error",
                                    "no usable article"};
    return NAME_OF(t, err);
}
