/* test_rules.c: the rule loader reports every kind of mistake as
 * file:line and refuses to load; the shipped claims/ load cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#include "rules.h"
#include "util.h"

static int passed, failed;

/* Collects diagnostics into a buffer. */
static void collect(void *ud, const char *msg)
{
    cc_buf_printf(ud, "%s\n", msg);
}

/* Writes text as the file path. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* A minimal valid rule file body (one word rule). */
static const char base[] = "[rule word]\nclass = word\npattern = \\p{L}+\n";

/* Loads base + text from a temporary directory, with the rules cache in
 * cache (NULL: none); diagnostics go to diags. Caller frees the rules. */
static cc_rules *load_text_cached(const char *text, cc_buf *diags, const char *cache)
{
    char dir[] = "/tmp/cc_rules_XXXXXX";
    if (!mkdtemp(dir))
        return NULL;
    char *all = cc_strfmt("%s%s", base, text);
    char *path = cc_strfmt("%s/x.rules", dir);
    write_file(path, all);
    cc_rules *r = cc_rules_load_cached(dir, cache, collect, diags);
    free(all);
    unlink(path);
    free(path);
    rmdir(dir);
    return r;
}

/* load_text_cached without a cache. */
static cc_rules *load_text(const char *text, cc_buf *diags)
{
    return load_text_cached(text, diags, NULL);
}

/* Records one check. */
static void check(bool ok, const char *what, const char *detail)
{
    printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok && detail)
        printf("  got: %s\n", detail);
    ok ? passed++ : failed++;
}

/* Loading base + bad must fail with a diagnostic containing want. */
static void expect_error(const char *bad, const char *want)
{
    cc_buf diags = {0};
    cc_rules *r = load_text(bad, &diags);
    check(!r && diags.p && strstr(diags.p, want), want,
          diags.p ? diags.p : "(no diagnostic, rules loaded)");
    cc_rules_free(r);
    cc_buf_free(&diags);
}

/* Whether rule `name` is in set (NULL: none). */
static bool in_set(const cc_rules *r, const cc_rule_set *set, const char *name)
{
    for (size_t k = 0; set && k < set->n; k++)
        if (strcmp(r->rules.v[set->rules[k]].name, name) == 0)
            return true;
    return false;
}

/* Whether word is a starter of rule `name` (whose set it names). */
static bool starts(const cc_rules *r, const char *word, const char *name)
{
    size_t n = strlen(word);
    const cc_follow *f;
    const cc_follow2 *f2;
    return in_set(r, cc_rules_starter(r, cc_fnv(CC_FNV_INIT, word, n), word, n, false, &f, &f2),
                  name);
}

/* Whether byte b may follow the starter word (written with a capital
 * when capital) and one space in a match of rule `name`. */
static bool follows(const cc_rules *r, const char *word, bool capital, const char *name, int b)
{
    size_t n = strlen(word);
    const cc_follow *f = NULL;
    const cc_follow2 *f2 = NULL;
    const cc_rule_set *set =
        cc_rules_starter(r, cc_fnv(CC_FNV_INIT, word, n), word, n, capital, &f, &f2);
    for (size_t k = 0; set && f && k < set->n; k++)
        if (strcmp(r->rules.v[set->rules[k]].name, name) == 0)
            return (f[k].bits[b / 64] >> (b % 64)) & 1;
    return false;
}

/* Whether rule `name` is in the set for first byte b. */
static bool starts_byte(const cc_rules *r, unsigned char b, const char *name)
{
    return in_set(r, &r->sets.v[r->by_byte[b]], name);
}

/* The rule called name; NULL if none. */
static const cc_rule *rule_named(const cc_rules *r, const char *name)
{
    for (size_t i = 0; i < r->rules.n; i++)
        if (strcmp(r->rules.v[i].name, name) == 0)
            return &r->rules.v[i];
    return NULL;
}

/* Whether byte b may follow a first run of len digits (and the separator
 * sep, one of CC_DIGIT_SEPS, unless 0) in a match of the rule called name
 * (its digit masks). */
