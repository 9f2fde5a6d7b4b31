/* sample.c: see sample.h. */
#include "sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timex.h"
#include "util.h"

/* Adds an article; published is YYYY-MM-DD or NULL. */
static void add_article(cc_cluster *cl, const char *id, const char *outlet, const char *url,
                        const char *body, int32_t published)
{
    cc_article a = {0};
    a.id = cc_strdup(id);
    a.path = cc_strfmt("sample/%s.txt", id);
    a.title = cc_strfmt("Report %s", id);
    a.outlet = cc_strdup(outlet);
    a.url = cc_strdup(url);
    a.body = cc_strdup(body);
    a.body_len = strlen(body);
    a.published = published;
    a.published_from = published == CC_NO_DAY ? CC_PUB_CLUSTER : CC_PUB_METADATA;
    if (!CC_VEC_PUSH(cl->articles, a))
        abort(); /* tests stop on out-of-memory */
}

/* Adds a bare claim over body[start:end) of article art (see sample.h). */
cc_claim *cc_test_add_claim(cc_cluster *cl, size_t art, size_t start, size_t end)
{
    cc_claim c = {0};
    c.id = cc_strfmt("%s@%zu", cl->articles.v[art].id, start);
    c.article = art;
    c.start = start;
    c.end = end;
    c.day = CC_NO_DAY;
    c.group = CC_NONE;
    if (!CC_VEC_PUSH(cl->claims, c))
        abort(); /* tests stop on out-of-memory */
    cl->articles.v[art].n_claims++;
    return &cl->claims.v[cl->claims.n - 1];
}

/* Adds a claim over the first occurrence of text in article art's body. */
static size_t add_claim(cc_cluster *cl, size_t art, const char *text, cc_class cls, const char *key,
                        double value, cc_qualifier q)
{
    const cc_article *a = &cl->articles.v[art];
    size_t start = (size_t)(strstr(a->body, text) - a->body);
    cc_claim *c = cc_test_add_claim(cl, art, start, start + strlen(text));
    c->sent_start = 0;
    c->sent_end = a->body_len;
    c->cls = cls;
    c->key = cc_strdup(key);
    c->unit = cc_strdup(strchr(key, '/') + 1);
    c->has_value = c->has_lo = c->has_hi = true;
    c->value = c->lo = c->hi = value;
    c->scale = 1;
    c->qual = q;
    c->attribution = art == 1 ? cc_strdup("Health Ministry") : NULL;
    return cl->claims.n - 1;
}

/* Adds a group over the given claims (n of them) with a verdict. */
static size_t add_group(cc_cluster *cl, const char *id, const size_t *claims, size_t n,
                        cc_verdict v)
{
    cc_group g = {0};
    g.id = cc_strdup(id);
    g.key = cc_strdup(cl->claims.v[claims[0]].key);
    g.claims = malloc(n * sizeof *g.claims);
    g.articles = malloc(n * sizeof *g.articles);
    for (size_t i = 0; i < n; i++) {
        g.claims[g.n_claims++] = claims[i];
        cl->claims.v[claims[i]].group = cl->groups.n;
        size_t art = cl->claims.v[claims[i]].article;
        if (g.n_articles == 0 || g.articles[g.n_articles - 1] != art)
            g.articles[g.n_articles++] = art;
    }
    g.verdict = v;
    if (!CC_VEC_PUSH(cl->groups, g))
        abort(); /* tests stop on out-of-memory */
    return cl->groups.n - 1;
}

/* Adds a finding for group g citing its claims. */
static void add_finding(cc_cluster *cl, const char *id, size_t g, cc_category cat, cc_severity sev,
                        const char *msg)
{
    cc_finding f = {0};
    f.id = cc_strdup(id);
    f.group = g;
    f.category = cat;
    f.severity = sev;
    f.message = cc_strdup(msg);
    if (!CC_VEC_PUSH(cl->findings, f))
        abort(); /* tests stop on out-of-memory */
    const cc_group *gr = &cl->groups.v[g];
    cc_finding *in = &cl->findings.v[cl->findings.n - 1];
    in->claims = malloc(gr->n_claims * sizeof *in->claims);
    if (!in->claims && gr->n_claims)
        abort(); /* tests stop on out-of-memory */
    memcpy(in->claims, gr->claims, gr->n_claims * sizeof *in->claims);
    in->n_claims = gr->n_claims;
}

