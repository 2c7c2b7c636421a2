/*
 * The verification pool (internal to the library): independent checks run
 * on every core. Workers are started on first use and live until the
 * process exits. CNS_THREADS in the environment sets the number of threads
 * (the caller included; 1: the caller alone); by default, one per core.
 */
#ifndef CONSULTA_BALLOT_POOL_H
#define CONSULTA_BALLOT_POOL_H

#include <stddef.h>

/*
 * Call fn(ctx, i) once for every i < n, on the calling thread and the
 * pool's workers, in any order and concurrently; return when all are done.
 * fn must only write what belongs to its i. When another thread is using
 * the pool, or the pool could not be started, everything runs on the
 * calling thread.
 */
void cns_pool_run(void (*fn)(void *ctx, size_t i), void *ctx, size_t n);

/* The number of threads cns_pool_run uses, the caller included. */
size_t cns_pool_threads(void);

#endif
