/*
 * The count: dispatch to a method, the result object, and what the methods
 * share (JSON helpers, exact decimals, ties by lot, vote categories,
 * preference lists).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "count/internal.h"

/* ---- JSON helpers ---- */

void cnt_set(cnt_run *run, json_t *obj, const char *key, json_t *val)
{
    if (val == NULL || obj == NULL || json_object_set_new(obj, key, val) != 0)
        run->oom = true;
}

void cnt_push(cnt_run *run, json_t *arr, json_t *val)
{
    if (val == NULL || arr == NULL || json_array_append_new(arr, val) != 0)
        run->oom = true;
}

json_t *cnt_u64(uint64_t v)
{
    return json_integer((json_int_t)v); /* every count is below 10^15 (limits) */
}

json_t *cnt_names(cnt_run *run, const size_t *idx, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        cnt_push(run, a, json_string(run->in->cand[idx[i]]));
    return a;
}

cns_err cnt_oom(cnt_run *run)
{
    return cns_diag_set(run->diag, CNS_ERR_NOMEM, "count: out of memory");
}

static void set_u64(mpz_t z, uint64_t v)
{
    mpz_import(z, 1, -1, sizeof v, 0, 0, &v);
}

char *cnt_decimal(const mpq_t q, unsigned places)
{
    mpz_t s;
    mpz_init(s);
    mpz_ui_pow_ui(s, 10, places);
    mpz_mul(s, s, mpq_numref(q));
    mpz_tdiv_q(s, s, mpq_denref(q)); /* truncate toward zero */
    bool neg = mpz_sgn(s) < 0;
    mpz_abs(s, s);
    char *digits = malloc(mpz_sizeinbase(s, 10) + 2);
    char *out = NULL;
    if (digits != NULL) {
        mpz_get_str(digits, 10, s);
        size_t n = strlen(digits);
        size_t total = n > places ? n : places + 1, pad = total - n;
        out = malloc(total + 3);
        if (out != NULL) {
            char *p = out;
            if (neg)
                *p++ = '-';
            for (size_t i = 0; i < total; i++) {
                if (places > 0 && i == total - places)
                    *p++ = '.';
                *p++ = i < pad ? '0' : digits[i - pad];
            }
            *p = '\0';
        }
    }
    free(digits);
    mpz_clear(s);
    return out;
}

char *cnt_units(uint64_t v, unsigned places)
{
    mpq_t q;
    mpq_init(q);
    set_u64(mpq_numref(q), v);
    mpz_ui_pow_ui(mpq_denref(q), 10, places);
    char *s = cnt_decimal(q, places); /* cnt_decimal does not need a canonical q */
    mpq_clear(q);
    return s;
}

json_t *cnt_qjson(const mpq_t q)
{
    char *s = malloc(mpz_sizeinbase(mpq_numref(q), 10) + mpz_sizeinbase(mpq_denref(q), 10) + 3);
    if (s == NULL)
        return NULL;
    mpq_get_str(s, 10, q);
    json_t *j = json_string(s);
    free(s);
    return j;
}

json_t *cnt_decjson(const mpq_t q, unsigned places)
{
    char *s = cnt_decimal(q, places);
    if (s == NULL)
        return NULL;
    json_t *j = json_string(s);
    free(s);
    return j;
}

int cnt_cmp_mul(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    mpz_t x, y, t;
    mpz_inits(x, y, t, NULL);
    set_u64(x, a);
    set_u64(t, b);
    mpz_mul(x, x, t);
    set_u64(y, c);
    set_u64(t, d);
    mpz_mul(y, y, t);
    int r = mpz_cmp(x, y);
    mpz_clears(x, y, t, NULL);
    return r < 0 ? -1 : r > 0;
}

/* ---- result contents ---- */

static cns_err grow_strings(char ***arr, size_t n, const char *s)
{
    char **a = realloc(*arr, (n + 1) * sizeof *a);
    if (a == NULL)
        return CNS_ERR_NOMEM;
    *arr = a;
    a[n] = cnt_strndup(s, strlen(s));
    return a[n] == NULL ? CNS_ERR_NOMEM : CNS_OK;
}

