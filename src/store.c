/* store.c: stage 6. Writes a judged cluster to SQLite (docs/schema.md).
 *
 * One call = one connection: open, set WAL/busy timeout/foreign keys, then a
 * single BEGIN IMMEDIATE transaction that migrates the schema, records the
 * run and replaces the cluster's analysis. Any error rolls everything back,
 * so readers and a killed writer only ever see whole runs. Only bound
 * parameters carry data; the SQL text is all static. */
#include "store.h"

#include "ingest.h"
#include "timex.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

enum { BUSY_TIMEOUT_MS = 5000, RETRY_MS = 10 };

/* ---- schema, version 1 ----------------------------------------------- */

static const char sql_v1_meta[] = "CREATE TABLE meta (\n"
                                  "    key   TEXT PRIMARY KEY NOT NULL,\n"
                                  "    value TEXT\n"
                                  ")";

static const char sql_v1_runs[] = "CREATE TABLE runs (\n"
                                  "    id         INTEGER PRIMARY KEY,\n"
                                  "    started_at TEXT NOT NULL,\n"
                                  "    version    TEXT NOT NULL,\n"
                                  "    inputs     TEXT NOT NULL,\n"
                                  "    n_articles INTEGER NOT NULL,\n"
                                  "    n_claims   INTEGER NOT NULL,\n"
                                  "    n_groups   INTEGER NOT NULL,\n"
                                  "    n_findings INTEGER NOT NULL\n"
                                  ")";

static const char sql_v1_articles[] = "CREATE TABLE articles (\n"
                                      "    id             TEXT PRIMARY KEY NOT NULL,\n"
                                      "    path           TEXT,\n"
                                      "    title          TEXT,\n"
                                      "    outlet         TEXT,\n"
                                      "    url            TEXT,\n"
                                      "    published      TEXT,\n"
                                      "    published_from TEXT,\n"
                                      "    body           TEXT NOT NULL,\n"
                                      "    last_run       INTEGER REFERENCES runs(id)\n"
                                      ")";

static const char sql_v1_groups[] = "CREATE TABLE groups (\n"
                                    "    id         TEXT PRIMARY KEY NOT NULL,\n"
                                    "    kind       TEXT,\n"
                                    "    label      TEXT,\n"
                                    "    key        TEXT,\n"
                                    "    verdict    TEXT,\n"
                                    "    n_articles INTEGER NOT NULL\n"
                                    ")";

static const char sql_v1_claims[] = "CREATE TABLE claims (\n"
                                    "    id          TEXT PRIMARY KEY NOT NULL,\n"
                                    "    article     TEXT NOT NULL REFERENCES articles(id),\n"
                                    "    start       INTEGER NOT NULL,\n"
                                    "    end         INTEGER NOT NULL,\n"
                                    "    text        TEXT NOT NULL,\n"
                                    "    sentence    TEXT,\n"
                                    "    class       TEXT NOT NULL,\n"
                                    "    kind        TEXT,\n"
                                    "    key         TEXT,\n"
                                    "    value       REAL,\n"
                                    "    lo          REAL,\n"
                                    "    hi          REAL,\n"
                                    "    scale       REAL,\n"
                                    "    qualifier   TEXT NOT NULL,\n"
                                    "    unit        TEXT,\n"
                                    "    scope       TEXT,\n"
                                    "    timex       TEXT,\n"
                                    "    day         TEXT,\n"
                                    "    event       TEXT,\n"
                                    "    place       TEXT,\n"
                                    "    attribution TEXT,\n"
                                    "    group_id    TEXT REFERENCES groups(id)\n"
                                    ")";

static const char sql_v1_group_claims[] = "CREATE TABLE group_claims (\n"
                                          "    group_id TEXT NOT NULL REFERENCES groups(id),\n"
                                          "    claim_id TEXT NOT NULL REFERENCES claims(id),\n"
                                          "    position INTEGER NOT NULL,\n"
                                          "    PRIMARY KEY (group_id, claim_id)\n"
                                          ") WITHOUT ROWID";

static const char sql_v1_findings[] = "CREATE TABLE findings (\n"
                                      "    id       TEXT PRIMARY KEY NOT NULL,\n"
                                      "    group_id TEXT REFERENCES groups(id),\n"
                                      "    category TEXT NOT NULL,\n"
                                      "    severity TEXT NOT NULL,\n"
                                      "    message  TEXT\n"
                                      ")";

static const char sql_v1_finding_claims[] =
    "CREATE TABLE finding_claims (\n"
    "    finding_id TEXT NOT NULL REFERENCES findings(id),\n"
    "    claim_id   TEXT NOT NULL REFERENCES claims(id),\n"
    "    position   INTEGER NOT NULL,\n"
    "    PRIMARY KEY (finding_id, claim_id)\n"
    ") WITHOUT ROWID";

/* Child-side indexes: lookups by claim/article/group, and cheap parent
 * deletes while foreign keys are enforced. */
static const char sql_v1_indexes[] =
    "CREATE INDEX claims_article ON claims(article);\n"
    "CREATE INDEX claims_group ON claims(group_id);\n"
    "CREATE INDEX group_claims_claim ON group_claims(claim_id);\n"
    "CREATE INDEX findings_group ON findings(group_id);\n"
    "CREATE INDEX finding_claims_claim ON finding_claims(claim_id)";

static const char sql_v1_open_findings[] =
    "CREATE VIEW open_findings AS\n"
    "SELECT f.id, f.severity, f.category, g.kind, g.label, f.group_id, g.key,\n"
    "       g.verdict, f.message\n"
    "FROM findings AS f LEFT JOIN groups AS g ON g.id = f.group_id\n"
    "ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1\n"
    "         WHEN 'low' THEN 2 ELSE 3 END, f.category, f.id";

