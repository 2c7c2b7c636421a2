/*
 * consulta's core for the voting booth, compiled to WebAssembly (web/web.mk):
 * the C functions web/core/worker.js calls. One election at a time, one
 * request at a time (a Web Worker is single-threaded).
 *
 * Calling convention: text arguments are (pointer, length) in the wasm
 * memory, written by the caller and wiped and freed by it afterwards. Each
 * function that can fail returns 0 or 1; after a 1, cw_error() names the
 * failure for the page ("election", "credential_format",
 * "credential_checksum", "choices", "audit", "nomem", "internal") and
 * cw_message() explains it in English. Results stay readable through
 * cw_result() until the next request or cw_clear(), which wipes them.
 *
 * Secrets: a credential's secret exists only inside cw_credential and
 * cw_encrypt and is wiped before they return; a ballot's randomness exists
 * only in its audit record (result CW_RESULT_AUDIT), which cw_clear() wipes.
 */
#ifndef CONSULTA_WEB_CORE_API_H
#define CONSULTA_WEB_CORE_API_H

#include <stddef.h>

/* cw_result's indices. */
enum { CW_RESULT_PUBLIC_CREDENTIAL, CW_RESULT_BALLOT, CW_RESULT_TRACKER, CW_RESULT_AUDIT, CW_RESULTS };

/* The core's version text, e.g. "consulta-core 1" (static). */
const char *cw_version(void);

/* The last failure's name for the page, and its English explanation ("" after a success). */
const char *cw_error(void);
const char *cw_message(void);

/* Result i of the last request (NUL-terminated, owned here), or "" if none. */
const char *cw_result(int i);

/* Wipe and forget every result (the audit record holds the randomness). */
void cw_clear(void);

/* Forget the election and wipe every result. */
void cw_wipe(void);

/* Load the election (election.json as served: len bytes). Errors: "election", "nomem". */
int cw_init(const char *json, size_t len);

/* The election's group name ("" before cw_init). */
const char *cw_group(void);

/*
 * The public credential (the group element's text) of a private credential
 * (cred: len bytes, as the credential authority printed it), in result
 * CW_RESULT_PUBLIC_CREDENTIAL. Errors: "election" (no cw_init yet),
 * "credential_format" (not shaped XXX-XXX-XXX-XXX-XXX of Base58 digits),
 * "credential_checksum" (shaped so, but mistyped).
 * CT: constant time in the credential once its syntax is checked.
 */
int cw_credential(const char *cred, size_t len);

/*
 * Encrypt the choices (choices_json: choices_len bytes, one array of 0/1 per
 * question as `consulta ballot --choices` reads them) with the credential
 * (cred_len bytes): results CW_RESULT_BALLOT (the ballot as `consulta ballot`
 * prints it, no newline), CW_RESULT_TRACKER and CW_RESULT_AUDIT (the Benaloh
 * audit record, cns_ballot_make_audit). Progress goes to the page's
 * Module.onProgress(done, total). Errors: those of cw_credential, "choices"
 * (not the election's shape, or breaks a question's rules), "nomem",
 * "internal".
 * CT: as cns_ballot_make_audit; the credential's secret is wiped here.
 */
int cw_encrypt(const char *cred, size_t cred_len, const char *choices_json, size_t choices_len);

/*
 * Check a Benaloh audit record (len bytes) against the election
 * (cns_ballot_audit_check). Errors: "election" (no cw_init yet), "audit"
 * (the record does not check: cw_message() says where), "nomem".
 */
int cw_audit_check(const char *audit, size_t len);

#endif
