/* An election's translations (the "translations" member of election.json). */
#include <stdlib.h>

#include <sodium.h>

#include "check.h"
#include "consulta/base58.h"
#include "consulta/election.h"

static const char uuid[] = "nWQi6fkD5UMupf";

/* Make an election from a template with these translations (NULL: none). OUT: *json. */
static cns_err make(char **json, size_t *len, const char *translations, cns_diag *diag)
{
    char t[4096];
    const cns_group *g = cns_group_by_name("ristretto255");
    cns_elt y;
    cns_group_generator(g, &y);
    snprintf(t, sizeof t,
             "{\"description\":\"Consulta\",\"name\":\"Agua\",\"questions\":["
             "{\"answers\":[\"S\xc3\xad\",\"No\"],\"blank\":true,\"min\":1,\"max\":1,"
             "\"question\":\"\xc2\xbf"
             "Aprueba?\"},"
             "{\"answers\":[\"A\",\"B\",\"C\"],\"min\":1,\"max\":2,\"question\":\"Elija\"}]%s%s}",
             translations ? ",\"translations\":" : "", translations ? translations : "");
    return cns_election_make(json, len, t, strlen(t), uuid, g, &y, diag);
}

static const char full[] =
    "{\"qu\":{\"name\":\"Yaku\",\"questions\":[{\"question\":\"Arichu?\",\"answers\":"
    "[\"Ar\xc3\xad\",\"Manan\"]},{\"answers\":[\"A\",\"B\",\"C\"],\"question\":\"Akllay\"}]},"
    "\"en\":{\"description\":\"Consultation\",\"name\":\"Water\"},"
    "\"ay\":{\"description\":\"Jiskt'awi\"}}";

static void round_trip(void)
{
    char *json = NULL;
    size_t len = 0;
    cns_election *e = NULL;
    cns_diag diag = {{0}};
    CHECK_OK(make(&json, &len, full, &diag));
    /* canonical: languages sorted, each object's keys in order */
    CHECK_CONTAINS(json, "\"translations\":{\"ay\":{\"description\":\"Jiskt'awi\"},\"en\":{"
                         "\"description\":\"Consultation\",\"name\":\"Water\"},\"qu\":{\"name\":"
                         "\"Yaku\",\"questions\":[{\"answers\":[\"Ar\xc3\xad\",\"Manan\"],"
                         "\"question\":\"Arichu?\"},");
    CHECK_OK(cns_election_parse(&e, json, len, &diag));
    CHECK(e != NULL && strcmp(cns_election_name(e), "Agua") == 0);
    cns_election_free(e);
    e = NULL;
    /* the same election with the languages out of order is not canonical */
    char *ay = strstr(json, "{\"ay\":"), *en = strstr(json, ",\"en\":");
    if (ay != NULL && en != NULL) {
        char swapped[4096];
        size_t head = (size_t)(ay - json) + 1, a = (size_t)(en - ay) - 1;
        snprintf(swapped, sizeof swapped, "%.*s%.*s,%.*s%s", (int)head, json,
                 (int)(strstr(en + 1, ",\"qu\":") - en - 1), en + 1, (int)a, ay + 1,
                 strstr(en + 1, ",\"qu\":"));
        CHECK_ERR(cns_election_parse(&e, swapped, strlen(swapped), &diag), CNS_ERR_DECODE);
        CHECK_CONTAINS(diag.text, "not in canonical form");
    } else {
        CHECK(false);
    }
    free(json);
    /* without translations, the election is what it always was */
    CHECK_OK(make(&json, &len, NULL, &diag));
    CHECK(strstr(json, "translations") == NULL);
    free(json);
}

static void refused(const char *translations, cns_err want, const char *needle)
{
    char *json = NULL;
    size_t len = 0;
    cns_diag diag = {{0}};
    CHECK_ERR(make(&json, &len, translations, &diag), want);
    CHECK_CONTAINS(diag.text, needle);
    free(json);
}

static void bad_translations(void)
{
    refused("{\"qu\":{\"questions\":[{\"answers\":[\"a\",\"b\",\"c\"],\"question\":\"q\"},"
            "{\"answers\":[\"a\",\"b\",\"c\"],\"question\":\"q\"}]}}",
            CNS_ERR_INVALID, "template: translations: qu: question 1: 3 answers for 2");
    refused("{\"qu\":{\"questions\":[{\"answers\":[\"a\",\"b\"],\"question\":\"q\"}]}}",
            CNS_ERR_INVALID, "template: translations: qu: 1 questions for 2");
    refused("{\"Quechua\":{\"name\":\"x\"}}", CNS_ERR_INVALID, "\"Quechua\" is not a language tag");
    refused("{\"q\":{\"name\":\"x\"}}", CNS_ERR_INVALID, "is not a language tag");
    refused("{\"qu-\":{\"name\":\"x\"}}", CNS_ERR_INVALID, "is not a language tag");
    refused("{\"qu\":{\"name\":\"\"}}", CNS_ERR_DECODE,
            "template: translations: qu: name must be a non-empty string");
    refused("{\"qu\":{\"name\":3}}", CNS_ERR_DECODE, "qu: name must be a non-empty string");
    refused("{\"qu\":{\"title\":\"x\"}}", CNS_ERR_DECODE, "translations: qu");
    refused("{\"qu\":{}}", CNS_ERR_INVALID, "template: translations: qu: translates nothing");
    refused("{}", CNS_ERR_DECODE, "translations must be an object of languages");
    refused("[]", CNS_ERR_DECODE, "translations must be an object of languages");
    refused("{\"qu\":{\"questions\":[{\"answers\":[\"a\",\"\"],\"question\":\"q\"},"
            "{\"answers\":[\"a\",\"b\",\"c\"],\"question\":\"q\"}]}}",
            CNS_ERR_DECODE, "qu: question 1: answer 2 must be a non-empty string");
    refused("{\"qu\":{\"questions\":[{\"answers\":[\"a\",\"b\"]},"
            "{\"answers\":[\"a\",\"b\",\"c\"],\"question\":\"q\"}]}}",
            CNS_ERR_DECODE, "translations: qu: question 1");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    round_trip();
    bad_translations();
    return CHECK_DONE();
}
