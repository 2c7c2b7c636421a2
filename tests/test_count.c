/*
 * Counting (consulta/count.h): official outcomes of real elections, every
 * method on small known cases, properties on random data, ties from the seed,
 * the verify call, renderings, and refusals with their exact diagnostics.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "check.h"
#include "consulta/count.h"
#include "count/internal.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Count text under rule; NULL on failure (diag in *d). */
static cns_count_result *count_text(const char *rule, const char *name, const char *text,
                                    size_t len, cns_diag *d)
{
    cns_count_rule *r = NULL;
    cns_count_input *in = NULL;
    cns_count_result *res = NULL;
    d->text[0] = '\0';
    if (cns_count_rule_from_json(rule, strlen(rule), &r, d) == CNS_OK &&
        cns_count_input_parse(CNS_COUNT_FORMAT_AUTO, name, text, len, r, &in, d) == CNS_OK &&
        cns_count_run(r, in, &res, d) != CNS_OK)
        res = NULL;
    cns_count_input_free(in);
    cns_count_rule_free(r);
    return res;
}

static cns_count_result *count_str(const char *rule, const char *name, const char *text)
{
    cns_diag d;
    cns_count_result *res = count_text(rule, name, text, strlen(text), &d);
    if (res == NULL)
        fprintf(stderr, "count failed: %s\n", d.text);
    return res;
}

static cns_count_result *count_file(const char *rule, const char *file)
{
    const char *dir = getenv("CNS_TESTDATA") ? getenv("CNS_TESTDATA") : "../shared/testdata";
    char path[1024];
    snprintf(path, sizeof path, "%s/counting/%s", dir, file);
    size_t len;
    char *text = slurp(path, &len);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    cns_diag d;
    cns_count_result *res = count_text(rule, path, text, len, &d);
    if (res == NULL)
        fprintf(stderr, "count failed: %s\n", d.text);
    free(text);
    return res;
}

/* Expect parsing or counting to fail with err and exactly msg (after "NAME"). */
static void expect_fail(const char *rule, const char *name, const char *text, cns_err err,
                        const char *msg)
{
    cns_count_rule *r = NULL;
    cns_count_input *in = NULL;
    cns_count_result *res = NULL;
    cns_diag d = {{0}};
    cns_err got = cns_count_rule_from_json(rule, strlen(rule), &r, &d);
    if (got == CNS_OK)
        got = cns_count_input_parse(CNS_COUNT_FORMAT_AUTO, name, text, strlen(text), r, &in, &d);
    if (got == CNS_OK)
        got = cns_count_run(r, in, &res, &d);
    CHECK(got == err);
    if (strcmp(d.text, msg) != 0) {
        check_failed_++;
        fprintf(stderr, "diagnostic \"%s\"\n  expected \"%s\"\n", d.text, msg);
    } else {
        check_passed_++;
    }
    cns_count_result_free(res);
    cns_count_input_free(in);
    cns_count_rule_free(r);
}

static const json_t *doc_of(const cns_count_result *r)
{
    return r->doc;
}

/* ---- official outcomes ---- */

static void test_peru_1978(void)
{
    cns_count_result *r =
        count_file("{\"method\":\"dhondt\",\"seats\":100}", "peru_1978_constituent_assembly.csv");
    CHECK(r != NULL);
    if (r == NULL)
        return;
    static const struct {
        const char *p;
        uint64_t s;
    } want[] = {{"APRA", 37}, {"PPC", 25}, {"FOCEP", 12}, {"PSR", 6}, {"PCP", 6},
                {"UDP", 4},   {"FNTC", 4}, {"DC", 2},     {"UNO", 2}, {"MDP", 2}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK(cns_count_result_seats(r, want[i].p) == want[i].s);
    CHECK(json_is_true(json_object_get(doc_of(r), "matches_official_seats")));
    /* the cifra repartidora is the 100th largest quotient: PPC's 25th, 835285/25 */
    const json_t *d = json_array_get(
        json_object_get(json_array_get(json_object_get(doc_of(r), "passes"), 0), "districts"), 0);
    CHECK(
        strcmp(json_string_value(json_object_get(json_object_get(d, "cifra_repartidora"), "exact")),
               "167057/5") == 0);
    cns_count_result_free(r);
}

static void test_glasgow_2007(void)
{
    cns_count_result *r = count_file("{\"method\":\"stv-scottish\"}", "glasgow_2007_calton.blt");
    CHECK(r != NULL);
    if (r == NULL)
        return;
    CHECK(cns_count_result_nelected(r) == 3);
    CHECK(strcmp(cns_count_result_elected(r, 0), "George Redmond") == 0);
    CHECK(strcmp(cns_count_result_elected(r, 1), "Alison E Thewliss") == 0);
    CHECK(strcmp(cns_count_result_elected(r, 2), "Ruth Simpson") == 0);
    CHECK(json_integer_value(json_object_get(json_object_get(doc_of(r), "quota"), "value")) ==
          1300);
    cns_count_result_free(r);
}

static void test_debian_2010(void)
{
    cns_count_result *r = count_file("{\"method\":\"schulze\"}", "debian_2010_dpl.soi");
    CHECK(r != NULL && cns_count_result_nelected(r) == 1 &&
          strcmp(cns_count_result_elected(r, 0), "Stefano Zacchiroli") == 0);
    cns_count_result_free(r);
    /* Debian's procedure: options not beating "None Of The Above" are dropped first */
    r = count_file("{\"method\":\"schulze\",\"default_option\":\"None Of The Above\"}",
                   "debian_2010_dpl.soi");
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "Stefano Zacchiroli") == 0);
    cns_count_result_free(r);
}

/*
 * New Zealand general election, 17 October 2020: the 120 seats are allocated
 * by Sainte-Laguë among the parties that won 5% of the party vote or an
 * electorate (Te Pāti Māori, through Waiariki). Party votes and the official
 * allocation — Labour 65, National 33, Green 10, ACT 10, Māori 2 — from the
 * Electoral Commission, "2020 General Election – Official Result"
 * (electionresults.govt.nz/electionresults_2020/). Parties that did not qualify
 * are left out, as the Commission's allocation leaves them out.
 */
