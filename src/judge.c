/* judge.c: stage 4. Compares the claims of each group under their
 * qualifier intervals and writes one finding per noteworthy group, with a
 * sentence an editor understands without the manual. */
#include "judge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "rules.h"
#include "util.h"

#define EPS 1e-9

/* One side of a disagreement: claims whose intervals share a point. Its
 * claims point into a pool shared by all sides (owned by the side set). */
typedef struct side {
    size_t *claims;
    size_t n;
    double lo, hi;
    int32_t first_day, last_day; /* publication days of its sources */
} side;

typedef struct judge_ctx {
    cc_cluster *cl;
    const cc_group *g;
    size_t gi;
    size_t messages; /* the rules' [list message]: the findings' wording */
} judge_ctx;

/* One {name} of a message template and the text that replaces it. */
typedef struct slot {
    const char *name;
    const char *text;
} slot;

/* The interval a claim means, in comparable units; unbounded sides are
 * infinite. */
static void interval(const cc_claim *c, double *lo, double *hi)
{
    if (c->cls == CC_CLASS_DATE || c->cls == CC_CLASS_TIME) { /* a day, or anything */
        *lo = c->day == CC_NO_DAY ? -INFINITY : c->day;
        *hi = c->day == CC_NO_DAY ? INFINITY : c->day;
        return;
    }
    *lo = c->has_lo ? c->lo * c->scale : -INFINITY;
    *hi = c->has_hi ? c->hi * c->scale : INFINITY;
}

/* Appends `“text”` for claim ci. */
static void quote_claim(cc_buf *b, const cc_cluster *cl, size_t ci)
{
    const cc_claim *c = &cl->claims.v[ci];
    cc_buf_puts(b, "\xe2\x80\x9c");
    cc_buf_add(b, cl->claims.v[ci].start + cl->articles.v[c->article].body, c->end - c->start);
    cc_buf_puts(b, "\xe2\x80\x9d");
}

/* True when claims[0..i) already include claim i's article. */
static bool seen_article(const cc_cluster *cl, const size_t *claims, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (cl->claims.v[claims[j]].article == cl->claims.v[claims[i]].article)
            return true;
    return false;
}

/* Number of distinct articles among claims[0..n). */
static size_t distinct_sources(const cc_cluster *cl, const size_t *claims, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += !seen_article(cl, claims, i);
    return total;
}

/* A piece's text ("" while empty). */
static const char *text(const cc_buf *b)
{
    return b->p ? b->p : "";
}

/* Frees a piece that went into b, passing on its allocation failure. */
static void absorb(cc_buf *b, cc_buf *piece)
{
    b->oom |= piece->oom;
    cc_buf_free(piece);
}

/* Appends message template `name` (claims/90-messages.rules) with each
 * {slot} replaced by its text; an unknown {slot} stays as written, and a
 * missing template shows its name. */
static void fill(cc_buf *b, const judge_ctx *jc, const char *name, const slot *slots, size_t ns)
{
    const char *t = cc_rules_lookup(jc->cl->rules, jc->messages, name, strlen(name));
    for (t = t ? t : name; *t;) {
        const char *close = *t == '{' ? strchr(t, '}') : NULL;
        size_t len = close ? (size_t)(close - t - 1) : 0, i = 0;
        while (close && i < ns && (strncmp(slots[i].name, t + 1, len) != 0 || slots[i].name[len]))
            i++;
        if (close && i < ns) {
            cc_buf_puts(b, slots[i].text);
            t = close + 1;
        } else {
            cc_buf_putc(b, *t++);
        }
    }
}

/* Joins piece onto acc with template name ({all}: acc's text, {next}:
 * the piece's), or moves it into an empty acc. Frees piece. */
static void join(cc_buf *acc, const judge_ctx *jc, const char *name, cc_buf *piece)
{
    cc_buf joined = {0};
    if (!acc->len) {
        piece->oom |= acc->oom;
        cc_buf_free(acc);
        *acc = *piece;
        *piece = (cc_buf){0};
        return;
    }
    slot s[] = {{"all", text(acc)}, {"next", text(piece)}};
    fill(&joined, jc, name, s, 2);
    absorb(&joined, acc);
    absorb(&joined, piece);
    *acc = joined;
}