static const char sql_v1_claims_by_source[] =
    "CREATE VIEW claims_by_source AS\n"
    "SELECT a.outlet, a.title, a.published, c.article, c.id AS claim, c.kind,\n"
    "       c.class, c.text, c.value, c.qualifier, c.unit, c.group_id\n"
    "FROM claims AS c JOIN articles AS a ON a.id = c.article\n"
    "ORDER BY a.outlet IS NULL, a.outlet, c.article, c.start";

static const char sql_v1_group_summary[] =
    "CREATE VIEW group_summary AS\n"
    "SELECT g.id, g.kind, g.label, g.key, g.verdict,\n"
    "       (SELECT count(*) FROM group_claims AS gc\n"
    "        WHERE gc.group_id = g.id) AS n_claims,\n"
    "       (SELECT count(DISTINCT c.article) FROM group_claims AS gc\n"
    "        JOIN claims AS c ON c.id = gc.claim_id\n"
    "        WHERE gc.group_id = g.id) AS n_articles,\n"
    "       (SELECT count(*) FROM findings AS f\n"
    "        WHERE f.group_id = g.id) AS n_findings\n"
    "FROM groups AS g\n"
    "ORDER BY CASE g.verdict WHEN 'conflict' THEN 0 WHEN 'discrepancy' THEN 1\n"
    "         WHEN 'updated' THEN 2 WHEN 'agree' THEN 3 WHEN 'single' THEN 4\n"
    "         ELSE 5 END, g.id";

/* Every migration script ends by setting the version it produces. */
static const char sql_v1_version[] = "PRAGMA user_version = 1";

/* Migration 0 -> 1: the initial schema, in execution order. */
static const char *const schema_v1[] = {sql_v1_meta,
                                        sql_v1_runs,
                                        sql_v1_articles,
                                        sql_v1_groups,
                                        sql_v1_claims,
                                        sql_v1_group_claims,
                                        sql_v1_findings,
                                        sql_v1_finding_claims,
                                        sql_v1_indexes,
                                        sql_v1_open_findings,
                                        sql_v1_claims_by_source,
                                        sql_v1_group_summary,
                                        sql_v1_version,
                                        NULL};

/* ---- schema, version 2: the desk's workflow --------------------------- */

/* An editor's verdict on a finding, kept across runs by the finding's
 * stable id (no foreign key: a finding may vanish and come back). */
static const char sql_v2_reviews[] =
    "CREATE TABLE reviews (\n"
    "    finding_id TEXT PRIMARY KEY,\n"
    "    status     TEXT NOT NULL CHECK (status IN\n"
    "                   ('open', 'confirmed', 'dismissed', 'needs_reporting')),\n"
    "    note       TEXT,\n"
    "    updated_at TEXT NOT NULL\n"
    ") WITHOUT ROWID";

/* What each run changed: findings that appeared or went away. */
static const char sql_v2_changes[] =
    "CREATE TABLE finding_changes (\n"
    "    run        INTEGER NOT NULL REFERENCES runs(id),\n"
    "    finding_id TEXT NOT NULL,\n"
    "    change     TEXT NOT NULL CHECK (change IN ('new', 'resolved')),\n"
    "    category   TEXT,\n"
    "    severity   TEXT,\n"
    "    message    TEXT,\n"
    "    PRIMARY KEY (run, finding_id)\n"
    ") WITHOUT ROWID";

/* Open findings are the ones no editor has closed. */
static const char sql_v2_open_findings[] =
    "DROP VIEW open_findings;\n"
    "CREATE VIEW open_findings AS\n"
    "SELECT f.id, f.severity, f.category, g.kind, g.label, f.group_id, g.key,\n"
    "       g.verdict, f.message, coalesce(r.status, 'open') AS status\n"
    "FROM findings AS f LEFT JOIN groups AS g ON g.id = f.group_id\n"
    "     LEFT JOIN reviews AS r ON r.finding_id = f.id\n"
    "WHERE r.status IS NULL OR r.status IN ('open', 'needs_reporting')\n"
    "ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1\n"
    "         WHEN 'low' THEN 2 ELSE 3 END, f.category, f.id";

static const char sql_v2_reviewed[] =
    "CREATE VIEW reviewed_findings AS\n"
    "SELECT f.id, f.severity, f.category, r.status, r.note, r.updated_at, f.message\n"
    "FROM findings AS f JOIN reviews AS r ON r.finding_id = f.id\n"
    "ORDER BY r.updated_at DESC, f.id";

static const char sql_v2_latest_changes[] =
    "CREATE VIEW latest_changes AS\n"
    "SELECT change, severity, category, finding_id, message FROM finding_changes\n"
    "WHERE run = (SELECT max(id) FROM runs)\n"
    "ORDER BY change, severity, category, finding_id";

/* Migration 1 -> 2. */
static const char *const schema_v2[] = {sql_v2_reviews,
                                        sql_v2_changes,
                                        sql_v2_open_findings,
                                        sql_v2_reviewed,
                                        sql_v2_latest_changes,
                                        "PRAGMA user_version = 2",
                                        NULL};

/* ---- schema, version 3: stated changes -------------------------------- */

/* "rose by 5%", "up from 30": the direction of a change the text states
 * and which figure of it the claim is (docs/ndjson.md); NULL for none.
 * Added columns go last, so older rows read NULL. */
