/* main.c: the claimcheck command line. Parses arguments, calls the
 * library, maps results to exit codes; no analysis happens here. */
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "claimcheck.h"
#include "fixture.h"
#include "model.h"

#ifndef CC_DEFAULT_RULES
#define CC_DEFAULT_RULES "claims"
#endif

/* Exit codes, documented in README.md and `claimcheck --help`. */
enum {
    EXIT_OK = 0,
    EXIT_DIFF = 1,     /* test: a fixture differs from its expected output */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_INPUT = 3,    /* some input was rejected; the rest was processed */
    EXIT_RULES = 4,    /* claims/ rule files are invalid */
    EXIT_OUTPUT = 5,   /* an output could not be written */
    EXIT_NOINPUT = 6,  /* no usable article at all */
    EXIT_INTERNAL = 70 /* out of memory or another internal failure */
};

static const char usage_text[] =
    "usage: claimcheck COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  check PATH... [-o report.xlsx] [--db claims.db] [--json FILE|-]\n"
    "                     fact-check a story cluster and print a summary\n"
    "  extract PATH... --json FILE|-\n"
    "                     claims only (no alignment), streamed as NDJSON\n"
    "  test [DIR] [--update]\n"
    "                     run the fixture regression tests (default: fixtures)\n"
    "  rules check [DIR]  validate the claims/ rule files and list the kinds\n"
    "  report --db FILE -o report.xlsx\n"
    "                     rebuild the workbook from a database alone\n"
    "  review --db FILE [FINDING STATUS [NOTE]]\n"
    "                     list findings, or record an editor's verdict\n"
    "\n"
    "PATH: a cluster directory (*.txt, *.md), article files, NDJSON files\n"
    "(*.ndjson, *.jsonl) or - for NDJSON on stdin.\n"
    "\n"
    "options for every command:\n"
    "  --rules DIR   rule files to use (default: $CLAIMCHECK_RULES, else the\n"
    "                claims/ folder of the source tree)\n"
    "  --help        this text;  --version  the version\n"
    "\n"
    "environment: CLAIMCHECK_CACHE=DIR keeps the compiled rules there between\n"
    "runs (default: $XDG_CACHE_HOME/claimcheck or ~/.cache/claimcheck;\n"
    "empty: no cache)\n"
    "\n"
    "exit codes: 0 ok, 1 fixture differences, 2 usage, 3 some input rejected,\n"
    "4 invalid rules, 5 output not written, 6 no usable article, 70 internal.\n";

typedef struct opts {
    const char *cmd, *out_xlsx, *db, *json, *rules_dir;
    const char **paths;
    size_t n_paths;
    bool update, help;
} opts;

/* Prints diagnostics to stderr. */
static void diag_stderr(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "claimcheck: %s\n", msg);
}

/* Takes the value of an option that needs one; NULL and a message if
 * missing. */
static const char *take_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "claimcheck: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* Parses one option at argv[*i]; false on error. */
static bool parse_option(opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char **slot = !strcmp(a, "-o") || !strcmp(a, "--output") ? &o->out_xlsx
                        : !strcmp(a, "--db")                       ? &o->db
                        : !strcmp(a, "--json")                     ? &o->json
                        : !strcmp(a, "--rules")                    ? &o->rules_dir
                                                                   : NULL;
    if (slot)
        return (*slot = take_value(argc, argv, i)) != NULL;
    if (!strcmp(a, "--update"))
        return o->update = true;
    if (!strcmp(a, "--help") || !strcmp(a, "-h"))
        return o->help = true;
    fprintf(stderr, "claimcheck: unknown option %s (see claimcheck --help)\n", a);
    return false;
}

/* Parses argv into o; false on a usage error. o->paths is caller-freed. */
static bool parse_args(opts *o, int argc, char **argv)
{
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    if (!o->paths)
        return false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] != '\0') {
            if (!parse_option(o, argc, argv, &i))
                return false;
        } else if (!o->cmd) {
            o->cmd = a;
        } else {
            o->paths[o->n_paths++] = a;
        }
    }
    return true;
}

/* Where the rules loader keeps its analysis: $CLAIMCHECK_CACHE (empty:
 * nowhere), else $XDG_CACHE_HOME/claimcheck, else ~/.cache/claimcheck.
 * Caller frees; NULL for no cache. */
