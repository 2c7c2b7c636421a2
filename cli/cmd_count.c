/* consulta count: count votes and allocate seats by a published rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "commands.h"
#include "consulta/count.h"
#include "count_election.h"
#include "text.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: consulta count [OPTIONS] INPUT\n"
                 "       consulta count --election DIR|URL [--question Q] [--format F] [-o FILE]\n"
                 "\n"
                 "--election counts a verified election's result by its own rules: its answers,\n"
                 "its blank column and the counting rule election.json gives each question\n"
                 "(plurality, or approval when a ballot may mark several answers, for a\n"
                 "question without one); ballots and marks are reported apart when a ballot\n"
                 "may mark several answers. Text is in the language of --lang or the locale.\n"
                 "\n"
                 "INPUT is .blt, PrefLib .soi/.soc/.toi/.toc, .csv (list votes per district) or\n"
                 ".json (a Belenios/consulta result, or a JSON array of ballots); '-' reads stdin\n"
                 "(give --input-format).\n"
                 "\n"
                 "The rule (docs/counting.md): --rule FILE (a JSON object, like the entries of\n"
                 "election.json's \"counting\"), and/or these options, which override its fields:\n"
                 "  --method M            referendum plurality approval dhondt sainte-lague\n"
                 "                        sainte-lague-1.4 hare irv stv-scottish stv-meek\n"
                 "                        stv-belenios schulze majority-judgment\n"
                 "  --seats N             seats (each district); --district-seats NAME=N (repeat)\n"
                 "  --threshold T         none, peru-2021 or peru-2026\n"
                 "  --tie-seed S          public seed for ties settled by lot\n"
                 "  --ties lot|order      order = by candidate order (as belenios-tool)\n"
                 "  --preferential        list seats go to candidates by preferential votes\n"
                 "  --grades G            majority-judgment grades; --median lower|upper\n"
                 "  --blank-allowed       an all-zero ballot is blank (JSON ballots)\n"
                 "  --blank-first         the first count of the question is blank (JSON counts)\n"
                 "  --question Q          which question of a result (from 0)\n"
                 "  --candidates A,B,…    names of the choices of a JSON input\n"
                 "  --default-option NAME Schulze: drop options that do not beat it (Debian)\n"
                 "  --majority P          referendum: share of valid votes to exceed (default 50)\n"
                 "  --participation P     referendum: share of registered the winner must reach\n"
                 "  --registered N        registered electors\n"
                 "\n"
                 "Output:\n"
                 "  --format F            text (default), json, svg or nist\n"
                 "  --nist-date DATE      GeneratedDate of NIST output (default: now, UTC)\n"
                 "  --input-format F      blt, preflib, csv or json (default: from the name)\n"
                 "  -o FILE               write there instead of stdout\n");
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (n == cap) {
            if (cap > CNS_COUNT_MAX_INPUT) {
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

typedef struct opts {
    const char *rule_file, *input, *format, *out, *nist_date, *input_format, *election;
    json_t *rule;
} opts;

static int set_uint(json_t *rule, const char *key, const char *val)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (errno != 0 || *end != '\0' || val[0] == '\0' || val[0] == '-') {
        fprintf(stderr, "consulta count: --%s wants a number, not '%s'\n", key, val);
        return 2;
    }
    json_object_set_new(rule, key, json_integer((json_int_t)v));
    return 0;
}

static int set_names(json_t *rule, const char *val)
{
    json_t *a = json_array();
    const char *p = val;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c != NULL ? (size_t)(c - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        if (c == NULL)
            break;
        p = c + 1;
    }
    json_object_set_new(rule, "candidates", a);
    return 0;
}

static int set_district_seats(json_t *rule, const char *val)
{
    const char *eq = strrchr(val, '=');
    if (eq == NULL || eq == val) {
        fprintf(stderr, "consulta count: --district-seats wants NAME=N\n");
        return 2;
    }
    json_t *s = json_object_get(rule, "seats");
    if (!json_is_object(s)) {
        s = json_object();
        json_object_set_new(rule, "seats", s);
    }
    char *end;
    unsigned long long v = strtoull(eq + 1, &end, 10);
    if (*end != '\0' || eq[1] == '\0') {
        fprintf(stderr, "consulta count: --district-seats wants NAME=N\n");
        return 2;
    }
    char *name = strndup(val, (size_t)(eq - val));
    if (name == NULL)
        return 1;
    json_object_set_new(s, name, json_integer((json_int_t)v));
    free(name);
    return 0;
}

/* One option with a value; returns 0, or an exit status. */
static int rule_option(opts *o, const char *opt, const char *val)
{
    static const char *const strs[][2] = {{"--method", "method"},
                                          {"--threshold", "threshold"},
                                          {"--tie-seed", "tie_seed"},
                                          {"--ties", "ties"},
                                          {"--median", "median"},
                                          {"--default-option", "default_option"},
                                          {"--majority", "majority_percent"},
                                          {"--participation", "participation_percent"},
                                          {"--title", "title"}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strcmp(opt, strs[i][0]) == 0) {
            json_object_set_new(o->rule, strs[i][1], json_string(val));
            return 0;
        }
    }
    if (strcmp(opt, "--seats") == 0)
        return set_uint(o->rule, "seats", val);
    if (strcmp(opt, "--grades") == 0)
        return set_uint(o->rule, "grades", val);
    if (strcmp(opt, "--question") == 0)
        return set_uint(o->rule, "question", val);
    if (strcmp(opt, "--registered") == 0)
        return set_uint(o->rule, "registered", val);
    if (strcmp(opt, "--candidates") == 0)
        return set_names(o->rule, val);
    if (strcmp(opt, "--district-seats") == 0)
        return set_district_seats(o->rule, val);
    fprintf(stderr, "consulta count: unknown option '%s'\n", opt);
    return 2;
}

