/* The booth's C API (web/core/api.h): the library's ballots for the page's worker. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <emscripten.h>
#include <sodium.h>

#include "consulta/ballot.h"
#include "consulta/base58.h"
#include "consulta/credential.h"
#include "consulta/election.h"
#include "web/core/api.h"

#define CORE_VERSION "consulta-core 1"

static struct {
    cns_election *election;
    char *result[CW_RESULTS];
    size_t result_len[CW_RESULTS];
    const char *error;
    cns_diag diag;
} state;

EM_JS(void, cw_js_progress, (size_t done, size_t total), {
    if (Module.onProgress)
        Module.onProgress(done, total);
})

static int fail(const char *error, cns_err err)
{
    state.error = error;
    if (state.diag.text[0] == '\0')
        cns_diag_set(&state.diag, err, "%s", cns_strerror(err));
    return 1;
}

static int fail_err(cns_err err, const char *otherwise)
{
    if (err == CNS_ERR_NOMEM)
        return fail("nomem", err);
    return fail(err == CNS_ERR_INTERNAL ? "internal" : otherwise, err);
}

static void start(void)
{
    state.error = "";
    state.diag.text[0] = '\0';
}

static void result_free(int i)
{
    if (state.result[i] != NULL)
        sodium_memzero(state.result[i], state.result_len[i]);
    free(state.result[i]);
    state.result[i] = NULL;
    state.result_len[i] = 0;
}

/* Keep a copy of text (len bytes) as result i. */
static bool result_set(int i, const char *text, size_t len)
{
    result_free(i);
    state.result[i] = malloc(len + 1);
    if (state.result[i] == NULL)
        return false;
    memcpy(state.result[i], text, len);
    state.result[i][len] = '\0';
    state.result_len[i] = len;
    return true;
}

EMSCRIPTEN_KEEPALIVE const char *cw_version(void)
{
    return CORE_VERSION;
}

EMSCRIPTEN_KEEPALIVE const char *cw_error(void)
{
    return state.error;
}

EMSCRIPTEN_KEEPALIVE const char *cw_message(void)
{
    return state.diag.text;
}

/* Result i of the last request (NUL-terminated, owned here), or "" if none. */
EMSCRIPTEN_KEEPALIVE const char *cw_result(int i)
{
    return i >= 0 && i < CW_RESULTS && state.result[i] != NULL ? state.result[i] : "";
}

/* Wipe and forget every result (the audit record holds the randomness). */
EMSCRIPTEN_KEEPALIVE void cw_clear(void)
{
    for (int i = 0; i < CW_RESULTS; i++)
        result_free(i);
}

/* Forget the election and every result. */
EMSCRIPTEN_KEEPALIVE void cw_wipe(void)
{
    cw_clear();
    cns_election_free(state.election);
    state.election = NULL;
    start();
}

/* Load the election (election.json as served, len bytes). */
EMSCRIPTEN_KEEPALIVE int cw_init(const char *json, size_t len)
{
    cw_wipe();
    if (sodium_init() < 0)
        return fail("internal", CNS_ERR_INTERNAL);
    cns_err err = cns_election_parse(&state.election, json, len, &state.diag);
    if (err != CNS_OK) {
        state.election = NULL;
        return fail_err(err, "election");
    }
    return 0;
}

/* The election's group name ("" before cw_init). */
EMSCRIPTEN_KEEPALIVE const char *cw_group(void)
{
    return state.election ? cns_group_name(cns_election_group(state.election)) : "";
}

/* Whether text looks like a credential: XXX-XXX-XXX-XXX-XXX (or 15 digits) of Base58 digits. */
static bool credential_shaped(const char *text, size_t len)
{
    size_t digits = 0;
    if (len != CNS_CREDENTIAL_LEN && len != CNS_CREDENTIAL_DIGITS)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash_place = len == CNS_CREDENTIAL_LEN && i % 4 == 3;
        if (dash_place ? text[i] != '-' : cns_base58_digit(text[i]) < 0)
            return false;
        digits += !dash_place;
    }
    return digits == CNS_CREDENTIAL_DIGITS;
}

/*
 * Check a credential's syntax and checksum: "credential_format" when it is
 * not shaped like one, "credential_checksum" when it is but was mistyped.
 * CT: as cns_credential_check (only the verdict shows).
 */
