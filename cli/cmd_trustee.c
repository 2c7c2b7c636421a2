/*
 * consulta trustee: Single trustee keys, the threshold key ceremony and
 * trustees.json, as belenios-tool 2.0's setup generate-trustee-key,
 * generate-trustee-key-threshold and make-trustees (same files, same bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "commands.h"
#include "consulta/group.h"
#include "consulta/trustees.h"
#include "util.h"

/* Largest file read (a vinput of 64 trustees in BELENIOS-2048 is ~400 KB). */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: consulta trustee keygen --group G [--dir D]\n"
            "       consulta trustee threshold --group G --step N [OPTIONS]\n"
            "       consulta trustee make [--dir D] [--group G]\n"
            "       consulta trustee verify --group G [TRUSTEES.JSON]\n"
            "\n"
            "keygen     a \"Single\" trustee key: writes ID.privkey (secret) and ID.pubkey\n"
            "           in D (default: the current directory), as setup generate-trustee-key.\n"
            "threshold  one step of the threshold key ceremony, as belenios-tool setup\n"
            "           generate-trustee-key-threshold:\n"
            "  --step 1 [--threshold-context I/T/N]      (trustee) writes ID.cert, ID.key in D;\n"
            "                                            with the context (trustee I of N, T\n"
            "                                            needed), the Belenios 3.x ceremony that\n"
            "                                            belenios-tool 3.3 needs; without it,\n"
            "                                            belenios-tool 2.0's\n"
            "  --step 2 --certs F                        (anyone) checks the certificates\n"
            "  --step 3 --certs F --key K [--threshold T] (trustee) prints its polynomial;\n"
            "                                            T = trustees needed to decrypt\n"
            "                                            (default: the certificates' context)\n"
            "  --step 4 --certs F --polynomials P        (server) writes ID.vinput in D\n"
            "  --step 5 --certs F --key K  < ID.vinput   (trustee) prints its voutput\n"
            "  --step 6 --certs F --polynomials P  < voutputs\n"
            "                                            (server) writes ID.dkey in D,\n"
            "                                            prints threshold.json\n"
            "make       trustees.json in D from D/public_keys.jsons and D/threshold.json\n"
            "           (either may be absent), as setup make-trustees; every key, proof and\n"
            "           signature is checked. Without --group, the group is the one whose\n"
            "           proofs verify.\n"
            "verify     check a trustees.json (default D/trustees.json) and print the\n"
            "           election public key and the trustees.\n"
            "\n"
            "Groups: BELENIOS-2048, RFC-3526-2048, Ed25519, ristretto255. Files of certs,\n"
            "polynomials and\n"
            "voutputs have one JSON item per line, in the certificates' order.\n"
            "Exit status: 0 done, 1 refused (a check failed), 2 usage error.\n");
}

/* ---- files ------------------------------------------------------------------------------ */

/* Write data and a newline to dir/name (never replacing a key). */
static int write_in(const char *dir, const char *name, const char *data, size_t len, unsigned mode,
                    bool exclusive)
{
    char path[4096];
    return cli_write(cli_path(path, sizeof path, dir, name), data, len,
                     mode | (exclusive ? CLI_NEW : 0)) == 0
               ? EXIT_OK
               : EXIT_REFUSED;
}

static int print_line(const char *data, size_t len)
{
    return cli_write("-", data, len, 0) == 0 ? EXIT_OK : EXIT_REFUSED;
}

static int fail(const char *what, cns_err err, const cns_diag *diag)
{
    fprintf(stderr, "consulta trustee: %s: %s\n", what,
            diag->text[0] != '\0' ? diag->text : cns_strerror(err));
    return EXIT_REFUSED;
}

/* ---- options ------------------------------------------------------------------------------ */

struct opts {
    const char *group, *dir, *certs, *key, *polynomials, *context, *file;
    long step, threshold;
    bool help;
};

