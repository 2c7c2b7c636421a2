/* Helpers shared by the tests: reading reference data. */
#ifndef CONSULTA_TESTS_UTIL_H
#define CONSULTA_TESTS_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "consulta/election.h"

/* The reference data folder: $CNS_TESTDATA, or ../shared/testdata. */
static inline const char *testdata_dir(void)
{
    const char *dir = getenv("CNS_TESTDATA");
    return dir != NULL ? dir : "../shared/testdata";
}

/*
 * Read a whole file (path relative to the testdata folder when it does not
 * start with '/'). OUT: *len. Returns a malloc'd NUL-terminated copy, or NULL.
 * strip_newline drops one trailing '\n', as Belenios' JSON files end with one.
 */
static inline char *read_file(const char *path, size_t *len, int strip_newline)
{
    char full[4096];
    if (path[0] == '/')
        snprintf(full, sizeof full, "%s", path);
    else
        snprintf(full, sizeof full, "%s/%s", testdata_dir(), path);
    FILE *f = fopen(full, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", full);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *data = malloc(cap);
    size_t got;
    while (data != NULL && (got = fread(data + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *bigger = realloc(data, cap * 2);
            if (bigger == NULL) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (data == NULL)
        return NULL;
    if (strip_newline && n > 0 && data[n - 1] == '\n')
        n--;
    data[n] = '\0';
    *len = n;
    return data;
}

/* The election.json of folder dir, parsed (a failed check when it is not). */
static inline cns_election *load_election(const char *dir)
{
    char path[256];
    size_t len;
    cns_election *e = NULL;
    cns_diag diag = {{0}};
    snprintf(path, sizeof path, "%s/election.json", dir);
    char *bytes = read_file(path, &len, 1);
    CHECK(bytes != NULL);
    if (bytes != NULL)
        CHECK_OK(cns_election_parse(&e, bytes, len, &diag));
    free(bytes);
    return e;
}

#endif
