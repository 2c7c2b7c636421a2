/* The auditor's working state (audit.c, audit_setup.c, audit_tally.c). Internal. */
#ifndef CONSULTA_AUDIT_INTERNAL_H
#define CONSULTA_AUDIT_INTERNAL_H

#include "consulta/audit.h"
#include "consulta/ballot.h"
#include "consulta/trustees.h"
#include "core/map.h"

/* A data entry kept until the event that refers to it. */
typedef struct pending_data {
    unsigned char hash[CNS_HASH_BYTES];
    char *bytes;
    size_t len;
} pending_data;

/* A partial decryption as published: its owner and its content. */
typedef struct published_partial {
    uint64_t owner;
    char *bytes;
    size_t len;
} published_partial;

typedef struct audit {
    cns_audit_report *report;
    const char *path;
    cns_trustees *trustees;
    /* credential fingerprint → weight << 32 | index of its last ballot (1-based; 0 = none) */
    cns_map credentials;
    cns_map ballots_seen; /* ballot fingerprints (ATTACKS.md #6, #7) */
    cns_map superseded;   /* ballot index → weight, for ballots replaced by a revote */
    cns_tally *tally;     /* every ballot cast, minus (after the second pass) superseded ones */
    cns_map alphas_seen;  /* ciphertext alpha fingerprints (#6, #12) */
    pending_data *pending;
    size_t n_pending, cap_pending;
    char *tally_bytes; /* the published encrypted tally */
    size_t tally_len;
    uint64_t tally_num, tally_weight;
    published_partial *partials;
    size_t n_partials;
    char *result_bytes;
    size_t result_len;
    cns_progress_fn progress;
    void *progress_ctx;
} audit;

/* The data entry with this hash among those since the last event, or NULL. */
const pending_data *cns_audit_pending(const audit *a, const unsigned char hash[CNS_HASH_BYTES]);

/* Setup: election, trustees, credentials; the election key = Π trustees' keys. */
CNS_NODISCARD cns_err cns_audit_setup(audit *a, const pending_data *setup_data, cns_diag *diag);

/* After both passes: compare the tally, check decryptions and the result. */
CNS_NODISCARD cns_err cns_audit_tally(audit *a, cns_diag *diag);

/* The map key of a group element (a fingerprint of its canonical encoding). */
void cns_audit_elt_key(unsigned char key[CNS_KEY_BYTES], const cns_group *group, const cns_elt *e);

#endif
