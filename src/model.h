/* model.h: the data model shared by the pipeline stages (internal).
 *
 * Ownership: a cc_cluster owns its articles, claims, groups and findings, and
 * each of those owns its strings (NUL-terminated heap copies, NULL = absent).
 * Stages communicate only through these structs: ingest fills articles,
 * extract appends claims, align fills groups, judge sets verdicts and
 * appends findings; store and report only read. */
#ifndef CC_MODEL_H
#define CC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "claimcheck.h"

/* A calendar day as days since 1970-01-01; CC_NO_DAY when unknown. */
#define CC_NO_DAY INT32_MIN
#define CC_NONE ((size_t)-1)

typedef enum cc_pub_from {
    CC_PUB_NONE = 0,
    CC_PUB_METADATA, /* front matter, NDJSON field or header date line */
    CC_PUB_TEXT,     /* a dateline inside the body */
    CC_PUB_CLUSTER   /* inferred from the other articles */
} cc_pub_from;

typedef enum cc_class {
    CC_CLASS_COUNT = 0,
    CC_CLASS_AMOUNT,
    CC_CLASS_PERCENT,
    CC_CLASS_MONEY,
    CC_CLASS_ORDINAL,
    CC_CLASS_DURATION,
    CC_CLASS_DATE,
    CC_CLASS_TIME,
    CC_CLASS_SET,
    CC_CLASS_NAME,
    CC_CLASS_SKIP, /* recognised but not a claim (scores, model names...) */
    CC_CLASS_MAX
} cc_class;

typedef enum cc_qualifier {
    CC_Q_EXACT = 0,
    CC_Q_APPROX,
    CC_Q_MORE_THAN,
    CC_Q_AT_LEAST,
    CC_Q_LESS_THAN,
    CC_Q_AT_MOST,
    CC_Q_RANGE,
    CC_Q_VAGUE,
    CC_Q_MAX
} cc_qualifier;

/* A change the text states ("rose by 5", "up from 30"): its direction, and
 * which figure of it the claim is (claims/25-changes.rules). */
typedef enum cc_change {
    CC_CHANGE_NONE = 0,
    CC_CHANGE_UP,
    CC_CHANGE_DOWN,
    CC_CHANGE_MAX
} cc_change;

typedef enum cc_change_role {
    CC_ROLE_NONE = 0,
    CC_ROLE_BY,   /* the amount of change: "rose by 5", "a 5% rise" */
    CC_ROLE_TO,   /* the level after: "rose to 45" */
    CC_ROLE_FROM, /* the level before: "up from 30" */
    CC_ROLE_MAX
} cc_change_role;

typedef enum cc_verdict {
    CC_V_NONE = 0,
    CC_V_AGREE,
    CC_V_CONFLICT,
    CC_V_DISCREPANCY,
    CC_V_UPDATED,
    CC_V_SINGLE,
    CC_V_MAX
} cc_verdict;

typedef enum cc_category {
    CC_F_CONFLICT = 0,
    CC_F_DISCREPANCY,
    CC_F_UPDATED,
    CC_F_NAME_VARIANT,
    CC_F_AGREE,
    CC_F_SINGLE,
    CC_F_MAX
} cc_category;

typedef enum cc_severity { CC_SEV_HIGH = 0, CC_SEV_MEDIUM, CC_SEV_LOW, CC_SEV_MAX } cc_severity;

/* An editor's verdict on a finding (stored as its name: "dismissed"). */
typedef enum cc_review {
    CC_R_OPEN = 0,
    CC_R_CONFIRMED,
    CC_R_DISMISSED,
    CC_R_NEEDS_REPORTING,
    CC_R_MAX
} cc_review;

typedef struct cc_article {
    char *id;     /* unique in the cluster: file stem or NDJSON id */
    char *path;   /* where it came from, for messages */
    char *title;  /* front matter / NDJSON / first short line; may be NULL */
    char *outlet; /* may be NULL */
    char *url;    /* may be NULL */
    char *body;   /* valid UTF-8, LF line ends, no NUL; body_len bytes */
    size_t body_len;
    int32_t published; /* CC_NO_DAY when unknown */
    bool from_store;   /* loaded from a database; a new copy replaces it */
    cc_pub_from published_from;
    size_t first_claim, n_claims; /* its claims in cluster order (extract) */
} cc_article;

/* What a date expression says before it is put on a calendar; resolved
 * against the article's publication day (timex.h). Zero/-1 = not said. */
typedef struct cc_when {
    int year, month, mday;
    int weekday;  /* 0 = Monday .. 6; -1 none */
    int rel_days; /* yesterday = -1 ...; valid when has_rel */
    bool has_rel;
    bool anaphoric;   /* rel_days counts from the date before it ("the next day") */
    char anchor;      /* takes Y its year, M its month, P its period or A its value
                         from the date before it ("the same period"); 0 none */
    int anchor_off;   /* years (Y) or months (M) from the anchor ("the previous year") */
    int shift;        /* -1 last, 0 this, 1 next; CC_NO_SHIFT none */
    char punit;       /* 'W', 'M', 'Y' for "last week"; 0 none */
    int tense;        /* -1 past, 1 future, 0 unknown */
    int hour, minute; /* -1 none */
    int ord;          /* quarter or half of a year ("third quarter"); 0 none */
    int ago;          /* "two years ago": that many units (nunit) back; 0 none */
    char nunit;       /* 'D', 'W', 'M', 'Q', 'Y' for ago */
    char part[3];     /* part of the day or year: "MO", "NI", "SP", "WE"; "" none */
    char tz[8];       /* time zone suffix of a clock time: "Z", "-05:00"; "" none */
    char lit[16];     /* a literal TIMEX value ("PRESENT_REF"); "" none */
} cc_when;
#define CC_NO_SHIFT 99