/* --election takes its rule from the election: only --question, --format, -o, --nist-date. */
static int election_args(const opts *o)
{
    size_t rule_fields = json_object_size(o->rule) - (json_object_get(o->rule, "question") != NULL);
    if (o->input != NULL || o->rule_file != NULL || o->input_format != NULL || rule_fields > 0) {
        fprintf(stderr, "consulta count: --election takes the answers and the rule from the "
                        "election: only --question, --format, -o and --nist-date go with it\n");
        return 2;
    }
    return 0;
}

static int parse_args(opts *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return -1;
        }
        if (strcmp(a, "--preferential") == 0 || strcmp(a, "--blank-allowed") == 0 ||
            strcmp(a, "--blank-first") == 0) {
            const char *key = strcmp(a, "--preferential") == 0    ? "preferential"
                              : strcmp(a, "--blank-allowed") == 0 ? "blank_allowed"
                                                                  : "blank_first";
            json_object_set_new(o->rule, key, json_true());
            continue;
        }
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->input != NULL) {
                fprintf(stderr, "consulta count: one input only\n");
                return 2;
            }
            o->input = a;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "consulta count: %s needs a value\n", a);
            return 2;
        }
        const char *v = argv[++i];
        int rc = 0;
        if (strcmp(a, "--rule") == 0)
            o->rule_file = v;
        else if (strcmp(a, "--format") == 0)
            o->format = v;
        else if (strcmp(a, "-o") == 0)
            o->out = v;
        else if (strcmp(a, "--nist-date") == 0)
            o->nist_date = v;
        else if (strcmp(a, "--input-format") == 0)
            o->input_format = v;
        else if (strcmp(a, "--election") == 0)
            o->election = v;
        else
            rc = rule_option(o, a, v);
        if (rc != 0)
            return rc;
    }
    if (o->election != NULL)
        return election_args(o);
    if (o->input == NULL) {
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Merge the rule file under the command-line fields. */
static int load_rule_file(opts *o)
{
    if (o->rule_file == NULL)
        return 0;
    size_t len;
    char *text = read_all(o->rule_file, &len);
    if (text == NULL) {
        fprintf(stderr, "consulta count: %s: %s\n", o->rule_file, strerror(errno));
        return 1;
    }
    json_error_t je;
    json_t *file = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!json_is_object(file)) {
        fprintf(stderr, "consulta count: %s:%d:%d: %s\n", o->rule_file, je.line, je.column,
                file == NULL ? je.text : "expected a JSON object");
        json_decref(file);
        return 1;
    }
    json_object_update(file, o->rule);
    json_decref(o->rule);
    o->rule = file;
    return 0;
}

