/*
 * The fingerprint map (src/core/map.h): insertions, and removals (a board
 * coming back to a mark) that keep every other key findable, also in long
 * runs of keys sharing their home slot.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/map.h"

#define N 6000

/* Key i: its home slot (first 8 bytes) shared by runs of 7 keys when clustered. */
static void key_of(unsigned char key[CNS_KEY_BYTES], size_t i, bool clustered)
{
    uint64_t home = clustered ? (uint64_t)(i / 7) : (uint64_t)i * 0x9e3779b97f4a7c15u;
    memset(key, 0, CNS_KEY_BYTES);
    memcpy(key, &home, sizeof home);
    memcpy(key + 8, &i, sizeof i);
}

static void run(bool clustered)
{
    cns_map m;
    unsigned char key[CNS_KEY_BYTES];
    size_t found = 0, gone = 0, right = 0, put = 0, removed = 0;
    cns_map_init(&m);
    for (size_t i = 0; i < N; i++) {
        key_of(key, i, clustered);
        put += cns_map_put(&m, key, i + 1, NULL) == CNS_OK;
    }
    CHECK(put == N && m.count == N);
    /* remove every third key, in a scattered order */
    for (size_t k = 0; k < N; k++) {
        size_t i = (k * 2654435761u) % N;
        if (i % 3 != 0)
            continue;
        key_of(key, i, clustered);
        removed += cns_map_remove(&m, key);
    }
    CHECK(removed == N / 3);
    for (size_t i = 0; i < N; i++) {
        key_of(key, i, clustered);
        uint64_t *v = cns_map_get(&m, key);
        if (i % 3 == 0)
            gone += v == NULL;
        else {
            found += v != NULL;
            right += v != NULL && *v == i + 1;
        }
    }
    CHECK(gone == N / 3);
    CHECK(found == N - N / 3 && right == found);
    CHECK(m.count == N - N / 3);
    key_of(key, 0, clustered);
    CHECK(!cns_map_remove(&m, key)); /* already gone */
    CHECK_OK(cns_map_put(&m, key, 77, NULL));
    CHECK(cns_map_get(&m, key) != NULL && *cns_map_get(&m, key) == 77);
    cns_map_free(&m);
    CHECK(!cns_map_remove(&m, key)); /* empty map */
}

int main(void)
{
    run(false);
    run(true);
    return CHECK_DONE();
}
