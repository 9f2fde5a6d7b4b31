/* rulecache.c: the rules loader's cache of its costly analysis
 * (internal to the rules loader).
 *
 * Loading claims/ compiles every claim rule twice (the rule, and the
 * loosened copy the start tests match) and runs thousands of partial
 * matches to find the words each rule may start with: about a third of
 * what `extract` costs on a couple of megabytes. None of it depends on the
 * input, only on the rule files, PCRE2 and this program; so the loader
 * keeps the outcome (the compiled rules, their first bytes and the words
 * that passed the start test) in one file per key, and a later load with
 * the same key reads it instead. JIT code cannot be stored and is always
 * compiled afresh.
 *
 * File: magic, key, rule count, payload length, payload, FNV-1a of
 * the payload. Payload: per rule its 32 first-byte bits, digit and
 * punctuation follow masks, the word and boundary rules' first-byte bits, the gate count,
 * the PCRE2-serialized claim rules, token matcher and gates (so a hit
 * expands and compiles no pattern), then the (rule, follow masks,
 * two-byte masks if any, word) start pairs. Native byte order: the key
 * includes this executable, so a file never meets another machine's
 * reader. Any mismatch or damage is a
 * miss; a miss costs nothing but the analysis. Written to a temporary
 * file and renamed, so readers never see half a file. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rules.h"
#include "util.h"

static const char cache_magic[8] = {'C', 'C', 'R', 'U', 'L', 'E', 'S', 10};

/* Whether the /proc/self/maps line holds address a, and then its path
 * (NULL for an anonymous mapping): "lo-hi perms offset dev inode path". */
static const char *maps_path(char *line, uintptr_t a)
{
    char *end;
    unsigned long lo = strtoul(line, &end, 16);
    unsigned long hi = *end == '-' ? strtoul(end + 1, &end, 16) : 0;
    char *path = strchr(end, '/');
    if (a < lo || a >= hi || !path)
        return NULL;
    path[strcspn(path, "\n")] = '\0';
    return path;
}

/* Writes to path the file the loader's code runs from: the mapping in
 * /proc/self/maps that holds this function. (Not /proc/self/exe, which
 * under valgrind is valgrind.) False when it cannot be told. */
static bool code_file(char *path, size_t cap)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096 + 128];
    const char *found = NULL;
    while (f && !found && fgets(line, sizeof line, f))
        found = maps_path(line, (uintptr_t)code_file);
    if (f)
        fclose(f);
    return found && snprintf(path, cap, "%s", found) < (int)cap;
}

/* Mixes into text_key (the loader's hash of the rule files) what else the
 * analysis depends on: the PCRE2 version, the compile options, and the
 * file this code runs from (path, size and time: a rebuilt loader may
 * analyse differently). Without that file there is no key worth trusting:
 * 0, and no cache. */
uint64_t cc_rcache_key(uint64_t text_key, uint32_t options)
{
    char ver[64] = "", exe[4096];
    struct stat st = {0};
    if (!code_file(exe, sizeof exe) || stat(exe, &st) != 0)
        return 0;
    uint64_t id[3] = {(uint64_t)st.st_size, (uint64_t)st.st_mtime, (uint64_t)st.st_ino};
    uint64_t h = cc_fnv(text_key, &options, sizeof options);
    pcre2_config(PCRE2_CONFIG_VERSION, ver);
    h = cc_fnv(h, ver, strlen(ver));
    return cc_fnv(cc_fnv(h, exe, strlen(exe)), id, sizeof id);
}

/* The cache file's path for key under dir; caller frees (NULL on oom). */
static char *cache_path(const char *dir, uint64_t key)
{
    return cc_strfmt("%s/rules-%016llx.bin", dir, (unsigned long long)key);
}

/* ---- reading ------------------------------------------------------------ */

/* A bounds-checked reader over a loaded file. */
typedef struct cursor {
    const unsigned char *p, *end;
    bool bad;
} cursor;

/* Copies the next n bytes to out; marks the cursor bad past the end. */
static void take(cursor *c, void *out, size_t n)
{
    if (c->bad || (size_t)(c->end - c->p) < n) {
        c->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, c->p, n);
    c->p += n;
}

/* The next uint64_t. */
static uint64_t take_u64(cursor *c)
{
    uint64_t v;
    take(c, &v, sizeof v);
    return v;
}

/* Frees a cache read; accepts NULL and half-read ones. Codes still held
 * (not taken by the loader) are freed too. */
