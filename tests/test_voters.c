/*
 * Voter authentication on the board server (server/voters.h), through
 * server_handle without sockets (tests/voter_auth.sh does it over HTTP):
 * the binding checked at init, codes stored only as hashes, each refusal's
 * status and name with the board unchanged, the code consumed with the
 * ballot, the safe retry, the lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../server/server.h"
#include "../server/voters.h"
#include "check.h"
#include "consulta/tracker.h"
#include "util.h"
#include "whole_election.h"

#define VOTERS 3

static const char questions[] =
    "{\"description\":\"d\",\"name\":\"n\",\"questions\":[{\"answers\":[\"a\",\"b\"],"
    "\"min\":1,\"max\":1,\"question\":\"q\"}]}";

/* "login,public_credential" lines for the batch, logins voter0, voter1, …; first n voters. */
static char *binding(const whole_election *f, size_t n, size_t *len)
{
    const cns_credential_list *list = cns_credential_batch_public(f->voters);
    const cns_group *g = cns_credential_list_group(list);
    char *out = malloc(64 + VOTERS * (CNS_ELT_TEXT_MAX + 16)), text[CNS_ELT_TEXT_MAX];
    size_t at = (size_t)sprintf(out, "login,public_credential\n");
    for (size_t v = 0; v < n; v++) {
        for (size_t i = 0; i < VOTERS; i++) {
            cns_elt e;
            if (cns_credential_list_position(list, i) != v)
                continue;
            CHECK_OK(cns_credential_list_get(list, i, &e, NULL));
            CHECK(cns_elt_to_text(g, text, sizeof text, &e) > 0);
            at += (size_t)sprintf(out + at, "voter%zu,%s\n", v, text);
        }
    }
    *len = at;
    return out;
}

static server *srv;
static char codes[VOTERS][3][16]; /* voter v's codes, as written in the CSV */

/* The CSV's codes into codes[][]. */
static void read_codes(const char *csv)
{
    const char *line = strchr(csv, '\n');
    CHECK(strncmp(csv, "login,code1,code2,code3\n", 24) == 0);
    for (size_t v = 0; v < VOTERS && line != NULL; v++) {
        char login[16], want[16];
        CHECK(sscanf(line + 1, "%15[^,],%14[^,],%14[^,],%14[^\n]", login, codes[v][0], codes[v][1],
                     codes[v][2]) == 4);
        snprintf(want, sizeof want, "voter%zu", v);
        CHECK(strcmp(login, want) == 0);
        line = strchr(line + 1, '\n');
    }
}

static void request(const char *method, const char *path, const char *body, size_t len,
                    const char *login, const char *code, http_response *resp)
{
    char full[256];
    snprintf(full, sizeof full, "/elections/%s%s", server_uuid(srv), path);
    http_request req = {.method = method,
                        .path = full,
                        .body = body ? body : "",
                        .body_len = len,
                        .login = login,
                        .code = code};
    server_handle(srv, &req, resp);
}

static char *head(void)
{
    http_response r;
    request("GET", "/head", NULL, 0, NULL, NULL, &r);
    char *h = r.body;
    r.body = NULL;
    http_response_clear(&r);
    return h;
}

/* A cast refused with this status and error name, the board unchanged. */
static void refused(const char *ballot, size_t len, const char *login, const char *code, int status,
                    const char *name)
{
    http_response r;
    char *before = head(), needle[64];
    request("POST", "/ballots", ballot, len, login, code, &r);
    char *after = head();
    snprintf(needle, sizeof needle, "{\"error\":\"%s\",", name);
    CHECK(r.status == status);
    CHECK_CONTAINS(r.body, needle);
    CHECK(strcmp(before, after) == 0);
    http_response_clear(&r);
    free(before);
    free(after);
}

/* A cast accepted: OUT: tracker (the answer's), code. */
static void accepted(const char *ballot, size_t len, const char *login, const char *code,
                     char tracker[CNS_HASH_B64_BYTES], char short_code[CNS_TRACKER_CODE_BYTES])
{
    http_response r;
    request("POST", "/ballots", ballot, len, login, code, &r);
    CHECK(r.status == 200);
    CHECK(r.body != NULL && sscanf(r.body, "{\"tracker\":\"%43[^\"]\",\"code\":\"%9[^\"]\"}",
                                   tracker, short_code) == 2);
    http_response_clear(&r);
}

static void init_refusals(whole_election *f, const char *db)
{
    char *tokens = NULL, *csv = NULL;
    size_t tokens_len, csv_len, len;
    cns_diag diag = {{0}};
    char *bind = binding(f, VOTERS - 1, &len);
    server_voters v = {bind, len, 3, 0, 0};
    CHECK_ERR(server_init_voters(db, f->election, f->election_len, f->trustees, f->trustees_len,
                                 f->credentials, f->credentials_len, &v, 1795909443, &tokens,
                                 &tokens_len, &csv, &csv_len, &diag),
              CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "voter binding: 2 logins for 3 public credentials");
    CHECK(tokens == NULL && csv == NULL);
    free(bind);
    const char *bad = "login,public_credential\nvoter0,123\n";
    v = (server_voters){bad, strlen(bad), 3, 0, 0};
    CHECK_ERR(server_init_voters(db, f->election, f->election_len, f->trustees, f->trustees_len,
                                 f->credentials, f->credentials_len, &v, 1795909443, &tokens,
                                 &tokens_len, &csv, &csv_len, &diag),
              CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "voter binding: line 2, column public_credential: not a "
                              "ristretto255 element");
    bad = "login,credential\n";
    v = (server_voters){bad, strlen(bad), 3, 0, 0};
    CHECK_ERR(server_init_voters(db, f->election, f->election_len, f->trustees, f->trustees_len,
                                 f->credentials, f->credentials_len, &v, 1795909443, &tokens,
                                 &tokens_len, &csv, &csv_len, &diag),
              CNS_ERR_DECODE);
    CHECK_CONTAINS(diag.text, "voter binding: line 1: expected the header");
}

