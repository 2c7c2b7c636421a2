/* Fiat–Shamir hashing (crypto.h). */
#include <string.h>

#include "core/ct.h"
#include "crypto/crypto.h"

void cns_fs_init(cns_fs *fs, const char *prefix)
{
    crypto_hash_sha256_init(&fs->sha);
    cns_fs_str(fs, prefix);
}

void cns_fs_bytes(cns_fs *fs, const void *bytes, size_t len)
{
    crypto_hash_sha256_update(&fs->sha, bytes, len);
}

void cns_fs_str(cns_fs *fs, const char *s)
{
    cns_fs_bytes(fs, s, strlen(s));
}

void cns_fs_elt(cns_fs *fs, const cns_group *group, const cns_elt *e)
{
    char text[CNS_ELT_TEXT_MAX];
    CNS_DECLASSIFY(e, sizeof *e); /* what is hashed is published with the proof */
    size_t len = cns_elt_to_text(group, text, sizeof text, e);
    cns_fs_bytes(fs, text, len);
}

void cns_fs_challenge(cns_fs *fs, const cns_group *group, cns_scalar *out)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&fs->sha, digest);
    cns_scalar_from_digest(group, out, digest);
}
