/* rules.c: loads claims/ rule files, expands list and pattern references,
 * JIT-compiles one matcher per claim rule (plus one for words and sentence
 * boundaries) and notes where each rule may start: its first bytes and its
 * starter words. The engine reads meanings only from slot names and
 * section keys; all words live in the files. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util.h"

#define MAX_EXPAND_DEPTH 16

struct pattern_def {
    char *name, *regex, *where;
};

/* A claim rule's compiled code while loading: its loosened copy for the
 * start tests (starts.c; NULL keeps every start) and the rule itself as
 * check_rule compiled it, until its matcher takes it. */
struct loose_rule {
    pcre2_code *code;
    bool cased; /* letter case matters in code */
    pcre2_code *rule;
};

typedef struct loader {
    cc_rules *r;
    cc_diag_fn diag;
    void *ud;
    const char *file;
    int line;
    int errors;
    char sec_type[16];
    size_t sec; /* index of the current section object in its vector */
    CC_VEC(struct pattern_def) patterns;
    char **last_value;              /* for continuation lines */
    bool *list_used;                /* lists the claim rule being expanded refers to */
    cc_buf literal;                 /* the literal word being read from a pattern */
    size_t rule;                    /* the claim rule being expanded */
    char syntax;                    /* '[' in a class, '(' in group syntax, else 0 */
    int behind;                     /* parenthesis depth inside a look-behind, else 0 */
    CC_VEC(cc_start_pair) starters; /* (word, rule) pairs; freed by the loader */
    struct loose_rule *loose;       /* per rule, freed once the matchers are built */
    pcre2_match_data *loose_md;     /* for matching the loosened copies */
    char **list_rx;               /* per list, its alternation once written; freed by the loader */
    size_t list_rx_n;             /* lists list_rx has room for */
    uint64_t text_key;            /* hash of the rule files' names and lines */
    uint64_t key;                 /* the cache key (cc_rcache_key), once the files are read */
    const char *cache_dir;        /* where the analysis is kept; NULL: nowhere */
    cc_rcache *cache;             /* the analysis read back (a hit); freed by the loader */
    CC_VEC(cc_start_pair) passed; /* start pairs that passed, for the cache on a miss */
    size_t follow2_letters;       /* setting: words this short get cc_follow2 masks */
} loader;

/* Reports "file:line: message" and counts an error. */
#define LOAD_ERR(ld, ...)                                                                          \
    do {                                                                                           \
        char m_[512];                                                                              \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                                      \
        cc_diagf((ld)->diag, (ld)->ud, "%s:%d: %s", (ld)->file, (ld)->line, m_);                   \
        (ld)->errors++;                                                                            \
    } while (0)

/* Class names as written in rule files, including the token classes. */
static int parse_class(const char *s, cc_rule_kind *rk)
{
    *rk = CC_RULE_CLAIM;
    if (strcmp(s, "word") == 0)
        *rk = CC_RULE_WORD;
    if (strcmp(s, "boundary") == 0)
        *rk = CC_RULE_BOUNDARY;
    if (*rk != CC_RULE_CLAIM)
        return CC_CLASS_SKIP;
    for (int c = 0; c < CC_CLASS_MAX; c++)
        if (strcmp(s, cc_class_name((cc_class)c)) == 0)
            return c;
    return -1;
}

/* Qualifier type names as in the NDJSON schema. */
static int parse_qualifier(const char *s)
{
    for (int q = 0; q < CC_Q_MAX; q++)
        if (strcmp(s, cc_qualifier_name((cc_qualifier)q)) == 0)
            return q;
    return -1;
}

/* yes/no flags. */
static int parse_bool(const char *s)
{
    return strcmp(s, "yes") == 0 ? 1 : strcmp(s, "no") == 0 ? 0 : -1;
}

/* Folds s[0:n) into out: ASCII lower-case, ’ to ', whitespace runs to one
 * space, trimmed. Returns the folded length. */
size_t cc_fold(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < cap)
            out[o++] = ' ';
        space = false;
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            out[o++] = '\'';
            i += 2;
            continue;
        }
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[o] = '\0';
    return o;
}

/* The bucket for a folded word (never NULL once rules are loaded). */
const cc_phrase_bucket *cc_rules_bucket(const cc_rules *r, const char *word, size_t n)
{
    return cc_rules_bucket_hashed(r, cc_fnv(CC_FNV_INIT, word, n));
}

/* The starter spelled w[0:n) among the slots tagged tag from slot i on
 * (see rules.h), or NULL. Out of line: cc_rules_starter's usual miss then
 * calls nothing. */
const cc_starter *cc_starter_from(const cc_rules *r, uint32_t tag, size_t i, const char *w,
                                  size_t n)
{
    for (; r->starter_tab[i].starter; i = cc_starter_slot_at(r, tag, (i + 1) & r->starter_mask)) {
        const cc_starter *st = &r->starters.v[r->starter_tab[i].starter - 1];
        if (st->len == n && memcmp(st->word, w, n) == 0)
            return st;
    }
    return NULL;
}

/* Opens every follow, digit and punctuation mask (see rules.h). */
void cc_rules_open_masks(cc_rules *r)
{
    for (size_t i = 0; i < r->starters.n; i++) {
        const cc_starter *st = &r->starters.v[i];
        for (int ci = 0; ci < 2; ci++)
            memset(st->follow[ci], 0xff, r->sets.v[st->set[ci]].n * sizeof(cc_follow));
        for (int ci = 0; ci < 2 && st->follow2[ci]; ci++)
            memset(st->follow2[ci], 0xff, r->sets.v[st->set[ci]].n * sizeof(cc_follow2));
    }
    for (size_t i = 0; i < r->rules.n; i++) {
        memset(&r->rules.v[i].digits, 0xff, sizeof r->rules.v[i].digits);
        memset(&r->rules.v[i].punct, 0xff, sizeof r->rules.v[i].punct);
    }
}

/* Reads a number from the "settings" list (see rules.h). */
double cc_rules_setting(const cc_rules *r, const char *name, double dflt)
{
    bool ok;
    const char *v = cc_rules_lookup(r, cc_rules_list(r, "settings"), name, strlen(name));
    double d = v ? cc_to_num(v, &ok) : dflt;
    return v && ok ? d : dflt;
}

/* Finds a kind by name. */
size_t cc_rules_kind(const cc_rules *r, const char *name)
{
    for (size_t i = 0; r && i < r->kinds.n; i++)
        if (strcmp(r->kinds.v[i].name, name) == 0)
            return i;
    return CC_NONE;
}

/* Finds a list by name. */
size_t cc_rules_list(const cc_rules *r, const char *name)
{
    for (size_t i = 0; r && i < r->lists.n; i++)
        if (strcmp(r->lists.v[i].name, name) == 0)
            return i;
    return CC_NONE;
}

/* Looks s up in list; returns the entry's value or NULL. */
const char *cc_rules_lookup(const cc_rules *r, size_t list, const char *s, size_t n)
{
    char key[256];
    size_t kn = cc_fold(s, n, key, sizeof key);
    if (!r || list == CC_NONE || kn == 0)
        return NULL;
    uint64_t h = CC_FNV_INIT; /* cc_fnv of the first word, hashed as it is found */
    for (size_t i = 0; i < kn && key[i] != ' '; i++)
        h = cc_fnv_step(h, (unsigned char)key[i]);
    const cc_phrase_bucket *b = cc_rules_bucket_hashed(r, h);
    for (size_t i = 0; i < b->n; i++) {
        const cc_entry *e = &r->entries.v[b->entries[i]];
        if (e->list == list && strcmp(e->phrase, key) == 0)
            return e->value;
    }
    return NULL;
}

/* The generic kind declared for cls. */
size_t cc_rules_generic_kind(const cc_rules *r, cc_class cls)
{
    for (size_t i = 0; r && i < r->kinds.n; i++)
        if (r->kinds.v[i].generic && (r->kinds.v[i].classes & (1u << cls)))
            return i;
    return CC_NONE;
}

/* Kind name, "generic" without rules or for an unknown index. */
const char *cc_kind_name(const cc_rules *r, size_t kind)
{
    const cc_kind *k = cc_rules_kind_at(r, kind);
    return k ? k->name : "generic";
}

/* Kind number kind, or NULL without rules or for an unknown index. */
const cc_kind *cc_rules_kind_at(const cc_rules *r, size_t kind)
{
    return r && kind < r->kinds.n ? &r->kinds.v[kind] : NULL;
}