static int check_credential(const char *cred, size_t len)
{
    cns_err err = cns_credential_check(cred, len, &state.diag);
    if (err == CNS_OK)
        return 0;
    return fail(credential_shaped(cred, len) ? "credential_checksum" : "credential_format", err);
}

static int need_election(void)
{
    if (state.election != NULL)
        return 0;
    cns_diag_set(&state.diag, CNS_ERR_STATE, "no election: send init first");
    return fail("election", CNS_ERR_STATE);
}

/*
 * The public credential of a private one (result CW_RESULT_PUBLIC_CREDENTIAL).
 * CT: constant time in the credential once its syntax is checked.
 */
EMSCRIPTEN_KEEPALIVE int cw_credential(const char *cred, size_t len)
{
    char text[CNS_ELT_TEXT_MAX];
    cns_elt pub;

    cw_clear();
    start();
    if (need_election() != 0 || check_credential(cred, len) != 0)
        return 1;
    const cns_group *group = cns_election_group(state.election);
    const char *uuid = cns_election_uuid(state.election);
    cns_err err = cns_credential_public(group, uuid, strlen(uuid), cred, len, &pub, &state.diag);
    if (err != CNS_OK)
        return fail_err(err, "credential_format");
    size_t n = cns_elt_to_text(group, text, sizeof text, &pub);
    if (n == 0 || !result_set(CW_RESULT_PUBLIC_CREDENTIAL, text, n))
        return fail_err(n == 0 ? CNS_ERR_INTERNAL : CNS_ERR_NOMEM, "internal");
    return 0;
}

static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    cw_js_progress(done, total);
}

/*
 * Encrypt choices (JSON, one array of 0/1 per question) with the credential:
 * results CW_RESULT_BALLOT, CW_RESULT_TRACKER and CW_RESULT_AUDIT; progress goes to
 * Module.onProgress(done, total).
 * CT: as cns_ballot_make_audit; the credential's secret is wiped here.
 */
EMSCRIPTEN_KEEPALIVE int cw_encrypt(const char *cred, size_t cred_len, const char *choices_json,
                                    size_t choices_len)
{
    cns_scalar secret;
    cns_choices choices = {0};
    char *ballot = NULL, *audit = NULL;
    size_t ballot_len = 0, audit_len = 0;
    char tracker[CNS_HASH_B64_BYTES];
    int rc = 1;

    cw_clear();
    start();
    if (need_election() != 0 || check_credential(cred, cred_len) != 0)
        return 1;
    const cns_group *group = cns_election_group(state.election);
    const char *uuid = cns_election_uuid(state.election);
    cns_err err =
        cns_credential_derive(group, uuid, strlen(uuid), cred, cred_len, &secret, &state.diag);
    if (err != CNS_OK) {
        fail_err(err, "credential_format");
        goto done;
    }
    err = cns_choices_parse(&choices, state.election, choices_json, choices_len, &state.diag);
    if (err != CNS_OK) {
        fail_err(err, "choices");
        goto done;
    }
    err = cns_ballot_make_audit(&ballot, &ballot_len, &audit, &audit_len, state.election, &secret,
                                &choices, progress, NULL, &state.diag);
    if (err != CNS_OK) {
        fail_err(err, "internal");
        goto done;
    }
    cns_ballot_tracker_of(ballot, ballot_len, tracker);
    if (!result_set(CW_RESULT_BALLOT, ballot, ballot_len) ||
        !result_set(CW_RESULT_TRACKER, tracker, strlen(tracker)) ||
        !result_set(CW_RESULT_AUDIT, audit, audit_len)) {
        cw_clear();
        fail("nomem", CNS_ERR_NOMEM);
        goto done;
    }
    rc = 0;
done:
    sodium_memzero(&secret, sizeof secret);
    cns_choices_free(&choices);
    if (audit != NULL)
        sodium_memzero(audit, audit_len);
    free(audit);
    free(ballot);
    return rc;
}

/* Check a Benaloh audit record against the election (cns_ballot_audit_check). */
EMSCRIPTEN_KEEPALIVE int cw_audit_check(const char *audit, size_t len)
{
    cw_clear();
    start();
    if (need_election() != 0)
        return 1;
    cns_err err = cns_ballot_audit_check(state.election, audit, len, &state.diag);
    return err == CNS_OK ? 0 : fail_err(err, "audit");
}
