/*
 * Who is calling: API tokens and login sessions resolved to a principal, and
 * the login itself (lockout per account, rate limit per address, argon2id
 * checked on a worker thread, an audit entry either way).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"
#include "core/workers.h"
#include "store/db.h"
#include "store/store.h"

#define TOKEN_PREFIX "zvt_"
#define SESSION_PREFIX "zvs_"
/* Verified when the login is unknown, so both answers take the same time. */
#define DUMMY_HASH                                                                             \
	"$argon2id$v=19$m=32768,t=3,p=1$vtlinD9CmHK7EOrIKKnv6A$"                               \
	"dIFVR9HalbUxitpzRqskAVHWxHBkcLg3MZ4VzCAwz3E"

static int principal_row(const struct db_row *row, void *arg)
{
	struct api_principal *p = arg;
	char role[32];

	p->user_id = row->cols[0].i;
	p->tenant_id = row->cols[1].type == DB_NULL ? 0 : row->cols[1].i;
	db_value_copy(&row->cols[2], role, sizeof(role));
	db_value_copy(&row->cols[3], p->login, sizeof(p->login));
	p->role = api_role_parse(role);
	if (row->ncols > 4) {
		p->token_id = row->cols[4].i;
		char scope[16];
		db_value_copy(&row->cols[5], scope, sizeof(scope));
		p->read_only = !strcmp(scope, "read");
	}
	return 1;
}

int api_auth_lookup(struct db *db, const char *token, bool bearer, struct api_principal *out)
{
	char hash[65];
	int64_t now = (int64_t)time_wall_ms();

	memset(out, 0, sizeof(*out));
	api_sha256_hex(token, hash);
	struct db_value p[2] = { DBV_TEXT(hash), DBV_INT(now) };
	if (!strncmp(token, TOKEN_PREFIX, 4)) {
		db_query(db,
			 "SELECT u.id, u.tenant_id, u.role, u.login, t.id, t.scope FROM api_tokens t "
			 "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at = 0 "
			 "AND (t.expires_at = 0 OR t.expires_at > ?) AND u.status = 'active'",
			 p, 2, principal_row, out);
		if (out->user_id) {
			struct db_value q[3] = { DBV_INT(now), DBV_INT(out->token_id),
						 DBV_INT(now - 60000) };
			db_exec(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND "
				    "last_used_at < ?", q, 3);
		}
	} else if (!strncmp(token, SESSION_PREFIX, 4)) {
		db_query(db,
			 "SELECT u.id, u.tenant_id, u.role, u.login FROM sessions s JOIN users u ON "
			 "u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND "
			 "u.status = 'active'",
			 p, 2, principal_row, out);
	}
	return out->user_id && out->role != ROLE_NONE ? 0 : ENOENT;
}

/* ---- login ---- */

struct login {
	struct api_ctx *c;
	const char *login, *password; /* borrowed from c->body */
	int64_t user_id, tenant_id, failed, locked_until;
	char role[32], status[16], hash[160];
	bool found, ok, locked;
	char session[80];
	int64_t expires_at;
};

static void login_free(void *arg)
{
	struct login *l = arg;
	sodium_memzero(l->hash, sizeof(l->hash));
	free(l);
}

static int user_row(const struct db_row *row, void *arg)
{
	struct login *l = arg;
	l->user_id = row->cols[0].i;
	l->tenant_id = row->cols[1].type == DB_NULL ? 0 : row->cols[1].i;
	db_value_copy(&row->cols[2], l->role, sizeof(l->role));
	db_value_copy(&row->cols[3], l->hash, sizeof(l->hash));
	db_value_copy(&row->cols[4], l->status, sizeof(l->status));
	l->failed = row->cols[5].i;
	l->locked_until = row->cols[6].i;
	l->found = true;
	return 1;
}

static void login_fetch_op(struct db *db, void *arg)
{
	struct login *l = arg;
	struct db_value p[1] = { DBV_TEXT(l->login) };

	db_query(db,
		 "SELECT id, tenant_id, role, password_hash, status, failed_logins, locked_until "
		 "FROM users WHERE login = ?",
		 p, 1, user_row, l);
	l->locked = l->found && l->locked_until > (int64_t)time_wall_ms();
}

