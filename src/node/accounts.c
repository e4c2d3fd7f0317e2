/*
 * Tenants and extensions changed from the control socket (and, later, the API):
 * validated, written through the store, then put into the directory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/resource.h"
#include "core/log.h"
#include "core/time.h"
#include "node/directory.h"
#include "node/node.h"
#include "sip/auth.h"
#include "store/store.h"

/* Extension numbers and tenant names: what is safe in a SIP user part and in a log line. */
/* The API's rules for names and domains (api/checks.c), with this table's lengths. */
static bool valid_name(const char *s, size_t max)
{
	return *s && strlen(s) < max && api_check_name(s);
}

static bool valid_domain(const char *s)
{
	return *s && strlen(s) < sizeof(((struct store_sip_user_row *)0)->realm) &&
	       api_check_domain(s);
}

struct user_job {
	struct store_sip_user_row row;
	const char *number;
	int err;
};

static void user_add_op(struct db *db, void *arg)
{
	struct user_job *job = arg;
	job->err = store_sip_user_add(db, &job->row);
	if (!job->err)
		job->err = store_sip_user_find(db, job->row.tenant_id, job->row.number, &job->row);
}

static const struct dir_tenant *tenant_named(struct node *n, const char *name, char *err,
					     size_t errlen)
{
	const struct dir_tenant *t = directory_tenant_by_name(n->dir, name);
	if (!t)
		snprintf(err, errlen, "no tenant named '%s'", name);
	return t;
}

int node_extension_add(struct node *n, const char *tenant, const char *number,
		       const char *password, char *err, size_t errlen)
{
	const struct dir_tenant *t = tenant_named(n, tenant, err, errlen);
	struct user_job job = { 0 };
	char md5[65];
	int rc;

	if (!t)
		return ENOENT;
	if (!valid_name(number, sizeof(job.row.number))) {
		snprintf(err, errlen, "extension '%s': use 1-63 of A-Z a-z 0-9 - _ . +", number);
		return EINVAL;
	}
	if (strlen(password) < 4 || strlen(password) > 128) {
		snprintf(err, errlen, "password must be 4 to 128 characters");
		return EINVAL;
	}
	job.row.tenant_id = t->row.id;
	job.row.enabled = true;
	snprintf(job.row.number, sizeof(job.row.number), "%s", number);
	str_copy(str_c(t->row.domain), job.row.realm, sizeof(job.row.realm));
	sip_digest_ha1(SIP_DIGEST_MD5, str_c(number), str_c(t->row.domain), str_c(password), md5);
	memcpy(job.row.ha1_md5, md5, sizeof(job.row.ha1_md5));
	sip_digest_ha1(SIP_DIGEST_SHA256, str_c(number), str_c(t->row.domain), str_c(password),
		       job.row.ha1_sha256);
	rc = store_run_sync(n->store, user_add_op, &job);
	if (!rc)
		rc = job.err;
	if (rc == EEXIST)
		snprintf(err, errlen, "extension %s already exists in %s", number, tenant);
	else if (rc)
		snprintf(err, errlen, "cannot store extension: %s", strerror(rc));
	if (rc)
		return rc;
	directory_put_user(n->dir, &job.row);
	log_notice("node", "extension %s added to tenant %s", number, tenant);
	return 0;
}

static void user_del_op(struct db *db, void *arg)
{
	struct user_job *job = arg;
	job->err = store_sip_user_del(db, job->row.tenant_id, job->number);
}

int node_extension_del(struct node *n, const char *tenant, const char *number, char *err,
		       size_t errlen)
{
	const struct dir_tenant *t = tenant_named(n, tenant, err, errlen);
	struct user_job job = { .number = number };
	int rc;

	if (!t)
		return ENOENT;
	job.row.tenant_id = t->row.id;
	rc = store_run_sync(n->store, user_del_op, &job);
	if (!rc)
		rc = job.err;
	if (rc) {
		snprintf(err, errlen, rc == ENOENT ? "no extension %s in %s" : "cannot delete %s: %s",
			 number, rc == ENOENT ? tenant : strerror(rc));
		return rc;
	}
	directory_del_user(n->dir, t->row.id, str_c(number));
	/* A deleted extension keeps no phone registered. */
	sip_location_unbind_all(n->loc, t->row.id, str_c(number));
	log_notice("node", "extension %s deleted from tenant %s", number, tenant);
	return 0;
}

struct tenant_job {
	const char *name, *domain;
	struct store_tenant_row row;
	int err;
};

static void tenant_add_op(struct db *db, void *arg)
{
	struct tenant_job *job = arg;
	int64_t id;
	job->err = store_tenant_ensure(db, job->name, job->domain, &id);
	if (!job->err)
		job->err = store_tenant_find_id(db, id, &job->row);
}

int node_tenant_add(struct node *n, const char *name, const char *domain, int64_t *id, char *err,
		    size_t errlen)
{
	struct tenant_job job = { .name = name, .domain = domain };
	int rc;

	if (!valid_name(name, sizeof(job.row.name)) || !valid_domain(domain)) {
		snprintf(err, errlen, "tenant name: A-Z a-z 0-9 - _ . +; domain: a DNS name");
		return EINVAL;
	}
	rc = store_run_sync(n->store, tenant_add_op, &job);
	if (!rc)
		rc = job.err;
	if (rc) {
		snprintf(err, errlen, rc == EEXIST ? "tenant name or domain already taken"
						   : "cannot store tenant: %s",
			 strerror(rc));
		return rc;
	}
	directory_put_tenant(n->dir, &job.row);
	if (id)
		*id = job.row.id;
	return 0;
}

struct cid_job {
	int64_t tenant_id;
	const char *number, *cid;
	int err;
};

static void cid_op(struct db *db, void *arg)
{
	struct cid_job *job = arg;
	job->err = store_sip_user_set_caller_id(db, job->tenant_id, job->number, job->cid);
}

int node_extension_caller_id(struct node *n, const char *tenant, const char *number,
			     const char *cid, char *err, size_t errlen)
{
	const struct dir_tenant *t = tenant_named(n, tenant, err, errlen);
	const struct dir_user *u;
	struct cid_job job = { .number = number, .cid = cid };
	struct store_sip_user_row row;
	int rc;

	if (!t)
		return ENOENT;
	if (strlen(cid) >= sizeof(row.caller_id) || strspn(cid, "+0123456789") != strlen(cid)) {
		snprintf(err, errlen, "a caller id is digits with an optional '+' (or '' to clear)");
		return EINVAL;
	}
	job.tenant_id = t->row.id;
	rc = store_run_sync(n->store, cid_op, &job);
	if (!rc)
		rc = job.err;
	if (rc) {
		snprintf(err, errlen, rc == ENOENT ? "no extension %s in %s" : "cannot store: %s",
			 number, rc == ENOENT ? tenant : strerror(rc));
		return rc;
	}
	if ((u = directory_user(n->dir, t->row.id, str_c(number)))) {
		row = u->row;
		memcpy(row.caller_id, cid, strlen(cid) + 1);
		directory_put_user(n->dir, &row);
	}
	return 0;
}
