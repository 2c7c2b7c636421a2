/*
 * Internals shared by trustees.c, threshold.c and channel.c: Belenios' small
 * PKI (seeds, signed messages, certificates, encrypted channels) and the
 * trustee_public_key and coefexps pieces. Internal to the library.
 */
#ifndef CONSULTA_ELECTION_TRUSTEES_INTERNAL_H
#define CONSULTA_ELECTION_TRUSTEES_INTERNAL_H

#include <jansson.h>

#include "consulta/group.h"
#include "consulta/trustees.h"
#include "core/buf.h"
#include "crypto/crypto.h"

/* Largest message exchanged in the ceremony (a vinput with 64 trustees is ~400 KB). */
#define CNS_TR_MAX_BYTES ((size_t)16 << 20)
/* Longest decimal integer accepted in a channel message (Belenios does not reduce sums). */
#define CNS_TR_MAX_DIGITS 700 /* RFC-3526-2048 scalars have 617 digits */

/* ---- keys -------------------------------------------------------------------------- */

/*
 * Check seed (22 Base58 characters) and derive sk = SHA256("sk|"+seed),
 * dk = SHA256("dk|"+seed), reduced mod q (Belenios uses them unreduced as
 * exponents: same group elements, same proofs). Either output may be NULL.
 * CT: constant time in the seed.
 */
CNS_NODISCARD cns_err cns_tr_seed_keys(const cns_group *group, const char *seed, size_t len,
                                       cns_scalar *sk, cns_scalar *dk, cns_diag *diag);

/*
 * OUT: x = the decimal integer digits[0…len-1] reduced mod q. Digits only, no
 * leading zero (except "0"), at most CNS_TR_MAX_DIGITS. Errors: CNS_ERR_DECODE.
 * CT: no branch on the digits' values.
 */
CNS_NODISCARD cns_err cns_tr_decimal_reduce(const cns_group *group, cns_scalar *x,
                                            const char *digits, size_t len);

/* ---- trustee_public_key ---------------------------------------------------------- */

/*
 * {"pok":…,"public_key":X[,"signature":…][,"name":…]}; sig (may be NULL) is
 * the 3.x threshold signature of X's text by the member's certificate.
 */
void cns_tr_tpk_write(cns_buf *buf, const cns_group *group, const cns_elt *X, const cns_proof *pok,
                      const cns_proof *sig, const char *name, size_t name_len);

/* OUT: X and a fresh proof of knowledge of x. CT: constant time in x. */
void cns_tr_tpk_prove(const cns_group *group, cns_elt *X, cns_proof *pok, const cns_scalar *x);

/*
 * Parse a trustee_public_key object and verify its proof. OUT: X, *name and
 * *name_len (borrowed from v; NULL/0 when absent). name/name_len may be NULL.
 * The optional "signature" (Belenios 3.0: a threshold member's signature of
 * X) is read, not verified, into *sig with *has_sig set; when has_sig is
 * NULL the field is refused.
 */
CNS_NODISCARD cns_err cns_tr_tpk_read(const cns_group *group, const json_t *v, cns_elt *X,
                                      cns_proof *pok, cns_proof *sig, bool *has_sig,
                                      const char **name, size_t *name_len, const char *what,
                                      cns_diag *diag);

/* ---- signed messages ------------------------------------------------------------- */

/* {"message":msg,"signature":proof} signed with sk (sigmsg|msg|A). CT: constant time in sk. */
void cns_tr_sign(cns_buf *buf, const cns_group *group, const cns_scalar *sk, const char *msg,
                 size_t len);

/* OUT: sig, the signature of msg with sk (sigmsg|msg|A). CT: constant time in sk. */
void cns_tr_sign_proof(cns_proof *sig, const cns_group *group, const cns_scalar *sk,
                       const char *msg, size_t len);

/* {"message":msg,"signature":sig}, an existing signature. */
void cns_tr_signed_write(cns_buf *buf, const cns_group *group, const char *msg, size_t len,
                         const cns_proof *sig);

/* Verify sig on msg by vk. CNS_ERR_VERIFY if it does not check. */
CNS_NODISCARD cns_err cns_tr_sig_verify(const cns_group *group, const cns_elt *vk, const char *msg,
                                        size_t len, const cns_proof *sig);

