/*
 * JSON as Belenios writes it: compact, fields in the specification's order,
 * strings escaped as OCaml's Yojson escapes them. Hashes are taken over these
 * exact bytes, so every structure is written by hand here (never by a generic
 * serializer) and every structure read is written back and compared.
 * Reading goes through jansson, strictly. Internal to the library.
 */
#ifndef CONSULTA_RECORD_JSON_H
#define CONSULTA_RECORD_JSON_H

#include <stdint.h>

#include <jansson.h>

#include "consulta/group.h"
#include "core/buf.h"
#include "crypto/crypto.h"

/* ---- writing ------------------------------------------------------------------ */

/* Append s (len bytes of UTF-8) as a quoted JSON string. */
void cns_jw_str(cns_buf *buf, const char *s, size_t len);
void cns_jw_cstr(cns_buf *buf, const char *s);
/* Append "key": (quoted key and colon). */
void cns_jw_key(cns_buf *buf, const char *key);
void cns_jw_int(cns_buf *buf, long long v);
/* Append an element / scalar as a quoted string in its text form. */
void cns_jw_elt(cns_buf *buf, const cns_group *group, const cns_elt *e);
void cns_jw_scalar(cns_buf *buf, const cns_group *group, const cns_scalar *k);
/*
 * A weight or a weighted count as Belenios 3.x writes it: a JSON number up
 * to 2^30 − 1 (CNS_WEIGHT_INT_MAX), a quoted decimal above.
 */
#define CNS_WEIGHT_INT_MAX 1073741823ULL
void cns_jw_weight(cns_buf *buf, uint64_t v);
/* {"challenge":…,"response":…} */
void cns_jw_proof(cns_buf *buf, const cns_group *group, const cns_proof *p);
/* [proof,…] */
void cns_jw_proofs(cns_buf *buf, const cns_group *group, const cns_proof *p, size_t n);
/* {"alpha":…,"beta":…} */
void cns_jw_ciphertext(cns_buf *buf, const cns_group *group, const cns_ciphertext *c);

/* ---- reading ------------------------------------------------------------------- */

/* Largest JSON document read anywhere (a ballot is far smaller). */
#define CNS_JSON_MAX_BYTES ((size_t)64 << 20)

/*
 * Parse len bytes as one JSON value, refusing duplicate keys. OUT: *out, the
 * caller's reference (json_decref). what names the document in the diag.
 */
CNS_NODISCARD cns_err cns_jr_parse(json_t **out, const char *bytes, size_t len, const char *what,
                                   cns_diag *diag);

/*
 * Check that obj is an object whose keys are among the n names in keys, and
 * that those whose name does not start with '?' are present.
 */
CNS_NODISCARD cns_err cns_jr_fields(const json_t *obj, const char *const *keys, size_t n,
                                    const char *what, cns_diag *diag);

/* The string value of obj[key] (borrowed), or an error naming key. */
CNS_NODISCARD cns_err cns_jr_string(const json_t *obj, const char *key, const char **out,
                                    size_t *len, const char *what, cns_diag *diag);

/* obj[key] as a JSON integer within [min, max]. */
CNS_NODISCARD cns_err cns_jr_int(const json_t *obj, const char *key, long long min, long long max,
                                 long long *out, const char *what, cns_diag *diag);

/*
 * A weight or weighted count (v) as cns_jw_weight writes it: a JSON number
 * (any size up to max, as Belenios 2.x writes them all), or a canonical
 * quoted decimal above CNS_WEIGHT_INT_MAX (3.x), at most max.
 */
CNS_NODISCARD cns_err cns_jr_weight_value(const json_t *v, uint64_t max, uint64_t *out,
                                          const char *what, cns_diag *diag);

/* A JSON string holding an element / scalar in canonical text form. */
CNS_NODISCARD cns_err cns_jr_elt(const cns_group *group, const json_t *v, cns_elt *out,
                                 const char *what, cns_diag *diag);
CNS_NODISCARD cns_err cns_jr_scalar(const cns_group *group, const json_t *v, cns_scalar *out,
                                    const char *what, cns_diag *diag);
/* {"challenge","response"} */
CNS_NODISCARD cns_err cns_jr_proof(const cns_group *group, const json_t *v, cns_proof *out,
                                   const char *what, cns_diag *diag);
/* A JSON array of exactly n proofs. */
CNS_NODISCARD cns_err cns_jr_proofs(const cns_group *group, const json_t *v, cns_proof *out,
                                    size_t n, const char *what, cns_diag *diag);
/* {"alpha","beta"} */
CNS_NODISCARD cns_err cns_jr_ciphertext(const cns_group *group, const json_t *v,
                                        cns_ciphertext *out, const char *what, cns_diag *diag);

/*
 * The canonical-form rule: the bytes read must equal the bytes we write back
 * for the same value (ATTACKS.md #4). CNS_ERR_DECODE "<what>: not in
 * canonical form (byte N)" otherwise.
 */
CNS_NODISCARD cns_err cns_jr_canonical(const char *bytes, size_t len, const cns_buf *rewritten,
                                       const char *what, cns_diag *diag);

#endif
