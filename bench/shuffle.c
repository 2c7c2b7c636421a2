/*
 * The proof of shuffle's cost: for each group named on the command line,
 * N random ciphertexts shuffled with proof, then verified, wall clock on
 * every core (CNS_THREADS). Prints one line per group:
 *   GROUP N gens=S shuffle=S verify=S
 * where shuffle and verify include computing the generators (as Belenios'
 * do: a prover and a verifier each derive them), and gens is that part;
 * the _cpu figures are CPU seconds over all threads.
 *
 *   build/bench/shuffle N GROUP…
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "consulta/group.h"
#include "crypto/crypto.h"
#include "crypto/shuffle.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU seconds of the whole process (every thread). */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int run(const char *name, size_t n)
{
    const cns_group *G = cns_group_by_name(name);
    cns_ciphertext *in = calloc(n + 1, sizeof *in), *out = calloc(n + 1, sizeof *out);
    cns_shuffle_gens gens;
    cns_shuffle_proof proof;
    cns_diag diag = {{0}};
    cns_scalar x, r, m;
    cns_elt y;
    double t0, t_gens, t_make, t_verify, c0, c_make, c_verify;
    int rc = 1;

    if (G == NULL || in == NULL || out == NULL) {
        fprintf(stderr, "shuffle bench: unknown group %s or no memory\n", name);
        goto done;
    }
    cns_scalar_random(G, &x);
    cns_group_pow_g(G, &y, &x);
    for (size_t i = 0; i < n; i++) {
        cns_scalar_random(G, &r);
        cns_scalar_from_u64(G, &m, i % 5);
        cns_elgamal_encrypt(G, &in[i], &y, &r, &m);
    }
    t0 = now();
    c0 = cpu();
    if (cns_shuffle_gens_make(G, &gens, n, &diag) != CNS_OK)
        goto fail;
    t_gens = now() - t0;
    if (cns_shuffle_make(G, &y, "bench", &gens, in, n, out, &proof) != CNS_OK)
        goto fail;
    t_make = now() - t0;
    c_make = cpu() - c0;
    cns_shuffle_gens_free(&gens);
    t0 = now();
    c0 = cpu();
    if (cns_shuffle_gens_make(G, &gens, n, &diag) != CNS_OK ||
        cns_shuffle_verify(G, &y, "bench", &gens, in, out, n, &proof, &diag) != CNS_OK)
        goto fail;
    t_verify = now() - t0;
    c_verify = cpu() - c0;
    printf("%s %zu gens=%.2f shuffle=%.2f verify=%.2f shuffle_cpu=%.2f verify_cpu=%.2f\n", name, n,
           t_gens, t_make, t_verify, c_make, c_verify);
    cns_shuffle_gens_free(&gens);
    cns_shuffle_proof_free(&proof);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "shuffle bench: %s: %s\n", name, diag.text);
done:
    free(in);
    free(out);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (argc < 3 || sodium_init() < 0) {
        fprintf(stderr, "usage: shuffle N GROUP…\n");
        return 2;
    }
    size_t n = (size_t)strtoul(argv[1], NULL, 10);
    for (int i = 2; i < argc; i++)
        rc |= run(argv[i], n);
    return rc;
}