/* The value of --name at argv[*i] ("--name V" or "--name=V"), or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, bool *matched)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    *matched = false;
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=') {
        *matched = true;
        return a + n + 1;
    }
    if (a[n] != '\0')
        return NULL;
    *matched = true;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = s != NULL ? strtol(s, &end, 10) : 0;
    if (s == NULL || *s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Parse argv[2…]. Returns EXIT_OK or EXIT_USAGE after a message. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const char *const names[] = {
        "--group",       "--dir",  "--certs",     "--key",
        "--polynomials", "--step", "--threshold", "--threshold-context"};
    memset(o, 0, sizeof *o);
    o->dir = ".";
    for (int i = 2; i < argc; i++) {
        bool matched = false;
        const char *v = NULL;
        size_t k;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            o->help = true;
            continue;
        }
        for (k = 0; k < sizeof names / sizeof names[0] && !matched; k++)
            v = opt_value(argc, argv, &i, names[k], &matched);
        if (!matched) {
            if (argv[i][0] == '-' && argv[i][1] != '\0') {
                fprintf(stderr, "consulta trustee: unknown option %s\n", argv[i]);
                return EXIT_USAGE;
            }
            if (o->file != NULL) {
                fprintf(stderr, "consulta trustee: unexpected argument %s\n", argv[i]);
                return EXIT_USAGE;
            }
            o->file = argv[i];
            continue;
        }
        if (v == NULL) {
            fprintf(stderr, "consulta trustee: %s needs a value\n", names[k - 1]);
            return EXIT_USAGE;
        }
        const char **slots[] = {&o->group, &o->dir, &o->certs, &o->key, &o->polynomials};
        if (k - 1 == 7) {
            o->context = v;
        } else if (k - 1 < 5) {
            *slots[k - 1] = v;
        } else if (!parse_long(v, 1, 1000000, k - 1 == 5 ? &o->step : &o->threshold)) {
            fprintf(stderr, "consulta trustee: %s: '%s' is not a positive integer\n", names[k - 1],
                    v);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* The group of --group; EXIT_USAGE after a message if absent or unknown. */