/* Appends the distinct sources of claims[0..n) as "A, B and C" (the last
 * joined by template sources_and); returns how many there are. */
static size_t list_sources(cc_buf *b, const judge_ctx *jc, const size_t *claims, size_t n)
{
    const cc_cluster *cl = jc->cl;
    size_t total = distinct_sources(cl, claims, n), shown = 0;
    cc_buf all = {0};
    for (size_t i = 0; i < n; i++) {
        if (seen_article(cl, claims, i))
            continue;
        const char *name = cc_source_name(&cl->articles.v[cl->claims.v[claims[i]].article]);
        if (++shown == total && shown > 1) {
            cc_buf last = {0};
            cc_buf_puts(&last, name);
            join(&all, jc, "sources_and", &last);
        } else {
            cc_buf_puts(&all, shown > 1 ? ", " : "");
            cc_buf_puts(&all, name);
        }
    }
    cc_buf_puts(b, text(&all));
    absorb(b, &all);
    return total;
}

/* The group's kind, or NULL without rules or for an unknown index. */
static const cc_kind *group_kind(const judge_ctx *jc)
{
    return cc_rules_kind_at(jc->cl->rules, jc->g->kind);
}

/* Appends a finding for the current group; message is consumed. */
static cc_error add_finding(judge_ctx *jc, cc_category cat, cc_severity sev, cc_buf *msg)
{
    const cc_kind *k = group_kind(jc);
    cc_finding f = {0};
    if (k && sev < k->max_severity)
        sev = k->max_severity;
    uint64_t h = cc_fnv(CC_FNV_INIT, cc_category_name(cat), strlen(cc_category_name(cat)));
    h = cc_fnv(h, jc->g->id, strlen(jc->g->id));
    f.id = cc_strfmt("f%012llx", (unsigned long long)(h & 0xffffffffffffull));
    f.group = jc->gi;
    f.category = cat;
    f.severity = sev;
    f.message = cc_buf_take(msg);
    f.claims = malloc(jc->g->n_claims * sizeof *f.claims);
    if (!f.id || !f.message || !f.claims || !CC_VEC_PUSH(jc->cl->findings, f)) {
        free(f.id);
        free(f.message);
        free(f.claims);
        return CC_ERROR_MEMORY;
    }
    cc_finding *fp = &jc->cl->findings.v[jc->cl->findings.n - 1];
    memcpy(fp->claims, jc->g->claims, jc->g->n_claims * sizeof *fp->claims);
    fp->n_claims = jc->g->n_claims;
    return CC_OK;
}

/* Starts a message with the kind's label, and for a dated event which
 * event it is ("Event date (visit, israel): "). */
static void label(cc_buf *b, const judge_ctx *jc)
{
    const cc_claim *c = &jc->cl->claims.v[jc->g->claims[0]];
    cc_buf_puts(b, cc_kind_label(jc->cl->rules, jc->g->kind));
    if (c->event)
        cc_buf_printf(b, " (%s%s%s)", c->event, c->place ? ", " : "", c->place ? c->place : "");
    cc_buf_puts(b, ": ");
}

/* Records a routine verdict (single, agree); true when the group's kind
 * is a generic fallback, whose routine verdicts make no finding. */
static bool routine(judge_ctx *jc, cc_verdict v)
{
    const cc_kind *k = group_kind(jc);
    jc->cl->groups.v[jc->gi].verdict = v;
    return !k || k->generic;
}

/* Fills template name for a claim list and its quoted claim (the
 * resolved day of a date when timex): {sources}, {n} (how many) and
 * {quote}. Returns how many sources there are. */
static size_t fill_quoted(cc_buf *b, const judge_ctx *jc, const char *name, const size_t *claims,
                          size_t n, size_t quoted, bool timex)
{
    cc_buf src = {0}, q = {0};
    size_t k = list_sources(&src, jc, claims, n);
    const cc_claim *c = &jc->cl->claims.v[quoted];
    char count[24];
    snprintf(count, sizeof count, "%zu", k);
    quote_claim(&q, jc->cl, quoted);
    if (timex && c->timex) /* the resolved day, not just "Friday" */
        cc_buf_printf(&q, " (%s)", c->timex);
    slot s[] = {{"sources", text(&src)}, {"n", count}, {"quote", text(&q)}};
    fill(b, jc, name, s, 3);
    absorb(b, &src);
    absorb(b, &q);
    return k;
}

