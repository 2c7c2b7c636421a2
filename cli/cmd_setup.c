/*
 * Setting an election up: consulta uuid, consulta credentials, consulta
 * election-make (the counterparts of belenios-tool setup generate-token,
 * generate-credentials and make-election).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "commands.h"
#include "consulta/base58.h"
#include "consulta/credential.h"
#include "consulta/election.h"
#include "consulta/limits.h"
#include "consulta/trustees.h"
#include "text.h"
#include "util.h"
#include "voters_csv.h"

int cmd_uuid(int argc, char **argv)
{
    char uuid[CNS_UUID_LEN + 1];
    if (argc > 1) {
        fputs("usage: consulta uuid\n\nPrint a fresh election identifier (14 Base58 "
              "characters).\n",
              strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return strcmp(argv[1], "--help") == 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (cns_base58_uuid_new(uuid) != CNS_OK)
        return cli_fail("uuid", CNS_ERR_INTERNAL, NULL);
    puts(uuid);
    return EXIT_OK;
}

static const char credentials_usage[] =
    "usage: consulta credentials --uuid UUID (--count N | --voters FILE) [--group GROUP]\n"
    "                            [--weights FILE] [--dir DIR] [--long]\n"
    "\n"
    "As the credential authority: make N voter credentials for the election.\n"
    "Writes DIR/private_creds.txt (\"id credential\" per line: give each voter\n"
    "theirs, then keep it offline or destroy it) and DIR/public_creds.json (the\n"
    "list for the board), and prints the list's fingerprint. GROUP defaults to\n"
    "ristretto255. FILE holds one positive weight per line, voter by voter.\n"
    "\n"
    "--voters FILE: one credential per voter of a CSV list with a header naming\n"
    "its columns: login (required), name, community, weight (optional, any\n"
    "order). private_creds.txt is then keyed by login (\"login credential\"), and\n"
    "DIR/bindings.csv (\"login,public_credential\", mode 0600) binds each public\n"
    "credential to its login: hand it to the board's administrator for\n"
    "consulta serve --init --voters, which then accepts a ballot only from the\n"
    "voter of that login. public_creds.json holds no login.\n"
    "\n"
    "Credentials are XXX-XXX-XXX-XXX-XXX (Belenios 2.0, what belenios-tool 2.0\n"
    "votes with); --long makes Belenios 3.x's XXXXX-XXXXXX-XXXXX-XXXXXX (what\n"
    "belenios-tool 3.3 and Belenios 3.x voting pages take).\n";

/* "login,public_credential" lines, voter by voter, for bindings.csv. */
static char *binding_lines(const cns_credential_batch *batch, size_t *len)
{
    const cns_credential_list *list = cns_credential_batch_public(batch);
    const cns_group *g = cns_credential_list_group(list);
    size_t n = cns_credential_batch_count(batch), at = 0;
    size_t cap = 32 + n * (CNS_CREDENTIAL_ID_MAX + CNS_ELT_TEXT_MAX + 2);
    char **texts = calloc(n, sizeof *texts), *out = malloc(cap);
    bool ok = texts != NULL && out != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cns_elt elt;
        size_t v = cns_credential_list_position(list, i);
        ok = v < n && texts[v] == NULL && cns_credential_list_get(list, i, &elt, NULL) == CNS_OK &&
             (texts[v] = malloc(CNS_ELT_TEXT_MAX)) != NULL &&
             cns_elt_to_text(g, texts[v], CNS_ELT_TEXT_MAX, &elt) > 0;
    }
    if (ok)
        at = (size_t)snprintf(out, cap, "login,public_credential");
    for (size_t v = 0; ok && v < n; v++)
        at += (size_t)snprintf(out + at, cap - at, "\n%s,%s", cns_credential_batch_id(batch, v),
                               texts[v]);
    for (size_t v = 0; texts != NULL && v < n; v++)
        free(texts[v]);
    free(texts);
    if (!ok) {
        free(out);
        return NULL;
    }
    *len = at;
    return out;
}

/* Read N weights, one per line. Returns a malloc'd array or NULL after printing why. */
static uint64_t *read_weights(const char *path, size_t n)
{
    size_t len;
    char *text = cli_read(path, &len, false);
    uint64_t *w = text ? calloc(n, sizeof *w) : NULL;
    size_t i = 0;
    for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL;
         w != NULL && line != NULL; line = strtok_r(NULL, "\n", &save), i++) {
        if (i >= n || !cli_parse_u64(line, 1, CNS_MAX_WEIGHT, &w[i])) {
            fprintf(stderr,
                    "consulta credentials: %s, line %zu: expected a weight from 1 to %u, "
                    "one line per voter\n",
                    path, i + 1, CNS_MAX_WEIGHT);
            free(w);
            w = NULL;
        }
    }
    if (w != NULL && i != n) {
        fprintf(stderr, "consulta credentials: %s has %zu weights for %zu voters\n", path, i, n);
        free(w);
        w = NULL;
    }
    free(text);
    return w;
}