static bool after_digits_sep(const cc_rules *r, const char *name, size_t len, char sep, int b)
{
    const cc_rule *ru = rule_named(r, name);
    size_t s = sep ? (size_t)(strchr(CC_DIGIT_SEPS, sep) - CC_DIGIT_SEPS) : 0;
    const cc_follow *f = ru ? &(sep ? ru->digits.after_sep[s] : ru->digits.after)[len - 1] : NULL;
    return f && (f->bits[b / 64] >> (b % 64)) & 1;
}

/* Whether the lower-case letters b1 b2 may follow a first run of len
 * digits and sep (a space or a dash) in a match of rule `name`. */
static bool after_digits2(const cc_rules *r, const char *name, size_t len, char sep, char b1,
                          char b2)
{
    const cc_rule *ru = rule_named(r, name);
    size_t s = (size_t)(strchr(CC_DIGIT_SEPS, sep) - CC_DIGIT_SEPS);
    return ru && s < CC_N_DIGIT_SEPS2 &&
           ((ru->digits.sep2[s][len - 1].after[b1 - 'a'] >> (b2 - 'a')) & 1);
}

/* The same after the run and one space (space), or right after it. */
static bool after_digits_in(const cc_rules *r, const char *name, size_t len, bool space, int b)
{
    return after_digits_sep(r, name, len, space ? ' ' : 0, b);
}

/* The same right after the run. */
static bool after_digits(const cc_rules *r, const char *name, size_t len, int b)
{
    return after_digits_in(r, name, len, false, b);
}

/* Digit masks: what may follow a run of digits, worked out on a copy of
 * the rule in which all digits are alike; a rule whose digits cannot be
 * made alike (a negated class or an escape naming a digit) lets every
 * byte through. */
static void test_digit_masks(void)
{
    cc_buf diags = {0};
    cc_rules *r = load_text("[rule slash]\nclass = date\npattern = \\d{1,2}/\\d{1,2}\n"
                            "[rule year]\nclass = date\npattern = (?:1[89]|20)\\d\\d(?=\\s)s?\n"
                            "[rule neg]\nclass = count\npattern = [^5]\\d+x\n"
                            "[rule hex]\nclass = count\npattern = \\x{35}\\d+x\n"
                            "[rule range]\nclass = count\npattern = [5-9]x\n"
                            "[rule dm]\nclass = date\npattern = \\d\\d?\\s+(?:may|june)\\b\n"
                            "[rule age]\nclass = count\npattern = \\d+-year-old\n"
                            "[rule vf]\nclass = count\npattern = \\d{1,3}[\\x{00BC}-\\x{00BE}]\n",
                            &diags);
    check(r && after_digits(r, "slash", 2, '/') && !after_digits(r, "slash", 2, ' ') &&
              !after_digits(r, "slash", 3, '/'),
          "digit masks: a date takes a slash after one or two digits", diags.p);
    check(r && after_digits(r, "year", 4, ' ') && !after_digits(r, "year", 4, '/') &&
              !after_digits(r, "year", 2, ' ') && !after_digits(r, "year", 3, 's'),
          "digit masks: a year is four digits before a blank (its look-ahead counts)", diags.p);
    check(r && after_digits(r, "neg", 2, ' ') && after_digits(r, "hex", 2, ' '),
          "digit masks: digits that cannot be made alike let every byte through", diags.p);
    check(r && after_digits(r, "range", 1, 'x') && !after_digits(r, "range", 1, ' '),
          "digit masks: a class over some digits takes them all ('7x' as '1x')", diags.p);
    check(r && after_digits(r, "dm", 2, ' ') && after_digits_in(r, "dm", 2, true, 'M') &&
              after_digits_in(r, "dm", 1, true, 'j') && !after_digits_in(r, "dm", 2, true, 'x') &&
              !after_digits_in(r, "dm", 3, true, 'm'),
          "digit masks: after the run and a space, the next word's first letter", diags.p);
    check(r && after_digits(r, "age", 2, '-') && after_digits_sep(r, "age", 2, '-', 'y') &&
              !after_digits_sep(r, "age", 2, '-', 'i') && !after_digits_sep(r, "age", 2, '-', '5'),
          "digit masks: after the run and a dash, the byte that comes next", diags.p);
    check(r && after_digits2(r, "age", 2, '-', 'y', 'e') &&
              !after_digits2(r, "age", 2, '-', 'y', 'a') &&
              after_digits2(r, "dm", 2, ' ', 'm', 'a') &&
              !after_digits2(r, "dm", 2, ' ', 'm', 'o') && after_digits2(r, "dm", 1, ' ', 'j', 'u'),
          "digit masks: two letters after the run and a space or a dash", diags.p);
    check(r && after_digits(r, "vf", 2, '1') && !after_digits(r, "vf", 2, 'x'),
          "digit masks: a range between hex escapes leaves the digits out", diags.p);
    cc_rules_free(r);
    cc_buf_free(&diags);
}