void cc_rcache_free(cc_rcache *rc)
{
    if (!rc)
        return;
    for (size_t i = 0; rc->codes && i < rc->n_rules; i++)
        pcre2_code_free(rc->codes[i]);
    for (size_t i = 0; rc->pairs && i < rc->n_pairs; i++)
        free(rc->pairs[i].word);
    for (size_t i = 0; rc->gates && i < rc->n_gates; i++)
        pcre2_code_free(rc->gates[i]);
    pcre2_code_free(rc->tokens);
    free(rc->gates);
    free(rc->codes);
    free(rc->first);
    free(rc->digits);
    free(rc->punct);
    free(rc->pairs);
    free(rc);
}

/* Whether rule i of r is a claim rule: those are the ones the cache keeps
 * code for, in rule order. */
static bool is_claim(const cc_rules *r, size_t i)
{
    return r->rules.v[i].kind == CC_RULE_CLAIM;
}

/* Files the decoded codes: the claim rules of r take the first ones in
 * order, the token matcher the next, the gates the rest. */
static void file_codes(cc_rcache *rc, const cc_rules *r, pcre2_code **codes)
{
    size_t k = 0;
    for (size_t i = 0; i < rc->n_rules; i++)
        rc->codes[i] = is_claim(r, i) ? codes[k++] : NULL;
    rc->tokens = codes[k++];
    for (size_t g = 0; g < rc->n_gates; g++)
        rc->gates[g] = codes[k++];
}

/* Decodes the gate count and the serialized codes into rc (file_codes).
 * False when the bytes do not decode (another PCRE2 build) or their count
 * is wrong. */
static bool read_codes(cursor *c, cc_rcache *rc, const cc_rules *r)
{
    uint64_t n_gates = take_u64(c), size = take_u64(c);
    if (c->bad || size > (uint64_t)(c->end - c->p) || n_gates > rc->n_rules)
        return false;
    size_t want = 1 + (size_t)n_gates;
    for (size_t i = 0; i < rc->n_rules; i++)
        want += is_claim(r, i);
    pcre2_code **codes = calloc(want, sizeof(pcre2_code *));
    rc->gates = calloc(n_gates + 1, sizeof(pcre2_code *));
    int32_t got =
        !codes || !rc->gates ? -1 : pcre2_serialize_decode(codes, (int32_t)want, c->p, NULL);
    c->p += size;
    rc->n_gates = got == (int32_t)want ? (size_t)n_gates : 0;
    if (got == (int32_t)want)
        file_codes(rc, r, codes);
    for (int32_t k = 0; got != (int32_t)want && k < got; k++)
        pcre2_code_free(codes[k]);
    free(codes);
    return got == (int32_t)want;
}

/* Reads the (rule, word) start pairs. False on damage. */
static bool read_pairs(cursor *c, cc_rcache *rc)
{
    uint64_t n = take_u64(c);
    if (c->bad || n > (uint64_t)(c->end - c->p) / (6 + sizeof rc->pairs->follow))
        return false;
    rc->pairs = calloc(n + 1, sizeof *rc->pairs);
    for (size_t i = 0; rc->pairs && i < n && !c->bad; i++, rc->n_pairs++) {
        uint32_t rule;
        uint8_t len, has2;
        take(c, &rule, sizeof rule);
        take(c, &len, sizeof len);
        take(c, rc->pairs[i].follow, sizeof rc->pairs[i].follow);
        take(c, &has2, sizeof has2);
        c->bad |= has2 > 1;
        rc->pairs[i].has2 = has2 == 1;
        if (rc->pairs[i].has2)
            take(c, &rc->pairs[i].follow2, sizeof rc->pairs[i].follow2);
        rc->pairs[i].rule = rule;
        rc->pairs[i].word = malloc((size_t)len + 1);
        if (!rc->pairs[i].word || rule >= rc->n_rules)
            return false;
        take(c, rc->pairs[i].word, len);
        rc->pairs[i].word[len] = '\0';
    }
    return rc->pairs && !c->bad;
}

/* Checks the header and checksum of a loaded cache file against key and
 * n_rules; on success c covers just the payload. */
