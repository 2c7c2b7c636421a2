/*
 * consulta — voter credentials (Belenios spec 2.0 §4.8; BELENIOS-FORMATS.md
 * §4.3, §5).
 *
 * A private credential is 15 Base58 characters, written XXX-XXX-XXX-XXX-XXX:
 * 14 random digits and a checksum digit 53 − (the 14 digits as a big-endian
 * base-58 number mod 53). Its secret is
 *     s = int_be(PBKDF2-HMAC-SHA256(password = the credential text as given,
 *                                   salt = election uuid, 1000 iterations,
 *                                   32 bytes)) mod q
 * and the public credential is g^s. As in Belenios, the password is the text
 * exactly as given: the dashed and undashed forms of one credential derive
 * different secrets; belenios-tool and consulta hand out the dashed form.
 *
 * The public credential list (the third data entry of the board) is a JSON
 * list of strings "<element>" or, when weights are used, "<element>,<weight>",
 * sorted as belenios-tool sorts it: by the group's canonical byte encoding
 * (cns_elt_encode), which is numeric order for the finite-field group and the
 * order of the RFC 8032 bytes for Ed25519. Its fingerprint is the unpadded
 * Base64 of SHA-256 of those bytes.
 *
 * THREAD SAFETY: a list or batch is immutable once built; share it freely.
 */
#ifndef CONSULTA_CREDENTIAL_H
#define CONSULTA_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"
#include "consulta/group.h"

/* Length of a credential as XXX-XXX-XXX-XXX-XXX, and its storage with the NUL. */
#define CNS_CREDENTIAL_LEN   19
#define CNS_CREDENTIAL_BYTES 20
/* Base58 digits of a credential: 14 random ones and the checksum. */
#define CNS_CREDENTIAL_DIGITS 15
/* Longest voter id in a batch (bytes). */
#define CNS_CREDENTIAL_ID_MAX 255
/* Unpadded Base64 of a SHA-256 digest, plus the NUL. */
#define CNS_CREDENTIAL_FINGERPRINT_BYTES 44
/* Longest public credential list accepted, in bytes of JSON. */
#define CNS_CREDENTIAL_LIST_MAX_BYTES ((size_t)1 << 30)

/* ---- one private credential ------------------------------------------------------ */

/*
 * OUT: a fresh credential "XXX-XXX-XXX-XXX-XXX" and its NUL in out: 14
 * uniformly random Base58 digits (libsodium CSPRNG, rejection sampling) and
 * the checksum. Errors: CNS_ERR_INTERNAL (libsodium cannot start).
 * CT: no branch or memory index depends on the digits.
 */
CNS_NODISCARD cns_err cns_credential_generate(char out[CNS_CREDENTIAL_BYTES]);

/*
 * Check the syntax and checksum of a credential (text: len bytes, borrowed,
 * no NUL needed): XXX-XXX-XXX-XXX-XXX or the 15 digits without dashes, and
 * the checksum digit exactly 53 − (value mod 53) as generated (belenios-tool
 * 2.0 also accepts the other digit ≡ −value mod 53 where one exists, e.g. 'v'
 * for '1'; consulta does not).
 * Errors: CNS_ERR_DECODE, with the reason (never the credential) in diag.
 * CT: the digits are read and the checksum computed in constant time; only
 * the verdict (and, for a malformed credential, the position) is revealed.
 */
CNS_NODISCARD cns_err cns_credential_check(const char *text, size_t len, cns_diag *diag);

/*
 * Belenios 2.3 and later (spec 3.3 §"Credentials") hand out longer
 * credentials XXXXX-XXXXXX-XXXXX-XXXXXX: 22 random Base58 digits, no
 * checksum, whose secret is
 *     s = int_be(hex(SHA256("derive_credential|" uuid "|0|" c)) ‖
 *                hex(SHA256("derive_credential|" uuid "|1|" c))) mod q
 * (the 512-bit number the two digests make, c the text with its dashes).
 * belenios-tool 3.3 takes only these; belenios-tool 2.0 only the short ones.
 */
#define CNS_CREDENTIAL_V3_LEN    25
#define CNS_CREDENTIAL_V3_BYTES  26
#define CNS_CREDENTIAL_V3_DIGITS 22

