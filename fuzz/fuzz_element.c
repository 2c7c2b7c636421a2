/*
 * libFuzzer target: the element decoders of the three groups, on untrusted
 * text and bytes. The first input byte selects the group (modulo 3: '0' is
 * BELENIOS-2048, '1' Ed25519, '2' ristretto255); the rest is fed both to
 * cns_elt_from_text and to cns_elt_decode. Anything accepted must come back
 * exactly through the matching encoder and through the other form; anything
 * refused must be refused with CNS_ERR_DECODE or CNS_ERR_INVALID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "consulta/group.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool ok)
{
    if (!ok)
        abort();
}

static bool refused_properly(cns_err err)
{
    return err == CNS_ERR_DECODE || err == CNS_ERR_INVALID;
}

/* e was accepted: its text and byte forms must decode back to it. */
static void check_both_forms(const cns_group *g, const cns_elt *e)
{
    char text[CNS_ELT_TEXT_MAX];
    unsigned char bytes[CNS_ELT_MAX_BYTES];
    cns_elt back;

    size_t n = cns_elt_to_text(g, text, sizeof text, e);
    require(n > 0 && n < sizeof text && text[n] == '\0');
    require(cns_elt_from_text(g, &back, text, n) == CNS_OK && cns_elt_eq(g, &back, e));
    cns_elt_encode(g, bytes, e);
    require(cns_elt_decode(g, &back, bytes, cns_elt_bytes(g)) == CNS_OK);
    require(cns_elt_eq(g, &back, e));
}

static void fuzz_text(const cns_group *g, const uint8_t *in, size_t len)
{
    char text[CNS_ELT_TEXT_MAX];
    cns_elt e;
    cns_err err = cns_elt_from_text(g, &e, (const char *)in, len);

    if (err != CNS_OK) {
        require(refused_properly(err));
        return;
    }
    size_t n = cns_elt_to_text(g, text, sizeof text, &e);
    require(n == len && memcmp(text, in, len) == 0);
    check_both_forms(g, &e);
}

static void fuzz_bytes(const cns_group *g, const uint8_t *in, size_t len)
{
    unsigned char bytes[CNS_ELT_MAX_BYTES];
    cns_elt e;
    cns_err err = cns_elt_decode(g, &e, in, len);

    if (err != CNS_OK) {
        require(refused_properly(err));
        return;
    }
    require(len == cns_elt_bytes(g));
    cns_elt_encode(g, bytes, &e);
    require(memcmp(bytes, in, len) == 0);
    check_both_forms(g, &e);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    require(sodium_init() >= 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[3] = {"BELENIOS-2048", "Ed25519", "ristretto255"};

    if (size == 0)
        return 0;
    const cns_group *g = cns_group_by_name(names[data[0] % 3]);
    require(g != NULL);
    fuzz_text(g, data + 1, size - 1);
    fuzz_bytes(g, data + 1, size - 1);
    return 0;
}
