/*
 * libFuzzer target: the counting inputs (.blt, PrefLib, CSV, JSON) and every
 * method on what they accept (consulta/count.h). The first byte picks the
 * format, the second the method; the rest is the input text. Invariants: a
 * refusal is a documented code with a diagnostic; an accepted count renders
 * in every output form and elects no more than it may.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consulta/count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok)
{
    if (!ok)
        abort();
}

static const char *const methods[] = {
    "referendum",       "plurality",        "approval",     "dhondt",
    "sainte-lague",     "sainte-lague-1.4", "hare",         "irv",
    "stv-scottish",     "stv-meek",         "stv-belenios", "schulze",
    "majority-judgment"};

static const char *const names[] = {"f.blt", "f.soi", "f.csv", "f.json"};

static void render(const cns_count_result *res)
{
    char *s = NULL;
    require(cns_count_result_json(res, &s) == CNS_OK && s != NULL);
    free(s);
    require(cns_count_result_text(res, &s) == CNS_OK && s != NULL);
    free(s);
    require(cns_count_result_svg(res, &s) == CNS_OK && s != NULL);
    free(s);
    require(cns_count_result_nist(res, "2026-01-01T00:00:00Z", &s) == CNS_OK && s != NULL);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > 65536)
        return 0;
    const char *name = names[data[0] % 4];
    const char *method = methods[data[1] % (sizeof methods / sizeof methods[0])];
    char rule[256];
    snprintf(rule, sizeof rule,
             "{\"method\":\"%s\",\"seats\":%d,\"tie_seed\":\"fuzz\",\"grades\":%s%s}", method,
             1 + data[0] / 4 % 3, strcmp(method, "majority-judgment") == 0 ? "5" : "3",
             data[0] & 0x80 ? ",\"blank_allowed\":true" : "");
    cns_count_rule *r = NULL;
    cns_count_input *in = NULL;
    cns_count_result *res = NULL;
    cns_diag d = {{0}};
    require(cns_count_rule_from_json(rule, strlen(rule), &r, &d) == CNS_OK);
    cns_err err = cns_count_input_parse(CNS_COUNT_FORMAT_AUTO, name, (const char *)data + 2,
                                        size - 2, r, &in, &d);
    if (err == CNS_OK)
        err = cns_count_run(r, in, &res, &d);
    if (err != CNS_OK) {
        require(err == CNS_ERR_DECODE || err == CNS_ERR_INVALID || err == CNS_ERR_LIMIT);
        require(d.text[0] != '\0');
    } else {
        render(res);
        for (size_t i = 0; i < cns_count_result_nelected(res); i++)
            require(cns_count_result_elected(res, i) != NULL);
        require(cns_count_result_elected(res, cns_count_result_nelected(res)) == NULL);
    }
    cns_count_result_free(res);
    cns_count_input_free(in);
    cns_count_rule_free(r);
    return 0;
}