cns_err cnt_add_bar(cnt_run *run, const char *name, uint64_t val, const char *text)
{
    cns_count_result *r = run->res;
    char buf[32];
    if (text == NULL) {
        snprintf(buf, sizeof buf, "%" PRIu64, val);
        text = buf;
    }
    uint64_t *v = realloc(r->bar_val, (r->nbars + 1) * sizeof *v);
    if (v == NULL)
        return cnt_oom(run);
    r->bar_val = v;
    v[r->nbars] = val;
    if (grow_strings(&r->bar_names, r->nbars, name) != CNS_OK)
        return cnt_oom(run);
    if (grow_strings(&r->bar_text, r->nbars, text) != CNS_OK) {
        free(r->bar_names[r->nbars]);
        return cnt_oom(run);
    }
    r->nbars++;
    return CNS_OK;
}

cns_err cnt_add_elected(cnt_run *run, const char *name)
{
    cns_count_result *r = run->res;
    if (grow_strings(&r->elected, r->nelected, name) != CNS_OK)
        return cnt_oom(run);
    r->nelected++;
    return CNS_OK;
}

cns_err cnt_add_list_seats(cnt_run *run, const char *list, uint64_t seats)
{
    cns_count_result *r = run->res;
    for (size_t i = 0; i < r->nlists; i++) {
        if (strcmp(r->list_names[i], list) == 0) {
            r->list_seats[i] += seats;
            return CNS_OK;
        }
    }
    uint64_t *s = realloc(r->list_seats, (r->nlists + 1) * sizeof *s);
    if (s == NULL)
        return cnt_oom(run);
    r->list_seats = s;
    if (grow_strings(&r->list_names, r->nlists, list) != CNS_OK)
        return cnt_oom(run);
    s[r->nlists++] = seats;
    r->has_seats = true;
    return CNS_OK;
}

/* ---- ties ---- */

#define TIE_DOMAIN "consulta/count/tie/v1"

static void tie_key(const char *seed, const char *context, const char *name,
                    unsigned char out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256_state st;
    const unsigned char zero = 0;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)TIE_DOMAIN, strlen(TIE_DOMAIN));
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)seed, strlen(seed));
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)context, strlen(context));
    crypto_hash_sha256_update(&st, &zero, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_final(&st, out);
}

static json_t *hex_json(const unsigned char *b, size_t n)
{
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, b, n);
    return json_string(hex);
}

cns_err cnt_tie_order(cnt_run *run, const char *context, size_t n, size_t *items,
                      const char *const *names)
{
    const cns_count_rule *rule = run->rule;
    json_t *rec = json_object();
    json_t *tied = json_array();
    for (size_t i = 0; i < n; i++)
        cnt_push(run, tied, json_string(names[i]));
    cnt_set(run, rec, "context", json_string(context));
    cnt_set(run, rec, "tied", tied);
    /* insertion sort: ties are small */
    const char **nm = malloc((n ? n : 1) * sizeof *nm);
    unsigned char(*keys)[crypto_hash_sha256_BYTES] = malloc((n ? n : 1) * sizeof *keys);
    if (nm == NULL || keys == NULL) {
        free(nm);
        free(keys);
        json_decref(rec);
        return cnt_oom(run);
    }
    bool by_order = rule->ties_by_order;
    if (!by_order && rule->seed == NULL) {
        free(nm);
        free(keys);
        json_decref(rec);
        return cns_diag_set(run->diag, CNS_ERR_INVALID,
                            "count: %s: a tie between %s and %s is settled by lot, and the rule "
                            "has no tie_seed",
                            context, names[0], names[n > 1 ? 1 : 0]);
    }
    for (size_t i = 0; i < n; i++) {
        nm[i] = names[i];
        if (!by_order)
            tie_key(rule->seed, context, names[i], keys[i]);
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0; j--) {
            int c = by_order ? (items[j] < items[j - 1] ? -1 : 1)
                             : memcmp(keys[j], keys[j - 1], sizeof keys[j]);
            if (c >= 0)
                break;
            size_t ti = items[j];
            items[j] = items[j - 1];
            items[j - 1] = ti;
            const char *tn = nm[j];
            nm[j] = nm[j - 1];
            nm[j - 1] = tn;
            unsigned char tk[crypto_hash_sha256_BYTES];
            memcpy(tk, keys[j], sizeof tk);
            memcpy(keys[j], keys[j - 1], sizeof tk);
            memcpy(keys[j - 1], tk, sizeof tk);
        }
    }
    json_t *order = json_array();
    json_t *hk = json_array();
    for (size_t i = 0; i < n; i++) {
        cnt_push(run, order, json_string(nm[i]));
        if (!by_order)
            cnt_push(run, hk, hex_json(keys[i], sizeof keys[i]));
    }
    cnt_set(run, rec, "by", json_string(by_order ? "candidate order" : "lot (tie_seed)"));
    cnt_set(run, rec, "order", order);
    if (by_order)
        json_decref(hk);
    else
        cnt_set(run, rec, "sha256", hk);
    cnt_push(run, run->ties, rec);
    free(nm);
    free(keys);
    return CNS_OK;
}

