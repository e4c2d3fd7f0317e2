/*
 * Outbound registration (RFC 3261 10.2) to a SIP provider: REGISTER with digest
 * authentication, refreshed before it expires, retried with back-off when it fails.
 * Control thread only.
 */
#ifndef SIP_REGCLIENT_H
#define SIP_REGCLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/transport.h"

struct sip_stack;
struct sip_regclient;

struct sip_regclient_cfg {
	const char *registrar; /* Request-URI, e.g. "sip:sip.provider.example" */
	const char *aor;       /* To and From, e.g. "sip:4951234567@sip.provider.example" */
	const char *contact_user; /* user part of our Contact (the DID the provider calls) */
	const char *user, *password; /* digest credentials */
	unsigned expires;      /* asked for; 0 means 600 */
	struct sip_peer peer;  /* where REGISTERs go (copied) */
};

/* After every final answer: status (200 = registered, 408 timeout, 401/403 refused...),
 * the expires granted (0 when not registered). */
typedef void(sip_regclient_fn)(struct sip_regclient *rc, uint16_t status, unsigned expires,
			       void *arg);

/* Starts registering at once. 0 or EINVAL (a field missing or unsafe). */
int sip_regclient_new(struct sip_regclient **rp, struct sip_stack *st,
		      const struct sip_regclient_cfg *cfg, sip_regclient_fn *fn, void *arg);
/* Stops: an un-REGISTER (Expires: 0) is sent when registered; no more callbacks. */
void sip_regclient_destroy(struct sip_regclient *rc);

bool sip_regclient_registered(const struct sip_regclient *rc);
uint16_t sip_regclient_status(const struct sip_regclient *rc); /* last final status, 0 none */
unsigned sip_regclient_retry_s(const struct sip_regclient *rc); /* current back-off */

#endif
