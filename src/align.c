/* align.c: stage 3. Dates undated articles from the cluster, turns name
 * spellings that differ across reports into name claims, and groups claims
 * by key: one sort, then a sweep (near-linear; never all pairs). */
#include "align.h"

#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "names.h"
#include "rules.h"
#include "timex.h"
#include "util.h"

/* ---- dating undated articles ------------------------------------------ */

/* The cluster's reference day: the most common publication day (latest on
 * a tie), or CC_NO_DAY when no article is dated. */
static int32_t reference_day(const cc_cluster *cl)
{
    int32_t best = CC_NO_DAY;
    size_t best_n = 0;
    for (size_t i = 0; i < cl->articles.n; i++) {
        int32_t d = cl->articles.v[i].published;
        size_t n = 0;
        if (d == CC_NO_DAY || cl->articles.v[i].published_from == CC_PUB_CLUSTER)
            continue;
        for (size_t j = 0; j < cl->articles.n; j++)
            n += cl->articles.v[j].published == d;
        if (n > best_n || (n == best_n && d > best))
            best = d, best_n = n;
    }
    return best;
}

/* Score weights of the cluster dating, from claims/00-settings.rules
 * (read once per cluster, not per candidate day). */
typedef struct dating_weights {
    double this_weekday; /* "this Thursday" names the day */
    double future_today; /* a coming weekday should not be the day itself */
    double last_today;   /* "last Thursday" is not the day itself */
    double yesterday;    /* "yesterday" beside the weekday before */
    double per_day;      /* each day further back from the reference day */
} dating_weights;

/* Reads the dating weights; defaults when a setting is missing. */
static dating_weights read_dating_weights(const cc_rules *r)
{
    return (dating_weights){
        cc_rules_setting(r, "dating_this_weekday", 10),
        cc_rules_setting(r, "dating_future_today", 3),
        cc_rules_setting(r, "dating_last_today", 7),
        cc_rules_setting(r, "dating_yesterday", 1.5),
        cc_rules_setting(r, "dating_per_day", 0.1),
    };
}

/* How well publication day c fits what article a says about weekdays:
 * past mentions should be recent, future ones still ahead, "this
 * Thursday" names the day, and "yesterday" beside a named weekday pins
 * the day after it. Higher is better. */
static double day_fit(const cc_cluster *cl, const dating_weights *dw, const cc_article *a,
                      int32_t c)
{
    int wd = cc_day_weekday(c);
    double score = 0;
    bool yesterday = false, day_after_named = false;
    for (size_t i = a->first_claim; i < a->first_claim + a->n_claims; i++) {
        const cc_when *w = &cl->claims.v[i].when;
        if (cl->claims.v[i].cls != CC_CLASS_DATE)
            continue;
        yesterday |= w->has_rel && w->rel_days == -1;
        if (w->weekday < 0)
            continue;
        int back = (wd - w->weekday + 7) % 7, fwd = (w->weekday - wd + 7) % 7;
        if (w->shift == 0) /* "this Thursday" all but names the day */
            score += back == 0 ? dw->this_weekday : 0;
        else if (w->tense > 0 || w->shift == 1)
            score -= fwd == 0 ? dw->future_today : 0;
        else
            score -= w->shift == -1 && back == 0 ? dw->last_today : back;
        day_after_named |= w->tense <= 0 && back == 1;
    }
    return score + (yesterday && day_after_named ? dw->yesterday : 0);
}

/* Dates every undated article from the reference day and its own text. */
static cc_error date_from_cluster(cc_cluster *cl)
{
    int32_t ref = reference_day(cl);
    int32_t span = (int32_t)cc_rules_setting(cl->rules, "dating_span", 6);
    dating_weights dw = read_dating_weights(cl->rules);
    for (size_t i = 0; ref != CC_NO_DAY && i < cl->articles.n; i++) {
        cc_article *a = &cl->articles.v[i];
        if (a->published != CC_NO_DAY)
            continue;
        int32_t best = ref;
        double best_score = -1e9;
        for (int32_t c = ref - span; c <= ref; c++) {
            double s = day_fit(cl, &dw, a, c) - dw.per_day * (ref - c);
            if (s > best_score)
                best = c, best_score = s;
        }
        a->published = best;
        a->published_from = CC_PUB_CLUSTER;
        cc_error err = cc_extract_redate(cl, i);
        if (err != CC_OK)
            return err;
    }
    return CC_OK;
}