/* Parse a signed_msg object: OUT: *msg, *len borrowed from v, *sig. */
CNS_NODISCARD cns_err cns_tr_signed_read(const cns_group *group, const json_t *v, const char **msg,
                                         size_t *len, cns_proof *sig, const char *what,
                                         cns_diag *diag);

/* ---- certificates and coefexps --------------------------------------------------- */

/*
 * The context a certificate carries since Belenios 2.5.1 (spec 3.3
 * §"Certificates"): the group's name, the number of trustees of the
 * ceremony, its threshold and the owner's 1-based index.
 */
typedef struct cns_tr_context {
    size_t size, threshold, index;
} cns_tr_context;

typedef struct cns_tr_cert {
    cns_elt vk; /* verification */
    cns_elt ek; /* encryption */
    char id[CNS_CERT_ID_BYTES];
    bool has_context;
    cns_tr_context context; /* when has_context */
} cns_tr_cert;

/*
 * Parse a cert (signed_msg of cert_keys, canonical) and verify its signature by
 * its own verification key. OUT: *cert; if text is not NULL, the canonical
 * signed_msg is appended to it.
 */
CNS_NODISCARD cns_err cns_tr_cert_read(const cns_group *group, const json_t *v, cns_tr_cert *cert,
                                       cns_buf *text, const char *what, cns_diag *diag);

/*
 * Write the cert_keys message {["context":{…},]"verification":vk,"encryption":ek};
 * ctx NULL for the 2.0 form without a context.
 */
void cns_tr_cert_keys_write(cns_buf *buf, const cns_group *group, const cns_tr_context *ctx,
                            const cns_elt *vk, const cns_elt *ek);

/*
 * Check certificate i (0-based) of a ceremony of n trustees with threshold t
 * against its context: present and equal to {group, n, t, i + 1}.
 * CNS_ERR_VERIFY naming the first field that differs otherwise.
 */
CNS_NODISCARD cns_err cns_tr_context_check(const cns_tr_cert *cert, size_t n, size_t t, size_t i,
                                           const char *what, cns_diag *diag);

/*
 * The message a threshold member signs over all certificates and its own
 * coefexps (Belenios 2.5.1, spec 3.3 §"Polynomials"): "certs_sig|" followed
 * by {"certs":[cert…],"coefexps":[A_0…]}; certs is the JSON list text of the
 * certificates (as written back by cns_tr_cert_read).
 */
void cns_tr_certs_sig_msg(cns_buf *buf, const cns_group *group, const char *certs, size_t certs_len,
                          const cns_elt *A, size_t t);

/* Refuse two certificates that share a message, a verification or an encryption key. */
CNS_NODISCARD cns_err cns_tr_certs_distinct(const cns_group *group, const cns_tr_cert *certs,
                                            size_t n, const char *what, cns_diag *diag);

/*
 * Parse a signed coefexps {"coefexps":[A_0…]} (canonical), verify the
 * signature by vk, require exactly t elements (t = 0: any count 1…n_max,
 * returned in *t). OUT: A[0…t-1] (room for CNS_MAX_TRUSTEES); if text is not
 * NULL, the canonical signed_msg is appended to it.
 */
CNS_NODISCARD cns_err cns_tr_coefexps_read(const cns_group *group, const json_t *v,
                                           const cns_elt *vk, cns_elt *A, size_t *t, cns_buf *text,
                                           const char *what, cns_diag *diag);

/* {"coefexps":[A_0,…,A_{t-1}]} */
void cns_tr_coefexps_write(cns_buf *buf, const cns_group *group, const cns_elt *A, size_t t);

/*
 * OUT: Π_{i<n} Π_{k<t} A[i·t+k]^{j^k}, the public key g^{S_j} of trustee j
 * (1-based) implied by the coefexps of the n trustees. Errors: CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_tr_expected_key(const cns_group *group, cns_elt *out, const cns_elt *A,
                                          size_t n, size_t t, size_t j);

/* ---- channels (spec 2.0 §4.6.1, §4.6.3) -------------------------------------------- */

/*
 * send(sk, recipient, msg): channel_msg {"recipient","message"}, signed with
 * sk, encrypted to recipient with AES-CCM (the 2.0 form, no "algorithm"); appends
 * the encrypted_msg JSON text to out.
 * CT: constant time in sk and in msg's content (its length leaks).
 */
CNS_NODISCARD cns_err cns_tr_channel_send(cns_buf *out, const cns_group *group,
                                          const cns_scalar *sk, const cns_elt *recipient,
                                          const char *msg, size_t len);

