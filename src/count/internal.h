/*
 * Internals of the counting module (consulta/count.h): the rule, the input
 * and the result as plain structs, and the helpers the methods share.
 */
#ifndef CONSULTA_COUNT_INTERNAL_H
#define CONSULTA_COUNT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmp.h>
#include <jansson.h>

#include "consulta/count.h"

typedef enum cnt_method {
    CNT_REFERENDUM,
    CNT_PLURALITY,
    CNT_APPROVAL,
    CNT_DHONDT,
    CNT_SAINTE_LAGUE,
    CNT_SAINTE_LAGUE_14,
    CNT_HARE,
    CNT_IRV,
    CNT_STV_SCOTTISH,
    CNT_STV_MEEK,
    CNT_STV_BELENIOS,
    CNT_SCHULZE,
    CNT_MJ,
    CNT_METHOD_COUNT
} cnt_method;

/* What a method counts. */
typedef enum cnt_kind {
    CNT_KIND_COUNTS,  /* totals per option / list (per district) */
    CNT_KIND_RANKED,  /* ballots ranking candidates */
    CNT_KIND_GRADED,  /* ballots grading candidates (MJ) */
    CNT_KIND_APPROVAL /* ballots approving candidates (or totals) */
} cnt_kind;

typedef enum cnt_threshold {
    CNT_THR_NONE,
    CNT_THR_PERU_2021,
    CNT_THR_PERU_2026,
    CNT_THR_CUSTOM
} cnt_threshold;

typedef struct cnt_frac {
    uint64_t num, den; /* den > 0 */
} cnt_frac;

struct cns_count_rule {
    cnt_method method;
    uint32_t seats;       /* seats in each district unless listed below; 0 = from input */
    size_t ndseats;       /* per-district seats */
    char **dseat_names;   /* owned */
    uint32_t *dseat_vals; /* owned */
    cnt_threshold threshold;
    cnt_frac thr_votes;     /* share of national valid votes */
    cnt_frac thr_seats;     /* share of the chamber's seats (2026) */
    uint32_t thr_min_seats; /* absolute seats (2021: 7) */
    uint32_t thr_min_districts;
    bool thr_and;           /* both conditions (2026) or either (2021) */
    bool ties_by_order;     /* ties by candidate order (Belenios) instead of lot */
    char *seed;             /* owned; NULL: no seed */
    size_t question;        /* which question of a Belenios result */
    bool blank_first;       /* first count of a homomorphic question is blank */
    bool blank_allowed;     /* an all-zero ballot is blank */
    size_t nnames;          /* option names for a Belenios result */
    char **names;           /* owned */
    uint32_t grades;        /* MJ: number of grades */
    bool median_upper;      /* MJ: upper median for even counts (Belenios) */
    cnt_frac majority;      /* referendum: share of valid votes to exceed */
    cnt_frac participation; /* referendum: share of registered to reach (0: none) */
    uint64_t registered;    /* registered electors (0: from input or unknown) */
    bool preferential;      /* list seats go to candidates by preferential votes */
    char *default_option;   /* Schulze: options not beating it are dropped */
    char *title;            /* owned, may be NULL */
    json_t *echo;           /* the rule object as given, echoed in results */
};

/* A candidate's mark on a ballot: rank (1 best), grade, or approval (1). */
typedef struct cnt_mark {
    uint32_t cand, val;
} cnt_mark;

/*
 * One ballot line: a weight and, for each candidate, a rank/grade/approval.
 * While a parser fills it, val holds ncand values (0: no mark); once the next
 * ballot is added (or the input is complete) it is stored at its length: the
 * non-zero marks, by candidate, and val is NULL. Read it with cnt_ballot_dense.
 */
typedef struct cnt_ballot {
    uint64_t weight;
    uint32_t line;   /* source line, 0 if none */
    uint32_t *val;   /* while parsing: ncand values, rank (1 best, 0 unranked), grade, 0/1 */
    uint32_t nmarks; /* stored: the non-zero marks (while parsing: val's length) ... */
    cnt_mark *marks; /* ... in candidate order */
} cnt_ballot;