/* ---- vote categories ---- */

void cnt_put_totals(cnt_run *run, uint64_t valid)
{
    const cns_count_input *in = run->in;
    uint64_t blank = in->blank, null = in->null;
    uint64_t cast = valid + blank + null;
    json_t *t = json_object();
    cnt_set(run, t, "valid", cnt_u64(valid));
    cnt_set(run, t, "blank", in->has_blank ? cnt_u64(blank) : json_null());
    cnt_set(run, t, "null", in->has_null ? cnt_u64(null) : json_null());
    cnt_set(run, t, "cast", cnt_u64(cast));
    uint64_t reg = run->rule->registered ? run->rule->registered : in->registered;
    bool has_reg = run->rule->registered != 0 || in->has_registered;
    cnt_set(run, t, "registered", has_reg ? cnt_u64(reg) : json_null());
    if (in->has_ballots_cast) { /* ballots may mark several options: count the marks apart */
        uint64_t marks = 0;
        for (size_t c = 0; c < in->ncand; c++)
            marks += in->votes[c];
        cnt_set(run, t, "marks", cnt_u64(marks));
    }
    cnt_set(run, run->doc, "votes", t);
    /* Constitution art. 184: void when blank + null exceed two thirds of votes cast */
    json_t *v = json_object();
    cnt_set(run, v, "rule",
            json_string("Peru Constitution art. 184: void if blank + null > "
                        "2/3 of votes cast"));
    cnt_set(run, v, "blank_plus_null", cnt_u64(blank + null));
    cnt_set(run, v, "cast", cnt_u64(cast));
    cnt_set(run, v, "known", json_boolean(in->has_blank || in->has_null));
    cnt_set(run, v, "void", json_boolean(cast > 0 && cnt_cmp_mul(blank + null, 3, cast, 2) > 0));
    cnt_set(run, run->doc, "annulment_test", v);
}

/* ---- preference lists ---- */

void cnt_prefs_free(cnt_prefs *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->pref[i]);
    free(p->pref);
    free(p->len);
    free(p->weight);
    memset(p, 0, sizeof *p);
}

static cns_err ballot_fail(cnt_run *run, const cnt_ballot *b, const char *what)
{
    const cns_count_input *in = run->in;
    if (in->format == CNS_COUNT_FORMAT_JSON)
        return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s: ballot %u: %s", in->source, b->line,
                            what);
    return cns_diag_set(run->diag, CNS_ERR_INVALID, "%s:%u: %s", in->source, b->line, what);
}

static int by_rank(const void *a, const void *b)
{
    const cnt_mark *x = a, *y = b;
    if (x->val != y->val)
        return x->val < y->val ? -1 : 1;
    return x->cand < y->cand ? -1 : x->cand > y->cand;
}

/*
 * The preference list of one ballot; refuses equal ranks among counted
 * candidates. Ranks are taken in order from 1: a rank held only by withdrawn
 * candidates is passed over, a rank held by nobody ends the list. Works on
 * the ballot's marks (sorted into by, room for ncand), in O(k log k).
 */
static cns_err one_prefs(cnt_run *run, const cnt_ballot *b, cnt_mark *by, size_t *pref, size_t *len)
{
    const cns_count_input *in = run->in;
    *len = 0;
    if (b->nmarks == 0)
        return CNS_OK;
    memcpy(by, b->marks, b->nmarks * sizeof *by);
    qsort(by, b->nmarks, sizeof *by, by_rank);
    uint32_t r = 1;
    for (size_t i = 0; i < b->nmarks && by[i].val == r; r++) {
        size_t found = 0, who = 0;
        for (; i < b->nmarks && by[i].val == r; i++) {
            if (!in->withdrawn[by[i].cand]) {
                found++;
                who = by[i].cand;
            }
        }
        if (found > 1)
            return ballot_fail(run, b, "equal ranks are not allowed by this method");
        if (found == 1)
            pref[(*len)++] = who;
    }
    return CNS_OK;
}