/* Whether rule `name` may open with the character cp of U+2000..U+20FF
 * and then the ASCII byte b (its punctuation masks). */
static bool opens_punct(const cc_rules *r, const char *name, unsigned cp, int b)
{
    const cc_rule *ru = rule_named(r, name);
    unsigned k = cp - CC_PUNCT_FIRST;
    return ru && ((ru->punct.live[k / 64] >> (k % 64)) & 1) &&
           ((ru->punct.after.bits[b / 64] >> (b % 64)) & 1);
}

/* Punctuation masks: which quotes, dashes and currency signs a rule may
 * open with, and what may come after them. */
static void test_punct_masks(void)
{
    cc_buf diags = {0};
    cc_rules *r = load_text("[rule cur]\nclass = count\npattern = (?:\u20ac|\\$)\\d+\n"
                            "[rule dec]\nclass = date\npattern = [\u2019']\\d0s\n",
                            &diags);
    check(r && opens_punct(r, "cur", 0x20AC, '5') && !opens_punct(r, "cur", 0x20AC, ' ') &&
              !opens_punct(r, "cur", 0x2019, '5') && opens_punct(r, "dec", 0x2019, '9') &&
              !opens_punct(r, "dec", 0x2019, 's') && !opens_punct(r, "dec", 0x201C, '9'),
          "punctuation masks: a euro sign opens a currency, a curly quote a decade", diags.p);
    cc_rules_free(r);
    cc_buf_free(&diags);
}

/* Starter words are the words a rule can begin with (starts.c), checked
 * on the loosened rule: look-behinds and case groups do not hide them;
 * words further in ("of") are no starters. Gates compile once. */
static void test_starts(void)
{
    cc_buf diags = {0};
    cc_rules *r = load_text("[pattern lead]\nregex = \\d\n"
                            "[rule a]\nclass = count\ngate = lead\n"
                            "pattern = (?:about\\s+)?\\d+\\s+of\\s+them\n"
                            "[rule b]\nclass = date\npattern = (?<=\\bin\\s)march\\b\n"
                            "[rule c]\nclass = count\ngate = lead\n"
                            "pattern = (?=\\p{Lu})(?:first|second)\\s+street\n"
                            "[rule d]\nclass = count\npattern = near(?:est)?\\b\n"
                            "[rule e]\nclass = count\npattern = far-off\n",
                            &diags);
    check(r && starts(r, "about", "a") && !starts(r, "of", "a") && !starts(r, "them", "a"),
          "starters: a word inside a rule is no starter", diags.p);
    check(r && starts(r, "march", "b") && starts(r, "first", "c") && starts(r, "second", "c"),
          "starters: look-behinds and capitals do not hide a first word", diags.p);
    check(r && starts_byte(r, '7', "a") && !starts_byte(r, ',', "a") && !starts_byte(r, '7', "b"),
          "first bytes: a digit may start rule a, a comma none", diags.p);
    check(r && r->gates.n == 1 && rule_named(r, "a")->gate == 0 && rule_named(r, "c")->gate == 0 &&
              rule_named(r, "b")->gate == CC_NONE,
          "gates: two rules share one compiled gate", diags.p);
    check(r && follows(r, "about", false, "a", '7') && !follows(r, "about", false, "a", 't') &&
              follows(r, "first", true, "c", 's') && follows(r, "first", true, "c", 'S') &&
              !follows(r, "first", true, "c", 'x') && follows(r, "first", true, "c", '-'),
          "follow masks: letters and digits a match can go on with; other bytes let through",
          diags.p);
    check(r && starts(r, "first", "c") && !follows(r, "first", false, "c", 's') &&
              !follows(r, "first", false, "c", '-'),
          "follow masks: a kept look-ahead ((?=\\p{Lu})) rules out the lower-case word", diags.p);
    check(r && follows(r, "near", false, "d", 'x') && follows(r, "near", true, "d", '.') &&
              starts(r, "far", "e") && !follows(r, "far", false, "e", 'o'),
          "follow masks: any byte after a complete match; none after a word no match passes",
          diags.p);
    cc_rules_free(r);
    cc_buf_free(&diags);
}

