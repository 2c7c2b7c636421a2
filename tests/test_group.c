/*
 * Tests of consulta/group.h for the three groups: parameters and generator
 * text forms, encodings and their exact rejections, algebra, scalars, and
 * known answers from Belenios itself (the trustees' proofs of knowledge and
 * private keys in $CNS_TESTDATA, which fix text forms, hash-to-scalar and
 * arithmetic) and RFC 9496 (ristretto255 multiples and invalid encodings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <jansson.h>
#include <sodium.h>

#include "check.h"
#include "consulta/group.h"

/* BELENIOS-2048 as spec 2.0 §5.1 prints it. */
static const char FF_P[] =
    "2069478569142254640101364365750500806492298929575110409710088478705737421924271740192223"
    "7254497684338129066633138078958404960054389636289796393038773905722803605973749427671376"
    "7776188985898727358650490811670993105358677809800307904916540637771737641986785272734744"
    "7634183560003569830519314428456170191100078673730733356412397173289791324047457883446826"
    "0652327974647951137672658693582180046317922073668860052627186363386088796882120769432366"
    "1494910029234443463732221458841005864210502421203654335612013204811188524087310770141516"
    "6620016231317716937218924807850771182784231749807327659882882516918310312568016207288071"
    "9";
static const char FF_G[] =
    "2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285"
    "6761552696787996946682987493890950838965734256019006010684771644917354741372831046104586"
    "8131451178164675540052740288984613986453266121505579709716201616827031288643245666383486"
    "3635782106154918419982534315189740658186868651151358576410138882215396016043228843603930"
    "9893336627728484065931384060102316750957637779826651036068224066350766977640253462537730"
    "8513317349519424896775405257365904949247763147599157519877517771148149092045660020547812"
    "7054728238140972518639858334115700568353695553423781475582491896050296680037745308460627";
static const char FF_Q[] =
    "78571733251071885079927659812671450121821421258408794611510081919805623223441";

/* RFC-3526-2048 as the Belenios specification (3.3, §"RFC-3526-2048") prints it. */
static const char RFC_P[] =
    "3231700607131100730033891392642382824881794124114023911284200975140074170663435422261968"
    "9417363569347117901737909704191754605873209195028853758986185622153212175412514901774520"
    "2702357960782362488842461894775876411059286460994117232454266225221932305409190376805242"
    "3551912567971587011700105805587765103886184728025797605490356973256152616708133936179954"
    "1336476559160368317896729073178384589680639671900977202194168647225871031411336429319536"
    "1934716365332097170774482279885885653692086452966360772502689555059283627511211740969729"
    "9806841055435958486658329164213621823107899099944865246826241697203591185250704536109055"
    "9";
static const char RFC_Q[] =
    "1615850303565550365016945696321191412440897062057011955642100487570037085331717711130984"
    "4708681784673558950868954852095877302936604597514426879493092811076606087706257450887260"
    "1351178980391181244421230947387938205529643230497058616227133112610966152704595188402621"
    "1775956283985793505850052902793882551943092364012898802745178486628076308354066968089977"
    "0668238279580184158948364536589192294840319835950488601097084323612935515705668214659768"
    "0967358182666048585387241139942942826846043226483180386251344777529641813755605870484864"
    "9903420527717979243329164582106810911553949549972432623413120848601795592625352268054527"
    "9";

/* ℓ = 2^252 + 27742317777372353535851937790883648493. */
static const char L_25519[] =
    "7237005577332262213973186563042994240857116359379907606001950938285454250989";

static const char ED_G[] = "6666666666666666666666666666666666666666666666666666666666666658";
static const char RI_G[] = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76";

/* RFC 9496 A.1: encodings of 0·g … 15·g. */
static const char *const RI_MULTIPLES[16] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
};

