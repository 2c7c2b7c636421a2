/*
 * consulta's counting agrees with `belenios-tool method schulze|
 * majority-judgment|stv` (Debian's belenios-tool 2.0) on 1000 random ballot
 * sets per method (5000 with CNS_LONG=1), generated from a fixed seed.
 * Variants compared (docs/counting.md, "Belenios"):
 *   schulze            same method; valid, blank, raw, beatpaths, winners
 *   majority-judgment  "median": "upper" (Belenios' choice for even counts);
 *                      raw, valid, blank, winners (groups as sets), invalid
 *   stv                method "stv-belenios", ties by candidate order;
 *                      events, winners, invalid. A difference where an exact
 *                      equality decided a step (Belenios adds floats) is
 *                      counted apart; belenios-tool 2.0 stops on an assertion
 *                      when the valid ballots name fewer choices than seats,
 *                      where consulta elects the choices named.
 * Without belenios-tool on PATH the test fails (it is installed by make deps).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "consulta/count.h"
#include "count/internal.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static unsigned ri(unsigned a, unsigned b)
{
    return a + (unsigned)(rnd() % (b - a + 1));
}

static bool chance(unsigned percent)
{
    return rnd() % 100 < percent;
}

typedef enum { M_SCHULZE, M_MJ, M_STV } meth;

typedef struct gcase {
    unsigned k, param, nb;
    bool blank;
    char text[8192];
} gcase;

static void gen_ballot(meth m, const gcase *c, unsigned *v)
{
    unsigned k = c->k;
    if (m == M_SCHULZE) {
        for (unsigned i = 0; i < k; i++)
            v[i] = chance(20) ? 0 : ri(1, k);
    } else if (m == M_MJ) {
        for (unsigned i = 0; i < k; i++) {
            v[i] = ri(1, c->param);
            if (chance(2))
                v[i] = c->param + 1; /* invalid grade */
            if (chance(2))
                v[i] = 0;
        }
    } else {
        unsigned perm[8], len = ri(0, k);
        for (unsigned i = 0; i < k; i++)
            perm[i] = i;
        for (unsigned i = k - 1; i > 0; i--) {
            unsigned j = ri(0, i), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (unsigned i = 0; i < k; i++)
            v[perm[i]] = i < len ? i + 1 : 0;
        if (chance(3))
            v[perm[0]] = v[perm[1]]; /* a repeated rank */
        if (chance(3) && len >= 2)
            v[perm[0]] = 0; /* a gap */
    }
    if (m != M_STV && chance(5))
        memset(v, 0, k * sizeof *v);
}

static void gen_case(meth m, gcase *c)
{
    c->k = ri(2, 6);
    c->nb = ri(1, 40);
    c->blank = chance(50);
    c->param = m == M_STV ? ri(1, c->k) : ri(2, 6);
    size_t n = 0;
    n += (size_t)snprintf(c->text + n, sizeof c->text - n, "[");
    for (unsigned b = 0; b < c->nb; b++) {
        unsigned v[8];
        gen_ballot(m, c, v);
        n += (size_t)snprintf(c->text + n, sizeof c->text - n, "%s[", b ? "," : "");
        for (unsigned i = 0; i < c->k; i++)
            n += (size_t)snprintf(c->text + n, sizeof c->text - n, "%s%u", i ? "," : "", v[i]);
        n += (size_t)snprintf(c->text + n, sizeof c->text - n, "]");
    }
    snprintf(c->text + n, sizeof c->text - n, "]");
}

/* Run belenios-tool on the case; NULL if it failed. */
static json_t *belenios(meth m, const gcase *c, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return NULL;
    fputs(c->text, f);
    fclose(f);
    char cmd[512];
    if (m == M_SCHULZE)
        snprintf(cmd, sizeof cmd,
                 "belenios-tool method schulze --nchoices %u --blank-allowed %s < %s 2>/dev/null",
                 c->k, c->blank ? "true" : "false", path);
    else if (m == M_MJ)
        snprintf(cmd, sizeof cmd,
                 "belenios-tool method majority-judgment --nchoices %u --ngrades %u "
                 "--blank-allowed %s < %s 2>/dev/null",
                 c->k, c->param, c->blank ? "true" : "false", path);
    else
        snprintf(cmd, sizeof cmd, "belenios-tool method stv --nseats %u < %s 2>/dev/null", c->param,
                 path);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    char out[65536];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    if (st != 0)
        return NULL;
    return json_loads(out, 0, NULL);
}

/* consulta's result document for the case, or NULL if the count failed. */
static json_t *ours(meth m, const gcase *c)
{
    char rule[256];
    if (m == M_SCHULZE)
        snprintf(rule, sizeof rule, "{\"method\":\"schulze\",\"ties\":\"order\"%s}",
                 c->blank ? ",\"blank_allowed\":true" : "");
    else if (m == M_MJ)
        snprintf(rule, sizeof rule,
                 "{\"method\":\"majority-judgment\",\"grades\":%u,\"median\":\"upper\","
                 "\"ties\":\"order\"%s}",
                 c->param, c->blank ? ",\"blank_allowed\":true" : "");
    else
        snprintf(rule, sizeof rule, "{\"method\":\"stv-belenios\",\"seats\":%u,\"ties\":\"order\"}",
                 c->param);
    cns_count_rule *r = NULL;
    cns_count_input *in = NULL;
    cns_count_result *res = NULL;
    json_t *doc = NULL;
    cns_diag d;
    if (cns_count_rule_from_json(rule, strlen(rule), &r, &d) == CNS_OK &&
        cns_count_input_parse(CNS_COUNT_FORMAT_JSON, "case.json", c->text, strlen(c->text), r, &in,
                              &d) == CNS_OK &&
        cns_count_run(r, in, &res, &d) == CNS_OK)
        doc = json_incref(res->doc);
    else
        fprintf(stderr, "count failed: %s\n", d.text);
    cns_count_result_free(res);
    cns_count_input_free(in);
    cns_count_rule_free(r);
    return doc;
}

