/*
 * bench/group_ops: the cost of one group operation in each group, measured
 * now, so that bench/run.sh can express per-ballot costs in units of them.
 *
 *   group_ops [COMMITMENTS ELEMENTS]
 *
 * Prints one line per group and operation, "GROUP OP MICROSECONDS". With
 * COMMITMENTS and ELEMENTS (what verifying one ballot needs: proof
 * commitments g^s·a^c or y^s·b^c, and elements decoded and checked), also
 * "GROUP ballot-ops MICROSECONDS": the group operations of one ballot's
 * verification, nothing else (no parsing, hashing or board rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "consulta/group.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct sample {
    const cns_group *g;
    cns_elt a, y, out;
    cns_scalar s, c;
    unsigned char enc[CNS_ELT_MAX_BYTES];
    const cns_base *gb, *yb;
} sample;

typedef void (*op_fn)(sample *x);

static void op_pow(sample *x)
{
    cns_elt_pow(x->g, &x->out, &x->a, &x->s);
}
static void op_pow_public(sample *x)
{
    cns_elt_pow_public(x->g, &x->out, &x->a, &x->s);
}
static void op_pow_g(sample *x)
{
    cns_group_pow_g(x->g, &x->out, &x->s);
}
static void op_base_pow_y(sample *x)
{
    cns_base_pow(x->g, &x->out, x->yb, &x->s);
}
static void op_commit_g(sample *x)
{
    cns_base_pow2_public(x->g, &x->out, x->gb, &x->s, &x->a, &x->c);
}
static void op_commit_y(sample *x)
{
    cns_base_pow2_public(x->g, &x->out, x->yb, &x->s, &x->a, &x->c);
}
static void op_encode(sample *x)
{
    cns_elt_mul(x->g, &x->out, &x->a, &x->y); /* a fresh element, not yet encoded */
    cns_elt_encode(x->g, x->enc, &x->out);
}
static void op_decode(sample *x)
{
    if (cns_elt_decode(x->g, &x->out, x->enc, cns_elt_bytes(x->g)) != CNS_OK)
        abort();
}
static void op_mul(sample *x)
{
    cns_elt_mul(x->g, &x->out, &x->a, &x->y);
}

/* Microseconds per call, over about 0.3 s. */
static double measure(sample *x, op_fn op)
{
    long n = 0, batch = 1;
    double t0 = now(), t;
    do {
        for (long i = 0; i < batch; i++)
            op(x);
        n += batch;
        batch *= 2;
        t = now() - t0;
    } while (t < 0.3);
    return t / (double)n * 1e6;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"BELENIOS-2048", "Ed25519", "ristretto255"};
    double commitments = argc > 2 ? atof(argv[1]) : 0, elements = argc > 2 ? atof(argv[2]) : 0;

    if (sodium_init() < 0)
        return 1;
    for (size_t i = 0; i < 3; i++) {
        sample x = {.g = cns_group_by_name(names[i])};
        cns_scalar k;
        cns_scalar_random(x.g, &k);
        cns_group_pow_g(x.g, &x.a, &k);
        cns_scalar_random(x.g, &k);
        cns_group_pow_g(x.g, &x.y, &k);
        cns_scalar_random(x.g, &x.s);
        cns_scalar_random(x.g, &x.c);
        cns_elt_encode(x.g, x.enc, &x.a);
        x.gb = cns_group_base_g(x.g);
        x.yb = cns_base_get(x.g, &x.y);
        if (x.gb == NULL || x.yb == NULL)
            return 1;
        double t_commit = (measure(&x, op_commit_g) + measure(&x, op_commit_y)) / 2;
        double t_encode = measure(&x, op_encode) - measure(&x, op_mul);
        double t_decode = measure(&x, op_decode);
        printf("%s pow %.2f\n", names[i], measure(&x, op_pow));
        printf("%s pow_public %.2f\n", names[i], measure(&x, op_pow_public));
        printf("%s pow_g %.2f\n", names[i], measure(&x, op_pow_g));
        printf("%s pow_y %.2f\n", names[i], measure(&x, op_base_pow_y));
        printf("%s commitment %.2f\n", names[i], t_commit);
        printf("%s encode %.2f\n", names[i], t_encode);
        printf("%s decode %.2f\n", names[i], t_decode);
        if (commitments > 0)
            printf("%s ballot-ops %.2f\n", names[i],
                   commitments * (t_commit + t_encode) + elements * t_decode);
    }
    return 0;
}
