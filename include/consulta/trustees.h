/*
 * consulta — trustees: the keys that decrypt the tally (Belenios spec 2.0
 * §3.1.1, §4.5–4.7; BELENIOS-FORMATS.md §4.2, §6).
 *
 *   - "Single" trustees: a private scalar x and a trustee_public_key
 *     {"pok":{…},"public_key":g^x} proving knowledge of x (pok|G|X|A);
 *   - "Pedersen" trustees: the threshold (t of n) key ceremony of
 *     belenios-tool 2.0 (generate-trustee-key-threshold, steps 1 to 6), with
 *     its certificates, encrypted channels, polynomials, vinputs, voutputs,
 *     encrypted decryption keys (.dkey) and threshold parameters;
 *   - trustees.json: parsed strictly, every proof and signature checked, the
 *     election public key y = Π sub-keys computed, and each trustee id
 *     (1-based: the items of the list flattened in order, a "Pedersen" item
 *     contributing its members in certs order) described for partial
 *     decryption and Lagrange recombination.
 *
 * Every text produced here is the exact JSON belenios-tool 2.0 writes,
 * without the trailing newline the tool adds to files; every text read must
 * be in that canonical form (ATTACKS.md #4). Outputs are malloc'd,
 * NUL-terminated, and freed by the caller with free(); outputs holding
 * secrets (private keys) should be wiped first (sodium_memzero).
 *
 * Group-agnostic: everything goes through consulta/group.h.
 *
 * THREAD SAFETY: parsed handles are immutable once built (a ceremony changes
 * only through the two _load functions); distinct handles may be used from
 * distinct threads.
 */
#ifndef CONSULTA_TRUSTEES_H
#define CONSULTA_TRUSTEES_H

#include <stdbool.h>
#include <stddef.h>

#include "consulta/error.h"
#include "consulta/group.h"

/* Length of a threshold trustee's secret seed (Base58 characters). */
#define CNS_SEED_LEN 22
/* A certificate id: lowercase hex SHA-256 of the certificate's message, plus NUL. */
#define CNS_CERT_ID_BYTES 65
/* A Single key id: 8 uppercase hex digits of SHA-256(public key text), plus NUL. */
#define CNS_KEY_ID_BYTES 9

/* ==== "Single" trustees (spec 2.0 §4.5) ==================================== */

/*
 * Generate a Single trustee key: a random private scalar x and its public key.
 * OUT: *privkey (the .privkey content: the JSON string of x in decimal),
 * *pubkey (the .pubkey content: trustee_public_key with a fresh proof),
 * id (the file name stem belenios-tool uses). Lengths in *privkey_len,
 * *pubkey_len (may be NULL).
 * Errors: CNS_ERR_NOMEM.
 * CT: x is handled in constant time and wiped; *privkey is secret.
 */
CNS_NODISCARD cns_err cns_trustee_keygen(char **privkey, size_t *privkey_len, char **pubkey,
                                         size_t *pubkey_len, char id[CNS_KEY_ID_BYTES],
                                         const cns_group *group);

/*
 * Write the trustee_public_key of private key x (borrowed): g^x with a
 * fresh proof of knowledge. OUT: *json, *len (may be NULL).
 * Errors: CNS_ERR_NOMEM. CT: constant time in x.
 */
CNS_NODISCARD cns_err cns_trustee_pubkey_make(char **json, size_t *len, const cns_group *group,
                                              const cns_scalar *x);

/*
 * Parse a trustee_public_key (len bytes, borrowed; canonical form, optional
 * "name" accepted) and verify its proof of knowledge.
 * OUT: X (may be NULL). what names the item in the diag ("C232985A.pubkey").
 * Errors: CNS_ERR_DECODE (shape, encoding, not canonical), CNS_ERR_INVALID
 * (not a group element), CNS_ERR_VERIFY (proof does not verify), CNS_ERR_LIMIT.
 */
CNS_NODISCARD cns_err cns_trustee_pubkey_verify(cns_elt *X, const cns_group *group,
                                                const char *json, size_t len, const char *what,
                                                cns_diag *diag);

/* OUT: id, the belenios-tool key id of public key X. */
void cns_trustee_key_id(char id[CNS_KEY_ID_BYTES], const cns_group *group, const cns_elt *X);