static void test_nz_2020(void)
{
    const char *csv = "party,votes,official_seats\n"
                      "Labour,1443545,65\n"
                      "National,738275,33\n"
                      "Green,226757,10\n"
                      "ACT,219031,10\n"
                      "Maori,33630,2\n";
    cns_count_result *r =
        count_str("{\"method\":\"sainte-lague\",\"seats\":120}", "nz2020.csv", csv);
    CHECK(r != NULL && json_is_true(json_object_get(doc_of(r), "matches_official_seats")));
    CHECK(r != NULL && cns_count_result_seats(r, "Labour") == 65 &&
          cns_count_result_seats(r, "Maori") == 2);
    cns_count_result_free(r);
}

/*
 * Scottish independence referendum, 18 September 2014 (Chief Counting
 * Officer's declaration): Yes 1,617,989, No 2,001,926, rejected 3,429,
 * electorate 4,283,392. No won with 55.3% of valid votes.
 */
static void test_scotland_2014(void)
{
    const char *csv = "party,votes\nYes,1617989\nNo,2001926\n@null,3429\n@registered,4283392\n";
    cns_count_result *r = count_str("{\"method\":\"referendum\"}", "scot2014.csv", csv);
    CHECK(r != NULL && cns_count_result_nelected(r) == 1 &&
          strcmp(cns_count_result_elected(r, 0), "No") == 0);
    if (r != NULL) {
        const json_t *v = json_object_get(doc_of(r), "votes");
        CHECK(json_integer_value(json_object_get(v, "cast")) == 3623344);
        CHECK(json_is_false(json_object_get(json_object_get(doc_of(r), "annulment_test"), "void")));
    }
    cns_count_result_free(r);
}

/* ---- methods on small known cases ---- */

static void test_referendum_rules(void)
{
    /* Peru: void when blank + null exceed two thirds of cast (art. 184) */
    cns_count_result *r = count_str("{\"method\":\"referendum\"}", "v.csv",
                                    "party,votes\nSi,10\nNo,5\n@blank,20\n@null,11\n");
    CHECK(r != NULL && cns_count_result_nelected(r) == 0);
    CHECK(r != NULL &&
          json_is_true(json_object_get(json_object_get(doc_of(r), "annulment_test"), "void")));
    cns_count_result_free(r);
    /* exactly two thirds is not void */
    r = count_str("{\"method\":\"referendum\"}", "v.csv",
                  "party,votes\nSi,10\nNo,5\n@blank,20\n@null,10\n");
    CHECK(r != NULL && cns_count_result_nelected(r) == 1);
    cns_count_result_free(r);
    /* Ley 26300: the winner must reach 30% of registered */
    r = count_str("{\"method\":\"referendum\",\"participation_percent\":30}", "p.csv",
                  "party,votes\nSi,29\nNo,10\n@registered,100\n");
    CHECK(r != NULL && cns_count_result_nelected(r) == 0);
    char *text = NULL;
    CHECK(r != NULL && cns_count_result_text(r, &text) == CNS_OK);
    CHECK_CONTAINS(text, "Referendum: no option meets every requirement\n"
                         "  majority: more than 50% of valid votes: met\n"
                         "  participation: the winning option reaches 30% of 100 registered: "
                         "not met\n");
    free(text);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"referendum\",\"participation_percent\":30}", "p.csv",
                  "party,votes\nSi,30\nNo,10\n@registered,100\n");
    CHECK(r != NULL && cns_count_result_nelected(r) == 1);
    cns_count_result_free(r);
    /* exactly half is not a majority */
    r = count_str("{\"method\":\"referendum\"}", "h.json", "{\"result\":[[5,5]]}");
    CHECK(r != NULL && cns_count_result_nelected(r) == 0);
    cns_count_result_free(r);
    /* a homomorphic count with blank first */
    r = count_str("{\"method\":\"referendum\",\"blank_first\":true,\"candidates\":[\"Si\",\"No\"]}",
                  "h.json", "{\"result\":[[7,6,5]]}");
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "Si") == 0);
    CHECK(r != NULL &&
          json_integer_value(json_object_get(json_object_get(doc_of(r), "votes"), "blank")) == 7);
    cns_count_result_free(r);
}

static void test_plurality_approval(void)
{
    cns_count_result *r =
        count_str("{\"method\":\"plurality\",\"seats\":2}", "p.json", "{\"result\":[[4,9,7,1]]}");
    CHECK(r != NULL && cns_count_result_nelected(r) == 2 &&
          strcmp(cns_count_result_elected(r, 0), "2") == 0 &&
          strcmp(cns_count_result_elected(r, 1), "3") == 0);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"approval\",\"candidates\":[\"a\",\"b\",\"c\"]}", "a.json",
                  "[[1,1,0],[0,1,1],[0,1,0],[1,0,0]]");
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "b") == 0);
    cns_count_result_free(r);
}

/* Wikipedia's largest-remainder example: Hare quota 10000, 10 seats. */
static void test_hare(void)
{
    const char *csv = "party,votes\nYellow,47000\nWhite,16000\nRed,15800\nGreen,12000\n"
                      "Blue,6100\nPink,3100\n";
    cns_count_result *r = count_str("{\"method\":\"hare\",\"seats\":10}", "h.csv", csv);
    CHECK(r != NULL && cns_count_result_seats(r, "Yellow") == 5 &&
          cns_count_result_seats(r, "White") == 2 && cns_count_result_seats(r, "Red") == 1 &&
          cns_count_result_seats(r, "Green") == 1 && cns_count_result_seats(r, "Blue") == 1 &&
          cns_count_result_seats(r, "Pink") == 0);
    cns_count_result_free(r);
    /* the same votes by D'Hondt and Sainte-Laguë (Wikipedia's tables) */
    r = count_str("{\"method\":\"dhondt\",\"seats\":10}", "h.csv", csv);
    CHECK(r != NULL && cns_count_result_seats(r, "Yellow") == 5 &&
          cns_count_result_seats(r, "White") == 2 && cns_count_result_seats(r, "Red") == 2 &&
          cns_count_result_seats(r, "Green") == 1 && cns_count_result_seats(r, "Blue") == 0);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"sainte-lague\",\"seats\":10}", "h.csv", csv);
    CHECK(r != NULL && cns_count_result_seats(r, "Yellow") == 4 &&
          cns_count_result_seats(r, "White") == 2 && cns_count_result_seats(r, "Red") == 2 &&
          cns_count_result_seats(r, "Green") == 1 && cns_count_result_seats(r, "Blue") == 1);
    cns_count_result_free(r);
    /* modified Sainte-Laguë (1.4) holds the small party back */
    r = count_str("{\"method\":\"sainte-lague-1.4\",\"seats\":10}", "h.csv", csv);
    CHECK(r != NULL && cns_count_result_seats(r, "Pink") == 0);
    cns_count_result_free(r);
}