static char *cache_dir(void)
{
    const char *set = getenv("CLAIMCHECK_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME"), *sub = "/claimcheck";
    if (set)
        return *set ? strdup(set) : NULL;
    if (!xdg || !*xdg) {
        xdg = home && *home ? home : NULL;
        sub = "/.cache/claimcheck";
    }
    size_t n = xdg ? strlen(xdg) + strlen(sub) + 1 : 0;
    char *dir = n ? malloc(n) : NULL;
    if (dir)
        snprintf(dir, n, "%s%s", xdg, sub);
    return dir;
}

/* Loads the rule files named by --rules, the environment or the build. */
static cc_rules *load_rules(const opts *o)
{
    const char *dir = o->rules_dir ? o->rules_dir : getenv("CLAIMCHECK_RULES");
    char *cache = cache_dir();
    cc_rules *r = cc_rules_load_cached(dir ? dir : CC_DEFAULT_RULES, cache, diag_stderr, NULL);
    free(cache);
    return r;
}

/* Opens FILE or "-" for writing. */
static FILE *open_out(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f)
        perror(path);
    else /* one thread writes it: skip stdio's per-call lock (NDJSON is many small writes) */
        __fsetlocking(f, FSETLOCKING_BYCALLER);
    return f;
}

/* Closes an output opened by open_out; false if anything failed. */
static bool close_out(FILE *f)
{
    bool bad = ferror(f) != 0;
    return f == stdout ? !bad : (fclose(f) == 0 && !bad);
}

/* Maps a library error to an exit code. */
static int exit_for(cc_error err)
{
    switch (err) {
    case CC_OK:
        return EXIT_OK;
    case CC_ERROR_INPUT:
        return EXIT_INPUT;
    case CC_ERROR_EMPTY:
        return EXIT_NOINPUT;
    case CC_ERROR_IO:
    case CC_ERROR_DB:
    case CC_ERROR_XLSX:
        return EXIT_OUTPUT;
    case CC_ERROR_RULES:
    case CC_ERROR_REGEX:
        return EXIT_RULES;
    default:
        return EXIT_INTERNAL;
    }
}

/* True when --json goes to standard output: the summary then stays off it. */
static bool json_on_stdout(const opts *o)
{
    return o->json && strcmp(o->json, "-") == 0;
}

/* Writes the --json stream of a judged cluster. */
static int write_json(const cc_cluster *cl, const char *path, unsigned flags)
{
    FILE *f = open_out(path);
    if (!f)
        return EXIT_OUTPUT;
    cc_error err = cc_cluster_write_json(cl, f, flags);
    return close_out(f) && err == CC_OK ? EXIT_OK : EXIT_OUTPUT;
}

/* Writes the outputs asked for; returns the first failure's exit code. */
static int write_outputs(const opts *o, const cc_cluster *cl)
{
    int rc = EXIT_OK;
    if (o->json && write_json(cl, o->json, 0) != EXIT_OK)
        rc = EXIT_OUTPUT;
    if (o->db && cc_cluster_store(cl, o->db) != CC_OK)
        rc = EXIT_OUTPUT;
    if (o->out_xlsx && cc_cluster_report(cl, o->out_xlsx) != CC_OK)
        rc = EXIT_OUTPUT;
    return rc;
}

/* claimcheck check: the main job. */
static int cmd_check(const opts *o, const cc_rules *rules)
{
    cc_cluster *cl = cc_cluster_new(rules, diag_stderr, NULL);
    int input_rc = EXIT_OK;
    if (!cl)
        return EXIT_INTERNAL;
    cc_error err = o->db ? cc_cluster_add_db(cl, o->db) : CC_OK;
    for (size_t i = 0; err == CC_OK && i < o->n_paths; i++)
        if (cc_cluster_add_path(cl, o->paths[i]) == CC_ERROR_INPUT)
            input_rc = EXIT_INPUT;
    if (err == CC_OK)
        err = cc_cluster_analyze(cl);
    if (err == CC_OK && o->db)
        err = cc_cluster_read_history(cl, o->db, 0);
    int rc = err == CC_OK ? write_outputs(o, cl) : exit_for(err);
    if (err == CC_OK && !json_on_stdout(o))
        cc_cluster_write_summary(cl, stdout);
    if (err == CC_ERROR_EMPTY)
        fprintf(stderr, "claimcheck: no usable article in the input\n");
    if (rc == EXIT_OK && o->out_xlsx && !json_on_stdout(o))
        printf("\nwrote %s%s%s\n", o->out_xlsx, o->db ? " and " : "", o->db ? o->db : "");
    cc_cluster_free(cl);
    return rc != EXIT_OK ? rc : input_rc;
}