/* single: one source only. */
static cc_error judge_single(judge_ctx *jc)
{
    cc_buf b = {0};
    if (routine(jc, CC_V_SINGLE))
        return CC_OK;
    label(&b, jc);
    fill_quoted(&b, jc, "single", jc->g->claims, 1, jc->g->claims[0], false);
    return add_finding(jc, CC_F_SINGLE, CC_SEV_LOW, &b);
}

/* agree: every interval shares a point. */
static cc_error judge_agree(judge_ctx *jc)
{
    cc_buf b = {0};
    if (routine(jc, CC_V_AGREE))
        return CC_OK;
    bool date = jc->cl->claims.v[jc->g->claims[0]].cls == CC_CLASS_DATE;
    label(&b, jc);
    /* {n} counts distinct sources: g->n_articles, as claims are in article order */
    fill_quoted(&b, jc, "agree", jc->g->claims, jc->g->n_claims, jc->g->claims[0], date);
    return add_finding(jc, CC_F_AGREE, CC_SEV_LOW, &b);
}

/* discrepancy of scope: "all hostages" against a number. */
static cc_error judge_scope(judge_ctx *jc)
{
    cc_buf b = {0}, numbers = {0}, all_of = {0};
    size_t *all = malloc(jc->g->n_claims * sizeof *all),
           *num = malloc(jc->g->n_claims * sizeof *num);
    size_t na = 0, nn = 0;
    if (!all || !num) {
        free(all);
        free(num);
        return CC_ERROR_MEMORY;
    }
    for (size_t i = 0; i < jc->g->n_claims; i++) {
        size_t ci = jc->g->claims[i];
        if (jc->cl->claims.v[ci].scope_all)
            all[na++] = ci;
        else
            num[nn++] = ci;
    }
    jc->cl->groups.v[jc->gi].verdict = CC_V_DISCREPANCY;
    bool one = distinct_sources(jc->cl, num, nn) == 1;
    fill_quoted(&numbers, jc, one ? "scope_number_one" : "scope_number_many", num, nn, num[0],
                false);
    one = distinct_sources(jc->cl, all, na) == 1;
    fill_quoted(&all_of, jc, one ? "scope_all_one" : "scope_all_many", all, na, all[0], false);
    label(&b, jc);
    slot s[] = {{"numbers", text(&numbers)}, {"all", text(&all_of)}};
    fill(&b, jc, "scope", s, 2);
    absorb(&b, &numbers);
    absorb(&b, &all_of);
    free(all);
    free(num);
    return add_finding(jc, CC_F_DISCREPANCY, CC_SEV_MEDIUM, &b);
}

/* Orders claim indices by interval start (ctx-free: reads a global-free
 * pair array instead). */
typedef struct ranked {
    double lo, hi;
    size_t ci;
} ranked;

/* Sorts by lo, then claim index. */
static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return (a->ci > b->ci) - (a->ci < b->ci);
}

/* Splits the group into sides: in order of interval start, a claim joins
 * the current side while one value is still compatible with every claim
 * on it (their intervals share a point); else it opens a new side. So "at
 * least 46" cannot make 46 and "over 50" agree. Returns the number of
 * sides; *out and *pool hold them (caller frees both). */
static size_t make_sides(const judge_ctx *jc, side **out, size_t **pool_out)
{
    size_t n = jc->g->n_claims, ns = 0, cap = n ? n : 1;
    ranked *rk = malloc(cap * sizeof *rk);
    side *sd = calloc(cap, sizeof *sd);
    size_t *pool = malloc(cap * sizeof *pool);
    if (!rk || !sd || !pool) {
        free(rk);
        free(sd);
        free(pool);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        rk[i].ci = jc->g->claims[i];
        interval(&jc->cl->claims.v[rk[i].ci], &rk[i].lo, &rk[i].hi);
    }
    qsort(rk, n, sizeof *rk, cmp_ranked);
    for (size_t i = 0; i < n; i++) {
        const cc_article *a = &jc->cl->articles.v[jc->cl->claims.v[rk[i].ci].article];
        if (ns == 0 || rk[i].lo > sd[ns - 1].hi * (1 + EPS) + EPS) {
            sd[ns] = (side){pool + i, 0, rk[i].lo, rk[i].hi, a->published, a->published};
            ns++;
        }
        side *cur = &sd[ns - 1]; /* lo, hi: the interval all its claims share */
        cur->claims[cur->n++] = rk[i].ci;
        cur->lo = fmax(cur->lo, rk[i].lo);
        cur->hi = fmin(cur->hi, rk[i].hi);
        cur->first_day = a->published < cur->first_day ? a->published : cur->first_day;
        cur->last_day = a->published > cur->last_day ? a->published : cur->last_day;
    }
    free(rk);
    *out = sd;
    *pool_out = pool;
    return ns;
}

