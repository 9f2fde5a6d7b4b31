/* extract.c: stage 2. One pass over an article (each claim rule tried
 * only where it may start, words read in C) yields claim candidates,
 * words and sentence ends; a second pass over those tokens finds each
 * claim's counted noun, kind, place, tense and source using the word
 * lists in claims/. */
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

/* What a phrase index bucket holds, so that phrase_at tells at a glance
 * that a word starts no phrase of the lists asked about (most words, most
 * of the time: the context searches ask each word about several lists). */
typedef struct bucket_sum {
    uint64_t lists;      /* list_bit of each entry's list */
    unsigned classes;    /* the classes of the kinds owning an entry's list */
    unsigned char roles; /* ROLE_* bits of the entries' lists */
} bucket_sum;

typedef struct tok {
    size_t start, end;
    size_t sent;
    size_t cand;                /* candidate index, or NO_POS for a word */
    size_t fold, fold_len;      /* words: folded text at ex->folds + fold */
    const cc_phrase_bucket *bk; /* words: the phrase index bucket of that text */
    const bucket_sum *sum;      /* words: that bucket's sum (sum_of, once a word) */
} tok;

typedef struct cand {
    size_t rule, start, end, tok;
    span slot[CC_SLOT_MAX];
} cand;

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
    L_NOT_SOURCE,
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
    L_FRACTION,
    L_FILLER,
    L_POST_QUAL,
    L_ORD_TENS,
    L_NOT_NOUN_SUFFIX,
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
    L_CHANGE_CUE,
    L_CHANGE_PART,
    L_CHANGE_ADVERB,
    L_CHANGE_AFTER,
    L_ANCHOR_REF,
    L_ANCHOR_REF_THAT,
    L_TIME_REF_ADVERB,
    L_COUNT
};
static const char *const list_names[L_COUNT] = {"noun",
                                                "subject",
                                                "lemma",
                                                "plural_suffix",
                                                "stopword",
                                                "place",
                                                "future_cue",
                                                "past_cue",
                                                "past_suffix",
                                                "attribution_cue",
                                                "source_word",
                                                "pronoun",
                                                "not_source",
                                                "abbreviation",
                                                "name_prefix",
                                                "name_suffix",
                                                "not_name",
                                                "number_word",
                                                "number_article",
                                                "scale",
                                                "scale_abbr",
                                                "ordinal_word",
                                                "qualifier",
                                                "vague",
                                                "currency_symbol",
                                                "currency_word",
                                                "month",
                                                "weekday",
                                                "rel_day",
                                                "shift",
                                                "period_unit",
                                                "time_unit",
                                                "set_word",
                                                "ampm",
                                                "fraction",
                                                "number_filler",
                                                "post_qualifier",
                                                "ordinal_tens",
                                                "not_noun_suffix",
                                                "day_part",
                                                "season",
                                                "timezone",
                                                "time_ref",
                                                "period_ord",
                                                "day_ref",
                                                "time_ref_noun",
                                                "passive_aux",
                                                "rel_day_anaphoric",
                                                "set_per",
                                                "change_cue",
                                                "change_part",
                                                "change_adverb",
                                                "change_after",
                                                "anchor_ref",
                                                "anchor_ref_that",
                                                "time_ref_adverb"};

typedef struct sent {
    size_t start, end;
    size_t first, last; /* token range [first, last) */
    bucket_sum sum;     /* its words' sums: a context search for a list no
                           word of it is in ends before it starts */
} sent;

/* list_bit of the lists the engine does not read by name. */
#define OTHER_LISTS (1ull << 63)
_Static_assert(L_COUNT < 63, "one bit per engine list, and OTHER_LISTS");

/* Word windows of the context search, from claims/ (list settings). */
typedef struct windows {
    size_t noun, event, ref_date, place_date, place_near, source, source_words, source_intro,
        tense_back, tense_fwd, tense_bias, dateline_words;
    size_t trigger; /* the widest kind window: how far find_kind looks */
} windows;

struct cc_extractor {
    const cc_rules *r;
    windows w;
    size_t list[L_COUNT];
    unsigned char *role;          /* per list: ROLE_* bits */
    size_t *owner;                /* per list: kind owning it, or CC_NONE */
    size_t generic[CC_CLASS_MAX]; /* per class: cc_rules_generic_kind */
    uint64_t *list_bit;           /* per list: 1 << L_* for the engine's, else OTHER_LISTS */
    bucket_sum *sums;             /* per phrase index bucket */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    bool fast_words;            /* the word rule agrees with scan_word on ASCII */
    size_t tok1_rule[128];      /* per ASCII byte: the rule reading it alone, + 1 ... */
    uint64_t tok1_next[128][2]; /* ... when an ASCII byte of this set follows (learn_tok1) */
    size_t *gate_at;            /* per gate: its answer at a position (gate_open) */
    cand blank;                 /* a candidate with no slot matched (add_cand) */
    /* per-article scratch, reused */
    const char *body;
    size_t len;
    CC_VEC(tok) toks;
    CC_VEC(cand) cands;
    CC_VEC(sent) sents;
    sent open;   /* the sentence being read: its start, first token and sum */
    char *folds; /* every word folded once (add_word), NUL-separated */
    size_t folds_len, folds_cap;
};

static bool words_agree(cc_extractor *ex);
static void learn_tok1(cc_extractor *ex);

/* Marks each kind's lists with their role and owner, and finds each
 * class's generic kind (the fallback of find_kind). */
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
    for (int c = 0; c < CC_CLASS_MAX; c++)
        ex->generic[c] = cc_rules_generic_kind(r, (cc_class)c);
}

/* Sums up each phrase index bucket (bucket_sum); false when out of
 * memory. Runs after index_kinds, which sets the roles and owners. */
static bool sum_buckets(cc_extractor *ex)
{
    const cc_rules *r = ex->r;
    ex->list_bit = calloc(r->lists.n + 1, sizeof *ex->list_bit);
    ex->sums = calloc(r->index_size + 1, sizeof *ex->sums);
    if (!ex->list_bit || !ex->sums)
        return false;
    for (size_t l = 0; l < r->lists.n; l++)
        ex->list_bit[l] = OTHER_LISTS;
    for (int i = 0; i < L_COUNT; i++)
        if (ex->list[i] != CC_NONE)
            ex->list_bit[ex->list[i]] = 1ull << i;
    for (size_t k = 0; k < r->index_size; k++) {
        bucket_sum *sum = &ex->sums[k];
        for (size_t i = 0; i < r->index[k].n; i++) {
            size_t l = r->entries.v[r->index[k].entries[i]].list;
            sum->lists |= ex->list_bit[l];
            sum->roles |= ex->role[l];
            if (ex->owner[l] != CC_NONE)
                sum->classes |= r->kinds.v[ex->owner[l]].classes;
        }
    }
    return true;
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
                      (size_t)cc_rules_setting(r, "source_intro_words", 4),
                      (size_t)cc_rules_setting(r, "tense_window_before", 12),
                      (size_t)cc_rules_setting(r, "tense_window_after", 6),
                      (size_t)cc_rules_setting(r, "after_counts_farther", 3),
                      (size_t)cc_rules_setting(r, "dateline_words", 8),
                      0};
    for (size_t k = 0; k < r->kinds.n; k++)
        if ((size_t)r->kinds.v[k].window > ex->w.trigger)
            ex->w.trigger = (size_t)r->kinds.v[k].window;
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
    ex->md = pcre2_match_data_create(rules->max_captures + 1, NULL);
    ex->mctx = pcre2_match_context_create(NULL);
    ex->jit = pcre2_jit_stack_create((size_t)32 * 1024, (size_t)1024 * 1024, NULL);
    ex->gate_at = calloc(rules->gates.n + 1, sizeof *ex->gate_at);
    if (!ex->role || !ex->owner || !ex->md || !ex->mctx || !ex->jit || !ex->gate_at)
        goto mem_error;
    for (int s = 0; s < CC_SLOT_MAX; s++)
        ex->blank.slot[s].s = NO_POS;
    read_windows(ex);
    pcre2_set_match_limit(ex->mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(ex->mctx, DEPTH_LIMIT);
    pcre2_jit_stack_assign(ex->mctx, NULL, ex->jit);
    index_kinds(ex);
    if (!sum_buckets(ex))
        goto mem_error;
    ex->fast_words = words_agree(ex);
    learn_tok1(ex);
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
    free(ex->list_bit);
    free(ex->sums);
    pcre2_match_data_free(ex->md);
    free(ex->gate_at);
    pcre2_match_context_free(ex->mctx);
    pcre2_jit_stack_free(ex->jit);
    free(ex->toks.v);
    free(ex->cands.v);
    free(ex->sents.v);
    free(ex->folds);
    free(ex);
}

/* ---- tokens ------------------------------------------------------------ */

/* Token ti folded as cc_fold would into a buffer of cap bytes: a word's
 * stored fold when it fits (no copy), else folded into buf. *n gets the
 * length; the text is NUL-terminated and lives as long as ex's article
 * or buf. */
static const char *tok_folded(const cc_extractor *ex, size_t ti, char *buf, size_t cap, size_t *n)
{
    const tok *t = &ex->toks.v[ti];
    if (t->cand == NO_POS && t->fold_len < cap) {
        *n = t->fold_len;
        return ex->folds + t->fold;
    }
    *n = cc_fold(ex->body + t->start, t->end - t->start, buf, cap);
    return buf;
}

/* Makes room to fold every word of the body once (add_word). */
static bool reserve_folds(cc_extractor *ex)
{
    size_t need = 2 * ex->len + 1; /* a word folds no longer, plus a NUL */
    if (need > ex->folds_cap) {
        char *f = realloc(ex->folds, need);
        if (!f)
            return false;
        ex->folds = f;
        ex->folds_cap = need;
    }
    return true;
}

/* True when tokens a and a+1 are in one sentence and only spaces and
 * tabs stand between the end of a, less skip bytes, and a+1. */
static bool gap_blank(const cc_extractor *ex, size_t a, size_t skip)
{
    if (a + 1 >= ex->toks.n || ex->toks.v[a].sent != ex->toks.v[a + 1].sent)
        return false;
    for (size_t i = ex->toks.v[a].end + skip; i < ex->toks.v[a + 1].start; i++)
        if (ex->body[i] != ' ' && ex->body[i] != '\t')
            return false;
    return true;
}

/* True when only spaces separate tokens a and a+1 (no punctuation). */
static bool tok_adjacent(const cc_extractor *ex, size_t a)
{
    return gap_blank(ex, a, 0);
}

/* Compares the words of phrase with the (folded) tokens from ti on;
 * returns the number of tokens it spans, 0 if it does not match there. */
static size_t phrase_tokens(const cc_extractor *ex, size_t ti, const char *phrase)
{
    size_t n = 0;
    for (const char *p = phrase; *p; n++) {
        size_t wl = strcspn(p, " ");
        if (ti + n >= ex->toks.n || ex->toks.v[ti + n].cand != NO_POS ||
            (n > 0 && !tok_adjacent(ex, ti + n - 1)))
            return 0;
        const tok *t = &ex->toks.v[ti + n];
        if (t->fold_len != wl || memcmp(ex->folds + t->fold, p, wl) != 0)
            return 0;
        p += wl + (p[wl] == ' ');
    }
    return n;
}

/* The sum of phrase index bucket b. */
static const bucket_sum *sum_of(const cc_extractor *ex, const cc_phrase_bucket *b)
{
    return &ex->sums[b - ex->r->index];
}

/* False when the entries summed up in sum hold none that phrase_at's
 * filter (below) lets through; true when they may. */
static bool sum_may_pass(const cc_extractor *ex, const bucket_sum *sum, size_t list, unsigned roles,
                         unsigned classes)
{
    if (list != CC_NONE ? !(sum->lists & ex->list_bit[list]) : !(sum->roles & roles))
        return false;
    return !classes || (sum->classes & classes);
}

/* Adds a word's bucket sum to the open sentence's. */
static void sum_word(cc_extractor *ex, const bucket_sum *from)
{
    ex->open.sum.lists |= from->lists;
    ex->open.sum.classes |= from->classes;
    ex->open.sum.roles |= from->roles;
}

/* phrase_at's search of the bucket b of token ti, once sum_may_pass
 * let it through. */
