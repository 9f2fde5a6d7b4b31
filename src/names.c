/* names.c: an open-addressing hash map from name form to occurrences. */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Creates an empty index. */
cc_names *cc_names_new(void)
{
    cc_names *nm = calloc(1, sizeof *nm);
    if (!nm)
        return NULL;
    nm->cap = 256;
    nm->forms = calloc(nm->cap, sizeof *nm->forms);
    if (!nm->forms) {
        free(nm);
        return NULL;
    }
    return nm;
}

/* Frees the index and its forms; accepts NULL. */
void cc_names_free(cc_names *nm)
{
    if (!nm)
        return;
    for (size_t i = 0; i < nm->cap; i++) {
        free(nm->forms[i].form);
        free(nm->forms[i].seen);
    }
    free(nm->forms);
    free(nm);
}

/* Slot for form: its own or the empty one where it would go. */
static cc_name_form *slot(cc_name_form *tab, size_t cap, const char *form, size_t n)
{
    size_t i = (size_t)(cc_fnv(CC_FNV_INIT, form, n) & (cap - 1));
    while (tab[i].form && (strlen(tab[i].form) != n || memcmp(tab[i].form, form, n) != 0))
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

/* Doubles the table when it is half full. */
static bool grow(cc_names *nm)
{
    if (nm->n * 2 < nm->cap)
        return true;
    size_t cap = nm->cap * 2;
    cc_name_form *tab = calloc(cap, sizeof *tab);
    if (!tab)
        return false;
    for (size_t i = 0; i < nm->cap; i++)
        if (nm->forms[i].form)
            *slot(tab, cap, nm->forms[i].form, strlen(nm->forms[i].form)) = nm->forms[i];
    free(nm->forms);
    nm->forms = tab;
    nm->cap = cap;
    return true;
}

/* Records an occurrence (see names.h). */
bool cc_names_add(cc_names *nm, const char *form, size_t n, const cc_name_seen *at, bool mid)
{
    if (!grow(nm))
        return false;
    cc_name_form *f = slot(nm->forms, nm->cap, form, n);
    if (!f->form) {
        f->form = cc_strndup(form, n);
        if (!f->form)
            return false;
        nm->n++;
    }
    f->mid |= mid;
    if (f->n_seen && f->seen[f->n_seen - 1].article == at->article)
        return true;
    if (!cc_vec_grow((void **)&f->seen, &f->cap_seen, f->n_seen, sizeof *f->seen))
        return false;
    f->seen[f->n_seen++] = *at;
    return true;
}

/* Looks form up without adding it (see names.h). */
const cc_name_form *cc_names_find(const cc_names *nm, const char *form, size_t n)
{
    const cc_name_form *f = nm ? slot(nm->forms, nm->cap, form, n) : NULL;
    return f && f->form ? f : NULL;
}
