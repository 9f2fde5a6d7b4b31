/* extract.c: stage 2. One pass of the master regex over an article yields
 * claim candidates, words and sentence ends; a second pass over those
 * tokens (never the text) finds each claim's counted noun, kind, place,
 * tense and source using the word lists in claims/. */
#include "extract.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "rules.h"
#include "timex.h"
#include "util.h"

#define MATCH_LIMIT 2000000u
#define DEPTH_LIMIT 100000u
#define NO_POS ((size_t)-1)

typedef struct span {
    size_t s, e; /* s == NO_POS: slot not matched */
} span;

typedef struct tok {
    size_t start, end;
    size_t sent;
    size_t cand; /* candidate index, or NO_POS for a word */
} tok;

typedef struct cand {
    size_t rule, start, end, tok;
    span slot[CC_SLOT_MAX];
} cand;

typedef struct sent {
    size_t start, end;
    size_t first, last; /* token range [first, last) */
} sent;

/* Role bits per list, so one bucket probe answers "is this a trigger". */
enum { ROLE_UNIT = 1, ROLE_TRIGGER = 2, ROLE_EVENT = 4 };

/* Lists the engine reads by name (claims/README.md). */
enum {
    L_NOUN,
    L_SUBJECT,
    L_LEMMA,
    L_PLURAL,
    L_STOP,
    L_PLACE,
    L_FUTURE,
    L_PAST,
    L_PAST_SUFFIX,
    L_ATTRIB,
    L_SOURCE,
    L_PRONOUN,
    L_ABBREV,
    L_NAME_PREFIX,
    L_NAME_SUFFIX,
    L_NOT_NAME,
    L_NUMBER_WORD,
    L_NUMBER_ARTICLE,
    L_SCALE,
    L_SCALE_ABBR,
    L_ORDINAL,
    L_QUALIFIER,
    L_VAGUE,
    L_CUR_SYMBOL,
    L_CUR_WORD,
    L_MONTH,
    L_WEEKDAY,
    L_REL_DAY,
    L_SHIFT,
    L_PERIOD,
    L_TIME_UNIT,
    L_SET,
    L_AMPM,
    L_DAY_PART,
    L_SEASON,
    L_TIMEZONE,
    L_TIME_REF,
    L_PERIOD_ORD,
    L_DAY_REF,
    L_TIME_REF_NOUN,
    L_PASSIVE_AUX,
    L_REL_ANAPHORIC,
    L_SET_PER,
    L_COUNT
};
static const char *const list_names[L_COUNT] = {
    "noun",         "subject",           "lemma",          "plural_suffix",   "stopword",
    "place",        "future_cue",        "past_cue",       "past_suffix",     "attribution_cue",
    "source_word",  "pronoun",           "abbreviation",   "name_prefix",     "name_suffix",
    "not_name",     "number_word",       "number_article", "scale",           "scale_abbr",
    "ordinal_word", "qualifier",         "vague",          "currency_symbol", "currency_word",
    "month",        "weekday",           "rel_day",        "shift",           "period_unit",
    "time_unit",    "set_word",          "ampm",           "day_part",        "season",
    "timezone",     "time_ref",          "period_ord",     "day_ref",         "time_ref_noun",
    "passive_aux",  "rel_day_anaphoric", "set_per"};

/* Word windows of the context search, from claims/ (list settings). */
typedef struct windows {
    size_t noun, event, ref_date, place_date, place_near, source, source_words, tense_back,
        tense_fwd, tense_bias, dateline_words;
} windows;

struct cc_extractor {
    const cc_rules *r;
    windows w;
    size_t list[L_COUNT];
    unsigned char *role; /* per list: ROLE_* bits */
    size_t *owner;       /* per list: kind owning it, or CC_NONE */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    /* per-article scratch, reused */
    const char *body;
    size_t len;
    CC_VEC(tok) toks;
    CC_VEC(cand) cands;
    CC_VEC(sent) sents;
};

/* Marks each kind's lists with their role and owner. */
static void index_kinds(cc_extractor *ex)
{
    const cc_rules *r = ex->r;
    for (size_t i = 0; i < r->lists.n; i++)
        ex->owner[i] = CC_NONE;
    for (size_t k = 0; k < r->kinds.n; k++) {
        const cc_kind *kd = &r->kinds.v[k];
        size_t ls[3] = {kd->units, kd->triggers, kd->events};
        unsigned char roles[3] = {ROLE_UNIT, ROLE_TRIGGER, ROLE_EVENT};
        for (int j = 0; j < 3; j++)
            if (ls[j] != CC_NONE) {
                ex->role[ls[j]] |= roles[j];
                ex->owner[ls[j]] = k;
            }
    }
    if (ex->list[L_NOUN] != CC_NONE)
        ex->role[ex->list[L_NOUN]] |= ROLE_UNIT;
    for (size_t k = 0; k < r->kinds.n; k++) /* excluded nouns are nouns too */
        if (r->kinds.v[k].excludes != CC_NONE)
            ex->role[r->kinds.v[k].excludes] |= ROLE_UNIT;
}

/* Reads the context windows (claims/00-settings.rules; defaults here). */
static void read_windows(cc_extractor *ex)
{
    const cc_rules *r = ex->r;
    ex->w = (windows){(size_t)cc_rules_setting(r, "noun_lookahead", 3),
                      (size_t)cc_rules_setting(r, "event_window", 5),
                      (size_t)cc_rules_setting(r, "ref_date_window", 8),
                      (size_t)cc_rules_setting(r, "place_window_date", 12),
                      (size_t)cc_rules_setting(r, "place_window_number", 4),
                      (size_t)cc_rules_setting(r, "source_window", 15),
                      (size_t)cc_rules_setting(r, "source_max_words", 6),
                      (size_t)cc_rules_setting(r, "tense_window_before", 12),
                      (size_t)cc_rules_setting(r, "tense_window_after", 6),
                      (size_t)cc_rules_setting(r, "after_counts_farther", 3),
                      (size_t)cc_rules_setting(r, "dateline_words", 8)};
}

