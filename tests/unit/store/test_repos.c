/* Tests for the typed repositories: tenants, SIP users and registrations on a migrated database. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/migrations.h"
#include "store/registrations.h"
#include "store/sip_users.h"
#include "store/tenants.h"

static char tmpdir[64];

static int setup(void **state)
{
	char path[128], err[256] = "";
	struct db *db = NULL;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zvonar-repo-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/z.db", tmpdir);
	if (db_open(&db, path, err, sizeof(err)) || db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	db_close(*state);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int count_tenant(const struct store_tenant_row *t, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_tenants(void **state)
{
	struct db *db = *state;
	struct store_tenant_row t;
	int64_t a = 0, a2 = 0, b = 0;
	int n = 0;
	char longname[80];

	assert_int_equal(store_tenant_ensure(db, "acme", "acme.example", &a), 0);
	assert_int_equal(store_tenant_ensure(db, "acme", "acme.example", &a2), 0);
	assert_int_equal(a, a2);
	assert_int_equal(store_tenant_ensure(db, "beta", "beta.example", &b), 0);
	assert_int_not_equal(a, b);
	/* same name, other domain; other name, taken domain */
	assert_int_equal(store_tenant_ensure(db, "acme", "other.example", &a2), EEXIST);
	assert_int_equal(store_tenant_ensure(db, "gamma", "acme.example", &a2), EEXIST);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(store_tenant_ensure(db, longname, "x.example", &a2), EOVERFLOW);

	assert_int_equal(store_tenant_find(db, "beta.example", &t), 0);
	assert_int_equal(t.id, b);
	assert_string_equal(t.name, "beta");
	assert_true(t.created_at > 1600000000);
	assert_int_equal(store_tenant_find(db, "nope.example", &t), ENOENT);
	assert_int_equal(store_tenant_find_id(db, a, &t), 0);
	assert_string_equal(t.domain, "acme.example");

	assert_int_equal(store_tenant_list(db, count_tenant, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_tenant_del(db, b), 0);
	assert_int_equal(store_tenant_del(db, b), ENOENT);
	assert_int_equal(store_tenant_find_id(db, b, &t), ENOENT);
}

static struct store_sip_user_row user(int64_t tenant_id, const char *number)
{
	struct store_sip_user_row u = { .tenant_id = tenant_id, .enabled = true, .max_contacts = 3 };

	snprintf(u.number, sizeof(u.number), "%s", number);
	snprintf(u.realm, sizeof(u.realm), "acme.example");
	memset(u.ha1_md5, 'a', 32);
	memset(u.ha1_sha256, '0', 64);
	snprintf(u.display_name, sizeof(u.display_name), "User %s", number);
	return u;
}

struct user_list {
	char numbers[8][64];
	int n;
};

static int list_user(const struct store_sip_user_row *u, void *arg)
{
	struct user_list *l = arg;

	memcpy(l->numbers[l->n++], u->number, sizeof(u->number));
	return 0;
}

static void test_sip_users(void **state)
{
	struct db *db = *state;
	int64_t a = 0, b = 0;
	struct store_sip_user_row u, got;
	struct user_list all = { .n = 0 }, only_b = { .n = 0 };

	assert_int_equal(store_tenant_ensure(db, "acme", "acme.example", &a), 0);
	assert_int_equal(store_tenant_ensure(db, "beta", "beta.example", &b), 0);
	u = user(a, "201");
	assert_int_equal(store_sip_user_add(db, &u), 0);
	assert_int_equal(store_sip_user_add(db, &u), EEXIST);
	u = user(a, "200");
	assert_int_equal(store_sip_user_add(db, &u), 0);
	u = user(b, "201"); /* same number in another tenant is fine */
	assert_int_equal(store_sip_user_add(db, &u), 0);
	u = user(9999, "300");
	assert_int_equal(store_sip_user_add(db, &u), ENOENT);
	u = user(a, "301");
	u.ha1_md5[3] = 'Z';
	assert_int_equal(store_sip_user_add(db, &u), EINVAL);

	assert_int_equal(store_sip_user_find(db, a, "201", &got), 0);
	assert_string_equal(got.display_name, "User 201");
	assert_int_equal(got.max_contacts, 3);
	assert_true(got.enabled);
	assert_int_equal(strlen(got.ha1_sha256), 64);
	assert_int_equal(store_sip_user_find(db, a, "999", &got), ENOENT);

	assert_int_equal(store_sip_user_list(db, 0, list_user, &all), 0);
	assert_int_equal(all.n, 3);
	assert_string_equal(all.numbers[0], "200"); /* tenant, then number */
	assert_string_equal(all.numbers[1], "201");
	assert_int_equal(store_sip_user_list(db, b, list_user, &only_b), 0);
	assert_int_equal(only_b.n, 1);

	assert_int_equal(store_sip_user_del(db, a, "201"), 0);
	assert_int_equal(store_sip_user_del(db, a, "201"), ENOENT);
	/* deleting a tenant takes its users along */
	assert_int_equal(store_tenant_del(db, b), 0);
	assert_int_equal(store_sip_user_find(db, b, "201", &got), ENOENT);
}