/* Whether text (len bytes) has the 3.x shape (25 characters, dashes after 5, 11, 16 digits). */
bool cns_credential_is_v3(const char *text, size_t len);

/*
 * OUT: a fresh 3.x credential and its NUL in out (22 uniformly random
 * Base58 digits, libsodium CSPRNG). Errors: CNS_ERR_INTERNAL.
 * CT: no branch or memory index depends on the digits.
 */
CNS_NODISCARD cns_err cns_credential_generate_v3(char out[CNS_CREDENTIAL_V3_BYTES]);

/*
 * Derive the secret s of a credential for the election with this uuid
 * (uuid: uuid_len bytes, checked as cns_base58_uuid_check; credential:
 * cred_len bytes, borrowed: the 3.x form above when it has that shape, else
 * checked as cns_credential_check and derived with PBKDF2).
 * OUT: *s (secret: the caller wipes it).
 * Errors: CNS_ERR_DECODE (uuid or credential), CNS_ERR_LIMIT (uuid too long).
 * CT: constant time in the credential once its syntax is checked.
 */
CNS_NODISCARD cns_err cns_credential_derive(const cns_group *group, const char *uuid,
                                            size_t uuid_len, const char *cred, size_t cred_len,
                                            cns_scalar *s, cns_diag *diag);

/*
 * OUT: *out = g^s, the public credential of cred (as cns_credential_derive,
 * which it calls; s is wiped). Errors: those of cns_credential_derive.
 * CT: constant time in the credential once its syntax is checked.
 */
CNS_NODISCARD cns_err cns_credential_public(const cns_group *group, const char *uuid,
                                            size_t uuid_len, const char *cred, size_t cred_len,
                                            cns_elt *out, cns_diag *diag);

/* ---- the public credential list ------------------------------------------------------ */

typedef struct cns_credential_list cns_credential_list;

/*
 * Parse flag: accept the 2.1 `*.pubcreds` / testdata public_creds.json form,
 * every item "<element>,<weight or empty>,<voter id>" (the id is dropped).
 * Without it, only the board's form "<element>" / "<element>,<weight>".
 */
#define CNS_CREDENTIAL_LIST_IDS 1u

/*
 * Parse a public credential list (json: len bytes, borrowed, at most
 * CNS_CREDENTIAL_LIST_MAX_BYTES and CNS_MAX_VOTERS items) strictly: a JSON
 * array (JSON_REJECT_DUPLICATES) of strings; each element fully checked by
 * the group (canonical text, in the subgroup); weights decimal without sign
 * or leading zero, 1 ≤ w ≤ CNS_MAX_WEIGHT, on every item or on none; no
 * public credential twice. The items need not be sorted; the list is.
 * OUT: *out, freed with cns_credential_list_free.
 * Errors (diag names the 1-based item): CNS_ERR_DECODE (not JSON, not an
 * array of strings, bad element text or weight syntax), CNS_ERR_INVALID
 * (element not in the group, weight out of range, weights on some items only,
 * duplicate: "credentials 3 and 17 are the same"), CNS_ERR_LIMIT,
 * CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_credential_list_parse(cns_credential_list **out, const cns_group *group,
                                                const char *json, size_t len, unsigned flags,
                                                cns_diag *diag);

/* Free a list; NULL is fine. */
void cns_credential_list_free(cns_credential_list *list);

/* Number of credentials; whether weights are written; the sum of the weights (1 each if not). */
size_t cns_credential_list_count(const cns_credential_list *list);
bool cns_credential_list_weighted(const cns_credential_list *list);
uint64_t cns_credential_list_total_weight(const cns_credential_list *list);

/* The list's group (borrowed). */
const cns_group *cns_credential_list_group(const cns_credential_list *list);

/*
 * Credential i (0 ≤ i < count) in list order. OUT: *elt, *weight (either may
 * be NULL). Re-decodes the stored encoding (fully checked).
 * Errors: CNS_ERR_INVALID (i out of range), CNS_ERR_INTERNAL.
 */
CNS_NODISCARD cns_err cns_credential_list_get(const cns_credential_list *list, size_t i,
                                              cns_elt *elt, uint64_t *weight);