/* The cc_follow2 answer for the lower-case letters b1 b2 after the
 * starter word (capitalised when capital) and one space in rule `name`: 1
 * or 0, or -1 when the word has no such masks. With upper, the answer for
 * the capitals B1 and b2: 1 unless the row holds for capitals. */
static int follows2_case(const cc_rules *r, const char *word, bool capital, const char *name,
                         char b1, char b2, bool upper)
{
    size_t n = strlen(word);
    const cc_follow *f = NULL;
    const cc_follow2 *f2 = NULL;
    const cc_rule_set *set =
        cc_rules_starter(r, cc_fnv(CC_FNV_INIT, word, n), word, n, capital, &f, &f2);
    for (size_t k = 0; set && f2 && k < set->n; k++)
        if (strcmp(r->rules.v[set->rules[k]].name, name) == 0) {
            uint32_t row = f2[k].after[b1 - 'a'];
            bool caseless = (row >> CC_FOLLOW2_CASELESS) & 1;
            return (upper && !caseless) || ((row >> (b2 - 'a')) & 1);
        }
    return -1;
}

/* The same in lower case. */
static int follows2(const cc_rules *r, const char *word, const char *name, char b1, char b2)
{
    return follows2_case(r, word, false, name, b1, b2, false);
}

/* Two-letter follow masks (cc_follow2) come with the starter words of at
 * most follow2_letters letters, and only with them. */
static void test_follow2(void)
{
    cc_buf diags = {0};
    cc_rules *r = load_text("[list settings]\nfollow2_letters = 3\n"
                            "[rule f]\nclass = date\n"
                            "pattern = (?:a|an|some)\\s+(?:month|week|quarter)s?\\s+ago\n"
                            "[rule h]\nclass = date\n"
                            "pattern = (?:a|an)\\s+m(?=\\p{Ll})ay\\b\n",
                            &diags);
    check(r && follows2(r, "a", "f", 'm', 'o') == 1 && follows2(r, "a", "f", 'm', 'a') == 0 &&
              follows2(r, "an", "f", 'w', 'e') == 1 && follows2(r, "a", "f", 'q', 'x') == 0 &&
              follows2(r, "a", "f", 'q', 'u') == 1,
          "follow2 masks: the second letter of the next word is known", diags.p);
    check(r && starts(r, "some", "f") && follows2(r, "some", "f", 'm', 'o') == -1,
          "follow2 masks: none for a word longer than follow2_letters", diags.p);
    check(r && follows2_case(r, "a", true, "f", 'm', 'o', true) == 1 &&
              follows2_case(r, "a", true, "f", 'm', 'a', true) == 0 &&
              follows2(r, "a", "h", 'm', 'e') == 0 &&
              follows2_case(r, "a", false, "h", 'm', 'e', true) == 1,
          "follow2 masks: capitals take the rows of caseless rules only", diags.p);
    cc_rules_free(r);
    cc_buf_free(&diags);
}

/* Entry point: test_rules CLAIMS_DIR. */
/* Whether sets ia of a and ib of b hold the same rules. */
static bool same_set(const cc_rules *a, size_t ia, const cc_rules *b, size_t ib)
{
    const cc_rule_set *x = &a->sets.v[ia], *y = &b->sets.v[ib];
    return x->n == y->n && memcmp(x->rules, y->rules, x->n * sizeof *x->rules) == 0;
}

/* Whether two loads agree on what the cache keeps: every rule's first
 * bytes, the token rules' first bytes and each starter word's rule sets. */