/*
 * Peru's thresholds, two districts (30 + 20 seats = a 50-seat chamber;
 * 144,900 valid votes): D has 5.04% of national votes and 2 first-pass seats;
 * E has 3.86% and 2 seats, both in SUR. 2021 (5% OR >= 7 seats in more than
 * one district) keeps D and drops E; 2026 (5% AND >= 5% of the seats, i.e.
 * 3) drops both.
 */
static const char *const peru_csv =
    "district,party,votes\n"
    "NORTE,A,40000\nNORTE,B,30000\nNORTE,C,20000\nNORTE,D,4000\n"
    "NORTE,E,0\n"
    "SUR,A,10000\nSUR,B,20000\nSUR,C,12000\nSUR,D,3300\nSUR,E,5600\n";

static void test_thresholds(void)
{
    cns_count_result *r = count_str("{\"method\":\"dhondt\",\"seats\":{\"NORTE\":30,\"SUR\":20},"
                                    "\"threshold\":\"peru-2021\",\"tie_seed\":\"t\"}",
                                    "t.csv", peru_csv);
    CHECK(r != NULL);
    if (r == NULL)
        return;
    const json_t *passes = json_object_get(doc_of(r), "passes");
    CHECK(json_array_size(passes) == 2);
    const json_t *p1 = json_object_get(json_array_get(passes, 0), "seats");
    CHECK(json_integer_value(json_object_get(p1, "E")) == 2);
    CHECK(json_integer_value(json_object_get(p1, "D")) == 2);
    CHECK(cns_count_result_seats(r, "E") == 0);
    uint64_t total = 0;
    const char *parties[] = {"A", "B", "C", "D", "E"};
    for (size_t i = 0; i < 5; i++)
        total += cns_count_result_seats(r, parties[i]);
    CHECK(total == 50);
    CHECK(cns_count_result_seats(r, "D") > 0);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"dhondt\",\"seats\":{\"NORTE\":30,\"SUR\":20},\"threshold\":\"peru-"
                  "2026\",\"tie_seed\":\"t\"}",
                  "t.csv", peru_csv);
    CHECK(r != NULL && cns_count_result_seats(r, "D") == 0 && cns_count_result_seats(r, "E") == 0);
    CHECK(r != NULL && json_integer_value(json_object_get(json_object_get(doc_of(r), "threshold"),
                                                          "min_seats")) == 3);
    cns_count_result_free(r);
}

static void test_preferential_parity(void)
{
    const char *csv = "party,candidate,gender,position,votes\n"
                      "A,,,,600\nB,,,,400\n"
                      "A,Ana,F,1,10\nA,Beto,M,2,50\nA,Carla,F,3,40\nA,Dario,M,4,5\n"
                      "B,Eva,F,1,7\nB,Fito,M,2,7\n";
    cns_count_result *r = count_str("{\"method\":\"dhondt\",\"seats\":5}", "c.csv", csv);
    /* closed alternated lists: A 3 seats (Ana, Beto, Carla), B 2 (Eva, Fito) */
    CHECK(r != NULL && cns_count_result_nelected(r) == 5 &&
          strcmp(cns_count_result_elected(r, 0), "Ana") == 0 &&
          strcmp(cns_count_result_elected(r, 2), "Carla") == 0);
    CHECK(r != NULL &&
          json_integer_value(json_object_get(json_object_get(doc_of(r), "gender"), "women")) == 3);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"dhondt\",\"seats\":5,\"preferential\":true}", "c.csv", csv);
    /* preferential: Beto 50, Carla 40, Ana 10; B's tie 7–7 goes by list order */
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "Beto") == 0 &&
          strcmp(cns_count_result_elected(r, 1), "Carla") == 0 &&
          strcmp(cns_count_result_elected(r, 2), "Ana") == 0 &&
          strcmp(cns_count_result_elected(r, 3), "Eva") == 0);
    cns_count_result_free(r);
}

static void test_irv_meek(void)
{
    /* IRV: C is excluded first, its votes elect B over A */
    const char *blt = "3 1\n40 1 0\n35 2 0\n25 3 2 0\n0\n\"A\" \"B\" \"C\" \"IRV\"\n";
    cns_count_result *r = count_str("{\"method\":\"irv\"}", "i.blt", blt);
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "B") == 0);
    cns_count_result_free(r);
    /* Meek: A's surplus flows to B; then C, with fewest votes, is excluded */
    const char *blt2 = "4 2\n60 1 2 0\n25 3 0\n15 4 3 0\n0\n\"A\" \"B\" \"C\" \"D\"\n";
    r = count_str("{\"method\":\"stv-meek\"}", "m.blt", blt2);
    CHECK(r != NULL && cns_count_result_nelected(r) == 2 &&
          strcmp(cns_count_result_elected(r, 0), "A") == 0 &&
          strcmp(cns_count_result_elected(r, 1), "C") == 0);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"stv-scottish\"}", "m.blt", blt2);
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 1), "C") == 0);
    cns_count_result_free(r);
    /* withdrawn candidates are skipped; '-' stops the ranking; '#' comments */
    const char *blt3 = "3 1\n-1\n# A withdrew\n5 1 2 0\n4 3 - 2 0\n0\n\"A\" \"B\" \"C\"\n";
    r = count_str("{\"method\":\"irv\"}", "w.blt", blt3);
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "B") == 0);
    cns_count_result_free(r);
}

