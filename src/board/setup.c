/*
 * The board's setup: the election, its trustees (every proof), the public
 * credentials (valid, distinct, weights in range), and the election key,
 * which must be the product of the trustees' keys.
 */
#include <stdlib.h>
#include <string.h>

#include "board/internal.h"
#include "consulta/credential.h"

/* The public credentials, checked (valid, distinct, weights), into the credential map. */
static cns_err load_credentials(cns_board *b, const char *bytes, size_t len, cns_diag *diag)
{
    const cns_group *group = cns_election_group(b->election);
    cns_credential_list *list = NULL;
    cns_err err = cns_credential_list_parse(&list, group, bytes, len, 0, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "public credentials: ");
    for (size_t i = 0; err == CNS_OK && i < cns_credential_list_count(list); i++) {
        unsigned char key[CNS_KEY_BYTES];
        uint64_t weight;
        cns_elt c;
        err = cns_credential_list_get(list, i, &c, &weight);
        if (err != CNS_OK)
            break;
        cns_board_elt_key(key, group, &c);
        err = cns_map_put(&b->credentials, key, weight << 32, NULL);
    }
    cns_credential_list_free(list);
    if (err == CNS_OK)
        b->summary.credentials = b->credentials.count;
    return err;
}

/*
 * The election, trustees and credentials are verified; the board follows a
 * non-homomorphic question's ballots and shuffles in RFC-3526-2048 only,
 * the group whose embedding consulta implements (spec 2.0 §4.11.2).
 */
static cns_err refuse_nh_group(const cns_election *e, cns_diag *diag)
{
    const char *name = cns_group_name(cns_election_group(e));
    for (size_t q = 0; q < cns_election_question_count(e); q++) {
        if (cns_election_question(e, q)->kind == CNS_QUESTION_NONHOMOMORPHIC &&
            strcmp(name, "RFC-3526-2048") != 0)
            return cns_diag_set(diag, CNS_ERR_INVALID,
                                "question %zu: non-homomorphic in %s: the election, trustees and "
                                "credentials verify, but consulta follows the mixnet in "
                                "RFC-3526-2048 only (no %s embedding of non-homomorphic answers)",
                                q + 1, name, name);
    }
    return CNS_OK;
}

cns_err cns_board_setup(cns_board *b, const char *election, size_t election_len,
                        const char *trustees, size_t trustees_len, const char *credentials,
                        size_t credentials_len, cns_diag *diag)
{
    cns_err err = cns_election_parse(&b->election, election, election_len, diag);
    if (err != CNS_OK)
        return err;
    const cns_group *group = cns_election_group(b->election);
    err = cns_trustees_parse(&b->trustees, group, trustees, trustees_len, diag);
    if (err != CNS_OK)
        return cns_diag_prefix(diag, err, "trustees: ");
    if (!cns_elt_eq(group, cns_trustees_public_key(b->trustees),
                    cns_election_public_key(b->election)))
        return cns_diag_set(diag, CNS_ERR_VERIFY,
                            "election: public_key is not the product of the trustees' keys");
    err = load_credentials(b, credentials, credentials_len, diag);
    if (err == CNS_OK)
        err = refuse_nh_group(b->election, diag);
    if (err == CNS_OK)
        err = cns_tally_new(&b->tally, b->election);
    return err;
}
