/* zvonarctl commands of the API side: audit chain check, password reset, a tenant's owner. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "node/directory.h"
#include "node/node.h"
#include "store/audit.h"
#include "store/store.h"

struct verify_job {
	int64_t checked, bad_id, bad_tenant;
	int rc;
};

static void verify_op(struct db *db, void *arg)
{
	struct verify_job *j = arg;
	j->rc = store_audit_verify(db, &j->checked, &j->bad_id, &j->bad_tenant);
}

int node_cmd_audit_verify(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct verify_job j = { 0 };
	int rc = store_run_sync(n->store, verify_op, &j);

	if (rc || (rc = j.rc) == EOVERFLOW || (rc && rc != EBADMSG)) {
		buf_printf(out, "cannot verify the audit log: %s\n", strerror(rc));
		return 1;
	}
	if (rc == EBADMSG) {
		buf_printf(out, "audit log BROKEN at entry %lld (tenant %lld) after %lld good entries\n",
			   (long long)j.bad_id, (long long)j.bad_tenant, (long long)j.checked - 1);
		return 1;
	}
	buf_printf(out, "audit log intact: %lld entries\n", (long long)j.checked);
	return 0;
}

int node_cmd_user_password(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	char pw[24];
	int rc;

	if (argc != 1) {
		buf_printf(out, "usage: user password <login>\n");
		return 1;
	}
	if ((rc = api_password_reset(n->api, argv[0], pw, sizeof(pw)))) {
		buf_printf(out, rc == ENOENT ? "no user %s\n" : "cannot reset %s: %s\n", argv[0],
			   strerror(rc));
		return 1;
	}
	buf_printf(out, "user %s: new password %s (sessions ended, lock cleared)\n", argv[0], pw);
	return 0;
}

int node_cmd_user_owner(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	const struct dir_tenant *t;
	char pw[24];
	int rc;

	if (argc != 2) {
		buf_printf(out, "usage: user owner <tenant> <login>\n");
		return 1;
	}
	if (!(t = directory_tenant_by_name(n->dir, argv[0]))) {
		buf_printf(out, "no tenant named '%s'\n", argv[0]);
		return 1;
	}
	if ((rc = api_bootstrap_owner(n->api, t->row.id, argv[1], pw, sizeof(pw)))) {
		buf_printf(out, "cannot add %s: %s\n", argv[1],
			   rc == EEXIST ? "that login exists" : strerror(rc));
		return 1;
	}
	buf_printf(out, "owner %s of %s: password %s\n", argv[1], argv[0], pw);
	return 0;
}
