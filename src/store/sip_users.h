/* The sip_users table: extensions with digest HA1 values (never the secret). Store thread only. */
#ifndef STORE_SIP_USERS_H
#define STORE_SIP_USERS_H

#include <stdbool.h>
#include <stdint.h>

struct db;

struct store_sip_user_row {
	int64_t id;        /* set by the database; ignored by add */
	int64_t tenant_id;
	char number[64];   /* the user part: extension number or name */
	char realm[128];
	char ha1_md5[33];     /* lowercase hex, computed by the caller */
	char ha1_sha256[65];  /* lowercase hex (RFC 8760), computed by the caller */
	char display_name[128];
	bool enabled;
	int max_contacts;   /* 0: the node's default */
	int64_t created_at; /* Unix s; set by add */
	char caller_id[64]; /* presented on calls out through a trunk; "" = route's or trunk's */
	int64_t scenario_id; /* read only (set by store_sip_user_set_scenario): 0 = none */
	/* call forwarding (read only here; written through the API): an extension, a number,
	 * "voicemail" or "" for none */
	bool dnd;
	bool privacy; /* withhold the number on calls out through a trunk */
	char forward_always[64], forward_busy[64], forward_no_answer[64], forward_unavailable[64];
	int forward_no_answer_s;
};

typedef int(store_sip_user_fn)(const struct store_sip_user_row *row, void *arg); /* non-zero stops */

/* EEXIST on a duplicate (tenant, number); ENOENT when the tenant does not exist;
 * EINVAL for an empty number or a HA1 that is not lowercase hex of the right length. */
int store_sip_user_add(struct db *db, const struct store_sip_user_row *row);
/* ENOENT if there is no such user. */
int store_sip_user_set_caller_id(struct db *db, int64_t tenant_id, const char *number,
				 const char *caller_id);
/* ENOENT if there is no such user. */
int store_sip_user_del(struct db *db, int64_t tenant_id, const char *number);
int store_sip_user_find(struct db *db, int64_t tenant_id, const char *number,
			struct store_sip_user_row *out);
/* tenant_id 0 lists every tenant's users; ordered by tenant, then number. */
int store_sip_user_list(struct db *db, int64_t tenant_id, store_sip_user_fn *fn, void *arg);

#endif