static void login_finish_op(struct db *db, void *arg)
{
	struct login *l = arg;
	struct api_ctx *c = l->c;
	struct api *a = c->api;
	int64_t now = (int64_t)time_wall_ms();

	c->who.user_id = l->user_id;
	snprintf(c->who.login, sizeof(c->who.login), "%s", l->login);
	if (!l->found) {
		api_audit(db, c, 0, "login.failed", "user", l->login, NULL, NULL);
		return;
	}
	if (!l->ok && l->locked) { /* still locked: counted nowhere, refused */
		api_audit(db, c, l->tenant_id, "login.refused_locked", "user", l->login, NULL, NULL);
		return;
	}
	if (!l->ok) {
		bool lock = l->failed + 1 >= a->cfg.login_fail_limit;
		struct db_value p[3] = { DBV_INT(lock ? now + a->cfg.login_lock_s * 1000LL : 0),
					 DBV_INT(lock ? 0 : l->failed + 1), DBV_INT(l->user_id) };
		l->locked = lock;
		db_exec(db, "UPDATE users SET locked_until = ?, failed_logins = ? WHERE id = ?", p, 3);
		api_audit(db, c, l->tenant_id, lock ? "login.locked" : "login.failed", "user",
			  l->login, NULL, NULL);
		return;
	}
	api_random_token(SESSION_PREFIX, l->session, sizeof(l->session));
	char hash[65];
	api_sha256_hex(l->session, hash);
	l->expires_at = now + a->cfg.session_ttl_s * 1000LL;
	struct db_value s[6] = { DBV_TEXT(hash), DBV_INT(l->user_id), DBV_TEXT(c->ip),
				 DBV_TEXT(c->ua), DBV_INT(now), DBV_INT(l->expires_at) };
	db_exec(db, "INSERT INTO sessions (token_hash, user_id, ip, user_agent, created_at, "
		    "expires_at) VALUES (?, ?, ?, ?, ?, ?)", s, 6);
	db_exec(db, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?",
		(struct db_value[]){ DBV_INT(l->user_id) }, 1);
	db_exec(db, "DELETE FROM sessions WHERE expires_at < ?", (struct db_value[]){ DBV_INT(now) },
		1);
	api_audit(db, c, l->tenant_id, "login.ok", "user", l->login, NULL, NULL);
}

static void login_finish_done(void *arg)
{
	struct login *l = arg;
	struct api_ctx *c = l->c;
	char cookie[256];

	if (!l->ok || !l->session[0]) {
		if (!l->ok)
			api_limits_failed(c->api, c->ip);
		api_fail(c, l->locked ? 429 : 401, l->locked ? "locked" : "bad_login",
			 l->locked ? "too many failed logins; try again later"
				   : "wrong login or password");
		log_notice("api", "failed login for '%.64s' from %s", l->login, c->ip);
		api_reply(c);
		return;
	}
	snprintf(cookie, sizeof(cookie), "zv_session=%s; Path=/; HttpOnly; SameSite=Strict; "
		 "Max-Age=%u%s", l->session, c->api->cfg.session_ttl_s, c->api->https ? "; Secure" : "");
	http_reply_header(c->r, "Set-Cookie", cookie);
	c->status = 200;
	c->result = json_pack("{s:I,s:s,s:s,s:o,s:I}", "user_id", (json_int_t)l->user_id, "login",
			      l->login, "role", l->role,
			      "tenant_id", l->tenant_id ? json_integer(l->tenant_id) : json_null(),
			      "expires_at", (json_int_t)l->expires_at);
	log_info("api", "login '%s' from %s", l->login, c->ip);
	api_reply(c);
}

static void login_verify_work(void *arg)
{
	struct login *l = arg;
	bool good = api_password_verify(l->found ? l->hash : DUMMY_HASH, l->password);

	l->ok = good && l->found && !l->locked && !strcmp(l->status, "active");
}

static void login_verify_done(void *arg)
{
	struct login *l = arg;

	if (store_submit(l->c->api->store, login_finish_op, login_finish_done, l)) {
		api_fail(l->c, 503, "unavailable", "the server is stopping");
		api_reply(l->c);
	}
}

static void login_fetch_done(void *arg)
{
	struct login *l = arg;

	if (workers_submit(l->c->api->workers, login_verify_work, login_verify_done, l)) {
		api_fail(l->c, 503, "busy", "too many logins at once; try again");
		api_reply(l->c);
	}
}

void api_auth_routes_login(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	struct login *l;

	if (!c)
		return;
	l = xcalloc(1, sizeof(*l));
	c->extra = l;
	c->extra_free = login_free;
	l->c = c;
	if (!c->body) {
		api_fail(c, 400, "bad_json", "send {\"login\": ..., \"password\": ...}");
	} else if (api_json_str(c, c->body, "login", true, 63, &l->login) &&
		   api_json_str(c, c->body, "password", true, 128, &l->password)) {
		if (json_object_size(c->body) != 2)
			api_fail(c, 400, "unknown_field", "only login and password are accepted");
		else if (api_limits_blocked(c->api, c->ip))
			api_fail(c, 429, "rate_limited", "too many failed logins from %s", c->ip);
	}
	if (c->status >= 400 || store_submit(c->api->store, login_fetch_op, login_fetch_done, l)) {
		if (c->status < 400)
			api_fail(c, 503, "unavailable", "the server is stopping");
		api_reply(c);
	}
}