cns_err cnt_prefs_build(cnt_run *run, cnt_prefs *p)
{
    const cns_count_input *in = run->in;
    memset(p, 0, sizeof *p);
    size_t n = in->nballots;
    p->len = calloc(n ? n : 1, sizeof *p->len);
    p->pref = calloc(n ? n : 1, sizeof *p->pref);
    p->weight = calloc(n ? n : 1, sizeof *p->weight);
    if (p->len == NULL || p->pref == NULL || p->weight == NULL) {
        cnt_prefs_free(p);
        return cnt_oom(run);
    }
    p->n = n;
    size_t scratch[CNS_COUNT_MAX_CANDIDATES];
    cnt_mark by[CNS_COUNT_MAX_CANDIDATES];
    for (size_t i = 0; i < n; i++) {
        p->weight[i] = in->ballots[i].weight;
        cns_err err = one_prefs(run, &in->ballots[i], by, scratch, &p->len[i]);
        /* each list at its length (issue 10, item 13) */
        p->pref[i] = err == CNS_OK ? malloc((p->len[i] ? p->len[i] : 1) * sizeof **p->pref) : NULL;
        if (err == CNS_OK && p->pref[i] == NULL)
            err = cnt_oom(run);
        if (err != CNS_OK) {
            cnt_prefs_free(p);
            return err;
        }
        memcpy(p->pref[i], scratch, p->len[i] * sizeof **p->pref);
    }
    return CNS_OK;
}

/* ---- seats ---- */

uint32_t cnt_district_seats(const cns_count_rule *rule, const cns_count_input *in,
                            const char *dname)
{
    for (size_t i = 0; i < rule->ndseats; i++)
        if (dname != NULL && strcmp(rule->dseat_names[i], dname) == 0)
            return rule->dseat_vals[i];
    if (rule->seats != 0)
        return rule->seats;
    return in->seats_hint;
}

/* ---- the count ---- */

void cns_count_result_free(cns_count_result *r)
{
    if (r == NULL)
        return;
    json_decref(r->doc);
    for (size_t i = 0; i < r->nelected; i++)
        free(r->elected[i]);
    for (size_t i = 0; i < r->nlists; i++)
        free(r->list_names[i]);
    for (size_t i = 0; i < r->nbars; i++) {
        free(r->bar_names[i]);
        free(r->bar_text[i]);
    }
    free(r->elected);
    free(r->list_names);
    free(r->list_seats);
    free(r->bar_names);
    free(r->bar_text);
    free(r->bar_val);
    free(r);
}

static cns_err check_fit(const cns_count_rule *rule, const cns_count_input *in, cns_diag *diag)
{
    cnt_kind k = cnt_method_kind(rule->method);
    bool has_ballots = in->ndist == 0;
    if ((k == CNT_KIND_RANKED || k == CNT_KIND_GRADED) && !has_ballots)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %s needs ballots, not totals", in->source,
                            cnt_method_name(rule->method));
    if (k == CNT_KIND_COUNTS && has_ballots && rule->method != CNT_PLURALITY &&
        rule->method != CNT_REFERENDUM)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %s needs totals per list, not ballots",
                            in->source, cnt_method_name(rule->method));
    if (rule->method == CNT_SCHULZE && in->ncand > 200) /* cubic in the candidates */
        return cns_diag_set(diag, CNS_ERR_LIMIT,
                            "%s: schulze counts at most 200 candidates, not %zu", in->source,
                            in->ncand);
    if (in->ndist > 1 && rule->method != CNT_DHONDT && rule->method != CNT_SAINTE_LAGUE &&
        rule->method != CNT_SAINTE_LAGUE_14 && rule->method != CNT_HARE)
        return cns_diag_set(diag, CNS_ERR_INVALID, "%s: %s counts one district, not %zu",
                            in->source, cnt_method_name(rule->method), in->ndist);
    return CNS_OK;
}