/* Creates an extractor; caller frees with cc_extractor_free. */
cc_extractor *cc_extractor_new(const cc_rules *rules)
{
    cc_extractor *ex = calloc(1, sizeof *ex);
    if (!ex)
        return NULL;
    ex->r = rules;
    for (int i = 0; i < L_COUNT; i++)
        ex->list[i] = cc_rules_list(rules, list_names[i]);
    ex->role = calloc(rules->lists.n + 1, 1);
    ex->owner = calloc(rules->lists.n + 1, sizeof *ex->owner);
    ex->md = pcre2_match_data_create_from_pattern(rules->master, NULL);
    ex->mctx = pcre2_match_context_create(NULL);
    ex->jit = pcre2_jit_stack_create((size_t)32 * 1024, (size_t)1024 * 1024, NULL);
    if (!ex->role || !ex->owner || !ex->md || !ex->mctx || !ex->jit)
        goto mem_error;
    read_windows(ex);
    pcre2_set_match_limit(ex->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(ex->mctx, DEPTH_LIMIT);
    pcre2_jit_stack_assign(ex->mctx, NULL, ex->jit);
    index_kinds(ex);
    return ex;
mem_error:
    cc_extractor_free(ex);
    return NULL;
}

/* Frees an extractor; accepts NULL and half-built ones. */
void cc_extractor_free(cc_extractor *ex)
{
    if (!ex)
        return;
    free(ex->role);
    free(ex->owner);
    pcre2_match_data_free(ex->md);
    pcre2_match_context_free(ex->mctx);
    pcre2_jit_stack_free(ex->jit);
    free(ex->toks.v);
    free(ex->cands.v);
    free(ex->sents.v);
    free(ex);
}

/* ---- tokens ------------------------------------------------------------ */

/* Folds token ti into buf; returns the length. */
static size_t tok_fold(const cc_extractor *ex, size_t ti, char *buf, size_t cap)
{
    const tok *t = &ex->toks.v[ti];
    return cc_fold(ex->body + t->start, t->end - t->start, buf, cap);
}

/* True when only spaces separate tokens a and a+1 (no punctuation). */
static bool tok_adjacent(const cc_extractor *ex, size_t a)
{
    if (a + 1 >= ex->toks.n || ex->toks.v[a].sent != ex->toks.v[a + 1].sent)
        return false;
    for (size_t i = ex->toks.v[a].end; i < ex->toks.v[a + 1].start; i++)
        if (ex->body[i] != ' ' && ex->body[i] != '\t')
            return false;
    return true;
}

/* Compares the words of phrase with the tokens from ti on (first: token ti
 * already folded, fl bytes); returns the number of tokens it spans, 0 if
 * it does not match there. */
static size_t phrase_tokens(const cc_extractor *ex, size_t ti, const char *phrase,
                            const char *first, size_t fl)
{
    size_t n = 0;
    for (const char *p = phrase; *p; n++) {
        size_t wl = strcspn(p, " ");
        char buf[128];
        if (ti + n >= ex->toks.n || ex->toks.v[ti + n].cand != NO_POS ||
            (n > 0 && !tok_adjacent(ex, ti + n - 1)))
            return 0;
        const char *w = n ? buf : first; /* the first token is folded once, by the caller */
        size_t bl = n ? tok_fold(ex, ti + n, buf, sizeof buf) : fl;
        if (bl != wl || memcmp(w, p, wl) != 0)
            return 0;
        p += wl + (p[wl] == ' ');
    }
    return n;
}

/* Finds the longest entry starting at token ti whose list passes the
 * filter (a list index, or any list with role bits when list is CC_NONE).
 * Returns the entry index or CC_NONE; *ntok gets its length in tokens. */
static size_t phrase_at(const cc_extractor *ex, size_t ti, size_t list, unsigned roles,
                        unsigned classes, size_t *ntok)
{
    char first[128];
    if (ti >= ex->toks.n || ex->toks.v[ti].cand != NO_POS)
        return CC_NONE;
    size_t fl = tok_fold(ex, ti, first, sizeof first);
    const cc_phrase_bucket *b = cc_rules_bucket(ex->r, first, fl);
    size_t best = CC_NONE, best_n = 0;
    for (size_t i = 0; i < b->n; i++) {
        const cc_entry *e = &ex->r->entries.v[b->entries[i]];
        if (list != CC_NONE ? e->list != list : !(ex->role[e->list] & roles))
            continue;
        if (classes && (ex->owner[e->list] == CC_NONE ||
                        !(ex->r->kinds.v[ex->owner[e->list]].classes & classes)))
            continue;
        size_t n = phrase_tokens(ex, ti, e->phrase, first, fl);
        bool owned_tie = n && n == best_n && ex->owner[e->list] != CC_NONE &&
                         ex->owner[ex->r->entries.v[best].list] == CC_NONE;
        if (n > best_n || owned_tie) { /* a kind's word beats a plain list's */
            best = b->entries[i];
            best_n = n;
        }
    }
    if (ntok)
        *ntok = best_n;
    return best;
}

/* Value of a list entry matching token ti, or NULL. */
static const char *tok_value(const cc_extractor *ex, size_t ti, int l)
{
    size_t e = phrase_at(ex, ti, ex->list[l], 0, 0, NULL);
    return e == CC_NONE ? NULL : ex->r->entries.v[e].value;
}

/* Lemma of a folded word: irregular table, then plural endings. Writes to
 * out (cap bytes). */
static void lemma(const cc_extractor *ex, const char *w, char *out, size_t cap)
{
    size_t n = strlen(w);
    const char *irr = cc_rules_lookup(ex->r, ex->list[L_LEMMA], w, n);
    if (irr) {
        snprintf(out, cap, "%s", irr);
        return;
    }
    const cc_list *pl = ex->list[L_PLURAL] == CC_NONE ? NULL : &ex->r->lists.v[ex->list[L_PLURAL]];
    for (size_t i = 0; pl && i < pl->n; i++) {
        const cc_entry *e = &ex->r->entries.v[pl->entries[i]];
        size_t sl = strlen(e->phrase);
        if (n > sl + 2 && strcmp(w + n - sl, e->phrase) == 0) {
            snprintf(out, cap, "%.*s%s", (int)(n - sl), w, e->value);
            return;
        }
    }
    snprintf(out, cap, "%s", w);
}

/* ---- scanning ---------------------------------------------------------- */

/* Start of the UTF-8 character after position i. */
static size_t next_char(const char *s, size_t len, size_t i)
{
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* Past the whitespace-free run at i: retrying a pathological run byte by
 * byte would hit the match limit once per byte. */
static size_t skip_run(const char *s, size_t len, size_t i)
{
    i = next_char(s, len, i);
    while (i < len && s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
        i++;
    return i;
}

/* A period after an abbreviation or initial, or before a lower-case word,
 * does not end the sentence. */
static bool is_boundary(const cc_extractor *ex, size_t ms, size_t me)
{
    if (ex->body[ms] == '\n')
        return true;
    size_t i = me;
    while (i < ex->len && ex->body[i] == ' ')
        i++;
    if (i < ex->len && ex->body[i] >= 'a' && ex->body[i] <= 'z')
        return false;
    if (ex->body[ms] != '.' || ex->toks.n == 0 || ex->toks.v[ex->toks.n - 1].end != ms)
        return true;
    size_t last = ex->toks.n - 1;
    const tok *t = &ex->toks.v[last];
    if (t->cand != NO_POS)
        return true;
    return t->end - t->start > 1 && !tok_value(ex, last, L_ABBREV);
}

/* Closes the current sentence at end. */
static bool close_sentence(cc_extractor *ex, size_t *sent_start, size_t end)
{
    sent s = {*sent_start, end, 0, 0};
    while (s.start < end && (ex->body[s.start] == ' ' || ex->body[s.start] == '\n'))
        s.start++;
    *sent_start = end;
    if (s.start >= end)
        return true;
    return CC_VEC_PUSH(ex->sents, s);
}

/* Records a claim candidate with its slot spans. */
static bool add_cand(cc_extractor *ex, size_t rule, const PCRE2_SIZE *ov)
{
    cand c = {rule, ov[0], ov[1], ex->toks.n, {{0, 0}}};
    for (int s = 0; s < CC_SLOT_MAX; s++) {
        c.slot[s].s = NO_POS;
        for (size_t g = 0; g < ex->r->n_slot_groups[s]; g++) {
            uint32_t n = ex->r->slot_groups[s][g];
            if (ov[2 * (size_t)n] != PCRE2_UNSET) {
                c.slot[s] = (span){ov[2 * (size_t)n], ov[2 * (size_t)n + 1]};
                break;
            }
        }
    }
    tok t = {ov[0], ov[1], ex->sents.n, ex->cands.n};
    return CC_VEC_PUSH(ex->cands, c) && CC_VEC_PUSH(ex->toks, t);
}

/* Handles one master-regex match. */
static bool on_match(cc_extractor *ex, size_t rule, const PCRE2_SIZE *ov, size_t *sent_start)
{
    const cc_rule *ru = &ex->r->rules.v[rule];
    if (ru->kind == CC_RULE_WORD) {
        tok t = {ov[0], ov[1], ex->sents.n, NO_POS};
        return CC_VEC_PUSH(ex->toks, t);
    }
    if (ru->kind == CC_RULE_BOUNDARY)
        return !is_boundary(ex, ov[0], ov[1]) || close_sentence(ex, sent_start, ov[1]);
    return ru->cls == CC_CLASS_SKIP || add_cand(ex, rule, ov);
}

/* True when a claim rule may start at i: anything but a plain word, or a
 * word whose leading letters are a starter word. Plain words (most of the
 * text) then only meet the small token regex. */
static bool may_start_claim(const cc_extractor *ex, size_t i)
{
    char key[32];
    size_t n = 0, j = i;
    for (; j < ex->len && n + 1 < sizeof key; j++, n++) {
        char c = ex->body[j];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            break;
        key[n] = (char)(c | 0x20);
    }
    if (n == 0 || n + 1 == sizeof key)
        return true;
    for (; j < ex->len; j++) { /* "F-16", "A320": words with digits */
        char c = ex->body[j];
        if (c >= '0' && c <= '9')
            return true;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '\''))
            break;
    }
    /* patterns may add a plural ending to a listed word ("{time_unit}s") */
    return cc_rules_lookup(ex->r, ex->r->starters, key, n) != NULL ||
           (n > 2 && key[n - 1] == 's' && cc_rules_lookup(ex->r, ex->r->starters, key, n - 1));
}

/* Scans the body once: at each position the master regex (claims, words,
 * boundaries) or, where no claim can start, the token regex, both
 * anchored. */
static cc_error scan(cc_extractor *ex, const cc_cluster *cl, const cc_article *a)
{
    size_t off = 0, sent_start = 0;
    bool warned = false;
    ex->toks.n = ex->cands.n = ex->sents.n = 0;
    while (off < ex->len) {
        char c = ex->body[off];
        if (c == ' ' || c == '\t') {
            off++;
            continue;
        }
        const pcre2_code *rx = may_start_claim(ex, off) ? ex->r->master : ex->r->tokens;
        int rc = pcre2_match(rx, (PCRE2_SPTR)ex->body, ex->len, off, PCRE2_NO_UTF_CHECK, ex->md,
                             ex->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) {
            off = next_char(ex->body, ex->len, off);
            continue;
        }
        if (rc < 0) { /* match or depth limit: skip the run, say so once */
            if (!warned)
                cc_diagf(cl->diag, cl->diag_ud, "%s: pattern limit hit at byte %zu; skipped",
                         a->path, off);
            warned = true;
            off = skip_run(ex->body, ex->len, off);
            continue;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ex->md);
        size_t rule = strtoul((const char *)pcre2_get_mark(ex->md), NULL, 10);
        if (!on_match(ex, rule, ov, &sent_start))
            return CC_ERROR_MEMORY;
        off = ov[1] > off ? ov[1] : next_char(ex->body, ex->len, off);
    }
    if (!close_sentence(ex, &sent_start, ex->len))
        return CC_ERROR_MEMORY;
    for (size_t i = 0, s = 0; s < ex->sents.n; s++) {
        ex->sents.v[s].first = i;
        while (i < ex->toks.n && ex->toks.v[i].sent == s)
            i++;
        ex->sents.v[s].last = i;
    }
    return CC_OK;
}

/* ---- values ------------------------------------------------------------ */

/* The slot's text looked up in list l; NULL when absent or unlisted. */
static const char *slot_lookup(const cc_extractor *ex, const cand *c, cc_slot s, int l)
{
    if (c->slot[s].s == NO_POS || ex->list[l] == CC_NONE)
        return NULL;
    return cc_rules_lookup(ex->r, ex->list[l], ex->body + c->slot[s].s,
                           c->slot[s].e - c->slot[s].s);
}

/* The slot's text looked up in list a, else in list b. */
static const char *slot_lookup2(const cc_extractor *ex, const cand *c, cc_slot s, int a, int b)
{
    const char *v = slot_lookup(ex, c, s, a);
    return v ? v : slot_lookup(ex, c, s, b);
}

/* The slot's leading integer, or dflt when the slot is absent. */
static int slot_int(const cc_extractor *ex, const cand *c, cc_slot s, int dflt)
{
    if (c->slot[s].s == NO_POS)
        return dflt;
    int v = 0; /* only the slot's own digits: "0800" is hour "08", minute "00" */
    for (size_t i = c->slot[s].s; i < c->slot[s].e && ex->body[i] >= '0' && ex->body[i] <= '9'; i++)
        v = v * 10 + (ex->body[i] - '0');
    return v;
}

/* Reads a digit run with thousands separators into *v; returns bytes used. */
static size_t read_digits(const char *s, size_t n, double *v)
{
    char buf[64];
    size_t i = 0, o = 0;
    while (i < n && o + 1 < sizeof buf) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= '0' && c <= '9') || c == '.') {
            buf[o++] = (char)c;
            i++;
        } else if (c == ',' || c == ' ' || c >= 0x80) { /* separators, thin/nbsp */
            size_t j = i + 1;
            while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
                j++;
            if (j >= n || s[j] < '0' || s[j] > '9')
                break;
            i = j;
        } else {
            break;
        }
    }
    buf[o] = '\0';
    *v = strtod(buf, NULL);
    return i;
}

