/* The registrar (RFC 3261 10.3): applies an authenticated REGISTER to the location service. */
#ifndef SIP_REGISTRAR_H
#define SIP_REGISTRAR_H

#include <stdint.h>

#include "core/str.h"

struct sip_location;
struct sip_msg;
struct sip_peer;
struct sip_tsx;

struct sip_registrar_cfg {
	unsigned min_expires, max_expires, default_expires, max_contacts;
};

struct sip_registrar;

int sip_registrar_new(struct sip_registrar **rp, struct sip_location *loc,
		      const struct sip_registrar_cfg *cfg);
void sip_registrar_destroy(struct sip_registrar *r);
void sip_registrar_set_cfg(struct sip_registrar *r, const struct sip_registrar_cfg *cfg);
/*
 * Answers req on tsx; the caller has authenticated user as the AOR's owner in tenant_id.
 * max_contacts 0 means the configured default. Invalid requests change nothing: 400 (bad
 * Contact, Contact * with others or Expires other than 0, CSeq not above a binding's from
 * the same Call-ID), 423 with Min-Expires, 403 past max_contacts.
 */
void sip_registrar_handle(struct sip_registrar *r, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, int64_t tenant_id, struct str user,
			  unsigned max_contacts);

#endif