/* "id credential" lines, for private_creds.txt. */
static char *private_lines(const cns_credential_batch *batch, size_t *len)
{
    size_t n = cns_credential_batch_count(batch), cap = 1, at = 0;
    for (size_t i = 0; i < n; i++)
        cap += strlen(cns_credential_batch_id(batch, i)) + CNS_CREDENTIAL_V3_LEN + 2;
    char *text = sodium_malloc(cap);
    for (size_t i = 0; text != NULL && i < n; i++)
        at += (size_t)snprintf(text + at, cap - at, "%s%s %s", i ? "\n" : "",
                               cns_credential_batch_id(batch, i),
                               cns_credential_batch_secret(batch, i));
    *len = at;
    return text;
}

int cmd_credentials(int argc, char **argv)
{
    static const struct option options[] = {{"uuid", required_argument, NULL, 'u'},
                                            {"count", required_argument, NULL, 'n'},
                                            {"group", required_argument, NULL, 'g'},
                                            {"weights", required_argument, NULL, 'w'},
                                            {"dir", required_argument, NULL, 'd'},
                                            {"voters", required_argument, NULL, 'v'},
                                            {"long", no_argument, NULL, 'l'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *uuid = NULL, *group_name = "ristretto255", *weights_path = NULL, *dir = ".";
    const char *voters_path = NULL;
    voter_list voters = {0};
    uint64_t count = 0;
    bool v3 = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'u':
            uuid = optarg;
            break;
        case 'n':
            if (!cli_parse_u64(optarg, 1, CNS_MAX_VOTERS, &count))
                return cli_usage("credentials", "--count must be from 1 to %d", CNS_MAX_VOTERS);
            break;
        case 'g':
            group_name = optarg;
            break;
        case 'w':
            weights_path = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'v':
            voters_path = optarg;
            break;
        case 'l':
            v3 = true;
            break;
        case 'h':
            return fputs(credentials_usage, stdout), EXIT_OK;
        default:
            return cli_usage("credentials", "unknown option");
        }
    }
    if (count != 0 && voters_path != NULL)
        return cli_usage("credentials", "--count and --voters exclude each other: one credential "
                                        "per voter of the list");
    if (uuid == NULL || (count == 0 && voters_path == NULL) || optind != argc)
        return cli_usage("credentials", "--uuid and --count are required (or --voters FILE "
                                        "instead of --count)");
    if (voters_path != NULL && weights_path != NULL)
        return cli_usage("credentials", "with --voters, weights go in the list's weight column");
    const cns_group *group = cns_group_by_name(group_name);
    if (group == NULL)
        return cli_usage("credentials", "unknown group %s", group_name);
    if (voters_path != NULL && voter_list_read(voters_path, &voters) != EXIT_OK)
        return EXIT_REFUSED;
    if (voters_path != NULL)
        count = voters.n;
    uint64_t *weights = weights_path ? read_weights(weights_path, count) : NULL;
    if (weights_path != NULL && weights == NULL)
        return EXIT_REFUSED;

    cns_credential_batch *batch = NULL;
    cns_diag diag = {{0}};
    char *pub = NULL, *priv = NULL, *bind = NULL, path[4096];
    char fingerprint[CNS_CREDENTIAL_FINGERPRINT_BYTES];
    size_t pub_len, priv_len, bind_len = 0;
    int rc = EXIT_REFUSED;
    cns_err err =
        cns_credential_batch_generate_form(&batch, group, uuid, strlen(uuid), count,
                                           voters_path ? (const char *const *)voters.logins : NULL,
                                           voters_path ? voters.weights : weights, v3, &diag);
    if (err == CNS_OK)
        err =
            cns_credential_list_to_json(cns_credential_batch_public(batch), &pub, &pub_len, &diag);
    if (err == CNS_OK)
        err =
            cns_credential_list_fingerprint(cns_credential_batch_public(batch), fingerprint, &diag);
    if (err != CNS_OK) {
        rc = cli_fail("credentials", err, &diag);
        goto done;
    }
    priv = private_lines(batch, &priv_len);
    bind = voters_path ? binding_lines(batch, &bind_len) : NULL;
    if (priv == NULL || (voters_path != NULL && bind == NULL) ||
        cli_write(cli_path(path, sizeof path, dir, "private_creds.txt"), priv, priv_len,
                  CLI_SECRET) ||
        cli_write(cli_path(path, sizeof path, dir, "public_creds.json"), pub, pub_len,
                  CLI_PUBLIC) ||
        (bind != NULL &&
         cli_write(cli_path(path, sizeof path, dir, "bindings.csv"), bind, bind_len, CLI_SECRET)))
        goto done;
    printf("%llu credentials: private ones in %s/private_creds.txt, public ones in "
           "%s/public_creds.json\nfingerprint of the public credentials: %s\n",
           (unsigned long long)count, dir, dir, fingerprint);
    if (bind != NULL)
        printf("each login's public credential in %s/bindings.csv: for the board's "
               "administrator (consulta serve --init --voters)\n",
               dir);
    rc = EXIT_OK;
done:
    if (priv != NULL)
        sodium_free(priv);
    free(bind);
    voter_list_free(&voters);
    free(pub);
    free(weights);
    cns_credential_batch_free(batch);
    return rc;
}

