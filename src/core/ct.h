/*
 * Constant-time checking (make check runs tests/ct.sh): built with
 * -DCNS_CTGRIND, the tests mark secrets as undefined memory for valgrind's
 * memcheck, which then reports every branch and every memory index that
 * depends on them. A value that becomes public (a hashed commitment, a
 * written proof) is declassified where it leaves the secret computation.
 * In normal builds these macros do nothing. Internal to the library.
 */
#ifndef CONSULTA_CORE_CT_H
#define CONSULTA_CORE_CT_H

#ifdef CNS_CTGRIND
#include <valgrind/memcheck.h>
/* The len bytes at p are public from here on. */
#define CNS_DECLASSIFY(p, len) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (len)))
/* The len bytes at p are secret: memcheck reports what depends on them. */
#define CNS_CLASSIFY(p, len) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (len)))
#else
#define CNS_DECLASSIFY(p, len) ((void)(p), (void)(len))
#define CNS_CLASSIFY(p, len)   ((void)(p), (void)(len))
#endif

#endif