static const char sql_v3_change[] =
    "ALTER TABLE claims ADD COLUMN change TEXT CHECK (change IN ('up', 'down'));\n"
    "ALTER TABLE claims ADD COLUMN change_role TEXT\n"
    "    CHECK (change_role IN ('by', 'to', 'from'))";

/* Migration 2 -> 3. */
static const char *const schema_v3[] = {sql_v3_change, "PRAGMA user_version = 3", NULL};

/* Migrations: entry i upgrades user_version i to i + 1. Append only; never
 * edit a released entry (databases already ran it). */
static const char *const *const migrations[] = {schema_v1, schema_v2, schema_v3};
enum { SCHEMA_VERSION = sizeof migrations / sizeof *migrations };

/* ---- statements of a write ------------------------------------------- */

static const char sql_meta[] =
    "INSERT OR IGNORE INTO meta(key, value) VALUES\n"
    "    ('application', 'claimcheck'), ('created_version', ?1),\n"
    "    ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch'))";

static const char sql_run[] =
    "INSERT INTO runs(started_at, version, inputs, n_articles, n_claims, n_groups, n_findings)\n"
    "VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', ?, 'unixepoch'), ?, ?, ?, ?, ?, ?)";

/* The derived rows, children first (foreign keys are enforced). */
static const char sql_clear[] = "DELETE FROM finding_claims;\n"
                                "DELETE FROM findings;\n"
                                "DELETE FROM group_claims;\n"
                                "DELETE FROM claims;\n"
                                "DELETE FROM groups";

static const char sql_article[] =
    "INSERT INTO articles(id, path, title, outlet, url, published, published_from, body,\n"
    "                     last_run)\n"
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)\n"
    "ON CONFLICT(id) DO UPDATE SET path = excluded.path, title = excluded.title,\n"
    "    outlet = excluded.outlet, url = excluded.url, published = excluded.published,\n"
    "    published_from = excluded.published_from, body = excluded.body,\n"
    "    last_run = excluded.last_run";

static const char sql_stale_articles[] = "DELETE FROM articles WHERE last_run IS NOT ?";

static const char sql_group[] =
    "INSERT INTO groups(id, kind, label, key, verdict, n_articles) VALUES (?, ?, ?, ?, ?, ?)";

static const char sql_claim[] =
    "INSERT INTO claims(id, article, start, end, text, sentence, class, kind, key, value,\n"
    "                   lo, hi, scale, qualifier, unit, scope, timex, day, event, place,\n"
    "                   attribution, group_id, change, change_role)\n"
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char sql_group_claim[] =
    "INSERT INTO group_claims(group_id, claim_id, position) VALUES (?, ?, ?)";

static const char sql_finding[] =
    "INSERT INTO findings(id, group_id, category, severity, message) VALUES (?, ?, ?, ?, ?)";

static const char sql_finding_claim[] =
    "INSERT INTO finding_claims(finding_id, claim_id, position) VALUES (?, ?, ?)";

static const char sql_change[] = "INSERT INTO finding_changes(run, finding_id, change, category,\n"
                                 "    severity, message) VALUES (?, ?, ?, ?, ?, ?)";

/* ---- the write context ----------------------------------------------- */

/* One cc_store_write call. Borrows cl, path and inputs; owns db. */
typedef struct store {
    sqlite3 *db;
    const char *path;
    const cc_cluster *cl;
    const char *inputs;    /* runs.inputs text */
    sqlite3_int64 started; /* Unix time the call began */
    sqlite3_int64 run;     /* runs.id of this run once inserted */
    size_t *new_idx;       /* indices of new findings (owned) */
    size_t n_new;
} store;

/* Reports the connection's last error as "path: message"; returns CC_ERROR_DB. */
static cc_error fail(const store *s)
{
    cc_diagf(s->cl->diag, s->cl->diag_ud, "%s: %s", s->path, sqlite3_errmsg(s->db));
    return CC_ERROR_DB;
}

/* Runs static SQL (one or more statements, no parameters). */
static cc_error exec(const store *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? CC_OK : fail(s);
}

/* Compiles sql; NULL (reported) on failure. Caller finalizes the result. */
static sqlite3_stmt *prepare(const store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(s); /* st is NULL: nothing to finalize */
        return NULL;
    }
    return st;
}

/* Finalizes st; keeps err, or reports a finalize failure when err is CC_OK. */
static cc_error finish(const store *s, sqlite3_stmt *st, cc_error err)
{
    int rc = sqlite3_finalize(st);
    return err == CC_OK && rc != SQLITE_OK ? fail(s) : err;
}

/* Runs static sql that yields one integer (a pragma or a count) and sets
 * *v to it; *v is left alone on error. */
static cc_error query_int(const store *s, const char *sql, int *v)
{
    sqlite3_stmt *st = prepare(s, sql);
    if (!st)
        return CC_ERROR_DB;
    if (sqlite3_step(st) != SQLITE_ROW) {
        cc_error err = fail(s);
        sqlite3_finalize(st); /* its error was just reported */
        return err;
    }
    int got = sqlite3_column_int(st, 0);
    cc_error err = finish(s, st, CC_OK);
    if (err == CC_OK)
        *v = got;
    return err;
}

/* ---- binding --------------------------------------------------------- */

/* Binds parameters left to right, keeping the first sqlite3 error. */
typedef struct binder {
    sqlite3_stmt *st;
    int last; /* index of the parameter bound last (1-based) */
    int rc;
} binder;

/* Binds s, or NULL when s is NULL. s must outlive the statement's next step
 * (cluster strings and static names do). */
