/* Hash map on 16-byte fingerprints (map.h). */
#include "core/map.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

void cns_map_init(cns_map *map)
{
    memset(map, 0, sizeof *map);
}

void cns_map_free(cns_map *map)
{
    free(map->keys);
    free(map->values);
    free(map->used);
    cns_map_init(map);
}

void cns_map_key(unsigned char key[CNS_KEY_BYTES], const void *bytes, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, bytes, len);
    memcpy(key, digest, CNS_KEY_BYTES);
}

/* Keys are hashes already: their first bytes spread them. */
static size_t home(const cns_map *map, const unsigned char *key)
{
    uint64_t h;
    memcpy(&h, key, sizeof h);
    return (size_t)h & (map->cap - 1);
}

static size_t find_slot(const cns_map *map, const unsigned char *key)
{
    size_t i = home(map, key);
    while (map->used[i] && memcmp(map->keys + i * CNS_KEY_BYTES, key, CNS_KEY_BYTES) != 0)
        i = (i + 1) & (map->cap - 1);
    return i;
}

static cns_err grow(cns_map *map)
{
    cns_map bigger = {.cap = map->cap ? map->cap * 2 : 1024};
    bigger.keys = malloc(bigger.cap * CNS_KEY_BYTES);
    bigger.values = malloc(bigger.cap * sizeof *bigger.values);
    bigger.used = calloc(bigger.cap, sizeof *bigger.used);
    if (bigger.keys == NULL || bigger.values == NULL || bigger.used == NULL) {
        cns_map_free(&bigger);
        return CNS_ERR_NOMEM;
    }
    for (size_t i = 0; i < map->cap; i++) {
        if (!map->used[i])
            continue;
        size_t j = find_slot(&bigger, map->keys + i * CNS_KEY_BYTES);
        memcpy(bigger.keys + j * CNS_KEY_BYTES, map->keys + i * CNS_KEY_BYTES, CNS_KEY_BYTES);
        bigger.values[j] = map->values[i];
        bigger.used[j] = true;
    }
    bigger.count = map->count;
    cns_map_free(map);
    *map = bigger;
    return CNS_OK;
}

cns_err cns_map_put(cns_map *map, const unsigned char key[CNS_KEY_BYTES], uint64_t value,
                    uint64_t **existing)
{
    if (existing != NULL)
        *existing = NULL;
    if (2 * (map->count + 1) > map->cap && grow(map) != CNS_OK)
        return CNS_ERR_NOMEM;
    size_t i = find_slot(map, key);
    if (map->used[i]) {
        if (existing != NULL)
            *existing = &map->values[i];
        return CNS_OK;
    }
    memcpy(map->keys + i * CNS_KEY_BYTES, key, CNS_KEY_BYTES);
    map->values[i] = value;
    map->used[i] = true;
    map->count++;
    return CNS_OK;
}

uint64_t *cns_map_get(const cns_map *map, const unsigned char key[CNS_KEY_BYTES])
{
    if (map->cap == 0)
        return NULL;
    size_t i = find_slot(map, key);
    return map->used[i] ? &map->values[i] : NULL;
}

/* Slot h lies on the cyclic way from just after hole to j. */
static bool between(size_t hole, size_t h, size_t j)
{
    return hole < j ? (h > hole && h <= j) : (h > hole || h <= j);
}

bool cns_map_remove(cns_map *map, const unsigned char key[CNS_KEY_BYTES])
{
    if (map->cap == 0)
        return false;
    size_t hole = find_slot(map, key);
    if (!map->used[hole])
        return false;
    map->used[hole] = false;
    map->count--;
    /* linear probing: move back the entries that the hole would hide from their home */
    for (size_t j = (hole + 1) & (map->cap - 1); map->used[j]; j = (j + 1) & (map->cap - 1)) {
        if (between(hole, home(map, map->keys + j * CNS_KEY_BYTES), j))
            continue;
        memcpy(map->keys + hole * CNS_KEY_BYTES, map->keys + j * CNS_KEY_BYTES, CNS_KEY_BYTES);
        map->values[hole] = map->values[j];
        map->used[hole] = true;
        map->used[j] = false;
        hole = j;
    }
    return true;
}
