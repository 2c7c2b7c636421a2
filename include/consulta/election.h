/*
 * consulta — the election definition (election.json, Belenios spec 2.0 §4.10):
 * questions, group, public key, uuid; and its fingerprint φ, which every
 * ballot and decryption proof is bound to.
 *
 * consulta adds one optional member, last: "counting", the rules that turn
 * the result into an outcome, one per counted question (docs/counting.md).
 * Being in the election, a rule is fixed before the first ballot and bound
 * to every ballot through φ. belenios-tool 2.0 ignores the member, so such
 * an election still verifies there; elections meant for other Belenios
 * tools can leave it out.
 *
 * The optional member "translations" (after "counting") carries the
 * election's texts in other languages, for the voting booth:
 * {"qu":{"description","name","questions":[{"answers":[…],"question"}…]},…},
 * languages as BCP 47 tags sorted, each question translated whole
 * (src/election/translations.h; docs/api.md). belenios-tool 2.0 ignores it.
 *
 * THREAD SAFETY: a parsed election is immutable; share it freely.
 */
#ifndef CONSULTA_ELECTION_H
#define CONSULTA_ELECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "consulta/count.h"
#include "consulta/error.h"
#include "consulta/group.h"

/* Base64 (no padding) of a SHA-256 digest, plus NUL. */
#define CNS_HASH_B64_BYTES 44

/*
 * The kinds of question (spec 3.3 §"Questions"): homomorphic (the only one
 * of Belenios 2.0), "Lists" (Belenios 3.0: pick one list and at least one
 * of its candidates; homomorphic too) and "NonHomomorphic" (decrypted
 * ballot by ballot after the trustees' shuffles, spec 2.0 §4.9.2: the
 * answer is one ciphertext of the vector of small integers the voter gives
 * the answers (a ranking, grades); min = 0, max = n_answers, blank = -1.
 * Made in RFC-3526-2048 only, the group whose embedding consulta has; the
 * board follows the shuffles, not yet the decryption of their output).
 */
typedef enum cns_question_kind {
    CNS_QUESTION_HOMOMORPHIC = 0,
    CNS_QUESTION_LISTS = 1,
    CNS_QUESTION_NONHOMOMORPHIC = 2,
} cns_question_kind;

/* A question (spec 2.0 §4.9.1; spec 3.3 §"Questions" for the other kinds). */
typedef struct cns_question {
    char *question; /* the question's text */
    char **answers; /* n_answers texts; Lists: every list's name then its candidates, in order */
    size_t n_answers;
    int min, max; /* homomorphic: how many answers a non-blank vote selects; NonHomomorphic: 0,
                     n_answers */
    int blank;    /* -1: no "blank" field; 0: "blank":false; 1: blank vote allowed */
    cns_question_kind kind;
    size_t n_lists;     /* Lists: the number of lists */
    size_t *list_sizes; /* Lists: n_lists sizes, each 1 (the name) + its candidates */
    char *extra;        /* Lists, NonHomomorphic: the "extra" hint's canonical JSON, or NULL */
} cns_question;

typedef struct cns_election cns_election;

/*
 * Parse election.json (len bytes, without the trailing newline of the file)
 * and check it: known group, valid public key, questions within limits
 * (1 ≤ n_answers, 0 ≤ min ≤ max ≤ n_answers), uuid syntax, canonical form,
 * and the counting rules if any: each one's fields, and its fit with the
 * question it counts (diag: "election: byte 612: question 2: counting rule:
 * …", the byte where that rule starts).
 * OUT: *out, freed with cns_election_free. bytes are copied.
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_LIMIT, CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_election_parse(cns_election **out, const char *bytes, size_t len,
                                         cns_diag *diag);

/* Free an election; NULL is fine. */
void cns_election_free(cns_election *election);

/* The election's group, public key y, uuid, name and description (borrowed). */
const cns_group *cns_election_group(const cns_election *election);
const cns_elt *cns_election_public_key(const cns_election *election);
const char *cns_election_uuid(const cns_election *election);
const char *cns_election_name(const cns_election *election);

/* φ: Base64 without padding of SHA-256 over the election's bytes (borrowed). */
const char *cns_election_fingerprint(const cns_election *election);

/* The canonical bytes of election.json (borrowed; no trailing newline). */
const char *cns_election_bytes(const cns_election *election, size_t *len);

size_t cns_election_question_count(const cns_election *election);
const cns_question *cns_election_question(const cns_election *election, size_t i);

/*
 * The counting rule of question i (from 0), borrowed from the election, or
 * NULL when the question has none (or i is out of range).
 */
const cns_count_rule *cns_election_rule(const cns_election *election, size_t i);

/*
 * Number of ciphertexts an answer to q carries: n_answers, plus 1 if blank
 * is allowed (Lists: one per list name and candidate; NonHomomorphic: 1).
 */
size_t cns_question_width(const cns_question *q);

/*
 * An upper bound on the bytes of any ballot for this election (the longest
 * text of each element and scalar it carries, and the JSON around them):
 * cns_election_make refuses an election whose ballots could pass
 * CNS_MAX_BALLOT_BYTES, which both the library and the board server accept.
 */
size_t cns_election_ballot_bytes_max(const cns_election *election);

/*
 * Make election.json from a template {"description","name","questions"} (as
 * given to belenios-tool setup make-election), plus consulta's optional
 * "counting", a uuid, a group and the election public key. OUT: *json
 * (malloc'd, NUL-terminated, caller frees), *len. The template is checked as
 * cns_election_parse checks questions and rules ("template: question 2:
 * counting rule: …"); the rules are written in canonical form, and so are
 * the optional "translations" (checked against the questions). Errors:
 * CNS_ERR_LIMIT when its ballots could be longer than CNS_MAX_BALLOT_BYTES.
 */
CNS_NODISCARD cns_err cns_election_make(char **json, size_t *len, const char *template_json,
                                        size_t template_len, const char *uuid,
                                        const cns_group *group, const cns_elt *public_key,
                                        cns_diag *diag);

#endif
