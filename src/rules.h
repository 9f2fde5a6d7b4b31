/* rules.h: the claims/ rule files loaded into memory (internal).
 *
 * Files hold sections: [list NAME] word lists with optional values,
 * [pattern NAME] reusable regex fragments, [rule NAME] extraction rules,
 * [qualifier NAME] interval semantics and [kind NAME] claim kinds.
 * claims/README.md documents the syntax. */
#ifndef CC_RULES_H
#define CC_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>

#include "model.h"

/* Named capture groups a rule pattern may use; the engine gives each a
 * fixed meaning (claims/README.md). */
typedef enum cc_slot {
    CC_SLOT_NUM = 0,
    CC_SLOT_NUM2,
    CC_SLOT_QUAL,
    CC_SLOT_VAGUE,
    CC_SLOT_UNIT,
    CC_SLOT_TUNIT,
    CC_SLOT_ORD,
    CC_SLOT_CUR,
    CC_SLOT_MONTH,
    CC_SLOT_DAY,
    CC_SLOT_YEAR,
    CC_SLOT_WEEKDAY,
    CC_SLOT_REL,
    CC_SLOT_SHIFT,
    CC_SLOT_PUNIT,
    CC_SLOT_SCOPE,
    CC_SLOT_HOUR,
    CC_SLOT_MINUTE,
    CC_SLOT_AMPM,
    CC_SLOT_SET,
    CC_SLOT_PART,
    CC_SLOT_SEASON,
    CC_SLOT_TZ,
    CC_SLOT_REF,
    CC_SLOT_MAX
} cc_slot;

/* Token classes produced by rules that are not claims. */
typedef enum cc_rule_kind { CC_RULE_CLAIM = 0, CC_RULE_WORD, CC_RULE_BOUNDARY } cc_rule_kind;

typedef struct cc_entry {
    char *phrase; /* lower-case words separated by single spaces; owns value too */
    char *value;  /* "" when the entry has none; in phrase's block */
    size_t list;  /* owning list */
    size_t len;   /* strlen(phrase): suffix tests ask for it per word */
} cc_entry;

typedef struct cc_list {
    char *name;
    size_t *entries; /* indices into rules->entries */
    size_t n, cap;
} cc_list;

/* The ASCII bytes (bit b of the pair of words) that may come next in a
 * match of a rule: after a starter word and one space (cc_starts_follow)
 * or after a run of digits (cc_starts_digits). */
typedef struct cc_follow {
    uint64_t bits[2];
} cc_follow;

/* Per lower-case letter b1 (index b1 - 'a'), the lower-case letters b2
 * (bit b2 - 'a') and the space (bit CC_FOLLOW2_SPACE) that may come after
 * a starter word, one space and b1 in a match of a rule: the follow mask
 * a byte further, for the short words ("a", "the") where most tries fail
 * on the word after them. Bit CC_FOLLOW2_CASELESS: case does not matter
 * in the rule, so the row holds for capitals too ("the Watergate"). */
#define CC_FOLLOW2_SPACE 31
#define CC_FOLLOW2_CASELESS 30
typedef struct cc_follow2 {
    uint32_t after[26];
} cc_follow2;

/* The bytes after a run of digits past which the digit masks look one
 * byte further: a space, a dash ("35-year-old"), a stop, a comma and a
 * colon (index into cc_digit_follow.after_sep); after the first
 * CC_N_DIGIT_SEPS2 of them, two letters further ("35 years", "35-yard"). */
#define CC_DIGIT_SEPS " -.,:"
#define CC_N_DIGIT_SEPS 5
#define CC_N_DIGIT_SEPS2 2

/* Where a match may open with a character of U+2000..U+20FF (quotes,
 * dashes, currency signs, all three UTF-8 bytes long): bit cp - 0x2000 of
 * live for each such character, and the ASCII bytes that may follow one
 * of them (cc_starts_punct). A curly quote then starts no currency
 * rule, and "’ s" no "’90s". */