typedef struct words {
    const char *p[16];
    size_t n[16];
    size_t count;
} words;

/* Looks up words [i, i+k) joined by spaces in list l. */
static const char *words_lookup(const cc_extractor *ex, const words *w, size_t i, size_t k, int l)
{
    char buf[128];
    size_t o = 0;
    for (size_t j = i; j < i + k && o + w->n[j] + 2 < sizeof buf; j++) {
        if (j > i)
            buf[o++] = ' ';
        memcpy(buf + o, w->p[j], w->n[j]);
        o += w->n[j];
    }
    return ex->list[l] == CC_NONE ? NULL : cc_rules_lookup(ex->r, ex->list[l], buf, o);
}

/* Applies one number word or scale to the running total. Returns how many
 * words it used (0 if none matched). */
static size_t number_word(const cc_extractor *ex, const words *w, size_t i, double *total,
                          double *cur)
{
    for (size_t k = w->count - i < 4 ? w->count - i : 4; k >= 1; k--) {
        const char *v = words_lookup(ex, w, i, k, L_NUMBER_ARTICLE);
        if (v) {
            *cur += cc_to_num(v, NULL);
            return k;
        }
    }
    const char *v = words_lookup(ex, w, i, 1, L_NUMBER_WORD);
    if (v) {
        *cur += cc_to_num(v, NULL);
        return 1;
    }
    if (!(v = words_lookup(ex, w, i, 1, L_SCALE)) && !(v = words_lookup(ex, w, i, 1, L_SCALE_ABBR)))
        return 0;
    double s = cc_to_num(v, NULL), base = *cur ? *cur : 1;
    if (s == 100) {
        *cur = base * s;
    } else {
        *total += base * s;
        *cur = 0;
    }
    return 1;
}

/* Parses digits, number words and scales ("1.5 million", "forty-two",
 * "half a million") in s[0:n). */
