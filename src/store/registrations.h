/*
 * The registrations table: bound contacts persisted so a restart (or a crash)
 * does not log every phone out. Written behind the in-memory location service.
 * Store thread only.
 */
#ifndef STORE_REGISTRATIONS_H
#define STORE_REGISTRATIONS_H

#include <stdint.h>

struct db;

struct store_registration_row {
	int64_t id; /* set by the database */
	int64_t tenant_id;
	char aor[256];       /* the registered user, e.g. "201" */
	char contact[512];   /* Contact URI as sent */
	char received[128];  /* source "ip:port" the REGISTER came from */
	char path[1024];     /* Path header values, comma-joined */
	char transport[16];  /* "udp", "tcp", "tls", "ws", "wss" */
	int64_t expires_at;  /* Unix s */
	char call_id[256];
	uint32_t cseq;
	char instance[128]; /* +sip.instance, "" when absent */
	int reg_id;         /* RFC 5626 reg-id, 0 when absent */
	char user_agent[256];
	int q1000;          /* q × 1000 (0..1000), -1 when absent; stored as REAL q */
	int64_t updated_at; /* Unix s; 0 means now */
};

typedef int(store_registration_fn)(const struct store_registration_row *row, void *arg);

/* Inserts or refreshes the (tenant, aor, contact) binding; ENOENT for an unknown tenant,
 * EINVAL for a q outside 0..1000 or an empty aor/contact, EOVERFLOW for unterminated text. */
int store_registration_upsert(struct db *db, const struct store_registration_row *r);
/* ENOENT if no such binding. */
int store_registration_delete(struct db *db, int64_t tenant_id, const char *aor,
			      const char *contact);
/* Every binding of the AOR; ENOENT if it had none. */
int store_registration_delete_aor(struct db *db, int64_t tenant_id, const char *aor);
/* All bindings by tenant, aor, id (start-up restore); fn's non-zero value stops and is returned. */
int store_registration_list(struct db *db, store_registration_fn *fn, void *arg);
/* Deletes bindings with expires_at <= now; db_changes(db) tells how many. */
int store_registration_purge_expired(struct db *db, int64_t now);

#endif