/*
 * Parse a .privkey content (a JSON string of a decimal scalar < q; len bytes,
 * borrowed). OUT: x. Errors: CNS_ERR_DECODE.
 * CT: the digits are turned into x without branching on their values.
 */
CNS_NODISCARD cns_err cns_trustee_privkey_read(cns_scalar *x, const cns_group *group,
                                               const char *json, size_t len, cns_diag *diag);

/* ==== the threshold ("Pedersen") key ceremony (spec 2.0 §4.6) ============== */

/*
 * Step 1, first half: OUT: seed, CNS_SEED_LEN random Base58 characters and a
 * NUL (the .key content). Errors: CNS_ERR_INTERNAL (no randomness).
 * CT: the seed is secret.
 */
CNS_NODISCARD cns_err cns_threshold_seed_new(char seed[CNS_SEED_LEN + 1]);

/*
 * Step 1, second half: the certificate of seed (len bytes, borrowed): the
 * signed message {"verification":g^sk,"encryption":g^dk} with sk =
 * SHA256("sk|"+seed), dk = SHA256("dk|"+seed). OUT: *cert, *len (may be
 * NULL), id (the certificate id, also the stem of the .cert/.key files).
 * Errors: CNS_ERR_DECODE (seed is not 22 Base58 characters), CNS_ERR_NOMEM.
 * CT: constant time in the seed.
 */
CNS_NODISCARD cns_err cns_threshold_cert_make(char **cert, size_t *len, char id[CNS_CERT_ID_BYTES],
                                              const cns_group *group, const char *seed,
                                              size_t seed_len, cns_diag *diag);

/*
 * Step 1 as Belenios 2.5.1 and later (belenios-tool 3.3's
 * --threshold-context i/k/n): as cns_threshold_cert_make, but the message
 * carries its context {"group","size","threshold","index"} before the keys:
 * this trustee is number index (1-based) of size trustees, threshold of
 * whom are needed (1 ≤ threshold ≤ size, 1 ≤ index ≤ size). A ceremony of
 * such certificates runs in the 3.x form: signed polynomials
 * (certs_sig), signed verification keys, AES-GCM channels; belenios-tool
 * 3.3 accepts only that form, 2.0 verifies its trustees.json but cannot
 * take part in the ceremony. Errors: as cns_threshold_cert_make, and
 * CNS_ERR_INVALID for a context out of range.
 */
CNS_NODISCARD cns_err cns_threshold_cert_make_ctx(char **cert, size_t *len,
                                                  char id[CNS_CERT_ID_BYTES],
                                                  const cns_group *group, const char *seed,
                                                  size_t seed_len, size_t index, size_t threshold,
                                                  size_t size, cns_diag *diag);

/*
 * Decrypt a .dkey (the encrypted_msg a trustee sent itself in step 5; len
 * bytes, borrowed) with the trustee's seed: check the AES-CCM tag, the
 * signature (by the seed's own verification key) and the recipient.
 * OUT: S, the trustee's decryption key share (reduced mod q).
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID (not a group element), CNS_ERR_VERIFY
 * (tag, signature or recipient does not check), CNS_ERR_NOMEM.
 * CT: constant time in the seed and in S; S is secret.
 */
CNS_NODISCARD cns_err cns_threshold_dkey_decrypt(cns_scalar *S, const cns_group *group,
                                                 const char *seed, size_t seed_len,
                                                 const char *dkey, size_t len, cns_diag *diag);

/*
 * A ceremony, as seen by one party: the verified certificates (step 2),
 * then optionally the verified polynomials (steps 4, 6) and voutputs (step 6).
 */
typedef struct cns_ceremony cns_ceremony;

/*
 * Step 2: parse certs.jsons (one certificate per line, each line ending with
 * '\n'; len bytes, copied) and verify every certificate's signature. The
 * order of the lines is the trustees' order everywhere after. Duplicate
 * certificates (or two sharing a key) are refused. Either every certificate
 * has a context (the 3.x ceremony: each context must be {group, n, t, its
 * position}, t the same for all) or none has (the 2.0 ceremony).
 * OUT: *out, freed with cns_ceremony_free.
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_VERIFY (diag names the
 * certificate by position and id), CNS_ERR_LIMIT (more than
 * CNS_MAX_TRUSTEES), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_ceremony_new(cns_ceremony **out, const cns_group *group,
                                       const char *certs, size_t len, cns_diag *diag);

/* Free a ceremony (secrets it holds are wiped); NULL is fine. */
void cns_ceremony_free(cns_ceremony *c);