/* ---- name spellings ---------------------------------------------------- */

/* Consonant skeleton of a folded name: vowels, h, w and y dropped, doubles
 * collapsed ("anthony" and "antony" -> "ntn"). Caller frees. */
static char *skeleton(const char *s)
{
    char *k = malloc(strlen(s) + 1), *o = k;
    for (; k && *s; s++) {
        if (strchr("aeiouyhw-'", *s) || (o > k && o[-1] == *s))
            continue;
        *o++ = *s;
    }
    if (k)
        *o = '\0';
    return k;
}

/* Levenshtein distance, capped: returns cap+1 when larger. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap || lb >= 64)
        return cap + 1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t sub = diag + (a[i - 1] != b[j - 1]);
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[lb];
}

/* True when long = short + a listed ending (Israel / Israeli). */
static bool derived(const cc_rules *r, size_t suffixes, const char *s, const char *l)
{
    size_t ns = strlen(s), nl = strlen(l);
    if (nl <= ns || strncmp(s, l, ns) != 0)
        return false;
    return cc_rules_lookup(r, suffixes, l + ns, nl - ns) != NULL;
}

/* Two forms are spellings of one name: same skeleton, one or two edits
 * apart, not a derived word, and one seen capitalised mid-sentence. */
static bool variants(const cc_rules *r, size_t suffixes, const cc_name_form *a,
                     const cc_name_form *b)
{
    size_t d = edit_distance(a->form, b->form, 2);
    if (d == 0 || d > 2 || !(a->mid || b->mid))
        return false;
    return !derived(r, suffixes, a->form, b->form) && !derived(r, suffixes, b->form, a->form);
}

typedef struct skel_form {
    char *skel;
    const cc_name_form *f;
} skel_form;

/* Orders forms by skeleton, then form. */
static int cmp_skel(const void *x, const void *y)
{
    const skel_form *a = x, *b = y;
    int c = strcmp(a->skel, b->skel);
    return c ? c : strcmp(a->f->form, b->f->form);
}

/* Appends one name claim per article for form f of the name keyed skel. */
static bool add_name_claims(cc_cluster *cl, size_t kind, const cc_name_form *f, const char *skel)
{
    for (size_t i = 0; i < f->n_seen; i++) {
        const cc_name_seen *s = &f->seen[i];
        cc_claim c = {0};
        c.article = s->article;
        c.start = s->start;
        c.end = s->end;
        c.sent_start = s->sent_start;
        c.sent_end = s->sent_end;
        c.cls = CC_CLASS_NAME;
        c.kind = kind;
        c.scale = 1;
        c.day = CC_NO_DAY;
        c.group = CC_NONE;
        c.id = cc_strfmt("%s@%zu", cl->articles.v[s->article].id, s->start);
        c.key = cc_strfmt("%s/%s", cc_kind_name(cl->rules, kind), skel);
        c.unit = cc_strdup(f->form);
        if (!c.id || !c.key || !c.unit || !CC_VEC_PUSH(cl->claims, c)) {
            cc_claim_clear(&c);
            return false;
        }
    }
    return true;
}

/* Emits name claims for the skeleton run [lo, hi) if two of its forms are
 * variants seen in different articles. */
static bool name_run(cc_cluster *cl, size_t kind, size_t suffixes, const skel_form *v, size_t lo,
                     size_t hi)
{
    bool *in = calloc(hi - lo, 1);
    bool any = false, ok = true;
    if (!in)
        return false;
    for (size_t i = lo; i < hi; i++)
        for (size_t j = i + 1; j < hi; j++)
            if (variants(cl->rules, suffixes, v[i].f, v[j].f))
                in[i - lo] = in[j - lo] = any = true;
    for (size_t i = lo; any && ok && i < hi; i++)
        if (in[i - lo])
            ok = add_name_claims(cl, kind, v[i].f, v[i].skel);
    free(in);
    return ok;
}