/* Kind label for editors. */
const char *cc_kind_label(const cc_rules *r, size_t kind)
{
    const cc_kind *k = cc_rules_kind_at(r, kind);
    return k ? k->label : "Other number";
}

/* "file:line" of the current position; caller frees. */
static char *where(const loader *ld)
{
    return cc_strfmt("%s:%d", ld->file, ld->line);
}

/* Creates a list named name; returns its index or CC_NONE. */
static size_t new_list(loader *ld, const char *name)
{
    if (cc_rules_list(ld->r, name) != CC_NONE) {
        LOAD_ERR(ld, "list '%s' is defined twice", name);
        return CC_NONE;
    }
    cc_list l = {cc_strdup(name), NULL, 0, 0};
    if (!l.name || !CC_VEC_PUSH(ld->r->lists, l)) {
        free(l.name);
        LOAD_ERR(ld, "out of memory");
        return CC_NONE;
    }
    return ld->r->lists.n - 1;
}

/* A new block holding the phrase p[0:pn) and, after its NUL, the value
 * v: one allocation per entry (cc_entry). Caller frees; NULL on oom. */
static char *entry_block(const char *p, size_t pn, const char *v)
{
    size_t vn = strlen(v);
    char *b = malloc(pn + vn + 2);
    if (b) {
        memcpy(b, p, pn + 1);
        memcpy(b + pn + 1, v, vn + 1);
    }
    return b;
}

/* Adds "phrase" or "phrase = value" to list li. */
static void add_entry(loader *ld, size_t li, const char *text)
{
    const char *eq = strchr(text, '=');
    size_t pn = eq ? (size_t)(eq - text) : strlen(text);
    char phrase[256];
    cc_entry e = {NULL, NULL, li, cc_fold(text, pn, phrase, sizeof phrase)};
    if (e.len == 0) {
        LOAD_ERR(ld, "empty phrase");
        return;
    }
    const char *val = eq ? eq + 1 : "";
    while (*val == ' ' || *val == '\t')
        val++;
    e.phrase = entry_block(phrase, e.len, val);
    e.value = e.phrase ? e.phrase + e.len + 1 : NULL;
    cc_list *l = &ld->r->lists.v[li];
    if (!e.phrase || !cc_vec_grow((void **)&l->entries, &l->cap, l->n, sizeof *l->entries) ||
        !CC_VEC_PUSH(ld->r->entries, e)) {
        free(e.phrase);
        LOAD_ERR(ld, "out of memory");
        return;
    }
    l->entries[l->n++] = ld->r->entries.n - 1;
}

/* Resolves a kind's word-list field: "@list" or "a, b = x, c". */
static size_t kind_list(loader *ld, const char *kind, const char *field, const char *val)
{
    if (val[0] == '@') {
        size_t li = cc_rules_list(ld->r, val + 1);
        if (li == CC_NONE)
            LOAD_ERR(ld, "unknown list '%s' (lists must be defined before use)", val + 1);
        return li;
    }
    char name[200];
    snprintf(name, sizeof name, "%s.%s", kind, field);
    size_t li = new_list(ld, name);
    char *copy = cc_strdup(val);
    for (char *tok = copy ? strtok(copy, ",") : NULL; tok; tok = strtok(NULL, ","))
        if (li != CC_NONE)
            add_entry(ld, li, tok);
    free(copy);
    return li;
}

/* Parses a comma list of class names into a bit set. */
static unsigned parse_classes(loader *ld, const char *val)
{
    unsigned bits = 0;
    char *copy = cc_strdup(val);
    for (char *t = copy ? strtok(copy, ", ") : NULL; t; t = strtok(NULL, ", ")) {
        cc_rule_kind rk;
        int c = parse_class(t, &rk);
        if (c < 0 || rk != CC_RULE_CLAIM)
            LOAD_ERR(ld, "unknown class '%s'", t);
        else
            bits |= 1u << c;
    }
    free(copy);
    return bits;
}

/* Applies one key = value line to the current [kind]. */
static void kind_key(loader *ld, const char *key, const char *val)
{
    cc_kind *k = &ld->r->kinds.v[ld->sec];
    int b = parse_bool(val);
    if (strcmp(key, "label") == 0) {
        free(k->label);
        k->label = cc_strdup(val);
    } else if (strcmp(key, "classes") == 0) {
        k->classes = parse_classes(ld, val);
    } else if (strcmp(key, "triggers") == 0) {
        k->triggers = kind_list(ld, k->name, key, val);
    } else if (strcmp(key, "units") == 0) {
        k->units = kind_list(ld, k->name, key, val);
    } else if (strcmp(key, "events") == 0) {
        k->events = kind_list(ld, k->name, key, val);
    } else if (strcmp(key, "excludes") == 0) {
        k->excludes = kind_list(ld, k->name, key, val);
    } else if (strcmp(key, "max_severity") == 0) {
        int s = strcmp(val, "high") == 0 ? 0 : strcmp(val, "medium") == 0 ? 1 : 2;
        k->max_severity = (cc_severity)s;
    } else if (strcmp(key, "window") == 0 && cc_to_int(val, NULL) > 0) {
        k->window = cc_to_int(val, NULL);
    } else if (strcmp(key, "default_subject") == 0) {
        free(k->default_subject);
        k->default_subject = cc_strdup(val);
    } else if (b >= 0 && strcmp(key, "generic") == 0) {
        k->generic = b;
    } else if (b >= 0 && strcmp(key, "by_place") == 0) {
        k->by_place = b;
    } else if (b >= 0 && strcmp(key, "running") == 0) {
        k->running = b;
    } else if (strcmp(key, "subject") == 0 && (!strcmp(val, "kind") || !strcmp(val, "noun"))) {
        k->fixed_subject = strcmp(val, "kind") == 0;
    } else {
        LOAD_ERR(ld, "kind: bad key or value '%s = %s'", key, val);
    }
}

/* Applies one key = value line to the current [rule]. */
static void rule_key(loader *ld, const char *key, const char *val)
{
    cc_rule *ru = &ld->r->rules.v[ld->sec];
    if (strcmp(key, "class") == 0) {
        int c = parse_class(val, &ru->kind);
        if (c < 0)
            LOAD_ERR(ld, "unknown class '%s'", val);
        ru->cls = c < 0 ? CC_CLASS_SKIP : (cc_class)c;
    } else if (strcmp(key, "pattern") == 0) {
        free(ru->pattern);
        ru->pattern = cc_strdup(val);
        ld->last_value = &ru->pattern;
    } else if (strcmp(key, "priority") == 0) {
        bool ok;
        ru->priority = cc_to_int(val, &ok);
        if (!ok || ru->priority < 0 || ru->priority > 9999)
            LOAD_ERR(ld, "priority must be a whole number from 0 to 9999, not '%s'", val);
    } else if (strcmp(key, "kind") == 0) {
        free(ru->kind_name);
        ru->kind_name = cc_strdup(val);
    } else if (strcmp(key, "gate") == 0) {
        free(ru->gate_name);
        ru->gate_name = cc_strdup(val);
    } else if (strcmp(key, "needs_kind") == 0 && parse_bool(val) >= 0) {
        ru->needs_kind = parse_bool(val);
    } else {
        LOAD_ERR(ld, "rule: bad key or value '%s = %s'", key, val);
    }
}

/* Reads a factor ("0.9") or "none" for a qualifier bound. */
static void qual_bound(loader *ld, const char *val, bool *has, double *f)
{
    char *end;
    *has = strcmp(val, "none") != 0;
    *f = *has ? strtod(val, &end) : 0;
    if (*has && (end == val || *end))
        LOAD_ERR(ld, "qualifier bound must be a number or 'none', not '%s'", val);
}

/* Applies one key = value line to the current [qualifier]. */
static void qual_key(loader *ld, const char *key, const char *val)
{
    cc_qual_sem *q = &ld->r->quals.v[ld->sec];
    if (strcmp(key, "type") == 0) {
        int t = parse_qualifier(val);
        if (t < 0)
            LOAD_ERR(ld, "unknown qualifier type '%s'", val);
        q->type = t < 0 ? CC_Q_EXACT : (cc_qualifier)t;
    } else if (strcmp(key, "lo") == 0) {
        qual_bound(ld, val, &q->has_lo, &q->lo);
    } else if (strcmp(key, "hi") == 0) {
        qual_bound(ld, val, &q->has_hi, &q->hi);
    } else {
        LOAD_ERR(ld, "qualifier: bad key '%s'", key);
    }
}

