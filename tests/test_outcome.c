/*
 * Counting inside the verified pipeline (issue 3, point 3): election.json's
 * "counting" rules, written canonically and refused with the exact error and
 * byte; a whole election on the board (ristretto255) whose verified result
 * gives its outcome — a referendum and D'Hondt with Peru's 2026 threshold —
 * published and checked; a published outcome with one seat moved, or a
 * verdict changed, refused with the difference named.
 */
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "consulta/ballot.h"
#include "consulta/board.h"
#include "consulta/credential.h"
#include "consulta/outcome.h"
#include "consulta/trustees.h"
#include "whole_election.h"

#define VOTERS 20

static const char uuid[] = "Qx3bq8jLhUk5Ja";

/* Two counted questions: a referendum and a list vote for 10 seats. */
static const char template_json[] =
    "{\"description\":\"d\",\"name\":\"Asamblea\",\"questions\":["
    "{\"answers\":[\"Sí\",\"No\"],\"blank\":true,\"min\":1,\"max\":1,\"question\":\"¿Aprueba?\"},"
    "{\"answers\":[\"APRA\",\"PPC\",\"FOCEP\",\"PSR\",\"UDP\"],\"blank\":true,\"min\":1,\"max\":1,"
    "\"question\":\"Listas\"}],"
    "\"counting\":[{\"question\":0,\"method\":\"referendum\",\"participation_percent\":30},"
    "{\"question\":1,\"method\":\"dhondt\",\"seats\":10,\"threshold\":\"peru-2026\","
    "\"tie_seed\":\"JNE acta de sorteo\"}]}";

/* A public key for elections that are only parsed: g^1. */
static void some_key(const cns_group *group, cns_elt *y)
{
    cns_group_generator(group, y);
}

/* election.json made from template (text) in group. NULL on failure (diag set). */
static char *make_json(const char *template_text, const cns_group *group, cns_diag *diag)
{
    cns_elt y;
    char *json = NULL;
    size_t len;
    some_key(group, &y);
    if (cns_election_make(&json, &len, template_text, strlen(template_text), uuid, group, &y,
                          diag) != CNS_OK)
        return NULL;
    return json;
}

/* ---- the rules in election.json -------------------------------------------------------- */

static void test_canonical(void)
{
    const cns_group *group = cns_group_by_name("ristretto255");
    cns_diag diag = {{0}};
    /* fields in any order, percentages as strings: written in one canonical form */
    const char *t = "{\"questions\":[{\"answers\":[\"Sí\",\"No\"],\"blank\":true,\"min\":1,"
                    "\"max\":1,\"question\":\"q\"},{\"answers\":[\"A\",\"B\",\"C\"],\"min\":1,"
                    "\"max\":1,\"question\":\"r\"}],\"counting\":[{\"majority_percent\":\"50.0\","
                    "\"method\":\"referendum\", \"question\":0},{\"tie_seed\":\"s\\u00e9\","
                    "\"threshold\":{\"combine\":\"or\",\"votes_percent\":\"04.50\"},\"seats\":3,"
                    "\"method\":\"hare\",\"question\":1}],\"name\":\"n\",\"description\":\"d\"}";
    char *json = make_json(t, group, &diag);
    CHECK(json != NULL);
    const char *tail = json != NULL ? strstr(json, ",\"counting\":") : NULL;
    CHECK(tail != NULL &&
          strcmp(tail, ",\"counting\":[{\"question\":0,\"method\":\"referendum\","
                       "\"majority_percent\":50},{\"question\":1,\"method\":\"hare\",\"seats\":3,"
                       "\"threshold\":{\"votes_percent\":\"4.5\",\"combine\":\"or\"},"
                       "\"tie_seed\":\"sé\"}]}") == 0);
    cns_election *e = NULL;
    if (json != NULL)
        CHECK_OK(cns_election_parse(&e, json, strlen(json), &diag));
    CHECK(e != NULL && cns_election_rule(e, 0) != NULL && cns_election_rule(e, 1) != NULL);
    CHECK(e != NULL && strcmp(cns_count_rule_method(cns_election_rule(e, 1)), "hare") == 0);
    CHECK(e != NULL && cns_election_rule(e, 2) == NULL);
    if (e != NULL) {
        size_t len;
        const char *bytes = cns_election_bytes(e, &len);
        CHECK(len == strlen(json) && memcmp(bytes, json, len) == 0);
    }
    cns_election_free(e);
    free(json);
    /* no "counting": the bytes Belenios writes, and no rule */
    json = make_json("{\"description\":\"d\",\"name\":\"n\",\"questions\":[{\"answers\":[\"A\"],"
                     "\"min\":1,\"max\":1,\"question\":\"q\"}]}",
                     group, &diag);
    CHECK(json != NULL && strstr(json, "counting") == NULL);
    e = NULL;
    if (json != NULL)
        CHECK_OK(cns_election_parse(&e, json, strlen(json), &diag));
    CHECK(e != NULL && cns_election_rule(e, 0) == NULL);
    cns_election_free(e);
    free(json);
}