static size_t phrase_in(const cc_extractor *ex, size_t ti, const cc_phrase_bucket *b, size_t list,
                        unsigned roles, unsigned classes, size_t *ntok)
{
    size_t best = CC_NONE, best_n = 0;
    for (size_t i = 0; i < b->n; i++) {
        const cc_entry *e = &ex->r->entries.v[b->entries[i]];
        if (list != CC_NONE ? e->list != list : !(ex->role[e->list] & roles))
            continue;
        if (classes && (ex->owner[e->list] == CC_NONE ||
                        !(ex->r->kinds.v[ex->owner[e->list]].classes & classes)))
            continue;
        size_t n = phrase_tokens(ex, ti, e->phrase);
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

/* Finds the longest entry starting at token ti whose list passes the
 * filter (a list index, or any list with role bits when list is CC_NONE).
 * Returns the entry index or CC_NONE; when found, *ntok (if given) gets
 * its length in tokens. Small, so that the context searches' many misses
 * cost a few loads (and no store). */
static size_t phrase_at(const cc_extractor *ex, size_t ti, size_t list, unsigned roles,
                        unsigned classes, size_t *ntok)
{
    if (ti >= ex->toks.n || ex->toks.v[ti].cand != NO_POS ||
        !sum_may_pass(ex, ex->toks.v[ti].sum, list, roles, classes))
        return CC_NONE;
    return phrase_in(ex, ti, ex->toks.v[ti].bk, list, roles, classes, ntok);
}

/* Value of a list entry matching token ti, or NULL. */
static const char *tok_value(const cc_extractor *ex, size_t ti, int l)
{
    size_t e = phrase_at(ex, ti, ex->list[l], 0, 0, NULL);
    return e == CC_NONE ? NULL : ex->r->entries.v[e].value;
}

/* True when w (n bytes) ends in suf (k bytes, k <= n). Compared from
 * the end, inline: endings are a few bytes and most differ at once. */
static bool ends_in(const char *w, size_t n, const char *suf, size_t k)
{
    for (; k && w[n - 1] == suf[k - 1]; n--, k--)
        ;
    return k == 0;
}

/* The first entry of list l that the folded word w (n bytes) ends in,
 * leaving at least three letters before it; NULL for none. */
static const cc_entry *suffix_entry(const cc_extractor *ex, const char *w, size_t n, int l)
{
    const cc_list *sl = ex->list[l] == CC_NONE ? NULL : &ex->r->lists.v[ex->list[l]];
    for (size_t i = 0; sl && i < sl->n; i++) {
        const cc_entry *e = &ex->r->entries.v[sl->entries[i]];
        if (n >= e->len + 3 && ends_in(w, n, e->phrase, e->len))
            return e;
    }
    return NULL;
}

/* Copies s[0:n) to out + at, where out holds cap bytes (at < cap), and
 * NUL-terminates; what does not fit is cut, as snprintf would. Returns
 * the new length. snprintf("%s") cost ~700 instructions a copy here. */
static size_t copy_at(char *out, size_t cap, size_t at, const char *s, size_t n)
{
    if (n > cap - 1 - at)
        n = cap - 1 - at;
    memcpy(out + at, s, n);
    out[at + n] = '\0';
    return at + n;
}

/* cc_rules_lookup(list, w) for w (n bytes) as tok_folded gave it for
 * token ti. When w is the word's whole one-word fold, its bucket's sum
 * says at once that most words are not in list (no fold or hash). */
static const char *tok_lookup(const cc_extractor *ex, size_t ti, const char *w, size_t n,
                              size_t list)
{
    const tok *t = &ex->toks.v[ti];
    bool own = list != CC_NONE && t->cand == NO_POS && t->fold_len == n && !memchr(w, ' ', n);
    if (own && !sum_may_pass(ex, t->sum, list, 0, 0))
        return NULL;
    return cc_rules_lookup(ex->r, list, w, n);
}

/* Lemma of token ti: irregular table, then plural endings. Writes to out
 * (cap bytes); true when it differs from the word (a plural). */
static bool tok_lemma(const cc_extractor *ex, size_t ti, char *out, size_t cap)
{
    char buf[128];
    size_t n;
    const char *w = tok_folded(ex, ti, buf, sizeof buf, &n);
    const char *irr = tok_lookup(ex, ti, w, n, ex->list[L_LEMMA]);
    const cc_entry *pl = irr ? NULL : suffix_entry(ex, w, n, L_PLURAL);
    if (irr)
        copy_at(out, cap, 0, irr, strlen(irr));
    else if (pl)
        copy_at(out, cap, copy_at(out, cap, 0, w, n - pl->len), pl->value, strlen(pl->value));
    else
        copy_at(out, cap, 0, w, n);
    return strcmp(w, out) != 0;
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

/* True when token ti is an initial ("U" of "U.S.") or an abbreviation
 * ("Sgt"): a period after it ends neither a sentence nor a name. */
static bool tok_abbrev(const cc_extractor *ex, size_t ti)
{
    const tok *t = &ex->toks.v[ti];
    return t->end - t->start == 1 || tok_value(ex, ti, L_ABBREV);
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
    return ex->toks.v[ex->toks.n - 1].cand != NO_POS || !tok_abbrev(ex, ex->toks.n - 1);
}

/* Closes the open sentence at end; one of blanks alone is dropped, and
 * its tokens (if any) join the next. */
static bool close_sentence(cc_extractor *ex, size_t end)
{
    sent s = ex->open;
    s.end = end;
    s.last = ex->toks.n;
    while (s.start < end && (ex->body[s.start] == ' ' || ex->body[s.start] == '\n'))
        s.start++;
    ex->open.start = end;
    if (s.start >= end)
        return true;
    ex->open.first = ex->toks.n;
    ex->open.sum = (bucket_sum){0, 0, 0};
    return CC_VEC_PUSH(ex->sents, s);
}

/* A new token at the end of ex->toks, for the caller to fill; NULL when
 * out of memory. Filled in place: a token built aside and pushed cost a
 * copy of its 64 bytes per word. The pointer is invalidated by the next
 * new_tok. */
static inline tok *new_tok(cc_extractor *ex)
{
    if (ex->toks.n == ex->toks.cap &&
        !cc_vec_grow((void **)&ex->toks.v, &ex->toks.cap, ex->toks.n, sizeof *ex->toks.v))
        return NULL;
    return &ex->toks.v[ex->toks.n++];
}

/* Records a claim candidate with its slot spans, read through the
 * capture numbers of the matcher m that found it, and its token. Both
 * are filled in place (see new_tok). */
static bool add_cand(cc_extractor *ex, const cc_matcher *m, size_t rule, const PCRE2_SIZE *ov)
{
    if (ex->cands.n == ex->cands.cap &&
        !cc_vec_grow((void **)&ex->cands.v, &ex->cands.cap, ex->cands.n, sizeof *ex->cands.v))
        return false;
    cand *c = &ex->cands.v[ex->cands.n];
    tok *t = new_tok(ex);
    if (!t)
        return false;
    *c = ex->blank;
    c->rule = rule;
    c->start = ov[0];
    c->end = ov[1];
    c->tok = ex->toks.n - 1;
    for (uint32_t s = 0, mask = m->slot_mask; mask; s++, mask >>= 1) {
        if (!(mask & 1))
            continue;
        for (size_t g = 0; g < m->n_slot_groups[s]; g++) {
            uint32_t n = m->slot_groups[s][g];
            if (ov[2 * (size_t)n] != PCRE2_UNSET) {
                c->slot[s] = (span){ov[2 * (size_t)n], ov[2 * (size_t)n + 1]};
                break;
            }
        }
    }
    *t = (tok){ov[0], ov[1], ex->sents.n, ex->cands.n++, 0, 0, NULL, NULL};
    return true;
}

/* The leading letters of the word at a position, lower-cased, and their
 * phrase-index bucket: hashed once for the starter lookup and, when they
 * are the whole word, for the word's token too. */
typedef struct word_key {
    char key[32];
    size_t n;
    const cc_phrase_bucket *bk; /* NULL when there are no letters or too many */
    bool whole;                 /* no byte after the letters joins them (claim_rules) */
    /* For a starter word: per rule of its set, the ASCII bytes that may
     * follow it and one space (cc_starter); NULL otherwise. */
    const cc_follow *follow;
    /* For a short starter word: per rule, the masks a byte further
     * (cc_follow2); NULL otherwise. */
    const cc_follow2 *follow2;
    unsigned char next_b; /* with follow2: the byte after next; at digits: after next2 */
    unsigned char dlen;   /* at a digit: its run's length (1..4), else 0 */
    unsigned short punct; /* at a U+2000..U+20FF character: cp - 0x2000 + 1, else 0 */
    unsigned char sep;    /* at a digit: next's index in CC_DIGIT_SEPS */
    unsigned char next2;  /* the byte after the run and next, a CC_DIGIT_SEPS; 0: none */
    /* The byte after a whole starter word and one space, or after the
     * run of digits; 0: none (then every rule of the set is tried). */
    unsigned char next;
} word_key;

/* Records a word token [s, e), folded once with its index bucket: the
 * context search looks at each word many times. When wk holds the whole
 * word (plain ASCII letters) its fold and bucket are reused, else the
 * word is folded and hashed here. Inline, as scan_word: called once per
 * word, its call and saved registers cost about what its work does. */
static inline bool add_word(cc_extractor *ex, size_t s, size_t e, const word_key *wk)
{
    tok *t = new_tok(ex);
    if (!t)
        return false;
    t->start = s;
    t->end = e;
    t->sent = ex->sents.n;
    t->cand = NO_POS;
    t->fold = ex->folds_len;
    char *out = ex->folds + t->fold;
    if (wk && wk->bk && e - s == wk->n && sizeof wk->key <= ex->folds_cap - t->fold) {
        memcpy(out, wk->key, sizeof wk->key); /* a fixed size compiles to two moves */
        out[wk->n] = '\0';
        t->fold_len = wk->n;
        t->bk = wk->bk;
    } else {
        t->fold_len = cc_fold(ex->body + s, e - s, out, ex->folds_cap - t->fold);
        t->bk = cc_rules_bucket(ex->r, out, t->fold_len);
    }
    t->sum = sum_of(ex, t->bk);
    sum_word(ex, t->sum);
    ex->folds_len += t->fold_len + 1;
    return true;
}

/* Handles one match of rule through matcher m. */
static bool on_match(cc_extractor *ex, const cc_matcher *m, size_t rule, const PCRE2_SIZE *ov)
{
    const cc_rule *ru = &ex->r->rules.v[rule];
    if (ru->kind == CC_RULE_WORD)
        return add_word(ex, ov[0], ov[1], NULL);
    if (ru->kind == CC_RULE_BOUNDARY)
        return !is_boundary(ex, ov[0], ov[1]) || close_sentence(ex, ov[1]);
    return ru->cls == CC_CLASS_SKIP || add_cand(ex, m, rule, ov);
}

/* ASCII letters and digits. */
static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* End of the ASCII word whose letters up to j the caller has read, as
 * the word rule reads it (letters, digits and apostrophes, joined by
 * hyphens), or NO_POS when non-ASCII text touches it and the rule itself
 * must decide. */
static inline size_t scan_word(const char *s, size_t len, size_t j)
{
    for (;;) {
        while (j < len && (is_alnum(s[j]) || s[j] == '\''))
            j++;
        if (j < len && (unsigned char)s[j] >= 0x80)
            return NO_POS;
        if (j + 1 < len && s[j] == '-' && is_alnum(s[j + 1])) {
            j += 2;
            continue;
        }
        return j + 1 < len && s[j] == '-' && (unsigned char)s[j + 1] >= 0x80 ? NO_POS : j;
    }
}

/* Runs JIT-compiled code anchored at off; PCRE2's return code. */
static int match_at(const cc_extractor *ex, const pcre2_code *code, size_t off)
{
    return pcre2_jit_match(code, (PCRE2_SPTR)ex->body, ex->len, off, PCRE2_NO_UTF_CHECK, ex->md,
                           ex->mctx);
}

/* True when scan_word reads a probe text exactly as the word rule does:
 * the fast path may then replace the rule on ASCII words. */
static bool words_agree(cc_extractor *ex)
{
    static const char probe[] = "Don't re-run F-16s a-b-c x' it's co-op -- end- A1 e-mail--x "
                                "q-'z o'clock x-1-y Zz9' r--d -z";
    ex->body = probe;
    ex->len = sizeof probe - 1;
    for (size_t i = 0; i < ex->len; i++) {
        if (!is_alpha(probe[i]) || (i && probe[i - 1] != ' '))
            continue;
        int rc = match_at(ex, ex->r->tokens->code, i);
        size_t e = rc > 0 ? pcre2_get_ovector_pointer(ex->md)[1] : NO_POS;
        if (e != scan_word(probe, ex->len, i + 1))
            return false;
    }
    return true;
}

/* The number a (*MARK) name written by the loader spells: a plain
 * decimal index, read without strtoul's locale and sign handling. */
static size_t plain_index(const char *v)
{
    size_t n = 0;
    for (; *v >= '0' && *v <= '9'; v++)
        n = n * 10 + (size_t)(*v - '0');
    return n;
}

/* The rule of the one-byte token the token rule reads at text[at] (the
 * text being n bytes), or NO_POS when it reads none or a longer one. */
static size_t tok1_at(cc_extractor *ex, const char *text, size_t n, size_t at)
{
    ex->body = text;
    ex->len = n;
    if (match_at(ex, ex->r->tokens->code, at) <= 0 ||
        pcre2_get_ovector_pointer(ex->md)[1] != at + 1)
        return NO_POS;
    return plain_index((const char *)pcre2_get_mark(ex->md));
}

/* Notes follower f of byte c when the token rule reads c alone, by one
 * rule, after each probe prefix and before each probe suffix (letters of
 * either case, digits, a stop, each also after a blank: what a rule
 * looking past f most likely tests). A probe, not a proof, as in
 * words_agree: a token rule that looks further than these reach would
 * need more of them. */
static void learn_pair(cc_extractor *ex, char c, char f)
{
    static const char pre[] = "a \n";
    static const char *const post[] = {"", " ", "a", "A", "1", ".", " a", " A", " 1"};
    size_t rule = NO_POS;
    for (size_t p = 0; p + 1 < sizeof pre; p++)
        for (size_t q = 0; q < sizeof post / sizeof *post; q++) {
            char text[8] = {pre[p], c, f};
            size_t n = strlen(post[q]);
            memcpy(text + 3, post[q], n);
            size_t r1 = tok1_at(ex, text, 3 + n, 1);
            if (r1 == NO_POS || (rule != NO_POS && r1 != rule))
                return;
            rule = r1;
        }
    unsigned char b = (unsigned char)c, g = (unsigned char)f;
    if (ex->tok1_rule[b] && ex->tok1_rule[b] != rule + 1)
        return; /* one rule per byte */
    ex->tok1_rule[b] = rule + 1;
    ex->tok1_next[b][g / 64] |= 1ull << (g % 64);
}

/* Learns the common one-byte tokens (a newline, a full stop before a
 * blank) that one_byte_token then reads without PCRE2: each pair of a
 * non-letter and the ASCII byte after it is tried in several contexts.
 * Only for a token rule that looks behind at nothing (no \b either). */
static void learn_tok1(cc_extractor *ex)
{
    uint32_t behind = 1;
    pcre2_pattern_info(ex->r->tokens->code, PCRE2_INFO_MAXLOOKBEHIND, &behind);
    for (int c = 1; behind == 0 && c < 128; c++)
        if (!is_alpha((char)c) && ((ex->r->token_first[c / 8] >> (c % 8)) & 1))
            for (int f = 1; f < 128; f++)
                learn_pair(ex, (char)c, (char)f);
}

/* Reads the leading ASCII letters of s[0:len) into wk->key, lower-cased
 * (at most sizeof key - 1 of them), and returns their cc_fnv hash: one
 * pass, as the scan does this at every word. */
static uint64_t read_letters(const char *s, size_t len, word_key *wk)
{
    uint64_t h = CC_FNV_INIT;
    size_t n = 0, lim = len < sizeof wk->key - 1 ? len : sizeof wk->key - 1;
    for (; n < lim; n++) {
        unsigned char l = (unsigned char)s[n] | 0x20; /* only A-Z, a-z land in a-z */
        if ((unsigned char)(l - 'a') >= 26)
            break;
        wk->key[n] = (char)l;
        h = cc_fnv_step(h, l);
    }
    wk->n = n;
    return h;
}

/* ASCII letters, digits, hyphens and apostrophes: a run that claim_rules
 * reads as one word ("F-16s"). When the byte after a word's letters is
 * none of these nor non-ASCII, the letters are the whole word for the
 * word rule too (wk->whole): scan_word need not read them again. */
static bool in_run(char c)
{
    return is_alnum(c) || c == '-' || c == '\'';
}

/* The claim rules that may start with the byte at i. */
static const cc_rule_set *byte_rules(const cc_extractor *ex, size_t i)
{
    return &ex->r->sets.v[ex->r->by_byte[(unsigned char)ex->body[i]]];
}

/* The ASCII byte at j, or 0 past the end or at a non-ASCII one: what the
 * follow and digit masks (word_key) may test. */
static inline unsigned char ascii_at(const cc_extractor *ex, size_t j)
{
    return j < ex->len && (unsigned char)ex->body[j] < 0x80 ? (unsigned char)ex->body[j] : 0;
}

/* Notes in wk a character of U+2000..U+20FF at i (UTF-8 E2 80..83 xx)
 * and the ASCII byte after it, for the rules' punctuation masks. */
static void note_punct(const cc_extractor *ex, size_t i, word_key *wk)
{
    const unsigned char *s = (const unsigned char *)ex->body + i;
    if (i + 3 > ex->len || s[0] != 0xE2 || s[1] < 0x80 || s[1] > 0x83 || (s[2] & 0xC0) != 0x80)
        return;
    wk->punct = (unsigned short)(((s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu)) + 1);
    wk->next = ascii_at(ex, i + 3);
}

/* The claim rules that may start with the byte at i (byte_rules); at a
 * run of 1..4 digits, notes its length and the ASCII bytes after it (and
 * after it and one space) in wk for the rules' digit masks, at a quote or
 * dash (note_punct) what the punctuation masks need. */
static const cc_rule_set *digit_rules(const cc_extractor *ex, size_t i, word_key *wk)
{
    if ((unsigned char)ex->body[i] == 0xE2)
        note_punct(ex, i, wk);
    size_t j = i;
    while (j < ex->len && j - i < 5 && ex->body[j] >= '0' && ex->body[j] <= '9')
        j++;
    if (j > i && j - i <= 4) {
        wk->dlen = (unsigned char)(j - i);
        wk->next = ascii_at(ex, j);
        const char *sep = wk->next ? strchr(CC_DIGIT_SEPS, wk->next) : NULL;
        wk->sep = sep ? (unsigned char)(sep - CC_DIGIT_SEPS) : 0;
        wk->next2 = sep ? ascii_at(ex, j + 1) : 0;
        wk->next_b = wk->next2 ? ascii_at(ex, j + 2) : 0;
    }
    return byte_rules(ex, i);
}

/* The claim rules that may start at i, or NULL; fills *wk. Starter words
 * decide for letters (most words start no claim and only meet the word
 * rule); digits, symbols and words with digits ("F-16") meet the claim
 * rules that may start with their first byte. */
static const cc_rule_set *claim_rules(const cc_extractor *ex, size_t i, word_key *wk)
{
    const cc_rules *r = ex->r;
    uint64_t h = read_letters(ex->body + i, ex->len - i, wk);
    size_t n = wk->n, j = i + n;
    wk->bk = NULL;
    wk->whole = false;
    wk->follow = NULL;
    wk->follow2 = NULL;
    wk->next = wk->dlen = wk->next2 = 0;
    wk->punct = 0;
    if (n == 0 || n + 1 == sizeof wk->key)
        return digit_rules(ex, i, wk);
    wk->bk = cc_rules_bucket_hashed(r, h);
    wk->whole = j == ex->len || !(in_run(ex->body[j]) || (unsigned char)ex->body[j] >= 0x80);
    wk->next = wk->whole && ascii_at(ex, j) == ' ' ? ascii_at(ex, j + 1) : 0;
    for (; !wk->whole && j < ex->len && in_run(ex->body[j]); j++)
        if (ex->body[j] >= '0' && ex->body[j] <= '9')
            return byte_rules(ex, i);
    const cc_rule_set *set = cc_rules_starter(
        r, h, wk->key, n, ex->body[i] >= 'A' && ex->body[i] <= 'Z', &wk->follow, &wk->follow2);
    if (wk->follow2)
        wk->next_b = ascii_at(ex, j + 2);
    return set;
}

/* Whether mask f lets byte b (0: none) through. */
static inline bool lets(const cc_follow *f, unsigned b)
{
    return !b || ((f->bits[b / 64] >> (b % 64)) & 1);
}

/* Whether the cc_follow2 mask f (NULL: none) lets the letter x and then
 * the letter or space y through: in lower case, or in any case where its
 * row is caseless. Any other bytes let it through. */
static inline bool lets2(const cc_follow2 *f, unsigned char x, unsigned char y)
{
    if (!f || !is_alpha((char)x) || (y != ' ' && !is_alpha((char)y)))
        return true;
    uint32_t row = f->after[(x | 0x20u) - 'a'];
    bool capital = x < 'a' || (y != ' ' && y < 'a');
    unsigned b = y == ' ' ? CC_FOLLOW2_SPACE : (y | 0x20u) - 'a';
    return (capital && !((row >> CC_FOLLOW2_CASELESS) & 1)) || ((row >> b) & 1);
}

/* Whether item it, the k-th of the set, may match where the starter word
 * or the run of digits is followed by the bytes in wk (see word_key). */
static inline bool may_follow(const word_key *wk, const cc_set_item *it, size_t k)
{
    if (wk->follow)
        return lets(&wk->follow[k], wk->next) &&
               lets2(wk->follow2 ? &wk->follow2[k] : NULL, wk->next, wk->next_b);
    if (wk->punct) {
        unsigned k = wk->punct - 1u;
        return ((it->punct->live[k / 64] >> (k % 64)) & 1) && lets(&it->punct->after, wk->next);
    }
    const cc_digit_follow *d = it->digits;
    size_t L = wk->dlen - 1u;
    return !wk->dlen ||
           (lets(&d->after[L], wk->next) && lets(&d->after_sep[wk->sep][L], wk->next2) &&
            lets2(wk->sep < CC_N_DIGIT_SEPS2 ? &d->sep2[wk->sep][L] : NULL, wk->next2, wk->next_b));
}

/* Whether gate g lets its rules try off: matched once per position and
 * kept in at[g] as 2 * (off + 1) + open, so that a new position needs no
 * clearing (the scan visits each once; scan clears at[] per article). A
 * limit hit leaves it open, so the rule itself meets and reports the
 * limit. */
static bool gate_open(const cc_extractor *ex, size_t g, size_t off, size_t *at)
{
    if (at[g] >> 1 != off + 1)
        at[g] =
            2 * (off + 1) + (match_at(ex, ex->r->gates.v[g].m->code, off) != PCRE2_ERROR_NOMATCH);
    return at[g] & 1;
}

/* Tries the rules of set at off in priority order (all may start with
 * its byte), skipping those whose gate is shut: the first match wins, as
 * in one alternation. Returns PCRE2's code; *rule and *m are the rule that
 * matched or hit a limit and its matcher. */
static int match_claim(const cc_extractor *ex, const cc_rule_set *set, const word_key *wk,
                       size_t off, size_t *rule, const cc_matcher **m)
{
    if (!set || !set->n) /* most words */
        return PCRE2_ERROR_NOMATCH;
    for (size_t k = 0; k < set->n; k++) {
        const cc_set_item *it = &set->items[k];
        if (!may_follow(wk, it, k))
            continue;
        if (it->gate != CC_NONE && !gate_open(ex, it->gate, off, ex->gate_at))
            continue;
        int rc = match_at(ex, it->code, off);
        if (rc != PCRE2_ERROR_NOMATCH) {
            *rule = it->rule;
            *m = ex->r->rules.v[it->rule].m;
            return rc;
        }
    }
    return PCRE2_ERROR_NOMATCH;
}

/* True when learn_tok1 found that the token rule reads the byte at off
 * alone, before the byte after it, by one rule: then *rule is that rule.
 * Never at the start or end of the text, which no probe had. */
static bool one_byte_token(const cc_extractor *ex, size_t off, size_t *rule)
{
    unsigned char c = (unsigned char)ex->body[off];
    unsigned char f = off + 1 < ex->len ? (unsigned char)ex->body[off + 1] : 0x80;
    if (off == 0 || c >= 128 || f >= 128 || !((ex->tok1_next[c][f / 64] >> (f % 64)) & 1))
        return false;
    *rule = ex->tok1_rule[c] - 1;
    return true;
}

/* Matches the word or boundary rule at off (what scan_word cannot read),
 * or reads a one-byte token and fills the ovector as PCRE2 would.
 * Returns PCRE2's code; sets *m and, on a match, *rule. */
static int match_token(const cc_extractor *ex, size_t off, size_t *rule, const cc_matcher **m)
{
    unsigned char c = (unsigned char)ex->body[off];
    *m = ex->r->tokens;
    if (!((ex->r->token_first[c / 8] >> (c % 8)) & 1))
        return PCRE2_ERROR_NOMATCH;
    if (one_byte_token(ex, off, rule)) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ex->md);
        ov[0] = off;
        ov[1] = off + 1;
        return 1;
    }
    int rc = match_at(ex, (*m)->code, off);
    if (rc > 0)
        *rule = plain_index((const char *)pcre2_get_mark(ex->md));
    return rc;
}

/* Scans the body once. At each token start: the claim rules that may
 * start there (claim_rules), else the word (scan_word, or the word and
 * boundary rules for what it cannot read), all anchored. */
static cc_error scan(cc_extractor *ex, const cc_cluster *cl, const cc_article *a)
{
    size_t off = 0;
    bool warned = false;
    ex->toks.n = ex->cands.n = ex->sents.n = ex->folds_len = 0;
    memset(ex->gate_at, 0, ex->r->gates.n * sizeof *ex->gate_at); /* gate_open */
    ex->open = (sent){0, 0, 0, 0, {0, 0, 0}};
    if (!reserve_folds(ex))
        return CC_ERROR_MEMORY;
    while (off < ex->len) {
        unsigned char c = (unsigned char)ex->body[off];
        if (c == ' ' || c == '\t') {
            off++;
            continue;
        }
        size_t rule = 0;
        const cc_matcher *m = NULL;
        word_key wk;
        const cc_rule_set *set = claim_rules(ex, off, &wk);
        int rc = match_claim(ex, set, &wk, off, &rule, &m);
        if (rc == PCRE2_ERROR_NOMATCH) {
            size_t e = NO_POS;
            if (ex->fast_words && is_alpha((char)c))
                e = wk.whole ? off + wk.n : scan_word(ex->body, ex->len, off + wk.n);
            if (e != NO_POS) {
                if (!add_word(ex, off, e, &wk))
                    return CC_ERROR_MEMORY;
                off = e;
                continue;
            }
            rc = match_token(ex, off, &rule, &m);
        }
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
        if (!on_match(ex, m, rule, ov))
            return CC_ERROR_MEMORY;
        off = ov[1] > off ? ov[1] : next_char(ex->body, ex->len, off);
    }
    return close_sentence(ex, ex->len) ? CC_OK : CC_ERROR_MEMORY;
}

/* ---- values ------------------------------------------------------------ */

/* Answers about an article's tokens and candidates that each claim near
 * them would otherwise work out again: a token's tense cue and the tense
 * nearest it, a date candidate's cc_when, a sentence's opening cue.
 * Filled as asked; cc_extract_article owns it (memo_open, memo_close). */
typedef struct memo {
    size_t *opening;      /* per sentence: opening_cue; 0 = not yet asked (no cue
                             opens a sentence) */
    signed char *cue;     /* per token: tense_at + 2; 0 = not yet asked */
    signed char *tense;   /* per token: find_tense + 2; 0 = not yet asked */
    unsigned char *dated; /* per candidate: cand_when + 1; 0 = not yet asked */
    cc_when *when;        /* per candidate: its cc_when, once asked */
} memo;

/* Frees what memo_open allocated. */
static void memo_close(memo *m)
{
    free(m->opening);
}

_Static_assert(_Alignof(cc_when) <= _Alignof(size_t), "memo_open puts cc_whens after size_ts");

/* Sizes an empty memo for the article just scanned, in one block; false
 * when out of memory. memo_close frees it. Only the "not yet asked"
 * marks are cleared: a cc_when is written before it is read. */
static bool memo_open(const cc_extractor *ex, memo *m)
{
    size_t nc = ex->cands.n, nt = ex->toks.n, ns = ex->sents.n;
    *m = (memo){0};
    m->opening = malloc(ns * sizeof *m->opening + nc * sizeof *m->when + nc + 2 * nt + 1);
    if (!m->opening)
        return false;
    memset(m->opening, 0, ns * sizeof *m->opening);
    m->when = (cc_when *)(m->opening + ns);
    m->dated = (unsigned char *)(m->when + nc);
    m->cue = (signed char *)(m->dated + nc);
    m->tense = m->cue + nt;
    memset(m->dated, 0, nc + 2 * nt + 1);
    return true;
}

/* ---- a claim's strings -------------------------------------------------
 * A claim's strings come from its owner (cc_claim.strings): the stream's
 * arena, owned by it until reset, else the heap, owned by the claim. */

/* n bytes for one of cm's strings; NULL on oom. */
static char *claim_alloc(cc_claim *cm, size_t n)
{
    return cm->strings ? cc_arena_alloc(cm->strings, n) : malloc(n);
}

/* A copy of the first n bytes of s as one of cm's strings; NULL on oom. */
static char *claim_ndup(cc_claim *cm, const char *s, size_t n)
{
    return cm->strings ? cc_arena_strndup(cm->strings, s, n) : cc_strndup(s, n);
}

/* A copy of s as one of cm's strings; NULL in gives NULL out. */
static char *claim_dup(cc_claim *cm, const char *s)
{
    return s ? claim_ndup(cm, s, strlen(s)) : NULL;
}

/* The concatenation of the strings up to a NULL argument as one of cm's
 * strings (cc_strcat_n); NULL on oom. */
#define claim_cat(cm, ...) claim_cat_v(cm, (const char *const[]){__VA_ARGS__})

/* The concatenation of parts up to a NULL one as one of cm's strings. */
static char *claim_cat_v(cc_claim *cm, const char *const *parts)
{
    return cm->strings ? cc_arena_cat_v(cm->strings, parts) : cc_strcat_v(parts);
}

/* Lets go of s, one of cm's strings: freed unless the arena owns it. */
static void claim_drop(cc_claim *cm, char *s)
{
    if (!cm->strings)
        free(s);
}

/* Heap string s (taken; NULL gives NULL) as one of cm's strings: s itself,
 * or its arena copy (s freed). */
static char *claim_adopt(cc_claim *cm, char *s)
{
    if (!cm->strings || !s)
        return s;
    char *p = claim_dup(cm, s);
    free(s);
    return p;
}

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

/* The value of the digits and points in buf[0:n): a whole number of up to
 * 15 digits (exact in a double) summed here, which strtod would take
 * ~400 instructions for; anything else by strtod. */
static double digits_value(const char *buf, size_t n)
{
    double v = 0;
    if (n > 15 || memchr(buf, '.', n))
        return strtod(buf, NULL);
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (buf[i] - '0');
    return v;
}

/* Length of the run of ASCII digits s starts with. */
static size_t digit_run(const char *s)
{
    size_t n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* cc_to_num(s, NULL) for a list value ("4", "1000000") or a number in
 * the text: a whole number of up to 15 digits is summed here, saving
 * strtod's ~400 instructions; anything else (a fraction, an exponent, a
 * sign, hex) goes to cc_to_num. */
static double value_num(const char *s)
{
    size_t n = digit_run(s);
    char c = s[n];
    if (n == 0 || n > 15 || c == '.' || c == 'e' || c == 'E' || c == 'x' || c == 'X')
        return cc_to_num(s, NULL);
    return digits_value(s, n);
}

/* cc_to_int(s, NULL) for a list value ("-1", " 6") or a year in the
 * text: blanks, a sign and up to 9 digits are read here, saving strtol's
 * ~150 instructions; anything else goes to cc_to_int. */
static int value_int(const char *s)
{
    const char *p = s;
    while (*p == ' ')
        p++;
    int sign = *p == '-' ? -1 : 1, v = 0;
    p += *p == '-' || *p == '+';
    size_t n = digit_run(p);
    if (n == 0 || n > 9)
        return cc_to_int(s, NULL);
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return sign * v;
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
    *v = digits_value(buf, o);
    return i;
}

/* The words of a number being read; lists[i] is word_lists of word i. */
typedef struct words {
    const char *p[16];
    size_t n[16];
    uint64_t lists[16];
    size_t count;
} words;

/* The list_bit of each list with a phrase that starts with word s[0:n)
 * (the sum of its index bucket): a lookup of a key starting with the word
 * can hit no other list. All bits when its fold is empty or cut short. */
static uint64_t word_lists(const cc_extractor *ex, const char *s, size_t n)
{
    char f[128];
    size_t fn = cc_fold(s, n, f, sizeof f);
    const char *sp = memchr(f, ' ', fn);
    if (fn == 0 || fn + 1 >= sizeof f)
        return ~0ull;
    return sum_of(ex, cc_rules_bucket(ex->r, f, sp ? (size_t)(sp - f) : fn))->lists;
}

/* A number being read: the running total, the group being built ("two
 * hundred" before "thousand"), the last scale applied and whether the
 * last word was a fraction ("two-thirds"). */
typedef struct numread {
    double total, cur, scale;
    bool fraction, any;
} numread;

/* Looks up words [i, i+k) joined by spaces in list l; skipped when no
 * phrase of l starts with word i (most lookups of a number's words). */
static const char *words_lookup(const cc_extractor *ex, const words *w, size_t i, size_t k, int l)
{
    char buf[128];
    size_t o = 0;
    if (ex->list[l] == CC_NONE || !(w->lists[i] & ex->list_bit[ex->list[l]]))
        return NULL;
    for (size_t j = i; j < i + k && o + w->n[j] + 2 < sizeof buf; j++) {
        if (j > i)
            buf[o++] = ' ';
        memcpy(buf + o, w->p[j], w->n[j]);
        o += w->n[j];
    }
    return cc_rules_lookup(ex->r, ex->list[l], buf, o);
}

/* Applies a scale ("hundred", "million", "bn") of value s: a hundred
 * multiplies the group, larger scales close it into the total. */
static void apply_scale(numread *nr, double s)
{
    double base = nr->cur ? nr->cur : 1;
    if (s == 100) {
        nr->cur = base * s;
    } else {
        nr->total += base * s;
        nr->cur = 0;
    }
    nr->scale = s;
}

/* Applies one number word, article, fraction or scale to the number being
 * read. Returns how many words it used (0 if none matched). */
static size_t number_word(const cc_extractor *ex, const words *w, size_t i, numread *nr)
{
    const char *v;
    for (size_t k = w->count - i < 4 ? w->count - i : 4; k >= 1; k--)
        if ((v = words_lookup(ex, w, i, k, L_NUMBER_ARTICLE))) {
            double a = value_num(v); /* "a" after a fraction: "a quarter of a" */
            if (a < 1 && nr->cur == 0 && nr->total > 0)
                nr->total += a * nr->scale; /* "one million and a half" */
            else
                nr->cur = nr->fraction ? nr->cur * a : nr->cur + a;
            return k;
        }
    if (words_lookup(ex, w, i, 1, L_FILLER))
        return 1; /* "and", "of": the fraction state carries over */
    bool frac = false;
    if ((v = words_lookup(ex, w, i, 1, L_NUMBER_WORD))) {
        nr->cur += value_num(v);
    } else if ((v = words_lookup(ex, w, i, 1, L_FRACTION))) {
        nr->cur = (nr->cur ? nr->cur : 1) * value_num(v);
        frac = true;
    } else if ((v = words_lookup(ex, w, i, 1, L_SCALE)) ||
               (v = words_lookup(ex, w, i, 1, L_SCALE_ABBR))) {
        apply_scale(nr, value_num(v));
    } else {
        return 0;
    }
    nr->fraction = frac;
    return 1;
}

/* Reads the words collected in w into nr and empties w. */
static void flush_words(const cc_extractor *ex, words *w, numread *nr)
{
    for (size_t k = 0; k < w->count;) {
        size_t used = number_word(ex, w, k, nr);
        nr->any |= used > 0;
        k += used ? used : 1;
    }
    w->count = 0;
}

/* Parses digits, number words and scales ("1.5 million", "forty-two",
 * "half a million", "two-thirds") in s[0:n) into *nr. */
static bool parse_number(const cc_extractor *ex, const char *s, size_t n, numread *nr)
{
    words w;
    w.count = 0; /* the arrays are written before they are read */
    *nr = (numread){0, 0, 1, false, false};
    for (size_t i = 0; i < n;) {
        if (s[i] >= '0' && s[i] <= '9') {
            double v;
            i += read_digits(s + i, n - i, &v);
            nr->cur += v;
            nr->any = true;
            nr->fraction = false;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '-' && s[j] != '\n' && !(s[j] >= '0' && s[j] <= '9'))
            j++;
        if (j > i && w.count < 16) {
            w.p[w.count] = s + i;
            w.n[w.count] = j - i;
            w.lists[w.count++] = word_lists(ex, s + i, j - i);
        }
        i = j > i ? j : i + 1;
        if (i >= n || (s[i] >= '0' && s[i] <= '9') || w.count == 16)
            flush_words(ex, &w, nr);
    }
    return nr->any && isfinite(nr->total + nr->cur); /* "nine hundred hundred ..." overflows */
}

/* Parses the number in slot s into *nr; false when absent or unreadable. */
static bool slot_read(const cc_extractor *ex, const cand *c, cc_slot s, numread *nr)
{
    return c->slot[s].s != NO_POS &&
           parse_number(ex, ex->body + c->slot[s].s, c->slot[s].e - c->slot[s].s, nr);
}

/* The value of the number in slot s. */
static bool slot_number(const cc_extractor *ex, const cand *c, cc_slot s, double *v)
{
    numread nr;
    if (!slot_read(ex, c, s, &nr))
        return false;
    *v = nr.total + nr.cur;
    return true;
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

/* A vague amount, times the scale word after it ("several hundred"). */
static bool set_vague(const cc_extractor *ex, const cand *c, const char *vague, cc_claim *cm)
{
    double m = 1;
    cm->qual = CC_Q_VAGUE;
    if (!parse_interval(vague, &cm->lo, &cm->hi))
        return false;
    if (slot_number(ex, c, CC_SLOT_NUM, &m) && m > 0) {
        cm->lo *= m;
        cm->hi *= m;
    }
    return cm->has_lo = cm->has_hi = true;
}

/* True when only a dash (or en dash) and spaces join num and num2. */
static bool dash_joined(const cc_extractor *ex, const cand *c)
{
    size_t i = c->slot[CC_SLOT_NUM].e, e = c->slot[CC_SLOT_NUM2].s;
    bool dash = false;
    for (; i < e; i++) {
        if (ex->body[i] == '-' || (unsigned char)ex->body[i] >= 0x80)
            dash = true; /* '-' or the bytes of U+2013 */
        else if (ex->body[i] != ' ')
            return false;
    }
    return dash;
}

/* A range: num and num2 as its ends. A scale stated on the second number
 * only applies to the first too when that keeps the range in order ("1.5
 * to 2 million", but "between 300 and 2 million"). A dash pair written
 * downwards ("88-72") is a score, not a range: false drops it. */
static bool set_range(const cc_extractor *ex, const cand *c, const numread *a, const numread *b,
                      cc_claim *cm)
{
    double v1 = a->total + a->cur, v2 = b->total + b->cur;
    if (a->scale == 1 && b->scale > 1 && v1 * b->scale <= v2)
        v1 *= b->scale;
    if (v1 > v2 && dash_joined(ex, c))
        return false;
    cm->qual = CC_Q_RANGE;
    cm->has_value = false;
    cm->has_lo = cm->has_hi = true;
    cm->lo = fmin(v1, v2);
    cm->hi = fmax(v1, v2);
    return v1 != v2;
}

/* The qualifier phrase ending right before the claim ("more than" 40):
 * the longest listed one, at most 4 words back. Returns its entry or
 * CC_NONE; *from gets its first token. Read from the tokens, not by the
 * patterns: one list lookup instead of a copy of the list in every rule. */
static size_t qual_before(const cc_extractor *ex, const cand *c, size_t *from)
{
    size_t ti = c->tok, n, dots = 0;
    if (ti == 0 || ex->toks.v[ti - 1].sent != ex->toks.v[ti].sent)
        return CC_NONE;
    for (size_t i = ex->toks.v[ti - 1].end; i < ex->toks.v[ti].start; i++)
        if ((ex->body[i] != ' ' && ex->body[i] != '.') || (ex->body[i] == '.' && ++dots > 1))
            return CC_NONE; /* spaces, and an abbreviation's period ("approx. 40") */
    for (size_t k = ti < 4 ? ti : 4; k >= 1; k--) {
        size_t e = phrase_at(ex, ti - k, ex->list[L_QUALIFIER], 0, 0, &n);
        if (e != CC_NONE && n == k) {
            *from = ti - k;
            return e;
        }
    }
    return CC_NONE;
}

/* The qualifier of a claim: the qual slot, else a listed phrase before the
 * number (the claim then starts at it), else a qualifier after the number
 * ("40 or more"). */
static const cc_qual_sem *find_qual(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    const char *qn = slot_lookup(ex, c, CC_SLOT_QUAL, L_QUALIFIER);
    size_t from, e = qn ? CC_NONE : qual_before(ex, c, &from);
    if (e != CC_NONE) {
        qn = ex->r->entries.v[e].value;
        cm->start = ex->toks.v[from].start;
    }
    if (!qn)
        qn = slot_lookup(ex, c, CC_SLOT_QUAL, L_POST_QUAL);
    return qual_sem(ex->r, qn ? qn : "exact");
}

/* Sets value v and the interval and qualifier q gives it (exact when q
 * is NULL). */
static void set_qualified(cc_claim *cm, const cc_qual_sem *q, double v)
{
    cm->value = v;
    cm->has_value = true;
    cm->qual = q ? q->type : CC_Q_EXACT;
    cm->has_lo = !q || q->has_lo;
    cm->has_hi = !q || q->has_hi;
    cm->lo = v * (q ? q->lo : 1);
    cm->hi = v * (q ? q->hi : 1);
}

/* Sets value, interval and qualifier from num/num2/qual/vague/scope. A
 * share ("a quarter of") in a percent claim is read as per cent. */
static bool set_amount(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    const char *vague = slot_lookup(ex, c, CC_SLOT_VAGUE, L_VAGUE);
    numread a, b;
    if (c->slot[CC_SLOT_SCOPE].s != NO_POS) {
        cm->scope_all = true;
        cm->qual = CC_Q_VAGUE;
        return true;
    }
    if (vague)
        return set_vague(ex, c, vague, cm);
    if (!slot_read(ex, c, CC_SLOT_NUM, &a))
        return false;
    if (a.fraction && a.cur + a.total > 1) /* a share above the whole is none */
        return false;
    if (slot_read(ex, c, CC_SLOT_NUM2, &b)) /* a range states no single value */
        return set_range(ex, c, &a, &b, cm);
    set_qualified(cm, find_qual(ex, c, cm), a.total + a.cur);
    return true;
}

/* Formats a number compactly for TIMEX values, as "%.10g" does; a whole
 * count (most are) is written without printf's ~1,700 instructions. */
static void fmt_num(char *buf, size_t cap, double v)
{
    if (v >= 1 && v < 1e10 && v == floor(v) && cap > 20)
        buf[cc_fmt_u64((uint64_t)v, buf)] = '\0';
    else
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
    set_qualified(cm, qual_sem(ex->r, qn ? qn : "exact"), 1);
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
    cm->timex = claim_cat(cm, "P", t ? "T" : "", n, letter + t, NULL);
    char buf[64];
    cc_fold(ex->body + c->slot[CC_SLOT_TUNIT].s,
            c->slot[CC_SLOT_TUNIT].e - c->slot[CC_SLOT_TUNIT].s, buf, sizeof buf);
    cm->unit = claim_dup(cm, buf);
    return cm->timex && cm->unit;
}

/* Month from a name or digits. */
static int slot_month(const cc_extractor *ex, const cand *c)
{
    const char *m = slot_lookup(ex, c, CC_SLOT_MONTH, L_MONTH);
    return m ? value_int(m) : slot_int(ex, c, CC_SLOT_MONTH, 0);
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
    w->year = value_int(ex->body + i);
    bool decade = ex->body[sp->e - 1] == 's' && w->year % 10 == 0;
    if (digits <= 2) /* "the 30s" is past; "'07" is this century up to '49 */
        w->year += w->year < (decade ? 30 : 50) ? 2000 : 1900;
    if (decade)
        w->punit = 'E';
}

/* Copies list value v (or "") into a fixed field of cap bytes. */
static void copy_code(char *dst, size_t cap, const char *v)
{
    copy_at(dst, cap, 0, v ? v : "", v ? strlen(v) : 0);
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
    if (w->ago == 0 || !strchr("DWMQY", w->nunit))
        w->ago = 0;
}

/* The ref slot: a literal value ("now" = PRESENT_REF) or a date counted
 * from an earlier one, whose anchor_ref value "PART [OFFSET]" ("Y -1") is
 * the part it takes from that date and how far it moves it. */
static void slot_ref(const cc_extractor *ex, const cand *c, cc_when *w)
{
    const char *v = slot_lookup2(ex, c, CC_SLOT_REF, L_TIME_REF, L_TIME_REF_NOUN);
    copy_code(w->lit, sizeof w->lit, v ? v : slot_lookup(ex, c, CC_SLOT_REF, L_TIME_REF_ADVERB));
    if ((v = slot_lookup2(ex, c, CC_SLOT_REF, L_ANCHOR_REF, L_ANCHOR_REF_THAT))) {
        w->anchor = v[0];
        w->anchor_off = value_int(v + 1);
    }
}

/* Day parts, seasons, quarters, zones and the ref slot. A season value is
 * "CODE MONTH": the month stands for it when the year is inferred. */
static void slot_parts(const cc_extractor *ex, const cand *c, cc_when *w)
{
    const char *v;
    copy_code(w->part, sizeof w->part, slot_lookup(ex, c, CC_SLOT_PART, L_DAY_PART));
    copy_code(w->tz, sizeof w->tz, slot_lookup(ex, c, CC_SLOT_TZ, L_TIMEZONE));
    slot_ref(ex, c, w);
    if (strcmp(w->part, "WE") == 0) /* a weekend is a part of a week */
        w->punit = 'W';
    if ((v = slot_lookup(ex, c, CC_SLOT_SEASON, L_SEASON))) {
        snprintf(w->part, sizeof w->part, "%.2s", v);
        w->month = value_int(v + strcspn(v, " "));
        w->punit = 'S';
    }
    if (c->slot[CC_SLOT_ORD].s != NO_POS) { /* "third quarter", "Q3", "final quarter" */
        v = slot_lookup(ex, c, CC_SLOT_ORD, L_PERIOD_ORD);
        const span *o = &c->slot[CC_SLOT_ORD];
        size_t i = o->s;
        while (!v && i < o->e && (ex->body[i] < '0' || ex->body[i] > '9'))
            i++;
        w->ord = v ? value_int(v) : value_int(ex->body + i);
    }
}

/* Fills *w, the cc_when of a date or time, from its slots; the rel_day
 * value is "OFFSET [PART]" ("last night = -1 NI"). A day with a part
 * ("Friday night") stays a date claim, so that it still dates its event.
 * False when month or day is out of range. */
static bool fill_when(const cc_extractor *ex, const cand *c, cc_when *w)
{
    const char *v;
    memset(w, 0, sizeof *w);
    w->weekday = w->hour = w->minute = -1;
    w->shift = CC_NO_SHIFT;
    slot_year(ex, c, w);
    w->month = slot_month(ex, c);
    w->mday = slot_int(ex, c, CC_SLOT_DAY, 0);
    if ((v = slot_lookup(ex, c, CC_SLOT_WEEKDAY, L_WEEKDAY)))
        w->weekday = value_int(v);
    if ((v = slot_lookup(ex, c, CC_SLOT_SHIFT, L_SHIFT)))
        w->shift = value_int(v);
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
    return w->month <= 12 && w->mday <= 31;
}

/* The value of the set slot ("every week"), owned by the rules; NULL
 * for none. */
static const char *slot_set(const cc_extractor *ex, const cand *c)
{
    return slot_lookup2(ex, c, CC_SLOT_SET, L_SET, L_SET_PER);
}

/* Sets a set's TIMEX (a new string the claim owns) from its set slot,
 * else checks the cc_when read (ok): false drops the claim. */
static bool set_timex(const cc_extractor *ex, const cand *c, cc_claim *cm, bool ok)
{
    const char *v = slot_set(ex, c);
    if (v)
        return (cm->timex = claim_dup(cm, v)) != NULL;
    return ok;
}

/* Sets the cc_when of a time or set claim from its slots, and a set's
 * TIMEX; false drops it. */
static bool set_when(const cc_extractor *ex, const cand *c, cc_claim *cm)
{
    return set_timex(ex, c, cm, fill_when(ex, c, &cm->when));
}

static bool cand_when(const cc_extractor *ex, memo *m, size_t ci, cc_when *w);

/* set_when for date claim ci through the memo of dates: the figures
 * before it have often read its cc_when already (cand_when), and the
 * figures after it will. */
static bool set_date(const cc_extractor *ex, memo *m, size_t ci, cc_claim *cm)
{
    return set_timex(ex, &ex->cands.v[ci], cm, cand_when(ex, m, ci, &cm->when));
}

/* An ordinal's value: "sixth", "6th", or tens and an ordinal word
 * ("twenty-first" = 20 + 1). 0 when unreadable. */
static double ordinal_value(const cc_extractor *ex, const cand *c)
{
    const char *v = slot_lookup(ex, c, CC_SLOT_ORD, L_ORDINAL);
    size_t s = c->slot[CC_SLOT_ORD].s, e = c->slot[CC_SLOT_ORD].e, i = s;
    if (v || s == NO_POS)
        return v ? value_num(v) : 0;
    if (ex->body[s] >= '0' && ex->body[s] <= '9')
        return slot_int(ex, c, CC_SLOT_ORD, 0);
    while (i < e && ex->body[i] != ' ' && ex->body[i] != '-' && (unsigned char)ex->body[i] < 0x80)
        i++; /* the tens end at a space, a hyphen or a U+2010 hyphen */
    size_t j = i;
    while (j < e &&
           (ex->body[j] == ' ' || ex->body[j] == '-' || (unsigned char)ex->body[j] >= 0x80))
        j++;
    const char *tens = cc_rules_lookup(ex->r, ex->list[L_ORD_TENS], ex->body + s, i - s);
    const char *unit = cc_rules_lookup(ex->r, ex->list[L_ORDINAL], ex->body + j, e - j);
    return tens && unit ? value_num(tens) + value_num(unit) : 0;
}

/* Sets the class-specific value of the claim of candidate ci; false
 * drops the candidate. */
static bool set_value(const cc_extractor *ex, memo *m, size_t ci, cc_claim *cm)
{
    const cand *c = &ex->cands.v[ci];
    const char *v;
    cm->scale = 1;
    switch (cm->cls) {
    case CC_CLASS_DURATION:
        return set_duration(ex, c, cm);
    case CC_CLASS_DATE:
        return set_date(ex, m, ci, cm);
    case CC_CLASS_TIME:
    case CC_CLASS_SET:
        return set_when(ex, c, cm);
    case CC_CLASS_ORDINAL:
        cm->value = ordinal_value(ex, c);
        cm->has_value = cm->has_lo = cm->has_hi = cm->value > 0;
        cm->lo = cm->hi = cm->value;
        return cm->has_value;
    case CC_CLASS_MONEY:
        if (!(v = slot_lookup(ex, c, CC_SLOT_CUR, L_CUR_SYMBOL)))
            v = slot_lookup(ex, c, CC_SLOT_CUR, L_CUR_WORD);
        cm->unit = claim_dup(cm, v ? v : "?");
        return set_amount(ex, c, cm);
    case CC_CLASS_PERCENT:
        cm->unit = claim_dup(cm, "%");
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

/* True when token ti ends in one of list l's endings, leaving at least
 * three letters before it. */
static bool tok_has_suffix(const cc_extractor *ex, size_t ti, int l)
{
    char buf[64];
    size_t n;
    const char *w = tok_folded(ex, ti, buf, sizeof buf, &n);
    return suffix_entry(ex, w, n, l) != NULL;
}

/* True when token j may be an unlisted counted noun: a plain lower-case
 * word of three letters or more that is no stopword, verb or adverb. */
static bool plain_noun(const cc_extractor *ex, size_t j)
{
    return ex->toks.v[j].cand == NO_POS && !tok_capital(ex, j) && !tok_value(ex, j, L_STOP) &&
           ex->toks.v[j].end - ex->toks.v[j].start >= 3 &&
           !tok_has_suffix(ex, j, L_NOT_NOUN_SUFFIX);
}

/* True when token j reads as a plural (its lemma differs from it). */
static bool tok_plural(const cc_extractor *ex, size_t j)
{
    char l[128];
    return tok_lemma(ex, j, l, sizeof l);
}

/* An unlisted counted noun among the plain words right after the number
 * ("nine illegal break-ins", "one political party"): the first plural
 * one when more than one is counted, else the last of the run (the words
 * before it describe it). NO_POS when there is none. */
static size_t plain_unit(const cc_extractor *ex, size_t ti, bool plural)
{
    size_t last = NO_POS;
    for (size_t j = ti + 1;
         j <= ti + ex->w.noun && j < ex->toks.n && tok_adjacent(ex, j - 1) && plain_noun(ex, j);
         j++) {
        if (plural && tok_plural(ex, j))
            return j;
        last = j;
    }
    return last;
}

/* The counted noun after claim token ti: a listed noun within a few
 * words, else plain_unit. Sets *entry for listed ones. */
static size_t find_unit(const cc_extractor *ex, size_t ti, bool plural, size_t *entry)
{
    size_t n;
    *entry = CC_NONE;
    for (size_t j = ti + 1; j <= ti + ex->w.noun && tok_adjacent(ex, j - 1); j++) {
        if (ex->toks.v[j].cand != NO_POS)
            break;
        if ((*entry = phrase_at(ex, j, CC_NONE, ROLE_UNIT, 0, &n)) != CC_NONE)
            return j;
    }
    return plain_unit(ex, ti, plural);
}

/* How far a context search reaches from a claim within its sentence: up
 * to back words before and fwd after; a later word counts as bias words
 * farther; at equal distance the earlier word wins unless later_first. */
typedef struct reach {
    size_t back, fwd, bias;
    bool later_first;
} reach;

/* A test on token j for walk_out; ctx carries its arguments and result. */
typedef bool (*tok_test)(const cc_extractor *ex, size_t j, void *ctx);

/* The cheap checks of a token that walk_out makes in a tight loop before
 * a test: phrase_at's (a word whose bucket sum may pass list, roles and
 * classes), or, with cands, being a candidate. Most tokens of a context
 * search's reach fail them. */
typedef struct tok_filter {
    size_t list;
    unsigned roles, classes;
    bool cands;
} tok_filter;

/* True when token j may pass filter f; NULL passes every token. */
static bool may_pass(const cc_extractor *ex, size_t j, const tok_filter *f)
{
    if (!f)
        return true;
    if (f->cands || ex->toks.v[j].cand != NO_POS)
        return f->cands && ex->toks.v[j].cand != NO_POS;
    return sum_may_pass(ex, ex->toks.v[j].sum, f->list, f->roles, f->classes);
}

/* The first token from j on, stepping by step (1, or -1 as a size_t) up
 * to and including last, that may pass f; NO_POS for none (or j NO_POS). */
static size_t next_may(const cc_extractor *ex, size_t j, size_t last, size_t step,
                       const tok_filter *f)
{
    for (; j != NO_POS; j += step) {
        if (may_pass(ex, j, f))
            return j;
        if (j == last)
            break;
    }
    return NO_POS;
}

/* True when walk_out tests token b, db words before the claim, before
 * token a, da words after it: the nearer first, a later word counting
 * bias words farther, the earlier one at equal distance unless
 * later_first. */
static bool before_first(size_t db, size_t da, reach rc)
{
    return db < da + rc.bias || (db == da + rc.bias && !rc.later_first);
}

/* The first token outward from ti, nearest first, that test accepts
 * among those that may pass f (NULL: all); NO_POS for none. The one
 * search order of every context search: the nearest token left on each
 * side, the one before_first picks tested first. The reach is cut to the
 * sentence first, so a short sentence ends it soon. */
static size_t walk_out(const cc_extractor *ex, size_t ti, reach rc, const tok_filter *f,
                       tok_test test, void *ctx)
{
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    size_t back = ti - s->first < rc.back ? ti - s->first : rc.back;
    size_t fwd = s->last - 1 - ti < rc.fwd ? s->last - 1 - ti : rc.fwd;
    size_t lo = ti - back, hi = ti + fwd, down = (size_t)-1;
    size_t b = back ? next_may(ex, ti - 1, lo, down, f) : NO_POS;
    size_t a = fwd ? next_may(ex, ti + 1, hi, 1, f) : NO_POS;
    while (b != NO_POS || a != NO_POS) {
        bool early = a == NO_POS || (b != NO_POS && before_first(ti - b, a - ti, rc));
        size_t j = early ? b : a;
        if (test(ex, j, ctx))
            return j;
        if (early)
            b = b == lo ? NO_POS : next_may(ex, b - 1, lo, down, f);
        else
            a = a == hi ? NO_POS : next_may(ex, a + 1, hi, 1, f);
    }
    return NO_POS;
}

/* A phrase nearest found: its entry (CC_NONE for none), the token it
 * starts at and its length in tokens. */
typedef struct hit {
    size_t entry, at, ntok;
} hit;

/* phrase_at's filter and the phrase it found, for walk_out. */
typedef struct phrase_q {
    tok_filter f;
    hit h;
} phrase_q;

/* walk_out test: a listed phrase starts at token j, which passed the
 * filter's cheap checks (phrase_at's), so its bucket is searched at once. */
static bool phrase_test(const cc_extractor *ex, size_t j, void *ctx)
{
    phrase_q *q = ctx;
    q->h.entry =
        phrase_in(ex, j, ex->toks.v[j].bk, q->f.list, q->f.roles, q->f.classes, &q->h.ntok);
    return q->h.entry != CC_NONE;
}

/* The nearest phrase within reach rc of ti that phrase_at(list, roles,
 * classes) finds. */
static hit nearest(const cc_extractor *ex, size_t ti, size_t list, unsigned roles, unsigned classes,
                   reach rc)
{
    phrase_q q = {{list, roles, classes, false}, {CC_NONE, NO_POS, 0}};
    if (!sum_may_pass(ex, &ex->sents.v[ex->toks.v[ti].sent].sum, list, roles, classes))
        return q.h; /* no word of the sentence is in the lists asked */
    q.h.at = walk_out(ex, ti, rc, &q.f, phrase_test, &q);
    if (q.h.at == NO_POS)
        q.h.entry = CC_NONE;
    return q.h;
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
    size_t k = unit_kind(ex, unit_entry, cm->cls);
    if (k != CC_NONE)
        return k;
    size_t bias = ex->w.tense_bias, back = ex->w.event, fwd = back > bias ? back - bias : 0;
    hit h = nearest(ex, ti, CC_NONE, ROLE_EVENT, cls, (reach){back, fwd, bias, false});
    if (h.entry != CC_NONE) {
        cm->event = claim_dup(cm, r->entries.v[h.entry].value);
        return ex->owner[r->entries.v[h.entry].list];
    }
    h = nearest(ex, ti, CC_NONE, ROLE_TRIGGER, cls,
                (reach){ex->w.trigger, ex->w.trigger, 0, false});
    k = h.entry == CC_NONE ? CC_NONE : ex->owner[r->entries.v[h.entry].list];
    if (k != CC_NONE && (h.at > ti ? h.at - ti : ti - h.at) <= (size_t)r->kinds.v[k].window &&
        !excluded(ex, k, unit_entry) && !in_name(ex, h.at))
        return k;
    return ex->generic[cm->cls];
}

/* Canonical place nearest the claim in its sentence, or NULL. Numbers
 * take only a place right next to them; a date's event may be further. */
static char *find_place(const cc_extractor *ex, size_t ti, cc_claim *cm)
{
    bool dated = cm->cls == CC_CLASS_DATE || cm->cls == CC_CLASS_TIME;
    size_t w = dated ? ex->w.place_date : ex->w.place_near;
    hit h = nearest(ex, ti, ex->list[L_PLACE], 0, 0, (reach){w, w, 0, false});
    return h.entry == CC_NONE ? NULL : claim_dup(cm, ex->r->entries.v[h.entry].value);
}

/* Tense cue at token j: 1 future, -1 past, 0 none. A participle after a
 * passive auxiliary ("will be held", "to be finalized") is no past. */
static int tense_at(const cc_extractor *ex, size_t j, size_t first)
{
    if (ex->toks.v[j].cand != NO_POS)
        return 0;
    if (phrase_at(ex, j, ex->list[L_FUTURE], 0, 0, NULL) != CC_NONE)
        return 1;
    if (phrase_at(ex, j, ex->list[L_PAST], 0, 0, NULL) == CC_NONE &&
        !tok_has_suffix(ex, j, L_PAST_SUFFIX))
        return 0;
    return j > first && tok_value(ex, j - 1, L_PASSIVE_AUX) ? 0 : -1;
}

/* The tense cue found by tense_test, the sentence's first token and the
 * memo of cues. */
typedef struct tense_q {
    size_t first;
    int tense;
    memo *m;
} tense_q;

/* walk_out test: token j is a tense cue. A cue depends on j alone (first
 * is its sentence's), so each token is read once an article. */
static bool tense_test(const cc_extractor *ex, size_t j, void *ctx)
{
    tense_q *q = ctx;
    if (!q->m->cue[j])
        q->m->cue[j] = (signed char)(tense_at(ex, j, q->first) + 2);
    q->tense = q->m->cue[j] - 2;
    return q->tense != 0;
}

/* Past (-1), future (1) or unknown (0) from the nearest tense cue in the
 * sentence; cues after the date count as tense_bias words farther. Kept
 * in m: a date token is asked again by every figure it dates. */
static int find_tense(const cc_extractor *ex, memo *m, size_t ti)
{
    const windows *w = &ex->w;
    tense_q q = {ex->sents.v[ex->toks.v[ti].sent].first, 0, m};
    reach rc = {w->tense_back, w->tense_fwd, w->tense_bias, false};
    if (!m->tense[ti])
        m->tense[ti] =
            (signed char)((walk_out(ex, ti, rc, NULL, tense_test, &q) == NO_POS ? 0 : q.tense) + 2);
    return m->tense[ti] - 2;
}

/* True when token j may be part of a source's name. */
static bool source_tok(const cc_extractor *ex, size_t j)
{
    return ex->toks.v[j].cand == NO_POS && (tok_capital(ex, j) || tok_value(ex, j, L_SOURCE));
}

/* True when token j cannot begin a source's name: a connector ("the",
 * "of") or a word that opens a sentence before its subject ("But",
 * "Despite", "Having"). */
static bool no_name_start(const cc_extractor *ex, size_t j)
{
    return tok_value(ex, j, L_STOP) || tok_value(ex, j, L_NOT_SOURCE);
}

/* True when tokens a and a+1 belong to one name: only blanks between
 * them, or the period of a capitalised initial or abbreviation ("U.S.
 * Geological Survey", "Sgt. Marty Earley"). */
static bool name_adjacent(const cc_extractor *ex, size_t a)
{
    return tok_adjacent(ex, a) || (gap_blank(ex, a, 1) && ex->body[ex->toks.v[a].end] == '.' &&
                                   tok_capital(ex, a) && tok_abbrev(ex, a));
}

/* The name-like run of tokens next to a cue: before it (dir < 0) or after
 * it. Returns a new string, or NULL for none or a pronoun. A capitalised
 * stopword ends a name ("New York Times"); a lower-case one does not. */
static char *source_run(const cc_extractor *ex, cc_claim *cm, size_t from, int dir, size_t lo,
                        size_t hi)
{
    size_t a = from, b = from, n = 0;
    if (from < lo || from >= hi || !source_tok(ex, from) ||
        (dir < 0 && !tok_capital(ex, from) && tok_value(ex, from, L_STOP)))
        return NULL; /* "Greece and raised": a connector before the cue is no name's end */
    while (n < ex->w.source_words && dir < 0 && a > lo && name_adjacent(ex, a - 1) &&
           source_tok(ex, a - 1))
        a--, n++;
    while (n < ex->w.source_words && dir > 0 && b + 1 < hi && name_adjacent(ex, b) &&
           source_tok(ex, b + 1))
        b++, n++;
    while (a < b && (!tok_capital(ex, a) || no_name_start(ex, a))) /* "The", "But" */
        a++;
    while (b > a && !tok_capital(ex, b) && tok_value(ex, b, L_STOP))
        b--;
    if (no_name_start(ex, a) || (a == b && tok_value(ex, a, L_PRONOUN)))
        return NULL; /* "warned of", "Having told": a connector alone names no one */
    return claim_ndup(cm, ex->body + ex->toks.v[a].start, ex->toks.v[b].end - ex->toks.v[a].start);
}

/* True when attribution cue entry e (CC_NONE for none) takes its source
 * before it ("X said"): claims/ gives such cues the value "before". */
static bool source_before(const cc_extractor *ex, size_t e)
{
    return e != CC_NONE && strcmp(ex->r->entries.v[e].value, "before") == 0;
}

/* The cue of a source that opens sentence s at token first: a run of name
 * tokens from first up to a cue that takes its source before it; NO_POS
 * for none. */
static size_t cue_after_run(const cc_extractor *ex, const sent *s, size_t first)
{
    size_t j = first;
    while (j < s->last && j - first <= ex->w.source_words && source_tok(ex, j) &&
           phrase_at(ex, j, ex->list[L_ATTRIB], 0, 0, NULL) == CC_NONE)
        j++;
    size_t e = j > first && j < s->last && tok_adjacent(ex, j - 1)
                   ? phrase_at(ex, j, ex->list[L_ATTRIB], 0, 0, NULL)
                   : CC_NONE;
    return source_before(ex, e) ? j : NO_POS;
}

/* True when a comma stands between tokens a and a+1. */
static bool comma_after(const cc_extractor *ex, size_t a)
{
    const char *g = ex->body + ex->toks.v[a].end;
    return memchr(g, ',', ex->toks.v[a + 1].start - ex->toks.v[a].end) != NULL;
}

/* The cue of the source a sentence opens with ("Police say that ...",
 * "Officials said"), also after a short introduction and a comma ("Now,
 * officials said"); NO_POS for none. Such a source governs the whole
 * sentence, however far its figures are from the cue. */
static size_t opening_cue(const cc_extractor *ex, const sent *s)
{
    size_t cue = cue_after_run(ex, s, s->first);
    for (size_t k = s->first; cue == NO_POS && k + 1 < s->last && k - s->first < ex->w.source_intro;
         k++)
        if (comma_after(ex, k)) {
            cue = cue_after_run(ex, s, k + 1);
            break;
        }
    return cue;
}

/* opening_source of sentence si as a new string (caller frees), or NULL.
 * Its cue depends on the sentence alone: found once, kept in m. */
static char *opening_source(const cc_extractor *ex, memo *m, cc_claim *cm, size_t si)
{
    const sent *s = &ex->sents.v[si];
    if (!m->opening[si])
        m->opening[si] = opening_cue(ex, s);
    if (m->opening[si] == NO_POS)
        return NULL;
    return source_run(ex, cm, m->opening[si] - 1, -1, s->first, s->last);
}

/* Who says it: the source next to the nearest attribution cue in the
 * sentence ("X said", "according to X", "said X"), else (no cue near, or
 * one with no name by it: "they have concluded") the source the sentence
 * opens with. */
static char *find_source(const cc_extractor *ex, memo *m, cc_claim *cm, size_t ti)
{
    const sent *s = &ex->sents.v[ex->toks.v[ti].sent];
    hit h =
        nearest(ex, ti, ex->list[L_ATTRIB], 0, 0, (reach){ex->w.source, ex->w.source, 0, false});
    if (h.entry == CC_NONE)
        return opening_source(ex, m, cm, ex->toks.v[ti].sent);
    char *src = source_before(ex, h.entry) && h.at > s->first
                    ? source_run(ex, cm, h.at - 1, -1, s->first, s->last)
                    : NULL;
    if (!src)
        src = source_run(ex, cm, h.at + h.ntok, 1, s->first, s->last);
    return src ? src : opening_source(ex, m, cm, ex->toks.v[ti].sent);
}

/* ---- stated changes ---------------------------------------------------- */

/* How many earlier figures may link a figure to its change cue: "fell to
 * 45 from 50" needs one; a bound keeps nested figures cheap. */
#define CHANGE_HOPS 2

typedef struct change {
    cc_change dir;
    cc_change_role role;
} change;

/* True for a byte that may be part of a word read backwards: letters,
 * apostrophes, hyphens and any UTF-8 byte. */
static bool word_byte(char ch)
{
    unsigned char c = (unsigned char)ch;
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 || c == '\'' || c == '-';
}

/* Skips the blanks before e (not past lo); returns the new end. */
static size_t skip_blanks_back(const char *b, size_t lo, size_t e)
{
    while (e > lo && (b[e - 1] == ' ' || b[e - 1] == '\t'))
        e--;
    return e;
}

/* The word token spanning exactly body[s, e), or NO_POS. Tokens are in
 * text order: the first starting at or after s is walked to from token
 * near, which the callers' words lie a few tokens from. */
static size_t word_tok_at(const cc_extractor *ex, size_t near, size_t s, size_t e)
{
    size_t a = near < ex->toks.n ? near : ex->toks.n;
    while (a > 0 && ex->toks.v[a - 1].start >= s)
        a--;
    while (a < ex->toks.n && ex->toks.v[a].start < s)
        a++;
    const tok *t = a < ex->toks.n ? &ex->toks.v[a] : NULL;
    return t && t->start == s && t->end == e && t->cand == NO_POS ? a : NO_POS;
}

/* False when no phrase of list l starting with the word body[s, e) can be
 * listed: the word is a token whose index bucket holds no entry of l, so
 * cc_rules_lookup would miss (a word has no blank, so it is the key's
 * first word). True when one may be: a lookup is worth its fold. */
static bool may_start(const cc_extractor *ex, size_t near, size_t s, size_t e, int l)
{
    if (ex->list[l] == CC_NONE)
        return false;
    size_t t = word_tok_at(ex, near, s, e);
    return t == NO_POS || sum_may_pass(ex, ex->toks.v[t].sum, ex->list[l], 0, 0);
}

/* The longest phrase of change list l (up to three words) that ends where only
 * blanks separate it from e, starting at or after lo. Works on the text,
 * not tokens: a rule may have swallowed the cue ("rose from" before 30).
 * Returns the entry's value (owned by the rules) and sets *ps to where
 * the phrase starts; NULL for none. near: a token close to e (the
 * figure's), from which word_tok_at finds the words. */
static const char *phrase_before(const cc_extractor *ex, size_t near, size_t lo, size_t e, int l,
                                 size_t *ps)
{
    size_t start[3], end[3], n = 0, p = skip_blanks_back(ex->body, lo, e);
    e = p;
    while (n < 3 && p > lo && word_byte(ex->body[p - 1])) {
        end[n] = p;
        while (p > lo && word_byte(ex->body[p - 1]))
            p--;
        start[n++] = p;
        p = skip_blanks_back(ex->body, lo, p);
    }
    for (size_t k = n; k > 0; k--) {
        if (!may_start(ex, near, start[k - 1], end[k - 1], l))
            continue;
        const char *v =
            cc_rules_lookup(ex->r, ex->list[l], ex->body + start[k - 1], e - start[k - 1]);
        if (v) {
            *ps = start[k - 1];
            return v;
        }
    }
    return NULL;
}

/* Reads a role name ("by", "to", "from": change_part values and the
 * roles a cue lists) of n bytes. */
static cc_change_role role_of(const char *v, size_t n)
{
    for (int r = CC_ROLE_BY; r < CC_ROLE_MAX; r++) {
        const char *name = cc_change_role_name((cc_change_role)r);
        if (strlen(name) == n && memcmp(v, name, n) == 0)
            return (cc_change_role)r;
    }
    return CC_ROLE_NONE;
}

/* Reads a change_cue value "DIR [ROLE ...]": its direction when the cue
 * takes a figure of this role. Listed roles restrict the cue to figures
 * after those part words; a bare figure ("fell 4%") needs a cue that
 * lists none. */
static cc_change cue_dir(const char *v, cc_change_role role, bool bare)
{
    size_t n = strcspn(v, " ");
    cc_change dir = n == 2 && !memcmp(v, "up", 2)     ? CC_CHANGE_UP
                    : n == 4 && !memcmp(v, "down", 4) ? CC_CHANGE_DOWN
                                                      : CC_CHANGE_NONE;
    if (!v[n])
        return dir;
    for (const char *p = v + n; !bare && *p;) {
        p += strspn(p, " ");
        size_t k = strcspn(p, " ");
        if (k && role_of(p, k) == role)
            return dir;
        p += k;
    }
    return CC_CHANGE_NONE;
}

/* The candidate that ends right before e with only blanks between, inside
 * the sentence starting at lo; NO_POS for none. Candidates are in text
 * order, so only the one before ci can. */
static size_t cand_before(const cc_extractor *ex, size_t ci, size_t lo, size_t e)
{
    const cand *prev = ci > 0 ? &ex->cands.v[ci - 1] : NULL;
    e = skip_blanks_back(ex->body, lo, e);
    return prev && prev->start >= lo && prev->end == e ? ci - 1 : NO_POS;
}

/* The direction of the cue ending before e, one adverb allowed between
 * ("rose sharply to"), for a figure of this role; near as phrase_before. */
static cc_change cue_before(const cc_extractor *ex, size_t near, size_t lo, size_t e,
                            cc_change_role role, bool bare)
{
    size_t ps;
    const char *v = phrase_before(ex, near, lo, e, L_CHANGE_CUE, &ps);
    if (!v && phrase_before(ex, near, lo, e, L_CHANGE_ADVERB, &ps))
        v = phrase_before(ex, near, lo, ps, L_CHANGE_CUE, &ps);
    return v ? cue_dir(v, role, bare) : CC_CHANGE_NONE;
}

/* True when candidate ci's figure may follow its cue with no part word:
 * a share or a sum ("fell 4%", "dropped $2.49"). A bare count is more
 * often a distance or a tally than a change ("fell 200 feet", "dropped
 * four games"). */
static bool bare_figure_ok(const cc_extractor *ex, size_t ci)
{
    cc_class cls = ex->r->rules.v[ex->cands.v[ci].rule].cls;
    return cls == CC_CLASS_PERCENT || cls == CC_CLASS_MONEY;
}

/* The stated change candidate ci takes part in, from the words before it
 * in the sentence starting at lo: [part] [adverb] cue; for a "to" or
 * "from" figure right after another figure, that figure's change (at most
 * hops such links). */
static change change_before(const cc_extractor *ex, size_t ci, size_t lo, int hops)
{
    size_t p = ex->cands.v[ci].start, ps = 0;
    const char *part = phrase_before(ex, ex->cands.v[ci].tok, lo, p, L_CHANGE_PART, &ps);
    if (!part) { /* a range rule may keep its "from" in the span ("from $2 billion") */
        size_t e = p;
        while (e < ex->cands.v[ci].end && word_byte(ex->body[e]))
            e++;
        part = e > p ? cc_rules_lookup(ex->r, ex->list[L_CHANGE_PART], ex->body + p, e - p) : NULL;
        ps = p;
    }
    change ch = {CC_CHANGE_NONE, part ? role_of(part, strlen(part)) : CC_ROLE_BY};
    if (part)
        p = ps;
    size_t prev = part && ch.role != CC_ROLE_BY && hops > 0 ? cand_before(ex, ci, lo, p) : NO_POS;
    if (prev != NO_POS)
        ch.dir = change_before(ex, prev, lo, hops - 1).dir;
    else if (ch.role != CC_ROLE_NONE && (part || bare_figure_ok(ex, ci)))
        ch.dir = cue_before(ex, ex->cands.v[ci].tok, lo, p, ch.role, !part);
    return ch;
}

/* The direction a change_after word right after candidate c gives it ("a
 * 20% rise"), looking no further than hi. */
static cc_change cue_after(const cc_extractor *ex, const cand *c, size_t hi)
{
    size_t s = c->end, e;
    while (s < hi && (ex->body[s] == ' ' || ex->body[s] == '\t'))
        s++;
    for (e = s; e < hi && word_byte(ex->body[e]);)
        e++;
    const char *v = e > s && may_start(ex, c->tok, s, e, L_CHANGE_AFTER)
                        ? cc_rules_lookup(ex->r, ex->list[L_CHANGE_AFTER], ex->body + s, e - s)
                        : NULL;
    return v ? cue_dir(v, CC_ROLE_BY, true) : CC_CHANGE_NONE;
}

/* Sets the stated change of the claim of candidate ci (count, amount,
 * share or sum) and keys amounts of change (~change) and earlier levels
 * (~before) apart from levels, so "rose by 5" is never compared with "45
 * dead" (claims/25-changes.rules). False only when out of memory; the new
 * key replaces cm->key, which the claim owns. */
static bool set_change(const cc_extractor *ex, size_t ci, cc_claim *cm)
{
    unsigned classes = 1u << CC_CLASS_COUNT | 1u << CC_CLASS_AMOUNT | 1u << CC_CLASS_PERCENT |
                       1u << CC_CLASS_MONEY;
    if (!(classes & 1u << cm->cls))
        return true;
    change ch = change_before(ex, ci, cm->sent_start, CHANGE_HOPS);
    if (ch.dir == CC_CHANGE_NONE)
        ch = (change){cue_after(ex, &ex->cands.v[ci], cm->sent_end), CC_ROLE_BY};
    if (ch.dir == CC_CHANGE_NONE)
        return true;
    cm->change = ch.dir;
    cm->change_role = ch.role;
    if (ch.role == CC_ROLE_TO) /* a level: aligns with the other reports of it */
        return true;
    char *key = claim_cat(cm, cm->key, "~", ch.role == CC_ROLE_BY ? "change" : "before", NULL);
    if (!key)
        return false;
    claim_drop(cm, cm->key);
    cm->key = key;
    return true;
}

/* ---- assembling a claim ----------------------------------------------- */

/* The alignment key: kind, then its subject (the kind itself, the dated
 * event and place, or the counted noun's subject class). Generic claims
 * without a counted noun get a key of their own: nothing to align them by
 * (two dollar amounts are not about the same thing just by currency). */
static char *make_key(const cc_extractor *ex, cc_claim *cm, bool has_noun)
{
    const cc_kind *k = &ex->r->kinds.v[cm->kind];
    if (cm->event)
        return claim_cat(cm, k->name, "/", cm->event, "@", cm->place ? cm->place : "-", NULL);
    if (k->by_place && !cm->place)
        return claim_cat(cm, k->name, "/#", cm->id, NULL);
    if (k->fixed_subject)
        return k->by_place ? claim_cat(cm, k->name, "@", cm->place, NULL) : claim_dup(cm, k->name);
    const char *subj =
        cm->unit ? cc_rules_lookup(ex->r, ex->list[L_SUBJECT], cm->unit, strlen(cm->unit)) : NULL;
    if (!subj && has_noun)
        subj = cm->unit;
    if (k->generic && !has_noun)
        subj = NULL;
    else if (!subj)
        subj = k->default_subject ? k->default_subject : "-";
    return subj ? claim_cat(cm, k->name, "/", subj, NULL)
                : claim_cat(cm, k->name, "/#", cm->id, NULL);
}

static void find_ref_date(const cc_extractor *ex, memo *m, size_t ti, cc_claim *cm);
static void find_time_date(const cc_extractor *ex, memo *m, size_t ti, cc_claim *cm);

/* Counted noun, kind, place, source and date for the claim at token ti.
 * Sets *has_noun when a counted noun was found. */
static bool set_context(const cc_extractor *ex, memo *m, const cand *c, cc_claim *cm,
                        bool *has_noun)
{
    size_t unit_entry = CC_NONE, ut = NO_POS;
    const cc_rule *ru = &ex->r->rules.v[c->rule];
    if (cm->cls == CC_CLASS_COUNT || cm->cls == CC_CLASS_AMOUNT || cm->cls == CC_CLASS_ORDINAL)
        ut =
            find_unit(ex, c->tok, cm->cls != CC_CLASS_ORDINAL && !(cm->has_value && cm->value == 1),
                      &unit_entry);
    *has_noun = ut != NO_POS;
    if (ut != NO_POS) {
        char l[128];
        tok_lemma(ex, ut, l, sizeof l);
        claim_drop(cm, cm->unit);
        cm->unit = claim_dup(cm, l);
    }
    if (ru->needs_kind) /* only the counted noun itself may say what it is */
        cm->kind = unit_kind(ex, unit_entry, cm->cls);
    else if (ru->forced_kind != CC_NONE)
        cm->kind = ru->forced_kind;
    else
        cm->kind = find_kind(ex, c->tok, unit_entry, cm);
    if (cm->kind == CC_NONE)
        return false;
    cm->place = find_place(ex, c->tok, cm);
    cm->attribution = find_source(ex, m, cm, c->tok);
    if (cm->cls == CC_CLASS_DATE || cm->cls == CC_CLASS_TIME)
        cm->when.tense = find_tense(ex, m, c->tok);
    if (cm->cls == CC_CLASS_TIME)
        find_time_date(ex, m, c->tok, cm);
    else if (cm->cls != CC_CLASS_DATE)
        find_ref_date(ex, m, c->tok, cm);
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

/* The value of a date counted from an earlier one ("the same period last
 * year"): from the nearest date or time before index `before` in its
 * article that has the part it takes, else, for a year or a month, from
 * the publication day; NULL when there is none. */
static char *anchored_value(const cc_cluster *cl, size_t ai, size_t before, const cc_when *w,
                            int32_t published)
{
    const cc_article *a = &cl->articles.v[ai];
    for (size_t i = before; i > a->first_claim; i--) {
        const cc_claim *c = &cl->claims.v[i - 1];
        bool dated = (c->cls == CC_CLASS_DATE || c->cls == CC_CLASS_TIME) && c->timex;
        char *v = dated ? cc_when_from_anchor(w, c->timex) : NULL;
        if (v)
            return v;
    }
    char buf[11];
    if ((w->anchor == 'Y' || w->anchor == 'M') && published != CC_NO_DAY)
        return cc_when_from_anchor(w, cc_day_format(published, buf));
    return NULL;
}

/* Resolves a date or time claim against the article's publication day (an
 * anaphoric one against its anchor, the claims before index `at`); for
 * another claim, the day its sentence gives it. */
static bool resolve_date(const cc_cluster *cl, size_t ai, size_t at, cc_claim *cm)
{
    int32_t published = cl->articles.v[ai].published;
    char *v = cm->cls == CC_CLASS_DATE && cm->when.anchor
                  ? anchored_value(cl, ai, at, &cm->when, published)
                  : NULL;
    if (v) {
        claim_drop(cm, cm->timex);
        cm->timex = claim_adopt(cm, v);
        cm->day = cm->timex ? cc_day_parse_iso(cm->timex) : CC_NO_DAY;
        return cm->timex != NULL;
    }
    if (cm->when.anaphoric)
        published = anchor_day(cl, ai, at, published);
    if (cm->cls != CC_CLASS_DATE && cm->cls != CC_CLASS_TIME) {
        if (cm->has_ref)
            cm->day = cc_when_day(&cm->when, published);
        return true;
    }
    claim_drop(cm, cm->timex);
    cm->timex = claim_adopt(cm, cc_when_resolve(&cm->when, published, &cm->day));
    return cm->timex != NULL;
}

/* The cc_when of date candidate ci in *w; false when it is no date or
 * its slots do not read as one. Read once an article, kept in m: every
 * figure near a date asks for it. */
static bool cand_when(const cc_extractor *ex, memo *m, size_t ci, cc_when *w)
{
    if (!m->dated[ci]) {
        const cand *c = &ex->cands.v[ci];
        bool ok = false;
        if (ex->r->rules.v[c->rule].cls == CC_CLASS_DATE)
            ok = fill_when(ex, c, &m->when[ci]) || slot_set(ex, c);
        else
            m->when[ci] = (cc_when){0};
        m->dated[ci] = (unsigned char)(ok + 1);
    }
    *w = m->when[ci];
    return m->dated[ci] == 2;
}

/* True when w names a day ("Monday", "June 1st", "today"; "two days
 * ago" too when ago counts). */
static bool names_day(const cc_when *w, bool ago)
{
    return w->has_rel || w->weekday >= 0 || w->mday || (ago && w->ago);
}

/* A day-naming date sought by date_test, the date found and the memo of
 * dates. */
typedef struct date_q {
    bool ago; /* "two days ago" names a day */
    cc_when when;
    memo *m;
} date_q;

/* walk_out's filter for date_test: candidates only. */
static const tok_filter only_cands = {CC_NONE, 0, 0, true};

/* walk_out test: token j is a date candidate that names a day. */
static bool date_test(const cc_extractor *ex, size_t j, void *ctx)
{
    date_q *q = ctx;
    size_t ci = ex->toks.v[j].cand;
    return ci != NO_POS && cand_when(ex, q->m, ci, &q->when) && names_day(&q->when, q->ago);
}

/* For a count, amount, sum or share: the day-precise date next to it in
 * its sentence ("46 were arrested Wednesday night"), kept in when /
 * has_ref. Farther dates tend to date something else ("his sixth visit
 * since the war began on October 7"). */
static void find_ref_date(const cc_extractor *ex, memo *m, size_t ti, cc_claim *cm)
{
    if (cm->cls != CC_CLASS_COUNT && cm->cls != CC_CLASS_AMOUNT && cm->cls != CC_CLASS_MONEY &&
        cm->cls != CC_CLASS_PERCENT)
        return;
    date_q q = {false, {0}, m};
    size_t j = walk_out(ex, ti, (reach){ex->w.ref_date, ex->w.ref_date, 0, false}, &only_cands,
                        date_test, &q);
    if (j == NO_POS)
        return; /* "last year" dates no single day */
    cm->when = q.when;
    cm->when.tense = find_tense(ex, m, j);
    cm->has_ref = true;
}

/* A clock time without a day ("at 18:00 UTC") takes the day-precise date
 * nearest to it in its sentence, a later one first ("Tuesday ... at 18:00
 * UTC", "16:15 UTC, June 1st"); else it stays on the report's day. */
static void find_time_date(const cc_extractor *ex, memo *m, size_t ti, cc_claim *cm)
{
    cc_when *w = &cm->when, own = *w;
    if (names_day(w, true) || w->month || w->year)
        return;
    date_q q = {true, {0}, m};
    size_t j = walk_out(ex, ti, (reach){ex->w.ref_date, ex->w.ref_date, 0, true}, &only_cands,
                        date_test, &q);
    if (j == NO_POS)
        return;
    *w = q.when;
    w->hour = own.hour, w->minute = own.minute;
    memcpy(w->tz, own.tz, sizeof w->tz);
    if (own.part[0]) /* "in morning trading" */
        memcpy(w->part, own.part, sizeof w->part);
    w->tense = find_tense(ex, m, j);
}

/* "<article id>@<start>": cm's id, one of its strings. Written in place:
 * one per claim, and cc_strcat_n's two passes over its arguments cost
 * more than the copy. */
static char *claim_id(cc_claim *cm, const char *article_id, size_t start)
{
    size_t n = strlen(article_id);
    char *id = claim_alloc(cm, n + 22); /* '@', 20 digits at most, NUL */
    if (!id)
        return NULL;
    memcpy(id, article_id, n);
    id[n] = '@';
    id[n + 1 + cc_fmt_u64(start, id + n + 1)] = '\0';
    return id;
}

/* Builds the claim for candidate ci and appends it to the cluster. */
static cc_error build_claim(cc_extractor *ex, memo *m, cc_cluster *cl, size_t ai, size_t ci)
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
    cm.strings = cl->strings;
    bool noun = false; /* the id after the value: a qualifier moves the start */
    bool keep = set_value(ex, m, ci, &cm) && (cm.id = claim_id(&cm, a->id, cm.start)) != NULL &&
                set_context(ex, m, c, &cm, &noun) && resolve_date(cl, ai, cl->claims.n, &cm) &&
                (cm.key = make_key(ex, &cm, noun)) != NULL && set_change(ex, ci, &cm);
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
    char buf[128];
    const tok *t = &ex->toks.v[ti];
    size_t n;
    const char *w = tok_folded(ex, ti, buf, sizeof buf, &n);
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
static void find_dateline(const cc_extractor *ex, memo *m, cc_article *a)
{
    size_t line_end = 0, words = 0, max_words = (size_t)ex->w.dateline_words;
    while (line_end < ex->len && ex->body[line_end] != '\n')
        line_end++;
    for (size_t i = 0; i < ex->toks.n && ex->toks.v[i].start < line_end; i++)
        if (++words > max_words)
            return;
    for (size_t i = 0; i < ex->cands.n && ex->cands.v[i].start < line_end; i++) {
        cc_when w;
        bool ok = cand_when(ex, m, i, &w);
        int32_t day = ok && w.year && w.month && w.mday ? cc_day_from_ymd(w.year, w.month, w.mday)
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
    memo m = {0};
    cc_error err = scan(ex, cl, a);
    if (err == CC_OK && !memo_open(ex, &m))
        err = CC_ERROR_MEMORY;
    if (err == CC_OK && a->published == CC_NO_DAY)
        find_dateline(ex, &m, a);
    a->first_claim = cl->claims.n;
    for (size_t i = 0; err == CC_OK && i < ex->cands.n; i++)
        err = build_claim(ex, &m, cl, ai, i);
    memo_close(&m);
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
