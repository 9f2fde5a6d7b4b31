/* fixture.c: `claimcheck test`. A fixture is a folder with cluster/ (the
 * articles) and expected.txt (the golden form, cc_cluster_write_golden). */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model.h"
#include "util.h"

/* Collects diagnostics into the golden text so input problems are part
 * of what a fixture pins down. */
static void diag_to_buf(void *ud, const char *msg)
{
    cc_buf_printf(ud, "diagnostic %s\n", msg);
}

/* Runs the pipeline on dir/cluster and returns the golden text plus any
 * diagnostics (with dir removed from paths); caller frees. */
static char *golden_of(const cc_rules *rules, const char *dir)
{
    cc_buf diags = {0};
    char *path = cc_strfmt("%s/cluster", dir);
    cc_cluster *cl = cc_cluster_new(rules, diag_to_buf, &diags);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (path && cl && mem) {
        cc_cluster_add_path(cl, path);
        cc_error err = cc_cluster_analyze(cl);
        if (err != CC_OK)
            fprintf(mem, "error %s\n", cc_strerror(err));
        cc_cluster_write_golden(cl, mem);
    }
    if (mem)
        fclose(mem);
    cc_buf_add(&diags, text ? text : "", len);
    free(text);
    free(path);
    cc_cluster_free(cl);
    char *out = cc_buf_take(&diags);
    for (char *p = out ? strstr(out, dir) : NULL; p; p = strstr(p, dir)) /* relative paths */
        memmove(p, p + strlen(dir) + 1, strlen(p + strlen(dir) + 1) + 1);
    return out;
}

/* Compares or updates one fixture; returns true when it passes. */
static bool run_one(const cc_rules *rules, const char *dir, bool update, FILE *out)
{
    char *expected_path = cc_strfmt("%s/expected.txt", dir);
    char *got = golden_of(rules, dir), *want = NULL;
    size_t len;
    bool pass = false;
    if (!expected_path || !got) {
        fprintf(out, "FAIL %s: out of memory\n", dir);
    } else if (update) {
        FILE *f = fopen(expected_path, "w");
        pass = f && fputs(got, f) >= 0;
        pass = f && fclose(f) == 0 && pass;
        fprintf(out, "%s %s\n", pass ? "updated" : "FAIL (cannot write)", expected_path);
    } else if (cc_read_file(expected_path, &want, &len) != CC_OK) {
        fprintf(out, "FAIL %s: no expected.txt (run `claimcheck test --update %s`)\n", dir, dir);
    } else if (!(pass = strcmp(got, want) == 0)) {
        fprintf(out, "FAIL %s\n", dir);
        cc_diff_print(out, expected_path, want, "actual", got);
    } else {
        fprintf(out, "ok   %s\n", dir);
    }
    free(expected_path);
    free(got);
    free(want);
    return pass;
}

/* True when path/cluster is a directory. */
static bool is_fixture(const char *path)
{
    struct stat st;
    char *c = cc_strfmt("%s/cluster", path);
    bool yes = c && stat(c, &st) == 0 && S_ISDIR(st.st_mode);
    free(c);
    return yes;
}

/* Adds the fixture folders under dir to l in name order; the caller frees
 * l with cc_strv_free. */
static void list_fixtures(const char *dir, cc_strv *l)
{
    cc_strv names = {0};
    cc_dir_names(dir, NULL, &names); /* an unreadable dir lists no fixtures */
    for (size_t i = 0; i < names.n; i++) {
        char *p = cc_strfmt("%s/%s", dir, names.v[i]);
        if (!p || !is_fixture(p) || !CC_VEC_PUSH(*l, p))
            free(p);
    }
    cc_strv_free(&names);
}

/* Runs the fixtures (see fixture.h): dir itself when it is one, else the
 * fixtures under it. */
cc_error cc_fixtures_run(const cc_rules *rules, const char *dir, bool update, FILE *out,
                         size_t *passed, size_t *failed)
{
    cc_strv l = {0};
    bool single = is_fixture(dir);
    if (!single)
        list_fixtures(dir, &l);
    *passed = *failed = 0;
    for (size_t i = 0; i < (single ? 1 : l.n); i++) {
        bool ok = run_one(rules, single ? dir : l.v[i], update, out);
        *passed += ok;
        *failed += !ok;
    }
    cc_strv_free(&l);
    return *passed + *failed ? CC_OK : CC_ERROR_IO;
}