/* Builds the sample described in sample.h. */
cc_cluster *cc_test_sample_cluster(void)
{
    cc_cluster *cl = cc_cluster_new(NULL, NULL, NULL);
    if (!cl)
        return NULL;
    add_article(cl, "ap", "AP", "https://example.org/ap?x=1&y=2",
                "At least 43 people were killed on Thursday, officials said. "
                "Some 40 hostages remain.",
                cc_day_from_ymd(2024, 3, 21));
    add_article(cl, "reuters", "Reuters", "javascript:alert(1)",
                "=HYPERLINK(\"http://evil\") 40 people were killed, the Health Ministry said. "
                "All hostages must be freed — Caf\xc3\xa9 Ren\xc3\xa9 says.",
                cc_day_from_ymd(2024, 3, 22));
    add_article(cl, "blog", NULL, NULL, "+1 more: 12 trucks of aid crossed.", CC_NO_DAY);
    size_t k1 = add_claim(cl, 0, "At least 43", CC_CLASS_COUNT, "killed/people", 43, CC_Q_AT_LEAST);
    size_t k2 = add_claim(cl, 1, "40", CC_CLASS_COUNT, "killed/people", 40, CC_Q_EXACT);
    size_t h1 = add_claim(cl, 0, "Some 40", CC_CLASS_COUNT, "hostages/hostage", 40, CC_Q_APPROX);
    size_t h2 = add_claim(cl, 1, "All", CC_CLASS_COUNT, "hostages/hostage", 0, CC_Q_VAGUE);
    cl->claims.v[h2].has_value = cl->claims.v[h2].has_lo = cl->claims.v[h2].has_hi = false;
    cl->claims.v[h2].scope_all = true;
    size_t t1 = add_claim(cl, 2, "12", CC_CLASS_COUNT, "aid/truck", 12, CC_Q_EXACT);
    size_t d1 = add_claim(cl, 0, "on Thursday", CC_CLASS_DATE, "event_date/kill", 0, CC_Q_EXACT);
    cl->claims.v[d1].has_value = cl->claims.v[d1].has_lo = cl->claims.v[d1].has_hi = false;
    cl->claims.v[d1].timex = cc_strdup("2024-03-21");
    cl->claims.v[d1].day = cc_day_from_ymd(2024, 3, 21);
    size_t gk[] = {k1, k2}, gh[] = {h1, h2}, gt[] = {t1}, gd[] = {d1};
    size_t g0 = add_group(cl, "g-killed", gk, 2, CC_V_CONFLICT);
    size_t g1 = add_group(cl, "g-hostages", gh, 2, CC_V_DISCREPANCY);
    size_t g2 = add_group(cl, "g-aid", gt, 1, CC_V_SINGLE);
    add_group(cl, "g-date", gd, 1, CC_V_SINGLE);
    add_finding(cl, "f-killed", g0, CC_F_CONFLICT, CC_SEV_HIGH,
                "Death toll: ap says at least 43 killed; reuters says 40 killed.");
    add_finding(cl, "f-hostages", g1, CC_F_DISCREPANCY, CC_SEV_MEDIUM,
                "Hostages: ap says some 40; reuters says all hostages.");
    add_finding(cl, "f-aid", g2, CC_F_SINGLE, CC_SEV_LOW, "@SUM(A1) only blog reports 12 trucks.");
    add_finding(cl, "f-name", g1, CC_F_NAME_VARIANT, CC_SEV_MEDIUM,
                "Name spelling: \"Ren\xc3\xa9\" (1 source) vs \"Rene\" (1 source).");
    return cl;
}

/* Sets finding id's review and note (copied; either may be NULL). */
static void set_review(cc_cluster *cl, const char *id, const char *review, const char *note)
{
    for (size_t i = 0; i < cl->findings.n; i++) {
        cc_finding *f = &cl->findings.v[i];
        if (strcmp(f->id, id) != 0)
            continue;
        free(f->review);
        free(f->review_note);
        f->review = cc_strdup(review);
        f->review_note = cc_strdup(note);
    }
}

/* Adds a finding of the previous run that this run no longer makes. */
static void add_resolved(cc_cluster *cl, const char *id, const char *cat, const char *sev,
                         const char *msg)
{
    cc_resolved x = {cc_strdup(id), cc_strdup(cat), cc_strdup(sev), cc_strdup(msg)};
    if (!CC_VEC_PUSH(cl->resolved, x))
        abort(); /* tests stop on out-of-memory */
}

/* Adds the history described in sample.h. */
void cc_test_sample_history(cc_cluster *cl)
{
    cl->has_history = true;
    set_review(cl, "f-killed", "confirmed", "AP confirms 43; Reuters to correct.");
    set_review(cl, "f-aid", "dismissed", "=blog quotes the UN figure");
    set_review(cl, "f-name", "reopened", NULL);
    for (size_t i = 0; i < cl->findings.n; i++)
        cl->findings.v[i].is_new = strcmp(cl->findings.v[i].id, "f-hostages") == 0;
    add_resolved(cl, "f-old-date", "discrepancy", "medium",
                 "@Event date: ap said Wednesday; reuters said Thursday.");
    add_resolved(cl, "f-old-toll", "conflict", "high", "Death toll: ap said 41; reuters said 40.");
}

/* Prints one expectation; returns 1 when it failed, for the caller to sum. */
int cc_test_expect(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    return !ok;
}
