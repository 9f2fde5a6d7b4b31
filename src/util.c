/* util.c: buffers, vectors, strings, hashing, diagnostics. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Ensures room for n more bytes plus a NUL; sets oom on failure. */
static bool buf_reserve(cc_buf *b, size_t n)
{
    if (b->oom)
        return false;
    if (b->len + n + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

/* Appends n bytes of s. */
void cc_buf_add(cc_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Appends a NUL-terminated string. */
void cc_buf_puts(cc_buf *b, const char *s)
{
    cc_buf_add(b, s, strlen(s));
}

/* Appends one byte. */
void cc_buf_putc(cc_buf *b, char c)
{
    cc_buf_add(b, &c, 1);
}

/* Appends printf-formatted text. */
void cc_buf_printf(cc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Hands the contents to the caller (caller frees) and resets b. */
char *cc_buf_take(cc_buf *b)
{
    char *p = b->oom ? NULL : b->p;
    if (!p && !b->oom)
        p = cc_strdup("");
    if (b->oom)
        free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = false;
    return p;
}

/* Frees the buffer's storage; b may be reused afterwards. */
void cc_buf_free(cc_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

/* Empties b, keeping its storage (see util.h). */
void cc_buf_reset(cc_buf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->p)
        b->p[0] = '\0';
}

/* Cuts b to its first len bytes (see util.h). */
void cc_buf_cut(cc_buf *b, size_t len)
{
    b->len = len;
    if (b->p)
        b->p[len] = '\0';
}

/* Makes room for n more bytes (see util.h); b keeps owning its storage. */
char *cc_buf_room(cc_buf *b, size_t n)
{
    return buf_reserve(b, n) ? b->p + b->len : NULL;
}

/* Takes n bytes written at cc_buf_room's pointer into b (see util.h). */
void cc_buf_commit(cc_buf *b, size_t n)
{
    b->len += n;
    b->p[b->len] = '\0';
}

/* Writes b to out and empties it (see util.h). */
bool cc_buf_write(cc_buf *b, FILE *out)
{
    bool ok = !b->oom;
    if (ok && b->len)
        fwrite(b->p, 1, b->len, out);
    cc_buf_reset(b);
    return ok;
}

/* One read of up to chunk bytes of fd onto b's end, retried when
 * interrupted: the count, 0 at end of file, or minus an errno value. */
static ssize_t buf_read_once(cc_buf *b, int fd, size_t chunk)
{
    char *o = cc_buf_room(b, chunk);
    if (!o)
        return -ENOMEM;
    ssize_t n;
    do
        n = read(fd, o, chunk);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    cc_buf_commit(b, (size_t)n);
    return n;
}

/* Appends what is left of open file fd to b, as cc_buf_read_path
 * describes: a regular file of known size in one read (a short read is
 * its end), anything else 64 KiB at a time until end of file. Returns 0
 * or an errno value; fd stays open (the caller owns it). */
static int buf_read_fd(cc_buf *b, int fd, size_t max)
{
    struct stat st;
    bool sized = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    size_t chunk = 65536;
    if (sized)
        chunk = (uintmax_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
    ssize_t n;
    do
        n = buf_read_once(b, fd, chunk);
    while (n > 0 && b->len <= max && (!sized || (size_t)n == chunk));
    return n < 0 ? (int)-n : 0;
}

/* Appends the file at path to b (see util.h and buf_read_fd). */
int cc_buf_read_path(cc_buf *b, const char *path, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int e = buf_read_fd(b, fd, max);
    close(fd);
    return e;
}

/* Decimal digits of v (see util.h): counts them first so that they are
 * written backwards straight into out, two per step from a table of
 * pairs (halves the divisions), with no scratch copy. */
size_t cc_fmt_u64(uint64_t v, char *out)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    size_t n = 1;
    for (uint64_t t = v; t >= 10; t /= 10)
        n++;
    char *p = out + n;
    for (; v >= 100; v /= 100) {
        p -= 2;
        memcpy(p, pairs + 2 * (v % 100), 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    return n;
}

/* Writes the m = |v| * p (p = 10^k, k > 0 places) that cc_fmt_g15 found
 * as [-]int.frac without the fraction's trailing zeros; returns the length. */
static size_t fmt_places(bool neg, uint64_t m, uint64_t p, char *out)
{
    char *o = out;
    if (neg)
        *o++ = '-';
    o += cc_fmt_u64(m / p, o);
    uint64_t f = m % p;
    for (; p > 1 && f % 10 == 0; p /= 10)
        f /= 10;
    if (p == 1)
        return (size_t)(o - out);
    *o++ = '.';
    for (p /= 10; p > 0; p /= 10) /* one digit per place, leading zeros kept */
        *o++ = (char)('0' + f / p % 10);
    return (size_t)(o - out);
}

/* v as "%.15g" (see util.h). The fast case is exact: when m = |v| * 10^k
 * comes out whole (k <= 8, 10^k exact) and below 10^15, |v| and m / 10^k
 * differ by at most one rounding, ~1.1e-16 |v|, while 15 significant
 * digits are 10^-15 |v| apart or more, so %.15g rounds v to m / 10^k; with
 * 1e-4 <= |v| < 1e7 it uses the plain form and drops trailing zeros, as
 * fmt_places does. test_output compares the two on many values. */
size_t cc_fmt_g15(double v, char *out)
{
    double a = fabs(v), scale = 1;
    for (int k = 1; k <= 8 && a >= 1e-4 && a < 1e7; k++) {
        scale *= 10;
        double m = a * scale;
        if (m == floor(m))
            return fmt_places(v < 0, (uint64_t)m, (uint64_t)scale, out);
    }
    int n = snprintf(out, CC_FMT_G15_ROOM, "%.15g", v);
    return n > 0 ? (size_t)n : 0;
}

/* Doubles *v's capacity when n elements fill it. */
bool cc_vec_grow(void **v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, nc * elem);
    if (!p)
        return false;
    *v = p;
    *cap = nc;
    return true;
}

/* Copies s; caller frees. */
char *cc_strdup(const char *s)
{
    return s ? cc_strndup(s, strlen(s)) : NULL;
}

/* Copies the first n bytes of s; caller frees. */
char *cc_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

enum { CAT_KEPT = 8 }; /* lengths remembered, so most parts are measured once */

/* Number of parts up to the NULL one; their total length in *total, the
 * first CAT_KEPT lengths in len. */
static size_t cat_measure(const char *const *parts, size_t *len, size_t *total)
{
    size_t k = 0;
    *total = 0;
    for (; parts[k]; k++) {
        size_t l = strlen(parts[k]);
        if (k < CAT_KEPT)
            len[k] = l;
        *total += l;
    }
    return k;
}

/* Writes the k parts measured by cat_measure, and a NUL, to out (NULL:
 * nothing); returns out. */
static char *cat_write(char *out, const char *const *parts, const size_t *len, size_t k)
{
    char *o = out;
    for (size_t i = 0; out && i < k; i++) {
        size_t l = i < CAT_KEPT ? len[i] : strlen(parts[i]);
        memcpy(o, parts[i], l);
        o += l;
    }
    if (out)
        *o = '\0';
    return out;
}

/* The concatenation of parts up to a NULL one; caller frees. NULL on
 * oom. */
char *cc_strcat_v(const char *const *parts)
{
    size_t len[CAT_KEPT] = {0}, n;
    size_t k = cat_measure(parts, len, &n);
    return cat_write(malloc(n + 1), parts, len, k);
}

struct cc_arena_block {
    cc_arena_block *next;
    size_t size, used;
    char data[];
};

enum { ARENA_BLOCK = 16384 }; /* an article's claims' strings fit in one */

/* n bytes owned by the arena until reset; NULL on oom. Takes the next kept
 * block that has room, else links a new one after the current block. */
char *cc_arena_alloc(cc_arena *a, size_t n)
{
    cc_arena_block *b = a->cur;
    while (b && b->size - b->used < n)
        b = b->next;
    if (!b) {
        size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        *b = (cc_arena_block){NULL, size, 0};
        if (a->cur) {
            b->next = a->cur->next;
            a->cur->next = b;
        } else {
            a->head = b;
        }
    }
    a->cur = b;
    b->used += n;
    return b->data + b->used - n;
}

/* Copies the first n bytes of s into the arena; NULL in gives NULL out.
 * Owned by the arena until reset. */
char *cc_arena_strndup(cc_arena *a, const char *s, size_t n)
{
    char *p = s ? cc_arena_alloc(a, n + 1) : NULL;
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* The concatenation of parts up to a NULL one, in the arena; owned by the
 * arena until reset. NULL on oom. */
char *cc_arena_cat_v(cc_arena *a, const char *const *parts)
{
    size_t len[CAT_KEPT] = {0}, n;
    size_t k = cat_measure(parts, len, &n);
    return cat_write(cc_arena_alloc(a, n + 1), parts, len, k);
}

/* Empties every block and starts again from the first. */
void cc_arena_reset(cc_arena *a)
{
    for (cc_arena_block *b = a->head; b; b = b->next)
        b->used = 0;
    a->cur = a->head;
}

/* Frees the arena's blocks; accepts a zeroed arena. */
void cc_arena_free(cc_arena *a)
{
    while (a->head) {
        cc_arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    a->cur = NULL;
}

/* Formats into a new string; caller frees. */
char *cc_strfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = malloc((size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* FNV-1a: cheap, stable across platforms, good enough for ids and buckets. */
uint64_t cc_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = cc_fnv_step(h, s[i]);
    return h;
}

/* cc_fnv eight bytes at a time (see util.h); folding the product's high
 * half into its low one lets every bit reach the next product. */
uint64_t cc_hash_wide(uint64_t h, const void *p, size_t n)
{
    const char *s = p;
    size_t i = 0;
    for (uint64_t w; n - i >= 8; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * CC_FNV_PRIME;
        h ^= h >> 32;
    }
    return cc_fnv(h, s + i, n - i);
}

/* Formats a diagnostic and hands it to fn. */
void cc_diagf(cc_diag_fn fn, void *ud, const char *fmt, ...)
{
    if (!fn)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fn(ud, msg);
}

/* Reads path (or stdin for "-") into a new NUL-terminated buffer, with
 * the reader cc_buf_read_path uses and no size limit. */
cc_error cc_read_file(const char *path, char **out, size_t *len)
{
    cc_buf b = {0};
    int e = strcmp(path, "-") == 0 ? buf_read_fd(&b, STDIN_FILENO, SIZE_MAX)
                                   : cc_buf_read_path(&b, path, SIZE_MAX);
    if (e != 0) {
        cc_buf_free(&b);
        return e == ENOMEM ? CC_ERROR_MEMORY : CC_ERROR_IO;
    }
    *len = b.len;
    *out = cc_buf_take(&b);
    return *out ? CC_OK : CC_ERROR_MEMORY;
}

/* Compares two byte ranges ignoring ASCII case, like strcasecmp. */
int cc_strcasecmp_n(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
        if (ca >= 'A' && ca <= 'Z')
            ca += 32;
        if (cb >= 'A' && cb <= 'Z')
            cb += 32;
        if (ca != cb)
            return ca - cb;
    }
    return an < bn ? -1 : an > bn ? 1 : 0;
}

/* Parses a leading decimal number (see util.h). */
double cc_to_num(const char *s, bool *ok)
{
    char *end;
    double v = strtod(s, &end);
    if (ok)
        *ok = end != s && *end == '\0';
    return end == s ? 0 : v;
}

/* Parses a leading integer (see util.h). */
int cc_to_int(const char *s, bool *ok)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (ok)
        *ok = end != s && *end == '\0' && v >= -2147483647L && v <= 2147483647L;
    return end == s ? 0 : (int)v;
}

/* qsort comparator for an array of strings: byte order, not locale. */
int cc_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Frees every string of l and its array; l may then be reused. */
void cc_strv_free(cc_strv *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Lists the names of dir that keep accepts, sorted (see util.h). */
cc_error cc_dir_names(const char *dir, bool (*keep)(const char *name), cc_strv *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return CC_ERROR_INPUT;
    size_t first = out->n;
    cc_error err = CC_OK;
    for (struct dirent *e; err == CC_OK && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' || (keep && !keep(e->d_name)))
            continue;
        char *name = cc_strdup(e->d_name);
        if (!name || !CC_VEC_PUSH(*out, name)) {
            free(name);
            err = CC_ERROR_MEMORY;
        }
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    if (out->n > first)
        qsort(out->v + first, out->n - first, sizeof *out->v, cc_cmp_str);
    return err;
}