static int need_group(const struct opts *o, const cns_group **group)
{
    if (o->group == NULL) {
        fprintf(stderr, "consulta trustee: --group is required\n");
        return EXIT_USAGE;
    }
    *group = cns_group_by_name(o->group);
    if (*group == NULL) {
        fprintf(stderr,
                "consulta trustee: unknown group '%s' (BELENIOS-2048, RFC-3526-2048, Ed25519, "
                "ristretto255)\n",
                o->group);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int need(const char *value, const char *name)
{
    if (value != NULL)
        return EXIT_OK;
    fprintf(stderr, "consulta trustee: this step needs %s\n", name);
    return EXIT_USAGE;
}

/* ---- keygen ------------------------------------------------------------------------------ */

static int run_keygen(const struct opts *o)
{
    const cns_group *group;
    char *priv = NULL, *pub = NULL, id[CNS_KEY_ID_BYTES], name[64];
    size_t priv_len = 0, pub_len;
    int rc = need_group(o, &group);
    if (rc != EXIT_OK)
        return rc;
    cns_err err = cns_trustee_keygen(&priv, &priv_len, &pub, &pub_len, id, group);
    if (err != CNS_OK) {
        fprintf(stderr, "consulta trustee keygen: %s\n", cns_strerror(err));
        return EXIT_REFUSED;
    }
    fprintf(stderr, "I: keypair %s has been generated\n", id);
    snprintf(name, sizeof name, "%s.privkey", id);
    rc = write_in(o->dir, name, priv, priv_len, 0400, true);
    if (rc == EXIT_OK) {
        fprintf(stderr, "I: private key saved to %s/%s\n", o->dir, name);
        snprintf(name, sizeof name, "%s.pubkey", id);
        rc = write_in(o->dir, name, pub, pub_len, 0444, true);
    }
    if (rc == EXIT_OK)
        fprintf(stderr, "I: public key saved to %s/%s\n", o->dir, name);
    cli_free_secret(priv, priv_len);
    free(pub);
    return rc;
}

/* ---- threshold ------------------------------------------------------------------------------ */

/* What the steps share: the group, the certificates, the seed. */
struct step {
    const struct opts *o;
    const cns_group *group;
    cns_ceremony *c;
    char *seed;
    size_t seed_len;
};

/* --threshold-context I/T/N: OUT: index, threshold, size. */
static bool parse_context(const char *v, size_t out[3])
{
    char *end;
    const char *p = v;
    for (int i = 0; i < 3; i++) {
        errno = 0;
        long x = *p >= '0' && *p <= '9' ? strtol(p, &end, 10) : -1;
        if (x < 1 || x > 1000000 || errno != 0 || *end != (i < 2 ? '/' : '\0'))
            return false;
        out[i] = (size_t)x;
        p = end + 1;
    }
    return true;
}

static int step1(struct step *s)
{
    char seed[CNS_SEED_LEN + 1], id[CNS_CERT_ID_BYTES], name[96], *cert = NULL;
    size_t len, ctx[3];
    cns_diag diag = {{0}};
    if (s->o->context != NULL && !parse_context(s->o->context, ctx)) {
        fprintf(stderr, "consulta trustee: --threshold-context: '%s' is not I/T/N\n",
                s->o->context);
        return EXIT_USAGE;
    }
    cns_err err = cns_threshold_seed_new(seed);
    if (err == CNS_OK && s->o->context != NULL)
        err = cns_threshold_cert_make_ctx(&cert, &len, id, s->group, seed, CNS_SEED_LEN, ctx[0],
                                          ctx[1], ctx[2], &diag);
    else if (err == CNS_OK)
        err = cns_threshold_cert_make(&cert, &len, id, s->group, seed, CNS_SEED_LEN, &diag);
    if (err != CNS_OK) {
        sodium_memzero(seed, sizeof seed);
        return fail("step 1", err, &diag);
    }
    fprintf(stderr, "I: certificate %s has been generated\n", id);
    snprintf(name, sizeof name, "%s.key", id);
    int rc = write_in(s->o->dir, name, seed, CNS_SEED_LEN, 0400, true);
    if (rc == EXIT_OK) {
        fprintf(stderr, "I: private key saved to %s/%s\n", s->o->dir, name);
        snprintf(name, sizeof name, "%s.cert", id);
        rc = write_in(s->o->dir, name, cert, len, 0444, true);
    }
    if (rc == EXIT_OK)
        fprintf(stderr, "I: certificate saved to %s/%s\n", s->o->dir, name);
    sodium_memzero(seed, sizeof seed);
    free(cert);
    return rc;
}

static int step3(struct step *s)
{
    char *poly = NULL;
    size_t len;
    cns_diag diag = {{0}};
    cns_err err = cns_ceremony_polynomial_make(&poly, &len, s->c, s->seed, s->seed_len,
                                               (size_t)s->o->threshold, &diag);
    if (err != CNS_OK)
        return fail(err == CNS_ERR_INVALID ? "--threshold" : s->o->key, err, &diag);
    int rc = print_line(poly, len);
    free(poly);
    return rc;
}

/* Load --polynomials into the ceremony. */
static int load_polynomials(struct step *s)
{
    size_t len;
    cns_diag diag = {{0}};
    char *polys = cli_read(s->o->polynomials, &len, false);
    if (polys == NULL)
        return EXIT_REFUSED;
    cns_err err = cns_ceremony_polynomials_load(s->c, polys, len, &diag);
    free(polys);
    return err != CNS_OK ? fail(s->o->polynomials, err, &diag) : EXIT_OK;
}

static int step4(struct step *s)
{
    int rc = load_polynomials(s);
    for (size_t j = 0; rc == EXIT_OK && j < cns_ceremony_size(s->c); j++) {
        char *vinput = NULL, name[96];
        size_t len;
        cns_diag diag = {{0}};
        cns_err err = cns_ceremony_vinput_make(&vinput, &len, s->c, j, &diag);
        if (err != CNS_OK)
            return fail("step 4", err, &diag);
        snprintf(name, sizeof name, "%s.vinput", cns_ceremony_cert_id(s->c, j));
        rc = write_in(s->o->dir, name, vinput, len, 0444, false);
        if (rc == EXIT_OK)
            fprintf(stderr, "I: wrote %s/%s\n", s->o->dir, name);
        free(vinput);
    }
    return rc;
}

static int step5(struct step *s)
{
    size_t len, out_len;
    char *out = NULL;
    cns_diag diag = {{0}};
    char *vinput = cli_read("-", &len, true);
    if (vinput == NULL)
        return EXIT_REFUSED;
    cns_err err =
        cns_ceremony_voutput_make(&out, &out_len, s->c, s->seed, s->seed_len, vinput, len, &diag);
    free(vinput);
    if (err != CNS_OK)
        return fail("vinput (standard input)", err, &diag);
    int rc = print_line(out, out_len);
    free(out);
    return rc;
}

static int step6(struct step *s)
{
    size_t len, params_len;
    char *params = NULL;
    cns_diag diag = {{0}};
    int rc = load_polynomials(s);
    if (rc != EXIT_OK)
        return rc;
    char *voutputs = cli_read("-", &len, false);
    if (voutputs == NULL)
        return EXIT_REFUSED;
    cns_err err = cns_ceremony_voutputs_load(s->c, voutputs, len, &diag);
    free(voutputs);
    if (err == CNS_OK)
        err = cns_ceremony_params_make(&params, &params_len, s->c, &diag);
    if (err != CNS_OK)
        return fail("voutputs (standard input)", err, &diag);
    for (size_t j = 0; rc == EXIT_OK && j < cns_ceremony_size(s->c); j++) {
        char name[96];
        size_t dlen;
        const char *dkey = cns_ceremony_dkey(s->c, j, &dlen);
        snprintf(name, sizeof name, "%s.dkey", cns_ceremony_cert_id(s->c, j));
        rc = write_in(s->o->dir, name, dkey, dlen, 0400, false);
        if (rc == EXIT_OK)
            fprintf(stderr, "I: wrote %s/%s\n", s->o->dir, name);
    }
    if (rc == EXIT_OK)
        rc = print_line(params, params_len);
    free(params);
    return rc;
}

/* Check the options a step needs; load certificates and key. */
static int step_prepare(struct step *s)
{
    const struct opts *o = s->o;
    long k = o->step;
    int rc = need(o->certs, "--certs");
    if (rc == EXIT_OK && (k == 3 || k == 5))
        rc = need(o->key, "--key");
    if (rc == EXIT_OK && (k == 4 || k == 6))
        rc = need(o->polynomials, "--polynomials");
    if (rc != EXIT_OK)
        return rc;
    size_t len;
    cns_diag diag = {{0}};
    char *certs = cli_read(o->certs, &len, false);
    if (certs == NULL)
        return EXIT_REFUSED;
    cns_err err = cns_ceremony_new(&s->c, s->group, certs, len, &diag);
    free(certs);
    if (err != CNS_OK)
        return fail(o->certs, err, &diag);
    if (k == 3 && o->threshold == 0 && cns_ceremony_context_threshold(s->c) == 0)
        return need(NULL, "--threshold (the certificates have no context)");
    if (o->key != NULL && (s->seed = cli_read(o->key, &s->seed_len, true)) == NULL)
        return EXIT_REFUSED;
    return EXIT_OK;
}

static int run_threshold(const struct opts *o)
{
    struct step s = {.o = o};
    int rc = need_group(o, &s.group);
    if (rc != EXIT_OK)
        return rc;
    if (o->step < 1 || o->step > 6) {
        fprintf(stderr, "consulta trustee threshold: --step must be 1 to 6\n");
        return EXIT_USAGE;
    }
    if (o->step == 1)
        return step1(&s);
    rc = step_prepare(&s);
    if (rc == EXIT_OK && o->step == 2)
        fprintf(stderr, "I: certificates are valid\n");
    else if (rc == EXIT_OK && o->step == 3)
        rc = step3(&s);
    else if (rc == EXIT_OK && o->step == 4)
        rc = step4(&s);
    else if (rc == EXIT_OK && o->step == 5)
        rc = step5(&s);
    else if (rc == EXIT_OK && o->step == 6)
        rc = step6(&s);
    cli_free_secret(s.seed, s.seed_len);
    cns_ceremony_free(s.c);
    return rc;
}

/* ---- make, verify ------------------------------------------------------------------------- */

/* dir/name's content if the file exists (OUT: *data NULL if not). EXIT_REFUSED on a read error. */
static int read_optional(const char *dir, const char *name, char **data, size_t *len, bool strip)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *data = NULL;
    *len = 0;
    if (access(path, F_OK) != 0)
        return EXIT_OK;
    *data = cli_read(path, len, strip);
    return *data != NULL ? EXIT_OK : EXIT_REFUSED;
}

static const char *const known_groups[] = {"BELENIOS-2048", "Ed25519", "ristretto255"};

/* How far a failed attempt got: a proof that fails beats an element that does not parse. */
static int progress(cns_err err)
{
    return err == CNS_OK ? 4 : err == CNS_ERR_VERIFY ? 3 : err == CNS_ERR_DECODE ? 0 : 2;
}

/*
 * make-trustees without --group: try each group; the one that gets furthest
 * (proofs hash the group's name, so exactly one verifies) gives the result.
 */
static cns_err make_any_group(char **json, size_t *json_len, const char *pks, size_t pks_len,
                              const char *thr, size_t thr_len, cns_diag *diag)
{
    cns_err best = CNS_ERR_DECODE;
    for (size_t i = 0; i < sizeof known_groups / sizeof known_groups[0]; i++) {
        cns_diag d = {{0}};
        cns_err err = cns_trustees_make(json, json_len, cns_group_by_name(known_groups[i]), pks,
                                        pks_len, thr, thr_len, &d);
        if (err == CNS_OK)
            return CNS_OK;
        if (i == 0 || progress(err) > progress(best)) {
            best = err;
            *diag = d;
        }
    }
    return best;
}

static int run_make(const struct opts *o)
{
    char *pks = NULL, *thr = NULL, *json = NULL;
    size_t pks_len, thr_len, json_len;
    cns_diag diag = {{0}};
    cns_err err = CNS_ERR_INVALID;
    int rc = read_optional(o->dir, "public_keys.jsons", &pks, &pks_len, false);
    if (rc == EXIT_OK)
        rc = read_optional(o->dir, "threshold.json", &thr, &thr_len, true);
    if (rc == EXIT_OK && pks == NULL && thr == NULL) {
        fprintf(stderr,
                "consulta trustee make: trustees are missing (no %s/public_keys.jsons, "
                "no %s/threshold.json)\n",
                o->dir, o->dir);
        rc = EXIT_REFUSED;
    }
    if (rc != EXIT_OK)
        goto done;
    if (o->group != NULL) {
        const cns_group *group;
        rc = need_group(o, &group);
        if (rc == EXIT_OK)
            err = cns_trustees_make(&json, &json_len, group, pks, pks_len, thr, thr_len, &diag);
    } else {
        err = make_any_group(&json, &json_len, pks, pks_len, thr, thr_len, &diag);
    }
    if (rc == EXIT_OK && err != CNS_OK)
        rc = fail("make", err, &diag);
    if (rc == EXIT_OK)
        rc = write_in(o->dir, "trustees.json", json, json_len, 0644, false);
done:
    free(pks);
    free(thr);
    free(json);
    return rc;
}

static int run_verify(const struct opts *o)
{
    const cns_group *group;
    char path[4096], text[CNS_ELT_TEXT_MAX];
    size_t len;
    cns_diag diag = {{0}};
    cns_trustees *t = NULL;
    int rc = need_group(o, &group);
    if (rc != EXIT_OK)
        return rc;
    if (o->file == NULL)
        snprintf(path, sizeof path, "%s/trustees.json", o->dir);
    char *json = cli_read(o->file != NULL ? o->file : path, &len, true);
    if (json == NULL)
        return EXIT_REFUSED;
    cns_err err = cns_trustees_parse(&t, group, json, len, &diag);
    free(json);
    if (err != CNS_OK)
        return fail(o->file != NULL ? o->file : path, err, &diag);
    cns_elt_to_text(group, text, sizeof text, cns_trustees_public_key(t));
    printf("public key: %s\n", text);
    for (size_t id = 1; id <= cns_trustees_count(t); id++) {
        cns_trustee_info info;
        if (cns_trustees_info(&info, t, id) != CNS_OK)
            break;
        cns_elt_to_text(group, text, sizeof text, info.verification_key);
        if (info.kind == CNS_TRUSTEE_SINGLE)
            printf("trustee %zu: Single %s\n", id, text);
        else
            printf("trustee %zu: Pedersen %zu of %zu (%zu needed) %s\n", id, info.index,
                   info.members, info.threshold, text);
    }
    cns_trustees_free(t);
    return EXIT_OK;
}

int cmd_trustee(int argc, char **argv)
{
    struct opts o;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    int rc = parse_opts(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    if (o.help) {
        usage(stdout);
        return EXIT_OK;
    }
    if (o.file != NULL && strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "consulta trustee: unexpected argument %s\n", o.file);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "keygen") == 0)
        return run_keygen(&o);
    if (strcmp(argv[1], "threshold") == 0)
        return run_threshold(&o);
    if (strcmp(argv[1], "make") == 0)
        return run_make(&o);
    if (strcmp(argv[1], "verify") == 0)
        return run_verify(&o);
    fprintf(stderr, "consulta trustee: unknown action '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