#define CC_PUNCT_FIRST 0x2000
typedef struct cc_punct_follow {
    uint64_t live[4];
    cc_follow after;
} cc_punct_follow;

/* What may follow a first run of 1..4 digits (index: run length - 1) in a
 * match of a claim rule: the byte right after it, the byte after it and
 * each of CC_DIGIT_SEPS, and the two letters after it and a space or a
 * dash (cc_starts_digits). */
typedef struct cc_digit_follow {
    cc_follow after[4], after_sep[CC_N_DIGIT_SEPS][4];
    cc_follow2 sep2[CC_N_DIGIT_SEPS2][4];
} cc_digit_follow;

typedef struct cc_rule {
    char *name, *pattern, *where;
    cc_rule_kind kind;
    cc_class cls;
    int priority;
    bool needs_kind; /* drop the claim unless a specific kind is found */
    char *kind_name; /* kind = NAME: claims of this rule take that kind */
    char *expanded;  /* the pattern with {list} and {pattern} expanded */
    size_t forced_kind;
    struct cc_matcher *m;    /* claim rules: the rule alone, anchored (JIT) */
    char *gate_name;         /* gate = NAME: a pattern every match begins with */
    size_t gate;             /* index into rules->gates; CC_NONE without one */
    unsigned char first[32]; /* bit per byte a match may start with */
    /* Claim rules: the ASCII bytes that may follow a first run of 1..4
     * digits in a match (cc_starts_digits); all bytes for other rules. */
    cc_digit_follow digits;
    cc_punct_follow punct; /* claim rules; all bits for others */
} cc_rule;

typedef struct cc_qual_sem {
    char *name, *where;
    cc_qualifier type;
    bool has_lo, has_hi;
    double lo, hi; /* factors applied to the stated value */
} cc_qual_sem;

typedef struct cc_kind {
    char *name, *label, *where;
    unsigned classes;   /* bit per cc_class it applies to */
    bool generic;       /* fallback kind for its classes */
    bool running;       /* a running total: later and larger is an update */
    bool fixed_subject; /* subject is the kind itself, not the counted noun */
    bool by_place;      /* only claims at the same place are comparable */
    cc_severity max_severity;
    int window;                     /* words either side searched for triggers */
    char *default_subject;          /* subject when no counted noun is found */
    size_t triggers, units, events; /* list indices; CC_NONE if absent */
    size_t excludes;                /* counted nouns that rule the kind out ("metres") */
} cc_kind;

/* An anchored alternation of some rules, each branch tagged (*MARK:i)
 * with its rule index, JIT-compiled, and the capture numbers of each slot
 * in it (they differ between matchers). Claim rules get one each, so a
 * position only meets the rules that may start there. */
typedef struct cc_matcher {
    pcre2_code *code;
    uint32_t *slot_groups[CC_SLOT_MAX];
    size_t n_slot_groups[CC_SLOT_MAX];
    uint32_t slot_mask; /* bit s: n_slot_groups[s] > 0 (most rules fill a few) */
} cc_matcher;

/* What the scan needs of one rule of a set, packed so that trying a set
 * touches one small array: the rule's JIT code and gate. */
typedef struct cc_set_item {
    const pcre2_code *code;
    size_t gate; /* index into rules->gates; CC_NONE without one */
    size_t rule;
    const cc_digit_follow *digits; /* the rule's cc_rule.digits */
    const cc_punct_follow *punct;  /* the rule's cc_rule.punct */
} cc_set_item;

/* Claim rules that may start at one kind of position (a starter word, a
 * first byte), in priority order; every one's first bytes allow it. */
typedef struct cc_rule_set {
    size_t *rules;
    cc_set_item *items; /* filled once the matchers are built */
    size_t n;
} cc_rule_set;

/* A starter word and the sets of claim rules it may begin, written with
 * a lower-case ([0]) or a capital ([1]) first letter. */