/*
 * Look up a public credential (a ballot's). OUT: *weight and *index (either
 * may be NULL). Errors: CNS_ERR_NOTFOUND (not in the list). O(log n).
 */
CNS_NODISCARD cns_err cns_credential_list_find(const cns_credential_list *list, const cns_elt *elt,
                                               uint64_t *weight, size_t *index);

/*
 * The list in the board's form: compact JSON, sorted, "<element>" or
 * "<element>,<weight>", no trailing newline.
 * OUT: *json (malloc'd, NUL-terminated, caller frees), *len.
 * Errors: CNS_ERR_NOMEM, CNS_ERR_INTERNAL.
 */
CNS_NODISCARD cns_err cns_credential_list_to_json(const cns_credential_list *list, char **json,
                                                  size_t *len, cns_diag *diag);

/*
 * OUT: the fingerprint (unpadded Base64 of SHA-256) of the list's board form
 * (cns_credential_list_to_json), as belenios-tool prints it.
 * Errors: those of cns_credential_list_to_json.
 */
CNS_NODISCARD cns_err cns_credential_list_fingerprint(const cns_credential_list *list,
                                                      char out[CNS_CREDENTIAL_FINGERPRINT_BYTES],
                                                      cns_diag *diag);

/* OUT: unpadded Base64 of SHA-256 of bytes (len, borrowed): a list's fingerprint from its bytes. */
void cns_credential_fingerprint(const void *bytes, size_t len,
                                char out[CNS_CREDENTIAL_FINGERPRINT_BYTES]);

/* ---- generating credentials for an election ------------------------------------------- */

/* The private credentials of an election with their voter ids, and the public list. */
typedef struct cns_credential_batch cns_credential_batch;

/*
 * Generate n (1 ≤ n ≤ CNS_MAX_VOTERS) credentials for the election with this
 * uuid (uuid_len bytes, checked) in this group. ids: NULL for belenios-tool's
 * numbering (consecutive integers of one width: 1…n, or 10…29 for 20), or n
 * ids (each 1…CNS_CREDENTIAL_ID_MAX printable ASCII characters, no space or
 * comma; copied). weights: NULL for an unweighted list, or n weights
 * 1…CNS_MAX_WEIGHT (copied). All public credentials are distinct (a collision,
 * never seen in practice, is refused with CNS_ERR_INVALID: generate again).
 * OUT: *out, freed (and wiped) with cns_credential_batch_free.
 * Errors: CNS_ERR_INVALID, CNS_ERR_DECODE (uuid), CNS_ERR_LIMIT, CNS_ERR_NOMEM,
 * CNS_ERR_INTERNAL.
 * CT: each credential is generated and derived in constant time.
 */
CNS_NODISCARD cns_err cns_credential_batch_generate(cns_credential_batch **out,
                                                    const cns_group *group, const char *uuid,
                                                    size_t uuid_len, size_t n,
                                                    const char *const *ids, const uint64_t *weights,
                                                    cns_diag *diag);

/*
 * As cns_credential_batch_generate, with the form of the private
 * credentials chosen: v3 false, Belenios 2.0's XXX-XXX-XXX-XXX-XXX (what
 * belenios-tool 2.0 votes with); v3 true, Belenios 3.x's
 * XXXXX-XXXXXX-XXXXX-XXXXXX (what belenios-tool 3.3 votes with).
 */
CNS_NODISCARD cns_err cns_credential_batch_generate_form(
    cns_credential_batch **out, const cns_group *group, const char *uuid, size_t uuid_len, size_t n,
    const char *const *ids, const uint64_t *weights, bool v3, cns_diag *diag);

/* Number of voters. */
size_t cns_credential_batch_count(const cns_credential_batch *batch);

/* Voter i's id and private credential (borrowed, NUL-terminated; i < count; the credential is
 * secret). */
const char *cns_credential_batch_id(const cns_credential_batch *batch, size_t i);
const char *cns_credential_batch_secret(const cns_credential_batch *batch, size_t i);

/* The public list (borrowed; lives as long as the batch). */
const cns_credential_list *cns_credential_batch_public(const cns_credential_batch *batch);

/* Wipe the private credentials and free; NULL is fine. */
void cns_credential_batch_free(cns_credential_batch *batch);

#endif
