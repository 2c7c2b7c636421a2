/* The parsed ballot, shared by the ballot module and the tally. Internal. */
#ifndef CONSULTA_BALLOT_INTERNAL_H
#define CONSULTA_BALLOT_INTERNAL_H

#include <stdbool.h>

#include <jansson.h>

#include "consulta/ballot.h"
#include "core/buf.h"
#include "crypto/crypto.h"

/*
 * One encrypted answer to a homomorphic question, or to a "Lists" question
 * (spec 3.3 §"Lists answers"): then choices are the lists' bits one list
 * after the other (the list's own bit first), overall is the one proof that
 * exactly one list is chosen, and list_proofs and the nonzero proof follow.
 */
typedef struct cns_answer {
    size_t width;               /* ciphertexts: answers, plus the blank flag if allowed */
    cns_ciphertext *choices;    /* width */
    cns_proof (*individual)[2]; /* width 0/1 proofs */
    cns_proof *overall;         /* n_overall */
    size_t n_overall;
    bool has_blank_proof;
    cns_proof blank[2];
    bool nh; /* q->kind == CNS_QUESTION_NONHOMOMORPHIC: choices[0] and its proof only (spec 2.0
                §4.11.2) */
    cns_proof raweg; /* proof of knowledge of choices[0]'s nonce */
    /* Lists only */
    const cns_question *lists;   /* the question, or NULL for a homomorphic one */
    cns_proof (*list_proofs)[2]; /* lists->n_lists: L_i = 1 or no candidate of list i */
    cns_elt nz_commitment;       /* nonzero_proof: A0 ≠ 1 */
    cns_scalar nz_challenge, nz_response[2];
} cns_answer;

struct cns_ballot {
    char *bytes; /* the ballot as received or made (canonical) */
    size_t len;
    cns_elt credential;
    cns_answer *answers; /* one per question */
    size_t n_answers;
    char signature_hash[CNS_HASH_B64_BYTES];
    cns_proof signature;
};

/* The ciphertexts of the ballot's answer to question q (cns_question_width of them). */
const cns_ciphertext *cns_ballot_ciphertexts(const cns_ballot *ballot, size_t q);

/* Allocate the answers of a ballot for this election (zeroed, shapes set). */
CNS_NODISCARD cns_err cns_ballot_alloc(cns_ballot **out, const cns_election *election);

/*
 * Write the ballot without its signature, then (if signed) with it. The
 * unsigned form is what the signature's hash covers: the same object with
 * the "signature" field left out.
 */
void cns_ballot_write(cns_buf *buf, const cns_election *election, const cns_ballot *ballot,
                      bool with_signature);

/*
 * Start the hash of a non-homomorphic answer's proof: "raweg|S0|y,α,β|"
 * (spec 2.0 §4.11.2).
 */
void cns_ballot_fs_raweg(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                         const cns_ciphertext *c);

/* Number of plaintext values of an answer to q: its width, or n_answers when non-homomorphic. */
size_t cns_question_values(const cns_question *q);

/* Number of proofs in overall_proof for q: max−min+1, plus 1 if blank is allowed (0: nh). */
size_t cns_question_overall_count(const cns_question *q);

/*
 * Start the hash of each proof of an answer (spec 2.0 §4.11–4.13), with S0 =
 * "φ|credential" and S = "S0|α1,β1,…" over the answer's ciphertexts:
 *   individual (0/1) proof of c:        "prove|S0|α,β|"
 *   overall proof, blank not allowed:   "prove|S|Σα,Σβ|"
 *   overall proof, blank allowed:       "bproof1|S|"
 *   blank proof:                        "bproof0|S|"
 */
void cns_ballot_fs_individual(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                              const cns_ciphertext *c);
void cns_ballot_fs_overall(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                           const cns_answer *answer);
void cns_ballot_fs_blank(cns_fs *fs, const cns_election *election, const cns_elt *credential,
                         const cns_answer *answer);
/* Start "<tag>S|" (tag e.g. "lproof|", "nonzero|"). */
void cns_ballot_fs_s(cns_fs *fs, const char *tag, const cns_election *election,
                     const cns_elt *credential, const cns_answer *answer);

/*
 * The statements (branches) of each proof of one answer, as spec 2.0
 * §4.11–4.13 define them; make and verify share them. branches has room for
 * cns_question_overall_count(q) (≥ 2) entries.
 */
void cns_branches_individual(const cns_group *group, cns_branch branches[2],
                             const cns_ciphertext *c);
void cns_branches_overall(const cns_group *group, cns_branch *branches, const cns_question *q,
                          const cns_answer *answer);
void cns_branches_blank(const cns_group *group, cns_branch branches[2], const cns_answer *answer);
/* OUT: the product of the answer's ciphertexts for the answers proper (not the blank flag). */
void cns_answer_sum(const cns_group *group, cns_ciphertext *sum, const cns_answer *answer);

/*
 * cns_ballot_make, and also (unless keep is NULL) each ciphertext's nonce in
 * keep (choices->total scalars, in the order of choices->values; secret: the
 * caller wipes them), reporting progress to fn (may be NULL).
 * CT: as cns_ballot_make.
 */
CNS_NODISCARD cns_err cns_ballot_make_nonces(char **json, size_t *len, const cns_election *election,
                                             const cns_scalar *credential_secret,
                                             const cns_choices *choices, cns_scalar *keep,
                                             cns_ballot_progress *fn, void *ctx, cns_diag *diag);

/* ---- "Lists" answers (lists.c) ---- */

/* Parse the answer object v to Lists question q (a shaped by cns_ballot_alloc). */
CNS_NODISCARD cns_err cns_lists_parse(const cns_group *group, cns_answer *a, const json_t *v,
                                      size_t q, cns_diag *diag);

/* Write a Lists answer as Belenios does (nested choices and individual proofs). */
void cns_lists_write(cns_buf *buf, const cns_group *group, const cns_answer *a);

/*
 * Verify a Lists answer's proofs beyond the 0/1 ones: the overall proof
 * (exactly one list), each list proof, and the nonzero proof (at least one
 * candidate). diag names question q and the proof.
 */
CNS_NODISCARD cns_err cns_lists_verify(const cns_election *election, const cns_elt *credential,
                                       const cns_answer *a, size_t q, cns_diag *diag);

#endif
