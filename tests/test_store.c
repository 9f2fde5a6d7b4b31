/* test_store.c: writes the sample cluster with cc_store_write and checks the
 * database through plain sqlite3 (schema, rows, NULLs, views, rewrites,
 * rollback, errors, WAL, two concurrent writer processes). */

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sample.h"
#include "store.h"
#include "util.h"

/* Pass/fail counts of the whole program. */
typedef struct tally {
    int passed, failed;
} tally;

/* Diagnostics received from the store. */
typedef struct diags {
    int n;
    char last[1024];
} diags;

/* A test's environment: the counts, a scratch directory and the sample. */
typedef struct env {
    tally t;
    char dir[64];   /* mkdtemp result */
    char db[128];   /* dir/cc.db */
    cc_cluster *cl; /* owned; freed in main */
    diags d;
} env;

/* Records one check, printing the failing ones. */
static void check(tally *t, bool ok, const char *what, int line)
{
    if (ok) {
        t->passed++;
        return;
    }
    t->failed++;
    fprintf(stderr, "test_store.c:%d: FAILED: %s\n", line, what);
}
#define CHECK(e, cond) check(&(e)->t, (cond), #cond, __LINE__)

/* cc_diag_fn that counts messages and keeps the last one. */
static void collect(void *ud, const char *msg)
{
    diags *d = ud;
    d->n++;
    snprintf(d->last, sizeof d->last, "%s", msg);
}

/* Writes the sample to e->db after clearing the diagnostics. */
static cc_error write_sample(env *e)
{
    e->d.n = 0;
    e->d.last[0] = '\0';
    return cc_store_write(e->cl, e->db);
}

/* Opens e->db read-write; the caller closes it. */
static sqlite3 *open_db(const env *e)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", e->db, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* First column of the first row of sql as an integer; -1 on error or no row. */
static long long query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "query failed: %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return v;
}

/* First column of the first row of sql with ?1 bound to arg (may be NULL),
 * as a new string ("<NULL>" for SQL NULL, "<ERROR>" on failure). Caller frees. */
static char *query_text(sqlite3 *db, const char *sql, const char *arg)
{
    sqlite3_stmt *st = NULL;
    char *v = cc_strdup("<ERROR>");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        (!arg || sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC) == SQLITE_OK) &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        free(v);
        v = cc_strdup(s ? s : "<NULL>");
    }
    sqlite3_finalize(st);
    return v;
}

/* True when query_text(db, sql, arg) equals want. */
static bool text_is(sqlite3 *db, const char *sql, const char *arg, const char *want)
{
    char *got = query_text(db, sql, arg);
    bool ok = got && strcmp(got, want) == 0;
    if (!ok)
        fprintf(stderr, "  %s [%s]: got '%s', want '%s'\n", sql, arg ? arg : "", got, want);
    free(got);
    return ok;
}

