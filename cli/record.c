/* Who took part in a verified record (record.h). */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "i18n.h"
#include "text.h"
#include "util.h"

/* The data entries read since the last event (setup: election, trustees, credentials, setup_data).
 */
typedef struct pending {
    unsigned char *data[4];
    size_t len[4];
    size_t n;
} pending;

static void pending_clear(pending *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->data[i]);
    p->n = 0;
}

static bool pending_add(pending *p, const cns_archive_entry *e)
{
    if (p->n == 4) {
        free(p->data[0]);
        memmove(p->data, p->data + 1, 3 * sizeof p->data[0]);
        memmove(p->len, p->len + 1, 3 * sizeof p->len[0]);
        p->n--;
    }
    p->data[p->n] = malloc(e->len + 1);
    if (p->data[p->n] == NULL)
        return false;
    memcpy(p->data[p->n], e->content, e->len);
    p->data[p->n][e->len] = '\0';
    p->len[p->n++] = e->len;
    return true;
}

static void copy_name(char *dst, size_t cap, json_t *key)
{
    const char *name = json_string_value(json_object_get(key, "name"));
    snprintf(dst, cap, "%s", name != NULL ? name : "");
}

/* A Single trustee's key id: belenios-tool's, the upper-case hex start of SHA-256 of its key. */
static void key_id(char *dst, size_t cap, const char *text)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    for (size_t i = 0; i < 8 && i + 1 < cap; i++)
        dst[i] = hex[i] >= 'a' ? (char)(hex[i] - 'a' + 'A') : hex[i];
    dst[cap > 8 ? 8 : cap - 1] = '\0';
}

static void add_pedersen(cli_record *rec, json_t *params)
{
    json_t *certs = json_object_get(params, "certs");
    json_t *keys = json_object_get(params, "verification_keys");
    size_t members = json_array_size(certs);
    for (size_t j = 0; j < members && rec->n_trustees < CNS_MAX_TRUSTEES; j++) {
        cli_trustee *t = &rec->trustees[rec->n_trustees++];
        const char *msg = json_string_value(json_object_get(json_array_get(certs, j), "message"));
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, (const unsigned char *)(msg ? msg : ""), msg ? strlen(msg) : 0);
        sodium_bin2hex(t->key, sizeof t->key, digest, sizeof digest);
        t->pedersen = true;
        t->index = j + 1;
        t->members = members;
        t->threshold = (size_t)json_integer_value(json_object_get(params, "threshold"));
        copy_name(t->name, sizeof t->name, json_array_get(keys, j));
    }
}

static int read_trustees(cli_record *rec, const unsigned char *text, size_t len)
{
    json_t *list = json_loadb((const char *)text, len, 0, NULL);
    size_t i;
    json_t *item;
    if (!json_is_array(list))
        return json_decref(list), EXIT_REFUSED;
    json_array_foreach(list, i, item)
    {
        const char *kind = json_string_value(json_array_get(item, 0));
        json_t *body = json_array_get(item, 1);
        if (kind != NULL && strcmp(kind, "Pedersen") == 0) {
            add_pedersen(rec, body);
        } else if (rec->n_trustees < CNS_MAX_TRUSTEES) {
            cli_trustee *t = &rec->trustees[rec->n_trustees++];
            const char *pk = json_string_value(json_object_get(body, "public_key"));
            key_id(t->key, sizeof t->key, pk != NULL ? pk : "");
            t->index = t->members = t->threshold = 1;
            copy_name(t->name, sizeof t->name, body);
        }
    }
    json_decref(list);
    return EXIT_OK;
}

static void read_credentials(cli_record *rec, const unsigned char *text, size_t len)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, text, len);
    sodium_bin2base64(rec->credentials_fingerprint, sizeof rec->credentials_fingerprint, digest,
                      sizeof digest, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    json_t *list = json_loadb((const char *)text, len, 0, NULL);
    rec->credentials = json_array_size(list);
    json_decref(list);
}

static void read_owner(cli_record *rec, const unsigned char *text, size_t len)
{
    json_t *owned = json_loadb((const char *)text, len, 0, NULL);
    json_int_t owner = json_integer_value(json_object_get(owned, "owner"));
    if (owner >= 1 && (size_t)owner <= rec->n_trustees)
        rec->trustees[owner - 1].decrypted = true;
    json_decref(owned);
}

/* One event: what the data before it say. */
static int on_event(cli_record *rec, const cns_archive_entry *e, const pending *p)
{
    if (e->event.type == CNS_EVENT_SETUP && p->n == 4) {
        read_credentials(rec, p->data[2], p->len[2]);
        return read_trustees(rec, p->data[1], p->len[1]);
    }
    if (e->event.type == CNS_EVENT_PARTIAL_DECRYPTION && p->n >= 2)
        read_owner(rec, p->data[p->n - 1], p->len[p->n - 1]);
    return EXIT_OK;
}

int cli_record_read(const char *cmd, const char *path, const cns_board *board, cli_record *rec)
{
    cns_archive_reader *reader = NULL;
    cns_archive_entry e;
    cns_diag diag = {{0}};
    pending p = {0};
    cns_board_summary s;
    int rc = EXIT_REFUSED;
    memset(rec, 0, sizeof *rec);
    cns_board_summary_get(board, &s);
    cns_hash_to_hex(rec->chain_head, s.head.hash);
    rec->height = (unsigned long long)s.head.height;
    cns_err err = cns_archive_reader_open(&reader, path, 0, &diag);
    while (err == CNS_OK && (err = cns_archive_reader_next(reader, &e, &diag)) == CNS_OK &&
           e.kind != CNS_ARCHIVE_END) {
        if (e.kind == CNS_ARCHIVE_DATA && !pending_add(&p, &e))
            err = CNS_ERR_NOMEM;
        if (e.kind == CNS_ARCHIVE_EVENT) {
            if (on_event(rec, &e, &p) != EXIT_OK)
                err = cns_diag_set(&diag, CNS_ERR_DECODE, "%s: trustees: not a list", path);
            pending_clear(&p);
        }
    }
    rc = err == CNS_OK ? EXIT_OK : cli_fail(cmd, err, &diag);
    pending_clear(&p);
    cns_archive_reader_free(reader);
    return rc;
}

void cli_record_print(FILE *out, const cli_record *rec)
{
    fprintf(out, _("credentials fingerprint %s\n"), rec->credentials_fingerprint);
    for (size_t i = 0; i < rec->n_trustees; i++) {
        const cli_trustee *t = &rec->trustees[i];
        if (t->pedersen)
            fprintf(out, _("trustee %zu  %zu of %zu (%zu needed), certificate %s"), i + 1, t->index,
                    t->members, t->threshold, t->key);
        else
            fprintf(out, _("trustee %zu  key %s"), i + 1, t->key);
        if (t->name[0] != '\0')
            fputs(" \"", out), cli_put(out, t->name), fputc('"', out); /* from the record */
        fputs(t->decrypted ? _(", decrypted\n") : "\n", out);
    }
}
