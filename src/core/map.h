/*
 * A hash map from 16-byte keys (truncated SHA-256 fingerprints) to 64-bit
 * values, growing as needed: the auditor's memory of credentials, ballots
 * and ciphertexts seen. Internal to the library.
 */
#ifndef CONSULTA_CORE_MAP_H
#define CONSULTA_CORE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consulta/error.h"

#define CNS_KEY_BYTES 16

typedef struct cns_map {
    unsigned char *keys; /* cap keys */
    uint64_t *values;    /* cap values */
    bool *used;
    size_t cap; /* power of two */
    size_t count;
} cns_map;

/* An empty map (allocates nothing yet). */
void cns_map_init(cns_map *map);
void cns_map_free(cns_map *map);

/* The fingerprint of bytes: the first CNS_KEY_BYTES of SHA-256. */
void cns_map_key(unsigned char key[CNS_KEY_BYTES], const void *bytes, size_t len);

/*
 * Insert key → value unless key is present. OUT: *existing (may be NULL)
 * set to the present value's address if key was there (nothing changes).
 * Returns CNS_OK, or CNS_ERR_NOMEM.
 */
CNS_NODISCARD cns_err cns_map_put(cns_map *map, const unsigned char key[CNS_KEY_BYTES],
                                  uint64_t value, uint64_t **existing);

/* Remove key (a board coming back to a mark); false when it was not there. */
bool cns_map_remove(cns_map *map, const unsigned char key[CNS_KEY_BYTES]);

/* The address of key's value (to read or update), or NULL. */
uint64_t *cns_map_get(const cns_map *map, const unsigned char key[CNS_KEY_BYTES]);

#endif