static void test_mj(void)
{
    /* belenios' demo-mj.sh reference: winners [[0],[1],[2],[3]] */
    static const int rows[][5] = {
        {6, 1, 1, 1, 1},  {4, 1, 1, 2, 1},  {11, 1, 1, 2, 2}, {4, 1, 1, 2, 2}, {5, 1, 2, 2, 3},
        {15, 2, 2, 3, 3}, {10, 2, 2, 3, 4}, {15, 3, 3, 3, 4}, {5, 3, 3, 4, 5}, {14, 4, 4, 4, 5},
        {1, 4, 5, 4, 5},  {4, 5, 5, 4, 5},  {6, 5, 5, 5, 5}};
    char text[8192] = "[";
    size_t n = 1;
    bool first = true;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (int k = 0; k < rows[i][0]; k++) {
            n += (size_t)snprintf(text + n, sizeof text - n, "%s[%d,%d,%d,%d]", first ? "" : ",",
                                  rows[i][1], rows[i][2], rows[i][3], rows[i][4]);
            first = false;
        }
    snprintf(text + n, sizeof text - n, ",[5,0,5,5],[0,0,0,0]]");
    cns_count_result *r = count_str("{\"method\":\"majority-judgment\",\"grades\":5,\"median\":"
                                    "\"upper\",\"blank_allowed\":true}",
                                    "mj.json", text);
    CHECK(r != NULL);
    if (r != NULL) {
        json_t *want = json_loads("{\"raw\":[[30,25,20,15,10],[25,30,20,14,11],[6,24,40,24,6],"
                                  "[10,15,20,25,30]],\"valid\":100,\"blank\":1,\"invalid\":[[5,0,5,"
                                  "5]],\"winners\":[[0],[1],[2],[3]]}",
                                  0, NULL);
        CHECK(json_equal(want, json_object_get(doc_of(r), "belenios")));
        json_decref(want);
    }
    cns_count_result_free(r);
    /* lower vs upper median: A = {1,3}, B = {2,2} */
    r = count_str("{\"method\":\"majority-judgment\",\"grades\":3,\"candidates\":[\"A\",\"B\"]}",
                  "m.json", "[[1,2],[3,2]]");
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "B") == 0);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"majority-judgment\",\"grades\":3,\"median\":\"upper\","
                  "\"candidates\":[\"A\",\"B\"]}",
                  "m.json", "[[1,2],[3,2]]");
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "A") == 0);
    cns_count_result_free(r);
}

/* ---- ties ---- */

static void expected_key(const char *seed, const char *ctx, const char *name, unsigned char *out)
{
    crypto_hash_sha256_state st;
    const unsigned char z = 0;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"consulta/count/tie/v1", 21);
    crypto_hash_sha256_update(&st, &z, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)seed, strlen(seed));
    crypto_hash_sha256_update(&st, &z, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)ctx, strlen(ctx));
    crypto_hash_sha256_update(&st, &z, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_final(&st, out);
}

static void test_ties(void)
{
    const char *csv = "party,votes\nP,100\nQ,100\nR,50\n";
    /* no seed: a tie by lot is refused, never guessed */
    expect_fail("{\"method\":\"dhondt\",\"seats\":1}", "t.csv", csv, CNS_ERR_INVALID,
                "count: dhondt/district=NACIONAL/pass=1/last seat: a tie between P and Q is "
                "settled by lot, and the rule has no tie_seed");
    const char *seeds[] = {"2026-04-12 JNE acta 1", "seed-b", "seed-c", "seed-d"};
    for (size_t i = 0; i < 4; i++) {
        char rule[128];
        snprintf(rule, sizeof rule, "{\"method\":\"dhondt\",\"seats\":1,\"tie_seed\":\"%s\"}",
                 seeds[i]);
        cns_count_result *r = count_str(rule, "t.csv", csv);
        unsigned char kp[32], kq[32];
        const char *ctx = "dhondt/district=NACIONAL/pass=1/last seat";
        expected_key(seeds[i], ctx, "P", kp);
        expected_key(seeds[i], ctx, "Q", kq);
        const char *want = memcmp(kp, kq, 32) < 0 ? "P" : "Q";
        CHECK(r != NULL && cns_count_result_seats(r, want) == 1);
        cns_count_result *again = count_str(rule, "t.csv", csv);
        CHECK(again != NULL && cns_count_result_seats(again, want) == 1);
        CHECK(r != NULL && json_array_size(json_object_get(doc_of(r), "ties")) == 1);
        cns_count_result_free(r);
        cns_count_result_free(again);
    }
    /* ties by candidate order (Belenios) need no seed */
    cns_count_result *r =
        count_str("{\"method\":\"dhondt\",\"seats\":1,\"ties\":\"order\"}", "t.csv", csv);
    CHECK(r != NULL && cns_count_result_seats(r, "P") == 1);
    cns_count_result_free(r);
}

/* ---- properties ---- */

static uint64_t rs = 88172645463325252u;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static void random_csv(char *buf, size_t cap, size_t nd, size_t nl)
{
    size_t n = (size_t)snprintf(buf, cap, "district,party,votes\n");
    for (size_t d = 0; d < nd; d++)
        for (size_t l = 0; l < nl; l++)
            n += (size_t)snprintf(buf + n, cap - n, "D%zu,L%zu,%llu\n", d, l,
                                  (unsigned long long)(rnd() % 100000 * (l + 1)));
}