/* Applies one key = value line to the current [pattern]. */
static void pattern_key(loader *ld, const char *key, const char *val)
{
    if (strcmp(key, "regex") != 0) {
        LOAD_ERR(ld, "pattern: bad key '%s'", key);
        return;
    }
    free(ld->patterns.v[ld->sec].regex);
    ld->patterns.v[ld->sec].regex = cc_strdup(val);
    ld->last_value = &ld->patterns.v[ld->sec].regex;
}

/* Opens a section "[type name]". */
static void open_section(loader *ld, const char *type, const char *name)
{
    char *w = where(ld);
    bool ok = true;
    snprintf(ld->sec_type, sizeof ld->sec_type, "%s", type);
    if (strcmp(type, "list") == 0) {
        ld->sec = new_list(ld, name);
        free(w);
        return;
    } else if (strcmp(type, "rule") == 0) {
        cc_rule ru = {.name = cc_strdup(name),
                      .where = w,
                      .kind = CC_RULE_CLAIM,
                      .cls = CC_CLASS_SKIP,
                      .priority = 50,
                      .forced_kind = CC_NONE,
                      .gate = CC_NONE};
        ok = CC_VEC_PUSH(ld->r->rules, ru);
        ld->sec = ld->r->rules.n - 1;
    } else if (strcmp(type, "kind") == 0) {
        cc_kind k = {.name = cc_strdup(name),
                     .label = cc_strdup(name),
                     .where = w,
                     .max_severity = CC_SEV_HIGH,
                     .triggers = CC_NONE,
                     .units = CC_NONE,
                     .events = CC_NONE,
                     .excludes = CC_NONE};
        ok = CC_VEC_PUSH(ld->r->kinds, k);
        ld->sec = ld->r->kinds.n - 1;
    } else if (strcmp(type, "qualifier") == 0) {
        cc_qual_sem q = {cc_strdup(name), w, CC_Q_EXACT, true, true, 1, 1};
        ok = CC_VEC_PUSH(ld->r->quals, q);
        ld->sec = ld->r->quals.n - 1;
    } else if (strcmp(type, "pattern") == 0) {
        struct pattern_def p = {cc_strdup(name), NULL, w};
        ok = CC_VEC_PUSH(ld->patterns, p);
        ld->sec = ld->patterns.n - 1;
    } else {
        LOAD_ERR(ld, "unknown section type '%s' (list, pattern, rule, qualifier, kind)", type);
        ld->sec_type[0] = '\0';
        free(w);
        return;
    }
    if (!ok) {
        free(w);
        LOAD_ERR(ld, "out of memory");
        ld->sec_type[0] = '\0';
    }
}

/* Parses "[type name]". */
static void section_line(loader *ld, char *line)
{
    char *close = strchr(line, ']');
    char *sp = strchr(line, ' ');
    ld->last_value = NULL;
    if (!close || !sp || sp > close || close[1] != '\0') {
        LOAD_ERR(ld, "malformed section header (want [type name])");
        ld->sec_type[0] = '\0';
        return;
    }
    *sp = *close = '\0';
    char *name = sp + 1;
    while (*name == ' ')
        name++;
    open_section(ld, line + 1, name);
}

/* Parses "key = value" inside a non-list section. */
static void key_line(loader *ld, char *line)
{
    char *eq = strchr(line, '=');
    ld->last_value = NULL;
    if (!eq) {
        LOAD_ERR(ld, "expected 'key = value'");
        return;
    }
    char *ke = eq;
    while (ke > line && (ke[-1] == ' ' || ke[-1] == '\t'))
        ke--;
    *ke = '\0';
    char *val = eq + 1;
    while (*val == ' ' || *val == '\t')
        val++;
    if (!strcmp(ld->sec_type, "kind"))
        kind_key(ld, line, val);
    else if (!strcmp(ld->sec_type, "rule"))
        rule_key(ld, line, val);
    else if (!strcmp(ld->sec_type, "qualifier"))
        qual_key(ld, line, val);
    else
        pattern_key(ld, line, val);
}

/* Appends a continuation line (leading whitespace) to the last value. */
static void continue_line(loader *ld, const char *text)
{
    char *joined = cc_strfmt("%s%s", *ld->last_value, text);
    if (!joined) {
        LOAD_ERR(ld, "out of memory");
        return;
    }
    free(*ld->last_value);
    *ld->last_value = joined;
}

/* Strips trailing whitespace and CR in place. */
static void rstrip(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
}

/* Dispatches one line of a rule file. */
static void parse_line(loader *ld, char *line)
{
    rstrip(line);
    char *s = line;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0' || *s == '#')
        return;
    if (s != line && ld->last_value) {
        continue_line(ld, s);
    } else if (*s == '[') {
        section_line(ld, s);
    } else if (ld->sec_type[0] == '\0') {
        LOAD_ERR(ld, "text outside a section");
    } else if (strcmp(ld->sec_type, "list") == 0) {
        if (ld->sec != CC_NONE)
            add_entry(ld, ld->sec, s);
    } else {
        key_line(ld, s);
    }
}

/* Parses one rule file. */
static void load_file(loader *ld, const char *path)
{
    FILE *f = fopen(path, "r");
    ld->file = path;
    ld->line = 0;
    ld->sec_type[0] = '\0';
    ld->last_value = NULL;
    if (!f) {
        LOAD_ERR(ld, "cannot open");
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    ld->text_key = cc_hash_wide(ld->text_key, base, strlen(base) + 1); /* not the folder */
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        ld->line++;
        ld->text_key = cc_hash_wide(ld->text_key, line, (size_t)len);
        parse_line(ld, line);
    }
    free(line);
    fclose(f);
}

/* True for a rule file's name: "*.rules". */
static bool is_rules_name(const char *name)
{
    size_t len = strlen(name);
    return len >= 7 && strcmp(name + len - 6, ".rules") == 0;
}

/* Loads dir/name. */
static void load_named(loader *ld, const char *dir, const char *name)
{
    char *path = cc_strfmt("%s/%s", dir, name);
    if (path)
        load_file(ld, path);
    else
        cc_diagf(ld->diag, ld->ud, "%s: out of memory", dir);
    ld->errors += path == NULL;
    free(path);
}

/* Finds a [pattern] by name. */
static const struct pattern_def *find_pattern(const loader *ld, const char *name, size_t n)
{
    for (size_t i = 0; i < ld->patterns.n; i++)
        if (strlen(ld->patterns.v[i].name) == n && !strncmp(ld->patterns.v[i].name, name, n))
            return &ld->patterns.v[i];
    return NULL;
}

/* Length of the UTF-8 character starting with byte c. */
static size_t utf8_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Appends one phrase character as regex: a space matches any whitespace,
 * an apostrophe either form, metacharacters are escaped. */
static void emit_char(cc_buf *b, const char *p, size_t n)
{
    if (*p == ' ')
        cc_buf_puts(b, "\\s+");
    else if (*p == '\'')
        cc_buf_puts(b, "['\xe2\x80\x99]");
    else {
        if (n == 1 && strchr("\\.^$|?*+()[]{}#", *p))
            cc_buf_putc(b, '\\');
        cc_buf_add(b, p, n);
    }
}

/* Emits sorted phrases ph[lo, hi), which share their first d bytes, as a
 * prefix-factored alternation ("mar(?:ch)?"): the regex engine then reads
 * each character once instead of once per phrase. A shorter phrase is an
 * optional tail, so the longest phrase is tried first. */
static void emit_trie(cc_buf *b, const char *const *ph, size_t lo, size_t hi, size_t d)
{
    bool terminal = lo < hi && ph[lo][d] == '\0';
    lo += terminal;
    size_t groups = 0;
    for (size_t i = lo; i < hi;) {
        size_t n = utf8_len((unsigned char)ph[i][d]), j = i + 1;
        while (j < hi && strncmp(ph[j] + d, ph[i] + d, n) == 0)
            j++;
        groups++;
        i = j;
    }
    bool wrap = groups > 1 || (terminal && groups);
    cc_buf_puts(b, wrap ? "(?:" : "");
    for (size_t i = lo, g = 0; i < hi; g++) {
        size_t n = utf8_len((unsigned char)ph[i][d]), j = i + 1;
        while (j < hi && strncmp(ph[j] + d, ph[i] + d, n) == 0)
            j++;
        cc_buf_puts(b, g ? "|" : "");
        emit_char(b, ph[i] + d, n);
        emit_trie(b, ph, i, j, d + n);
        i = j;
    }
    cc_buf_puts(b, !wrap ? "" : terminal ? ")?" : ")");
}