/*
 * election.json with `from` replaced by `to` must be refused with err and the
 * message expected, in which "%zu" stands for the byte where the second rule
 * starts (after the edit), plus delta.
 */
static void expect_refused(const char *json, const char *from, const char *to, cns_err err,
                           const char *expected, size_t delta)
{
    const char *at = strstr(json, from);
    CHECK(at != NULL);
    if (at == NULL)
        return;
    size_t n = strlen(json) - strlen(from) + strlen(to);
    char *edited = malloc(n + 1), want[CNS_DIAG_BYTES];
    snprintf(edited, n + 1, "%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
    const char *rule2 = strstr(strstr(edited, "\"counting\":["), "},{\"") + 2,
               *mark = strstr(expected, "%zu");
    if (mark != NULL)
        snprintf(want, sizeof want, "%.*s%zu%s", (int)(mark - expected), expected,
                 (size_t)(rule2 - edited) + delta, mark + 3);
    else
        snprintf(want, sizeof want, "%s", expected);
    cns_election *e = NULL;
    cns_diag diag = {{0}};
    CHECK_ERR(cns_election_parse(&e, edited, n, &diag), err);
    if (strcmp(diag.text, want) != 0)
        fprintf(stderr, "got:  %s\nwant: %s\n", diag.text, want);
    CHECK(strcmp(diag.text, want) == 0);
    cns_election_free(e);
    free(edited);
}

static void test_refused(void)
{
    const cns_group *group = cns_group_by_name("ristretto255");
    cns_diag diag = {{0}};
    char *json = make_json(template_json, group, &diag);
    CHECK(json != NULL);
    if (json == NULL)
        return;
    const char *q2 = "election: byte %zu: question 2: counting rule: ";
    char want[256];
    snprintf(want, sizeof want, "%s%s", q2,
             "\"threshold\": expected \"none\", \"peru-2021\", \"peru-2026\" or an object");
    expect_refused(json, "\"peru-2026\"", "\"peru-2030\"", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2, "dhondt needs \"seats\"");
    expect_refused(json, "\"seats\":10,", "", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2, "\"seats\": a question is one district: give a number");
    expect_refused(json, "\"seats\":10", "\"seats\":{\"LIMA\":10}", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2,
             "schulze needs the ballots themselves (ranks or grades), and a question's result "
             "gives only totals");
    expect_refused(json, "\"dhondt\"", "\"schulze\"", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2,
             "dhondt may have to settle a tie by lot: give \"tie_seed\" (a public seed fixed "
             "before the vote) or \"ties\": \"order\"");
    expect_refused(json, ",\"tie_seed\":\"JNE acta de sorteo\"", "", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2, "unknown field \"seat\"");
    expect_refused(json, "\"tie_seed\":\"JNE acta de sorteo\"}",
                   "\"tie_seed\":\"JNE acta de sorteo\",\"seat\":3}", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2,
             "\"threshold\" is for dhondt, sainte-lague, "
             "sainte-lague-1.4 and hare");
    expect_refused(json, "\"method\":\"dhondt\",\"seats\":10",
                   "\"method\":\"plurality\",\"seats\":2", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2,
             "\"candidates\" cannot be given: the question's answers name the candidates");
    expect_refused(json, "\"tie_seed\":\"JNE acta de sorteo\"}",
                   "\"tie_seed\":\"JNE acta de sorteo\",\"candidates\":[\"a\"]}", CNS_ERR_INVALID,
                   want, 0);
    snprintf(want, sizeof want, "%s%s", q2,
             "dhondt counts one mark per voter, but the question allows up to 2 (\"max\")");
    expect_refused(json, "\"min\":1,\"max\":1,\"question\":\"Listas\"",
                   "\"min\":1,\"max\":2,\"question\":\"Listas\"", CNS_ERR_INVALID, want, 0);
    snprintf(want, sizeof want, "%s%s", q2,
             "answers 1 and 3 are both \"APRA\"; the answers of a counted question must differ");
    expect_refused(json, "\"FOCEP\"", "\"APRA\"", CNS_ERR_INVALID, want, 0);
    expect_refused(json, "{\"question\":1,\"method\"", "{\"question\":0,\"method\"",
                   CNS_ERR_INVALID,
                   "election: byte %zu: counting rule 2: question 1 is counted already or out of "
                   "order (one rule per question, in question order)",
                   0);
    expect_refused(json, "{\"question\":1,\"method\"", "{\"question\":2,\"method\"",
                   CNS_ERR_INVALID,
                   "election: byte %zu: counting rule 2: \"question\" must be the index of a "
                   "question, from 0 to 1",
                   0);
    /* not canonical: a field out of order, a percentage not in its shortest form */
    expect_refused(json, "\"question\":1,\"method\":\"dhondt\"",
                   "\"method\":\"dhondt\",\"question\":1", CNS_ERR_DECODE,
                   "election: not in canonical form (differs at byte %zu)", 2);
    free(json);
    /* a template is checked the same way, without bytes */
    char *t = strdup(template_json);
    char *p = strstr(t, "peru-2026");
    memcpy(p, "peru-2030", 9);
    char *made = make_json(t, group, &diag);
    CHECK(made == NULL);
    CHECK(strcmp(diag.text, "template: question 2: counting rule: \"threshold\": expected "
                            "\"none\", \"peru-2021\", \"peru-2026\" or an object") == 0);
    free(made);
    free(t);
}

/* ---- a whole election ------------------------------------------------------------------ */

/* Voter i's choices: Sí 11, No 6, blank 3; APRA 10, PPC 5, FOCEP 3, PSR 1, blank 1. */
static const char *choices_of(size_t i)
{
    static char buf[64];
    const char *q1 = i < 11 ? "[0,1,0]" : i < 17 ? "[0,0,1]" : "[1,0,0]";
    const char *q2 = i < 10   ? "[0,1,0,0,0,0]"
                     : i < 15 ? "[0,0,1,0,0,0]"
                     : i < 18 ? "[0,0,0,1,0,0]"
                     : i < 19 ? "[0,0,0,0,1,0]"
                              : "[1,0,0,0,0,0]";
    snprintf(buf, sizeof buf, "[%s,%s]", q1, q2);
    return buf;
}

/* Voter k casts cast k, once each. */
static const char *plan(size_t k, size_t *voter)
{
    *voter = k;
    return choices_of(k);
}

/* Set up, vote, close, tally, decrypt, publish the result; the board stays on disk. */
static void make_election(whole_election *f)
{
    whole_setup(f, cns_group_by_name("ristretto255"), template_json, uuid, VOTERS, NULL);
    whole_run(f, VOTERS, plan);
}

/* The published outcome json with one edit: set path (object keys, then a key) to value. */
static char *tampered(const char *json, size_t question, const char *member, const char *key,
                      json_t *value)
{
    json_t *root = json_loads(json, 0, NULL);
    json_t *q = json_array_get(json_object_get(root, "questions"), question);
    json_t *m = member != NULL ? json_object_get(q, member) : q;
    json_object_set_new(m, key, value);
    char *out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return out;
}

static void expect_check(const cns_outcome *o, char *published, cns_err err, const char *want)
{
    cns_diag diag = {{0}};
    CHECK(published != NULL);
    if (published == NULL)
        return;
    CHECK_ERR(cns_outcome_check(o, published, strlen(published), &diag), err);
    if (want != NULL && strcmp(diag.text, want) != 0)
        fprintf(stderr, "got:  %s\nwant: %s\n", diag.text, want);
    CHECK(want == NULL || strcmp(diag.text, want) == 0);
    free(published);
}

/* A published outcome with one seat moved, a verdict changed, …: each refused by name. */
static void test_tampered(const cns_outcome *o, const char *json)
{
    expect_check(o, tampered(json, 1, "seats", "APRA", json_integer(5)), CNS_ERR_VERIFY,
                 "outcome: question 2: list APRA has 5 seats, the rule gives 6");
    char *moved = tampered(json, 1, "seats", "APRA", json_integer(5));
    expect_check(o, tampered(moved, 1, "seats", "PSR", json_integer(1)), CNS_ERR_VERIFY,
                 "outcome: question 2: list APRA has 5 seats, the rule gives 6");
    free(moved);
    expect_check(o, tampered(json, 1, "seats", "APRA", json_string("6")), CNS_ERR_VERIFY,
                 "outcome: question 2: list APRA has \"6\" seats, the rule gives 6");
    expect_check(o, tampered(json, 1, "seats", "IU", json_integer(0)), CNS_ERR_VERIFY,
                 "outcome: question 2: list IU has 0 seats, but it is not a list of this count");
    expect_check(o, tampered(json, 0, "referendum", "winner", json_string("No")), CNS_ERR_VERIFY,
                 "outcome: question 1: referendum.winner is \"No\", the rule gives \"Sí\"");
    expect_check(o, tampered(json, 0, NULL, "elected", json_pack("[s]", "No")), CNS_ERR_VERIFY,
                 "outcome: question 1: elected is [\"No\"], the rule gives [\"Sí\"]");
    expect_check(o, tampered(json, 1, "votes", "blank", json_integer(0)), CNS_ERR_VERIFY,
                 "outcome: question 2: votes.blank is 0, the rule gives 1");
    expect_check(o, tampered(json, 1, NULL, "question", json_integer(0)), CNS_ERR_VERIFY,
                 "outcome: entry 2 must be question 2 (\"question\": 1)");
    expect_check(o, tampered(json, 1, NULL, "remark", json_string("x")), CNS_ERR_VERIFY,
                 "outcome: question 2: \"remark\" is not part of the outcome");
    /* a summary says less, and what it says is checked */
    json_t *root = json_loads(json, 0, NULL);
    json_t *q = json_array_get(json_object_get(root, "questions"), 1), *s = json_object();
    json_object_set(s, "question", json_object_get(q, "question"));
    json_object_set(s, "seats", json_object_get(q, "seats"));
    json_array_set_new(json_object_get(root, "questions"), 1, s);
    char *summary = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    expect_check(o, summary, CNS_ERR_VERIFY,
                 "outcome: question 2: the published outcome has no \"elected\"");
    json_object_set_new(s, "elected", json_array());
    expect_check(o, json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER), CNS_OK, NULL);
    json_object_set_new(root, "election", json_string("SomeOtherE1ect"));
    expect_check(o, json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER), CNS_ERR_VERIFY,
                 "outcome: it is for election SomeOtherE1ect, not Qx3bq8jLhUk5Ja");
    json_decref(root);
    expect_check(o, strdup("[]"), CNS_ERR_DECODE, "outcome: expected a JSON object");
}