static bool same_analysis(const cc_rules *a, const cc_rules *b)
{
    bool ok = a && b && a->rules.n == b->rules.n && a->starters.n == b->starters.n &&
              memcmp(a->token_first, b->token_first, sizeof a->token_first) == 0;
    for (size_t i = 0; ok && i < a->rules.n; i++)
        ok = memcmp(a->rules.v[i].first, b->rules.v[i].first, sizeof a->rules.v[i].first) == 0;
    for (size_t i = 0; ok && i < a->starters.n; i++) {
        const cc_starter *x = &a->starters.v[i], *y = &b->starters.v[i];
        ok = strcmp(x->word, y->word) == 0 && same_set(a, x->set[0], b, y->set[0]) &&
             same_set(a, x->set[1], b, y->set[1]);
    }
    return ok;
}

/* The one cache file in dir (caller frees), or NULL when there is not
 * exactly one; *count says how many there are. */
static char *cache_file(const char *dir, size_t *count)
{
    cc_strv names = {0};
    char *path = NULL;
    if (cc_dir_names(dir, NULL, &names) == CC_OK && names.n == 1)
        path = cc_strfmt("%s/%s", dir, names.v[0]);
    *count = names.n;
    cc_strv_free(&names);
    return path;
}

/* Rewrites the cache file at path with byte at (from the payload's start)
 * XOR-ed with bit; with fix, the checksum is made to match again. */
static void poke_cache(const char *path, size_t at, unsigned char bit, bool fix)
{
    char *p = NULL;
    size_t len = 0, head = 8 + 3 * sizeof(uint64_t);
    if (cc_read_file(path, &p, &len) != CC_OK || len < head + at + 8) {
        free(p);
        return;
    }
    p[head + at] = (char)(p[head + at] ^ bit);
    uint64_t sum = cc_fnv(CC_FNV_INIT, p + head, len - head - 8);
    if (fix)
        memcpy(p + len - 8, &sum, sizeof sum);
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, len, f);
    fclose(f);
    free(p);
}

/* Loads dir with the cache in cache; diagnostics are dropped. */
static cc_rules *load_with(const char *dir, const char *cache)
{
    cc_buf diags = {0};
    cc_rules *r = cc_rules_load_cached(dir, cache, collect, &diags);
    cc_buf_free(&diags);
    return r;
}

/* Removes the folder dir and the files in it. */
static void remove_dir(const char *dir)
{
    cc_strv names = {0};
    cc_dir_names(dir, NULL, &names);
    for (size_t i = 0; i < names.n; i++) {
        char *f = cc_strfmt("%s/%s", dir, names.v[i]);
        unlink(f);
        free(f);
    }
    cc_strv_free(&names);
    rmdir(dir);
}

/* A miss in a cache folder full of old files keeps CC_RCACHE_KEEP of them,
 * its own among them. */
static void test_cache_prune(const char *dir)
{
    char cache[] = "/tmp/cc_prune_XXXXXX";
    if (!mkdtemp(cache))
        return;
    for (int i = 0; i < CC_RCACHE_KEEP + 2; i++) {
        char *f = cc_strfmt("%s/rules-%016d.bin", cache, i);
        write_file(f, "old");
        struct utimbuf t = {1000000 + i, 1000000 + i};
        utime(f, &t);
        free(f);
    }
    cc_rules *r = load_with(dir, cache), *hit = load_with(dir, cache);
    cc_strv names = {0};
    cc_dir_names(cache, NULL, &names);
    bool oldest_gone = names.n && strcmp(names.v[0], "rules-0000000000000000.bin") != 0;
    check(r && hit && names.n == CC_RCACHE_KEEP && oldest_gone,
          "rules cache: a write keeps the newest files only", NULL);
    cc_strv_free(&names);
    remove_dir(cache);
    cc_rules_free(r);
    cc_rules_free(hit);
}

/* The rules cache: a miss writes one file, a hit reads it back to the
 * same analysis, a valid file is trusted, a damaged or truncated one is
 * ignored, and other rule files get their own file. */