static bool parse_number(const cc_extractor *ex, const char *s, size_t n, double *out)
{
    double total = 0, cur = 0;
    bool any = false;
    words w = {.count = 0};
    for (size_t i = 0; i < n;) {
        if (s[i] >= '0' && s[i] <= '9') {
            double v;
            i += read_digits(s + i, n - i, &v);
            cur += v;
            any = true;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '-' && s[j] != '\n' && !(s[j] >= '0' && s[j] <= '9'))
            j++;
        if (j > i && w.count < 16 && !(j - i == 3 && !memcmp(s + i, "and", 3))) {
            w.p[w.count] = s + i;
            w.n[w.count++] = j - i;
        }
        i = j > i ? j : i + 1;
        if (i >= n || (s[i] >= '0' && s[i] <= '9') || w.count == 16) {
            for (size_t k = 0; k < w.count;) {
                size_t used = number_word(ex, &w, k, &total, &cur);
                any |= used > 0;
                k += used ? used : 1;
            }
            w.count = 0;
        }
    }
    *out = total + cur;
    return any;
}

/* Parses the number in slot s. */
static bool slot_number(const cc_extractor *ex, const cand *c, cc_slot s, double *v)
{
    return c->slot[s].s != NO_POS &&
           parse_number(ex, ex->body + c->slot[s].s, c->slot[s].e - c->slot[s].s, v);
}

/* Finds the [qualifier] semantics named name. */
static const cc_qual_sem *qual_sem(const cc_rules *r, const char *name)
{
    for (size_t i = 0; i < r->quals.n; i++)
        if (strcmp(r->quals.v[i].name, name) == 0)
            return &r->quals.v[i];
    return NULL;
}

/* Reads a vague amount's "LO to HI" value. */
static bool parse_interval(const char *v, double *lo, double *hi)
{
    char *end;
    *lo = strtod(v, &end);
    if (end == v || strncmp(end, " to ", 4) != 0)
        return false;
    v = end + 4;
    *hi = strtod(v, &end);
    return end != v;
}

/* Sets value, interval and qualifier from num/num2/qual/vague/scope. */
static bool set_amount(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    const char *vague = slot_lookup(ex, c, CC_SLOT_VAGUE, L_VAGUE);
    double v2;
    if (c->slot[CC_SLOT_SCOPE].s != NO_POS) {
        cm->scope_all = true;
        cm->qual = CC_Q_VAGUE;
        return true;
    }
    if (vague) {
        cm->qual = CC_Q_VAGUE;
        return cm->has_lo = cm->has_hi = parse_interval(vague, &cm->lo, &cm->hi);
    }
    if (!slot_number(ex, c, CC_SLOT_NUM, &cm->value))
        return false;
    cm->has_value = true;
    if (slot_number(ex, c, CC_SLOT_NUM2, &v2)) { /* a range states no single value */
        cm->qual = CC_Q_RANGE;
        cm->has_value = false;
        cm->has_lo = cm->has_hi = true;
        cm->lo = fmin(cm->value, v2);
        cm->hi = fmax(cm->value, v2);
        return v2 != cm->value;
    }
    const char *qn = slot_lookup(ex, c, CC_SLOT_QUAL, L_QUALIFIER);
    const cc_qual_sem *q = qual_sem(ex->r, qn ? qn : "exact");
    cm->qual = q ? q->type : CC_Q_EXACT;
    cm->has_lo = !q || q->has_lo;
    cm->has_hi = !q || q->has_hi;
    cm->lo = cm->value * (q ? q->lo : 1);
    cm->hi = cm->value * (q ? q->hi : 1);
    return true;
}

/* Formats a number compactly for TIMEX values. */
static void fmt_num(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.10g", v);
}

/* Reads a time_unit value "LETTER DAYS [FACTOR]" ("W 7", "TM 0.000694",
 * "Y 3652.5 10" for a decade: ten years); false when malformed. letter
 * gets at most 3 bytes. */
static bool parse_tunit(const char *tu, char letter[4], double *days, double *factor)
{
    char *end;
    size_t ln = tu ? strcspn(tu, " ") : 0;
    if (ln == 0 || ln >= 4)
        return false;
    memcpy(letter, tu, ln);
    letter[ln] = '\0';
    *days = strtod(tu + ln, &end);
    if (end == tu + ln)
        return false;
    char *e2;
    *factor = strtod(end, &e2);
    if (e2 == end || *factor <= 0)
        *factor = 1;
    return true;
}

/* A duration of one unit ("more than a month", "single-day"): value 1 with
 * the qualifier's interval. */
static void set_one_unit(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    const char *qn = slot_lookup(ex, c, CC_SLOT_QUAL, L_QUALIFIER);
    const cc_qual_sem *q = qual_sem(ex->r, qn ? qn : "exact");
    cm->has_value = true;
    cm->value = 1;
    cm->qual = q ? q->type : CC_Q_EXACT;
    cm->has_lo = !q || q->has_lo;
    cm->has_hi = !q || q->has_hi;
    cm->lo = q ? q->lo : 1;
    cm->hi = q ? q->hi : 1;
}

/* Duration: value in the stated unit, scale = days per unit, TIMEX P..;
 * a unit without a count ("for years") is PXY. */
static bool set_duration(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    const char *tu = slot_lookup(ex, c, CC_SLOT_TUNIT, L_TIME_UNIT);
    char letter[4], n[32] = "X";
    double days, factor;
    if (!parse_tunit(tu, letter, &days, &factor))
        return false;
    bool counted = c->slot[CC_SLOT_NUM].s != NO_POS || c->slot[CC_SLOT_VAGUE].s != NO_POS;
    const span *u = &c->slot[CC_SLOT_TUNIT];
    if (!counted && u->e < ex->len && ex->body[u->e] == 's')
        cm->qual = CC_Q_VAGUE; /* a plural without a count: "for years" */
    else if (!counted)
        set_one_unit(ex, c, cm);
    else if (!set_amount(ex, c, cm))
        return false;
    cm->scale = days;
    if (cm->has_value)
        fmt_num(n, sizeof n, cm->value * factor);
    bool t = letter[0] == 'T';
    cm->timex = cc_strfmt("P%s%s%s", t ? "T" : "", n, letter + t);
    char buf[64];
    cc_fold(ex->body + c->slot[CC_SLOT_TUNIT].s,
            c->slot[CC_SLOT_TUNIT].e - c->slot[CC_SLOT_TUNIT].s, buf, sizeof buf);
    cm->unit = cc_strdup(buf);
    return cm->timex && cm->unit;
}

/* Month from a name or digits. */
static int slot_month(const cc_extractor *ex, const cand *c)
{
    const char *m = slot_lookup(ex, c, CC_SLOT_MONTH, L_MONTH);
    return m ? cc_to_int(m, NULL) : slot_int(ex, c, CC_SLOT_MONTH, 0);
}

/* Year from its slot: "2008", "'07" and "07" (two digits: 1950-2049), or a
 * decade ("1970s", "70s"), which sets punit 'E'. */
static void slot_year(const cc_extractor *ex, const cand *c, cc_when *w)
{
    const span *sp = &c->slot[CC_SLOT_YEAR];
    if (sp->s == NO_POS)
        return;
    size_t i = sp->s;
    while (i < sp->e && (ex->body[i] < '0' || ex->body[i] > '9'))
        i++; /* an apostrophe before "'07" */
    size_t digits = 0;
    while (i + digits < sp->e && ex->body[i + digits] >= '0' && ex->body[i + digits] <= '9')
        digits++;
    w->year = cc_to_int(ex->body + i, NULL);
    if (digits <= 2)
        w->year += w->year < 50 ? 2000 : 1900;
    if (ex->body[sp->e - 1] == 's' && w->year % 10 == 0)
        w->punit = 'E';
}

