/*
 * Fixed-base tables (consulta/group.h): built on first use, shared by every
 * thread, kept until the process exits. Readers walk a list that only
 * grows, published with release/acquire atomics; builders take a lock.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "group/internal.h"

struct cns_base {
    const cns_group *group;
    cns_elt elt;
    struct cns_base *next;
    _Alignas(64) unsigned char table[];
};

static _Atomic(cns_base *) bases;
static atomic_size_t count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The table for (group, a) if one was built. Elements are compared by
 * their bytes: one element computed in two ways may get two tables, which
 * costs memory only.
 */
static const cns_base *find(const cns_group *group, const cns_elt *a)
{
    for (const cns_base *b = atomic_load_explicit(&bases, memory_order_acquire); b != NULL;
         b = b->next) {
        if (b->group == group && memcmp(b->elt.opaque, a->opaque, sizeof a->opaque) == 0)
            return b;
    }
    return NULL;
}

static cns_base *build(const cns_group *group, const cns_elt *a)
{
    cns_base *b;
    size_t size = sizeof *b + group->base_bytes;
    size = (size + 63) / 64 * 64;
    b = aligned_alloc(64, size);
    if (b == NULL)
        return NULL;
    b->group = group;
    b->elt = *a;
    group->base_build(b->table, a);
    return b;
}

const cns_base *cns_base_get(const cns_group *group, const cns_elt *a)
{
    const cns_base *found = find(group, a);
    cns_base *b = NULL;

    if (found != NULL)
        return found;
    pthread_mutex_lock(&lock);
    found = find(group, a);
    if (found == NULL && atomic_load(&count) < CNS_BASE_MAX) {
        b = build(group, a);
        if (b != NULL) {
            b->next = atomic_load_explicit(&bases, memory_order_relaxed);
            atomic_store_explicit(&bases, b, memory_order_release);
            atomic_fetch_add(&count, 1);
        }
        found = b;
    }
    pthread_mutex_unlock(&lock);
    return found;
}

const cns_base *cns_group_base_g(const cns_group *group)
{
    cns_elt g;
    group->generator(&g);
    return cns_base_get(group, &g);
}

void cns_base_pow(const cns_group *group, cns_elt *out, const cns_base *base, const cns_scalar *k)
{
    group->base_pow(out, base->table, k);
}

void cns_base_pow_public(const cns_group *group, cns_elt *out, const cns_base *base,
                         const cns_scalar *k)
{
    group->base_pow_public(out, base->table, k);
}

void cns_base_pow2_public(const cns_group *group, cns_elt *out, const cns_base *base,
                          const cns_scalar *s, const cns_elt *a, const cns_scalar *c)
{
    group->pow2_public(out, base->table, s, a, c);
}