static void put_text(binder *b, const char *s)
{
    int i = ++b->last;
    if (b->rc == SQLITE_OK)
        b->rc = s ? sqlite3_bind_text(b->st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(b->st, i);
}

/* Binds an integer. */
static void put_int(binder *b, sqlite3_int64 v)
{
    int i = ++b->last;
    if (b->rc == SQLITE_OK)
        b->rc = sqlite3_bind_int64(b->st, i, v);
}

/* Binds v when has is true, else NULL. */
static void put_real(binder *b, bool has, double v)
{
    int i = ++b->last;
    if (b->rc == SQLITE_OK)
        b->rc = has ? sqlite3_bind_double(b->st, i, v) : sqlite3_bind_null(b->st, i);
}

/* Binds a day as YYYY-MM-DD (copied), or NULL for CC_NO_DAY. */
static void put_day(binder *b, int32_t day)
{
    char buf[16];
    int i = ++b->last;
    if (b->rc != SQLITE_OK)
        return;
    if (day == CC_NO_DAY)
        b->rc = sqlite3_bind_null(b->st, i);
    else
        b->rc = sqlite3_bind_text(b->st, i, cc_day_format(day, buf), -1, SQLITE_TRANSIENT);
}

/* Binds the bytes a->body[start:end) without copying; NULL when a is NULL
 * or the range does not lie inside the body. */
static void put_span(binder *b, const cc_article *a, size_t start, size_t end)
{
    int i = ++b->last;
    if (b->rc != SQLITE_OK)
        return;
    if (!a || !a->body || start > end || end > a->body_len)
        b->rc = sqlite3_bind_null(b->st, i);
    else
        b->rc = sqlite3_bind_text64(b->st, i, a->body + start, (sqlite3_uint64)(end - start),
                                    SQLITE_STATIC, SQLITE_UTF8);
}

/* ---- ids of referenced rows (NULL for CC_NONE or a bad index, which a
 * NOT NULL column then rejects) ---------------------------------------- */

/* The article at index i, or NULL. */
static const cc_article *article_at(const cc_cluster *cl, size_t i)
{
    return i < cl->articles.n ? &cl->articles.v[i] : NULL;
}

/* The id of claim i, or NULL. */
static const char *claim_id(const cc_cluster *cl, size_t i)
{
    return i < cl->claims.n ? cl->claims.v[i].id : NULL;
}

/* The id of group i, or NULL. */
static const char *group_id(const cc_cluster *cl, size_t i)
{
    return i < cl->groups.n ? cl->groups.v[i].id : NULL;
}

/* ---- row binders ------------------------------------------------------ */

/* Binds the parameters of row i of one statement through b (which keeps
 * the first error). */
typedef void (*bind_fn)(binder *b, const store *s, size_t i);

/* meta: created_version, created_at (only stick on the first write). */
static void bind_meta(binder *b, const store *s, size_t i)
{
    (void)i;
    put_text(b, CC_VERSION);
    put_int(b, s->started);
}

/* runs: the run being recorded. */
static void bind_run(binder *b, const store *s, size_t i)
{
    (void)i;
    put_int(b, s->started);
    put_text(b, CC_VERSION);
    put_text(b, s->inputs);
    put_int(b, (sqlite3_int64)s->cl->articles.n);
    put_int(b, (sqlite3_int64)s->cl->claims.n);
    put_int(b, (sqlite3_int64)s->cl->groups.n);
    put_int(b, (sqlite3_int64)s->cl->findings.n);
}

/* The id of the current run (for the stale-article delete). */
static void bind_run_id(binder *b, const store *s, size_t i)
{
    (void)i;
    put_int(b, s->run);
}

/* articles: article i, stamped with the current run. */
static void bind_article(binder *b, const store *s, size_t i)
{
    const cc_article *a = &s->cl->articles.v[i];
    put_text(b, a->id);
    put_text(b, a->path);
    put_text(b, a->title);
    put_text(b, a->outlet);
    put_text(b, a->url);
    put_day(b, a->published);
    put_text(b, a->published_from == CC_PUB_NONE ? NULL : cc_pub_from_name(a->published_from));
    put_span(b, a, 0, a->body_len);
    put_int(b, s->run);
}

/* groups: group i. */
static void bind_group(binder *b, const store *s, size_t i)
{
    const cc_group *g = &s->cl->groups.v[i];
    put_text(b, g->id);
    put_text(b, cc_kind_name(s->cl->rules, g->kind));
    put_text(b, cc_kind_label(s->cl->rules, g->kind));
    put_text(b, g->key);
    put_text(b, g->verdict == CC_V_NONE ? NULL : cc_verdict_name(g->verdict));
    put_int(b, (sqlite3_int64)g->n_articles);
}

/* claims columns id .. sentence: where the claim is. */
static void put_claim_where(binder *b, const cc_cluster *cl, const cc_claim *c)
{
    const cc_article *a = article_at(cl, c->article);
    put_text(b, c->id);
    put_text(b, a ? a->id : NULL);
    put_int(b, (sqlite3_int64)c->start);
    put_int(b, (sqlite3_int64)c->end);
    put_span(b, a, c->start, c->end);
    if (c->sent_end > c->sent_start)
        put_span(b, a, c->sent_start, c->sent_end);
    else
        put_text(b, NULL);
}

/* claims columns class .. scope: what the claim states. */
static void put_claim_what(binder *b, const cc_cluster *cl, const cc_claim *c)
{
    put_text(b, cc_class_name(c->cls));
    put_text(b, cc_kind_name(cl->rules, c->kind));
    put_text(b, c->key);
    put_real(b, c->has_value, c->value);
    put_real(b, c->has_lo, c->lo);
    put_real(b, c->has_hi, c->hi);
    put_real(b, c->scale != 0, c->scale);
    put_text(b, cc_qualifier_name(c->qual));
    put_text(b, c->unit);
    put_text(b, c->scope_all ? "all" : NULL);
}

/* claims columns timex .. group_id: dating, context and alignment. */
static void put_claim_context(binder *b, const cc_cluster *cl, const cc_claim *c)
{
    put_text(b, c->timex);
    put_day(b, c->day);
    put_text(b, c->event);
    put_text(b, c->place);
    put_text(b, c->attribution);
    put_text(b, group_id(cl, c->group));
}

/* claims: claim i. */
static void bind_claim(binder *b, const store *s, size_t i)
{
    const cc_claim *c = &s->cl->claims.v[i];
    put_claim_where(b, s->cl, c);
    put_claim_what(b, s->cl, c);
    put_claim_context(b, s->cl, c);
    put_text(b, cc_change_name(c->change)); /* columns of version 3 */
    put_text(b, cc_change_role_name(c->change_role));
}

/* findings: finding i. */
static void bind_finding(binder *b, const store *s, size_t i)
{
    const cc_finding *f = &s->cl->findings.v[i];
    put_text(b, f->id);
    put_text(b, group_id(s->cl, f->group));
    put_text(b, cc_category_name(f->category));
    put_text(b, cc_severity_name(f->severity));
    put_text(b, f->message);
}

/* ---- inserting -------------------------------------------------------- */

/* Steps a bound statement (rc = result of binding) to completion and resets
 * it for the next row. */
static cc_error step_row(const store *s, sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        cc_error err = fail(s);
        sqlite3_reset(st); /* repeats the error just reported */
        return err;
    }
    return sqlite3_reset(st) == SQLITE_OK ? CC_OK : fail(s);
}

