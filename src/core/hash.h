/* Hash encodings Belenios uses. Internal to the library. */
#ifndef CONSULTA_CORE_HASH_H
#define CONSULTA_CORE_HASH_H

#include <stddef.h>

#include "consulta/election.h"

/* OUT: Base64 (standard alphabet, no padding) of SHA-256(bytes): fingerprints, trackers. */
void cns_hash_b64(char out[CNS_HASH_B64_BYTES], const void *bytes, size_t len);

/* OUT: lowercase hex of SHA-256(bytes), NUL-terminated (archive names, event links). */
void cns_hash_hex(char out[65], const void *bytes, size_t len);

#endif