/* Writes list li as a non-capturing, prefix-factored alternation. */
static void write_list(cc_buf *b, const cc_rules *r, size_t li)
{
    const cc_list *l = &r->lists.v[li];
    const char **ph = malloc((l->n ? l->n : 1) * sizeof *ph);
    if (!ph) {
        b->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        ph[n++] = r->entries.v[l->entries[i]].phrase;
    qsort(ph, n, sizeof *ph, cc_cmp_str); /* bytewise: a prefix sorts first */
    size_t u = 0;                         /* drop duplicates */
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(ph[u - 1], ph[i]) != 0)
            ph[u++] = ph[i];
    cc_buf_puts(b, "(?:");
    if (u == 0)
        cc_buf_puts(b, "(?!)"); /* an empty list matches nothing */
    emit_trie(b, ph, 0, u, 0);
    cc_buf_putc(b, ')');
    free(ph);
}

/* Appends list li's alternation, written once per load and then copied:
 * rules name the number-word lists hundreds of times. Every list exists
 * by the time rules are expanded; without memory for the copies each
 * reference writes its own. */
static void emit_list(loader *ld, cc_buf *b, size_t li)
{
    if (!ld->list_rx && (ld->list_rx = calloc(ld->r->lists.n + 1, sizeof *ld->list_rx)))
        ld->list_rx_n = ld->r->lists.n;
    char **rx = ld->list_rx && li < ld->list_rx_n ? &ld->list_rx[li] : NULL;
    if (rx && !*rx) {
        cc_buf one = {0};
        write_list(&one, ld->r, li);
        *rx = cc_buf_take(&one); /* NULL when out of memory */
    }
    if (rx && *rx)
        cc_buf_puts(b, *rx);
    else
        write_list(b, ld->r, li);
}

/* Records that the current claim rule may start with word w[0:n) (and
 * with its plural: patterns may add an "s" to a listed word). */
static void add_starter(loader *ld, const char *w, size_t n)
{
    for (int plural = 0; plural < 2; plural++) {
        cc_start_pair st = {.word = malloc(n + 2), .rule = ld->rule};
        if (st.word) { /* w, or w + "s"; no printf: ~4K words per load */
            memcpy(st.word, w, n);
            st.word[n] = 's';
            st.word[n + (size_t)plural] = '\0';
        }
        if (!st.word || !CC_VEC_PUSH(ld->starters, st)) {
            free(st.word);
            LOAD_ERR(ld, "out of memory");
            return;
        }
    }
}

/* Ends the literal word being read: it may start a claim, so it joins the
 * starter words (a superset is harmless: it only costs speed). */
static void flush_literal(loader *ld)
{
    if (ld->literal.len && ld->list_used)
        add_starter(ld, ld->literal.p, ld->literal.len);
    cc_buf_reset(&ld->literal);
}

/* Notes a copied pattern byte for the starter words. Letters in a class
 * ("[A-Za-z]"), in group syntax ("(?<num>", "(?-i:") or in a look-behind
 * ("(?<=for )") spell no word a match starts with. */
static void note_literal(loader *ld, char c, char prev)
{
    if (ld->behind) { /* a look-behind's words come before the match */
        ld->behind += c == '(' ? 1 : c == ')' ? -1 : 0;
        flush_literal(ld);
        return;
    }
    if (ld->syntax == '(' && prev == '<' && (c == '=' || c == '!'))
        ld->behind = 1;
    if ((ld->syntax == '[' && c == ']') || (ld->syntax == '(' && strchr(":)>='!", c)))
        ld->syntax = 0;
    else if (!ld->syntax && c == '[')
        ld->syntax = '[';
    else if (!ld->syntax && c == '?' && prev == '(')
        ld->syntax = '(';
    if (!ld->syntax && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        cc_buf_putc(&ld->literal, (char)(c | 0x20));
    else
        flush_literal(ld);
}

/* Expands {list} and {pattern} references in src into b. */
static void expand(loader *ld, cc_buf *b, const char *src, int depth)
{
    if (depth > MAX_EXPAND_DEPTH) {
        LOAD_ERR(ld, "pattern references nest too deeply (a cycle?)");
        return;
    }
    for (const char *p = src; *p; p++) {
        size_t n = 0;
        if (*p == '\\' && p[1]) {
            flush_literal(ld);
            cc_buf_add(b, p++, 2);
            continue;
        }
        if (*p == '{')
            while (p[1 + n] == '_' || (p[1 + n] >= 'a' && p[1 + n] <= 'z') ||
                   (n && p[1 + n] >= '0' && p[1 + n] <= '9'))
                n++;
        if (n == 0 || p[1 + n] != '}') {
            note_literal(ld, *p, p > src ? p[-1] : 0);
            cc_buf_putc(b, *p);
            continue;
        }
        flush_literal(ld);
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)n, p + 1);
        const struct pattern_def *pd = find_pattern(ld, name, n);
        size_t li = cc_rules_list(ld->r, name);
        if (pd) {
            cc_buf_puts(b, "(?:");
            expand(ld, b, pd->regex ? pd->regex : "", depth + 1);
            cc_buf_putc(b, ')');
        } else if (li != CC_NONE) {
            if (ld->list_used)
                ld->list_used[li] = true;
            emit_list(ld, b, li);
        } else {
            LOAD_ERR(ld, "unknown list or pattern {%s}", name);
        }
        p += n + 1;
    }
}

/* Slot names as written in patterns, in cc_slot order. */
static const char *const slot_names[CC_SLOT_MAX] = {
    "num",   "num2",   "qual", "vague",   "unit", "tunit",  "ord",   "cur",
    "month", "day",    "year", "weekday", "rel",  "shift",  "punit", "scope",
    "hour",  "minute", "ampm", "set",     "part", "season", "tz",    "ref"};

/* Maps a capture name to its slot, -1 if unknown. */
static int slot_of(const char *name)
{
    for (int s = 0; s < CC_SLOT_MAX; s++)
        if (strcmp(slot_names[s], name) == 0)
            return s;
    return -1;
}

/* No PCRE2_UCP: \d, \w and \b are ASCII (\p{...} stays Unicode). UCP made
 * every word-boundary test a function call and left most rules without a
 * start bitmap; English news text has ASCII digits. */
#define RX_OPTIONS (PCRE2_UTF | PCRE2_CASELESS | PCRE2_DUPNAMES)

/* Sets in the bitmap first the bytes a match of c may start with: all of
 * them when PCRE2 found no start bitmap or first code unit. */
static void note_first_bytes(const pcre2_code *c, unsigned char first[32])
{
    const uint8_t *map = NULL;
    uint32_t type = 0, unit = 0;
    pcre2_pattern_info(c, PCRE2_INFO_FIRSTBITMAP, &map);
    pcre2_pattern_info(c, PCRE2_INFO_FIRSTCODETYPE, &type);
    pcre2_pattern_info(c, PCRE2_INFO_FIRSTCODEUNIT, &unit);
    for (int b = 0; b < 256; b++) {
        bool cased = type == 1 && unit < 128 && ((unsigned)b | 0x20) == (unit | 0x20) &&
                     ((unit | 0x20) >= 'a' && (unit | 0x20) <= 'z');
        cased |= type == 1 && unit >= 128 && b >= 128; /* a non-ASCII letter's other case */
        if (map ? (map[b / 8] >> (b % 8)) & 1 : type == 1 ? (uint32_t)b == unit || cased : true)
            first[b / 8] |= (unsigned char)(1u << (b % 8));
    }
}

/* Compiles one expanded rule alone, anchored as the scan runs it: errors
 * are reported at its file:line, capture names the engine does not know
 * are rejected and its first bytes noted. Returns the code (caller frees)
 * or NULL after an error. */