/* Prepares sql and runs it once per row 0 .. n-1, bound by bind. */
static cc_error exec_rows(const store *s, const char *sql, size_t n, bind_fn bind)
{
    sqlite3_stmt *st = prepare(s, sql);
    if (!st)
        return CC_ERROR_DB;
    cc_error err = CC_OK;
    for (size_t i = 0; err == CC_OK && i < n; i++) {
        binder b = {st, 0, SQLITE_OK};
        bind(&b, s, i);
        err = step_row(s, st, b.rc);
    }
    return finish(s, st, err);
}

/* Returns the id of owner i of a link table and its claim indices. */
typedef const char *(*links_fn)(const cc_cluster *cl, size_t i, const size_t **claims, size_t *n);

/* Group i's claims. */
static const char *group_links(const cc_cluster *cl, size_t i, const size_t **claims, size_t *n)
{
    *claims = cl->groups.v[i].claims;
    *n = cl->groups.v[i].n_claims;
    return cl->groups.v[i].id;
}

/* Finding i's claims. */
static const char *finding_links(const cc_cluster *cl, size_t i, const size_t **claims, size_t *n)
{
    *claims = cl->findings.v[i].claims;
    *n = cl->findings.v[i].n_claims;
    return cl->findings.v[i].id;
}

/* Binds one (owner, claim, position) link row. */
static int bind_link(sqlite3_stmt *st, const char *owner, const char *claim, size_t pos)
{
    binder b = {st, 0, SQLITE_OK};
    put_text(&b, owner);
    put_text(&b, claim);
    put_int(&b, (sqlite3_int64)pos);
    return b.rc;
}

/* Inserts a link row for every claim of each of n owners (groups or findings). */
static cc_error insert_links(const store *s, const char *sql, size_t n, links_fn links)
{
    sqlite3_stmt *st = prepare(s, sql);
    if (!st)
        return CC_ERROR_DB;
    cc_error err = CC_OK;
    for (size_t i = 0; err == CC_OK && i < n; i++) {
        const size_t *claims;
        size_t n_claims;
        const char *owner = links(s->cl, i, &claims, &n_claims);
        for (size_t j = 0; err == CC_OK && j < n_claims; j++)
            err = step_row(s, st, bind_link(st, owner, claim_id(s->cl, claims[j]), j));
    }
    return finish(s, st, err);
}

/* finding_changes row i: the new findings, then the resolved ones. */
static void bind_change(binder *b, const store *s, size_t i)
{
    put_int(b, s->run);
    if (i < s->n_new) {
        const cc_finding *f = &s->cl->findings.v[s->new_idx[i]];
        put_text(b, f->id);
        put_text(b, "new");
        put_text(b, cc_category_name(f->category));
        put_text(b, cc_severity_name(f->severity));
        put_text(b, f->message);
    } else {
        const cc_resolved *r = &s->cl->resolved.v[i - s->n_new];
        put_text(b, r->id);
        put_text(b, "resolved");
        put_text(b, r->category);
        put_text(b, r->severity);
        put_text(b, r->message);
    }
}

/* Lists the new findings' indices in s (freed by cc_store_write). */
static bool index_new(store *s)
{
    s->new_idx = malloc((s->cl->findings.n + 1) * sizeof *s->new_idx);
    for (size_t f = 0; s->new_idx && f < s->cl->findings.n; f++)
        if (s->cl->findings.v[f].is_new)
            s->new_idx[s->n_new++] = f;
    return s->new_idx != NULL;
}

/* ---- the transaction -------------------------------------------------- */

/* Brings the schema to SCHEMA_VERSION; must run inside the transaction so
 * concurrent writers migrate once and a failure leaves the old schema. */