/* A running total that only grew with later reports. */
static bool is_update(const judge_ctx *jc, const side *sd, size_t ns)
{
    const cc_kind *k = group_kind(jc);
    if (!k || !k->running)
        return false;
    for (size_t i = 0; i + 1 < ns; i++)
        if (sd[i].last_day == CC_NO_DAY || sd[i + 1].first_day == CC_NO_DAY ||
            sd[i].last_day >= sd[i + 1].first_day)
            return false;
    return true;
}

/* Severity from the relative gap between the outermost sides; thresholds
 * from claims/00-settings.rules (gap_high, gap_medium). */
static cc_severity gap_severity(const cc_rules *r, const side *sd, size_t ns)
{
    double high = cc_rules_setting(r, "gap_high", 0.10);
    double medium = cc_rules_setting(r, "gap_medium", 0.02);
    double lo_side_hi = sd[0].hi, hi_side_lo = sd[ns - 1].lo;
    double scale = fmax(fabs(hi_side_lo), fabs(lo_side_hi));
    double gap = scale > 0 ? (hi_side_lo - lo_side_hi) / scale : 0;
    return gap >= high ? CC_SEV_HIGH : gap >= medium ? CC_SEV_MEDIUM : CC_SEV_LOW;
}

/* True when one article stands on two sides: a report does not contradict
 * itself, so the group most likely mixes different facts. */
static bool article_on_two_sides(const cc_cluster *cl, const side *sd, size_t ns)
{
    for (size_t i = 0; i < ns; i++)
        for (size_t a = 0; a < sd[i].n; a++)
            for (size_t j = i + 1; j < ns; j++)
                for (size_t b = 0; b < sd[j].n; b++)
                    if (cl->claims.v[sd[i].claims[a]].article ==
                        cl->claims.v[sd[j].claims[b]].article)
                        return true;
    return false;
}

/* Severity of a conflict, from the gap and the sources behind each side:
 * far apart (>= 10 %) is high; a smaller gap (>= 2 %) is medium, or high
 * when at least two outlets stand on each side (a real split, not one
 * outlet's slip). Three or more figures, or a report on two sides, mean
 * the group mixes facts: at most medium, or low. */
static cc_severity conflict_severity(const cc_cluster *cl, const side *sd, size_t ns)
{
    if (article_on_two_sides(cl, sd, ns))
        return CC_SEV_LOW;
    cc_severity s = gap_severity(cl->rules, sd, ns);
    if (ns == 2 && s == CC_SEV_MEDIUM && distinct_sources(cl, sd[0].claims, sd[0].n) >= 2 &&
        distinct_sources(cl, sd[1].claims, sd[1].n) >= 2)
        s = CC_SEV_HIGH;
    return ns > 2 && s == CC_SEV_HIGH ? CC_SEV_MEDIUM : s;
}

/* The most precise claim of a side (narrowest interval): the one to quote. */
static size_t sharpest(const cc_cluster *cl, const side *sd)
{
    size_t best = sd->claims[0];
    double best_w = INFINITY;
    for (size_t i = 0; i < sd->n; i++) {
        double lo, hi;
        interval(&cl->claims.v[sd->claims[i]], &lo, &hi);
        if (hi - lo < best_w) {
            best_w = hi - lo;
            best = sd->claims[i];
        }
    }
    return best;
}

/* The day every claim of the group is tied to by its sentence, or
 * CC_NO_DAY when they are not all tied to one day. */
static int32_t shared_day(const judge_ctx *jc)
{
    int32_t day = CC_NO_DAY;
    for (size_t i = 0; i < jc->g->n_claims; i++) {
        const cc_claim *c = &jc->cl->claims.v[jc->g->claims[i]];
        if (!c->has_ref || c->day == CC_NO_DAY || (day != CC_NO_DAY && c->day != day))
            return CC_NO_DAY;
        day = c->day;
    }
    return day;
}