/* Loads and analyzes the cluster stored in o->db (report, review).
 * Returns NULL with an exit code in *rc on failure; caller frees. */
static cc_cluster *stored_cluster(const opts *o, const cc_rules *rules, int *rc)
{
    cc_cluster *cl = cc_cluster_new(rules, diag_stderr, NULL);
    cc_error err = cl ? cc_cluster_add_db(cl, o->db) : CC_ERROR_MEMORY;
    if (err == CC_OK)
        err = cc_cluster_analyze(cl);
    if (err == CC_OK)
        err = cc_cluster_read_history(cl, o->db, CC_HISTORY_LAST_RUN);
    if (err == CC_ERROR_EMPTY)
        fprintf(stderr, "claimcheck: %s holds no articles (run claimcheck check --db first)\n",
                o->db);
    *rc = exit_for(err);
    if (err == CC_OK)
        return cl;
    cc_cluster_free(cl);
    return NULL;
}

/* claimcheck report: the outputs rebuilt from the database alone. */
static int cmd_report(const opts *o, const cc_rules *rules)
{
    int rc;
    cc_cluster *cl = stored_cluster(o, rules, &rc);
    if (!cl)
        return rc;
    opts out = *o;
    out.db = NULL; /* reading only: this is not a new run */
    rc = write_outputs(&out, cl);
    if (!json_on_stdout(o))
        cc_cluster_write_summary(cl, stdout);
    cc_cluster_free(cl);
    return rc;
}

/* claimcheck review: list findings, or record a verdict. */
static int cmd_review(const opts *o, const cc_rules *rules)
{
    if (o->n_paths == 0) {
        int rc;
        cc_cluster *cl = stored_cluster(o, rules, &rc);
        if (cl)
            cc_cluster_write_findings(cl, stdout);
        cc_cluster_free(cl);
        return rc;
    }
    if (o->n_paths < 2 || o->n_paths > 3 || cc_review_parse(o->paths[1]) == CC_R_MAX) {
        fprintf(stderr, "claimcheck: usage: claimcheck review --db FILE FINDING "
                        "open|confirmed|dismissed|needs_reporting [NOTE]\n");
        return EXIT_USAGE;
    }
    cc_error err = cc_review_set(o->db, o->paths[0], o->paths[1],
                                 o->n_paths > 2 ? o->paths[2] : NULL, diag_stderr, NULL);
    if (err == CC_OK)
        printf("%s: %s\n", o->paths[0], o->paths[1]);
    return err == CC_ERROR_INPUT ? EXIT_USAGE : exit_for(err);
}

/* claimcheck extract: streaming claims. */
static int cmd_extract(const opts *o, const cc_rules *rules)
{
    if (!o->json) {
        fprintf(stderr, "claimcheck: extract needs --json FILE or --json -\n");
        return EXIT_USAGE;
    }
    FILE *f = open_out(o->json);
    if (!f)
        return EXIT_OUTPUT;
    cc_error err = cc_extract_stream(rules, o->paths, o->n_paths, f, diag_stderr, NULL);
    bool closed = close_out(f);
    return !closed ? EXIT_OUTPUT : exit_for(err);
}

/* claimcheck test: fixture regression. */
static int cmd_test(const opts *o, const cc_rules *rules)
{
    size_t passed, failed;
    const char *dir = o->n_paths ? o->paths[0] : "fixtures";
    if (cc_fixtures_run(rules, dir, o->update, stdout, &passed, &failed) != CC_OK) {
        fprintf(stderr, "claimcheck: no fixtures found in %s\n", dir);
        return EXIT_USAGE;
    }
    printf("fixtures: %zu passed, %zu failed\n", passed, failed);
    return failed ? EXIT_DIFF : EXIT_OK;
}

/* claimcheck rules check: the kinds and rules of the loaded files. */
static int cmd_rules(const opts *o, const cc_rules *rules)
{
    (void)o;
    cc_rules_describe(rules, stdout);
    return EXIT_OK;
}

/* The commands: name, what runs it and the help shown by
 * `claimcheck COMMAND --help`. */