static void test_whole_election(void)
{
    whole_election f = {0};
    cns_board *board = NULL;
    cns_outcome *o = NULL;
    cns_board_summary s;
    cns_diag diag = {{0}};
    make_election(&f);
    CHECK_OK(cns_board_open(&board, f.board, 0, NULL, NULL, &diag));
    CHECK(board != NULL && cns_board_result(board) != NULL);
    if (board == NULL || cns_board_result(board) == NULL)
        goto done;
    cns_board_summary_get(board, &s);
    CHECK_OK(cns_outcome_derive(&o, cns_board_election(board), cns_board_result(board),
                                s.credentials, &diag));
    CHECK(cns_outcome_size(o) == 2 && cns_outcome_question(o, 1) == 1);
    const cns_count_result *ref = cns_outcome_count(o, 0), *lists = cns_outcome_count(o, 1);
    CHECK(cns_count_result_nelected(ref) == 1 &&
          strcmp(cns_count_result_elected(ref, 0), "Sí") == 0);
    /* cifra repartidora 5/3: APRA 10 → 6, PPC 5 → 3, FOCEP 3 → 1; PSR (1 vote, 0 seats
       in the first pass) and UDP are below the 2026 threshold */
    CHECK(cns_count_result_seats(lists, "APRA") == 6 && cns_count_result_seats(lists, "PPC") == 3 &&
          cns_count_result_seats(lists, "FOCEP") == 1 && cns_count_result_seats(lists, "PSR") == 0);
    char *json = NULL, *text = NULL;
    size_t len;
    CHECK_OK(cns_outcome_to_json(o, &json, &len));
    CHECK(json != NULL && strlen(json) == len);
    CHECK_CONTAINS(json, "\"fingerprint\": \"");
    CHECK_OK(cns_outcome_check(o, json, len, &diag));
    CHECK_OK(cns_count_result_text(lists, &text));
    CHECK_CONTAINS(text, "cifra repartidora 1.6666 (= 5/3)");
    CHECK_CONTAINS(text, "Title: Listas");
    if (json != NULL)
        test_tampered(o, json);
    free(text);
    free(json);
done:
    cns_outcome_free(o);
    cns_board_free(board);
    whole_free(&f);
}

