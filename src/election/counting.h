/*
 * An election's counting rules: the optional "counting" member of
 * election.json (and of a template), an array of counting rules, one per
 * counted question, each naming its "question" (docs/counting.md). Internal
 * to the election module.
 */
#ifndef CONSULTA_ELECTION_COUNTING_H
#define CONSULTA_ELECTION_COUNTING_H

#include <jansson.h>

#include "consulta/count.h"
#include "consulta/election.h"
#include "consulta/limits.h"
#include "core/buf.h"

/*
 * Write the "counting" value v canonically to b: each rule's fields in the
 * order of docs/counting.md (unknown ones after, as given), percentages in
 * their shortest form (5 for "5.0", "4.5" for "4.50"), strings as Belenios
 * escapes them, anything else as it is; counting_parse judges the content.
 * OUT: at[i], the offset in b where rule i starts, for i < CNS_MAX_QUESTIONS.
 */
void counting_write(cns_buf *b, const json_t *v, size_t at[CNS_MAX_QUESTIONS]);

/*
 * Check the "counting" value v against the n questions qs and parse its
 * rules: rules[q] (n entries, all NULL on entry) gets question q's rule, or
 * stays NULL. at (may be NULL) gives each rule's byte offset in the
 * document, named what ("election", "template") in diagnostics:
 * "election: byte 612: question 2: counting rule: …".
 * Errors: CNS_ERR_INVALID (diag names the rule and what is wrong),
 * CNS_ERR_NOMEM. On failure the rules already parsed stay in rules.
 */
CNS_NODISCARD cns_err counting_parse(cns_count_rule **rules, const json_t *v,
                                     const cns_question *qs, size_t n, const size_t *at,
                                     const char *what, cns_diag *diag);

#endif
