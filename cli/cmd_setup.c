/*
 * Setting an election up: consulta uuid, consulta credentials, consulta
 * election-make (the counterparts of belenios-tool setup generate-token,
 * generate-credentials and make-election).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "commands.h"
#include "consulta/base58.h"
#include "consulta/credential.h"
#include "consulta/election.h"
#include "consulta/limits.h"
#include "consulta/trustees.h"
#include "util.h"

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
    "usage: consulta credentials --uuid UUID --count N [--group GROUP] [--weights FILE]\n"
    "                            [--dir DIR] [--long]\n"
    "\n"
    "As the credential authority: make N voter credentials for the election.\n"
    "Writes DIR/private_creds.txt (\"id credential\" per line: give each voter\n"
    "theirs, then keep it offline or destroy it) and DIR/public_creds.json (the\n"
    "list for the board), and prints the list's fingerprint. GROUP defaults to\n"
    "ristretto255. FILE holds one positive weight per line, voter by voter.\n"
    "Credentials are XXX-XXX-XXX-XXX-XXX (Belenios 2.0, what belenios-tool 2.0\n"
    "votes with); --long makes Belenios 3.x's XXXXX-XXXXXX-XXXXX-XXXXXX (what\n"
    "belenios-tool 3.3 and Belenios 3.x voting pages take).\n";

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
    static const struct option options[] = {
        {"uuid", required_argument, NULL, 'u'},  {"count", required_argument, NULL, 'n'},
        {"group", required_argument, NULL, 'g'}, {"weights", required_argument, NULL, 'w'},
        {"dir", required_argument, NULL, 'd'},   {"long", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *uuid = NULL, *group_name = "ristretto255", *weights_path = NULL, *dir = ".";
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
        case 'l':
            v3 = true;
            break;
        case 'h':
            return fputs(credentials_usage, stdout), EXIT_OK;
        default:
            return cli_usage("credentials", "unknown option");
        }
    }
    if (uuid == NULL || count == 0 || optind != argc)
        return cli_usage("credentials", "--uuid and --count are required");
    const cns_group *group = cns_group_by_name(group_name);
    if (group == NULL)
        return cli_usage("credentials", "unknown group %s", group_name);
    uint64_t *weights = weights_path ? read_weights(weights_path, count) : NULL;
    if (weights_path != NULL && weights == NULL)
        return EXIT_REFUSED;

    cns_credential_batch *batch = NULL;
    cns_diag diag = {{0}};
    char *pub = NULL, *priv = NULL, path[4096], fingerprint[CNS_CREDENTIAL_FINGERPRINT_BYTES];
    size_t pub_len, priv_len;
    int rc = EXIT_REFUSED;
    cns_err err = cns_credential_batch_generate_form(&batch, group, uuid, strlen(uuid), count, NULL,
                                                     weights, v3, &diag);
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
    if (priv == NULL ||
        cli_write(cli_path(path, sizeof path, dir, "private_creds.txt"), priv, priv_len,
                  CLI_SECRET) ||
        cli_write(cli_path(path, sizeof path, dir, "public_creds.json"), pub, pub_len, CLI_PUBLIC))
        goto done;
    printf("%llu credentials: private ones in %s/private_creds.txt, public ones in "
           "%s/public_creds.json\nfingerprint of the public credentials: %s\n",
           (unsigned long long)count, dir, dir, fingerprint);
    rc = EXIT_OK;
done:
    if (priv != NULL)
        sodium_free(priv);
    free(pub);
    free(weights);
    cns_credential_batch_free(batch);
    return rc;
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
    if (err != CNS_OK) {
        rc = cli_fail("election-make", err, &diag);
        goto done;
    }
    rc = cli_write(cli_path(path, sizeof path, dir, "election.json"), json, len, CLI_PUBLIC);
done:
    free(template);
    free(trustees_json);
    free(json);
    cns_trustees_free(trustees);
    return rc;
}