static cc_error migrate(const store *s)
{
    int v = 0;
    cc_error err = query_int(s, "PRAGMA user_version", &v);
    if (err != CC_OK)
        return err;
    if (v < 0 || v > SCHEMA_VERSION) {
        cc_diagf(s->cl->diag, s->cl->diag_ud,
                 "%s: schema version %d is not supported (claimcheck %s writes version %d)",
                 s->path, v, CC_VERSION, (int)SCHEMA_VERSION);
        return CC_ERROR_DB;
    }
    for (; err == CC_OK && v < SCHEMA_VERSION; v++)
        for (const char *const *sql = migrations[v]; err == CC_OK && *sql; sql++)
            err = exec(s, *sql);
    return err;
}

/* Appends this run to runs and remembers its id. */
static cc_error write_run(store *s)
{
    cc_error err = exec_rows(s, sql_run, 1, bind_run);
    if (err == CC_OK)
        s->run = sqlite3_last_insert_rowid(s->db);
    return err;
}

/* Replaces the stored analysis with the cluster's. Articles are upserted
 * and the ones this run did not see dropped; derived rows are rewritten. */
static cc_error write_analysis(const store *s)
{
    const cc_cluster *cl = s->cl;
    cc_error err = exec(s, sql_clear);
    if (err == CC_OK)
        err = exec_rows(s, sql_article, cl->articles.n, bind_article);
    if (err == CC_OK)
        err = exec_rows(s, sql_stale_articles, 1, bind_run_id);
    if (err == CC_OK)
        err = exec_rows(s, sql_group, cl->groups.n, bind_group);
    if (err == CC_OK)
        err = exec_rows(s, sql_claim, cl->claims.n, bind_claim);
    if (err == CC_OK)
        err = insert_links(s, sql_group_claim, cl->groups.n, group_links);
    if (err == CC_OK)
        err = exec_rows(s, sql_finding, cl->findings.n, bind_finding);
    if (err == CC_OK)
        err = insert_links(s, sql_finding_claim, cl->findings.n, finding_links);
    if (err == CC_OK && cl->has_history)
        err = exec_rows(s, sql_change, s->n_new + cl->resolved.n, bind_change);
    return err;
}

/* Undoes the open transaction, if SQLite has not already done so. */
static void rollback(const store *s)
{
    if (!sqlite3_get_autocommit(s->db) &&
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        fail(s);
}

/* The writes of one transaction, made after the schema is migrated; arg
 * is whatever the caller of transaction() passed (borrowed). */
typedef cc_error (*txn_fn)(store *s, const void *arg);

/* Migrates the schema and runs body in one IMMEDIATE transaction (the
 * write lock is taken up front, so the busy timeout covers waiting for it);
 * any error rolls everything back. Both writers, a run and a review, go
 * through here. */
static cc_error transaction(store *s, txn_fn body, const void *arg)
{
    cc_error err = exec(s, "BEGIN IMMEDIATE");
    if (err != CC_OK)
        return err;
    err = migrate(s);
    if (err == CC_OK)
        err = body(s, arg);
    if (err == CC_OK)
        err = exec(s, "COMMIT");
    if (err != CC_OK)
        rollback(s);
    return err;
}

/* A run's writes: meta, the run row and the analysis (arg unused). */
static cc_error write_all(store *s, const void *arg)
{
    (void)arg;
    cc_error err = exec_rows(s, sql_meta, 1, bind_meta);
    if (err == CC_OK)
        err = write_run(s);
    return err == CC_OK ? write_analysis(s) : err;
}

/* ---- connection ------------------------------------------------------- */

/* Steps st, retrying SQLITE_BUSY for up to the busy timeout. For a journal
 * mode change racing another connection on a new database SQLite returns
 * BUSY at once instead of calling the busy handler. */
static int step_patiently(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    for (int waited = 0; rc == SQLITE_BUSY && waited < BUSY_TIMEOUT_MS; waited += RETRY_MS) {
        sqlite3_reset(st); /* returns the BUSY we are handling */
        sqlite3_sleep(RETRY_MS);
        rc = sqlite3_step(st);
    }
    return rc;
}

/* Switches to WAL (readers never block the writer); warns if the file
 * system refuses it and carries on in the mode SQLite kept. */
static cc_error set_wal(const store *s)
{
    sqlite3_stmt *st = prepare(s, "PRAGMA journal_mode = WAL");
    if (!st)
        return CC_ERROR_DB;
    if (step_patiently(st) != SQLITE_ROW) {
        cc_error err = fail(s);
        sqlite3_finalize(st); /* its error was just reported */
        return err;
    }
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    if (!mode || strcmp(mode, "wal") != 0)
        cc_diagf(s->cl->diag, s->cl->diag_ud, "%s: warning: journal mode is %s, not wal", s->path,
                 mode ? mode : "unknown");
    return finish(s, st, CC_OK);
}

/* Opens s->path with flags and sets the busy timeout, reporting failures;
 * close_db closes even a half-opened connection. */
static cc_error connect_db(store *s, int flags)
{
    if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK)
        return fail(s);
    return sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS) == SQLITE_OK ? CC_OK : fail(s);
}

/* Opens (creating if missing) s->path and configures the connection for
 * writing a run. */
