/*
 * consulta — counting and seat allocation (issue 3; rules in COUNTING.md).
 *
 * Three objects, each built and freed by the caller:
 *
 *   cns_count_rule    the counting rule as data: method, seats per district,
 *                     threshold ("valla"), tie seed, … It is parsed from a JSON
 *                     object, the kind an election definition carries in its
 *                     "counting" array (schema in docs/counting.md).
 *   cns_count_input   what is counted: list votes per district, option counts,
 *                     or ballots (ranked, graded, approval), with the file name
 *                     and line of each item so that refusals can point at it.
 *   cns_count_result  the outcome: who is elected / how many seats each list
 *                     gets, plus every intermediate table (quotients and cifra
 *                     repartidora, threshold passes, STV stages and transfers,
 *                     exclusions, beatpaths, ties and how the seed broke them).
 *
 * Arithmetic is exact: integers, rationals (compare a*d with b*c) and, where a
 * rule prescribes decimals (Scottish STV: 5 places; Meek: 9 places), fixed-point
 * integers truncated as that rule says. Nothing decides on floating point.
 *
 * A tie that the rule settles "by lot" is settled from the rule's public
 * tie_seed (derivation in docs/counting.md); a rule without a seed makes such a
 * tie an error, never a silent choice.
 *
 * Nothing here prints or exits. Every diagnostic names the source (file name
 * as given by the caller), line and column when the failure has a place.
 *
 * THREAD SAFETY: objects are independent; distinct objects may be used from
 * several threads at once. A rule and an input may be shared read-only by
 * several concurrent cns_count_run calls.
 */
#ifndef CONSULTA_COUNT_H
#define CONSULTA_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"

/* Hard limits; input beyond them is refused with CNS_ERR_LIMIT. */
#define CNS_COUNT_MAX_CANDIDATES 1000              /* candidates, lists or options */
#define CNS_COUNT_MAX_DISTRICTS  200               /* districts in one count */
#define CNS_COUNT_MAX_SEATS      10000             /* seats in one district */
#define CNS_COUNT_MAX_BALLOTS    2000000           /* ballot lines (each may carry a weight) */
#define CNS_COUNT_MAX_VOTES      1000000000000u    /* one count or weight: 10^12 */
#define CNS_COUNT_MAX_TOTAL      1000000000000000u /* sum of all counts: 10^15 */
#define CNS_COUNT_MAX_INPUT      (64u << 20)       /* bytes of one input text */

typedef struct cns_count_rule cns_count_rule;
typedef struct cns_count_input cns_count_input;
typedef struct cns_count_result cns_count_result;

/* Input formats. AUTO picks one from the name's extension. */
typedef enum cns_count_format {
    CNS_COUNT_FORMAT_AUTO = 0,
    CNS_COUNT_FORMAT_BLT,     /* .blt (OpenSTV/Droop/eSTV, with COUNTING.md's extensions) */
    CNS_COUNT_FORMAT_PREFLIB, /* PrefLib .soi .soc .toi .toc */
    CNS_COUNT_FORMAT_CSV,     /* list votes per district (docs/counting.md) */
    CNS_COUNT_FORMAT_JSON,    /* a Belenios/consulta result or a JSON array of ballots */
} cns_count_format;

/*
 * Parse a counting rule from the JSON object in text[0..len) (strictly:
 * duplicate keys, unknown fields and out-of-range values are refused).
 * On success *out is a new rule the caller frees with cns_count_rule_free.
 * text is borrowed. Errors: CNS_ERR_DECODE (not JSON), CNS_ERR_INVALID (a
 * field breaks a rule; diag names the field), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_count_rule_from_json(const char *text, size_t len, cns_count_rule **out,
                                               cns_diag *diag);

/* Free a rule; NULL does nothing. */
void cns_count_rule_free(cns_count_rule *rule);

/* The rule's method name as written in docs/counting.md ("dhondt", "stv-scottish", …). */
const char *cns_count_rule_method(const cns_count_rule *rule);

/*
 * Parse an input file. name (borrowed, may be NULL: "<input>") is the name
 * used in diagnostics and in the result; text[0..len) is borrowed and need not
 * be NUL-terminated. rule (borrowed, may be NULL for formats other than JSON)
 * tells the JSON reader which question to take, whether its first count is
 * blank, and how to validate ballots for the rule's method.
 * On success *out is a new input the caller frees with cns_count_input_free.
 * Errors: CNS_ERR_DECODE (malformed; diag reads "NAME:LINE:COL: what"),
 * CNS_ERR_INVALID (well formed but breaks a rule: duplicate candidate, rank
 * beyond the number of candidates, …), CNS_ERR_LIMIT, CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_count_input_parse(cns_count_format format, const char *name,
                                            const char *text, size_t len,
                                            const cns_count_rule *rule, cns_count_input **out,
                                            cns_diag *diag);

/*
 * An input of totals, as a verified election result gives them: one district
 * whose n options, named names[0..n) (distinct, 1 to 1000 bytes of UTF-8
 * each), got votes[0..n). blank (may be NULL: no blank category) is the
 * number of blank votes; registered (0: unknown) the registered electors.
 * source and title (may be NULL) name the input in diagnostics and in the
 * result. Everything is borrowed and copied. On success *out is a new input
 * the caller frees with cns_count_input_free.
 * Errors: CNS_ERR_INVALID (no option, an empty, invalid or repeated name),
 * CNS_ERR_LIMIT (over CNS_COUNT_MAX_CANDIDATES options, a count over
 * CNS_COUNT_MAX_VOTES, all over CNS_COUNT_MAX_TOTAL), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_count_input_from_totals(const char *source, const char *title,
                                                  const char *const *names, size_t n,
                                                  const uint64_t *votes, const uint64_t *blank,
                                                  uint64_t registered, cns_count_input **out,
                                                  cns_diag *diag);

/*
 * Totals of marks: input (from cns_count_input_from_totals) counts marks of
 * a question on which a ballot may mark several options (approval), and
 * ballots ballots were cast, blank ones included. The count then reports
 * ballots (valid, blank, cast) and marks ("votes"."marks") apart, and the
 * annulment test weighs blank ballots against ballots, not marks.
 * Errors: CNS_ERR_INVALID (input is not totals of one district, or fewer
 * ballots than blank ones, or marks but no non-blank ballot).
 */
