/*
 * The verification pool (pool.h): one job at a time, handed out index by
 * index. Built with CNS_NO_THREADS (WebAssembly, where there are no threads),
 * every job runs on the caller.
 */
#include "ballot/pool.h"

#ifdef CNS_NO_THREADS

size_t cns_pool_threads(void)
{
    return 1;
}

void cns_pool_run(void (*fn)(void *ctx, size_t i), void *ctx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fn(ctx, i);
}

#else

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

static struct {
    pthread_once_t once;
    pthread_mutex_t busy; /* held by the thread whose job runs */
    pthread_mutex_t lock; /* guards what follows */
    pthread_cond_t work, done;
    size_t workers;  /* started */
    uint64_t job;    /* incremented for each job */
    size_t finished; /* workers done with the current job */
    void (*fn)(void *ctx, size_t i);
    void *ctx;
    size_t n;
    atomic_size_t next; /* the next index to hand out */
} pool = {
    .once = PTHREAD_ONCE_INIT,
    .busy = PTHREAD_MUTEX_INITIALIZER,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

/* Run indices until none is left. */
static void drain(void (*fn)(void *, size_t), void *ctx, size_t n)
{
    for (size_t i = atomic_fetch_add(&pool.next, 1); i < n; i = atomic_fetch_add(&pool.next, 1))
        fn(ctx, i);
}

static void *worker(void *arg)
{
    uint64_t seen = 0;
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&pool.lock);
        while (pool.job == seen)
            pthread_cond_wait(&pool.work, &pool.lock);
        seen = pool.job;
        void (*fn)(void *, size_t) = pool.fn;
        void *ctx = pool.ctx;
        size_t n = pool.n;
        pthread_mutex_unlock(&pool.lock);
        drain(fn, ctx, n);
        pthread_mutex_lock(&pool.lock);
        if (++pool.finished == pool.workers)
            pthread_cond_signal(&pool.done);
        pthread_mutex_unlock(&pool.lock);
    }
    return NULL;
}

static size_t wanted_threads(void)
{
    const char *env = getenv("CNS_THREADS");
    long n = env != NULL ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (size_t)n;
}

static void start(void)
{
    size_t want = wanted_threads() - 1;
    pthread_attr_t attr;

    if (pthread_attr_init(&attr) != 0)
        return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (size_t i = 0; i < want; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker, NULL) != 0)
            break;
        pool.workers++; /* no job can start before start() returns */
    }
    pthread_attr_destroy(&attr);
}

size_t cns_pool_threads(void)
{
    pthread_once(&pool.once, start);
    return pool.workers + 1;
}

void cns_pool_run(void (*fn)(void *ctx, size_t i), void *ctx, size_t n)
{
    pthread_once(&pool.once, start);
    if (pool.workers == 0 || n < 2 || pthread_mutex_trylock(&pool.busy) != 0) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i);
        return;
    }
    pthread_mutex_lock(&pool.lock);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.finished = 0;
    atomic_store(&pool.next, 0);
    pool.job++;
    pthread_cond_broadcast(&pool.work);
    pthread_mutex_unlock(&pool.lock);
    drain(fn, ctx, n);
    pthread_mutex_lock(&pool.lock);
    while (pool.finished < pool.workers)
        pthread_cond_wait(&pool.done, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&pool.busy);
}

#endif