/* ---- outcomes from given results ------------------------------------------------------- */

/* The outcome of the template's election for result (JSON), registered electors given. */
static cns_err outcome_of(const char *template_text, const char *result_json, uint64_t registered,
                          cns_outcome **o, cns_diag *diag)
{
    const cns_group *group = cns_group_by_name("ristretto255");
    cns_election *e = NULL;
    cns_result r = {0};
    char *json = make_json(template_text, group, diag);
    cns_err err = json != NULL ? cns_election_parse(&e, json, strlen(json), diag) : CNS_ERR_INVALID;
    if (err == CNS_OK)
        err = cns_result_parse(&r, e, result_json, strlen(result_json), diag);
    if (err == CNS_OK)
        err = cns_outcome_derive(o, e, &r, registered, diag);
    cns_result_free(&r);
    cns_election_free(e);
    free(json);
    return err;
}

static void test_given_results(void)
{
    cns_outcome *o = NULL;
    cns_diag diag = {{0}};
    /* 2026 threshold: E has more than 5% of the votes but no seat in the first pass */
    const char *big = "{\"result\":[[40,5200,4000],[120,4100,2900,1500,900,600]]}";
    CHECK_OK(outcome_of(template_json, big, 20000, &o, &diag));
    const cns_count_result *lists = cns_outcome_count(o, 1);
    CHECK(cns_count_result_seats(lists, "APRA") == 5 && cns_count_result_seats(lists, "PPC") == 3 &&
          cns_count_result_seats(lists, "FOCEP") == 1 &&
          cns_count_result_seats(lists, "PSR") == 1 && cns_count_result_seats(lists, "UDP") == 0);
    /* participation: 5200 of 20000 registered is 26%, under the 30% Ley 26300 asks */
    const cns_count_result *ref = cns_outcome_count(o, 0);
    CHECK(cns_count_result_nelected(ref) == 0);
    cns_outcome_free(o);
    o = NULL;
    CHECK_OK(outcome_of(template_json, big, 15000, &o, &diag));
    CHECK(cns_count_result_nelected(cns_outcome_count(o, 0)) == 1);
    cns_outcome_free(o);
    o = NULL;
    /* nobody voted for a list: the rule gives no allocation, and says so */
    CHECK_ERR(outcome_of(template_json, "{\"result\":[[0,1,0],[1,0,0,0,0,0]]}", 20, &o, &diag),
              CNS_ERR_INVALID);
    CHECK_CONTAINS(diag.text, "outcome: question 2: ");
    CHECK(o == NULL);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_canonical();
    test_refused();
    test_whole_election();
    test_given_results();
    return CHECK_DONE();
}
