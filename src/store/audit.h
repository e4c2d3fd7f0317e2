/*
 * The audit log: append-only, one hash chain per tenant (0 = the platform).
 * Each entry's hash covers its fields and the previous entry's hash; the chain's
 * head is kept in audit_heads, so editing, deleting or inserting rows is found
 * by store_audit_verify. Store thread only.
 */
#ifndef STORE_AUDIT_H
#define STORE_AUDIT_H

#include <stdint.h>

struct db;

struct store_audit_entry {
	int64_t tenant_id, at, user_id; /* at: Unix ms */
	const char *actor, *ip, *user_agent;
	const char *action, *object_type, *object_id;
	const char *before, *after; /* JSON text or "" */
};

int store_audit_append(struct db *db, const struct store_audit_entry *e);
/* 0 when every chain holds; EBADMSG with the first bad row's id (and its tenant) if not. */
int store_audit_verify(struct db *db, int64_t *checked, int64_t *bad_id, int64_t *bad_tenant);

#endif