/*
 * The symmetric cipher of an encrypted_msg: AES-CCM without an "algorithm"
 * member (Belenios 2.0 to 3.0), AES-CCM named, or AES-GCM (3.1 and later;
 * the only one belenios-tool 3.3 decrypts).
 */
typedef enum cns_tr_cipher {
    CNS_TR_CCM = 0,
    CNS_TR_CCM_NAMED = 1,
    CNS_TR_GCM = 2,
} cns_tr_cipher;

/*
 * As cns_tr_channel_send, but naming `recipient` in the channel message while
 * encrypting to ek (tests build misaddressed messages with it), with cipher.
 */
CNS_NODISCARD cns_err cns_tr_channel_send_alg(cns_buf *out, const cns_group *group,
                                              cns_tr_cipher cipher, const cns_scalar *sk,
                                              const cns_elt *recipient, const cns_elt *ek,
                                              const char *msg, size_t len);

/*
 * As cns_tr_channel_send, but naming `recipient` in the channel message while
 * encrypting to ek (tests build misaddressed messages with it).
 */
CNS_NODISCARD cns_err cns_tr_channel_send_to(cns_buf *out, const cns_group *group,
                                             const cns_scalar *sk, const cns_elt *recipient,
                                             const cns_elt *ek, const char *msg, size_t len);

/*
 * recv: decrypt the encrypted_msg text enc with dk, check the AES-CCM tag, the
 * signature by sender_vk and that the recipient is g^dk; append the message
 * to out (secret: the caller wipes it with cns_buf_free).
 * Errors: CNS_ERR_DECODE, CNS_ERR_INVALID, CNS_ERR_VERIFY.
 */
CNS_NODISCARD cns_err cns_tr_channel_recv(cns_buf *out, const cns_group *group,
                                          const cns_scalar *dk, const cns_elt *sender_vk,
                                          const char *enc, size_t len, const char *what,
                                          cns_diag *diag);

/* Check that enc is a canonical encrypted_msg with valid elements (no key needed). */
CNS_NODISCARD cns_err cns_tr_encrypted_check(const cns_group *group, const char *enc, size_t len,
                                             const char *what, cns_diag *diag);

/* ---- strict readers for the secret plaintexts (never through jansson) --------------- */

/* Match the literal lit at s[*pos]; advance *pos. */
bool cns_tr_lit(const char *s, size_t len, size_t *pos, const char *lit);

/*
 * Read a canonical quoted JSON string (as cns_jw_str writes it) at s[*pos],
 * append its value to out, advance *pos. Errors: CNS_ERR_DECODE.
 */
CNS_NODISCARD cns_err cns_tr_jstr(const char *s, size_t len, size_t *pos, cns_buf *out);

/*
 * Read "DIGITS" (a quoted canonical decimal) at s[*pos]; OUT: x reduced mod q.
 * CT: as cns_tr_decimal_reduce.
 */
CNS_NODISCARD cns_err cns_tr_jdecimal(const cns_group *group, const char *s, size_t len,
                                      size_t *pos, cns_scalar *x);

/* ---- secret buffers -------------------------------------------------------------- */

/*
 * An empty buffer for secret text, allocated once with room for max bytes so
 * that it never moves (a realloc would leave an unwiped copy behind): an
 * append beyond max fails with CNS_ERR_LIMIT. Freed (and wiped) with
 * cns_buf_free.
 */
void cns_tr_buf_secret(cns_buf *buf, size_t max);

/* Append a secret scalar as a quoted decimal, wiping the temporary text. */
void cns_tr_put_secret_scalar(cns_buf *buf, const cns_group *group, const cns_scalar *x);

/* ---- lines ------------------------------------------------------------------------- */

/*
 * Split text into lines, each ending with '\n' (a last line without one is
 * accepted); empty lines are refused. OUT: starts[i], lens[i] (room for max);
 * *n. Errors: CNS_ERR_DECODE (empty line, no line), CNS_ERR_LIMIT (> max lines).
 */
CNS_NODISCARD cns_err cns_tr_lines(const char *text, size_t len, const char **starts, size_t *lens,
                                   size_t max, size_t *n, const char *what, cns_diag *diag);

/* Hand a finished buffer to the caller (json, len), or return its error. */
CNS_NODISCARD cns_err cns_tr_take(cns_buf *buf, char **json, size_t *len);

#endif