/* The codes are in the store only as hashes: neither form of any code is in its file. */
static void codes_hashed(const char *db)
{
    size_t len = 0;
    char *bytes = read_file(db, &len, 0);
    bool found = false;
    for (size_t v = 0; bytes != NULL && v < VOTERS; v++) {
        for (size_t k = 0; k < 3; k++) {
            char digits[16];
            snprintf(digits, sizeof digits, "%.4s%.4s%.4s", codes[v][k], codes[v][k] + 5,
                     codes[v][k] + 10);
            found = found || memmem(bytes, len, codes[v][k], 14) || memmem(bytes, len, digits, 12);
        }
    }
    CHECK(bytes != NULL && !found);
    CHECK(bytes != NULL && memmem(bytes, len, "voter1", 6) != NULL); /* the logins are */
    free(bytes);
}

int main(void)
{
    whole_election f = {0};
    char db[160], *tokens = NULL, *csv = NULL, t1[CNS_HASH_B64_BYTES], t2[CNS_HASH_B64_BYTES];
    char c1[CNS_TRACKER_CODE_BYTES], c2[CNS_TRACKER_CODE_BYTES], path[128];
    size_t tokens_len, csv_len, len, l1, l2, l3;
    cns_diag diag = {{0}};
    if (sodium_init() < 0)
        return 1;
    whole_setup(&f, cns_group_by_name("ristretto255"), questions, "VotersAuthTest", VOTERS, NULL);
    snprintf(db, sizeof db, "%s/board.sqlite", f.dir);
    init_refusals(&f, db);
    char *bind = binding(&f, VOTERS, &len);
    server_voters v = {bind, len, 3, 0, 0};
    CHECK_OK(server_init_voters(db, f.election, f.election_len, f.trustees, f.trustees_len,
                                f.credentials, f.credentials_len, &v, 1795909443, &tokens,
                                &tokens_len, &csv, &csv_len, &diag));
    CHECK(csv != NULL);
    if (csv != NULL)
        read_codes(csv);
    codes_hashed(db);
    CHECK_OK(server_open(&srv, db, &diag));
    char *h = head();
    CHECK_CONTAINS(h, "\"state\":\"open\",\"auth\":\"code\"}");
    free(h);

    char *b0 = whole_ballot(&f, 0, "[[1,0]]", &l1), *b0b = whole_ballot(&f, 0, "[[0,1]]", &l2);
    char *b1 = whole_ballot(&f, 1, "[[0,1]]", &l3);
    refused(b0, l1, NULL, NULL, 401, "auth");
    refused(b0, l1, "voter0", "0000-0000-0000", 401, "auth");
    refused(b0, l1, "voter9", codes[0][0], 401, "auth");
    refused(b0, l1, "voter0", codes[1][0], 401, "auth");
    refused(b0, l1, "voter0", "12", 401, "auth");
    refused(b1, l3, "voter0", codes[0][0], 403, "wrong_credential");
    refused("{\"x\":1}", 7, "voter0", codes[0][0], 400, "decode");
    accepted(b0, l1, "voter0", codes[0][0], t1, c1);
    char again[CNS_HASH_B64_BYTES], again_code[CNS_TRACKER_CODE_BYTES];
    char *before = head();
    accepted(b0, l1, "voter0", codes[0][0], again, again_code); /* safe retry */
    CHECK(strcmp(again, t1) == 0 && strcmp(again_code, c1) == 0);
    accepted(b0, l1, "voter0", codes[0][2], again, again_code);
    CHECK(strcmp(again, t1) == 0);
    char *after = head();
    CHECK(strcmp(before, after) == 0);
    free(before);
    free(after);
    refused(b0b, l2, "voter0", codes[0][0], 401, "code_used");
    accepted(b0b, l2, "voter0", codes[0][1], t2, c2);

    /* lookups */
    http_response r;
    snprintf(path, sizeof path, "/ballots/%s", c1);
    request("GET", path, NULL, 0, NULL, NULL, &r);
    char want[256];
    snprintf(want, sizeof want, "\"counted\":false,\"replaced_by\":\"%s\"}", t2);
    CHECK(r.status == 200);
    CHECK_CONTAINS(r.body, want);
    http_response_clear(&r);
    snprintf(path, sizeof path, "/ballots/%s", t2);
    request("GET", path, NULL, 0, NULL, NULL, &r);
    CHECK(r.status == 200);
    CHECK_CONTAINS(r.body, "\"counted\":true,\"replaced_by\":null}");
    http_response_clear(&r);
    request("GET", "/ballots/ZZZZ-ZZZZ", NULL, 0, NULL, NULL, &r);
    CHECK(r.status == 404);
    CHECK_CONTAINS(r.body, "{\"error\":\"notfound\",");
    http_response_clear(&r);

    free(b0);
    free(b0b);
    free(b1);
    free(bind);
    server_free(srv);
    if (tokens != NULL)
        sodium_memzero(tokens, tokens_len);
    free(tokens);
    free(csv);
    whole_free(&f);
    return CHECK_DONE();
}