static void test_properties(void)
{
    static const char *const methods[] = {"dhondt", "sainte-lague", "sainte-lague-1.4", "hare"};
    char csv[8192], rule[256], name[8];
    int total_bad = 0, mono_bad = 0, house_bad = 0, thr_bad = 0;
    for (int it = 0; it < 60; it++) {
        size_t nd = 1 + rnd() % 3, nl = 2 + rnd() % 7;
        random_csv(csv, sizeof csv, nd, nl);
        unsigned seats = 1 + (unsigned)(rnd() % 30);
        for (size_t m = 0; m < 4; m++) {
            for (int thr = 0; thr < 2; thr++) {
                snprintf(rule, sizeof rule,
                         "{\"method\":\"%s\",\"seats\":%u,\"tie_seed\":\"p\",\"threshold\":\"%s\"}",
                         methods[m], seats, thr ? "peru-2026" : "none");
                cns_count_result *r = count_str(rule, "r.csv", csv);
                snprintf(rule, sizeof rule,
                         "{\"method\":\"%s\",\"seats\":%u,\"tie_seed\":\"p\",\"threshold\":\"%s\"}",
                         methods[m], seats + 1, thr ? "peru-2026" : "none");
                cns_count_result *r1 = count_str(rule, "r.csv", csv);
                if (r == NULL || r1 == NULL) {
                    /* a 2026 threshold no list passes is refused; that is fine */
                    cns_count_result_free(r);
                    cns_count_result_free(r1);
                    continue;
                }
                uint64_t sum = 0;
                bool no_ties = json_array_size(json_object_get(doc_of(r), "ties")) == 0 &&
                               json_array_size(json_object_get(doc_of(r1), "ties")) == 0;
                for (size_t l = 0; l < nl; l++) {
                    snprintf(name, sizeof name, "L%zu", l);
                    sum += cns_count_result_seats(r, name);
                    /* house monotonicity: divisor methods never lose a seat */
                    if (m < 3 && thr == 0 && no_ties &&
                        cns_count_result_seats(r1, name) < cns_count_result_seats(r, name))
                        house_bad++;
                }
                total_bad += sum != seats * nd;
                /* a list below the threshold gets no seat in the second pass */
                const json_t *t = json_object_get(doc_of(r), "threshold");
                size_t i;
                const json_t *row;
                json_array_foreach(json_object_get(t, "lists"), i, row)
                {
                    if (!json_is_true(json_object_get(row, "passes")) &&
                        cns_count_result_seats(
                            r, json_string_value(json_object_get(row, "list"))) != 0)
                        thr_bad++;
                }
                /* D'Hondt, one district: a smaller list never has more seats */
                if (m == 0 && nd == 1) {
                    const json_t *lists = json_object_get(
                        json_array_get(
                            json_object_get(
                                json_array_get(
                                    json_object_get(doc_of(r), "passes"),
                                    json_array_size(json_object_get(doc_of(r), "passes")) - 1),
                                "districts"),
                            0),
                        "lists");
                    for (size_t a = 0; a < nl; a++)
                        for (size_t b = 0; b < nl; b++) {
                            const json_t *la = json_array_get(lists, a),
                                         *lb = json_array_get(lists, b);
                            if (json_integer_value(json_object_get(la, "votes")) <
                                    json_integer_value(json_object_get(lb, "votes")) &&
                                json_integer_value(json_object_get(la, "seats")) >
                                    json_integer_value(json_object_get(lb, "seats")))
                                mono_bad++;
                        }
                }
                cns_count_result_free(r);
                cns_count_result_free(r1);
            }
        }
    }
    CHECK(total_bad == 0);
    CHECK(mono_bad == 0);
    CHECK(house_bad == 0);
    CHECK(thr_bad == 0);
    /* STV elects exactly the seats, whatever the ballots */
    int stv_bad = 0;
    for (int it = 0; it < 40; it++) {
        char blt[4096];
        size_t nc = 3 + rnd() % 5, s = 1 + rnd() % (nc - 1);
        size_t n = (size_t)snprintf(blt, sizeof blt, "%zu %zu\n", nc, s);
        for (int b = 0; b < 20; b++) {
            n += (size_t)snprintf(blt + n, sizeof blt - n, "%llu",
                                  (unsigned long long)(1 + rnd() % 9));
            size_t used = 0, len = 1 + rnd() % nc;
            for (size_t k = 0; k < len; k++) {
                size_t c = 1 + rnd() % nc;
                if (used & (1u << c))
                    continue;
                used |= 1u << c;
                n += (size_t)snprintf(blt + n, sizeof blt - n, " %zu", c);
            }
            n += (size_t)snprintf(blt + n, sizeof blt - n, " 0\n");
        }
        n += (size_t)snprintf(blt + n, sizeof blt - n, "0\n");
        for (size_t c = 0; c < nc; c++)
            n += (size_t)snprintf(blt + n, sizeof blt - n, "\"C%zu\"\n", c);
        const char *rules[] = {"{\"method\":\"stv-scottish\",\"tie_seed\":\"x\"}",
                               "{\"method\":\"stv-meek\",\"tie_seed\":\"x\"}"};
        for (int k = 0; k < 2; k++) {
            cns_count_result *r = count_str(rules[k], "r.blt", blt);
            stv_bad += r == NULL || cns_count_result_nelected(r) != s;
            cns_count_result_free(r);
        }
    }
    CHECK(stv_bad == 0);
}

/* ---- the pipeline call ---- */

static void test_verify(void)
{
    const char *rule = "{\"method\":\"dhondt\",\"seats\":5,\"candidates\":[\"A\",\"B\",\"C\"]}";
    const char *tally = "{\"result\":[[500,300,100]]}";
    char *out = NULL;
    cns_diag d;
    CHECK_OK(cns_count_tally(rule, strlen(rule), tally, strlen(tally), &out, &d));
    CHECK(out != NULL);
    CHECK_OK(cns_count_verify(rule, strlen(rule), tally, strlen(tally), out, strlen(out), &d));
    free(out);
    const char *forged = "{\"elected\":[],\"seats\":{\"A\":4,\"B\":1,\"C\":0}}";
    CHECK_ERR(
        cns_count_verify(rule, strlen(rule), tally, strlen(tally), forged, strlen(forged), &d),
        CNS_ERR_VERIFY);
    CHECK(strcmp(d.text, "count: list A has 4 seats, the rule gives 3") == 0);
    /* an STV question: decrypted ballots from a shuffle */
    const char *r2 = "{\"method\":\"stv-scottish\",\"seats\":1,\"candidates\":[\"x\",\"y\"]}";
    const char *t2 = "{\"result\":[[[1,2],[2,1],[1,2]]]}";
    const char *p2 = "{\"elected\":[\"x\"]}";
    CHECK_OK(cns_count_verify(r2, strlen(r2), t2, strlen(t2), p2, strlen(p2), &d));
    const char *p3 = "{\"elected\":[\"y\"]}";
    CHECK_ERR(cns_count_verify(r2, strlen(r2), t2, strlen(t2), p3, strlen(p3), &d), CNS_ERR_VERIFY);
}