CNS_NODISCARD cns_err cns_count_input_set_ballots(cns_count_input *input, uint64_t ballots,
                                                  cns_diag *diag);

/* Free an input; NULL does nothing. */
void cns_count_input_free(cns_count_input *input);

/* The format that cns_count_input_parse picks for name under CNS_COUNT_FORMAT_AUTO. */
cns_count_format cns_count_format_from_name(const char *name);

/*
 * Count: apply rule to input. Both are borrowed. On success *out is a new
 * result the caller frees with cns_count_result_free.
 * Errors: CNS_ERR_INVALID (the input does not fit the method, e.g. more seats
 * than candidates, equal ranks under STV, a tie by lot without a tie_seed),
 * CNS_ERR_LIMIT, CNS_ERR_NOMEM, CNS_ERR_INTERNAL.
 */
CNS_NODISCARD cns_err cns_count_run(const cns_count_rule *rule, const cns_count_input *input,
                                    cns_count_result **out, cns_diag *diag);

/* Free a result; NULL does nothing. */
void cns_count_result_free(cns_count_result *result);

/*
 * Render a result. Each writes a new NUL-terminated string to *out, which the
 * caller frees with free(). Output is deterministic (same rule and input, same
 * bytes).
 *   _json  every intermediate table (schema in docs/counting.md)
 *   _text  a readable report
 *   _svg   a chart: bars for votes; a hemicycle of seats coloured by list when
 *          the method allocates seats to lists
 *   _nist  NIST SP 1500-100 (Election Results Common Data Format) JSON;
 *          generated (borrowed, e.g. "2026-04-12T20:00:00Z") is its GeneratedDate
 */
cns_err cns_count_result_json(const cns_count_result *result, char **out);
cns_err cns_count_result_text(const cns_count_result *result, char **out);
cns_err cns_count_result_svg(const cns_count_result *result, char **out);
cns_err cns_count_result_nist(const cns_count_result *result, const char *generated, char **out);

/* How many are elected (candidates, or seats over all lists and districts). */
size_t cns_count_result_nelected(const cns_count_result *result);

/*
 * The i-th elected name (i < cns_count_result_nelected), in order of election
 * for STV/IRV, ranking order for Schulze/MJ/plurality, and list by list for
 * list methods (candidate name when the input names candidates, else the list).
 * Borrowed from result; NULL if i is out of range.
 */
const char *cns_count_result_elected(const cns_count_result *result, size_t i);

/* Seats won by the list named list over all districts (0 if unknown). */
uint64_t cns_count_result_seats(const cns_count_result *result, const char *list);

/*
 * Check a published outcome against result (both borrowed): published[0..len)
 * is a JSON object of members of cns_count_result_json's document, each of
 * which must equal the result's member of that name. It must have "elected",
 * and "seats" (list methods) and "referendum" (referendum) when the result
 * has them; other members may be left out (a summary), none may be added.
 * Returns CNS_OK; CNS_ERR_VERIFY with diag naming the first difference
 * ("list APRA has 36 seats, the rule gives 37", "referendum.winner is \"No\",
 * the rule gives \"Sí\"", "passes[1].districts[0]… is …"); CNS_ERR_DECODE
 * when published is not a JSON object.
 */
CNS_NODISCARD cns_err cns_count_result_check(const cns_count_result *result, const char *published,
                                             size_t len, cns_diag *diag);

/*
 * Count a verified tally under the rule and check that a published outcome
 * follows from it, in one call.
 *   rule_json    a counting rule (with "candidates", "question" and
 *                "blank_first" as the result needs them)
 *   tally_json   the verified result: {"result":[…]} as Belenios writes it
 *                (homomorphic counts or decrypted ballots per question)
 *   published    the published outcome, as cns_count_result_check takes it
 * All are borrowed, lengths explicit. Returns CNS_OK when the published
 * outcome is the one the rule gives, CNS_ERR_VERIFY (diag says what differs,
 * after "count: ") when it is not, or the error of parsing/counting.
 * (An election's own rules are applied by consulta/outcome.h.)
 */
CNS_NODISCARD cns_err cns_count_verify(const char *rule_json, size_t rule_len,
                                       const char *tally_json, size_t tally_len,
                                       const char *published, size_t published_len, cns_diag *diag);

/*
 * Count a verified tally under a rule in one call and write the result JSON
 * (as cns_count_result_json) to *out (caller frees with free()). Same
 * arguments and errors as cns_count_verify, without the comparison.
 */
CNS_NODISCARD cns_err cns_count_tally(const char *rule_json, size_t rule_len,
                                      const char *tally_json, size_t tally_len, char **out,
                                      cns_diag *diag);

#endif
