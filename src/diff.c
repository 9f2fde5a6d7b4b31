/* diff.c: a small line-based unified diff for fixture reports (LCS over
 * lines; fixtures are a few thousand lines at most). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define CONTEXT 3
#define MAX_CELLS 50000000u

typedef struct lines {
    const char **p;
    size_t *n;
    size_t count;
} lines;

/* Splits text into lines (views into text); caller frees with free_lines. */
static bool split_lines(const char *text, lines *l)
{
    size_t cap = 1;
    for (const char *s = text; *s; s++)
        cap += *s == '\n';
    l->p = malloc(cap * sizeof *l->p);
    l->n = malloc(cap * sizeof *l->n);
    l->count = 0;
    if (!l->p || !l->n)
        return false;
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        l->p[l->count] = s;
        l->n[l->count++] = len;
        s += len + (e != NULL);
    }
    return true;
}

/* Frees split_lines storage. */
static void free_lines(lines *l)
{
    free(l->p);
    free(l->n);
}

/* True when line i of a equals line j of b. */
static bool same(const lines *a, size_t i, const lines *b, size_t j)
{
    return a->n[i] == b->n[j] && memcmp(a->p[i], b->p[j], a->n[i]) == 0;
}

/* Fills ops with the edit script: ' ' keep, '-' delete, '+' insert.
 * Returns its length, or 0 when the table would be too large (then every
 * line is reported as changed). Caller frees *ops. */
static size_t edit_script(const lines *a, const lines *b, char **ops)
{
    size_t n = a->count, m = b->count, k = 0;
    *ops = malloc(n + m + 1);
    uint32_t *t = (uint64_t)(n + 1) * (m + 1) <= MAX_CELLS ? calloc((n + 1) * (m + 1), 4) : NULL;
    if (!*ops || !t) {
        free(t);
        for (size_t i = 0; *ops && i < n; i++)
            (*ops)[k++] = '-';
        for (size_t j = 0; *ops && j < m; j++)
            (*ops)[k++] = '+';
        return k;
    }
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            t[i * (m + 1) + j] = same(a, i, b, j) ? t[(i + 1) * (m + 1) + j + 1] + 1
                                 : t[(i + 1) * (m + 1) + j] > t[i * (m + 1) + j + 1]
                                     ? t[(i + 1) * (m + 1) + j]
                                     : t[i * (m + 1) + j + 1];
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && same(a, i, b, j))
            (*ops)[k++] = ' ', i++, j++;
        else if (i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]))
            (*ops)[k++] = '-', i++;
        else
            (*ops)[k++] = '+', j++;
    }
    free(t);
    return k;
}

/* Prints one hunk covering ops[lo, hi) starting at lines ai, bi. */
static void print_hunk(FILE *out, const lines *a, const lines *b, const char *ops, size_t lo,
                       size_t hi, size_t ai, size_t bi)
{
    size_t na = 0, nb = 0;
    for (size_t k = lo; k < hi; k++)
        na += ops[k] != '+', nb += ops[k] != '-';
    fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ai + 1, na, bi + 1, nb);
    for (size_t k = lo; k < hi; k++) {
        const lines *src = ops[k] == '+' ? b : a;
        size_t idx = ops[k] == '+' ? bi++ : ai++;
        if (ops[k] == ' ')
            bi++;
        fprintf(out, "%c%.*s\n", ops[k], (int)src->n[idx], src->p[idx]);
    }
}

/* Prints a unified diff (see fixture.h). */
void cc_diff_print(FILE *out, const char *la, const char *a, const char *lb, const char *b)
{
    lines x = {0}, y = {0};
    char *ops = NULL;
    if (!split_lines(a, &x) || !split_lines(b, &y)) {
        fprintf(out, "(out of memory while diffing)\n");
        goto done;
    }
    size_t n = edit_script(&x, &y, &ops);
    fprintf(out, "--- %s\n+++ %s\n", la, lb);
    size_t ai = 0, bi = 0;
    for (size_t k = 0; k < n;) {
        if (ops[k] == ' ') {
            k++, ai++, bi++;
            continue;
        }
        size_t lo = k >= CONTEXT ? k - CONTEXT : 0, hi = k;
        for (size_t quiet = 0; hi < n && quiet <= (size_t)2 * CONTEXT; hi++)
            quiet = ops[hi] == ' ' ? quiet + 1 : 0;
        hi = hi < n ? hi - CONTEXT : n;
        size_t back = k - lo;
        print_hunk(out, &x, &y, ops, lo, hi, ai - back, bi - back);
        for (; k < hi; k++)
            ai += ops[k] != '+', bi += ops[k] != '-';
    }
done:
    free(ops);
    free_lines(&x);
    free_lines(&y);
}