typedef struct cc_starter {
    char *word; /* lower-case letters; owned */
    size_t len, set[2];
    /* Per case, per rule of the set (in its order): the ASCII bytes that
     * may follow the word and one space in a match (cc_starts_follow);
     * owned. */
    cc_follow *follow[2];
    /* For a short word (setting follow2_letters), per case, per rule of
     * the set: the follow masks one byte further (cc_starts_follow2; a
     * capitalised word takes only caseless rows); owned; NULL for other
     * words. */
    cc_follow2 *follow2[2];
} cc_starter;

/* The size of cc_rules.starter_bits: 8 KB, about one word in a hundred
 * that is no starter passes it by chance. */
#define CC_STARTER_BITS 65536u

/* A slot of the open-addressed starter table, kept small (8 bytes) so
 * the table stays in cache: the word's hash tag and its starter + 1
 * (0 for an empty slot). */
typedef struct cc_starter_slot {
    uint32_t tag, starter;
} cc_starter_slot;

/* A phrase index bucket: entries whose first word hashes here. */
typedef struct cc_phrase_bucket {
    size_t *entries;
    size_t n, cap;
} cc_phrase_bucket;

/* A pattern some rules declare every match of theirs begins with: tried
 * once at a position, it rules them all out there when it fails. */
typedef struct cc_gate {
    char *name;
    struct cc_matcher *m;
} cc_gate;

struct cc_rules {
    CC_VEC(cc_entry) entries;
    CC_VEC(cc_list) lists;
    CC_VEC(cc_rule) rules;
    CC_VEC(cc_qual_sem) quals;
    CC_VEC(cc_kind) kinds;
    cc_phrase_bucket *index; /* first word -> entries, index_size buckets */
    size_t index_size;
    cc_matcher *tokens;            /* the word and boundary rules */
    unsigned char token_first[32]; /* bit per byte a word or boundary may start with */
    size_t by_byte[256];           /* per first byte: index into sets of the claim rules
                                      that may start with it (what no starter word decides) */
    CC_VEC(cc_starter) starters;   /* the starter words */
    cc_starter_slot *starter_tab;  /* starter word -> starters (open addressing) */
    size_t starter_mask;           /* table size - 1 (a power of two) */
    /* A bit per CC_STARTER_BITS value of a word's cc_fnv hash, set for the
     * starter words': a word whose bit is clear is told from them without
     * probing the table (about one in a hundred others passes). */
    uint64_t starter_bits[CC_STARTER_BITS / 64];
    CC_VEC(cc_rule_set) sets; /* the claim rules each starter word may begin */
    CC_VEC(cc_gate) gates;    /* the patterns named by rules' gate keys */
    uint32_t max_captures;    /* most capture groups in any matcher */
};

/* Compiles the rules idx[0:n) into one matcher; NULL on failure. Caller
 * frees with cc_matcher_free. */
cc_matcher *cc_matcher_new(const cc_rules *r, const size_t *idx, size_t n);
/* Frees a matcher; accepts NULL and half-built ones. */
void cc_matcher_free(cc_matcher *m);

/* An engine setting from the claims/ list "settings" (name = number), or
 * dflt when the list or the entry is absent. */
double cc_rules_setting(const cc_rules *r, const char *name, double dflt);

/* Kind number kind, or NULL without rules or for an unknown index. */
const cc_kind *cc_rules_kind_at(const cc_rules *r, size_t kind);
/* Finds a kind by name; CC_NONE if absent. */
size_t cc_rules_kind(const cc_rules *r, const char *name);
/* Finds a list by name; CC_NONE if absent. */
size_t cc_rules_list(const cc_rules *r, const char *name);
/* Returns the value of the entry of list whose phrase equals the (case-
 * insensitive, whitespace-collapsed) text s[0:n); NULL if not listed. */