static const struct command {
    const char *name;
    int (*run)(const opts *o, const cc_rules *rules);
    const char *help;
} commands[] = {
    {"check", cmd_check,
     "usage: claimcheck check PATH... [-o report.xlsx] [--db claims.db] [--json FILE|-]\n"
     "Fact-checks a story cluster: extracts, dates, aligns and judges the claims\n"
     "of every article, prints a summary and writes the outputs asked for:\n"
     "  -o FILE      the editors' workbook (.xlsx)\n"
     "  --db FILE    SQLite database (created or updated)\n"
     "  --json FILE  NDJSON records (docs/ndjson.md); - for standard output\n"},
    {"extract", cmd_extract,
     "usage: claimcheck extract PATH... --json FILE|-\n"
     "Writes article and claim records only (no alignment), one article at a\n"
     "time, so memory stays flat for NDJSON streams of any size.\n"},
    {"test", cmd_test,
     "usage: claimcheck test [DIR] [--update]\n"
     "Runs every fixture under DIR (default: fixtures): DIR/NAME/cluster is\n"
     "analyzed and compared with DIR/NAME/expected.txt; differences are shown\n"
     "as a unified diff and make the exit code 1. --update rewrites expected.txt.\n"},
    {"report", cmd_report,
     "usage: claimcheck report --db FILE [-o report.xlsx] [--json FILE|-]\n"
     "Rebuilds the outputs from the database alone: the stored articles are\n"
     "analyzed again with the current rules, the editors' reviews applied,\n"
     "and the changes the last run recorded shown.\n"},
    {"review", cmd_review,
     "usage: claimcheck review --db FILE [FINDING STATUS [NOTE]]\n"
     "Without FINDING: lists the stored findings with their status.\n"
     "With FINDING STATUS: records an editor's verdict, which later runs keep.\n"
     "STATUS is open, confirmed, dismissed or needs_reporting.\n"},
    {"rules", cmd_rules,
     "usage: claimcheck rules check [DIR]\n"
     "Validates the rule files in DIR (default: the claims/ folder) and lists\n"
     "the kinds and rules; errors are reported as file:line.\n"},
};

/* The command called name; NULL when there is none. */
static const struct command *find_command(const char *name)
{
    for (size_t i = 0; name && i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* report and review work on a database: --db is required. */
static bool needs_db(const opts *o)
{
    bool need = !strcmp(o->cmd, "report") || !strcmp(o->cmd, "review");
    if (need && !o->db)
        fprintf(stderr, "claimcheck %s: --db FILE is required (see --help)\n", o->cmd);
    return need && !o->db;
}

/* Checks the argument count for a command (check may re-run a database). */
static bool needs_paths(const opts *o)
{
    bool need = (!strcmp(o->cmd, "check") && !o->db) || !strcmp(o->cmd, "extract");
    if (need && o->n_paths == 0)
        fprintf(stderr, "claimcheck %s: give at least one PATH (see --help)\n", o->cmd);
    return need && o->n_paths == 0;
}

/* Runs the chosen command. */
static int dispatch(opts *o)
{
    const struct command *c = find_command(o->cmd);
    if (!c)
        return fprintf(stderr, "claimcheck: unknown command '%s'\n", o->cmd), EXIT_USAGE;
    if (!strcmp(c->name, "rules")) { /* rules check [DIR] */
        if (o->n_paths < 1 || strcmp(o->paths[0], "check") != 0)
            return fprintf(stderr, "claimcheck: usage: claimcheck rules check [DIR]\n"), EXIT_USAGE;
        o->rules_dir = o->n_paths > 1 ? o->paths[1] : o->rules_dir;
    }
    if (needs_paths(o) || needs_db(o))
        return EXIT_USAGE;
    cc_rules *rules = load_rules(o);
    if (!rules)
        return EXIT_RULES;
    int rc = c->run(o, rules);
    cc_rules_free(rules);
    return rc;
}

/* The help text for cmd (NULL or unknown: the general text). */
static const char *help_for(const char *cmd)
{
    const struct command *c = find_command(cmd);
    return c ? c->help : usage_text;
}

/* The single exit path: flushes stdout and reports write errors. */
int main(int argc, char **argv)
{
    opts o = {0};
    int rc;
    if (argc == 2 && !strcmp(argv[1], "--version"))
        rc = (printf("claimcheck %s\n", CC_VERSION), EXIT_OK);
    else if (!parse_args(&o, argc, argv))
        rc = EXIT_USAGE;
    else if (o.help || !o.cmd)
        rc = (fputs(help_for(o.cmd), o.help ? stdout : stderr), o.help ? EXIT_OK : EXIT_USAGE);
    else
        rc = dispatch(&o);
    free(o.paths);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "claimcheck: error writing to standard output\n");
        rc = rc ? rc : EXIT_OUTPUT;
    }
    return rc;
}
