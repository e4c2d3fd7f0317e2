/*
 * Logins made outside the API: the platform operator of a first start, a
 * tenant's first owner, a reset from zvonarctl. Synchronous (start-up and the
 * control socket), hashing on the calling thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "core/time.h"
#include "store/db.h"
#include "store/store.h"

struct user_job {
	int64_t tenant_id; /* 0: operator */
	const char *login, *role;
	char hash[128];
	bool only_if_none; /* the operator: created once */
	int err;
	bool created;
};

static void user_op(struct db *db, void *arg)
{
	struct user_job *j = arg;
	int64_t now = (int64_t)time_wall_ms(), seen;
	struct db_value t = j->tenant_id ? DBV_INT(j->tenant_id) : DBV_NULL;

	if (j->only_if_none &&
	    !db_query_int(db, "SELECT 1 FROM users WHERE role = 'operator' LIMIT 1", NULL, 0, &seen))
		return;
	struct db_value p[6] = { t, DBV_TEXT(j->login), DBV_TEXT(j->role), DBV_TEXT(j->hash),
				 DBV_INT(now), DBV_INT(now) };
	j->err = db_exec(db, "INSERT INTO users (tenant_id, login, role, password_hash, created_at, "
			     "updated_at) VALUES (?, ?, ?, ?, ?, ?)", p, 6);
	j->created = !j->err;
}

/* A random password of up to 20 characters and its argon2id hash. */
static int fresh_password(char *password, size_t len, char hash[128])
{
	api_random_token("", password, len);
	password[len - 1 < 20 ? len - 1 : 20] = '\0';
	return api_password_hash(password, hash);
}

static int user_make(struct api *a, struct user_job *j, char *password, size_t len)
{
	int rc = fresh_password(password, len, j->hash);

	if (!rc)
		rc = store_run_sync(a->store, user_op, j);
	return rc ? rc : j->err;
}

static void operator_seen_op(struct db *db, void *arg)
{
	int64_t one;
	*(bool *)arg = !db_query_int(db, "SELECT 1 FROM users WHERE role = 'operator' LIMIT 1",
				     NULL, 0, &one);
}

int api_bootstrap_operator(struct api *a, char *password, size_t len, bool *created)
{
	struct user_job j = { .login = "admin", .role = "operator", .only_if_none = true };
	bool seen = false;
	int rc = store_run_sync(a->store, operator_seen_op, &seen);

	*created = false;
	if (rc || seen) /* every start after the first: no password to hash */
		return rc;
	rc = user_make(a, &j, password, len);
	*created = j.created;
	return rc;
}

int api_bootstrap_owner(struct api *a, int64_t tenant_id, const char *login, char *password,
			size_t len)
{
	struct user_job j = { .tenant_id = tenant_id, .login = login, .role = "owner" };
	return user_make(a, &j, password, len);
}

struct reset_job {
	const char *login;
	char hash[128];
	int err;
};

static void reset_op(struct db *db, void *arg)
{
	struct reset_job *j = arg;
	struct db_value p[3] = { DBV_TEXT(j->hash), DBV_INT((int64_t)time_wall_ms()),
				 DBV_TEXT(j->login) };

	j->err = db_exec(db, "UPDATE users SET password_hash = ?, updated_at = ?, failed_logins = 0, "
			     "locked_until = 0, status = 'active' WHERE login = ?", p, 3);
	if (!j->err && db_changes(db) == 0)
		j->err = ENOENT;
	if (!j->err)
		db_exec(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE login = ?)",
			&p[2], 1);
}

int api_password_reset(struct api *a, const char *login, char *password, size_t len)
{
	struct reset_job j = { .login = login };
	int rc = fresh_password(password, len, j.hash);

	if (rc)
		return rc;
	rc = store_run_sync(a->store, reset_op, &j);
	return rc ? rc : j.err;
}