/* Checks the row count of every table against the sample, with nruns runs. */
static void check_counts(env *e, sqlite3 *db, long long nruns)
{
    CHECK(e, query_int(db, "SELECT count(*) FROM articles") == 3);
    CHECK(e, query_int(db, "SELECT count(*) FROM claims") == 6);
    CHECK(e, query_int(db, "SELECT count(*) FROM groups") == 4);
    CHECK(e, query_int(db, "SELECT count(*) FROM group_claims") == 6);
    CHECK(e, query_int(db, "SELECT count(*) FROM findings") == 4);
    CHECK(e, query_int(db, "SELECT count(*) FROM finding_claims") == 7);
    CHECK(e, query_int(db, "SELECT count(*) FROM runs") == nruns);
    CHECK(e, query_int(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

/* First write: result, schema version, WAL, meta and row counts. */
static void test_first_write(env *e)
{
    CHECK(e, write_sample(e) == CC_OK);
    CHECK(e, e->d.n == 0);
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    CHECK(e, query_int(db, "PRAGMA user_version") == 3);
    CHECK(e, text_is(db, "PRAGMA journal_mode", NULL, "wal"));
    CHECK(e, text_is(db, "SELECT value FROM meta WHERE key = 'created_version'", NULL, CC_VERSION));
    CHECK(e, text_is(db, "SELECT value FROM meta WHERE key = 'application'", NULL, "claimcheck"));
    check_counts(e, db, 1);
    CHECK(e, query_int(db, "SELECT count(*) FROM runs WHERE id = 1 AND n_articles = 3 AND "
                           "n_claims = 6 AND n_groups = 4 AND n_findings = 4 AND "
                           "started_at LIKE '____-__-__T__:__:__Z'") == 1);
    CHECK(e, text_is(db, "SELECT inputs FROM runs", NULL,
                     "sample/ap.txt\nsample/reuters.txt\nsample/blog.txt"));
    sqlite3_close(db);
}

/* Each claim's text and sentence are its body bytes, in SQL and in C. */
static void test_claim_text(env *e)
{
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    for (size_t i = 0; i < e->cl->claims.n; i++) {
        const cc_claim *c = &e->cl->claims.v[i];
        const cc_article *a = &e->cl->articles.v[c->article];
        char *want = cc_strndup(a->body + c->start, c->end - c->start);
        CHECK(e, text_is(db, "SELECT text FROM claims WHERE id = ?1", c->id, want));
        free(want);
    }
    CHECK(e, query_int(db, "SELECT count(*) FROM claims AS c JOIN articles AS a "
                           "ON a.id = c.article WHERE c.text = CAST(substr(CAST(a.body AS "
                           "BLOB), c.start + 1, c.end - c.start) AS TEXT)") == 6);
    CHECK(e, query_int(db, "SELECT count(*) FROM claims AS c JOIN articles AS a "
                           "ON a.id = c.article WHERE c.sentence = a.body") == 6);
    CHECK(e, text_is(db, "SELECT body FROM articles WHERE id = ?1", "reuters",
                     e->cl->articles.v[1].body));
    sqlite3_close(db);
}

/* Absent values are NULL; present ones are spelled as documented. */
static void test_nulls(env *e)
{
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    const char *all = "SELECT quote(value) || quote(lo) || quote(hi) || scope || qualifier "
                      "FROM claims WHERE text = ?1";
    CHECK(e, text_is(db, all, "All", "NULLNULLNULLallvague"));
    CHECK(e, text_is(db,
                     "SELECT quote(value) || quote(day) || quote(timex) || quote(scope) "
                     "FROM claims WHERE text = ?1",
                     "At least 43", "43.0NULLNULLNULL"));
    CHECK(e, text_is(db,
                     "SELECT day || ' ' || timex || ' ' || quote(value) FROM claims "
                     "WHERE text = ?1",
                     "on Thursday", "2024-03-21 2024-03-21 NULL"));
    CHECK(e, text_is(db,
                     "SELECT quote(outlet) || quote(url) || quote(published) || "
                     "published_from FROM articles WHERE id = ?1",
                     "blog", "NULLNULLNULLcluster"));
    CHECK(e, text_is(db, "SELECT published || ' ' || published_from FROM articles WHERE id = ?1",
                     "ap", "2024-03-21 metadata"));
    CHECK(e, query_int(db, "SELECT count(*) FROM claims WHERE attribution IS NULL") == 4);
    CHECK(e, query_int(db, "SELECT count(*) FROM claims WHERE event IS NULL AND place IS NULL "
                           "AND group_id IS NOT NULL") == 6);
    sqlite3_close(db);
}

/* A stated change (schema 3) is stored as its two words; none is NULL. */
static void test_change(env *e)
{
    cc_claim *c = &e->cl->claims.v[1]; /* reuters' "40" */
    c->change = CC_CHANGE_DOWN;
    c->change_role = CC_ROLE_FROM;
    CHECK(e, write_sample(e) == CC_OK);
    c->change = CC_CHANGE_NONE;
    c->change_role = CC_ROLE_NONE;
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    CHECK(e, text_is(db, "SELECT change || '/' || change_role FROM claims WHERE id = ?1", c->id,
                     "down/from"));
    CHECK(e, query_int(db, "SELECT count(*) FROM claims WHERE change IS NULL AND "
                           "change_role IS NULL") == 5);
    sqlite3_close(db);
}

/* Enum spellings and kind names. */
static void test_spellings(env *e)
{
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    const char *verdict = "SELECT verdict FROM groups WHERE id = ?1";
    CHECK(e, text_is(db, verdict, "g-killed", "conflict"));
    CHECK(e, text_is(db, verdict, "g-hostages", "discrepancy"));
    CHECK(e, text_is(db, verdict, "g-aid", "single"));
    const char *finding = "SELECT category || '/' || severity FROM findings WHERE id = ?1";
    CHECK(e, text_is(db, finding, "f-killed", "conflict/high"));
    CHECK(e, text_is(db, finding, "f-name", "name_variant/medium"));
    CHECK(e, text_is(db, finding, "f-aid", "single/low"));
    CHECK(e, text_is(db,
                     "SELECT class || '/' || qualifier || '/' || kind FROM claims "
                     "WHERE text = ?1",
                     "At least 43", "count/at_least/generic"));
    CHECK(e, text_is(db, "SELECT class FROM claims WHERE text = ?1", "on Thursday", "date"));
    CHECK(e, text_is(db, "SELECT message FROM findings WHERE id = ?1", "f-aid",
                     "@SUM(A1) only blog reports 12 trucks."));
    sqlite3_close(db);
}

/* The analyst views return the expected rows in the documented order. */
static void test_views(env *e)
{
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    CHECK(e, query_int(db, "SELECT count(*) FROM open_findings") == 4);
    CHECK(e, text_is(db, "SELECT id || ' ' || kind FROM open_findings LIMIT 1", NULL,
                     "f-killed generic"));
    CHECK(e, text_is(db, "SELECT group_concat(severity, ',') FROM open_findings", NULL,
                     "high,medium,medium,low"));
    CHECK(e, query_int(db, "SELECT count(*) FROM claims_by_source") == 6);
    CHECK(e, text_is(db, "SELECT outlet || ' ' || text FROM claims_by_source LIMIT 1", NULL,
                     "AP At least 43"));
    CHECK(e, query_int(db, "SELECT count(*) FROM group_summary") == 4);
    CHECK(e, text_is(db,
                     "SELECT verdict || ' ' || n_claims || ' ' || n_articles || ' ' || "
                     "n_findings FROM group_summary WHERE id = ?1",
                     "g-hostages", "discrepancy 2 2 2"));
    sqlite3_close(db);
}

/* Writing again replaces the analysis (one copy of each row) and adds a run. */
static void test_rewrite(env *e)
{
    CHECK(e, write_sample(e) == CC_OK);
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    check_counts(e, db, 2);
    CHECK(e, query_int(db, "SELECT count(*) FROM articles WHERE last_run = 2") == 3);
    sqlite3_close(db);
}

/* An article the new run lacks disappears; the renamed one is stored. */
static void test_replaced_article(env *e)
{
    char renamed[] = "blog2";
    char *old = e->cl->articles.v[2].id;
    e->cl->articles.v[2].id = renamed;
    CHECK(e, write_sample(e) == CC_OK);
    e->cl->articles.v[2].id = old;
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    CHECK(e, query_int(db, "SELECT count(*) FROM articles") == 3);
    CHECK(e, query_int(db, "SELECT count(*) FROM articles WHERE id = 'blog'") == 0);
    CHECK(e, text_is(db, "SELECT article FROM claims WHERE text = ?1", "12", "blog2"));
    sqlite3_close(db);
    CHECK(e, write_sample(e) == CC_OK); /* back to the sample, run 4 */
}

/* A failing write (duplicate claim id) rolls back: the old rows stay. */
static void test_rollback(env *e)
{
    char *old = e->cl->claims.v[5].id;
    e->cl->claims.v[5].id = e->cl->claims.v[0].id;
    CHECK(e, write_sample(e) == CC_ERROR_DB);
    e->cl->claims.v[5].id = old;
    CHECK(e, e->d.n == 1 && strstr(e->d.last, e->db) && strstr(e->d.last, "UNIQUE"));
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    check_counts(e, db, 4);
    sqlite3_close(db);
}

/* A reader's open transaction neither blocks the writer nor sees half a run. */
static void test_reader(env *e)
{
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    CHECK(e, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(e, query_int(db, "SELECT count(*) FROM runs") == 4);
    CHECK(e, write_sample(e) == CC_OK);
    CHECK(e, query_int(db, "SELECT count(*) FROM runs") == 4); /* its snapshot */
    CHECK(e, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(e, query_int(db, "SELECT count(*) FROM runs") == 5);
    sqlite3_close(db);
}

/* A path in a missing directory fails with a diagnostic naming it. */
static void test_bad_path(env *e)
{
    char path[160];
    snprintf(path, sizeof path, "%s/missing/cc.db", e->dir);
    e->d.n = 0;
    cc_error err = cc_store_write(e->cl, path);
    CHECK(e, err == CC_ERROR_DB || err == CC_ERROR_IO);
    CHECK(e, e->d.n == 1 && strstr(e->d.last, path) != NULL);
    CHECK(e, access(path, F_OK) != 0);
}

/* A database from a newer claimcheck (user_version 4) is left alone. */
static void test_newer_schema(env *e)
{
    char keep[128];
    snprintf(keep, sizeof keep, "%s", e->db);
    snprintf(e->db, sizeof e->db, "%s/newer.db", e->dir);
    sqlite3 *db = NULL;
    sqlite3_open(e->db, &db);
    CHECK(e, sqlite3_exec(db, "PRAGMA user_version = 4", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(e, write_sample(e) == CC_ERROR_DB);
    CHECK(e, e->d.n == 1 && strstr(e->d.last, "version 4") != NULL);
    CHECK(e, query_int(db, "SELECT count(*) FROM sqlite_schema") == 0);
    sqlite3_close(db);
    snprintf(e->db, sizeof e->db, "%s", keep);
}

/* cc_diag_fn for child processes: straight to stderr. */
static void print_diag(void *ud, const char *msg)
{
    (void)ud;
    fprintf(stderr, "child %ld: %s\n", (long)getpid(), msg);
}

/* Child process: writes the sample n times; exit status 0 if all succeeded. */
static void writer_child(env *e, int n)
{
    int bad = 0;
    e->cl->diag = print_diag;
    for (int i = 0; i < n; i++)
        bad += cc_store_write(e->cl, e->db) != CC_OK;
    _exit(bad == 0 ? 0 : 1);
}

/* Two processes write the same new database 10 times each, concurrently. */
static void test_concurrent(env *e)
{
    snprintf(e->db, sizeof e->db, "%s/concurrent.db", e->dir);
    pid_t pid[2];
    for (int k = 0; k < 2; k++) {
        pid[k] = fork();
        if (pid[k] == 0)
            writer_child(e, 10);
    }
    for (int k = 0; k < 2; k++) {
        int status = -1;
        CHECK(e, pid[k] > 0 && waitpid(pid[k], &status, 0) == pid[k]);
        CHECK(e, WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    sqlite3 *db = open_db(e);
    if (!db)
        return;
    check_counts(e, db, 20);
    sqlite3_close(db);
}

/* Deletes the scratch files (the database's -wal/-shm go with it). */
static void cleanup(const env *e)
{
    static const char *const names[] = {"cc.db", "newer.db", "concurrent.db"};
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[192];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        for (size_t j = 0; j < sizeof suffixes / sizeof *suffixes; j++) {
            snprintf(path, sizeof path, "%s/%s%s", e->dir, names[i], suffixes[j]);
            unlink(path);
        }
    rmdir(e->dir);
}

/* Runs every test in order (later ones build on earlier runs). */
int main(void)
{
    env e = {.dir = "/tmp/cc_store_XXXXXX"};
    e.cl = cc_test_sample_cluster();
    if (!e.cl || !mkdtemp(e.dir)) {
        fprintf(stderr, "test_store: setup failed\n");
        return 1;
    }
    e.cl->diag = collect;
    e.cl->diag_ud = &e.d;
    snprintf(e.db, sizeof e.db, "%s/cc.db", e.dir);
    test_first_write(&e);
    test_claim_text(&e);
    test_nulls(&e);
    test_spellings(&e);
    test_views(&e);
    test_rewrite(&e);
    test_replaced_article(&e);
    test_rollback(&e);
    test_reader(&e);
    test_bad_path(&e);
    test_change(&e);
    test_newer_schema(&e);
    test_concurrent(&e);
    cleanup(&e);
    cc_cluster_free(e.cl);
    printf("store: %d passed, %d failed\n", e.t.passed, e.t.failed);
    return e.t.failed == 0 ? 0 : 1;
}