/* Copies list value v (or "") into a fixed field of cap bytes. */
static void copy_code(char *dst, size_t cap, const char *v)
{
    snprintf(dst, cap, "%s", v ? v : "");
}

/* "two years ago": the count and unit letter from num and tunit, when the
 * rule also names a shift ("ago" = -1). Clock units count as days (hours
 * ago is still today), a decade as ten years. */
static void slot_ago(const cc_extractor *ex, const cand *c, cc_when *w)
{
    const char *tu = slot_lookup(ex, c, CC_SLOT_TUNIT, L_TIME_UNIT);
    char letter[4];
    double n = 1, days, factor;
    if (!parse_tunit(tu, letter, &days, &factor) || w->shift == CC_NO_SHIFT || w->shift == 0)
        return;
    if (c->slot[CC_SLOT_NUM].s != NO_POS && !slot_number(ex, c, CC_SLOT_NUM, &n))
        return;
    w->ago = (int)(n * factor) * w->shift;
    w->nunit = letter[0] == 'T' ? 'D' : letter[0];
    if (w->ago == 0 || !strchr("DWMY", w->nunit))
        w->ago = 0;
}

/* Day parts, seasons, quarters, zones and literal values ("now"). A season
 * value is "CODE MONTH": the month stands for it when the year is inferred. */
static void slot_parts(const cc_extractor *ex, const cand *c, cc_when *w)
{
    const char *v;
    copy_code(w->part, sizeof w->part, slot_lookup(ex, c, CC_SLOT_PART, L_DAY_PART));
    copy_code(w->tz, sizeof w->tz, slot_lookup(ex, c, CC_SLOT_TZ, L_TIMEZONE));
    copy_code(w->lit, sizeof w->lit, slot_lookup2(ex, c, CC_SLOT_REF, L_TIME_REF, L_TIME_REF_NOUN));
    if (strcmp(w->part, "WE") == 0) /* a weekend is a part of a week */
        w->punit = 'W';
    if ((v = slot_lookup(ex, c, CC_SLOT_SEASON, L_SEASON))) {
        snprintf(w->part, sizeof w->part, "%.2s", v);
        w->month = cc_to_int(v + strcspn(v, " "), NULL);
        w->punit = 'S';
    }
    if (c->slot[CC_SLOT_ORD].s != NO_POS) { /* "third quarter", "Q3", "final quarter" */
        v = slot_lookup(ex, c, CC_SLOT_ORD, L_PERIOD_ORD);
        const span *o = &c->slot[CC_SLOT_ORD];
        size_t i = o->s;
        while (!v && i < o->e && (ex->body[i] < '0' || ex->body[i] > '9'))
            i++;
        w->ord = v ? cc_to_int(v, NULL) : cc_to_int(ex->body + i, NULL);
    }
}

/* Fills the cc_when of a date or time from its slots; the rel_day value is
 * "OFFSET [PART]" ("last night = -1 NI"). A day with a part ("Friday
 * night") stays a date claim, so that it still dates its event. */
static bool set_when(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    cc_when *w = &cm->when;
    const char *v;
    memset(w, 0, sizeof *w);
    w->weekday = w->hour = w->minute = -1;
    w->shift = CC_NO_SHIFT;
    slot_year(ex, c, w);
    w->month = slot_month(ex, c);
    w->mday = slot_int(ex, c, CC_SLOT_DAY, 0);
    if ((v = slot_lookup(ex, c, CC_SLOT_WEEKDAY, L_WEEKDAY)))
        w->weekday = cc_to_int(v, NULL);
    if ((v = slot_lookup(ex, c, CC_SLOT_SHIFT, L_SHIFT)))
        w->shift = cc_to_int(v, NULL);
    if ((v = slot_lookup(ex, c, CC_SLOT_PUNIT, L_PERIOD)))
        w->punit = v[0];
    slot_parts(ex, c, w);
    v = slot_lookup(ex, c, CC_SLOT_REL, L_REL_DAY);
    if (!v && (v = slot_lookup2(ex, c, CC_SLOT_REL, L_REL_ANAPHORIC, L_DAY_REF)))
        w->anaphoric = true;
    if (v) {
        char *end;
        w->has_rel = true;
        w->rel_days = (int)strtol(v, &end, 10);
        if (*end == ' ' && !w->part[0])
            copy_code(w->part, sizeof w->part, end + 1);
    }
    slot_ago(ex, c, w);
    w->hour = slot_int(ex, c, CC_SLOT_HOUR, -1);
    w->minute = slot_int(ex, c, CC_SLOT_MINUTE, -1);
    v = slot_lookup(ex, c, CC_SLOT_AMPM, L_AMPM);
    if (v && w->hour >= 0 && w->hour <= 12)
        w->hour = (w->hour % 12) + (strcmp(v, "pm") == 0 ? 12 : 0);
    if ((v = slot_lookup2(ex, c, CC_SLOT_SET, L_SET, L_SET_PER)))
        return (cm->timex = cc_strdup(v)) != NULL;
    return w->month <= 12 && w->mday <= 31;
}

/* Sets the class-specific value of a claim; false drops the candidate. */
static bool set_value(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    const char *v;
    cm->scale = 1;
    switch (cm->cls) {
    case CC_CLASS_DURATION:
        return set_duration(ex, c, cm);
    case CC_CLASS_DATE:
    case CC_CLASS_TIME:
    case CC_CLASS_SET:
        return set_when(ex, c, cm);
    case CC_CLASS_ORDINAL:
        v = slot_lookup(ex, c, CC_SLOT_ORD, L_ORDINAL);
        cm->value = v ? cc_to_num(v, NULL) : slot_int(ex, c, CC_SLOT_ORD, 0);
        cm->has_value = cm->has_lo = cm->has_hi = cm->value > 0;
        cm->lo = cm->hi = cm->value;
        return cm->has_value;
    case CC_CLASS_MONEY:
        if (!(v = slot_lookup(ex, c, CC_SLOT_CUR, L_CUR_SYMBOL)))
            v = slot_lookup(ex, c, CC_SLOT_CUR, L_CUR_WORD);
        cm->unit = cc_strdup(v ? v : "?");
        return set_amount(ex, c, cm);
    case CC_CLASS_PERCENT:
        cm->unit = cc_strdup("%");
        return set_amount(ex, c, cm);
    default:
        return set_amount(ex, c, cm);
    }
}

/* ---- context ----------------------------------------------------------- */

/* True if token ti starts with an ASCII capital letter. */
static bool tok_capital(const cc_extractor *ex, size_t ti)
{
    char c = ex->body[ex->toks.v[ti].start];
    return c >= 'A' && c <= 'Z';
}

/* The counted noun after claim token ti: a listed noun within a few
 * words, else the next plain lower-case word. Sets *entry for listed ones. */
static size_t find_unit(const cc_extractor *ex, size_t ti, size_t *entry)
{
    size_t n;
    *entry = CC_NONE;
    for (size_t j = ti + 1; j <= ti + ex->w.noun && tok_adjacent(ex, j - 1); j++) {
        if (ex->toks.v[j].cand != NO_POS)
            break;
        if ((*entry = phrase_at(ex, j, CC_NONE, ROLE_UNIT, 0, &n)) != CC_NONE)
            return j;
    }
    size_t j = ti + 1;
    if (!tok_adjacent(ex, ti) || ex->toks.v[j].cand != NO_POS || tok_capital(ex, j) ||
        tok_value(ex, j, L_STOP) || ex->toks.v[j].end - ex->toks.v[j].start < 3)
        return NO_POS;
    return j;
}

