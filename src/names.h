/* names.h: a string-keyed hash index of occurrences. The cluster keeps
 * two: capitalised word forms (filled by extract, read by align to find
 * one name spelt several ways) and article ids (seen.article = index). */
#ifndef CC_NAMES_H
#define CC_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* First occurrence of a form in one article. */
typedef struct cc_name_seen {
    size_t article, start, end;  /* the whole token, prefix included */
    size_t sent_start, sent_end; /* its sentence */
} cc_name_seen;

typedef struct cc_name_form {
    char *form;         /* folded, prefix and possessive stripped: "sisi" */
    bool mid;           /* seen capitalised inside a sentence somewhere */
    cc_name_seen *seen; /* one per article, in article order */
    size_t n_seen, cap_seen;
} cc_name_form;

typedef struct cc_names {
    cc_name_form *forms; /* open addressing; form == NULL is empty */
    size_t cap, n;
} cc_names;

/* Creates an empty index; caller frees with cc_names_free. */
cc_names *cc_names_new(void);
void cc_names_free(cc_names *nm);
/* Records form (n bytes, folded) seen at *at. Keeps the first occurrence
 * per article. False on allocation failure. */
bool cc_names_add(cc_names *nm, const char *form, size_t n, const cc_name_seen *at, bool mid);

/* The entry for form (n bytes), or NULL. */
const cc_name_form *cc_names_find(const cc_names *nm, const char *form, size_t n);

#endif
