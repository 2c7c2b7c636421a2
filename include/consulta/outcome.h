/*
 * consulta — the outcome of an election: its counting rules (election.json's
 * "counting", one per counted question) applied to its verified result.
 *
 * The outcome is a deterministic function of two things the board already
 * verifies — the election definition, which fixes the rules before the first
 * ballot, and the result, the proven decryption of the tally — so it is never
 * taken on trust and never added to the board (whose event types are
 * Belenios' own): every verifier derives it, and a published outcome
 * (outcome.json next to the board) is checked against the derivation, member
 * by member. See docs/counting.md.
 *
 * THREAD SAFETY: an outcome is immutable once derived; share it freely.
 */
#ifndef CONSULTA_OUTCOME_H
#define CONSULTA_OUTCOME_H

#include <stddef.h>
#include <stdint.h>

#include "consulta/count.h"
#include "consulta/election.h"
#include "consulta/error.h"
#include "consulta/tally.h"

typedef struct cns_outcome cns_outcome;

/*
 * Apply each counting rule of election to result, a verified result of that
 * election (both borrowed). Each counted question is one count of totals:
 * its answers are the options (or lists), its blank count (when the question
 * allows blank) the blank votes, and the electors registered are the rule's
 * "registered" or else registered (the number of credentials on the board;
 * 0: unknown). OUT: *out, freed with cns_outcome_free; an election without
 * rules gives an outcome of no question.
 * Errors: CNS_ERR_INVALID when the result does not fit the election, or a
 * rule gives no outcome for these votes (diag: "outcome: question 2: …",
 * e.g. no list passes the threshold); CNS_ERR_LIMIT, CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_outcome_derive(cns_outcome **out, const cns_election *election,
                                         const cns_result *result, uint64_t registered,
                                         cns_diag *diag);

/*
 * As cns_outcome_derive, knowing ballots, the weight of the ballots counted
 * (0: unknown): a question on which a ballot may mark several options
 * (max > 1, e.g. approval) is then counted as marks on that many ballots
 * (cns_count_input_set_ballots): ballots and marks reported apart, the
 * annulment test applied to ballots. Every verifier must pass the same
 * ballots (the board's counted weight) to derive the same outcome.
 */
CNS_NODISCARD cns_err cns_outcome_derive_counted(cns_outcome **out, const cns_election *election,
                                                 const cns_result *result, uint64_t registered,
                                                 uint64_t ballots, cns_diag *diag);

/* Free an outcome; NULL does nothing. */
void cns_outcome_free(cns_outcome *outcome);

/* How many questions were counted (those with a rule, in question order). */
size_t cns_outcome_size(const cns_outcome *outcome);

/* The i-th counted question's index in the election (from 0); i < cns_outcome_size. */
size_t cns_outcome_question(const cns_outcome *outcome, size_t i);

/* The i-th count, for cns_count_result_text and the other renderings (borrowed). */
const cns_count_result *cns_outcome_count(const cns_outcome *outcome, size_t i);

/*
 * The outcome as published (outcome.json, docs/counting.md):
 *   {"consulta_outcome":1,"election":UUID,"fingerprint":φ,
 *    "questions":[{"question":Q, …the count's document…}, …]}
 * OUT: *json (malloc'd, NUL-terminated, caller frees), *len. Deterministic.
 * Errors: CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_outcome_to_json(const cns_outcome *outcome, char **json, size_t *len);

/*
 * Check a published outcome (published[0..len), borrowed) against this one.
 * It must be for this election (uuid and fingerprint), count the same
 * questions in order, and for each question say what the rule gives: the
 * members it has must equal the derivation's, and it must have "elected",
 * plus "seats" or "referendum" where the method gives them
 * (cns_count_result_check), so a summary is accepted and a full document is
 * checked in full. Returns CNS_OK; CNS_ERR_VERIFY with the first difference
 * ("outcome: question 2: list APRA has 36 seats, the rule gives 37");
 * CNS_ERR_DECODE when published is not JSON of that shape.
 */
CNS_NODISCARD cns_err cns_outcome_check(const cns_outcome *outcome, const char *published,
                                        size_t len, cns_diag *diag);

#endif