static bool read_header(cursor *c, uint64_t key, size_t n_rules)
{
    char magic[sizeof cache_magic];
    take(c, magic, sizeof magic);
    uint64_t k = take_u64(c), n = take_u64(c), len = take_u64(c);
    if (c->bad || memcmp(magic, cache_magic, sizeof magic) != 0 || k != key || n != n_rules ||
        len != (uint64_t)(c->end - c->p) - sizeof(uint64_t))
        return false;
    uint64_t sum;
    memcpy(&sum, c->p + len, sizeof sum);
    c->end = c->p + len;
    return sum == cc_fnv(CC_FNV_INIT, c->p, (size_t)len);
}

/* Reads the cache for key from dir, for the rules r as parsed (not yet
 * built); NULL on any miss (no file, another key, damage, out of memory).
 * Caller frees with cc_rcache_free. */
cc_rcache *cc_rcache_read(const char *dir, uint64_t key, const cc_rules *r)
{
    size_t n_rules = r->rules.n;
    if (key == 0)
        return NULL;
    char *path = cache_path(dir, key);
    cc_buf b = {0};
    int e = path ? cc_buf_read_path(&b, path, (size_t)64 << 20) : ENOMEM;
    free(path);
    cursor c = {(const unsigned char *)b.p, (const unsigned char *)b.p + b.len, false};
    cc_rcache *rc = e == 0 && b.p && read_header(&c, key, n_rules) ? calloc(1, sizeof *rc) : NULL;
    if (rc) {
        rc->n_rules = n_rules;
        rc->codes = calloc(n_rules + 1, sizeof(pcre2_code *));
        rc->first = calloc(n_rules + 1, sizeof *rc->first);
        rc->digits = calloc(n_rules + 1, sizeof *rc->digits);
        rc->punct = calloc(n_rules + 1, sizeof *rc->punct);
    }
    for (size_t i = 0; rc && rc->first && rc->digits && rc->punct && i < n_rules; i++) {
        take(&c, rc->first[i], sizeof rc->first[i]);
        take(&c, &rc->digits[i], sizeof rc->digits[i]);
        take(&c, &rc->punct[i], sizeof rc->punct[i]);
    }
    if (rc)
        take(&c, rc->token_first, sizeof rc->token_first);
    bool ok = rc && rc->codes && rc->first && rc->digits && rc->punct && !c.bad &&
              read_codes(&c, rc, r) && read_pairs(&c, rc) && c.p == c.end;
    cc_buf_free(&b);
    if (!ok) {
        cc_rcache_free(rc);
        return NULL;
    }
    return rc;
}

/* ---- writing ------------------------------------------------------------ */

/* Appends the start pairs to b; false when a word is too long for its
 * length byte. */
static bool write_pairs(cc_buf *b, const cc_start_pair *pairs, size_t n)
{
    uint64_t np = n;
    cc_buf_add(b, (const char *)&np, sizeof np);
    for (size_t i = 0; i < n; i++) {
        uint32_t rule = (uint32_t)pairs[i].rule;
        size_t len = strlen(pairs[i].word);
        uint8_t l8 = (uint8_t)len;
        if (len > UINT8_MAX)
            return false;
        cc_buf_add(b, (const char *)&rule, sizeof rule);
        cc_buf_add(b, (const char *)&l8, sizeof l8);
        cc_buf_add(b, (const char *)pairs[i].follow, sizeof pairs[i].follow);
        cc_buf_putc(b, pairs[i].has2);
        if (pairs[i].has2)
            cc_buf_add(b, (const char *)&pairs[i].follow2, sizeof pairs[i].follow2);
        cc_buf_add(b, pairs[i].word, len);
    }
    return true;
}

/* Appends the gate count and the serialized codes (the claim rules', the
 * token matcher's, the gates'; see file_codes) to b; false when they do
 * not serialize. */
static bool write_codes(cc_buf *b, const cc_rules *r)
{
    const pcre2_code **codes = calloc(r->rules.n + r->gates.n + 1, sizeof(const pcre2_code *));
    int32_t nc = 0;
    for (size_t i = 0; codes && i < r->rules.n; i++)
        if (is_claim(r, i))
            codes[nc++] = r->rules.v[i].m->code;
    if (codes)
        codes[nc++] = r->tokens->code;
    for (size_t g = 0; codes && g < r->gates.n; g++)
        codes[nc++] = r->gates.v[g].m->code;
    uint8_t *bytes = NULL;
    PCRE2_SIZE size = 0;
    int32_t rc = codes ? pcre2_serialize_encode(codes, nc, &bytes, &size, NULL) : -1;
    free(codes);
    uint64_t head[2] = {r->gates.n, size};
    cc_buf_add(b, (const char *)head, sizeof head);
    if (bytes && rc == nc)
        cc_buf_add(b, (const char *)bytes, (size_t)size);
    pcre2_serialize_free(bytes);
    return rc == nc;
}

