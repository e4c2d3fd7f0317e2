/* The signed-in user's own routes: who am I, log out, change my password. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/mem.h"
#include "core/time.h"
#include "core/workers.h"
#include "store/db.h"
#include "store/store.h"

#define PASSWORD_MIN 10

static int me_row(const struct db_row *row, void *arg)
{
	json_t *o = arg;
	json_object_set_new(o, "name", json_stringn(row->cols[0].s, row->cols[0].len));
	json_object_set_new(o, "email", json_stringn(row->cols[1].s, row->cols[1].len));
	return 1;
}

static void me_op(struct db *db, struct api_ctx *c)
{
	struct api_principal *w = &c->who;

	c->result = json_pack("{s:I,s:s,s:s,s:o,s:b}", "user_id", (json_int_t)w->user_id, "login",
			      w->login, "role", api_role_name(w->role), "tenant_id",
			      w->tenant_id ? json_integer(w->tenant_id) : json_null(), "token",
			      w->token_id != 0);
	db_query(db, "SELECT name, email FROM users WHERE id = ?",
		 (struct db_value[]){ DBV_INT(w->user_id) }, 1, me_row, c->result);
	c->status = 200;
}

void api_auth_routes_me(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "me", ACT_GET, me_op, NULL);
	if (c)
		api_run(c);
}

static void logout_op(struct db *db, struct api_ctx *c)
{
	char hash[65];

	api_sha256_hex(c->token, hash);
	db_exec(db, "DELETE FROM sessions WHERE token_hash = ?",
		(struct db_value[]){ DBV_TEXT(hash) }, 1);
	api_audit(db, c, c->who.tenant_id, "logout", "user", c->who.login, NULL, NULL);
	c->status = 204;
	http_reply_header(c->r, "Set-Cookie", "zv_session=; Path=/; HttpOnly; Max-Age=0");
}

void api_auth_routes_logout(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "me", ACT_UPDATE, logout_op, NULL);
	if (c)
		api_run(c);
}

/* ---- password change: fetch hash (store), verify + hash (worker), write (store) ---- */

struct pw_change {
	const char *current, *next; /* borrowed from the body */
	char hash[160], new_hash[128];
	bool ok;
};

static int hash_row(const struct db_row *row, void *arg)
{
	db_value_copy(&row->cols[0], arg, 160);
	return 1;
}

static void pw_fetch_op(struct db *db, struct api_ctx *c)
{
	struct pw_change *p = c->extra;
	db_query(db, "SELECT password_hash FROM users WHERE id = ?",
		 (struct db_value[]){ DBV_INT(c->who.user_id) }, 1, hash_row, p->hash);
}

static void pw_write_op(struct db *db, void *arg)
{
	struct api_ctx *c = arg;
	struct pw_change *p = c->extra;
	int64_t now = (int64_t)time_wall_ms();
	char keep[65] = "";

	if (!p->ok) {
		api_audit(db, c, c->who.tenant_id, "password.failed", "user", c->who.login, NULL,
			  NULL);
		return;
	}
	db_exec(db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
		(struct db_value[]){ DBV_TEXT(p->new_hash), DBV_INT(now), DBV_INT(c->who.user_id) },
		3);
	/* Other sessions of the user end; the one changing the password stays. */
	if (!c->who.token_id)
		api_sha256_hex(c->token, keep);
	db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
		(struct db_value[]){ DBV_INT(c->who.user_id), DBV_TEXT(keep) }, 2);
	api_audit(db, c, c->who.tenant_id, "password.changed", "user", c->who.login, NULL, NULL);
}

static void pw_write_done(void *arg)
{
	struct api_ctx *c = arg;
	struct pw_change *p = c->extra;

	if (!p->ok)
		api_fail(c, 403, "bad_password", "the current password is wrong");
	else
		c->status = 204;
	api_reply(c);
}

static void pw_work(void *arg)
{
	struct api_ctx *c = arg;
	struct pw_change *p = c->extra;

	p->ok = api_password_verify(p->hash, p->current) && !api_password_hash(p->next, p->new_hash);
}

static void pw_work_done(void *arg)
{
	struct api_ctx *c = arg;

	if (store_submit(c->api->store, pw_write_op, pw_write_done, c)) {
		api_fail(c, 503, "unavailable", "the server is stopping");
		api_reply(c);
	}
}

static void pw_live(struct api_ctx *c)
{
	if (workers_submit(c->api->workers, pw_work, pw_work_done, c)) {
		api_fail(c, 503, "busy", "try again");
		api_reply(c);
	}
}

bool api_password_acceptable(struct api_ctx *c, const char *pw)
{
	if (strlen(pw) < PASSWORD_MIN) {
		api_fail(c, 400, "weak_password", "a password has at least %d characters",
			 PASSWORD_MIN);
		return false;
	}
	return true;
}

void api_auth_routes_password(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	struct pw_change *p;

	if (!c)
		return;
	p = xcalloc(1, sizeof(*p));
	c->extra = p;
	c->extra_free = free;
	c->perm = "me";
	c->act = ACT_UPDATE;
	c->db_fn = pw_fetch_op;
	c->live_fn = pw_live;
	if (!c->body)
		api_fail(c, 400, "bad_json", "send {\"current\": ..., \"new\": ...}");
	else if (api_json_str(c, c->body, "current", true, 128, &p->current) &&
		 api_json_str(c, c->body, "new", true, 128, &p->next) &&
		 api_password_acceptable(c, p->next) && json_object_size(c->body) != 2)
		api_fail(c, 400, "unknown_field", "only current and new are accepted");
	if (c->status >= 400) {
		api_reply(c);
		return;
	}
	api_run(c);
}
