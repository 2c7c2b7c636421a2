/*
 * The board after the ballots: the encrypted tally is recomputed from the
 * counted ballots and compared with the published one (ATTACKS.md #9); every
 * partial decryption must prove it decrypts exactly that tally with its
 * trustee's key (#11); the result must follow from any sufficient set of
 * them.
 */
#include <stdlib.h>
#include <string.h>

#include "board/internal.h"
#include "consulta/limits.h"
#include "core/buf.h"

/* Take ballot number index (bytes) back out of the tally if it was superseded. */
static cns_err remove_if_superseded(cns_board *b, uint64_t index, const char *bytes, size_t len,
                                    cns_diag *diag)
{
    unsigned char key[CNS_KEY_BYTES] = {0};
    memcpy(key, &index, sizeof index);
    const uint64_t *weight = cns_map_get(&b->superseded, key);
    if (weight == NULL)
        return CNS_OK;
    cns_ballot *ballot = NULL;
    cns_err err = cns_ballot_parse(&ballot, b->election, bytes, len, diag);
    if (err == CNS_OK)
        err = cns_tally_remove(b->tally, ballot, *weight);
    cns_ballot_free(ballot);
    return err;
}

/* Reading the board again: the ballots in order, up to EndBallots. */
typedef struct second_reading {
    cns_board *b;
    uint64_t index; /* ballots seen */
    bool done;      /* EndBallots reached */
    cns_buf data;   /* the data entry before the event: a ballot before a Ballot event */
} second_reading;

static cns_err reread(void *ctx, const cns_archive_entry *entry, cns_diag *diag)
{
    second_reading *r = ctx;
    if (r->done)
        return CNS_OK;
    if (entry->kind == CNS_ARCHIVE_DATA) {
        cns_buf_reset(&r->data);
        cns_buf_put(&r->data, entry->content, entry->len);
        return cns_buf_status(&r->data);
    }
    if (entry->kind != CNS_ARCHIVE_EVENT)
        return CNS_OK;
    cns_event_type type = entry->event.type;
    if (type == CNS_EVENT_END_BALLOTS)
        r->done = true;
    else if (type == CNS_EVENT_BALLOT)
        return remove_if_superseded(r->b, ++r->index, r->data.data, r->data.len, diag);
    return CNS_OK;
}

/* Read the board again and take each superseded ballot back out of the tally. */
static cns_err remove_superseded(cns_board *b, cns_diag *diag)
{
    second_reading r = {.b = b};
    cns_buf_init(&r.data, CNS_ARCHIVE_ENTRY_MAX);
    cns_err err = cns_board_each(b, reread, &r, diag);
    cns_buf_free(&r.data);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "second reading of the board: ");
    return CNS_OK;
}

cns_err cns_board_finish_tally(cns_board *b, cns_diag *diag)
{
    if (b->tally_final)
        return CNS_OK;
    cns_err err = b->superseded.count ? remove_superseded(b, diag) : CNS_OK;
    if (err == CNS_OK) {
        b->tally_final = true;
        b->summary.total_weight = cns_tally_total_weight(b->tally);
    }
    return err;
}

cns_err cns_board_check_tally(cns_board *b, const char *json, size_t len, uint64_t num,
                              uint64_t weight, cns_diag *diag)
{
    cns_tally *published = NULL;
    cns_err err = cns_board_finish_tally(b, diag);
    if (err == CNS_OK)
        err = cns_tally_parse(&published, b->election, json, len, num, weight, diag);
    if (err != CNS_OK)
        return err;
    if (num != cns_tally_num_tallied(b->tally) || weight != cns_tally_total_weight(b->tally))
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "encrypted tally: it claims %llu ballots of total weight %llu, the "
                           "board counts %llu of weight %llu",
                           (unsigned long long)num, (unsigned long long)weight,
                           (unsigned long long)cns_tally_num_tallied(b->tally),
                           (unsigned long long)cns_tally_total_weight(b->tally));
    else if (!cns_tally_equal(published, b->tally))
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "encrypted tally: not the product of the ballots counted on the board");
    cns_tally_free(published);
    return err;
}

/* Verify a parsed partial decryption as trustee owner's. */
static cns_err verify_as(cns_board *b, const cns_partial *p, uint64_t owner, cns_diag *diag)
{
    cns_trustee_info info;
    if (cns_trustees_info(&info, b->trustees, owner) != CNS_OK)
        return cns_diag_set(diag, CNS_ERR_INVALID, "trustee %llu is not one of the %zu trustees",
                            (unsigned long long)owner, cns_trustees_count(b->trustees));
    for (size_t k = 0; k < b->n_partials; k++) {
        if (b->partials[k].owner == owner)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "trustee %llu has already published a partial decryption",
                                (unsigned long long)owner);
    }
    cns_err err = cns_partial_verify(b->election, b->tally, p, info.verification_key, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err,
                               "partial decryption of trustee %llu: ", (unsigned long long)owner);
    return CNS_OK;
}