/* Fills template name with {sides}: "A says “x”; B and C say “y”"
 * (templates side_one, side_many), dates with their resolved value, an
 * update with each side's publication day (template published), a
 * conflict with the day all its claims speak of (template all_about). */
static void describe_sides(cc_buf *b, const judge_ctx *jc, const char *name, const side *sd,
                           size_t ns, bool dates, bool update)
{
    char day[11];
    cc_buf sides = {0}, about = {0};
    for (size_t i = 0; i < ns; i++) {
        cc_buf one = {0};
        bool single = distinct_sources(jc->cl, sd[i].claims, sd[i].n) == 1;
        fill_quoted(&one, jc, single ? "side_one" : "side_many", sd[i].claims, sd[i].n,
                    sharpest(jc->cl, &sd[i]), dates);
        cc_buf_puts(&sides, i ? "; " : "");
        if (update && sd[i].first_day != CC_NO_DAY) {
            slot s[] = {{"side", text(&one)}, {"day", cc_day_format(sd[i].last_day, day)}};
            fill(&sides, jc, "published", s, 2);
        } else {
            cc_buf_puts(&sides, text(&one));
        }
        absorb(&sides, &one);
    }
    int32_t shared = dates ? CC_NO_DAY : shared_day(jc);
    if (shared != CC_NO_DAY) {
        slot s[] = {{"sides", text(&sides)}, {"day", cc_day_format(shared, day)}};
        fill(&about, jc, "all_about", s, 2);
        absorb(&about, &sides);
        sides = about;
    }
    slot s[] = {{"sides", text(&sides)}};
    fill(b, jc, name, s, 1);
    absorb(b, &sides);
}

/* conflict or updated: some intervals do not overlap. */
static cc_error judge_apart(judge_ctx *jc, side *sd, size_t ns)
{
    cc_buf b = {0};
    bool update = is_update(jc, sd, ns);
    bool vague = false;
    for (size_t i = 0; i < jc->g->n_claims; i++)
        vague |= jc->cl->claims.v[jc->g->claims[i]].qual == CC_Q_VAGUE;
    label(&b, jc);
    if (update) {
        jc->cl->groups.v[jc->gi].verdict = CC_V_UPDATED;
        describe_sides(&b, jc, "updated", sd, ns, false, true);
        return add_finding(jc, CC_F_UPDATED, CC_SEV_LOW, &b);
    }
    /* Events recur (arrests on Monday and on Tuesday): differing dates are
     * worth a look, not a contradiction. */
    bool dates = jc->cl->claims.v[jc->g->claims[0]].cls == CC_CLASS_DATE;
    bool soft = vague || dates;
    jc->cl->groups.v[jc->gi].verdict = soft ? CC_V_DISCREPANCY : CC_V_CONFLICT;
    describe_sides(&b, jc,
                   vague   ? "conflict_vague"
                   : dates ? "conflict_dates"
                           : "conflict",
                   sd, ns, dates, false);
    cc_severity sev = dates   ? CC_SEV_LOW
                      : vague ? CC_SEV_MEDIUM
                              : conflict_severity(jc->cl, sd, ns);
    return add_finding(jc, soft ? CC_F_DISCREPANCY : CC_F_CONFLICT, sev, &b);
}

/* Fills template names with {forms}, each spelling with its number of
 * sources (templates name_form_one, name_form_many, joined by name_vs),
 * and {quote}, the spelling most reports use. */
static void describe_names(cc_buf *b, const judge_ctx *jc, const size_t *first, const size_t *count,
                           size_t nf, size_t best)
{
    cc_buf forms = {0}, q = {0};
    for (size_t j = 0; j < nf; j++) {
        cc_buf one = {0};
        char n[24];
        snprintf(n, sizeof n, "%zu", count[j]);
        quote_claim(&q, jc->cl, first[j]);
        slot s[] = {{"quote", text(&q)}, {"n", n}};
        fill(&one, jc, count[j] == 1 ? "name_form_one" : "name_form_many", s, 2);
        join(&forms, jc, "name_vs", &one);
        absorb(&forms, &q);
    }
    quote_claim(&q, jc->cl, first[best]);
    slot s[] = {{"forms", text(&forms)}, {"quote", text(&q)}};
    fill(b, jc, "names", s, 2);
    absorb(b, &forms);
    absorb(b, &q);
}