/* Searches outward from ti within its sentence for the nearest token
 * where phrase_at(list, roles, classes) matches, up to back words before
 * and fwd after (a later cue counts as bias words farther). Returns the
 * entry or CC_NONE; *at gets its token. */
static size_t nearest(const cc_extractor *ex, size_t ti, size_t list, unsigned roles,
                      unsigned classes, size_t back, size_t fwd, size_t bias, size_t *at)
{
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    size_t lim = back > fwd + bias ? back : fwd + bias;
    for (size_t d = 1; d <= lim; d++) {
        size_t e, n;
        if (d <= back && ti >= s->first + d &&
            (e = phrase_at(ex, ti - d, list, roles, classes, &n)) != CC_NONE) {
            *at = ti - d;
            return e;
        }
        if (d > bias && d - bias <= fwd && ti + d - bias < s->last &&
            (e = phrase_at(ex, ti + d - bias, list, roles, classes, &n)) != CC_NONE) {
            *at = ti + d - bias;
            return e;
        }
    }
    return CC_NONE;
}

/* Kind of the counted noun, if one of a kind's units allows the class. */
static size_t unit_kind(const cc_extractor *ex, size_t unit_entry, cc_class cls)
{
    size_t k = unit_entry == CC_NONE ? CC_NONE : ex->owner[ex->r->entries.v[unit_entry].list];
    return k != CC_NONE && (ex->r->kinds.v[k].classes & (1u << cls)) ? k : CC_NONE;
}

/* True when token j is capitalised inside its sentence: part of a name
 * ("Rite Aid"), so not a trigger word. */
static bool in_name(const cc_extractor *ex, size_t j)
{
    return j > ex->sents.v[ex->toks.v[j].sent].first && tok_capital(ex, j);
}

/* True when the counted noun rules kind k out ("150 metres" is no toll). */
static bool excluded(const cc_extractor *ex, size_t k, size_t unit_entry)
{
    size_t ex_list = ex->r->kinds.v[k].excludes;
    if (ex_list == CC_NONE || unit_entry == CC_NONE)
        return false;
    const cc_entry *u = &ex->r->entries.v[unit_entry];
    return u->list == ex_list || cc_rules_lookup(ex->r, ex_list, u->phrase, strlen(u->phrase));
}

/* Kind from the counted noun, then a dated event just before the claim,
 * then the nearest trigger within the kind's window, then the generic
 * kind of the class. Sets the event for dated events. */
static size_t find_kind(const cc_extractor *ex, size_t ti, size_t unit_entry, cc_claim *cm)
{
    const cc_rules *r = ex->r;
    unsigned cls = 1u << cm->cls;
    size_t at, k = unit_kind(ex, unit_entry, cm->cls);
    if (k != CC_NONE)
        return k;
    size_t bias = ex->w.tense_bias, back = ex->w.event, fwd = back > bias ? back - bias : 0;
    size_t e = nearest(ex, ti, CC_NONE, ROLE_EVENT, cls, back, fwd, bias, &at);
    if (e != CC_NONE) {
        cm->event = cc_strdup(r->entries.v[e].value);
        return ex->owner[r->entries.v[e].list];
    }
    e = nearest(ex, ti, CC_NONE, ROLE_TRIGGER, cls, 10, 10, 0, &at);
    k = e == CC_NONE ? CC_NONE : ex->owner[r->entries.v[e].list];
    if (k != CC_NONE && (at > ti ? at - ti : ti - at) <= (size_t)r->kinds.v[k].window &&
        !excluded(ex, k, unit_entry) && !in_name(ex, at))
        return k;
    return cc_rules_generic_kind(r, cm->cls);
}

/* Canonical place nearest the claim in its sentence, or NULL. Numbers
 * take only a place right next to them; a date's event may be further. */
static char *find_place(const cc_extractor *ex, size_t ti, cc_class cls)
{
    size_t w = cls == CC_CLASS_DATE || cls == CC_CLASS_TIME ? ex->w.place_date : ex->w.place_near;
    size_t at, e = nearest(ex, ti, ex->list[L_PLACE], 0, 0, w, w, 0, &at);
    return e == CC_NONE ? NULL : cc_strdup(ex->r->entries.v[e].value);
}

/* True when word token j ends in a past suffix ("-ed"). */
static bool past_suffix(const cc_extractor *ex, size_t j)
{
    const cc_list *sl =
        ex->list[L_PAST_SUFFIX] == CC_NONE ? NULL : &ex->r->lists.v[ex->list[L_PAST_SUFFIX]];
    char w[64];
    size_t n = tok_fold(ex, j, w, sizeof w);
    for (size_t i = 0; sl && i < sl->n; i++) {
        const char *suf = ex->r->entries.v[sl->entries[i]].phrase;
        size_t k = strlen(suf);
        if (n > k + 2 && strcmp(w + n - k, suf) == 0)
            return true;
    }
    return false;
}

/* Tense cue at token j: 1 future, -1 past, 0 none. A participle after a
 * passive auxiliary ("will be held", "to be finalized") is no past. */
static int tense_at(const cc_extractor *ex, size_t j, size_t first)
{
    if (ex->toks.v[j].cand != NO_POS)
        return 0;
    if (phrase_at(ex, j, ex->list[L_FUTURE], 0, 0, NULL) != CC_NONE)
        return 1;
    if (phrase_at(ex, j, ex->list[L_PAST], 0, 0, NULL) == CC_NONE && !past_suffix(ex, j))
        return 0;
    return j > first && tok_value(ex, j - 1, L_PASSIVE_AUX) ? 0 : -1;
}

/* Past (-1), future (1) or unknown (0) from the nearest tense cue in the
 * sentence; cues after the date count as tense_bias words farther. */
static int find_tense(const cc_extractor *ex, size_t ti)
{
    const windows *w = &ex->w;
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    size_t lim =
        w->tense_back > w->tense_fwd + w->tense_bias ? w->tense_back : w->tense_fwd + w->tense_bias;
    for (size_t d = 1; d <= lim; d++) {
        int t;
        if (d <= w->tense_back && ti >= s->first + d && (t = tense_at(ex, ti - d, s->first)))
            return t;
        size_t f = ti + d - w->tense_bias;
        if (d > w->tense_bias && d - w->tense_bias <= w->tense_fwd && f < s->last &&
            (t = tense_at(ex, f, s->first)))
            return t;
    }
    return 0;
}

/* True when token j may be part of a source's name. */
static bool source_tok(const cc_extractor *ex, size_t j)
{
    return ex->toks.v[j].cand == NO_POS && (tok_capital(ex, j) || tok_value(ex, j, L_SOURCE));
}

/* The name-like run of tokens next to a cue: before it (dir < 0) or after
 * it. Returns a new string, or NULL for none or a pronoun. */