/*
 * Every string in the JSON value v is printable text (no control character:
 * see cli_has_control); where says where v is. Errors: CNS_ERR_INVALID.
 */
static cns_err printable_value(const json_t *v, const char *where, cns_diag *diag)
{
    char inner[512];
    const char *key;
    json_t *item;
    size_t i;
    cns_err err = CNS_OK;
    if (json_is_string(v) && cli_has_control(json_string_value(v), json_string_length(v)))
        return cns_diag_set(diag, CNS_ERR_INVALID,
                            "%s holds a control character: names, questions and answers must "
                            "be printable text",
                            where);
    json_object_foreach((json_t *)v, key, item)
    {
        snprintf(inner, sizeof inner, "%s.%.64s", where, key);
        if (err == CNS_OK)
            err = printable_value(item, inner, diag);
    }
    json_array_foreach(v, i, item)
    {
        snprintf(inner, sizeof inner, "%s[%zu]", where, i);
        if (err == CNS_OK)
            err = printable_value(item, inner, diag);
    }
    return err;
}

/* The texts of the election made (json, len bytes) are printable (item 11 of issue 10). */
static cns_err printable_texts(const char *json, size_t len, cns_diag *diag)
{
    json_t *doc = json_loadb(json, len, 0, NULL);
    if (doc == NULL)
        return cns_diag_set(diag, CNS_ERR_NOMEM, "out of memory");
    cns_err err = printable_value(doc, "election", diag);
    json_decref(doc);
    return err;
}

static const char election_make_usage[] =
    "usage: consulta election-make --uuid UUID --template FILE [--group GROUP] [--dir DIR]\n"
    "\n"
    "Make DIR/election.json from a template {\"description\",\"name\",\"questions\"}\n"
    "and the trustees in DIR/trustees.json, whose keys make the election key.\n"
    "GROUP defaults to ristretto255. The template may add \"counting\": the rules\n"
    "that turn the result into an outcome, one per counted question, e.g.\n"
    "  [{\"question\":1,\"method\":\"dhondt\",\"seats\":10,\"threshold\":\"peru-2026\",\n"
    "    \"tie_seed\":\"acta de sorteo\"}]\n"
    "(docs/counting.md); they are checked against the questions and written in\n"
    "canonical form.\n";

/* Say what election-make did: the file, the election and its fingerprint φ. */
static void print_election_made(const char *path, const char *uuid, const char *json, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char fingerprint[CNS_HASH_B64_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)json, len);
    sodium_bin2base64(fingerprint, sizeof fingerprint, digest, sizeof digest,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    printf("%s: election %s written, fingerprint %s\n", path, uuid, fingerprint);
}

int cmd_election_make(int argc, char **argv)
{
    static const struct option options[] = {
        {"uuid", required_argument, NULL, 'u'},  {"template", required_argument, NULL, 't'},
        {"group", required_argument, NULL, 'g'}, {"dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *uuid = NULL, *template_path = NULL, *group_name = "ristretto255", *dir = ".";
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'u')
            uuid = optarg;
        else if (opt == 't')
            template_path = optarg;
        else if (opt == 'g')
            group_name = optarg;
        else if (opt == 'd')
            dir = optarg;
        else if (opt == 'h')
            return fputs(election_make_usage, stdout), EXIT_OK;
        else
            return cli_usage("election-make", "unknown option");
    }
    if (uuid == NULL || template_path == NULL || optind != argc)
        return cli_usage("election-make", "--uuid and --template are required");
    const cns_group *group = cns_group_by_name(group_name);
    if (group == NULL)
        return cli_usage("election-make", "unknown group %s", group_name);

    char path[4096], *template = NULL, *trustees_json = NULL, *json = NULL;
    size_t template_len, trustees_len, len;
    cns_trustees *trustees = NULL;
    cns_diag diag = {{0}};
    int rc = EXIT_REFUSED;
    template = cli_read(template_path, &template_len, true);
    trustees_json =
        cli_read(cli_path(path, sizeof path, dir, "trustees.json"), &trustees_len, true);
    if (template == NULL || trustees_json == NULL)
        goto done;
    cns_err err = cns_trustees_parse(&trustees, group, trustees_json, trustees_len, &diag);
    if (err != CNS_OK) {
        cns_diag_prefix(&diag, err, "%s: ", path);
        rc = cli_fail("election-make", err, &diag);
        goto done;
    }
    err = cns_election_make(&json, &len, template, template_len, uuid, group,
                            cns_trustees_public_key(trustees), &diag);
    if (err == CNS_OK)
        err = printable_texts(json, len, &diag);
    if (err != CNS_OK) {
        rc = cli_fail("election-make", err, &diag);
        goto done;
    }
    rc = cli_write(cli_path(path, sizeof path, dir, "election.json"), json, len, CLI_PUBLIC);
    if (rc == EXIT_OK)
        print_election_made(path, uuid, json, len);
done:
    free(template);
    free(trustees_json);
    free(json);
    cns_trustees_free(trustees);
    return rc;
}