static pcre2_code *check_rule(loader *ld, cc_rule *ru, const char *rx)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)rx, PCRE2_ZERO_TERMINATED,
                                  RX_OPTIONS | PCRE2_ANCHORED, &err, &off, NULL);
    if (!c) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        cc_diagf(ld->diag, ld->ud, "%s: rule %s: pattern error at offset %zu: %s", ru->where,
                 ru->name, (size_t)off, (char *)msg);
        ld->errors++;
        return NULL;
    }
    uint32_t count, size;
    PCRE2_SPTR table;
    pcre2_pattern_info(c, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(c, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(c, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++, table += size)
        if (slot_of((const char *)table + 2) < 0) {
            cc_diagf(ld->diag, ld->ud, "%s: rule %s: unknown slot (?<%s>)", ru->where, ru->name,
                     (const char *)table + 2);
            ld->errors++;
        }
    note_first_bytes(c, ru->first);
    return c;
}

_Static_assert(CC_SLOT_MAX <= 32, "cc_matcher.slot_mask has a bit per slot");

/* Records which capture numbers carry each slot in a matcher, and its
 * slot mask. */
static bool map_slots(cc_matcher *m)
{
    uint32_t count, size;
    PCRE2_SPTR table;
    pcre2_pattern_info(m->code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(m->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
    pcre2_pattern_info(m->code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++, table += size) {
        int s = slot_of((const char *)table + 2);
        if (s < 0)
            continue;
        uint32_t *v = realloc(m->slot_groups[s], (m->n_slot_groups[s] + 1) * sizeof *v);
        if (!v)
            return false;
        m->slot_groups[s] = v;
        v[m->n_slot_groups[s]++] = (uint32_t)(table[0] << 8 | table[1]);
        m->slot_mask |= 1u << s;
    }
    return true;
}

/* Stable order by priority, then load order. */
static int cmp_rule(const void *a, const void *b)
{
    const cc_rule *x = a, *y = b;
    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Compiles the expanded pattern in b as the scan runs patterns (anchored,
 * with the rule options); NULL when b is empty, out of memory or does not
 * compile (the rules were checked one by one before). Caller frees. */
static pcre2_code *compile_anchored(const cc_buf *b)
{
    int err;
    PCRE2_SIZE off;
    return b->oom || !b->p ? NULL
                           : pcre2_compile((PCRE2_SPTR)b->p, b->len, RX_OPTIONS | PCRE2_ANCHORED,
                                           &err, &off, NULL);
}

/* Makes a matcher of compiled code, taking ownership of it: JIT-compiles
 * it and maps its slots. NULL on failure (code freed). Caller frees. */
static cc_matcher *matcher_of(pcre2_code *code)
{
    cc_matcher *m = calloc(1, sizeof *m);
    if (!m) {
        pcre2_code_free(code);
        return NULL;
    }
    m->code = code;
    if (!code || pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0 || !map_slots(m)) {
        cc_matcher_free(m);
        return NULL;
    }
    return m;
}

/* Compiles the rules idx[0:n) into one anchored alternation, each branch
 * tagged (*MARK:i); NULL on failure. Caller frees with cc_matcher_free. */
cc_matcher *cc_matcher_new(const cc_rules *r, const size_t *idx, size_t n)
{
    cc_buf b = {0};
    for (size_t k = 0; k < n; k++)
        cc_buf_printf(&b, "%s(*MARK:%zu)(?:%s)", k ? "|" : "", idx[k], r->rules.v[idx[k]].expanded);
    pcre2_code *code = compile_anchored(&b);
    cc_buf_free(&b);
    return code ? matcher_of(code) : NULL;
}

/* Frees a matcher; accepts NULL and half-built ones. */
void cc_matcher_free(cc_matcher *m)
{
    if (!m)
        return;
    pcre2_code_free(m->code);
    for (int s = 0; s < CC_SLOT_MAX; s++)
        free(m->slot_groups[s]);
    free(m);
}

/* Adds the leading letters of every entry of the lists the current claim
 * rule uses to its starter words, and forgets the lists. */
static void add_list_starters(loader *ld)
{
    for (size_t li = 0; li < ld->r->lists.n; li++) {
        const cc_list *l = &ld->r->lists.v[li];
        for (size_t i = 0; ld->list_used[li] && i < l->n; i++) {
            const char *p = ld->r->entries.v[l->entries[i]].phrase;
            for (; (*p >= 'a' && *p <= 'z'); p++)
                cc_buf_putc(&ld->literal, *p);
            flush_literal(ld);
        }
        ld->list_used[li] = false;
    }
}

/* Adds a word or boundary rule's first bytes (rx expanded) to the
 * token rules' token_first, narrowed by the start test as a claim rule's
 * are: PCRE2's start bitmap gives up on \p{L}, which would send every
 * comma and digit through the token matcher only to fail. */
static void narrow_token_first(loader *ld, cc_rule *ru, const char *rx)
{
    bool cased;
    pcre2_code *c = ld->loose_md ? cc_starts_compile(rx, RX_OPTIONS, &cased) : NULL;
    if (c)
        cc_starts_refine(c, ld->loose_md, ru->first);
    pcre2_code_free(c);
    for (size_t b = 0; b < sizeof ru->first; b++)
        ld->r->token_first[b] |= ru->first[b];
}

/* Whether a match of rule ru may begin with a digit: then what may follow
 * its first run of digits is worth working out (cc_starts_digits). */
static bool may_open_digits(const cc_rule *ru)
{
    for (int d = '0'; d <= '9'; d++)
        if ((ru->first[d / 8] >> (d % 8)) & 1)
            return true;
    return false;
}

/* Expands one rule into ru->expanded and checks it alone; a claim rule's
 * possible first words become starters. */
static void expand_rule(loader *ld, size_t i)
{
    cc_rule *ru = &ld->r->rules.v[i];
    cc_buf one = {0};
    char file[512];
    const char *colon = strrchr(ru->where, ':');
    snprintf(file, sizeof file, "%.*s", (int)(colon - ru->where), ru->where);
    ld->file = file; /* errors in expansion point at the rule's header */
    ld->line = cc_to_int(colon + 1, NULL);
    if (!ru->pattern) {
        LOAD_ERR(ld, "rule %s has no pattern", ru->name);
        ld->file = NULL;
        return;
    }
    bool *used = ld->list_used;
    if (ru->kind != CC_RULE_CLAIM)
        ld->list_used = NULL; /* words and boundaries start no claim */
    ld->rule = i;
    ld->syntax = 0;
    ld->behind = 0;
    expand(ld, &one, ru->pattern, 0);
    flush_literal(ld);
    ld->list_used = used;
    if (ru->kind == CC_RULE_CLAIM)
        add_list_starters(ld);
    memset(&ru->digits, 0xff, sizeof ru->digits);
    memset(&ru->punct, 0xff, sizeof ru->punct);
    pcre2_code *code = one.p ? check_rule(ld, ru, one.p) : NULL;
    if (code && ru->kind == CC_RULE_CLAIM && ld->loose) {
        ld->loose[i].code = cc_starts_compile(one.p, RX_OPTIONS, &ld->loose[i].cased);
        cc_starts_refine(ld->loose[i].code, ld->loose_md, ru->first);
        if (may_open_digits(ru))
            cc_starts_digits(one.p, RX_OPTIONS, ld->loose_md, &ru->digits);
        if ((ru->first[0xE2 / 8] >> (0xE2 % 8)) & 1) /* the lead byte of U+2000..U+2FFF */
            cc_starts_punct(ld->loose[i].code, ld->loose_md, &ru->punct);
        ld->loose[i].rule = code; /* the claim rule's own matcher, made later */
    } else {
        if (code)
            narrow_token_first(ld, ru, one.p);
        pcre2_code_free(code);
    }
    ru->expanded = cc_buf_take(&one);
    if (!ru->expanded)
        LOAD_ERR(ld, "out of memory");
    ld->file = NULL;
}

/* On a cache hit, takes rule i's first bytes, digit masks and code from
 * the cache: its pattern was expanded and checked when the cache was
 * written, and no matcher needs its expansion (the cache holds the token
 * matcher and the gates too). */
static void use_cached_rule(loader *ld, size_t i)
{
    cc_rule *ru = &ld->r->rules.v[i];
    memcpy(ru->first, ld->cache->first[i], sizeof ru->first);
    ru->digits = ld->cache->digits[i];
    ru->punct = ld->cache->punct[i];
    if (ld->loose)
        ld->loose[i].rule = ld->cache->codes[i];
    ld->cache->codes[i] = NULL;
}

/* Orders starters by word, then rule. */
static int cmp_starter(const void *a, const void *b)
{
    const cc_start_pair *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

/* Whether the start pairs v[0:n) are in cmp_starter order already (as
 * a cache file keeps them): a pass costs less than a sort. */
static bool in_order(const cc_start_pair *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (cmp_starter(&v[i - 1], &v[i]) > 0)
            return false;
    return true;
}

/* Index of the rule set equal to rules[0:n), added if new; CC_NONE on oom.
 * Takes ownership of rules. */
static size_t intern_set(cc_rules *r, size_t *rules, size_t n)
{
    for (size_t i = 0; i < r->sets.n; i++)
        if (r->sets.v[i].n == n && memcmp(r->sets.v[i].rules, rules, n * sizeof *rules) == 0) {
            free(rules);
            return i;
        }
    cc_rule_set set = {rules, NULL, n};
    if (!CC_VEC_PUSH(r->sets, set)) {
        free(rules);
        return CC_NONE;
    }
    return r->sets.n - 1;
}

/* Whether the starter pair's rule may really begin with its word; if so
 * fills the pair's follow masks. With a cache directory, a pair that
 * passes is noted for the cache file; the pairs read from one passed
 * already, with their masks. */
static bool may_start(loader *ld, cc_start_pair *st)
{
    const struct loose_rule *lr = ld->loose ? &ld->loose[st->rule] : NULL;
    if (ld->cache)
        return true;
    size_t n = strlen(st->word);
    bool ok = !lr || cc_starts_word(lr->code, lr->cased, ld->loose_md, st->word, n);
    if (ok)
        cc_starts_follow(lr ? lr->code : NULL, lr && lr->cased, ld->loose_md, st->word, n,
                         st->follow);
    st->has2 = ok && n <= ld->follow2_letters;
    if (st->has2)
        cc_starts_follow2(lr ? lr->code : NULL, lr && lr->cased, ld->loose_md, st->word, n,
                          &st->follow[0], &st->follow2);
    cc_start_pair p = *st;
    p.word = ok && lr && ld->cache_dir ? cc_strdup(st->word) : NULL;
    if (p.word && !CC_VEC_PUSH(ld->passed, p))
        free(p.word);
    return ok;
}

/* On a cache hit, puts the start pairs that passed in place of the
 * candidates the expansion collected. */
static void use_cached_starters(loader *ld)
{
    for (size_t i = 0; i < ld->starters.n; i++)
        free(ld->starters.v[i].word);
    ld->starters.n = 0;
    for (size_t i = 0; i < ld->cache->n_pairs; i++) {
        if (!CC_VEC_PUSH(ld->starters, ld->cache->pairs[i])) {
            LOAD_ERR(ld, "out of memory");
            return;
        }
        ld->cache->pairs[i].word = NULL; /* taken over */
    }
}

/* The set of the rules marked in member[] (one flag per rule) whose first
 * bytes allow byte b, interned; CC_NONE when out of memory. */
static size_t set_for_byte(cc_rules *r, const bool *member, unsigned char b)
{
    size_t *in = malloc((r->rules.n + 1) * sizeof *in), n = 0;
    for (size_t i = 0; in && i < r->rules.n; i++)
        if (member[i] && ((r->rules.v[i].first[b / 8] >> (b % 8)) & 1))
            in[n++] = i;
    return in ? intern_set(r, in, n) : CC_NONE;
}

/* The first of the word's start pairs pv[0:n) with rule (the last pair
 * when none has it). */
static const cc_start_pair *pair_of(const cc_start_pair *pv, size_t n, size_t rule)
{
    size_t i = 0;
    while (i + 1 < n && pv[i].rule != rule)
        i++;
    return &pv[i];
}

/* The follow masks of case ci for each rule of set (in its order), from
 * the word's start pairs pv[0:n). Caller frees; NULL when out of memory. */
static cc_follow *follow_masks(const cc_rule_set *set, const cc_start_pair *pv, size_t n, int ci)
{
    cc_follow *f = malloc((set->n + 1) * sizeof *f);
    for (size_t k = 0; f && k < set->n; k++)
        f[k] = pair_of(pv, n, set->rules[k])->follow[ci];
    return f;
}

/* The cc_follow2 masks of case ci for each rule of set (in its order),
 * from the word's start pairs pv[0:n), probed in lower case: a capital
 * (ci 1) keeps only the caseless rows. NULL when the word has none (not
 * short) or out of memory (*oom set). Caller frees. */
static cc_follow2 *follow2_masks(const cc_rule_set *set, const cc_start_pair *pv, size_t n, int ci,
                                 bool *oom)
{
    if (!set->n || !pair_of(pv, n, set->rules[0])->has2)
        return NULL;
    cc_follow2 *f = malloc((set->n + 1) * sizeof *f);
    *oom |= f == NULL;
    for (size_t k = 0; f && k < set->n; k++) {
        f[k] = pair_of(pv, n, set->rules[k])->follow2;
        for (int b = 0; ci && b < 26; b++)
            if (!((f[k].after[b] >> CC_FOLLOW2_CASELESS) & 1))
                f[k].after[b] = UINT32_MAX;
    }
    return f;
}

/* Files word (taken over) among the starters with its sets of the rules
 * marked in member[] under a lower-case and a capital first letter, and
 * their follow masks from the word's start pairs pv[0:n); false when out
 * of memory (word freed). */
static bool add_starter_word(cc_rules *r, char *word, const bool *member, const cc_start_pair *pv,
                             size_t n)
{
    unsigned char c = (unsigned char)word[0];
    cc_starter st = {
        word, strlen(word), {set_for_byte(r, member, c), CC_NONE}, {NULL, NULL}, {NULL, NULL}};
    st.set[1] = set_for_byte(r, member, (unsigned char)(c >= 'a' && c <= 'z' ? c - 32 : c));
    for (int ci = 0; ci < 2 && st.set[ci] != CC_NONE; ci++)
        st.follow[ci] = follow_masks(&r->sets.v[st.set[ci]], pv, n, ci);
    bool oom = false;
    for (int ci = 0; ci < 2 && st.follow[ci]; ci++)
        st.follow2[ci] = follow2_masks(&r->sets.v[st.set[ci]], pv, n, ci, &oom);
    if (!st.follow[0] || !st.follow[1] || oom || !CC_VEC_PUSH(r->starters, st)) {
        free(st.follow[0]);
        free(st.follow[1]);
        free(st.follow2[0]);
        free(st.follow2[1]);
        free(word);
        return false;
    }
    return true;
}

/* Builds the starter table over the starter words, at most half full so
 * a miss ends early; false when out of memory. */
static bool hash_starters(cc_rules *r)
{
    size_t size = 16;
    while (size < 2 * r->starters.n + 2)
        size *= 2;
    r->starter_tab = calloc(size, sizeof *r->starter_tab);
    r->starter_mask = size - 1;
    for (size_t k = 0; r->starter_tab && k < r->starters.n; k++) {
        const cc_starter *st = &r->starters.v[k];
        uint64_t h = cc_fnv(CC_FNV_INIT, st->word, st->len);
        size_t i = (size_t)h & r->starter_mask, bit = cc_starter_bit(h);
        while (r->starter_tab[i].starter)
            i = (i + 1) & r->starter_mask;
        r->starter_tab[i] = (cc_starter_slot){(uint32_t)(h >> 32), (uint32_t)k + 1};
        r->starter_bits[bit / 64] |= 1ull << (bit % 64);
    }
    return r->starter_tab != NULL;
}

/* Turns the (word, rule) pairs into the starter words: each word maps to
 * the set of claim rules it may begin, so a word is only tried against
 * those. Frees the pairs. */
static void build_starters(loader *ld)
{
    cc_rules *r = ld->r;
    ld->follow2_letters = (size_t)cc_rules_setting(r, "follow2_letters", 0);
    if (ld->cache)
        use_cached_starters(ld);
    cc_start_pair *v = ld->starters.v;
    size_t n = ld->starters.n;
    bool *member = calloc(r->rules.n + 1, sizeof *member);
    if (!member)
        LOAD_ERR(ld, "out of memory");
    if (!in_order(v, n)) /* a cache file keeps them in order */
        qsort(v, n, sizeof *v, cmp_starter);
    for (size_t i = 0, j; member && i < n && !ld->errors; i = j) {
        bool any = false;
        for (j = i; j < n && strcmp(v[j].word, v[i].word) == 0; j++)
            if (!member[v[j].rule] && may_start(ld, &v[j]))
                any = member[v[j].rule] = true;
        if (any && !add_starter_word(r, v[i].word, member, v + i, j - i)) /* else it starts none */
            LOAD_ERR(ld, "out of memory");
        if (any)
            v[i].word = NULL; /* taken over, or freed by add_starter_word */
        for (size_t k = i; k < j; k++)
            member[v[k].rule] = false;
    }
    if (!ld->errors && !hash_starters(r))
        LOAD_ERR(ld, "out of memory");
    for (size_t i = 0; i < n; i++)
        free(v[i].word);
    free(v);
    free(member);
    ld->starters.v = NULL;
    ld->starters.n = ld->starters.cap = 0;
}

/* Files each first byte's claim rules (in priority order) as a set, so
 * the scan meets only those at a digit, a sign or a word with digits. */
static void build_byte_sets(loader *ld)
{
    cc_rules *r = ld->r;
    bool *claim = calloc(r->rules.n + 1, sizeof *claim);
    for (size_t i = 0; claim && i < r->rules.n; i++)
        claim[i] = r->rules.v[i].kind == CC_RULE_CLAIM;
    for (int b = 0; b < 256 && !ld->errors; b++) {
        r->by_byte[b] = claim ? set_for_byte(r, claim, (unsigned char)b) : CC_NONE;
        if (r->by_byte[b] == CC_NONE)
            LOAD_ERR(ld, "out of memory");
    }
    free(claim);
}

/* Packs each set's rules as the scan tries them (cc_set_item), once the
 * matchers and gates are built. */
static void build_set_items(loader *ld)
{
    cc_rules *r = ld->r;
    for (size_t i = 0; i < r->sets.n && !ld->errors; i++) {
        cc_rule_set *set = &r->sets.v[i];
        set->items = malloc((set->n + 1) * sizeof *set->items);
        if (!set->items)
            LOAD_ERR(ld, "out of memory");
        for (size_t k = 0; set->items && k < set->n; k++) {
            const cc_rule *ru = &r->rules.v[set->rules[k]];
            set->items[k] =
                (cc_set_item){ru->m->code, ru->gate, set->rules[k], &ru->digits, &ru->punct};
        }
    }
}

/* Captures a matcher needs room for. */
static uint32_t capture_count(const cc_matcher *m)
{
    uint32_t n = 0;
    if (m)
        pcre2_pattern_info(m->code, PCRE2_INFO_CAPTURECOUNT, &n);
    return n;
}

/* Raises max_captures to what matcher m (NULL: none) needs: the scan's
 * one match data serves every matcher. */
static void note_captures(cc_rules *r, const cc_matcher *m)
{
    if (capture_count(m) > r->max_captures)
        r->max_captures = capture_count(m);
}

/* The token matcher of the rules tokens[0:n): from the cache's code on a
 * hit, else compiled; NULL on failure. Caller frees. */
static cc_matcher *token_matcher(loader *ld, const size_t *tokens, size_t n)
{
    pcre2_code *code = ld->cache ? ld->cache->tokens : NULL;
    if (!code)
        return cc_matcher_new(ld->r, tokens, n);
    ld->cache->tokens = NULL; /* taken over */
    return matcher_of(code);
}

/* Compiles one matcher per claim rule and the token matcher (the word and
 * boundary rules together). */
static void build_matchers(loader *ld)
{
    cc_rules *r = ld->r;
    size_t *tokens = malloc((r->rules.n + 1) * sizeof *tokens), nt = 0;
    bool ok = tokens != NULL;
    for (size_t i = 0; ok && i < r->rules.n; i++) {
        cc_rule *ru = &r->rules.v[i];
        if (ru->kind != CC_RULE_CLAIM) {
            tokens[nt++] = i;
            continue;
        }
        ru->m = matcher_of(ld->loose[i].rule);
        ld->loose[i].rule = NULL;
        ok = ru->m != NULL;
        note_captures(r, ru->m);
    }
    if (ok)
        build_byte_sets(ld);
    r->tokens = ok ? token_matcher(ld, tokens, nt) : NULL;
    note_captures(r, r->tokens);
    if (!r->tokens) {
        cc_diagf(ld->diag, ld->ud, "claims: cannot compile the rules");
        ld->errors++;
    }
    free(tokens);
}

/* Frees the rules' load-time code once the matchers are built. */
static void free_loose(loader *ld)
{
    for (size_t i = 0; ld->loose && i < ld->r->rules.n; i++) {
        pcre2_code_free(ld->loose[i].code);
        pcre2_code_free(ld->loose[i].rule);
    }
    free(ld->loose);
    ld->loose = NULL;
    pcre2_match_data_free(ld->loose_md);
    ld->loose_md = NULL;
}

/* The code of gate pattern pd, about to be the next gate: the cache's on
 * a hit, else expanded and compiled. NULL on failure; caller frees. */
static pcre2_code *gate_code(loader *ld, const struct pattern_def *pd)
{
    size_t g = ld->r->gates.n;
    if (ld->cache && g < ld->cache->n_gates && ld->cache->gates[g]) {
        pcre2_code *code = ld->cache->gates[g];
        ld->cache->gates[g] = NULL; /* taken over */
        return code;
    }
    cc_buf b = {0};
    bool *used = ld->list_used;
    ld->list_used = NULL; /* a gate's words start no rule */
    expand(ld, &b, pd->regex ? pd->regex : "", 0);
    ld->list_used = used;
    pcre2_code *code = compile_anchored(&b);
    cc_buf_free(&b);
    return code;
}

/* The gate named name, compiled and added on first use; CC_NONE (with
 * an error at the rule's file:line) when no pattern has that name. */
static size_t gate_of(loader *ld, const cc_rule *ru, const char *name)
{
    cc_rules *r = ld->r;
    for (size_t g = 0; g < r->gates.n; g++)
        if (strcmp(r->gates.v[g].name, name) == 0)
            return g;
    const struct pattern_def *pd = find_pattern(ld, name, strlen(name));
    if (!pd) {
        cc_diagf(ld->diag, ld->ud, "%s: rule %s: gate '%s' is no [pattern]", ru->where, ru->name,
                 name);
        ld->errors++;
        return CC_NONE;
    }
    pcre2_code *code = gate_code(ld, pd);
    cc_gate gt = {cc_strdup(name), code ? matcher_of(code) : NULL};
    if (!gt.name || !gt.m || !CC_VEC_PUSH(r->gates, gt)) {
        free(gt.name);
        cc_matcher_free(gt.m);
        cc_diagf(ld->diag, ld->ud, "%s: rule %s: cannot compile gate '%s'", ru->where, ru->name,
                 name);
        ld->errors++;
        return CC_NONE;
    }
    return r->gates.n - 1;
}

/* Compiles the gates the claim rules name. */
static void build_gates(loader *ld)
{
    for (size_t i = 0; i < ld->r->rules.n; i++) {
        cc_rule *ru = &ld->r->rules.v[i];
        if (ru->gate_name)
            ru->gate = gate_of(ld, ru, ru->gate_name);
        if (ru->gate != CC_NONE)
            note_captures(ld->r, ld->r->gates.v[ru->gate].m);
    }
}

/* Reads the analysis of these rule files back from the cache directory,
 * if there is one and it holds them (ld->cache; NULL on a miss), and
 * notes the key for writing it on a miss. */
static void read_cache(loader *ld)
{
    if (!ld->cache_dir)
        return;
    ld->key = cc_rcache_key(ld->text_key, RX_OPTIONS);
    ld->cache = cc_rcache_read(ld->cache_dir, ld->key, ld->r);
    if (ld->cache)
        memcpy(ld->r->token_first, ld->cache->token_first, sizeof ld->r->token_first);
}

/* Expands every rule in priority order (a rule's index is its place in
 * that order, and its (*MARK)), collects the starter words and compiles
 * the claim and token matchers. */
static void build_rules(loader *ld)
{
    cc_rules *r = ld->r;
    for (size_t i = 0; i < r->rules.n; i++)
        r->rules.v[i].priority = r->rules.v[i].priority * 100000 + (int)i;
    qsort(r->rules.v, r->rules.n, sizeof *r->rules.v, cmp_rule);
    ld->list_used = calloc(r->lists.n + 1, sizeof *ld->list_used);
    ld->loose = calloc(r->rules.n + 1, sizeof *ld->loose);
    ld->loose_md = pcre2_match_data_create(64, NULL);
    if (!ld->loose || !ld->loose_md)
        LOAD_ERR(ld, "out of memory");
    for (size_t i = 0; i < r->rules.n; i++)
        r->rules.v[i].priority /= 100000;
    read_cache(ld);
    for (size_t i = 0; ld->list_used && i < r->rules.n; i++) {
        if (ld->cache)
            use_cached_rule(ld, i);
        else
            expand_rule(ld, i);
    }
    free(ld->list_used);
    ld->list_used = NULL;
    if (!ld->errors)
        build_starters(ld);
    if (!ld->errors)
        build_matchers(ld);
    if (!ld->errors)
        build_gates(ld);
    if (!ld->errors)
        build_set_items(ld);
    if (!ld->errors && ld->cache_dir && !ld->cache)
        cc_rcache_write(ld->cache_dir, ld->key, r, ld->passed.v, ld->passed.n);
    free_loose(ld);
}

/* Indexes every entry under the hash of its first word. */
static bool build_index(cc_rules *r)
{
    r->index_size = r->entries.n * 2 + 1;
    r->index = calloc(r->index_size, sizeof *r->index);
    if (!r->index)
        return false;
    for (size_t i = 0; i < r->entries.n; i++) {
        const char *p = r->entries.v[i].phrase;
        size_t first = strcspn(p, " ");
        cc_phrase_bucket *bk = &r->index[cc_bucket_at(r, cc_fnv(CC_FNV_INIT, p, first))];
        if (!cc_vec_grow((void **)&bk->entries, &bk->cap, bk->n, sizeof *bk->entries))
            return false;
        bk->entries[bk->n++] = i;
    }
    return true;
}

/* Checks cross-references that only make sense after all files are read. */
static void validate(loader *ld)
{
    for (size_t i = 0; i < ld->r->kinds.n; i++) {
        const cc_kind *k = &ld->r->kinds.v[i];
        if (k->classes == 0) {
            cc_diagf(ld->diag, ld->ud, "%s: kind %s: 'classes' is required", k->where, k->name);
            ld->errors++;
        }
    }
    for (size_t i = 0; i < ld->r->rules.n; i++) {
        cc_rule *ru = &ld->r->rules.v[i];
        ru->forced_kind = ru->kind_name ? cc_rules_kind(ld->r, ru->kind_name) : CC_NONE;
        if (ru->kind_name && ru->forced_kind == CC_NONE) {
            cc_diagf(ld->diag, ld->ud, "%s: rule %s: unknown kind '%s'", ru->where, ru->name,
                     ru->kind_name);
            ld->errors++;
        }
    }
    if (ld->r->rules.n == 0) {
        cc_diagf(ld->diag, ld->ud, "claims: no [rule] sections found");
        ld->errors++;
    }
}

/* Kinds that set no window take the trigger_window setting (which needs
 * the phrase index, so this runs last). */
static void default_windows(cc_rules *r)
{
    int w = (int)cc_rules_setting(r, "trigger_window", 10);
    for (size_t i = 0; i < r->kinds.n; i++)
        if (r->kinds.v[i].window <= 0)
            r->kinds.v[i].window = w;
}

/* Frees the loader's pattern definitions. */
static void loader_clear(loader *ld)
{
    cc_buf_free(&ld->literal);
    for (size_t i = 0; i < ld->starters.n; i++)
        free(ld->starters.v[i].word);
    free(ld->starters.v);
    for (size_t i = 0; i < ld->patterns.n; i++) {
        free(ld->patterns.v[i].name);
        free(ld->patterns.v[i].regex);
        free(ld->patterns.v[i].where);
    }
    free(ld->patterns.v);
    for (size_t i = 0; i < ld->list_rx_n; i++)
        free(ld->list_rx[i]);
    free(ld->list_rx);
    for (size_t i = 0; i < ld->passed.n; i++)
        free(ld->passed.v[i].word);
    free(ld->passed.v);
    cc_rcache_free(ld->cache);
}

/* Loads all *.rules files in dir; NULL with diagnostics on error. */
cc_rules *cc_rules_load(const char *dir, cc_diag_fn diag, void *ud)
{
    return cc_rules_load_cached(dir, NULL, diag, ud);
}

/* cc_rules_load keeping its analysis in cache_dir (see claimcheck.h and
 * rulecache.c). */
cc_rules *cc_rules_load_cached(const char *dir, const char *cache_dir, cc_diag_fn diag, void *ud)
{
    loader ld = {0};
    cc_strv files = {0};
    ld.diag = diag;
    ld.ud = ud;
    ld.text_key = CC_FNV_INIT;
    ld.cache_dir = cache_dir && *cache_dir ? cache_dir : NULL;
    ld.r = calloc(1, sizeof *ld.r);
    cc_error lerr = ld.r ? cc_dir_names(dir, is_rules_name, &files) : CC_OK;
    int n = lerr == CC_OK ? (int)files.n : -1;
    if (!ld.r)
        return NULL;
    if (n < 0)
        cc_diagf(diag, ud, "%s: cannot read rules directory", dir);
    for (int i = 0; i < n; i++)
        load_named(&ld, dir, files.v[i]);
    if (n >= 0 && ld.errors == 0)
        validate(&ld);
    if (n >= 0 && ld.errors == 0 && !build_index(ld.r)) /* settings are read through it */
        ld.errors++;
    if (n >= 0 && ld.errors == 0)
        build_rules(&ld);
    if (n >= 0 && ld.errors == 0)
        default_windows(ld.r);
    cc_strv_free(&files);
    loader_clear(&ld);
    if (n < 0 || ld.errors) {
        cc_rules_free(ld.r);
        return NULL;
    }
    return ld.r;
}

/* Frees rules; accepts NULL and partly loaded rules. */
void cc_rules_free(cc_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->entries.n; i++) {
        free(r->entries.v[i].phrase); /* and its value */
    }
    for (size_t i = 0; i < r->lists.n; i++) {
        free(r->lists.v[i].name);
        free(r->lists.v[i].entries);
    }
    for (size_t i = 0; i < r->rules.n; i++) {
        free(r->rules.v[i].name);
        free(r->rules.v[i].pattern);
        free(r->rules.v[i].where);
        free(r->rules.v[i].kind_name);
        free(r->rules.v[i].gate_name);
        free(r->rules.v[i].expanded);
        cc_matcher_free(r->rules.v[i].m);
    }
    for (size_t i = 0; i < r->starters.n; i++) {
        free(r->starters.v[i].word);
        free(r->starters.v[i].follow[0]);
        free(r->starters.v[i].follow[1]);
        free(r->starters.v[i].follow2[0]);
        free(r->starters.v[i].follow2[1]);
    }
    free(r->starters.v);
    free(r->starter_tab);
    for (size_t i = 0; i < r->gates.n; i++) {
        free(r->gates.v[i].name);
        cc_matcher_free(r->gates.v[i].m);
    }
    free(r->gates.v);
    for (size_t i = 0; i < r->sets.n; i++) {
        free(r->sets.v[i].rules);
        free(r->sets.v[i].items);
    }
    free(r->sets.v);
    for (size_t i = 0; i < r->quals.n; i++) {
        free(r->quals.v[i].name);
        free(r->quals.v[i].where);
    }
    for (size_t i = 0; i < r->kinds.n; i++) {
        free(r->kinds.v[i].name);
        free(r->kinds.v[i].label);
        free(r->kinds.v[i].where);
        free(r->kinds.v[i].default_subject);
    }
    for (size_t i = 0; r->index && i < r->index_size; i++)
        free(r->index[i].entries);
    free(r->index);
    cc_matcher_free(r->tokens);
    free(r->entries.v);
    free(r->lists.v);
    free(r->rules.v);
    free(r->quals.v);
    free(r->kinds.v);
    free(r);
}

/* Lists kinds, rules and lists for `claimcheck rules check`. */
void cc_rules_describe(const cc_rules *r, FILE *out)
{
    fprintf(out, "%zu kinds, %zu rules, %zu lists, %zu qualifiers, %zu words\n", r->kinds.n,
            r->rules.n, r->lists.n, r->quals.n, r->entries.n);
    for (size_t i = 0; i < r->kinds.n; i++) {
        const cc_kind *k = &r->kinds.v[i];
        fprintf(out, "kind %-14s %-26s%s%s  (%s)\n", k->name, k->label,
                k->generic ? " generic" : "", k->running ? " running-total" : "", k->where);
    }
    for (size_t i = 0; i < r->rules.n; i++)
        fprintf(out, "rule %-22s %-9s priority %d  (%s)\n", r->rules.v[i].name,
                r->rules.v[i].kind == CC_RULE_WORD       ? "word"
                : r->rules.v[i].kind == CC_RULE_BOUNDARY ? "boundary"
                                                         : cc_class_name(r->rules.v[i].cls),
                r->rules.v[i].priority, r->rules.v[i].where);
}