/* Number of trustees n (certificates). */
size_t cns_ceremony_size(const cns_ceremony *c);

/* The threshold the certificates' contexts give (3.x ceremony), or 0 (2.0: none). */
size_t cns_ceremony_context_threshold(const cns_ceremony *c);

/* The id of certificate i (0 ≤ i < n; borrowed), or NULL if i is out of range. */
const char *cns_ceremony_cert_id(const cns_ceremony *c, size_t i);

/*
 * The 0-based position of the certificate of seed (borrowed) in the ceremony.
 * Errors: CNS_ERR_DECODE (bad seed), CNS_ERR_NOTFOUND (no such certificate).
 * CT: constant time in the seed.
 */
CNS_NODISCARD cns_err cns_ceremony_find(size_t *index, const cns_ceremony *c, const char *seed,
                                        size_t seed_len, cns_diag *diag);

/*
 * Step 3 (trustee with this seed): a random polynomial of `threshold`
 * coefficients (threshold = number of trustees needed, 1 ≤ threshold ≤ n;
 * in a 3.x ceremony 0 means the certificates' threshold, and any other
 * value must equal it). A 3.x polynomial also carries the trustee's
 * "signature" of certs_sig|{certs, its coefexps}.
 * OUT: *json, *len (may be NULL): {"polynomial","secrets","coefexps"}.
 * Errors: CNS_ERR_INVALID (threshold out of range), CNS_ERR_DECODE (bad
 * seed), CNS_ERR_NOTFOUND (seed's certificate is not among the ceremony's),
 * CNS_ERR_NOMEM.
 * CT: the seed, the coefficients and the shares are secret, handled in
 * constant time and wiped.
 */
CNS_NODISCARD cns_err cns_ceremony_polynomial_make(char **json, size_t *len, const cns_ceremony *c,
                                                   const char *seed, size_t seed_len,
                                                   size_t threshold, cns_diag *diag);

/*
 * Steps 4 and 6 (server): load polynomials.jsons (n lines in certs order,
 * each ending with '\n'; len bytes, copied) and check them: shape and
 * canonical form, every channel message well-formed, every coefexps signed
 * by its trustee, one common threshold 1 ≤ t ≤ n.
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_VERIFY (diag names the
 * trustee), CNS_ERR_STATE (already loaded), CNS_ERR_NOMEM, CNS_ERR_LIMIT.
 */
CNS_NODISCARD cns_err cns_ceremony_polynomials_load(cns_ceremony *c, const char *polynomials,
                                                    size_t len, cns_diag *diag);

/* The threshold t of the loaded polynomials (0 before they are loaded). */
size_t cns_ceremony_threshold(const cns_ceremony *c);

/*
 * Step 4 (server): the vinput of trustee j (0 ≤ j < n), routed from the
 * loaded polynomials. OUT: *json, *len (may be NULL).
 * Errors: CNS_ERR_STATE (polynomials not loaded), CNS_ERR_INVALID (j), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_ceremony_vinput_make(char **json, size_t *len, const cns_ceremony *c,
                                               size_t j, cns_diag *diag);

/*
 * Step 5 (trustee with this seed): check the vinput (len bytes, borrowed):
 * decrypt its own polynomial and every share s_ij, check g^{s_ij} =
 * Π_k A_ik^{j^k} against trustee i's signed coefexps (a share that does not
 * match names trustee i by position and certificate id, CNS_ERR_VERIFY),
 * then compute S_j = Σ_i s_ij.
 * OUT: *json, *len (may be NULL): the voutput {"private_key": S_j sent to
 * itself, "public_key": trustee_public_key of S_j}.
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_VERIFY, CNS_ERR_NOTFOUND,
 * CNS_ERR_NOMEM.
 * CT: the seed, the shares and S_j are handled in constant time and wiped.
 */
CNS_NODISCARD cns_err cns_ceremony_voutput_make(char **json, size_t *len, const cns_ceremony *c,
                                                const char *seed, size_t seed_len,
                                                const char *vinput, size_t vinput_len,
                                                cns_diag *diag);