const char *cc_rules_lookup(const cc_rules *r, size_t list, const char *s, size_t n);
/* Index of the generic kind for a class; CC_NONE when none is declared. */
size_t cc_rules_generic_kind(const cc_rules *r, cc_class cls);
/* Folds text to the index form used by phrases (ASCII lower, curly
 * apostrophe to '); writes at most cap-1 bytes to out and NUL-terminates. */
size_t cc_fold(const char *s, size_t n, char *out, size_t cap);
/* The bucket for a folded word. */
const cc_phrase_bucket *cc_rules_bucket(const cc_rules *r, const char *word, size_t n);

/* Index of the bucket for a word whose cc_fnv hash is h: the one place
 * that maps a hash to a bucket. */
static inline size_t cc_bucket_at(const cc_rules *r, uint64_t h)
{
    return (size_t)(h % r->index_size);
}

/* The bucket for a word whose cc_fnv hash h the caller has. Inline, as
 * cc_rules_starter: the scan asks once per word. */
static inline const cc_phrase_bucket *cc_rules_bucket_hashed(const cc_rules *r, uint64_t h)
{
    return &r->index[cc_bucket_at(r, h)];
}

/* The bit of starter_bits for a word whose cc_fnv hash is h: its low
 * bits, which every byte's step mixes (the last byte barely reaches the
 * top ones, so short words would share a bit there). */
static inline size_t cc_starter_bit(uint64_t h)
{
    return (size_t)(h % CC_STARTER_BITS);
}

/* The first slot of the starter table from i on that is empty or holds
 * a word tagged tag. */
static inline size_t cc_starter_slot_at(const cc_rules *r, uint32_t tag, size_t i)
{
    while (r->starter_tab[i].starter && r->starter_tab[i].tag != tag)
        i = (i + 1) & r->starter_mask;
    return i;
}

/* The starter spelled w[0:n) among the slots tagged tag from slot i on,
 * or NULL (cc_rules_starter's hits). */
const cc_starter *cc_starter_from(const cc_rules *r, uint32_t tag, size_t i, const char *w,
                                  size_t n);

/* The claim rules the lower-case word w[0:n) with cc_fnv hash h may
 * begin, written capitalised or not, with its follow masks (and its
 * cc_follow2 ones or NULL); NULL when it is no starter. A miss
 * (most words) ends at the first empty slot of the open-addressed
 * starter table, without touching the phrase index whose buckets for
 * "the" or "a" are long. Inline: the scan asks once per word, and a
 * call with its saved registers cost about what a miss does. */
static inline const cc_rule_set *cc_rules_starter(const cc_rules *r, uint64_t h, const char *w,
                                                  size_t n, bool capital, const cc_follow **follow,
                                                  const cc_follow2 **follow2)
{
    size_t bit = cc_starter_bit(h);
    if (!((r->starter_bits[bit / 64] >> (bit % 64)) & 1))
        return NULL;
    uint32_t tag = (uint32_t)(h >> 32);
    size_t i = r->starter_tab ? cc_starter_slot_at(r, tag, (size_t)h & r->starter_mask) : 0;
    if (!r->starter_tab || !r->starter_tab[i].starter)
        return NULL;
    const cc_starter *st = cc_starter_from(r, tag, i, w, n);
    if (!st)
        return NULL;
    *follow = st->follow[capital];
    *follow2 = st->follow2[capital];
    return &r->sets.v[st->set[capital]];
}

/* Lets every byte through every follow, digit and punctuation mask of r,
 * so that the scan tries each rule wherever its starter or first byte
 * allows: for tests that check the masks only skip tries that cannot
 * match. */
void cc_rules_open_masks(cc_rules *r);

/* starts.c: where a claim rule may start. Compiles a loosened copy of an
 * expanded rule (no look-behinds, negative look-aheads, \b, \B or case-
 * sensitive groups; positive look-aheads kept) for
 * the tests below; NULL when it does not compile. *cased: whether letter
 * case still matters in it. Caller frees. */