/* Finds names spelt differently across articles (sorted by skeleton, so
 * only forms sharing one are compared). */
static cc_error find_names(cc_cluster *cl)
{
    size_t kind = cc_rules_generic_kind(cl->rules, CC_CLASS_NAME);
    size_t suffixes = cc_rules_list(cl->rules, "name_suffix");
    if (!cl->names || kind == CC_NONE)
        return CC_OK;
    skel_form *v = calloc(cl->names->n + 1, sizeof *v);
    size_t n = 0;
    bool ok = v != NULL;
    for (size_t i = 0; ok && i < cl->names->cap; i++)
        if (cl->names->forms[i].form) {
            v[n].f = &cl->names->forms[i];
            ok = (v[n++].skel = skeleton(cl->names->forms[i].form)) != NULL;
        }
    if (ok)
        qsort(v, n, sizeof *v, cmp_skel);
    for (size_t lo = 0, hi; ok && lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && strcmp(v[hi].skel, v[lo].skel) == 0;)
            hi++;
        if (hi - lo > 1 && v[lo].skel[0])
            ok = name_run(cl, kind, suffixes, v, lo, hi);
    }
    for (size_t i = 0; v && i < n; i++)
        free(v[i].skel);
    free(v);
    return ok ? CC_OK : CC_ERROR_MEMORY;
}

/* ---- groups ------------------------------------------------------------ */