/*
 * Step 6 (server): load the voutputs (n lines in certs order, each ending
 * with '\n'; len bytes, copied; polynomials loaded first) and check each:
 * proof of knowledge, and public key = Π_i Π_k A_ik^{j^k}.
 * Errors: as cns_ceremony_polynomials_load; CNS_ERR_STATE if the polynomials
 * are not loaded or the voutputs already are.
 */
CNS_NODISCARD cns_err cns_ceremony_voutputs_load(cns_ceremony *c, const char *voutputs, size_t len,
                                                 cns_diag *diag);

/*
 * Step 6 (server): the threshold parameters (threshold.json).
 * OUT: *json, *len (may be NULL). Errors: CNS_ERR_STATE (voutputs not
 * loaded), CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_ceremony_params_make(char **json, size_t *len, const cns_ceremony *c,
                                               cns_diag *diag);

/*
 * Step 6 (server): the encrypted decryption key of trustee j (the .dkey
 * content, borrowed from c), or NULL if the voutputs are not loaded or j is
 * out of range. OUT: *len (may be NULL).
 */
const char *cns_ceremony_dkey(const cns_ceremony *c, size_t j, size_t *len);

/* ==== trustees.json (spec 2.0 §4.7) ======================================= */

typedef struct cns_trustees cns_trustees;

typedef enum cns_trustee_kind {
    CNS_TRUSTEE_SINGLE = 1,
    CNS_TRUSTEE_PEDERSEN = 2,
} cns_trustee_kind;

/* What a partial decryption by trustee id needs to know. */
typedef struct cns_trustee_info {
    cns_trustee_kind kind;
    size_t item;      /* 0-based position of its item in trustees.json */
    size_t index;     /* Pedersen: 1-based index in its group (Lagrange abscissa); Single: 1 */
    size_t threshold; /* Pedersen: members needed to decrypt; Single: 1 */
    size_t members;   /* Pedersen: members of its group; Single: 1 */
    const cns_elt *verification_key; /* borrowed: Single public key, or g^{S_j} */
} cns_trustee_info;

/*
 * Parse trustees.json (len bytes without the file's trailing newline;
 * copied) for the given group and verify all of it: canonical form, every
 * proof of knowledge, every certificate and coefexps signature, no duplicate
 * certificate, 1 ≤ threshold ≤ members, every verification key against the
 * coefexps. Computes y = Π sub-keys.
 * OUT: *out, freed with cns_trustees_free.
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_VERIFY (diag names the
 * item and the member), CNS_ERR_LIMIT, CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_trustees_parse(cns_trustees **out, const cns_group *group,
                                         const char *json, size_t len, cns_diag *diag);

/* Free a trustees handle; NULL is fine. */
void cns_trustees_free(cns_trustees *t);

/* The group it was parsed for. */
const cns_group *cns_trustees_group(const cns_trustees *t);

/* The election public key y (borrowed). */
const cns_elt *cns_trustees_public_key(const cns_trustees *t);

/* Number of trustee ids (Singles plus all Pedersen members). */
size_t cns_trustees_count(const cns_trustees *t);

/* Number of items ("Single" or "Pedersen") of the list. */
size_t cns_trustees_items(const cns_trustees *t);

/*
 * OUT: *info about trustee id (1 ≤ id ≤ count); pointers in it are borrowed
 * from t. Errors: CNS_ERR_NOTFOUND (id out of range).
 */
CNS_NODISCARD cns_err cns_trustees_info(cns_trustee_info *info, const cns_trustees *t, size_t id);

/* The canonical bytes (borrowed; no trailing newline). */
const char *cns_trustees_bytes(const cns_trustees *t, size_t *len);

/*
 * Make trustees.json as belenios-tool setup make-trustees does: one "Single"
 * item per line of public_keys (public_keys.jsons; NULL or empty for none),
 * then one "Pedersen" item from threshold (threshold.json content without
 * its newline; NULL for none). Everything is verified as cns_trustees_parse
 * does. Both inputs borrowed. OUT: *json, *len (may be NULL).
 * Errors: CNS_ERR_INVALID (no trustee at all), others as cns_trustees_parse.
 */
CNS_NODISCARD cns_err cns_trustees_make(char **json, size_t *len, const cns_group *group,
                                        const char *public_keys, size_t public_keys_len,
                                        const char *threshold, size_t threshold_len,
                                        cns_diag *diag);

#endif