static void test_cache(const char *dir)
{
    char cache[] = "/tmp/cc_cache_XXXXXX";
    if (!mkdtemp(cache))
        return;
    cc_rules *plain = load_with(dir, NULL), *miss = load_with(dir, cache);
    size_t files = 0;
    char *path = cache_file(cache, &files);
    cc_rules *hit = load_with(dir, cache);
    check(path && plain && same_analysis(plain, miss) && same_analysis(plain, hit),
          "rules cache: a miss writes one file, a hit loads the same analysis", path);
    poke_cache(path, '~' / 8, 0x40, true); /* rule 0 may now start with '~' */
    cc_rules *trusted = load_with(dir, cache);
    check(trusted && !same_analysis(plain, trusted) && (trusted->rules.v[0].first[15] & 0x40),
          "rules cache: a valid file is what the loader uses", NULL);
    poke_cache(path, '~' / 8, 0x40, false); /* back, but the checksum no longer fits */
    cc_rules *damaged = load_with(dir, cache);
    check(same_analysis(plain, damaged), "rules cache: a damaged file is ignored", NULL);
    if (path)
        truncate(path, 100);
    cc_rules *cut = load_with(dir, cache), *hit2 = load_with(dir, cache);
    check(same_analysis(plain, cut) && same_analysis(plain, hit2),
          "rules cache: a truncated file is ignored and written again", NULL);
    cc_buf diags = {0};
    cc_rules *other = load_text_cached("", &diags, cache);
    free(cache_file(cache, &files));
    check(other && files == 2, "rules cache: other rule files get a file of their own", NULL);
    cc_buf_free(&diags);
    enum { LOADS = 8 };
    cc_rules *r[LOADS] = {plain, miss, hit, trusted, damaged, cut, hit2, other};
    for (size_t i = 0; i < LOADS; i++)
        cc_rules_free(r[i]);
    remove_dir(cache);
    free(path);
}

int main(int argc, char **argv)
{
    expect_error("[frob x]\n", "x.rules:4: unknown section type 'frob'");
    expect_error("[list\n", "x.rules:4: malformed section header");
    expect_error("[rule r]\nclass = count\npattern = (?<bogus>\\d+)\n",
                 "rule r: unknown slot (?<bogus>)");
    expect_error("[rule r]\nclass = count\npattern = (\\d+\n", "x.rules:4: rule r: pattern error");
    expect_error("[rule r]\nclass = count\npattern = {nolist}\\d\n",
                 "x.rules:4: unknown list or pattern {nolist}");
    expect_error("[rule r]\nclass = shape\npattern = x\n", "x.rules:5: unknown class 'shape'");
    expect_error("[kind k]\nlabel = K\n", "kind k: 'classes' is required");
    expect_error("[qualifier q]\nlo = lots\n", "x.rules:5: qualifier bound must be a number");
    expect_error("[kind k]\nclasses = count\ntriggers = @missing\n",
                 "x.rules:6: unknown list 'missing'");
    expect_error("[rule r]\nclass = count\nkind = nosuch\npattern = \\d\n",
                 "rule r: unknown kind 'nosuch'");
    expect_error("[list a]\nx\n[list a]\n", "x.rules:6: list 'a' is defined twice");
    expect_error("[rule r]\nclass = count\nflavour = x\n", "x.rules:6: rule: bad key");
    expect_error("[rule r]\nclass = count\npriority = soon\npattern = x\n",
                 "x.rules:6: priority must be a whole number");
    expect_error("[rule r]\nclass = count\ngate = nope\npattern = \\d\n",
                 "x.rules:4: rule r: gate 'nope' is no [pattern]");
    test_starts();
    test_follow2();
    test_digit_masks();
    test_punct_masks();
    test_cache(argc > 1 ? argv[1] : "claims");
    test_cache_prune(argc > 1 ? argv[1] : "claims");
    cc_buf diags = {0};
    cc_rules *r = cc_rules_load(argc > 1 ? argv[1] : "claims", collect, &diags);
    bool ok = r && r->kinds.n > 10 && r->tokens;
    /* settings come from claims/00-settings.rules; a missing one is the default */
    ok = ok && cc_rules_setting(r, "gap_high", -1) == 0.10 &&
         cc_rules_setting(r, "no_such_setting", 7) == 7;
    check(ok, "shipped claims/ load", diags.p ? diags.p : "no diagnostics");
    cc_rules_free(r);
    cc_buf_free(&diags);
    printf("rules: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
