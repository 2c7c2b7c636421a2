/* Hash encodings (hash.h). */
#include "core/hash.h"

#include <sodium.h>

void cns_hash_b64(char out[CNS_HASH_B64_BYTES], const void *bytes, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes, len);
    sodium_bin2base64(out, CNS_HASH_B64_BYTES, digest, sizeof digest,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

void cns_hash_hex(char out[65], const void *bytes, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes, len);
    sodium_bin2hex(out, 65, digest, sizeof digest);
}
