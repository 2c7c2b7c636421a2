/*
 * consulta — hard limits, checked at every decoder entry. An input beyond a
 * limit is refused with CNS_ERR_LIMIT, never truncated.
 */
#ifndef CONSULTA_LIMITS_H
#define CONSULTA_LIMITS_H

#define CNS_MAX_QUESTIONS      64         /* questions per election */
#define CNS_MAX_ANSWERS        256        /* answers per question */
#define CNS_MAX_ELECTION_BYTES (1u << 20) /* election.json */
#define CNS_MAX_BALLOT_BYTES   (4u << 20) /* one ballot */
#define CNS_MAX_TRUSTEES       64         /* trustees of one election */
#define CNS_MAX_WEIGHT         4294967295u /* weight of one credential (Belenios 3.x allows large ones) */
#define CNS_MAX_VOTERS         100000000 /* credentials of one election */

#endif