static cc_error open_db(store *s)
{
    cc_error err = connect_db(s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (err == CC_OK)
        err = set_wal(s);
    return err == CC_OK ? exec(s, "PRAGMA foreign_keys = ON") : err;
}

/* Closes the connection (also a half-opened one); keeps an earlier error. */
static cc_error close_db(store *s, cc_error err)
{
    if (sqlite3_close(s->db) != SQLITE_OK && err == CC_OK)
        err = fail(s);
    s->db = NULL;
    return err;
}

/* The articles' paths (ids where a path is missing), newline-separated,
 * skipping a repeat of the previous line (NDJSON). Caller frees; NULL on
 * allocation failure. */
static char *run_inputs(const cc_cluster *cl)
{
    if (cl->inputs) /* what the command line named */
        return cc_strdup(cl->inputs);
    cc_buf b = {0};
    const char *prev = NULL;
    for (size_t i = 0; i < cl->articles.n; i++) {
        const cc_article *a = &cl->articles.v[i];
        const char *in = a->path ? a->path : a->id;
        if (!in || (prev && strcmp(in, prev) == 0))
            continue;
        if (b.len > 0)
            cc_buf_putc(&b, '\n');
        cc_buf_puts(&b, in);
        prev = in;
    }
    return cc_buf_take(&b);
}

/* Writes the cluster to the database at path; see store.h. */
cc_error cc_store_write(const cc_cluster *cl, const char *path)
{
    if (!path || !*path) {
        cc_diagf(cl->diag, cl->diag_ud, "store: no database path given");
        return CC_ERROR_IO;
    }
    char *inputs = run_inputs(cl); /* owned here, freed below */
    if (!inputs) {
        cc_diagf(cl->diag, cl->diag_ud, "%s: out of memory", path);
        return CC_ERROR_MEMORY;
    }
    store s = {.path = path, .cl = cl, .inputs = inputs, .started = (sqlite3_int64)time(NULL)};
    cc_error err = index_new(&s) ? open_db(&s) : CC_ERROR_MEMORY;
    if (err == CC_OK)
        err = transaction(&s, write_all, NULL);
    err = close_db(&s, err);
    free(inputs);
    free(s.new_idx);
    return err;
}

/* ---- reading a database back (incremental runs, report, review) -------- */

/* Opens path read-only if it exists and holds a claimcheck schema; false
 * (and no diagnostic) for a missing or empty file. Sets *version. */
static bool open_existing(store *s, int *version)
{
    int v = 0;
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS) != SQLITE_OK ||
        query_int(s, "PRAGMA user_version", &v) != CC_OK || v < 1) {
        sqlite3_close(s->db);
        s->db = NULL;
        return false;
    }
    *version = v;
    return true;
}

/* Copies column col as a string (NULL stays NULL); caller frees. */
static char *column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? cc_strndup((const char *)t, (size_t)sqlite3_column_bytes(st, col)) : NULL;
}

/* Builds an article from a row of sql_load_articles. An article the
 * cluster dated is undated again so the new cluster can date it afresh. */
static bool article_from_row(sqlite3_stmt *st, cc_article *a)
{
    const char *from = (const char *)sqlite3_column_text(st, 6);
    const char *day = (const char *)sqlite3_column_text(st, 5);
    *a = (cc_article){0};
    a->id = column_dup(st, 0);
    a->path = column_dup(st, 1);
    a->title = column_dup(st, 2);
    a->outlet = column_dup(st, 3);
    a->url = column_dup(st, 4);
    a->body = column_dup(st, 7);
    a->body_len = a->body ? strlen(a->body) : 0;
    a->published = day && from && strcmp(from, "cluster") != 0 ? cc_day_parse_iso(day) : CC_NO_DAY;
    a->published_from = a->published == CC_NO_DAY       ? CC_PUB_NONE
                        : from && !strcmp(from, "text") ? CC_PUB_TEXT
                                                        : CC_PUB_METADATA;
    a->from_store = true;
    return a->id && a->body;
}

/* Adds the articles stored at path to cl (see store.h). */
cc_error cc_store_load_articles(cc_cluster *cl, const char *path)
{
    store s = {.path = path, .cl = cl};
    int version;
    if (!open_existing(&s, &version))
        return CC_OK;
    sqlite3_stmt *st = prepare(&s, "SELECT id, path, title, outlet, url, published,\n"
                                   "       published_from, body FROM articles ORDER BY id");
    cc_error err = st ? CC_OK : CC_ERROR_DB;
    int rc = SQLITE_ROW;
    while (err == CC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        cc_article a;
        if (!article_from_row(st, &a) || !CC_VEC_PUSH(cl->articles, a)) {
            cc_article_clear(&a);
            err = CC_ERROR_MEMORY;
        }
    }
    if (err == CC_OK && rc != SQLITE_DONE)
        err = fail(&s);
    err = finish(&s, st, err);
    return close_db(&s, err);
}

/* Orders finding pointers by id. */
static int cmp_finding_id(const void *a, const void *b)
{
    return strcmp((*(cc_finding *const *)a)->id, (*(cc_finding *const *)b)->id);
}

/* Position of the finding with id in the sorted index, or CC_NONE. */
static size_t find_id(cc_finding **by_id, size_t n, const char *id)
{
    cc_finding key = {.id = (char *)id}, *kp = &key;
    cc_finding **hit =
        id && n ? bsearch(&kp, by_id, n, sizeof(cc_finding *), cmp_finding_id) : NULL;
    return hit ? (size_t)(hit - by_id) : CC_NONE;
}

/* Applies stored reviews to the matching findings. */
static cc_error read_reviews(const store *s, cc_finding **by_id, size_t n)
{
    sqlite3_stmt *st = prepare(s, "SELECT finding_id, status, note FROM reviews");
    int rc = SQLITE_ROW;
    cc_error err = st ? CC_OK : CC_ERROR_DB;
    while (err == CC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t i = find_id(by_id, n, (const char *)sqlite3_column_text(st, 0));
        if (i == CC_NONE)
            continue;
        cc_finding *f = by_id[i];
        free(f->review);
        free(f->review_note);
        f->review = column_dup(st, 1);
        f->review_note = column_dup(st, 2);
    }
    if (err == CC_OK && rc != SQLITE_DONE)
        err = fail(s);
    return finish(s, st, err);
}