static cns_err dispatch(cnt_run *run)
{
    switch (run->rule->method) {
    case CNT_REFERENDUM:
        return cnt_run_referendum(run);
    case CNT_PLURALITY:
    case CNT_APPROVAL:
        return cnt_run_plurality(run);
    case CNT_DHONDT:
    case CNT_SAINTE_LAGUE:
    case CNT_SAINTE_LAGUE_14:
    case CNT_HARE:
        return cnt_run_lists(run);
    case CNT_IRV:
        return cnt_run_irv(run);
    case CNT_STV_SCOTTISH:
        return cnt_run_scottish(run);
    case CNT_STV_MEEK:
        return cnt_run_meek(run);
    case CNT_STV_BELENIOS:
        return cnt_run_stv_belenios(run);
    case CNT_SCHULZE:
        return cnt_run_schulze(run);
    case CNT_MJ:
        return cnt_run_mj(run);
    default:
        return cns_diag_set(run->diag, CNS_ERR_INTERNAL, "count: unknown method");
    }
}

static void put_header(cnt_run *run)
{
    const cns_count_input *in = run->in;
    cnt_set(run, run->doc, "consulta_count", json_integer(1));
    cnt_set(run, run->doc, "method", json_string(cnt_method_name(run->rule->method)));
    cnt_set(run, run->doc, "rule", json_deep_copy(run->rule->echo));
    cnt_set(run, run->doc, "source", json_string(in->source));
    const char *title = run->rule->title != NULL ? run->rule->title : in->title;
    cnt_set(run, run->doc, "title", title != NULL ? json_string(title) : json_null());
    json_t *c = json_array();
    for (size_t i = 0; i < in->ncand; i++)
        cnt_push(run, c, json_string(in->cand[i]));
    cnt_set(run, run->doc, "candidates", c);
    json_t *w = json_array();
    for (size_t i = 0; i < in->ncand; i++)
        if (in->withdrawn != NULL && in->withdrawn[i])
            cnt_push(run, w, json_string(in->cand[i]));
    cnt_set(run, run->doc, "withdrawn", w);
    run->ties = json_array();
    cnt_set(run, run->doc, "ties", json_incref(run->ties));
}

static void put_elected(cnt_run *run)
{
    const cns_count_result *r = run->res;
    json_t *e = json_array();
    for (size_t i = 0; i < r->nelected; i++)
        cnt_push(run, e, json_string(r->elected[i]));
    cnt_set(run, run->doc, "elected", e);
    if (r->has_seats) {
        json_t *s = json_object();
        for (size_t i = 0; i < r->nlists; i++)
            cnt_set(run, s, r->list_names[i], cnt_u64(r->list_seats[i]));
        cnt_set(run, run->doc, "seats", s);
    }
}

cns_err cns_count_run(const cns_count_rule *rule, const cns_count_input *in, cns_count_result **out,
                      cns_diag *diag)
{
    if (rule == NULL || in == NULL || out == NULL)
        return cns_diag_set(diag, CNS_ERR_INVALID, "count: missing rule or input");
    *out = NULL;
    cns_err err = check_fit(rule, in, diag);
    if (err != CNS_OK)
        return err;
    cnt_run run = {.rule = rule, .in = in, .diag = diag};
    run.res = calloc(1, sizeof *run.res);
    if (run.res == NULL)
        return cnt_oom(&run);
    run.doc = run.res->doc = json_object();
    if (run.doc == NULL) {
        err = cnt_oom(&run);
        goto done;
    }
    put_header(&run);
    if ((err = dispatch(&run)) != CNS_OK)
        goto done;
    put_elected(&run);
    if (run.oom)
        err = cnt_oom(&run);
done:
    json_decref(run.ties);
    if (err != CNS_OK) {
        cns_count_result_free(run.res);
        return err;
    }
    *out = run.res;
    return CNS_OK;
}

/* ---- accessors ---- */

size_t cns_count_result_nelected(const cns_count_result *r)
{
    return r != NULL ? r->nelected : 0;
}

const char *cns_count_result_elected(const cns_count_result *r, size_t i)
{
    return r != NULL && i < r->nelected ? r->elected[i] : NULL;
}

uint64_t cns_count_result_seats(const cns_count_result *r, const char *list)
{
    for (size_t i = 0; r != NULL && list != NULL && i < r->nlists; i++)
        if (strcmp(r->list_names[i], list) == 0)
            return r->list_seats[i];
    return 0;
}

cns_err cns_count_result_json(const cns_count_result *r, char **out)
{
    if (r == NULL || out == NULL)
        return CNS_ERR_INVALID;
    *out = json_dumps(r->doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    return *out == NULL ? CNS_ERR_NOMEM : CNS_OK;
}