static char *source_run(const cc_extractor *ex, size_t from, int dir, size_t lo, size_t hi)
{
    size_t a = from, b = from, n = 0;
    if (from < lo || from >= hi || !source_tok(ex, from))
        return NULL;
    while (n < ex->w.source_words && dir < 0 && a > lo && tok_adjacent(ex, a - 1) &&
           source_tok(ex, a - 1))
        a--, n++;
    while (n < ex->w.source_words && dir > 0 && b + 1 < hi && tok_adjacent(ex, b) &&
           source_tok(ex, b + 1))
        b++, n++;
    while (a < b && (!tok_capital(ex, a) || tok_value(ex, a, L_STOP))) /* "The", "of" */
        a++;
    while (b > a && tok_value(ex, b, L_STOP))
        b--;
    if (a == b && tok_value(ex, a, L_PRONOUN))
        return NULL;
    return cc_strndup(ex->body + ex->toks.v[a].start, ex->toks.v[b].end - ex->toks.v[a].start);
}

/* Who says it: the source next to the nearest attribution cue in the
 * sentence ("X said", "according to X", "said X"). */
static char *find_source(const cc_extractor *ex, size_t ti)
{
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    size_t at, n = 0;
    size_t e = nearest(ex, ti, ex->list[L_ATTRIB], 0, 0, ex->w.source, ex->w.source, 0, &at);
    if (e == CC_NONE)
        return NULL;
    phrase_at(ex, at, ex->list[L_ATTRIB], 0, 0, &n);
    bool before = strcmp(ex->r->entries.v[e].value, "before") == 0;
    char *src = before && at > s->first ? source_run(ex, at - 1, -1, s->first, s->last) : NULL;
    return src ? src : source_run(ex, at + n, 1, s->first, s->last);
}

/* ---- assembling a claim ----------------------------------------------- */

/* The alignment key: kind, then its subject (the kind itself, the dated
 * event and place, or the counted noun's subject class). Generic claims
 * without a counted noun get a key of their own: nothing to align them by
 * (two dollar amounts are not about the same thing just by currency). */
static char *make_key(const cc_extractor *ex, const cc_claim *cm, bool has_noun)
{
    const cc_kind *k = &ex->r->kinds.v[cm->kind];
    if (cm->event)
        return cc_strfmt("%s/%s@%s", k->name, cm->event, cm->place ? cm->place : "-");
    if (k->by_place && !cm->place)
        return cc_strfmt("%s/#%s", k->name, cm->id);
    if (k->fixed_subject)
        return k->by_place ? cc_strfmt("%s@%s", k->name, cm->place) : cc_strdup(k->name);
    const char *subj =
        cm->unit ? cc_rules_lookup(ex->r, ex->list[L_SUBJECT], cm->unit, strlen(cm->unit)) : NULL;
    if (!subj && has_noun)
        subj = cm->unit;
    if (k->generic && !has_noun)
        subj = NULL;
    else if (!subj)
        subj = k->default_subject ? k->default_subject : "-";
    return subj ? cc_strfmt("%s/%s", k->name, subj) : cc_strfmt("%s/#%s", k->name, cm->id);
}

static void find_ref_date(const cc_extractor *ex, size_t ti, cc_claim *cm);
static void find_time_date(const cc_extractor *ex, size_t ti, cc_claim *cm);

/* Counted noun, kind, place, source and date for the claim at token ti.
 * Sets *has_noun when a counted noun was found. */
static bool set_context(const cc_extractor *ex, const cand *c, cc_claim *cm, bool *has_noun)
{
    size_t unit_entry = CC_NONE, ut = NO_POS;
    const cc_rule *ru = &ex->r->rules.v[c->rule];
    if (cm->cls == CC_CLASS_COUNT || cm->cls == CC_CLASS_AMOUNT || cm->cls == CC_CLASS_ORDINAL)
        ut = find_unit(ex, c->tok, &unit_entry);
    *has_noun = ut != NO_POS;
    if (ut != NO_POS) {
        char w[128], l[128];
        tok_fold(ex, ut, w, sizeof w);
        lemma(ex, w, l, sizeof l);
        free(cm->unit);
        cm->unit = cc_strdup(l);
    }
    if (ru->needs_kind) /* only the counted noun itself may say what it is */
        cm->kind = unit_kind(ex, unit_entry, cm->cls);
    else if (ru->forced_kind != CC_NONE)
        cm->kind = ru->forced_kind;
    else
        cm->kind = find_kind(ex, c->tok, unit_entry, cm);
    if (cm->kind == CC_NONE)
        return false;
    cm->place = find_place(ex, c->tok, cm->cls);
    cm->attribution = find_source(ex, c->tok);
    if (cm->cls == CC_CLASS_DATE || cm->cls == CC_CLASS_TIME)
        cm->when.tense = find_tense(ex, c->tok);
    if (cm->cls == CC_CLASS_TIME)
        find_time_date(ex, c->tok, cm);
    else if (cm->cls != CC_CLASS_DATE)
        find_ref_date(ex, c->tok, cm);
    return true;
}

/* The day an anaphoric date ("the following day", "the same day") counts
 * from: the nearest day-precise date before it in its article, else the
 * publication day. */
static int32_t anchor_day(const cc_cluster *cl, size_t ai, size_t before, int32_t published)
{
    const cc_article *a = &cl->articles.v[ai];
    for (size_t i = before; i > a->first_claim; i--) {
        const cc_claim *c = &cl->claims.v[i - 1];
        if (c->cls == CC_CLASS_DATE && c->day != CC_NO_DAY)
            return c->day;
    }
    return published;
}

/* Resolves a date or time claim against the article's publication day (an
 * anaphoric one against its anchor, the claims before index `at`); for
 * another claim, the day its sentence gives it. */
static bool resolve_date(const cc_cluster *cl, size_t ai, size_t at, cc_claim *cm)
{
    int32_t published = cl->articles.v[ai].published;
    if (cm->when.anaphoric)
        published = anchor_day(cl, ai, at, published);
    if (cm->cls != CC_CLASS_DATE && cm->cls != CC_CLASS_TIME) {
        char *t = cm->has_ref ? cc_when_resolve(&cm->when, published, &cm->day) : NULL;
        free(t);
        return true;
    }
    free(cm->timex);
    cm->timex = cc_when_resolve(&cm->when, published, &cm->day);
    return cm->timex != NULL;
}

/* For a count, amount, sum or share: the day-precise date next to it in
 * its sentence ("46 were arrested Wednesday night"), kept in when /
 * has_ref. Farther dates tend to date something else ("his sixth visit
 * since the war began on October 7"). */
static void find_ref_date(const cc_extractor *ex, size_t ti, cc_claim *cm)
{
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    if (cm->cls != CC_CLASS_COUNT && cm->cls != CC_CLASS_AMOUNT && cm->cls != CC_CLASS_MONEY &&
        cm->cls != CC_CLASS_PERCENT)
        return;
    for (size_t d = 1; d <= ex->w.ref_date; d++) {
        size_t js[2] = {ti >= s->first + d ? ti - d : NO_POS, ti + d < s->last ? ti + d : NO_POS};
        for (int k = 0; k < 2; k++) {
            size_t j = js[k];
            const cand *c = j == NO_POS || ex->toks.v[j].cand == NO_POS
                                ? NULL
                                : &ex->cands.v[ex->toks.v[j].cand];
            cc_claim tmp = {0};
            if (!c || ex->r->rules.v[c->rule].cls != CC_CLASS_DATE || !set_when(ex, c, &tmp))
                continue;
            free(tmp.timex);
            if (!tmp.when.has_rel && tmp.when.weekday < 0 && !tmp.when.mday)
                continue; /* "last year" dates no single day */
            cm->when = tmp.when;
            cm->when.tense = find_tense(ex, j);
            cm->has_ref = true;
            return;
        }
    }
}