/* name_variant: one name spelt differently across reports. Each claim's
 * unit holds its folded spelling. */
static cc_error judge_names(judge_ctx *jc)
{
    const cc_group *g = jc->g;
    size_t *first = malloc(g->n_claims * sizeof *first),
           *count = calloc(g->n_claims, sizeof *count);
    size_t nf = 0, best = 0;
    if (!first || !count) {
        free(first);
        free(count);
        return CC_ERROR_MEMORY;
    }
    for (size_t i = 0; i < g->n_claims; i++) { /* claims are one per article and form */
        const char *u = jc->cl->claims.v[g->claims[i]].unit;
        size_t j = 0;
        while (j < nf && strcmp(jc->cl->claims.v[first[j]].unit, u) != 0)
            j++;
        if (j == nf)
            first[nf++] = g->claims[i];
        count[j]++;
        best = count[j] > count[best] || (count[j] == count[best] && j < best) ? j : best;
    }
    cc_buf b = {0};
    jc->cl->groups.v[jc->gi].verdict = CC_V_DISCREPANCY;
    label(&b, jc);
    describe_names(&b, jc, first, count, nf, best);
    free(first);
    free(count);
    return add_finding(jc, CC_F_NAME_VARIANT, CC_SEV_MEDIUM, &b);
}

/* Judges one group. */
static cc_error judge_group(judge_ctx *jc)
{
    const cc_claim *c0 = &jc->cl->claims.v[jc->g->claims[0]];
    bool scope = false, numeric = false;
    if (c0->cls == CC_CLASS_NAME)
        return judge_names(jc);
    if (jc->g->n_articles < 2)
        return judge_single(jc);
    for (size_t i = 0; i < jc->g->n_claims; i++) {
        bool all = jc->cl->claims.v[jc->g->claims[i]].scope_all;
        scope |= all;
        numeric |= !all;
    }
    if (scope && numeric)
        return judge_scope(jc);
    side *sd = NULL;
    size_t *pool = NULL;
    size_t ns = make_sides(jc, &sd, &pool);
    cc_error err = ns == 0 ? CC_ERROR_MEMORY : ns == 1 ? judge_agree(jc) : judge_apart(jc, sd, ns);
    free(sd);
    free(pool);
    return err;
}

/* Most severe first, then category, then group key, then id. */
static int cmp_finding(const void *x, const void *y, const cc_cluster *cl)
{
    const cc_finding *a = x, *b = y;
    if (a->severity != b->severity)
        return a->severity < b->severity ? -1 : 1;
    if (a->category != b->category)
        return a->category < b->category ? -1 : 1;
    int c = strcmp(cl->groups.v[a->group].key, cl->groups.v[b->group].key);
    return c ? c : strcmp(a->id, b->id);
}

/* Insertion-free sort helper: findings carry their group, so compare
 * through a small wrapper array. */
typedef struct fref {
    cc_finding f;
    const cc_cluster *cl;
} fref;

/* qsort adapter for cmp_finding. */
static int cmp_fref(const void *x, const void *y)
{
    const fref *a = x, *b = y;
    return cmp_finding(&a->f, &b->f, a->cl);
}

/* Sorts findings into report order. */
static cc_error sort_findings(cc_cluster *cl)
{
    size_t n = cl->findings.n;
    fref *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return CC_ERROR_MEMORY;
    for (size_t i = 0; i < n; i++)
        v[i] = (fref){cl->findings.v[i], cl};
    qsort(v, n, sizeof *v, cmp_fref);
    for (size_t i = 0; i < n; i++)
        cl->findings.v[i] = v[i].f;
    free(v);
    return CC_OK;
}

/* Stage 4 (see judge.h). */
cc_error cc_judge(cc_cluster *cl)
{
    cc_error err = CC_OK;
    size_t messages = cc_rules_list(cl->rules, "message");
    for (size_t i = 0; err == CC_OK && i < cl->groups.n; i++) {
        judge_ctx jc = {cl, &cl->groups.v[i], i, messages};
        err = judge_group(&jc);
    }
    return err == CC_OK ? sort_findings(cl) : err;
}