/* A question's totals as an input, and a published count checked member by member. */
static void test_totals_check(void)
{
    const char *names[] = {"A", "B", "C"}, *dup[] = {"A", "B", "A"};
    const uint64_t votes[] = {500, 300, 100}, blank = 7;
    cns_count_input *in = NULL;
    cns_count_rule *rule = NULL;
    cns_count_result *res = NULL;
    cns_diag d;
    CHECK_ERR(cns_count_input_from_totals("q", NULL, dup, 3, votes, NULL, 0, &in, &d),
              CNS_ERR_INVALID);
    CHECK(strcmp(d.text, "q: options 1 and 3 are both \"A\"") == 0);
    CHECK_OK(cns_count_input_from_totals("q", "T", names, 3, votes, &blank, 0, &in, &d));
    const char *r = "{\"method\":\"dhondt\",\"seats\":5}";
    CHECK_OK(cns_count_rule_from_json(r, strlen(r), &rule, &d));
    CHECK_OK(cns_count_run(rule, in, &res, &d));
    CHECK(cns_count_result_seats(res, "A") == 3 && cns_count_result_seats(res, "B") == 2);
    static const struct {
        const char *published, *message;
    } cases[] = {
        {"{\"seats\":{\"A\":3,\"B\":2,\"C\":0},\"elected\":[]}", NULL},
        {"{\"seats\":{\"A\":3,\"B\":2,\"C\":0}}", "the published outcome has no \"elected\""},
        {"{\"seats\":{\"A\":2,\"B\":3,\"C\":0},\"elected\":[]}",
         "list A has 2 seats, the rule gives 3"},
        {"{\"seats\":{\"A\":3,\"B\":2},\"elected\":[]}",
         "list C: no seats given, the rule gives 0"},
        {"{\"seats\":{\"A\":3,\"B\":2,\"C\":0},\"elected\":[],\"votes\":{\"valid\":900,"
         "\"blank\":8,\"null\":null,\"cast\":907,\"registered\":null}}",
         "votes.blank is 8, the rule gives 7"},
        {"{\"seats\":{\"A\":3,\"B\":2,\"C\":0},\"elected\":[],\"note\":1}",
         "\"note\" is not part of the outcome"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = cases[i].published;
        cns_err err = cns_count_result_check(res, p, strlen(p), &d);
        CHECK(err == (cases[i].message == NULL ? CNS_OK : CNS_ERR_VERIFY));
        CHECK(cases[i].message == NULL || strcmp(d.text, cases[i].message) == 0);
    }
    CHECK_ERR(cns_count_result_check(res, "[1]", 3, &d), CNS_ERR_DECODE);
    cns_count_result_free(res);
    cns_count_rule_free(rule);
    cns_count_input_free(in);
}

/*
 * Approval totals are marks: told the ballots, the count reports valid
 * ballots, blank ballots and marks apart, shares and the annulment test
 * weigh ballots (issue 12); impossible ballot numbers are refused.
 */
static void test_totals_marks(void)
{
    const char *names[] = {"Agua", "Luz", "Pistas"};
    const uint64_t marks[] = {13, 10, 8}, blank = 14;
    cns_count_input *in = NULL;
    cns_count_rule *rule = NULL;
    cns_count_result *res = NULL;
    char *json = NULL;
    cns_diag d;
    const char *r = "{\"method\":\"approval\",\"seats\":2,\"ties\":\"order\"}";
    CHECK_OK(cns_count_rule_from_json(r, strlen(r), &rule, &d));
    CHECK_OK(cns_count_input_from_totals("q", "T", names, 3, marks, &blank, 20, &in, &d));
    /* without ballots: 31 marks count as 31 voters, and 14 of 45 is not two thirds */
    CHECK_OK(cns_count_run(rule, in, &res, &d));
    CHECK_OK(cns_count_result_json(res, &json));
    CHECK_CONTAINS(json, "\"valid\": 31");
    free(json);
    cns_count_result_free(res);
    CHECK_ERR(cns_count_input_set_ballots(in, 13, &d), CNS_ERR_INVALID);
    CHECK(strcmp(d.text, "q: 13 ballots cannot hold 14 blank and 31 marks") == 0);
    CHECK_ERR(cns_count_input_set_ballots(in, 14, &d), CNS_ERR_INVALID);
    CHECK(strcmp(d.text, "q: 14 ballots cannot hold 14 blank and 31 marks") == 0);
    /* 20 ballots, 14 blank: 6 valid ballots, 31 marks; 14 of 20 is over two thirds */
    CHECK_OK(cns_count_input_set_ballots(in, 20, &d));
    CHECK_OK(cns_count_run(rule, in, &res, &d));
    CHECK_OK(cns_count_result_json(res, &json));
    CHECK_CONTAINS(json, "\"valid\": 6,");
    CHECK_CONTAINS(json, "\"cast\": 20,");
    CHECK_CONTAINS(json, "\"marks\": 31");
    CHECK_CONTAINS(json, "\"blank_plus_null\": 14,");
    CHECK_CONTAINS(json, "\"void\": true");
    free(json);
    cns_count_result_free(res);
    cns_count_rule_free(rule);
    cns_count_input_free(in);
}

/* The text report pads names by columns, not bytes, and never cuts a long one (issue 12). */
static void test_text_widths(void)
{
    cns_count_result *r = count_str("{\"method\":\"dhondt\",\"seats\":5}", "l.csv",
                                    "party,votes\nPerú Posible,10\nAcción Popular,5\n"
                                    "Frente Amplio de Trabajadores y Campesinos del Perú,3\n");
    char *text = NULL;
    CHECK(r != NULL && cns_count_result_text(r, &text) == CNS_OK);
    CHECK_CONTAINS(text, "  Perú Posible                                        10\n"
                         "  Acción Popular                                      5\n"
                         "  Frente Amplio de Trabajadores y Campesinos del Perú 3\n");
    CHECK_CONTAINS(text, "    Acción Popular                                                   5"
                         "      1  5.0000");
    free(text);
    cns_count_result_free(r);
}

static void test_outputs(void)
{
    cns_count_result *r =
        count_file("{\"method\":\"dhondt\",\"seats\":100}", "peru_1978_constituent_assembly.csv");
    char *s = NULL;
    CHECK(r != NULL);
    if (r == NULL)
        return;
    CHECK_OK(cns_count_result_text(r, &s));
    CHECK_CONTAINS(s, "cifra repartidora 33411.4000 (= 167057/5)");
    free(s);
    CHECK_OK(cns_count_result_svg(r, &s));
    CHECK_CONTAINS(s, "<svg");
    CHECK_CONTAINS(s, "<circle");
    CHECK_CONTAINS(s, "APRA: 37");
    free(s);
    CHECK_OK(cns_count_result_nist(r, "2026-04-12T20:00:00Z", &s));
    json_t *n = json_loads(s, 0, NULL);
    CHECK(n != NULL && strcmp(json_string_value(json_object_get(n, "@type")),
                              "ElectionResults.ElectionReport") == 0);
    json_decref(n);
    free(s);
    CHECK_OK(cns_count_result_json(r, &s));
    CHECK_CONTAINS(s, "\"quotients\"");
    free(s);
    cns_count_result_free(r);
}

/* ---- refusals, with their exact diagnostics ---- */

static void test_bad_input(void)
{
    const char *stv = "{\"method\":\"stv-scottish\"}";
    expect_fail(stv, "a.blt", "3 2\n1 1 2\n", CNS_ERR_DECODE,
                "a.blt:3:1: ballot not terminated by 0");
    expect_fail(stv, "b.blt", "3 1\n2 1 0\n-1 2 0\n0\n", CNS_ERR_INVALID,
                "b.blt:3:1: negative ballot weight");
    expect_fail(stv, "c.blt", "3 1\n99999999999999999999 1 0\n0\n", CNS_ERR_LIMIT,
                "c.blt:2:1: count exceeds 10^12");
    expect_fail(stv, "d.blt", "3 1\n1 1 0\n0\n\"a\"\n\"b\"\n\"a\"\n", CNS_ERR_INVALID,
                "d.blt:6:1: duplicate candidate \"a\"");
    expect_fail(stv, "e.blt", "3 1\n1 1 4 0\n0\n", CNS_ERR_INVALID,
                "e.blt:2:5: candidate 4 is beyond the 3 candidates");
    expect_fail(stv, "f.blt", "3 4\n", CNS_ERR_INVALID,
                "f.blt:1:3: more seats (4) than candidates (3)");
    expect_fail(stv, "g.blt", "\xEF\xBB\xBF# c\n3 1\n2 1=2 3 0\n0\n\"a\" \"b\" \"c\"\n",
                CNS_ERR_INVALID, "g.blt:3: equal ranks are not allowed by this method");
    expect_fail(stv, "h.blt", "3 1\n2 1 - 3 0\n1 2 2 0\n0\n", CNS_ERR_INVALID,
                "h.blt:3:5: candidate 2 is ranked twice");
    expect_fail(stv, "i.blt", "3 1\n1 1 x 0\n", CNS_ERR_DECODE,
                "i.blt:2:5: unexpected character 'x'");
    expect_fail(stv, "j.blt", "3 1\n1 1 0\n0\n\"a\" \"b\"\n", CNS_ERR_DECODE,
                "j.blt:5:1: expected the name of candidate 3 in quotes");
    const char *dh = "{\"method\":\"dhondt\",\"seats\":3}";
    expect_fail(dh, "i.csv", "party,votes\nA,-5\n", CNS_ERR_INVALID, "i.csv:2:3: negative count");
    expect_fail(dh, "j.csv", "party,votes\nA,5\nA,6\n", CNS_ERR_INVALID,
                "j.csv:3:1: duplicate list \"A\" in district \"NACIONAL\"");
    expect_fail(dh, "k.csv", "party,votes\nA,10000000000000\n", CNS_ERR_LIMIT,
                "k.csv:2:3: count exceeds 10^12");
    expect_fail(dh, "l.csv", "party,votes,colour\nA,5,red\n", CNS_ERR_INVALID,
                "l.csv:1:13: unknown column \"colour\"");
    expect_fail(dh, "m.csv", "party,votes\nA,5x\n", CNS_ERR_DECODE,
                "m.csv:2:3: expected a count, found \"5x\"");
    const char *sz = "{\"method\":\"schulze\"}";
    expect_fail(sz, "l.soi",
                "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: x\n# ALTERNATIVE NAME 2: x\n",
                CNS_ERR_INVALID, "l.soi:3:23: duplicate candidate \"x\"");
    expect_fail(sz, "m.soi", "# NUMBER ALTERNATIVES: 2\n3: 1,3\n", CNS_ERR_INVALID,
                "m.soi:2:6: candidate 3 is beyond the 2 candidates");
    expect_fail(sz, "p.soi", "# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 4\n3: 1,2\n",
                CNS_ERR_INVALID, "p.soi: the counts add up to 3 but NUMBER VOTERS is 4");
    expect_fail(sz, "q.soi", "# NUMBER ALTERNATIVES: 2\n-3: 1,2\n", CNS_ERR_INVALID,
                "q.soi:2:1: negative count");
    expect_fail(sz, "n.json", "[[1,-2]]", CNS_ERR_INVALID, "n.json: ballot 1[1]: negative count");
    expect_fail(sz, "o.json", "[[1,2],[1", CNS_ERR_DECODE,
                "o.json:1:9: ']' expected near end of file");
    expect_fail(sz, "r.json", "[[1,3]]", CNS_ERR_INVALID,
                "r.json: ballot 1: rank 3 is beyond the 2 candidates");
    expect_fail(sz, "s.json", "{\"result\":[[1,2]],\"x\":1}", CNS_ERR_INVALID,
                "s.json: unknown field \"x\"");
    expect_fail(sz, "t.json", "{\"result\":[[1,2]],\"result\":[[1]]}", CNS_ERR_DECODE,
                "t.json:1:26: duplicate object key near '\"result\"'");
    expect_fail("{\"method\":\"stv-scottish\",\"seats\":3}", "u.json", "[[1,2]]", CNS_ERR_INVALID,
                "u.json: more seats (3) than candidates (2)");
    /* rules */
    expect_fail("{\"method\":\"dhont\"}", "x.csv", "", CNS_ERR_INVALID,
                "counting rule: unknown method \"dhont\"");
    expect_fail("{\"method\":\"dhondt\",\"seat\":3}", "x.csv", "", CNS_ERR_INVALID,
                "counting rule: unknown field \"seat\"");
    expect_fail("{\"method\":\"dhondt\",\"seats\":-3}", "x.csv", "", CNS_ERR_INVALID,
                "counting rule: \"seats\": expected an integer from 0 to 10000");
    expect_fail("{\"method\":\"dhondt\",\"threshold\":{\"votes_percent\":\"5.123456\"}}", "x.csv",
                "", CNS_ERR_INVALID,
                "counting rule: \"votes_percent\": expected a percentage such as 5 or \"4.5\"");
    expect_fail("{\"method\":\"majority-judgment\"}", "x.json", "", CNS_ERR_INVALID,
                "counting rule: majority-judgment needs \"grades\"");
    expect_fail("{\"method\":\"irv\"}", "x.csv", "party,votes\nA,1\n", CNS_ERR_INVALID,
                "x.csv: irv needs ballots, not totals");
}

/*
 * Issue 10, item 13: ballots are stored at their length (the same counts
 * whatever the number of candidates), and Meek stops at its work limit with
 * a message saying how much it did, instead of running unbounded.
 */
static void test_count_memory_and_work(void)
{
    /* one-preference ballots among 1,000 candidates, stored as one mark each */
    size_t cap = 1 << 16, n = 0;
    char *blt = malloc(cap);
    n += (size_t)snprintf(blt + n, cap - n, "1000 1\n7 999 0\n3 12 0\n1 999 0\n0\n");
    for (int c = 0; c < 1000; c++)
        n += (size_t)snprintf(blt + n, cap - n, "\"C%d\"\n", c + 1);
    cns_count_input *in = NULL;
    cns_diag d = {{0}};
    CHECK(cns_count_input_parse(CNS_COUNT_FORMAT_BLT, "big.blt", blt, n, NULL, &in, &d) == CNS_OK);
    CHECK(in != NULL && in->nballots == 3 && in->ballots[0].nmarks == 1 &&
          in->ballots[0].val == NULL && in->ballots[0].marks[0].cand == 998 &&
          in->ballots[1].nmarks == 1 && in->ballots[1].marks[0].cand == 11 &&
          in->ballots[1].marks[0].val == 1);
    cns_count_input_free(in);
    cns_count_result *r = count_str("{\"method\":\"plurality\"}", "big.blt", blt);
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "C999") == 0);
    cns_count_result_free(r);
    r = count_str("{\"method\":\"irv\",\"tie_seed\":\"s\"}", "big.blt", blt);
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "C999") == 0);
    cns_count_result_free(r);
    free(blt);
    /* ranks stored by candidate; the preference order follows the ranks */
    const char *two = "3 1\n5 3 1 0\n2 1 0\n1 2 0\n0\n\"A\" \"B\" \"C\"\n";
    CHECK(cns_count_input_parse(CNS_COUNT_FORMAT_BLT, "two.blt", two, strlen(two), NULL, &in, &d) ==
          CNS_OK);
    CHECK(in != NULL && in->ballots[0].nmarks == 2 && in->ballots[0].marks[0].cand == 0 &&
          in->ballots[0].marks[0].val == 2 && in->ballots[0].marks[1].cand == 2 &&
          in->ballots[0].marks[1].val == 1);
    cns_count_input_free(in);
    r = count_str("{\"method\":\"irv\"}", "two.blt", two);
    CHECK(r != NULL && strcmp(cns_count_result_elected(r, 0), "C") == 0);
    cns_count_result_free(r);

    const char *meek = "4 2\n60 1 2 0\n25 3 0\n15 4 3 0\n0\n\"A\" \"B\" \"C\" \"D\"\n";
    uint64_t saved = cnt_meek_max_work;
    cnt_meek_max_work = 20; /* 3 ballot lines + 5 preferences = 8 steps a pass: 2 passes */
    r = count_text("{\"method\":\"stv-meek\"}", "m.blt", meek, strlen(meek), &d);
    CHECK(r == NULL);
    CHECK(strcmp(d.text, "m.blt: stv-meek: stopped after 2 passes over 3 ballot lines (16 "
                         "ballot-preference steps, the limit is 20): too much work for Meek's "
                         "method at this size") == 0);
    cns_count_result_free(r);
    cnt_meek_max_work = saved;
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    test_peru_1978();
    test_glasgow_2007();
    test_debian_2010();
    test_nz_2020();
    test_scotland_2014();
    test_referendum_rules();
    test_plurality_approval();
    test_hare();
    test_thresholds();
    test_preferential_parity();
    test_irv_meek();
    test_count_memory_and_work();
    test_mj();
    test_ties();
    test_properties();
    test_verify();
    test_totals_check();
    test_totals_marks();
    test_text_widths();
    test_outputs();
    test_bad_input();
    return CHECK_DONE();
}