/* Appends the payload for rules r and the start pairs; false when a code
 * does not serialize. */
static bool write_payload(cc_buf *b, const cc_rules *r, const cc_start_pair *pairs, size_t n)
{
    for (size_t i = 0; i < r->rules.n; i++) {
        cc_buf_add(b, (const char *)r->rules.v[i].first, sizeof r->rules.v[i].first);
        cc_buf_add(b, (const char *)&r->rules.v[i].digits, sizeof r->rules.v[i].digits);
        cc_buf_add(b, (const char *)&r->rules.v[i].punct, sizeof r->rules.v[i].punct);
    }
    cc_buf_add(b, (const char *)r->token_first, sizeof r->token_first);
    bool ok = write_codes(b, r);
    return write_pairs(b, pairs, n) && ok;
}

/* Writes the whole file image for key into b. */
static bool write_image(cc_buf *b, uint64_t key, const cc_rules *r, const cc_start_pair *pairs,
                        size_t n)
{
    cc_buf payload = {0};
    bool ok = write_payload(&payload, r, pairs, n) && !payload.oom;
    uint64_t head[3] = {key, r->rules.n, payload.len};
    uint64_t sum = cc_fnv(CC_FNV_INIT, payload.p, payload.len);
    cc_buf_add(b, cache_magic, sizeof cache_magic);
    cc_buf_add(b, (const char *)head, sizeof head);
    cc_buf_add(b, payload.p, payload.len);
    cc_buf_add(b, (const char *)&sum, sizeof sum);
    cc_buf_free(&payload);
    return ok && !b->oom;
}

/* Creates dir and its parent when missing (the usual ~/.cache/claimcheck). */
static void make_dirs(const char *dir)
{
    char *parent = cc_strdup(dir);
    char *slash = parent ? strrchr(parent, '/') : NULL;
    if (slash && slash != parent) {
        *slash = '\0';
        mkdir(parent, 0755);
    }
    free(parent);
    mkdir(dir, 0755);
}

/* True for a cache file's name (see cache_path). */
static bool is_cache_name(const char *name)
{
    size_t n = strlen(name);
    return strncmp(name, "rules-", 6) == 0 && n > 10 && strcmp(name + n - 4, ".bin") == 0;
}

/* The modification time of dir/name, or 0 when it cannot be read. */
static time_t mtime_of(const char *dir, const char *name)
{
    char *path = cc_strfmt("%s/%s", dir, name);
    struct stat st;
    time_t t = path && stat(path, &st) == 0 ? st.st_mtime : 0;
    free(path);
    return t;
}

/* Removes the oldest cache files of dir beyond CC_RCACHE_KEEP: each
 * rebuilt binary or edited rule file leaves one behind. */
static void prune(const char *dir)
{
    cc_strv names = {0};
    while (cc_dir_names(dir, is_cache_name, &names) == CC_OK && names.n > CC_RCACHE_KEEP) {
        size_t old = 0;
        for (size_t i = 1; i < names.n; i++)
            if (mtime_of(dir, names.v[i]) < mtime_of(dir, names.v[old]))
                old = i;
        char *path = cc_strfmt("%s/%s", dir, names.v[old]);
        bool gone = path && remove(path) == 0;
        free(path);
        cc_strv_free(&names);
        if (!gone)
            break;
    }
    cc_strv_free(&names);
}

/* Stores the analysis of the loaded rules r (their claim matchers must be
 * built) and the start pairs under key in dir, atomically. Failures are
 * silent: the cache only saves time. */
void cc_rcache_write(const char *dir, uint64_t key, const cc_rules *r, const cc_start_pair *pairs,
                     size_t n)
{
    cc_buf b = {0};
    char *path = key ? cache_path(dir, key) : NULL;
    char *tmp = path ? cc_strfmt("%s.%ld.tmp", path, (long)getpid()) : NULL;
    if (tmp && write_image(&b, key, r, pairs, n)) {
        make_dirs(dir);
        FILE *f = fopen(tmp, "wb");
        bool ok = f && fwrite(b.p, 1, b.len, f) == b.len;
        ok = f && fclose(f) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
            remove(tmp);
        else
            prune(dir);
    }
    cc_buf_free(&b);
    free(tmp);
    free(path);
}