/* Orders claims by article, then position: the cluster's claim order. */
static int cmp_position(const void *x, const void *y)
{
    const cc_claim *a = x, *b = y;
    if (a->article != b->article)
        return a->article < b->article ? -1 : 1;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* Re-sorts claims after name claims were appended and refreshes each
 * article's claim range. */
static void reorder_claims(cc_cluster *cl)
{
    if (cl->claims.n) /* an article without claims leaves v NULL */
        qsort(cl->claims.v, cl->claims.n, sizeof *cl->claims.v, cmp_position);
    for (size_t i = 0; i < cl->articles.n; i++)
        cl->articles.v[i].n_claims = 0;
    for (size_t i = cl->claims.n; i-- > 0;) {
        cc_article *a = &cl->articles.v[cl->claims.v[i].article];
        a->first_claim = i;
        a->n_claims++;
    }
}

/* Compares two optional strings, absent first. */
static int cmp_opt(const char *a, const char *b)
{
    return !a ? (b ? -1 : 0) : !b ? 1 : strcmp(a, b);
}

/* Orders claim pointers by key, then place, then position. */
static int cmp_key(const void *x, const void *y)
{
    const cc_claim *a = *(const cc_claim *const *)x, *b = *(const cc_claim *const *)y;
    int c = strcmp(a->key, b->key);
    if (!c)
        c = cmp_opt(a->context, b->context);
    return c ? c : (a > b) - (a < b);
}

/* Creates a group from claim indices idx[0..n) (ascending) named after key
 * and context. */
static bool add_group(cc_cluster *cl, size_t *idx, size_t n, const char *place)
{
    cc_group g = {0};
    const cc_claim *first = &cl->claims.v[idx[0]];
    g.key = cc_strdup(first->key);
    g.kind = first->kind;
    uint64_t h = cc_fnv(CC_FNV_INIT, first->key, strlen(first->key));
    h = place ? cc_fnv(h, place, strlen(place)) : h;
    g.id = cc_strfmt("g%012llx", (unsigned long long)(h & 0xffffffffffffull));
    g.claims = malloc(n * sizeof *g.claims);
    g.articles = malloc(n * sizeof *g.articles);
    if (!g.key || !g.id || !g.claims || !g.articles)
        goto mem_error;
    for (size_t i = 0; i < n; i++) {
        size_t art = cl->claims.v[idx[i]].article;
        g.claims[g.n_claims++] = idx[i];
        cl->claims.v[idx[i]].group = cl->groups.n;
        if (g.n_articles == 0 || g.articles[g.n_articles - 1] != art)
            g.articles[g.n_articles++] = art;
    }
    if (CC_VEC_PUSH(cl->groups, g))
        return true;
mem_error:
    free(g.key);
    free(g.id);
    free(g.claims);
    free(g.articles);
    return false;
}

/* Orders indices ascending (claim order inside a group). */
static int cmp_index(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return (a > b) - (a < b);
}

/* The context claim ci's fact is tied to: its place and, unless the kind
 * is a running total (whose changes over days are updates), the day its
 * sentence gives it ("arrested Wednesday night" is not Thursday's count). */
static bool set_context(cc_cluster *cl, size_t ci)
{
    cc_claim *c = &cl->claims.v[ci];
    const cc_kind *k = cc_rules_kind_at(cl->rules, c->kind);
    bool dated = c->has_ref && c->day != CC_NO_DAY && !(k && k->running);
    char day[11];
    free(c->context);
    c->context = !dated ? cc_strdup(c->place)
                        : cc_strfmt("%s@%s", c->place ? c->place : "", cc_day_format(c->day, day));
    return c->context || (!c->place && !dated);
}

/* End of the run of claims sharing idx[a]'s context, at most hi. */
static size_t context_end(const cc_cluster *cl, const size_t *idx, size_t a, size_t hi)
{
    size_t b = a + 1;
    while (b < hi && !strcmp(cl->claims.v[idx[a]].context, cl->claims.v[idx[b]].context))
        b++;
    return b;
}

/* Splits one key's run [lo, hi) by context (place and day): claims with
 * none join the largest part; different contexts stay apart. */
static bool group_run(cc_cluster *cl, size_t *idx, size_t lo, size_t hi)
{
    size_t nctx = lo; /* idx is sorted with absent contexts first */
    while (nctx < hi && !cl->claims.v[idx[nctx]].context)
        nctx++;
    size_t best_lo = nctx, best_n = 0;
    for (size_t a = nctx, b; a < hi; a = b) {
        b = context_end(cl, idx, a, hi);
        if (b - a > best_n)
            best_lo = a, best_n = b - a;
    }
    bool ok = true;
    for (size_t a = nctx, b; ok && a < hi; a = b) {
        b = context_end(cl, idx, a, hi);
        if (a == best_lo) /* take the context-free claims along */
            continue;
        qsort(idx + a, b - a, sizeof *idx, cmp_index);
        ok = add_group(cl, idx + a, b - a, cl->claims.v[idx[a]].context);
    }
    if (!ok)
        return false;
    size_t n = nctx - lo;
    memmove(idx + lo + n, idx + best_lo, best_n * sizeof *idx); /* join the parts */
    qsort(idx + lo, n + best_n, sizeof *idx, cmp_index);
    return n + best_n == 0 ||
           add_group(cl, idx + lo, n + best_n, best_n ? cl->claims.v[idx[lo + n]].context : NULL);
}

/* Groups all claims: sort by key and place, then sweep. */
static cc_error make_groups(cc_cluster *cl)
{
    size_t n = cl->claims.n;
    const cc_claim **by_key = malloc((n ? n : 1) * sizeof(const cc_claim *));
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    bool ok = by_key && idx;
    for (size_t i = 0; ok && i < n; i++)
        ok = set_context(cl, i);
    for (size_t i = 0; ok && i < n; i++)
        by_key[i] = &cl->claims.v[i];
    if (ok)
        qsort(by_key, n, sizeof(const cc_claim *), cmp_key);
    for (size_t i = 0; ok && i < n; i++)
        idx[i] = (size_t)(by_key[i] - cl->claims.v);
    free(by_key);
    for (size_t lo = 0, hi; ok && lo < n; lo = hi) {
        for (hi = lo + 1; hi < n && !strcmp(cl->claims.v[idx[hi]].key, cl->claims.v[idx[lo]].key);)
            hi++;
        ok = group_run(cl, idx, lo, hi);
    }
    free(idx);
    return ok ? CC_OK : CC_ERROR_MEMORY;
}

/* Stage 3 (see align.h). */
cc_error cc_align(cc_cluster *cl)
{
    cc_error err = date_from_cluster(cl);
    if (err == CC_OK)
        err = find_names(cl);
    if (err != CC_OK)
        return err;
    reorder_claims(cl);
    return make_groups(cl);
}