/* The ballot's values for the ncand candidates into dense (0: no mark). */
void cnt_ballot_dense(const cnt_ballot *b, uint32_t *dense, size_t ncand);

/* A candidate on a party list, for preferential votes and parity. */
typedef struct cnt_listcand {
    size_t district, list;
    char *name;
    char gender; /* 'F', 'M', or '?' */
    uint32_t position;
    uint64_t votes; /* preferential votes */
    bool has_votes;
    uint32_t line;
} cnt_listcand;

struct cns_count_input {
    char *source; /* file name for messages */
    char *title;
    cns_count_format format;
    size_t ncand;
    char **cand;
    bool *withdrawn;
    uint32_t seats_hint; /* from a .blt header; 0 if none */
    /* totals: ndist × ncand; for ballots inputs ndist = 0 */
    size_t ndist;
    char **dist;
    uint64_t *votes;
    int64_t *official; /* official seats from CSV, -1 unknown */
    uint32_t *vline;   /* source line of each total */
    uint64_t blank, null, registered;
    bool has_blank, has_null, has_registered;
    /* totals of marks (a ballot may mark several options): ballots cast, blank included */
    uint64_t ballots_cast;
    bool has_ballots_cast;
    /* ballots */
    size_t nballots, cap_ballots;
    cnt_ballot *ballots;
    size_t pending; /* the ballot whose val a parser may still fill (nballots: none) */
    size_t ninvalid;
    json_t *invalid; /* invalid ballots as given (Belenios inputs), may be NULL */
    /* list candidates */
    size_t nlc, cap_lc;
    cnt_listcand *lc;
};

struct cns_count_result {
    json_t *doc;
    size_t nelected;
    char **elected;
    /* seats by list over all districts (list methods) */
    size_t nlists;
    char **list_names;
    uint64_t *list_seats;
    /* bars: one per option, votes as text (may be a decimal) and as integer for scale */
    size_t nbars;
    char **bar_names;
    char **bar_text;
    uint64_t *bar_val;
    bool has_seats;
};

/* The state of one count. */
typedef struct cnt_run {
    const cns_count_rule *rule;
    const cns_count_input *in;
    cns_count_result *res;
    json_t *doc;
    json_t *ties;
    bool oom;
    cns_diag *diag;
} cnt_run;

/* ---- json helpers (run.c): a failure sets run->oom, checked at the end ---- */
void cnt_set(cnt_run *run, json_t *obj, const char *key, json_t *val);
void cnt_push(cnt_run *run, json_t *arr, json_t *val);
json_t *cnt_u64(uint64_t v);
json_t *cnt_names(cnt_run *run, const size_t *idx, size_t n); /* array of candidate names */
/* Decimal text of num/den truncated to places digits ("12.34"); caller frees. */
char *cnt_decimal(const mpq_t q, unsigned places);
char *cnt_units(uint64_t v, unsigned places); /* v / 10^places */
json_t *cnt_qjson(const mpq_t q);             /* "p/q" (or "p") */
json_t *cnt_decjson(const mpq_t q, unsigned places);
cns_err cnt_oom(cnt_run *run);

