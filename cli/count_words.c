/* Counts and rules in words, in the reader's language (count_words.h). */
#include "count_words.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

const char *cli_method_name(const char *method)
{
    static const char *const names[][2] = {
        {"referendum", N_("referendum")},
        {"plurality", N_("plurality (most votes)")},
        {"approval", N_("approval")},
        {"dhondt", N_("D'Hondt (cifra repartidora)")},
        {"sainte-lague", N_("Sainte-Laguë")},
        {"sainte-lague-1.4", N_("modified Sainte-Laguë (1.4)")},
        {"hare", N_("Hare quota, largest remainders")},
        {"irv", N_("instant runoff")},
        {"stv-scottish", N_("single transferable vote (Scottish rules)")},
        {"stv-meek", N_("single transferable vote (Meek)")},
        {"stv-belenios", N_("single transferable vote (Belenios)")},
        {"schulze", N_("Schulze")},
        {"majority-judgment", N_("majority judgment")},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(method, names[i][0]) == 0)
            return _(names[i][1]);
    return method;
}

/* The counting rule in words: method, seats, threshold, majorities, title. */
void cli_rule_text(char *buf, size_t cap, const json_t *doc)
{
    json_t *rule = json_object_get(doc, "rule");
    const char *method = json_string_value(json_object_get(doc, "method"));
    size_t at =
        (size_t)snprintf(buf, cap, _("Counting rule: %s"), cli_method_name(method ? method : "?"));
    json_t *v;
    if (json_is_integer(v = json_object_get(rule, "seats")) && at < cap)
        at += (size_t)snprintf(buf + at, cap - at, _(", %lld seats"),
                               (long long)json_integer_value(v));
    if (json_is_string(v = json_object_get(rule, "threshold")) && at < cap)
        at +=
            (size_t)snprintf(buf + at, cap - at, _(", threshold (valla) %s"), json_string_value(v));
    if (json_is_integer(v = json_object_get(rule, "majority_percent")) && at < cap)
        at += (size_t)snprintf(buf + at, cap - at, _(", majority over %lld%% of valid votes"),
                               (long long)json_integer_value(v));
    if (json_is_integer(v = json_object_get(rule, "participation_percent")) && at < cap)
        at += (size_t)snprintf(buf + at, cap - at,
                               _(", the winning option must reach %lld%% of registered voters"),
                               (long long)json_integer_value(v));
    if (json_is_string(v = json_object_get(rule, "title")) && at < cap)
        snprintf(buf + at, cap - at, " — %s", json_string_value(v));
}