/* A claim: one numeric or temporal statement at body[start:end). */
typedef struct cc_claim {
    char *id;       /* "<article id>@<start>": stable across runs */
    size_t article; /* index into cluster articles */
    size_t start, end;
    size_t sent_start, sent_end; /* the sentence that carries it */
    cc_class cls;
    size_t kind;    /* index into rules kinds; the generic kind if none */
    char *key;      /* alignment key: "<kind>/<subject>[@place]" */
    char *unit;     /* counted noun lemma, time unit or currency; may be NULL */
    bool has_value; /* value as stated (NULL for "hundreds of", "all") */
    double value;
    bool has_lo, has_hi; /* interval it means; absent side = unbounded */
    double lo, hi;
    double scale; /* multiply lo/hi by this to compare (durations) */
    cc_qualifier qual;
    /* A stated change the figure takes part in, and which figure it is. */
    cc_change change;
    cc_change_role change_role;
    bool scope_all;    /* "all hostages": a scope claim without a number */
    char *timex;       /* TIMEX3 value for temporal classes; may be NULL */
    int32_t day;       /* resolved calendar day for dates; CC_NO_DAY */
    cc_when when;      /* date classes: what the text said; others: the
                        * date their sentence gives them (when has_ref) */
    bool has_ref;      /* a non-date claim dated by its sentence; day holds it */
    char *context;     /* align: place and day a fact is tied to; may be NULL */
    char *event;       /* dated event lemma ("arrive"); may be NULL */
    char *place;       /* canonical place from the sentence; may be NULL */
    char *attribution; /* who says it; may be NULL */
    size_t group;      /* index into groups, set by align; CC_NONE before */
    /* Owner of the strings above: NULL, the claim (cc_claim_clear frees
     * them); else this arena, until its reset (cc_claim_clear leaves them). */
    struct cc_arena *strings;
} cc_claim;

typedef struct cc_group {
    char *id; /* stable: derived from key */
    char *key;
    size_t kind;
    size_t *claims; /* indices into cluster claims, in claim order */
    size_t n_claims;
    size_t *articles; /* distinct article indices, ascending */
    size_t n_articles;
    cc_verdict verdict;
} cc_group;

typedef struct cc_finding {
    char *id;     /* stable: derived from category and group key */
    size_t group; /* index into groups; CC_NONE for none */
    cc_category category;
    cc_severity severity;
    size_t *claims; /* claims the finding rests on */
    size_t n_claims;
    char *message; /* one sentence for an editor */
    /* desk workflow (store): an editor's verdict kept across runs */
    char *review;      /* "dismissed", "confirmed", ...; NULL = open */
    char *review_note; /* the editor's note; may be NULL */
    bool is_new;       /* not in the previous run of the same database */
} cc_finding;

/* A finding of the previous run that this run no longer produces. */
typedef struct cc_resolved {
    char *id, *category, *severity, *message;
} cc_resolved;

/* Growable arrays owned by the cluster. */
#define CC_VEC(T)                                                                                  \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

struct cc_cluster {
    const cc_rules *rules;
    cc_diag_fn diag;
    void *diag_ud;
    CC_VEC(cc_article) articles;
    CC_VEC(cc_claim) claims;
    CC_VEC(cc_group) groups;
    CC_VEC(cc_finding) findings;
    struct cc_names *names; /* spelling index built by extract, read by align */
    struct cc_names *ids;   /* article id -> index, for articles [0, n_ids) */
    size_t n_ids;
    bool has_history; /* a previous run exists: is_new/resolved mean something */
    char *inputs;     /* paths given to cc_cluster_add_path, newline-separated */
    CC_VEC(cc_resolved) resolved;
    bool had_input_error;
    /* The stream's per-article arena, given to each new claim as its
     * strings' owner (not owned here); NULL: claims own their strings. */
    struct cc_arena *strings;
};

const char *cc_class_name(cc_class c);
const char *cc_qualifier_name(cc_qualifier q);
const char *cc_verdict_name(cc_verdict v);
const char *cc_category_name(cc_category c);
const char *cc_severity_name(cc_severity s);
const char *cc_review_name(cc_review r);
/* The review named s, or CC_R_MAX when s names none. */
cc_review cc_review_parse(const char *s);
const char *cc_pub_from_name(cc_pub_from p);
/* "up"/"down" and "by"/"to"/"from"; NULL for the _NONE values. */
const char *cc_change_name(cc_change c);
const char *cc_change_role_name(cc_change_role r);
/* The kind's name and editor label ("killed", "Death toll"). */
const char *cc_kind_name(const cc_rules *rules, size_t kind);
const char *cc_kind_label(const cc_rules *rules, size_t kind);

/* Frees a claim's strings unless an arena owns them (the claim itself is
 * not freed). */
void cc_claim_clear(cc_claim *c);
/* Frees a resolved record's strings (cc_store_read_history makes them)
 * and zeroes it. */
void cc_resolved_clear(cc_resolved *r);

/* Formats a day as YYYY-MM-DD into buf (>= 11 bytes); "" for CC_NO_DAY. */
char *cc_day_format(int32_t day, char *buf);

#endif
