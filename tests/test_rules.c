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

/* Loading base + bad must fail with a diagnostic containing want. */
static void expect_error(const char *bad, const char *want)
{
    char dir[] = "/tmp/cc_rules_XXXXXX";
    if (!mkdtemp(dir))
        return;
    char *text = cc_strfmt("%s%s", base, bad);
    char *path = cc_strfmt("%s/x.rules", dir);
    write_file(path, text);
    cc_buf diags = {0};
    cc_rules *r = cc_rules_load(dir, collect, &diags);
    bool ok = !r && diags.p && strstr(diags.p, want);
    printf("%s: %s\n", ok ? "ok  " : "FAIL", want);
    if (!ok)
        printf("  got: %s\n", diags.p ? diags.p : "(no diagnostic, rules loaded)");
    ok ? passed++ : failed++;
    cc_rules_free(r);
    cc_buf_free(&diags);
    free(text);
    unlink(path);
    free(path);
    rmdir(dir);
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
    cc_buf diags = {0};
    cc_rules *r = cc_rules_load(argc > 1 ? argv[1] : "claims", collect, &diags);
    bool ok = r && r->kinds.n > 10 && r->tokens;
    /* settings come from claims/00-settings.rules; a missing one is the default */
    ok = ok && cc_rules_setting(r, "gap_high", -1) == 0.10 &&
         cc_rules_setting(r, "no_such_setting", 7) == 7;
    printf("%s: shipped claims/ load (%s)\n", ok ? "ok  " : "FAIL",
           diags.p ? diags.p : "no diagnostics");
    ok ? passed++ : failed++;
    cc_rules_free(r);
    cc_buf_free(&diags);
    printf("rules: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