cns_err cns_board_check_partial(cns_board *b, const char *json, size_t len, uint64_t owner,
                                cns_partial **partial, uint64_t *owner_out, cns_diag *diag)
{
    cns_err err = cns_partial_parse(partial, b->election, json, len, diag);
    if (err == CNS_OK && owner != 0)
        err = verify_as(b, *partial, owner, diag);
    for (uint64_t id = 1; err == CNS_OK && owner == 0; id++) {
        if (id > cns_trustees_count(b->trustees)) {
            err = cns_diag_set(diag, CNS_ERR_VERIFY,
                               "partial decryption: its proofs verify with no trustee's key");
            break;
        }
        if (verify_as(b, *partial, id, NULL) == CNS_OK)
            owner = id;
    }
    if (err != CNS_OK) {
        cns_partial_free(*partial);
        *partial = NULL;
        return err;
    }
    *owner_out = owner;
    return CNS_OK;
}

cns_err cns_board_keep_partial(cns_board *b, cns_partial *partial, uint64_t owner)
{
    board_partial *p = realloc(b->partials, (b->n_partials + 1) * sizeof *p);
    if (p == NULL) {
        cns_partial_free(partial);
        return CNS_ERR_NOMEM;
    }
    b->partials = p;
    b->partials[b->n_partials].owner = owner;
    b->partials[b->n_partials].partial = partial;
    b->n_partials++;
    b->summary.partial_decryptions++;
    return CNS_OK;
}

/*
 * Choose the partial decryptions that decrypt: every Single trustee's, and
 * the first `threshold` of each threshold group, with their exponents (1,
 * or the Lagrange coefficient over the chosen members' indices).
 * OUT: used[0..*n-1], exps.
 */
static cns_err choose(cns_board *b, const cns_partial **used, cns_scalar *exps, size_t *n,
                      cns_diag *diag)
{
    const cns_group *group = cns_election_group(b->election);
    *n = 0;
    for (size_t item = 0; item < cns_trustees_items(b->trustees); item++) {
        uint32_t indices[CNS_MAX_TRUSTEES];
        const cns_partial *members[CNS_MAX_TRUSTEES];
        size_t got = 0, needed = 1;
        for (size_t i = 0; i < b->n_partials; i++) {
            cns_trustee_info info;
            if (cns_trustees_info(&info, b->trustees, b->partials[i].owner) != CNS_OK ||
                info.item != item)
                continue;
            needed = info.threshold;
            if (got < needed) {
                indices[got] = (uint32_t)info.index;
                members[got++] = b->partials[i].partial;
            }
        }
        if (got == 0 || got < needed)
            return cns_diag_set(diag, CNS_ERR_STATE,
                                "result: trustee group %zu has %zu valid partial decryptions, %zu "
                                "needed",
                                item + 1, got, needed);
        for (size_t k = 0; k < got; k++, (*n)++) {
            used[*n] = members[k];
            cns_err err = cns_lagrange(group, &exps[*n], indices, got, indices[k]);
            if (err != CNS_OK)
                return cns_diag_set(diag, err, "result: trustee indices repeat");
        }
    }
    return CNS_OK;
}

cns_err cns_board_compute_result(cns_board *b, cns_diag *diag)
{
    const cns_partial *used[CNS_MAX_TRUSTEES];
    cns_scalar exps[CNS_MAX_TRUSTEES];
    cns_partial *combined = NULL;
    size_t n = 0;
    cns_err err = choose(b, used, exps, &n, diag);
    if (err == CNS_OK)
        err = cns_partial_combine(&combined, b->election, used, exps, n);
    if (err == CNS_OK)
        err = cns_result_decrypt(&b->result, b->election, b->tally, combined, diag);
    cns_partial_free(combined);
    return err;
}

cns_err cns_board_check_result(cns_board *b, const char *json, size_t len, cns_diag *diag)
{
    cns_result published = {0};
    cns_err err = cns_result_parse(&published, b->election, json, len, diag);
    if (err != CNS_OK)
        return err;
    if (!cns_result_equal(&published, &b->result))
        err = cns_diag_set(diag, CNS_ERR_VERIFY,
                           "result: the published result is not the decryption of the tally");
    cns_result_free(&published);
    return err;
}