/* True when w names a day or more ("Monday", "June 1st", "today"). */
static bool names_date(const cc_when *w)
{
    return w->has_rel || w->weekday >= 0 || w->mday || w->ago;
}

/* A clock time without a day ("at 18:00 UTC") takes the day-precise date
 * nearest to it in its sentence ("Tuesday ... at 18:00 UTC", "16:15 UTC,
 * June 1st"); else it stays on the report's day. */
static void find_time_date(const cc_extractor *ex, size_t ti, cc_claim *cm)
{
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    if (names_date(&cm->when) || cm->when.month || cm->when.year)
        return;
    for (size_t d = 1; d <= ex->w.ref_date; d++) {
        size_t js[2] = {ti + d < s->last ? ti + d : NO_POS, ti >= s->first + d ? ti - d : NO_POS};
        for (int k = 0; k < 2; k++) {
            const cand *c = js[k] == NO_POS || ex->toks.v[js[k]].cand == NO_POS
                                ? NULL
                                : &ex->cands.v[ex->toks.v[js[k]].cand];
            cc_claim tmp = {0};
            if (!c || ex->r->rules.v[c->rule].cls != CC_CLASS_DATE)
                continue;
            tmp.cls = CC_CLASS_DATE;
            bool ok = set_when(ex, c, &tmp) && names_date(&tmp.when);
            free(tmp.timex);
            if (!ok)
                continue;
            cc_when *w = &cm->when;
            cc_when own = *w;
            *w = tmp.when;
            w->hour = own.hour, w->minute = own.minute;
            memcpy(w->tz, own.tz, sizeof w->tz);
            if (own.part[0]) /* "in morning trading" */
                memcpy(w->part, own.part, sizeof w->part);
            w->tense = find_tense(ex, js[k]);
            return;
        }
    }
}

/* Builds the claim for candidate ci and appends it to the cluster. */
static cc_error build_claim(cc_extractor *ex, cc_cluster *cl, size_t ai, size_t ci)
{
    const cand *c = &ex->cands.v[ci];
    const cc_article *a = &cl->articles.v[ai];
    const sent *st = &ex->sents.v[ex->toks.v[c->tok].sent];
    cc_claim cm = {0};
    cm.article = ai;
    cm.start = c->start;
    cm.end = c->end;
    cm.sent_start = st->start;
    cm.sent_end = st->end;
    cm.cls = ex->r->rules.v[c->rule].cls;
    cm.day = CC_NO_DAY;
    cm.group = CC_NONE;
    cm.id = cc_strfmt("%s@%zu", a->id, c->start);
    bool noun = false;
    bool keep = cm.id && set_value(ex, c, &cm) && set_context(ex, c, &cm, &noun) &&
                resolve_date(cl, ai, cl->claims.n, &cm) &&
                (cm.key = make_key(ex, &cm, noun)) != NULL;
    if (!keep || !CC_VEC_PUSH(cl->claims, cm)) {
        cc_claim_clear(&cm);
        return keep ? CC_ERROR_MEMORY : CC_OK;
    }
    return CC_OK;
}

/* Length of a name prefix ("al-") at the start of folded w, else 0. */
static size_t name_prefix(const cc_extractor *ex, const char *w, size_t n)
{
    const cc_list *l =
        ex->list[L_NAME_PREFIX] == CC_NONE ? NULL : &ex->r->lists.v[ex->list[L_NAME_PREFIX]];
    for (size_t i = 0; l && i < l->n; i++) {
        const char *p = ex->r->entries.v[l->entries[i]].phrase;
        size_t pl = strlen(p);
        if (n > pl && strncmp(w, p, pl) == 0)
            return pl;
    }
    return 0;
}

/* Adds a capitalised word token to the cluster's name index. */
static bool collect_name(const cc_extractor *ex, cc_cluster *cl, size_t ai, size_t ti)
{
    char w[128];
    const tok *t = &ex->toks.v[ti];
    size_t n = tok_fold(ex, ti, w, sizeof w);
    size_t p = name_prefix(ex, w, n);
    char c0 = ex->body[t->start + p];
    if (c0 < 'A' || c0 > 'Z')
        return true;
    if (n >= 2 && w[n - 2] == '\'' && w[n - 1] == 's')
        n -= 2;
    if (n - p < 4 || cc_rules_lookup(ex->r, ex->list[L_NOT_NAME], w + p, n - p))
        return true;
    for (size_t i = t->start + p + 1; i < t->end; i++) /* "QatarA": glued words, not a name */
        if (ex->body[i] >= 'A' && ex->body[i] <= 'Z' && ex->body[i - 1] >= 'a' &&
            ex->body[i - 1] <= 'z')
            return true;
    const sent *st = &ex->sents.v[t->sent];
    cc_name_seen at = {ai, t->start, t->end, st->start, st->end};
    return cc_names_add(cl->names, w + p, n - p, &at, ti > st->first);
}

/* An undated article whose first line is a short dateline ("March 01,
 * 2008", "CAIRO, March 21, 2024 -") takes that line's full date (year,
 * month and day stated) as its publication day. */
static void find_dateline(const cc_extractor *ex, cc_article *a)
{
    size_t line_end = 0, words = 0, max_words = (size_t)ex->w.dateline_words;
    while (line_end < ex->len && ex->body[line_end] != '\n')
        line_end++;
    for (size_t i = 0; i < ex->toks.n && ex->toks.v[i].start < line_end; i++)
        if (++words > max_words)
            return;
    for (size_t i = 0; i < ex->cands.n && ex->cands.v[i].start < line_end; i++) {
        const cand *c = &ex->cands.v[i];
        cc_claim tmp = {0};
        tmp.cls = ex->r->rules.v[c->rule].cls;
        bool ok = tmp.cls == CC_CLASS_DATE && set_when(ex, c, &tmp);
        free(tmp.timex);
        int32_t day = ok && tmp.when.year && tmp.when.month && tmp.when.mday
                          ? cc_day_from_ymd(tmp.when.year, tmp.when.month, tmp.when.mday)
                          : CC_NO_DAY;
        if (day != CC_NO_DAY) {
            a->published = day;
            a->published_from = CC_PUB_TEXT;
            return;
        }
    }
}

/* Extracts one article (see extract.h). */
cc_error cc_extract_article(cc_extractor *ex, cc_cluster *cl, size_t ai)
{
    cc_article *a = &cl->articles.v[ai];
    ex->body = a->body;
    ex->len = a->body_len;
    cc_error err = scan(ex, cl, a);
    if (a->published == CC_NO_DAY)
        find_dateline(ex, a);
    a->first_claim = cl->claims.n;
    for (size_t i = 0; err == CC_OK && i < ex->cands.n; i++)
        err = build_claim(ex, cl, ai, i);
    for (size_t i = 0; err == CC_OK && cl->names && i < ex->toks.n; i++)
        if (ex->toks.v[i].cand == NO_POS && !collect_name(ex, cl, ai, i))
            err = CC_ERROR_MEMORY;
    a->n_claims = cl->claims.n - a->first_claim;
    return err;
}

/* Re-resolves article ai's dates (see extract.h). */
cc_error cc_extract_redate(cc_cluster *cl, size_t ai)
{
    const cc_article *a = &cl->articles.v[ai];
    for (size_t i = a->first_claim; i < a->first_claim + a->n_claims; i++)
        if (!resolve_date(cl, ai, i, &cl->claims.v[i]))
            return CC_ERROR_MEMORY;
    return CC_OK;
}
