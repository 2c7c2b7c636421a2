/*
 * A request's limits, decided from its method, path and Authorization
 * header before any of its body is read (server.h: server_gate). The routes
 * are matched exactly, as routes.c dispatches them; routes this file does
 * not know get the small default limit and are left to routes.c.
 */
#include <stdio.h>
#include <string.h>

#include "server_internal.h"

static const char unauthorized[] = "{\"error\":\"unauthorized\",\"message\":\"a valid token is "
                                   "needed (Authorization: Bearer …)\"}";
static const char not_admin[] =
    "{\"error\":\"forbidden\",\"message\":\"only the administrator does this\"}";
static const char not_trustee[] =
    "{\"error\":\"forbidden\",\"message\":\"only a trustee uploads a partial decryption\"}";

const char *server_route(const server *srv, const char *path)
{
    static const char prefix[] = "/elections/";
    const char *uuid = server_uuid(srv);
    size_t n = strlen(uuid);
    if (strncmp(path, prefix, sizeof prefix - 1) != 0)
        return NULL;
    path += sizeof prefix - 1;
    if (strncmp(path, uuid, n) != 0 || (path[n] != '\0' && path[n] != '/'))
        return NULL;
    return path + n;
}

static bool is_admin_route(const char *r)
{
    return strcmp(r, "/close") == 0 || strcmp(r, "/tally") == 0 || strcmp(r, "/result") == 0;
}

int server_gate(const server *srv, const char *method, const char *path, const char *authorization,
                size_t *body_max, const char **refusal)
{
    const char *r = server_route(srv, path);
    *body_max = SERVER_OTHER_MAX;
    *refusal = NULL;
    if (r == NULL || strcmp(method, "POST") != 0) {
        if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
            *body_max = 0;
        return 0;
    }
    if (strcmp(r, "/ballots") == 0) {
        *body_max = SERVER_BALLOT_MAX;
        return 0;
    }
    if (!is_admin_route(r) && strcmp(r, "/partial_decryptions") != 0)
        return 0;
    const char *role = server_authorize(srv, authorization);
    unsigned long long n = 0;
    if (role == NULL) {
        *refusal = unauthorized;
        return 401;
    }
    if (is_admin_route(r)) {
        *refusal = not_admin;
        return strcmp(role, "admin") == 0 ? 0 : 403;
    }
    if (sscanf(role, "trustee %llu", &n) != 1) {
        *refusal = not_trustee;
        return 403;
    }
    *body_max = SERVER_UPLOAD_MAX;
    return 0;
}