static int cmp_dump(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A copy of array a with its elements sorted (by their compact text). */
static json_t *sorted(const json_t *a)
{
    size_t n = json_array_size(a);
    char **s = calloc(n + 1, sizeof *s);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        s[i] = json_dumps(json_array_get(a, i), JSON_COMPACT | JSON_ENCODE_ANY);
    qsort(s, n, sizeof *s, cmp_dump);
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(out, json_loads(s[i], JSON_DECODE_ANY, NULL));
        free(s[i]);
    }
    free(s);
    return out;
}

static bool same_field(const json_t *a, const json_t *b, const char *k, bool sort)
{
    const json_t *x = json_object_get(a, k), *y = json_object_get(b, k);
    if (x == NULL || y == NULL)
        return x == y;
    if (!sort)
        return json_equal((json_t *)x, (json_t *)y);
    json_t *sx = sorted(x), *sy = sorted(y);
    bool eq = json_equal(sx, sy);
    json_decref(sx);
    json_decref(sy);
    return eq;
}

static bool same_winner_sets(const json_t *a, const json_t *b)
{
    const json_t *x = json_object_get(a, "winners"), *y = json_object_get(b, "winners");
    if (json_array_size(x) != json_array_size(y))
        return false;
    for (size_t i = 0; i < json_array_size(x); i++) {
        json_t *sx = sorted(json_array_get(x, i)), *sy = sorted(json_array_get(y, i));
        bool eq = json_equal(sx, sy);
        json_decref(sx);
        json_decref(sy);
        if (!eq)
            return false;
    }
    return true;
}

static bool agree(meth m, const json_t *bel, const json_t *doc)
{
    const json_t *o = json_object_get(doc, "belenios");
    if (m == M_SCHULZE)
        return same_field(bel, o, "valid", false) && same_field(bel, o, "blank", false) &&
               same_field(bel, o, "raw", false) && same_field(bel, o, "beatpaths", false) &&
               same_field(bel, o, "winners", false);
    if (m == M_MJ)
        return same_field(bel, o, "raw", false) && same_field(bel, o, "valid", false) &&
               same_field(bel, o, "blank", false) && same_field(bel, o, "invalid", true) &&
               same_winner_sets(bel, o);
    return same_field(bel, o, "events", false) && same_field(bel, o, "winners", false) &&
           same_field(bel, o, "invalid", true);
}

static void run_method(meth m, const char *name, unsigned n, const char *path)
{
    unsigned same = 0, floats = 0, refused = 0, differ = 0;
    for (unsigned i = 0; i < n; i++) {
        gcase c;
        gen_case(m, &c);
        json_t *bel = belenios(m, &c, path), *doc = ours(m, &c);
        if (doc == NULL) {
            differ++;
        } else if (bel == NULL) {
            /* belenios-tool 2.0 asserts when fewer choices are named than seats */
            size_t w =
                json_array_size(json_object_get(json_object_get(doc, "belenios"), "winners"));
            if (m == M_STV && w < c.param) {
                refused++;
            } else {
                differ++;
                fprintf(stderr, "%s case %u: belenios-tool failed on %s\n", name, i, c.text);
            }
        } else if (agree(m, bel, doc)) {
            same++;
        } else if (json_is_true(json_object_get(doc, "float_sensitive"))) {
            floats++;
        } else {
            differ++;
            char *a = json_dumps(bel, JSON_COMPACT),
                 *b = json_dumps(json_object_get(doc, "belenios"), JSON_COMPACT);
            fprintf(stderr,
                    "%s case %u (k=%u param=%u blank=%d): %s\n  belenios: %s\n  ours:     %s\n",
                    name, i, c.k, c.param, c.blank, c.text, a, b);
            free(a);
            free(b);
        }
        json_decref(bel);
        json_decref(doc);
    }
    printf("%s: %u ballot sets: %u identical, %u float-sensitive, %u refused by belenios-tool, "
           "%u different\n",
           name, n, same, floats, refused, differ);
    CHECK(differ == 0);
    CHECK(same >= n * 9 / 10);
    check_passed_ += (int)(same + floats + refused);
}

int main(void)
{
    if (system("belenios-tool --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "belenios-tool is not installed (make deps)\n");
        CHECK(false);
        return CHECK_DONE();
    }
    unsigned n = getenv("CNS_LONG") != NULL ? 5000 : 1000;
    char path[] = "/tmp/cns_count_belenios_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        CHECK(false);
        return CHECK_DONE();
    }
    close(fd);
    run_method(M_SCHULZE, "schulze", n, path);
    run_method(M_MJ, "majority-judgment", n, path);
    run_method(M_STV, "stv", n, path);
    unlink(path);
    return CHECK_DONE();
}