/* RFC 9496 A.2: encodings a decoder must refuse. */
static const char *const RI_INVALID[] = {
    /* non-canonical field encodings */
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    /* negative field elements */
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    /* non-square x^2 */
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    /* negative xy */
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    /* s = -1, which gives y = 0 */
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

static const cns_group *ff, *rf, *ed, *ri;

/* ---- helpers ------------------------------------------------------------------ */

/* Parse text as an element of g expecting want; when accepted, it must print back identically. */
static void expect_elt_text(const cns_group *g, const char *text, cns_err want)
{
    cns_elt e;
    cns_err got = cns_elt_from_text(g, &e, text, strlen(text));
    CHECK_ERR(got, want);
    if (got != want)
        fprintf(stderr, "  (%s, text \"%.90s\")\n", cns_group_name(g), text);
    if (got == CNS_OK) {
        char back[CNS_ELT_TEXT_MAX];
        size_t n = cns_elt_to_text(g, back, sizeof back, &e);
        CHECK(n == strlen(text) && strcmp(back, text) == 0);
    }
}

static void expect_scalar_text(const cns_group *g, const char *text, cns_err want)
{
    cns_scalar k;
    cns_err got = cns_scalar_from_text(g, &k, text, strlen(text));
    CHECK_ERR(got, want);
    if (got != want)
        fprintf(stderr, "  (%s, scalar \"%.90s\")\n", cns_group_name(g), text);
    if (got == CNS_OK) {
        char back[CNS_SCALAR_TEXT_MAX];
        size_t n = cns_scalar_to_text(g, back, sizeof back, &k);
        CHECK(n == strlen(text) && strcmp(back, text) == 0);
    }
}

static bool elt_is_text(const cns_group *g, const cns_elt *e, const char *text)
{
    char buf[CNS_ELT_TEXT_MAX];
    cns_elt_to_text(g, buf, sizeof buf, e);
    return strcmp(buf, text) == 0;
}

static cns_scalar scalar_u64(const cns_group *g, uint64_t v)
{
    cns_scalar k;
    cns_scalar_from_u64(g, &k, v);
    return k;
}

static cns_elt random_elt(const cns_group *g)
{
    cns_scalar k;
    cns_elt e;
    cns_scalar_random(g, &k);
    cns_group_pow_g(g, &e, &k);
    return e;
}

/* Decimal text of an mpz (for texts derived from p). */
static void mpz_text(char *out, size_t cap, const mpz_t z)
{
    if (mpz_sizeinbase(z, 10) + 2 <= cap)
        mpz_get_str(out, 10, z);
    else
        out[0] = '\0';
}

/* Reverse 32 bytes (RFC 8032 little-endian ↔ Belenios big-endian text). */
static void hex_reversed(char out[65], const unsigned char le[32])
{
    unsigned char be[32];
    for (int i = 0; i < 32; i++)
        be[i] = le[31 - i];
    sodium_bin2hex(out, 65, be, 32);
}

/* ---- parameters and generators ------------------------------------------------ */

static void test_lookup(void)
{
    ff = cns_group_by_name("BELENIOS-2048");
    ed = cns_group_by_name("Ed25519");
    ri = cns_group_by_name("ristretto255");
    CHECK(ff != NULL && ed != NULL && ri != NULL);
    rf = cns_group_by_name("RFC-3526-2048");
    CHECK(rf != NULL);
    CHECK(strcmp(cns_group_name(rf), "RFC-3526-2048") == 0);
    CHECK(cns_elt_bytes(rf) == 256);
    CHECK(cns_group_by_name("RFC-3526") == NULL && cns_group_by_name("rfc-3526-2048") == NULL);
    CHECK(cns_group_by_name("ed25519") == NULL);
    CHECK(cns_group_by_name("") == NULL);
    CHECK(cns_group_by_name(NULL) == NULL);
    CHECK(strcmp(cns_group_name(ff), "BELENIOS-2048") == 0);
    CHECK(strcmp(cns_group_name(ed), "Ed25519") == 0);
    CHECK(strcmp(cns_group_name(ri), "ristretto255") == 0);
    CHECK(cns_elt_bytes(ff) == 256 && cns_elt_bytes(ed) == 32 && cns_elt_bytes(ri) == 32);
}

/* The order, read back through the scalar text form, and q itself refused as a scalar. */
static void check_order(const cns_group *g, const char *q_text)
{
    unsigned char q[CNS_SCALAR_BYTES];
    cns_scalar qs, minus_one, one = scalar_u64(g, 1), zero = scalar_u64(g, 0);
    char text[CNS_SCALAR_TEXT_MAX];

    cns_group_order(g, q);
    memcpy(qs.le, q, sizeof q);
    cns_scalar_to_text(g, text, sizeof text, &qs);
    CHECK(strcmp(text, q_text) == 0);
    expect_scalar_text(g, q_text, CNS_ERR_DECODE);
    /* q − 1 = −1 */
    cns_scalar_neg(g, &minus_one, &one);
    cns_scalar_sub(g, &qs, &qs, &one); /* as a raw 256-bit integer q − 1 is below q */
    CHECK(cns_scalar_eq(&qs, &minus_one));
    cns_scalar_add(g, &qs, &minus_one, &one);
    CHECK(cns_scalar_is_zero(&qs) && cns_scalar_eq(&qs, &zero));
}

static void test_parameters(void)
{
    cns_elt e;
    mpz_t p, g, q, t;

    /* BELENIOS-2048: p, q prime, q | p − 1, g of order q, as printed by the spec. */
    mpz_inits(p, g, q, t, NULL);
    CHECK(mpz_set_str(p, FF_P, 10) == 0 && mpz_set_str(g, FF_G, 10) == 0 &&
          mpz_set_str(q, FF_Q, 10) == 0);
    CHECK(mpz_sizeinbase(p, 2) == 2048 && mpz_sizeinbase(q, 2) == 256);
    CHECK(mpz_probab_prime_p(p, 30) > 0 && mpz_probab_prime_p(q, 30) > 0);
    mpz_sub_ui(t, p, 1);
    CHECK(mpz_divisible_p(t, q));
    mpz_powm(t, g, q, p);
    CHECK(mpz_cmp_ui(t, 1) == 0);

    /* RFC-3526-2048: p = 2q + 1 with p, q prime, g = 2 of order q. */
    CHECK(mpz_set_str(p, RFC_P, 10) == 0 && mpz_set_str(q, RFC_Q, 10) == 0);
    CHECK(mpz_sizeinbase(p, 2) == 2048 && mpz_sizeinbase(q, 2) == 2047);
    CHECK(mpz_probab_prime_p(p, 30) > 0 && mpz_probab_prime_p(q, 30) > 0);
    mpz_mul_2exp(t, q, 1);
    mpz_add_ui(t, t, 1);
    CHECK(mpz_cmp(t, p) == 0);
    mpz_set_ui(g, 2);
    mpz_powm(t, g, q, p);
    CHECK(mpz_cmp_ui(t, 1) == 0);
    mpz_clears(p, g, q, t, NULL);

    cns_group_generator(rf, &e);
    CHECK(elt_is_text(rf, &e, "2"));
    cns_group_identity(rf, &e);
    CHECK(elt_is_text(rf, &e, "1"));
    check_order(rf, RFC_Q);

    cns_group_generator(ff, &e);
    CHECK(elt_is_text(ff, &e, FF_G));
    cns_group_generator(ed, &e);
    CHECK(elt_is_text(ed, &e, ED_G));
    cns_group_generator(ri, &e);
    CHECK(elt_is_text(ri, &e, RI_G));
    cns_group_identity(ff, &e);
    CHECK(elt_is_text(ff, &e, "1"));
    cns_group_identity(ed, &e);
    CHECK(elt_is_text(ed, &e, "0000000000000000000000000000000000000000000000000000000000000001"));
    cns_group_identity(ri, &e);
    CHECK(elt_is_text(ri, &e, RI_MULTIPLES[0]));

    check_order(ff, FF_Q);
    check_order(ed, L_25519);
    check_order(ri, L_25519);
}

/* ---- encodings ----------------------------------------------------------------- */

static void check_round_trips(const cns_group *g)
{
    unsigned char bytes[CNS_ELT_MAX_BYTES], again[CNS_ELT_MAX_BYTES];
    char text[CNS_ELT_TEXT_MAX];
    bool ok = true;

    for (int i = 0; i < 20; i++) {
        cns_elt e, back;
        if (i == 0)
            cns_group_identity(g, &e);
        else
            e = random_elt(g);
        size_t n = cns_elt_to_text(g, text, sizeof text, &e);
        ok = ok && n == strlen(text) && n > 0;
        ok = ok && cns_elt_from_text(g, &back, text, n) == CNS_OK && cns_elt_eq(g, &back, &e);
        cns_elt_encode(g, bytes, &e);
        ok = ok && cns_elt_decode(g, &back, bytes, cns_elt_bytes(g)) == CNS_OK;
        ok = ok && cns_elt_eq(g, &back, &e);
        cns_elt_encode(g, again, &back); /* the same encoding again */
        ok = ok && memcmp(again, bytes, cns_elt_bytes(g)) == 0;
    }
    CHECK(ok);

    /* A too small buffer gives "" and 0; the exact size works. */
    cns_elt gen;
    cns_group_generator(g, &gen);
    size_t need = cns_elt_to_text(g, text, sizeof text, &gen) + 1;
    memset(text, 'x', sizeof text);
    CHECK(cns_elt_to_text(g, text, need - 1, &gen) == 0 && text[0] == '\0');
    CHECK(cns_elt_to_text(g, text, need, &gen) == need - 1 && text[need - 1] == '\0');

    /* Wrong lengths of the byte form. */
    memset(bytes, 0, sizeof bytes);
    cns_elt e;
    CHECK_ERR(cns_elt_decode(g, &e, bytes, cns_elt_bytes(g) - 1), CNS_ERR_DECODE);
    CHECK_ERR(cns_elt_decode(g, &e, bytes, cns_elt_bytes(g) + 1), CNS_ERR_DECODE);
    CHECK_ERR(cns_elt_decode(g, &e, bytes, 0), CNS_ERR_DECODE);
}

static void test_ff_encodings(void)
{
    char text[2 * CNS_ELT_TEXT_MAX];
    unsigned char bytes[256];
    cns_elt e;
    mpz_t p, t;

    check_round_trips(ff);
    expect_elt_text(ff, FF_G, CNS_OK);
    expect_elt_text(ff, "1", CNS_OK);

    /* Malformed text. */
    const char *bad[] = {"", "+1", "-1", " 1", "1 ", "01", "00", "0x1", "1e3", "١", "1\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_elt_text(ff, bad[i], CNS_ERR_DECODE);
    snprintf(text, sizeof text, "0%s", FF_G);
    expect_elt_text(ff, text, CNS_ERR_DECODE);
    snprintf(text, sizeof text, "%s ", FF_G);
    expect_elt_text(ff, text, CNS_ERR_DECODE);
    CHECK_ERR(cns_elt_from_text(ff, &e, "12\0003", 4), CNS_ERR_DECODE);

    /* Well-formed, out of range or outside the subgroup. */
    mpz_inits(p, t, NULL);
    CHECK(mpz_set_str(p, FF_P, 10) == 0);
    expect_elt_text(ff, "0", CNS_ERR_INVALID);
    expect_elt_text(ff, "2", CNS_ERR_INVALID);
    expect_elt_text(ff, FF_P, CNS_ERR_INVALID);
    mpz_sub_ui(t, p, 1);
    mpz_text(text, sizeof text, t); /* −1: order 2 */
    expect_elt_text(ff, text, CNS_ERR_INVALID);
    mpz_add_ui(t, p, 1);
    mpz_text(text, sizeof text, t); /* p + 1 ≡ 1, not canonical */
    expect_elt_text(ff, text, CNS_ERR_INVALID);
    memset(text, '9', 700); /* 700 digits */
    text[700] = '\0';
    expect_elt_text(ff, text, CNS_ERR_INVALID);
    text[350] = 'x';
    expect_elt_text(ff, text, CNS_ERR_DECODE);

    /* Byte form: big-endian, 256 bytes. */
    memset(bytes, 0, sizeof bytes);
    CHECK_ERR(cns_elt_decode(ff, &e, bytes, 256), CNS_ERR_INVALID);
    bytes[255] = 1;
    CHECK_OK(cns_elt_decode(ff, &e, bytes, 256));
    CHECK(elt_is_text(ff, &e, "1"));
    bytes[255] = 2;
    CHECK_ERR(cns_elt_decode(ff, &e, bytes, 256), CNS_ERR_INVALID);
    size_t count;
    mpz_export(bytes, &count, 1, 1, 1, 0, p);
    CHECK(count == 256);
    CHECK_ERR(cns_elt_decode(ff, &e, bytes, 256), CNS_ERR_INVALID);
    memset(bytes, 0xff, sizeof bytes);
    CHECK_ERR(cns_elt_decode(ff, &e, bytes, 256), CNS_ERR_INVALID);
    mpz_set_str(t, FF_G, 10);
    memset(bytes, 0, sizeof bytes);
    mpz_export(bytes + 256 - (mpz_sizeinbase(t, 2) + 7) / 8, &count, 1, 1, 1, 0, t);
    CHECK_OK(cns_elt_decode(ff, &e, bytes, 256));
    CHECK(elt_is_text(ff, &e, FF_G));
    mpz_clears(p, t, NULL);
}

/*
 * RFC-3526-2048: the subgroup is the quadratic residues; the check must
 * refuse 0, p, p − 1 (order 2), a non-residue and p + 1, and accept squares.
 */
static void test_rfc_encodings(void)
{
    char text[2 * CNS_ELT_TEXT_MAX];
    cns_elt e;
    mpz_t p, t, r;

    check_round_trips(rf);
    expect_elt_text(rf, "1", CNS_OK);
    expect_elt_text(rf, "2", CNS_OK);
    expect_elt_text(rf, "4", CNS_OK);
    expect_elt_text(rf, "0", CNS_ERR_INVALID);
    expect_elt_text(rf, "01", CNS_ERR_DECODE);
    expect_elt_text(rf, RFC_P, CNS_ERR_INVALID);
    mpz_inits(p, t, r, NULL);
    CHECK(mpz_set_str(p, RFC_P, 10) == 0);
    mpz_sub_ui(t, p, 1); /* −1 is a non-residue since p ≡ 3 (mod 4) */
    mpz_text(text, sizeof text, t);
    expect_elt_text(rf, text, CNS_ERR_INVALID);
    mpz_sub_ui(t, p, 2); /* −2: −1 · 2, a non-residue */
    mpz_text(text, sizeof text, t);
    expect_elt_text(rf, text, CNS_ERR_INVALID);
    mpz_add_ui(t, p, 1);
    mpz_text(text, sizeof text, t);
    expect_elt_text(rf, text, CNS_ERR_INVALID);
    /* Every square of a random value is in, its negation is out; agrees with x^q. */
    bool ok = true;
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    mpz_t q;
    mpz_init_set_str(q, RFC_Q, 10);
    for (int i = 0; i < 20; i++) {
        mpz_urandomm(r, rs, p);
        mpz_add_ui(r, r, 1);
        mpz_powm_ui(t, r, 2, p);
        mpz_text(text, sizeof text, t);
        ok = ok && cns_elt_from_text(rf, &e, text, strlen(text)) == CNS_OK;
        mpz_sub(t, p, t);
        mpz_text(text, sizeof text, t);
        ok = ok && cns_elt_from_text(rf, &e, text, strlen(text)) == CNS_ERR_INVALID;
        mpz_powm(t, t, q, p);
        ok = ok && mpz_cmp_ui(t, 1) != 0;
    }
    CHECK(ok);
    mpz_clear(q);
    gmp_randclear(rs);
    mpz_clears(p, t, r, NULL);
}

static void test_ed_encodings(void)
{
    static const unsigned char order8[2][32] = {
        /* the two order-8 y values of libsodium's small-order list, little-endian */
        {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
         0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
         0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
        {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
         0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
         0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    };
    unsigned char le[32], gen[32];
    char text[80];
    cns_elt e;

    check_round_trips(ed);
    expect_elt_text(ed, ED_G, CNS_OK);
    expect_elt_text(ed, "0000000000000000000000000000000000000000000000000000000000000001", CNS_OK);

    /* Malformed text. */
    expect_elt_text(ed, "6666666666666666666666666666666666666666666666666666666666666666658",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "666666666666666666666666666666666666666666666666666666666666658",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "66666666666666666666666666666666666666666666666666666666666666580",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "", CNS_ERR_DECODE);
    expect_elt_text(ed, "1", CNS_ERR_DECODE);
    expect_elt_text(ed, "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d7G",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d7 ",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "+666666666666666666666666666666666666666666666666666666666666658",
                    CNS_ERR_DECODE);
    /* A valid element written in uppercase. */
    cns_scalar k = scalar_u64(ed, 1234567);
    cns_group_pow_g(ed, &e, &k);
    cns_elt_to_text(ed, text, sizeof text, &e);
    expect_elt_text(ed, text, CNS_OK);
    bool changed = false;
    for (char *c = text; *c != '\0'; c++) {
        if (*c >= 'a' && *c <= 'f') {
            *c = (char)(*c - 'a' + 'A');
            changed = true;
        }
    }
    CHECK(changed);
    expect_elt_text(ed, text, CNS_ERR_DECODE);

    /* Non-canonical: y ≥ p (p + 1 ≡ 1, p ≡ 0, 2^255 − 1), sign bit set with x = 0. */
    expect_elt_text(ed, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "8000000000000000000000000000000000000000000000000000000000000001",
                    CNS_ERR_DECODE);
    expect_elt_text(ed, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec",
                    CNS_ERR_DECODE);

    /* Canonical but not in the subgroup: torsion points of order 2, 4, 8. */
    expect_elt_text(ed, "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec",
                    CNS_ERR_INVALID); /* (0, −1), order 2 */
    expect_elt_text(ed, "0000000000000000000000000000000000000000000000000000000000000000",
                    CNS_ERR_INVALID); /* (√−1, 0), order 4 */
    expect_elt_text(ed, "8000000000000000000000000000000000000000000000000000000000000000",
                    CNS_ERR_INVALID); /* (−√−1, 0), order 4 */
    for (int i = 0; i < 2; i++) {
        for (int sign = 0; sign < 2; sign++) {
            memcpy(le, order8[i], 32);
            le[31] |= (unsigned char)(sign << 7);
            hex_reversed(text, le);
            expect_elt_text(ed, text, CNS_ERR_INVALID);
            CHECK_ERR(cns_elt_decode(ed, &e, le, 32), CNS_ERR_INVALID);
        }
    }
    /* Not on the curve (y = 2), and on the curve with a torsion component (g + T). */
    expect_elt_text(ed, "0000000000000000000000000000000000000000000000000000000000000002",
                    CNS_ERR_INVALID);
    cns_group_generator(ed, &e);
    cns_elt_encode(ed, gen, &e);
    for (int i = 0; i < 2; i++) {
        CHECK(crypto_core_ed25519_add(le, gen, order8[i]) == 0);
        CHECK_ERR(cns_elt_decode(ed, &e, le, 32), CNS_ERR_INVALID);
        hex_reversed(text, le);
        expect_elt_text(ed, text, CNS_ERR_INVALID);
    }

    /* The byte form is the RFC 8032 encoding (the text form reversed). */
    cns_group_generator(ed, &e);
    cns_elt_encode(ed, le, &e);
    hex_reversed(text, le);
    CHECK(strcmp(text, ED_G) == 0);
}

static void test_ri_encodings(void)
{
    unsigned char bytes[32];
    char text[80];
    cns_elt e, acc, gen;
    bool ok = true;

    check_round_trips(ri);
    cns_group_identity(ri, &acc);
    cns_group_generator(ri, &gen);
    for (int i = 0; i < 16; i++) {
        cns_scalar k = scalar_u64(ri, (uint64_t)i);
        expect_elt_text(ri, RI_MULTIPLES[i], CNS_OK);
        cns_group_pow_g(ri, &e, &k);
        ok = ok && elt_is_text(ri, &e, RI_MULTIPLES[i]) && cns_elt_eq(ri, &e, &acc);
        cns_elt_mul(ri, &acc, &acc, &gen);
    }
    CHECK(ok);
    for (size_t i = 0; i < sizeof RI_INVALID / sizeof RI_INVALID[0]; i++) {
        expect_elt_text(ri, RI_INVALID[i], CNS_ERR_DECODE);
        CHECK(sodium_hex2bin(bytes, 32, RI_INVALID[i], 64, NULL, NULL, NULL) == 0);
        CHECK_ERR(cns_elt_decode(ri, &e, bytes, 32), CNS_ERR_DECODE);
    }
    snprintf(text, sizeof text, "%s", RI_G);
    text[0] = 'E';
    expect_elt_text(ri, text, CNS_ERR_DECODE);
    text[0] = 'e';
    text[63] = '\0';
    expect_elt_text(ri, text, CNS_ERR_DECODE);
    snprintf(text, sizeof text, "%s0", RI_G);
    expect_elt_text(ri, text, CNS_ERR_DECODE);
    expect_elt_text(ri, "", CNS_ERR_DECODE);
}

/* ---- scalars ------------------------------------------------------------------ */

static void test_scalar_text(const cns_group *g, const char *q_text)
{
    char text[2 * CNS_SCALAR_TEXT_MAX];
    bool small_q = strlen(q_text) < 100; /* 256-bit orders; RFC-3526-2048's q has 2047 bits */
    cns_scalar k, back;

    expect_scalar_text(g, "0", CNS_OK);
    expect_scalar_text(g, "1", CNS_OK);
    expect_scalar_text(g, "18446744073709551616", CNS_OK); /* 2^64 */
    const char *bad[] = {"", "00", "01", "+1", "-1", " 1", "1 ", "1.0", "0x10", "1e9", "٣"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_scalar_text(g, bad[i], CNS_ERR_DECODE);
    CHECK_ERR(cns_scalar_from_text(g, &k, "1\0002", 3), CNS_ERR_DECODE);

    /* q − 1 is the largest; q, q + 1, 2^256 and 79 digits are refused. */
    cns_scalar one = scalar_u64(g, 1), minus_one;
    cns_scalar_neg(g, &minus_one, &one);
    cns_scalar_to_text(g, text, sizeof text, &minus_one);
    expect_scalar_text(g, text, CNS_OK);
    expect_scalar_text(g, q_text, CNS_ERR_DECODE);
    mpz_t q;
    mpz_init_set_str(q, q_text, 10);
    mpz_add_ui(q, q, 1);
    mpz_text(text, sizeof text, q);
    expect_scalar_text(g, text, CNS_ERR_DECODE);
    mpz_clear(q);
    cns_err want = small_q ? CNS_ERR_DECODE : CNS_OK;
    expect_scalar_text(
        g, "115792089237316195423570985008687907853269984665640564039457584007913129639936",
        want); /* 2^256 */
    expect_scalar_text(
        g, "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        want); /* 2^256 − 1 */
    memset(text, '0', 79);
    text[0] = '1';
    text[79] = '\0';
    expect_scalar_text(g, text, want);
    memset(text, '9', 150);
    text[150] = '\0';
    expect_scalar_text(g, text, want);
    memset(text, '9', 700); /* above every order */
    text[700] = '\0';
    expect_scalar_text(g, text, CNS_ERR_DECODE);
    memset(text, '9', 617); /* 617 digits: above 2^2048 */
    text[617] = '\0';
    expect_scalar_text(g, text, CNS_ERR_DECODE);

    /* Round trips of random scalars; a small buffer gives "". */
    bool ok = true;
    for (int i = 0; i < 50; i++) {
        cns_scalar_random(g, &k);
        size_t n = cns_scalar_to_text(g, text, CNS_SCALAR_TEXT_MAX, &k);
        ok = ok && n > 0 && cns_scalar_from_text(g, &back, text, n) == CNS_OK;
        ok = ok && cns_scalar_eq(&k, &back);
    }
    CHECK(ok);
    k = scalar_u64(g, 12345);
    CHECK(cns_scalar_to_text(g, text, 5, &k) == 0 && text[0] == '\0');
    CHECK(cns_scalar_to_text(g, text, 6, &k) == 5 && strcmp(text, "12345") == 0);
    k = scalar_u64(g, 0);
    CHECK(cns_scalar_to_text(g, text, 1, &k) == 0);
    CHECK(cns_scalar_to_text(g, text, 2, &k) == 1 && strcmp(text, "0") == 0);
}

static void test_scalar_algebra(const cns_group *g)
{
    cns_scalar a, b, c, d, zero = scalar_u64(g, 0), one = scalar_u64(g, 1);
    unsigned char digest[32];

    cns_scalar_random(g, &a);
    cns_scalar_random(g, &b);
    /* (a + b) − b = a, a − a = 0, a + (−a) = 0, −0 = 0 */
    cns_scalar_add(g, &c, &a, &b);
    cns_scalar_sub(g, &c, &c, &b);
    CHECK(cns_scalar_eq(&c, &a));
    cns_scalar_sub(g, &c, &a, &a);
    CHECK(cns_scalar_is_zero(&c));
    cns_scalar_neg(g, &c, &a);
    cns_scalar_add(g, &c, &c, &a);
    CHECK(cns_scalar_is_zero(&c));
    cns_scalar_neg(g, &c, &zero);
    CHECK(cns_scalar_is_zero(&c));
    CHECK(!cns_scalar_is_zero(&one) && !cns_scalar_eq(&a, &b));
    /* a·(b + 1) = a·b + a; a · a⁻¹ = 1; 0 has no inverse */
    cns_scalar_add(g, &c, &b, &one);
    cns_scalar_mul(g, &c, &a, &c);
    cns_scalar_mul(g, &d, &a, &b);
    cns_scalar_add(g, &d, &d, &a);
    CHECK(cns_scalar_eq(&c, &d));
    CHECK_OK(cns_scalar_inv(g, &c, &a));
    cns_scalar_mul(g, &c, &c, &a);
    CHECK(cns_scalar_eq(&c, &one));
    CHECK_OK(cns_scalar_inv(g, &c, &one));
    CHECK(cns_scalar_eq(&c, &one));
    c = a;
    CHECK_OK(cns_scalar_inv(g, &c, &c)); /* aliasing */
    cns_scalar_mul(g, &c, &c, &a);
    CHECK(cns_scalar_eq(&c, &one));
    CHECK_ERR(cns_scalar_inv(g, &c, &zero), CNS_ERR_INVALID);
    /* u64 and digests: 2^256 − 1 = (2^64)^4 − 1 */
    cns_scalar two64 = scalar_u64(g, UINT64_C(1) << 63);
    cns_scalar_add(g, &two64, &two64, &two64);
    cns_scalar_mul(g, &c, &two64, &two64);
    cns_scalar_mul(g, &c, &c, &c);
    cns_scalar_sub(g, &c, &c, &one);
    memset(digest, 0xff, sizeof digest);
    cns_scalar_from_digest(g, &d, digest);
    CHECK(cns_scalar_eq(&c, &d));
    memset(digest, 0, sizeof digest);
    digest[31] = 7;
    cns_scalar_from_digest(g, &d, digest);
    c = scalar_u64(g, 7);
    CHECK(cns_scalar_eq(&c, &d));
    c = scalar_u64(g, UINT64_MAX);
    cns_scalar_add(g, &d, &two64, &zero);
    cns_scalar_sub(g, &d, &d, &one);
    CHECK(cns_scalar_eq(&c, &d));
}

/* ---- element algebra --------------------------------------------------------- */

static void test_elt_algebra(const cns_group *g)
{
    cns_scalar a, b, c, zero = scalar_u64(g, 0), one = scalar_u64(g, 1), minus_one;
    cns_elt ga, gb, x, y, gen, id;

    cns_group_generator(g, &gen);
    cns_group_identity(g, &id);
    cns_scalar_random(g, &a);
    cns_scalar_random(g, &b);
    cns_group_pow_g(g, &ga, &a);
    cns_group_pow_g(g, &gb, &b);

    /* g^a · g^b = g^(a+b); g^a / g^b = g^(a−b); (g^a)^b = g^(ab) */
    cns_elt_mul(g, &x, &ga, &gb);
    cns_scalar_add(g, &c, &a, &b);
    cns_group_pow_g(g, &y, &c);
    CHECK(cns_elt_eq(g, &x, &y));
    cns_elt_div(g, &x, &ga, &gb);
    cns_scalar_sub(g, &c, &a, &b);
    cns_group_pow_g(g, &y, &c);
    CHECK(cns_elt_eq(g, &x, &y));
    cns_elt_pow(g, &x, &ga, &b);
    cns_scalar_mul(g, &c, &a, &b);
    cns_group_pow_g(g, &y, &c);
    CHECK(cns_elt_eq(g, &x, &y));
    cns_elt_pow_public(g, &y, &ga, &b);
    CHECK(cns_elt_eq(g, &x, &y));
    cns_elt_pow(g, &y, &gen, &a);
    CHECK(cns_elt_eq(g, &y, &ga));

    /* Aliasing of out with the inputs. */
    x = ga;
    cns_elt_mul(g, &x, &x, &gb);
    cns_elt_mul(g, &y, &ga, &gb);
    CHECK(cns_elt_eq(g, &x, &y));
    x = gb;
    cns_elt_div(g, &x, &ga, &x);
    cns_elt_div(g, &y, &ga, &gb);
    CHECK(cns_elt_eq(g, &x, &y));
    x = ga;
    cns_elt_pow(g, &x, &x, &b);
    cns_elt_pow(g, &y, &ga, &b);
    CHECK(cns_elt_eq(g, &x, &y));

    /* The identity: x·1 = x, x/x = 1, 1/x · x = 1, g^0 = 1, 1^k = 1, g^1 = g, g^(q−1)·g = 1 */
    cns_elt_mul(g, &x, &ga, &id);
    CHECK(cns_elt_eq(g, &x, &ga));
    cns_elt_div(g, &x, &ga, &ga);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_div(g, &x, &id, &ga);
    cns_elt_mul(g, &x, &x, &ga);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_mul(g, &x, &id, &id);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_group_pow_g(g, &x, &zero);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_pow(g, &x, &ga, &zero);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_pow_public(g, &x, &ga, &zero);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_pow(g, &x, &id, &a);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_pow_public(g, &x, &id, &a);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_pow(g, &x, &id, &zero);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_group_pow_g(g, &x, &one);
    CHECK(cns_elt_eq(g, &x, &gen));
    cns_elt_pow(g, &x, &ga, &one);
    CHECK(cns_elt_eq(g, &x, &ga));
    cns_scalar_neg(g, &minus_one, &one);
    cns_group_pow_g(g, &x, &minus_one);
    cns_elt_mul(g, &x, &x, &gen);
    CHECK(cns_elt_eq(g, &x, &id));
    cns_elt_pow_public(g, &x, &ga, &minus_one);
    cns_elt_mul(g, &x, &x, &ga);
    CHECK(cns_elt_eq(g, &x, &id));
    CHECK(!cns_elt_eq(g, &ga, &gb) && !cns_elt_eq(g, &ga, &id));
    /* Small powers against repeated products. */
    bool ok = true;
    x = id;
    for (uint64_t i = 0; i < 10; i++) {
        c = scalar_u64(g, i);
        cns_group_pow_g(g, &y, &c);
        ok = ok && cns_elt_eq(g, &x, &y);
        cns_elt_pow(g, &y, &gen, &c);
        ok = ok && cns_elt_eq(g, &x, &y);
        cns_elt_pow_public(g, &y, &gen, &c);
        ok = ok && cns_elt_eq(g, &x, &y);
        cns_elt_mul(g, &x, &x, &gen);
    }
    CHECK(ok);
}

static void test_multi_pow(const cns_group *g)
{
    enum { MAX = 5 };
    cns_elt bases[MAX], x, y, t;
    cns_scalar exps[MAX];

    CHECK_OK(cns_elt_multi_pow(g, &x, NULL, NULL, 0));
    cns_group_identity(g, &y);
    CHECK(cns_elt_eq(g, &x, &y));
    for (size_t n = 1; n <= MAX; n++) {
        cns_group_identity(g, &y);
        for (size_t i = 0; i < n; i++) {
            bases[i] = random_elt(g);
            cns_scalar_random(g, &exps[i]);
            if (i == 1)
                cns_scalar_from_u64(g, &exps[i], 0);
            if (i == 2)
                cns_group_identity(g, &bases[i]);
            cns_elt_pow(g, &t, &bases[i], &exps[i]);
            cns_elt_mul(g, &y, &y, &t);
        }
        CHECK_OK(cns_elt_multi_pow(g, &x, bases, exps, n));
        CHECK(cns_elt_eq(g, &x, &y));
    }
    /* out may alias a base. */
    CHECK_OK(cns_elt_multi_pow(g, &bases[0], bases, exps, MAX));
    CHECK(cns_elt_eq(g, &bases[0], &y));
}

/* Fixed-base tables agree with plain powers: g, a random base, and the identity. */
static void test_bases(const cns_group *g)
{
    cns_elt b[3], a, x, y, t;
    bool ok = true;

    cns_group_generator(g, &b[0]);
    b[1] = random_elt(g);
    cns_group_identity(g, &b[2]);
    CHECK(cns_group_base_g(g) != NULL && cns_group_base_g(g) == cns_base_get(g, &b[0]));
    for (int i = 0; i < 3; i++) {
        const cns_base *base = cns_base_get(g, &b[i]);
        CHECK(base != NULL && base == cns_base_get(g, &b[i]));
        for (int k = 0; k < 6 && base != NULL; k++) {
            cns_scalar s, c;
            cns_scalar_random(g, &s);
            cns_scalar_random(g, &c);
            if (k == 0)
                cns_scalar_from_u64(g, &s, 0);
            if (k == 1)
                cns_scalar_from_u64(g, &c, 0);
            if (k == 2) /* q − 1, every digit large */
                cns_scalar_from_u64(g, &c, 1), cns_scalar_neg(g, &s, &c);
            a = random_elt(g);
            cns_elt_pow(g, &y, &b[i], &s);
            cns_base_pow(g, &x, base, &s);
            ok = ok && cns_elt_eq(g, &x, &y);
            cns_base_pow_public(g, &x, base, &s);
            ok = ok && cns_elt_eq(g, &x, &y);
            cns_elt_pow_public(g, &t, &a, &c);
            cns_elt_mul(g, &y, &y, &t);
            cns_base_pow2_public(g, &x, base, &s, &a, &c);
            ok = ok && cns_elt_eq(g, &x, &y);
        }
    }
    CHECK(ok);
}

/* ---- known answers from Belenios ---------------------------------------------------- */

static const char *testdata(void)
{
    const char *dir = getenv("CNS_TESTDATA");
    return dir != NULL ? dir : "../shared/testdata";
}

static json_t *load_json(const char *dir, const char *name)
{
    char path[1024];
    json_error_t error;
    snprintf(path, sizeof path, "%s/%s/%s", testdata(), dir, name);
    json_t *j = json_load_file(path, JSON_DECODE_ANY, &error);
    if (j == NULL)
        fprintf(stderr, "%s: %s (line %d)\n", path, error.text, error.line);
    return j;
}

/*
 * A trustee's {"pok":{"challenge","response"},"public_key"}: A = g^response ·
 * X^challenge and challenge = H("pok|" group "|" X "|" A) (spec 2.0 §4.5).
 */
static bool pok_verifies(const cns_group *g, json_t *key)
{
    const char *x_text = json_string_value(json_object_get(key, "public_key"));
    json_t *pok = json_object_get(key, "pok");
    const char *c_text = json_string_value(json_object_get(pok, "challenge"));
    const char *r_text = json_string_value(json_object_get(pok, "response"));
    cns_elt x, a, t;
    cns_scalar c, r, h;
    char a_text[CNS_ELT_TEXT_MAX];
    crypto_hash_sha256_state sha;
    unsigned char digest[32];

    if (x_text == NULL || c_text == NULL || r_text == NULL)
        return false;
    if (cns_elt_from_text(g, &x, x_text, strlen(x_text)) != CNS_OK ||
        cns_scalar_from_text(g, &c, c_text, strlen(c_text)) != CNS_OK ||
        cns_scalar_from_text(g, &r, r_text, strlen(r_text)) != CNS_OK)
        return false;
    cns_group_pow_g(g, &a, &r);
    cns_elt_pow_public(g, &t, &x, &c);
    cns_elt_mul(g, &a, &a, &t);
    size_t a_len = cns_elt_to_text(g, a_text, sizeof a_text, &a);
    crypto_hash_sha256_init(&sha);
    crypto_hash_sha256_update(&sha, (const unsigned char *)"pok|", 4);
    crypto_hash_sha256_update(&sha, (const unsigned char *)cns_group_name(g),
                              strlen(cns_group_name(g)));
    crypto_hash_sha256_update(&sha, (const unsigned char *)"|", 1);
    crypto_hash_sha256_update(&sha, (const unsigned char *)x_text, strlen(x_text));
    crypto_hash_sha256_update(&sha, (const unsigned char *)"|", 1);
    crypto_hash_sha256_update(&sha, (const unsigned char *)a_text, a_len);
    crypto_hash_sha256_final(&sha, digest);
    cns_scalar_from_digest(g, &h, digest);
    return cns_scalar_eq(&h, &c);
}

/* The same proof with a tampered response must fail. */
static bool pok_tampered_fails(const cns_group *g, json_t *key)
{
    json_t *copy = json_deep_copy(key);
    json_t *pok = json_object_get(copy, "pok");
    const char *r_text = json_string_value(json_object_get(pok, "response"));
    cns_scalar r, one = scalar_u64(g, 1);
    char text[CNS_SCALAR_TEXT_MAX];
    bool fails = false;

    if (r_text != NULL && cns_scalar_from_text(g, &r, r_text, strlen(r_text)) == CNS_OK) {
        cns_scalar_add(g, &r, &r, &one);
        cns_scalar_to_text(g, text, sizeof text, &r);
        json_object_set_new(pok, "response", json_string(text));
        fails = !pok_verifies(g, copy);
    }
    json_decref(copy);
    return fails;
}

static void check_keys(const cns_group *g, json_t *keys, size_t expected)
{
    size_t i;
    json_t *key;

    CHECK(json_array_size(keys) == expected);
    json_array_foreach(keys, i, key)
    {
        CHECK(pok_verifies(g, key));
    }
}

static void test_belenios(const char *dir, const char *privkey)
{
    json_t *election = load_json(dir, "election.json");
    const char *name = json_string_value(json_object_get(election, "group"));
    const cns_group *g = cns_group_by_name(name);
    CHECK(g != NULL);
    if (g == NULL) {
        json_decref(election);
        return;
    }

    /* The election public key is an element. */
    const char *y = json_string_value(json_object_get(election, "public_key"));
    CHECK(y != NULL);
    if (y != NULL)
        expect_elt_text(g, y, CNS_OK);

    /* public_keys.jsons: the server trustee's key, and its private key. */
    json_t *pub = load_json(dir, "public_keys.jsons");
    CHECK(pok_verifies(g, pub));
    CHECK(pok_tampered_fails(g, pub));
    json_t *priv = load_json(dir, privkey);
    const char *x_text = json_string_value(priv);
    const char *pub_text = json_string_value(json_object_get(pub, "public_key"));
    cns_scalar x;
    cns_elt gx;
    CHECK(x_text != NULL && pub_text != NULL);
    if (x_text != NULL && pub_text != NULL) {
        CHECK_OK(cns_scalar_from_text(g, &x, x_text, strlen(x_text)));
        cns_group_pow_g(g, &gx, &x);
        CHECK(elt_is_text(g, &gx, pub_text));
    }

    /* threshold.json and trustees.json: the Pedersen verification keys. */
    json_t *threshold = load_json(dir, "threshold.json");
    check_keys(g, json_object_get(threshold, "verification_keys"), 3);
    json_t *trustees = load_json(dir, "trustees.json");
    size_t i;
    json_t *t;
    int seen = 0;
    json_array_foreach(trustees, i, t)
    {
        const char *kind = json_string_value(json_array_get(t, 0));
        json_t *body = json_array_get(t, 1);
        if (kind != NULL && strcmp(kind, "Single") == 0) {
            CHECK(pok_verifies(g, body));
            seen |= 1;
        } else if (kind != NULL && strcmp(kind, "Pedersen") == 0) {
            check_keys(g, json_object_get(body, "verification_keys"), 3);
            seen |= 2;
        }
    }
    CHECK(seen == 3);

    json_decref(trustees);
    json_decref(threshold);
    json_decref(priv);
    json_decref(pub);
    json_decref(election);
}

/* Belenios 3.3's threshold records: the trustees' proofs of knowledge in each group. */
static void test_belenios_threshold(const char *dir, const char *group_name)
{
    const cns_group *g = cns_group_by_name(group_name);
    json_t *threshold = load_json(dir, "threshold.json");
    json_t *keys = json_object_get(threshold, "verification_keys");

    CHECK(g != NULL && threshold != NULL);
    if (g != NULL && threshold != NULL) {
        check_keys(g, keys, 3);
        CHECK(pok_tampered_fails(g, json_array_get(keys, 0)));
    }
    json_decref(threshold);
}

int main(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    test_lookup();
    test_parameters();
    test_ff_encodings();
    test_rfc_encodings();
    test_ed_encodings();
    test_ri_encodings();
    const cns_group *groups[4] = {ff, rf, ed, ri};
    const char *orders[4] = {FF_Q, RFC_Q, L_25519, L_25519};
    for (int i = 0; i < 4; i++) {
        test_scalar_text(groups[i], orders[i]);
        test_scalar_algebra(groups[i]);
        test_elt_algebra(groups[i]);
        test_multi_pow(groups[i]);
        test_bases(groups[i]);
    }
    test_belenios("belenios-2.0-ff", "C232985A.privkey");
    test_belenios("belenios-2.1-ed25519", "A7687693.privkey");
    test_belenios_threshold("belenios-3.3/a-ed25519-threshold", "Ed25519");
    test_belenios_threshold("belenios-3.3/b1-belenios2048-threshold", "BELENIOS-2048");
    test_belenios_threshold("belenios-3.3/b2-rfc3526-2048-threshold", "RFC-3526-2048");
    return CHECK_DONE();
}