pcre2_code *cc_starts_compile(const char *rx, uint32_t options, bool *cased);
/* Whether the loosened rule c may match text that begins with the lower-
 * case word w[0:n) in any of its usual cases; true when c is NULL. */
bool cc_starts_word(const pcre2_code *c, bool cased, pcre2_match_data *md, const char *w, size_t n);
/* Fills follow[0] and follow[1] (the word in lower case; capitalised or
 * in capitals) with the ASCII bytes that may follow the word and one
 * space in a match of the loosened rule c. */
void cc_starts_follow(const pcre2_code *c, bool cased, pcre2_match_data *md, const char *w,
                      size_t n, cc_follow follow[2]);
/* Fills out with the lower-case letters that may follow the lower-case
 * word w[0:n), one space and each lower-case letter that follow (the
 * word's lower-case follow mask) lets through, in a match of c. */
void cc_starts_follow2(const pcre2_code *c, bool cased, pcre2_match_data *md, const char *w,
                       size_t n, const cc_follow *follow, cc_follow2 *out);
/* Fills out with the ASCII bytes that may follow a run of 1..4 digits (and
 * one space) at the start of a match of expanded rule rx. */
void cc_starts_digits(const char *rx, uint32_t options, pcre2_match_data *md, cc_digit_follow *out);
/* Fills out (see cc_punct_follow) for the loosened rule c; all bits when
 * c is NULL. */
void cc_starts_punct(const pcre2_code *c, pcre2_match_data *md, cc_punct_follow *out);
/* Clears the ASCII non-letter bytes no match of c can begin with. */
void cc_starts_refine(const pcre2_code *c, pcre2_match_data *md, unsigned char first[32]);

/* rulecache.c: the loader's analysis kept on disk between runs. */
/* A word a claim rule may start with (a start test's input or result). */
typedef struct cc_start_pair {
    char *word;
    size_t rule;
    cc_follow follow[2]; /* cc_starts_follow's masks, once it passed */
    bool has2;           /* follow2 holds cc_starts_follow2's masks (a short word) */
    cc_follow2 follow2;
} cc_start_pair;
/* A cache file read back: per rule its code (claim rules; NULL for the
 * others, or once the loader took it) and first bytes, the start pairs
 * that passed the test, and the token matcher's and the gates' code.
 * Free with cc_rcache_free. */
typedef struct cc_rcache {
    size_t n_rules;
    pcre2_code **codes;
    unsigned char (*first)[32];
    cc_digit_follow *digits;       /* cc_rule.digits */
    cc_punct_follow *punct;        /* cc_rule.punct */
    unsigned char token_first[32]; /* cc_rules.token_first */
    cc_start_pair *pairs;
    size_t n_pairs;
    pcre2_code *tokens; /* cc_rules.tokens' code, until the loader takes it */
    pcre2_code **gates; /* each gate's code (cc_rules.gates order), likewise */
    size_t n_gates;
} cc_rcache;
/* The cache key: the loader's hash of the rule files, mixed with the
 * PCRE2 version, the compile options and the file the loader runs from;
 * 0 (no cache) when that file cannot be found. */
uint64_t cc_rcache_key(uint64_t text_key, uint32_t options);
/* The cache for key in dir for the parsed rules r, or NULL on a miss.
 * Caller frees. */
cc_rcache *cc_rcache_read(const char *dir, uint64_t key, const cc_rules *r);
/* Frees a cache read; accepts NULL. */
void cc_rcache_free(cc_rcache *rc);
/* Stores r's analysis and the passed start pairs under key in dir
 * (atomically; silent on failure), then keeps only the CC_RCACHE_KEEP
 * newest cache files there. */
#define CC_RCACHE_KEEP 8
void cc_rcache_write(const char *dir, uint64_t key, const cc_rules *r, const cc_start_pair *pairs,
                     size_t n);

#endif