/* Compare a*b with c*d exactly: <0, 0, >0. */
int cnt_cmp_mul(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* Add a bar (option and its votes) and an elected name to the result. */
cns_err cnt_add_bar(cnt_run *run, const char *name, uint64_t val, const char *text);
cns_err cnt_add_elected(cnt_run *run, const char *name);
cns_err cnt_add_list_seats(cnt_run *run, const char *list, uint64_t seats);

/*
 * Order tied items (candidate indices, or arbitrary ids with names) from the
 * favoured (wins the seat, is not excluded) to the disfavoured, by lot from
 * the rule's seed or by candidate order, and record the tie in the result.
 * items[0..n) is reordered in place; names[i] names items[i] (borrowed).
 */
cns_err cnt_tie_order(cnt_run *run, const char *context, size_t n, size_t *items,
                      const char *const *names);

/* ---- the methods (one file each group) ---- */
cns_err cnt_run_referendum(cnt_run *run);
cns_err cnt_run_plurality(cnt_run *run); /* plurality and approval */
cns_err cnt_run_lists(cnt_run *run);     /* D'Hondt, Sainte-Laguë, Hare */
cns_err cnt_run_irv(cnt_run *run);
cns_err cnt_run_scottish(cnt_run *run);
cns_err cnt_run_meek(cnt_run *run);
cns_err cnt_run_stv_belenios(cnt_run *run);
cns_err cnt_run_schulze(cnt_run *run);
cns_err cnt_run_mj(cnt_run *run);

/* ---- shared by methods ---- */
const char *cnt_method_name(cnt_method m);
cnt_kind cnt_method_kind(cnt_method m);
/* Seats for district d (named dname) under the rule, falling back to the input's hint. */
uint32_t cnt_district_seats(const cns_count_rule *rule, const cns_count_input *in,
                            const char *dname);
/* Vote categories (cast/valid/blank/null/registered) and the art. 184 test. */
void cnt_put_totals(cnt_run *run, uint64_t valid);

/*
 * Ranked ballots as preference lists: for ballot b, prefs[b][0..len[b]) are
 * candidate indices, best first, stopping at the first skipped rank. Equal
 * ranks are refused (diag names the ballot's line) unless allow_equal.
 */
typedef struct cnt_prefs {
    size_t n;
    size_t *len;
    size_t **pref;
    uint64_t *weight;
} cnt_prefs;
cns_err cnt_prefs_build(cnt_run *run, cnt_prefs *p);
void cnt_prefs_free(cnt_prefs *p);

/* Meek's work limit in ballot-preference steps (meek.c; a variable so that tests can lower it). */
extern uint64_t cnt_meek_max_work;

/* Input helpers (input.c) for the parsers. */
cns_count_input *cnt_input_new(const char *name, cns_count_format format);
cns_err cnt_input_add_cand(cns_count_input *in, const char *name, size_t len);
cnt_ballot *cnt_input_add_ballot(cns_count_input *in, size_t nvals); /* val zeroed; NULL: OOM */
cns_err cnt_input_alloc_totals(cns_count_input *in, size_t ndist);

cns_err cnt_parse_blt(cns_count_input *in, const char *text, size_t len, cns_diag *diag);
cns_err cnt_parse_preflib(cns_count_input *in, const char *text, size_t len, cns_diag *diag);
cns_err cnt_parse_csv(cns_count_input *in, const char *text, size_t len, cns_diag *diag);
cns_err cnt_parse_json(cns_count_input *in, const char *text, size_t len,
                       const cns_count_rule *rule, cns_diag *diag);

char *cnt_strndup(const char *s, size_t n);
/* Is s[0..n) well-formed UTF-8 (no overlongs, surrogates or NUL)? */
bool cnt_utf8_ok(const char *s, size_t n);

/* A cursor over input text that knows its line and column (1-based). */
typedef struct cnt_lex {
    const char *name;
    const char *s;
    size_t len, pos;
    uint32_t line, col;
} cnt_lex;
void cnt_lex_init(cnt_lex *lx, const char *name, const char *text, size_t len);
int cnt_lex_peek(const cnt_lex *lx); /* next byte or -1 */
void cnt_lex_next(cnt_lex *lx);      /* advance one byte */
/* Fail with "NAME:LINE:COL: message" (err is returned). */
cns_err cnt_lex_fail(const cnt_lex *lx, uint32_t line, uint32_t col, cns_diag *diag, cns_err err,
                     const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
/*
 * Read an unsigned decimal integer at the cursor (digits only); refuses one
 * above CNS_COUNT_MAX_VOTES with CNS_ERR_LIMIT ("count exceeds 10^12").
 */
cns_err cnt_lex_uint(cnt_lex *lx, uint64_t *out, cns_diag *diag);

#endif
