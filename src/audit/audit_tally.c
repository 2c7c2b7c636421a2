/*
 * The auditor after the board is read: the published encrypted tally must be
 * the recomputed one (ATTACKS.md #9), every partial decryption must prove it
 * decrypts exactly that tally with its trustee's key (#11), and the result
 * must follow from any sufficient set of them.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/internal.h"
#include "consulta/limits.h"

static cns_err check_published_tally(audit *a, cns_tally **published, cns_diag *diag)
{
    const cns_election *e = a->report->election;
    cns_err err = cns_tally_parse(published, e, a->tally_bytes, a->tally_len, a->tally_num,
                                  a->tally_weight, diag);
    if (err != CNS_OK)
        return err;
    if (a->tally_num != cns_tally_num_tallied(a->tally) ||
        a->tally_weight != cns_tally_total_weight(a->tally))
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "encrypted tally: it claims %llu ballots of total weight %llu, the "
                            "board counts %llu of weight %llu",
                            (unsigned long long)a->tally_num, (unsigned long long)a->tally_weight,
                            (unsigned long long)cns_tally_num_tallied(a->tally),
                            (unsigned long long)cns_tally_total_weight(a->tally));
    if (!cns_tally_equal(*published, a->tally))
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "encrypted tally: not the product of the ballots counted on the board");
    return CNS_OK;
}

/* Parse and verify every partial decryption; parts[i] belongs to a->partials[i]. */
static cns_err check_partials(audit *a, const cns_tally *tally, cns_partial **parts, cns_diag *diag)
{
    const cns_election *e = a->report->election;
    for (size_t i = 0; i < a->n_partials; i++) {
        cns_trustee_info info;
        uint64_t owner = a->partials[i].owner;
        for (size_t k = 0; k < i; k++) {
            if (a->partials[k].owner == owner)
                return cns_diag_set(diag, CNS_ERR_INVALID,
                                    "trustee %llu published two partial decryptions",
                                    (unsigned long long)owner);
        }
        if (cns_trustees_info(&info, a->trustees, owner) != CNS_OK)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "partial decryption by trustee %llu, who is not a trustee",
                                (unsigned long long)owner);
        cns_err err =
            cns_partial_parse(&parts[i], e, a->partials[i].bytes, a->partials[i].len, diag);
        if (err == CNS_OK)
            err = cns_partial_verify(e, tally, parts[i], info.verification_key, diag);
        if (err != CNS_OK)
            return cns_diag_prefix(
                diag, err, "partial decryption of trustee %llu: ", (unsigned long long)owner);
    }
    return CNS_OK;
}

/*
 * Choose the partial decryptions that decrypt: every Single trustee's, and
 * the first `threshold` of each Pedersen group, with their exponents (1, or
 * the Lagrange coefficient over the chosen members' indices).
 * OUT: chosen[0..*n-1] (indices into a->partials), exps.
 */
static cns_err choose(audit *a, size_t *chosen, cns_scalar *exps, size_t *n, cns_diag *diag)
{
    const cns_group *group = cns_election_group(a->report->election);
    *n = 0;
    for (size_t item = 0; item < cns_trustees_items(a->trustees); item++) {
        uint32_t indices[CNS_MAX_TRUSTEES];
        size_t members[CNS_MAX_TRUSTEES], got = 0, needed = 1;
        for (size_t i = 0; i < a->n_partials; i++) {
            cns_trustee_info info;
            if (cns_trustees_info(&info, a->trustees, a->partials[i].owner) != CNS_OK ||
                info.item != item)
                continue;
            needed = info.threshold;
            if (got < needed) {
                indices[got] = (uint32_t)info.index;
                members[got++] = i;
            }
        }
        if (got < needed || got == 0)
            return cns_diag_set(diag, CNS_ERR_NOTFOUND,
                                "result: trustee group %zu has %zu valid partial decryptions, %zu "
                                "needed",
                                item + 1, got, needed ? needed : 1);
        for (size_t k = 0; k < got; k++) {
            chosen[*n] = members[k];
            cns_err err = cns_lagrange(group, &exps[*n], indices, got, indices[k]);
            if (err != CNS_OK)
                return cns_diag_set(diag, err, "result: trustee indices repeat");
            (*n)++;
        }
    }
    return CNS_OK;
}

static cns_err check_result(audit *a, const cns_tally *tally, cns_partial **parts, cns_diag *diag)
{
    const cns_election *e = a->report->election;
    size_t chosen[CNS_MAX_TRUSTEES], n = 0;
    cns_scalar exps[CNS_MAX_TRUSTEES];
    const cns_partial *used[CNS_MAX_TRUSTEES];
    cns_partial *combined = NULL;
    cns_result published = {0};
    cns_err err = choose(a, chosen, exps, &n, diag);
    for (size_t k = 0; k < n; k++)
        used[k] = parts[chosen[k]];
    if (err == CNS_OK)
        err = cns_partial_combine(&combined, e, used, exps, n);
    if (err == CNS_OK)
        err = cns_result_decrypt(&a->report->result, e, tally, combined, diag);
    if (err != CNS_OK)
        goto done;
    a->report->has_result = true;
    err = cns_result_parse(&published, e, a->result_bytes, a->result_len, diag);
    if (err == CNS_OK) {
        if (!cns_result_equal(&published, &a->report->result))
            err = cns_diag_set(diag, CNS_ERR_VERIFY,
                               "result: the published result is not the decryption of the tally");
        cns_result_free(&published);
    }
done:
    cns_partial_free(combined);
    return err;
}

cns_err cns_audit_tally(audit *a, cns_diag *diag)
{
    cns_tally *published = NULL;
    cns_partial **parts = NULL;
    cns_err err = CNS_OK;

    a->report->total_weight = cns_tally_total_weight(a->tally);
    if (a->tally_bytes == NULL)
        return CNS_OK; /* the board is not tallied yet */
    err = check_published_tally(a, &published, diag);
    if (err != CNS_OK)
        goto done;
    a->report->tallied = true;
    parts = calloc(a->n_partials ? a->n_partials : 1, sizeof *parts);
    if (parts == NULL) {
        err = CNS_ERR_NOMEM;
        goto done;
    }
    err = check_partials(a, published, parts, diag);
    if (err == CNS_OK && a->result_bytes != NULL)
        err = check_result(a, published, parts, diag);
done:
    for (size_t i = 0; parts != NULL && i < a->n_partials; i++)
        cns_partial_free(parts[i]);
    free(parts);
    cns_tally_free(published);
    return err;
}