/* Records a finding of an earlier run that is gone now, from a row of
 * (id, change, category, severity, message); cl owns the copies. */
static bool add_resolved(cc_cluster *cl, sqlite3_stmt *st)
{
    cc_resolved r = {column_dup(st, 0), column_dup(st, 2), column_dup(st, 3), column_dup(st, 4)};
    if (r.id && CC_VEC_PUSH(cl->resolved, r))
        return true;
    cc_resolved_clear(&r);
    return false;
}

/* Compares this run's findings with the stored ones (a check run) or
 * reads the changes the last run recorded (a report run). */
static cc_error read_changes(const store *s, cc_cluster *cl, cc_finding **by_id, size_t n,
                             bool last_run)
{
    const char *sql = last_run ? "SELECT finding_id, change, category, severity, message\n"
                                 "FROM finding_changes WHERE run = (SELECT max(id) FROM runs)\n"
                                 "ORDER BY finding_id"
                               : "SELECT id, 'old', category, severity, message FROM findings\n"
                                 "ORDER BY id";
    bool *seen = calloc(n + 1, sizeof *seen);
    sqlite3_stmt *st = seen ? prepare(s, sql) : NULL;
    cc_error err = st ? CC_OK : seen ? CC_ERROR_DB : CC_ERROR_MEMORY;
    int rc = SQLITE_ROW;
    while (err == CC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *change = (const char *)sqlite3_column_text(st, 1);
        size_t i = find_id(by_id, n, (const char *)sqlite3_column_text(st, 0));
        if (i != CC_NONE)
            seen[i] = true;
        if (i != CC_NONE && change && !strcmp(change, "new"))
            by_id[i]->is_new = true;
        if ((i == CC_NONE && !last_run) || (change && !strcmp(change, "resolved")))
            err = add_resolved(cl, st) ? CC_OK : CC_ERROR_MEMORY;
    }
    if (err == CC_OK && rc != SQLITE_DONE)
        err = fail(s);
    for (size_t i = 0; err == CC_OK && !last_run && i < n; i++)
        by_id[i]->is_new = !seen[i];
    free(seen);
    return finish(s, st, err);
}

/* Reads reviews and changes from an earlier run (see store.h). */
cc_error cc_store_read_history(cc_cluster *cl, const char *path, bool last_run)
{
    store s = {.path = path, .cl = cl};
    int version; /* schema 1 has no reviews or recorded changes yet */
    if (!open_existing(&s, &version))
        return CC_OK;
    size_t n = cl->findings.n;
    cc_finding **by_id = malloc((n + 1) * sizeof(cc_finding *));
    int runs = -1; /* stays -1 on error: no history */
    cc_error err = by_id ? query_int(&s, "SELECT count(*) FROM runs", &runs) : CC_ERROR_MEMORY;
    for (size_t i = 0; by_id && i < n; i++)
        by_id[i] = &cl->findings.v[i];
    if (by_id && n)
        qsort(by_id, n, sizeof(cc_finding *), cmp_finding_id);
    cl->has_history = runs >= (last_run ? 2 : 1) && (version >= 2 || !last_run);
    if (err == CC_OK && version >= 2)
        err = read_reviews(&s, by_id, n);
    if (err == CC_OK && cl->has_history)
        err = read_changes(&s, cl, by_id, n, last_run);
    free(by_id);
    return close_db(&s, err);
}

/* Checks that finding exists in the stored analysis. */
static cc_error known_finding(const store *s, const char *finding)
{
    sqlite3_stmt *st = prepare(s, "SELECT 1 FROM findings WHERE id = ?");
    if (!st)
        return CC_ERROR_DB;
    sqlite3_bind_text(st, 1, finding, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    cc_error err = rc == SQLITE_ROW ? CC_OK : rc == SQLITE_DONE ? CC_ERROR_INPUT : fail(s);
    if (err == CC_ERROR_INPUT)
        cc_diagf(s->cl->diag, s->cl->diag_ud, "%s: no finding %s (see claimcheck review --db %s)",
                 s->path, finding, s->path);
    return finish(s, st, err);
}

/* An editor's verdict to record (all borrowed; note may be NULL). */
typedef struct review {
    const char *finding, *status, *note;
} review;

/* Upserts the review row. */
static cc_error put_review(const store *s, const review *r)
{
    sqlite3_stmt *st =
        prepare(s, "INSERT INTO reviews(finding_id, status, note, updated_at)\n"
                   "VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))\n"
                   "ON CONFLICT(finding_id) DO UPDATE SET status = excluded.status,\n"
                   "    note = excluded.note, updated_at = excluded.updated_at");
    if (!st)
        return CC_ERROR_DB;
    binder b = {st, 0, SQLITE_OK};
    put_text(&b, r->finding);
    put_text(&b, r->status);
    put_text(&b, r->note);
    return finish(s, st, step_row(s, st, b.rc));
}

/* A review's writes: the verdict, if the finding exists (arg: a review). */
static cc_error write_review(store *s, const void *arg)
{
    const review *r = arg;
    cc_error err = known_finding(s, r->finding);
    return err == CC_OK ? put_review(s, r) : err;
}

/* Records an editor's verdict (see store.h). */
cc_error cc_store_review(const cc_cluster *cl, const char *path, const char *finding,
                         const char *status, const char *note)
{
    store s = {.path = path, .cl = cl};
    review r = {finding, status, note};
    cc_error err = connect_db(&s, SQLITE_OPEN_READWRITE);
    if (err == CC_OK)
        err = transaction(&s, write_review, &r);
    return close_db(&s, err);
}
