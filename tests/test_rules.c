/* test_rules.c: the rule loader reports every kind of mistake as
 * file:line and refuses to load; the shipped claims/ load cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Loads base + text from a temporary directory; diagnostics go to diags.
 * Caller frees the rules. */
static cc_rules *load_text(const char *text, cc_buf *diags)
{
    char dir[] = "/tmp/cc_rules_XXXXXX";
    if (!mkdtemp(dir))
        return NULL;
    char *all = cc_strfmt("%s%s", base, text);
    char *path = cc_strfmt("%s/x.rules", dir);
    write_file(path, all);
    cc_rules *r = cc_rules_load(dir, collect, diags);
    free(all);
    unlink(path);
    free(path);
    rmdir(dir);
    return r;
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
    return in_set(r, cc_rules_starter(r, cc_fnv(CC_FNV_INIT, word, n), word, n, false), name);
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
                            "pattern = (?=\\p{Lu})(?:first|second)\\s+street\n",
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
    cc_rules_free(r);
    cc_buf_free(&diags);
}

/* Entry point: test_rules CLAIMS_DIR. */
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