static cns_count_format input_format(const char *name)
{
    if (name == NULL)
        return CNS_COUNT_FORMAT_AUTO;
    if (strcmp(name, "blt") == 0)
        return CNS_COUNT_FORMAT_BLT;
    if (strcmp(name, "preflib") == 0)
        return CNS_COUNT_FORMAT_PREFLIB;
    if (strcmp(name, "csv") == 0)
        return CNS_COUNT_FORMAT_CSV;
    if (strcmp(name, "json") == 0)
        return CNS_COUNT_FORMAT_JSON;
    return (cns_count_format)-1;
}

static int render(const opts *o, const cns_count_result *res)
{
    char *text = NULL, date[32];
    const char *fmt = o->format != NULL ? o->format : "text";
    cns_err err;
    if (strcmp(fmt, "text") == 0) {
        err = cns_count_result_text(res, &text);
    } else if (strcmp(fmt, "json") == 0) {
        err = cns_count_result_json(res, &text);
    } else if (strcmp(fmt, "svg") == 0) {
        err = cns_count_result_svg(res, &text);
    } else if (strcmp(fmt, "nist") == 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
        err = cns_count_result_nist(res, o->nist_date != NULL ? o->nist_date : date, &text);
    } else {
        fprintf(stderr, "consulta count: unknown format '%s'\n", fmt);
        return 2;
    }
    if (err != CNS_OK) {
        fprintf(stderr, "consulta count: %s\n", cns_strerror(err));
        return 1;
    }
    FILE *f = o->out != NULL ? fopen(o->out, "w") : stdout;
    if (f == NULL) {
        fprintf(stderr, "consulta count: %s: %s\n", o->out, strerror(errno));
        free(text);
        return 1;
    }
    if (strcmp(fmt, "text") == 0) /* candidates' names come from the input */
        cli_escape(f, text, strlen(text), true);
    else
        fputs(text, f);
    if (strcmp(fmt, "json") == 0 || strcmp(fmt, "nist") == 0)
        fputc('\n', f);
    int rc = ferror(f) ? 1 : 0;
    if (f != stdout && fclose(f) != 0)
        rc = 1;
    free(text);
    return rc;
}

static int count(opts *o)
{
    int rc = load_rule_file(o);
    if (rc != 0)
        return rc;
    cns_count_format fmt = input_format(o->input_format);
    if ((int)fmt < 0) {
        fprintf(stderr, "consulta count: unknown input format '%s'\n", o->input_format);
        return 2;
    }
    char *rule_text = json_dumps(o->rule, JSON_COMPACT);
    size_t len;
    char *text = read_all(o->input, &len);
    cns_count_rule *rule = NULL;
    cns_count_input *in = NULL;
    cns_count_result *res = NULL;
    cns_diag diag = {{0}};
    rc = 1;
    if (text == NULL) {
        fprintf(stderr, "consulta count: %s: %s\n", o->input, strerror(errno));
        goto done;
    }
    if (rule_text == NULL ||
        cns_count_rule_from_json(rule_text, strlen(rule_text), &rule, &diag) != CNS_OK ||
        cns_count_input_parse(fmt, o->input, text, len, rule, &in, &diag) != CNS_OK ||
        cns_count_run(rule, in, &res, &diag) != CNS_OK) {
        fputs("consulta: ", stderr);
        cli_put(stderr, diag.text[0] ? diag.text : "out of memory"); /* may quote the input */
        fputc('\n', stderr);
        goto done;
    }
    rc = render(o, res);
done:
    cns_count_result_free(res);
    cns_count_input_free(in);
    cns_count_rule_free(rule);
    free(text);
    free(rule_text);
    return rc;
}

int cmd_count(int argc, char **argv)
{
    opts o = {0};
    o.rule = json_object();
    if (o.rule == NULL)
        return 1;
    int rc = parse_args(&o, argc, argv);
    json_t *question = json_object_get(o.rule, "question");
    if (rc == 0 && o.election != NULL)
        rc = cli_count_election(o.election, question ? (long)json_integer_value(question) : -1,
                                o.format, o.out, o.nist_date);
    else if (rc == 0)
        rc = count(&o);
    else if (rc < 0)
        rc = 0;
    json_decref(o.rule);
    return rc;
}
