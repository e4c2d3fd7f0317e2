/* The audit log's hash chains: SHA-256 over length-prefixed fields and the previous hash. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/db.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static void put(EVP_MD_CTX *ctx, const char *s)
{
	char len[24];
	int n = snprintf(len, sizeof(len), "%zu:", s ? strlen(s) : 0);
	EVP_DigestUpdate(ctx, len, (size_t)n);
	if (s)
		EVP_DigestUpdate(ctx, s, strlen(s));
}

static void put_int(EVP_MD_CTX *ctx, int64_t v)
{
	char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)v);
	put(ctx, s);
}

static void entry_hash(int64_t id, const struct store_audit_entry *e, const char *prev,
		       char out[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[32];
	static const char hex[] = "0123456789abcdef";

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	put(ctx, prev);
	put_int(ctx, id);
	put_int(ctx, e->tenant_id);
	put_int(ctx, e->at);
	put_int(ctx, e->user_id);
	const char *texts[] = { e->actor, e->ip, e->user_agent, e->action, e->object_type,
				e->object_id, e->before, e->after };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		put(ctx, texts[i]);
	EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static int head_row(const struct db_row *row, void *arg)
{
	db_value_copy(&row->cols[0], arg, 65);
	return 1;
}

int store_audit_append(struct db *db, const struct store_audit_entry *e)
{
	char prev[65] = GENESIS, hash[65];
	struct db_value p[14] = { DBV_INT(e->tenant_id) };
	int64_t id;
	int rc;

	db_query(db, "SELECT last_hash FROM audit_heads WHERE tenant_id = ?", p, 1, head_row, prev);
	if ((rc = db_query_int(db, "SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log", NULL, 0, &id)))
		return rc;
	entry_hash(id, e, prev, hash);
	const char *t[] = { e->actor, e->ip, e->user_agent, e->action, e->object_type,
			    e->object_id, e->before, e->after };
	p[0] = DBV_INT(id);
	p[1] = DBV_INT(e->tenant_id);
	p[2] = DBV_INT(e->at);
	p[3] = DBV_INT(e->user_id);
	for (int i = 0; i < 8; i++)
		p[4 + i] = DBV_TEXT(t[i] ? t[i] : "");
	p[12] = DBV_TEXT(prev);
	p[13] = DBV_TEXT(hash);
	rc = db_exec(db,
		     "INSERT INTO audit_log (id, tenant_id, at, user_id, actor, ip, user_agent, "
		     "action, object_type, object_id, before, after, prev_hash, hash) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		     p, 14);
	if (rc)
		return rc;
	struct db_value h[3] = { DBV_INT(e->tenant_id), DBV_INT(id), DBV_TEXT(hash) };
	return db_exec(db,
		       "INSERT INTO audit_heads (tenant_id, last_id, last_hash) VALUES (?, ?, ?) "
		       "ON CONFLICT (tenant_id) DO UPDATE SET last_id = excluded.last_id, "
		       "last_hash = excluded.last_hash",
		       h, 3);
}

/* Walks rows in id order keeping each chain's last hash in a small table of tenants. */
struct verify {
	struct {
		int64_t tenant, last_id;
		char hash[65];
	} chains[256];
	size_t n;
	int64_t checked, bad_id, bad_tenant;
	bool overflow;
};

static size_t chain_of(struct verify *v, int64_t tenant)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->chains[i].tenant == tenant)
			return i;
	if (v->n == sizeof(v->chains) / sizeof(v->chains[0])) {
		v->overflow = true;
		return 0;
	}
	v->chains[v->n].tenant = tenant;
	memcpy(v->chains[v->n].hash, GENESIS, 65);
	return v->n++;
}

static int verify_row(const struct db_row *row, void *arg)
{
	struct verify *v = arg;
	const struct db_value *c = row->cols;
	char t[8][16384], prev[65], stored[65], hash[65];
	struct store_audit_entry e = { .tenant_id = c[1].i, .at = c[2].i, .user_id = c[3].i };
	size_t k = chain_of(v, e.tenant_id);

	for (int i = 0; i < 8; i++)
		db_value_copy(&c[4 + i], t[i], sizeof(t[i]));
	e.actor = t[0], e.ip = t[1], e.user_agent = t[2], e.action = t[3];
	e.object_type = t[4], e.object_id = t[5], e.before = t[6], e.after = t[7];
	db_value_copy(&c[12], prev, sizeof(prev));
	db_value_copy(&c[13], stored, sizeof(stored));
	entry_hash(c[0].i, &e, v->chains[k].hash, hash);
	v->checked++;
	if (strcmp(prev, v->chains[k].hash) || strcmp(hash, stored)) {
		v->bad_id = c[0].i;
		v->bad_tenant = e.tenant_id;
		return 1;
	}
	memcpy(v->chains[k].hash, hash, 65);
	v->chains[k].last_id = c[0].i;
	return 0;
}

static int verify_head(const struct db_row *row, void *arg)
{
	struct verify *v = arg;
	char hash[65];
	size_t k = chain_of(v, row->cols[0].i);

	db_value_copy(&row->cols[2], hash, sizeof(hash));
	if (v->chains[k].last_id != row->cols[1].i || strcmp(v->chains[k].hash, hash)) {
		v->bad_id = row->cols[1].i;
		v->bad_tenant = row->cols[0].i;
		return 1;
	}
	return 0;
}

int store_audit_verify(struct db *db, int64_t *checked, int64_t *bad_id, int64_t *bad_tenant)
{
	static _Thread_local struct verify v;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = db_query(db,
		      "SELECT id, tenant_id, at, user_id, actor, ip, user_agent, action, "
		      "object_type, object_id, before, after, prev_hash, hash FROM audit_log "
		      "ORDER BY id",
		      NULL, 0, verify_row, &v);
	if (rc == 0)
		rc = db_query(db, "SELECT tenant_id, last_id, last_hash FROM audit_heads", NULL, 0,
			      verify_head, &v);
	*checked = v.checked;
	*bad_id = v.bad_id;
	*bad_tenant = v.bad_tenant;
	if (v.overflow)
		return EOVERFLOW;
	return rc == 1 || v.bad_id ? EBADMSG : rc;
}
