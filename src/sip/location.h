/*
 * The location service: addresses of record (tenant + user) and their
 * registered contacts, in memory on the control thread. Each contact expires
 * on its own wheel timer; every change is reported so it can be persisted.
 */
#ifndef SIP_LOCATION_H
#define SIP_LOCATION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hmap.h"
#include "core/timer.h"
#include "sip/transport.h"

struct loop;
struct sip_aor;

struct sip_contact {
	struct sip_contact *next; /* in the AOR's list */
	struct sip_aor *aor;      /* borrowed back-pointer */
	char *uri;                /* owned: Contact URI as sent */
	char *path;               /* owned or NULL: Path header values, comma-joined */
	char *instance;           /* owned or NULL: +sip.instance */
	char *user_agent;         /* owned or NULL */
	char *call_id;            /* owned */
	uint32_t cseq;
	int reg_id;
	int q1000;                /* q value × 1000, -1 when absent */
	uint64_t expires_at;      /* wall clock, s */
	struct sip_peer peer;     /* where the REGISTER came from (holds a conn ref) */
	struct timer expiry;
	struct timer ping;        /* OPTIONS keep-alive (NAT) */
	unsigned ping_failures;
};

struct sip_aor {
	struct hmap_node node;
	struct sip_location *loc; /* borrowed: the table it is in */
	int64_t tenant_id;
	char *user;               /* owned */
	struct sip_contact *contacts;
	unsigned ncontacts;
};

enum sip_location_change { SIP_LOC_ADDED, SIP_LOC_REFRESHED, SIP_LOC_REMOVED, SIP_LOC_EXPIRED };
typedef void(sip_location_change_fn)(enum sip_location_change what, const struct sip_contact *c,
				     void *arg);
typedef void(sip_location_ping_fn)(struct sip_contact *c, void *arg);

struct sip_location;

int sip_location_new(struct sip_location **lp, struct loop *loop, sip_location_change_fn *change,
		     void *arg);
void sip_location_destroy(struct sip_location *loc);
/* Keep-alive: ping_fn(contact) every interval_s while registered (0 = off). */
void sip_location_set_ping(struct sip_location *loc, unsigned interval_s,
			   sip_location_ping_fn *fn, void *arg);

struct sip_aor *sip_location_find(struct sip_location *loc, int64_t tenant_id, struct str user);
struct sip_contact *sip_aor_contact(struct sip_aor *aor, struct str uri);

struct sip_binding {
	struct str uri, path, instance, user_agent, call_id;
	uint32_t cseq;
	int reg_id, q1000;
	uint64_t expires_at; /* wall clock s; the caller checked expires > 0 */
	const struct sip_peer *peer;
};
/* Adds or refreshes a binding; EOVERFLOW past max_contacts (nothing changed). */
int sip_location_bind(struct sip_location *loc, int64_t tenant_id, struct str user,
		      const struct sip_binding *b, unsigned max_contacts, struct sip_contact **out);
void sip_location_unbind(struct sip_location *loc, struct sip_contact *c);
void sip_location_unbind_all(struct sip_location *loc, int64_t tenant_id, struct str user);
/* Restores a persisted binding at start-up (no change report). */
int sip_location_restore(struct sip_location *loc, int64_t tenant_id, struct str user,
			 const struct sip_binding *b);

typedef void(sip_location_visit_fn)(const struct sip_aor *aor, const struct sip_contact *c,
				    void *arg);
void sip_location_foreach(const struct sip_location *loc, sip_location_visit_fn *fn, void *arg);
unsigned sip_location_count(const struct sip_location *loc); /* contacts */

#endif