static struct store_registration_row reg(int64_t tenant_id, const char *aor, const char *contact,
					 int64_t expires_at)
{
	struct store_registration_row r = { .tenant_id = tenant_id, .expires_at = expires_at,
					    .cseq = 1, .q1000 = -1 };

	snprintf(r.aor, sizeof(r.aor), "%s", aor);
	snprintf(r.contact, sizeof(r.contact), "%s", contact);
	snprintf(r.received, sizeof(r.received), "192.0.2.1:5060");
	snprintf(r.transport, sizeof(r.transport), "udp");
	snprintf(r.call_id, sizeof(r.call_id), "cid-%s", contact);
	return r;
}

struct reg_list {
	struct store_registration_row rows[8];
	int n;
};

static int list_reg(const struct store_registration_row *r, void *arg)
{
	struct reg_list *l = arg;

	l->rows[l->n++] = *r;
	return 0;
}

static void test_registrations(void **state)
{
	struct db *db = *state;
	int64_t a = 0;
	struct store_registration_row r;
	struct reg_list l = { .n = 0 };

	assert_int_equal(store_tenant_ensure(db, "acme", "acme.example", &a), 0);
	r = reg(a, "201", "sip:201@10.0.0.1", 1000);
	assert_int_equal(store_registration_upsert(db, &r), 0);
	/* a refresh of the same contact updates in place */
	r.expires_at = 2000;
	r.cseq = 2;
	r.q1000 = 500;
	snprintf(r.instance, sizeof(r.instance), "<urn:uuid:1>");
	r.reg_id = 1;
	assert_int_equal(store_registration_upsert(db, &r), 0);
	r = reg(a, "201", "sip:201@10.0.0.2", 500);
	assert_int_equal(store_registration_upsert(db, &r), 0);
	r = reg(a, "202", "sip:202@10.0.0.3", 3000);
	assert_int_equal(store_registration_upsert(db, &r), 0);
	r = reg(4242, "x", "sip:x@y", 1);
	assert_int_equal(store_registration_upsert(db, &r), ENOENT);
	r = reg(a, "201", "sip:201@10.0.0.9", 1);
	r.q1000 = 1001;
	assert_int_equal(store_registration_upsert(db, &r), EINVAL);

	assert_int_equal(store_registration_list(db, list_reg, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.rows[0].contact, "sip:201@10.0.0.1");
	assert_int_equal(l.rows[0].expires_at, 2000);
	assert_int_equal(l.rows[0].cseq, 2);
	assert_int_equal(l.rows[0].q1000, 500);
	assert_int_equal(l.rows[0].reg_id, 1);
	assert_string_equal(l.rows[0].instance, "<urn:uuid:1>");
	assert_string_equal(l.rows[0].received, "192.0.2.1:5060");
	assert_int_equal(l.rows[1].q1000, -1);
	assert_true(l.rows[0].updated_at > 1600000000);

	/* purge drops what expired at or before now */
	assert_int_equal(store_registration_purge_expired(db, 500), 0);
	assert_int_equal(db_changes(db), 1);
	assert_int_equal(store_registration_delete(db, a, "201", "sip:201@10.0.0.2"), ENOENT);
	assert_int_equal(store_registration_delete(db, a, "202", "sip:202@10.0.0.3"), 0);
	assert_int_equal(store_registration_delete_aor(db, a, "201"), 0);
	assert_int_equal(store_registration_delete_aor(db, a, "201"), ENOENT);
	l.n = 0;
	assert_int_equal(store_registration_list(db, list_reg, &l), 0);
	assert_int_equal(l.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tenants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sip_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registrations, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
