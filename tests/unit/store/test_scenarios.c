/* Scenario storage on a real SQLite file: versions, activation, numbers and extensions. */
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

#include "scenario/scenario_store.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/scenarios.h"
#include "store/sip_users.h"
#include "store/tenants.h"
#include "store/trunks.h"

static char tmpdir[64], dbpath[128];
static int64_t acme, beta;

static int setup(void **state)
{
	char err[256] = "";
	struct db *db = NULL;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zvonar-scen-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/z.db", tmpdir);
	if (db_open(&db, dbpath, err, sizeof(err)) || db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	if (store_tenant_ensure(db, "acme", "acme.example", &acme) ||
	    store_tenant_ensure(db, "beta", "beta.example", &beta))
		return -1;
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

static char *doc(const char *name, const char *prompt)
{
	static char buf[512];
	snprintf(buf, sizeof(buf),
		 "{\"name\":\"%s\",\"version\":99,\"start\":\"a\",\"steps\":{\"a\":{\"type\":"
		 "\"play\",\"prompt\":\"%s\"}}}",
		 name, prompt);
	return buf;
}

struct seen {
	int n;
	int64_t version;
	bool active;
	char json[1024];
};

static int keep(const struct store_scenario_version_row *r, void *arg)
{
	struct seen *s = arg;
	s->n++;
	s->version = r->version;
	s->active = r->active;
	snprintf(s->json, sizeof(s->json), "%.*s", (int)r->json_len, r->json);
	return 0;
}

static const char *prompt_of(struct scenario *s)
{
	static char out[64];
	char *dump = scenario_dump(s), *p = strstr(dump, "\"prompt\":\"");
	snprintf(out, sizeof(out), "%s", p ? p + 10 : "");
	*strchr(out, '"') = '\0';
	free(dump);
	return out;
}

static void test_versions(void **state)
{
	struct db *db = *state;
	int64_t v = 0;
	struct seen seen = { 0 };
	struct scenario_errors errs;
	struct scenario *s;
	const char *j;

	j = doc("ivr", "one");
	assert_int_equal(scenario_save(db, acme, j, strlen(j), true, &v, &errs), 0);
	assert_int_equal(v, 1);
	j = doc("ivr", "two");
	assert_int_equal(scenario_save(db, acme, j, strlen(j), false, &v, &errs), 0);
	assert_int_equal(v, 2);
	/* the active one is still 1; the stored document carries its own number */
	assert_int_equal(store_scenario_get(db, acme, "ivr", 0, keep, &seen), 0);
	assert_int_equal(seen.version, 1);
	assert_true(seen.active);
	assert_non_null(strstr(seen.json, "\"version\":1"));
	assert_int_equal(scenario_load_stored(db, acme, "ivr", 0, &s), 0);
	assert_string_equal(prompt_of(s), "one");
	assert_int_equal(scenario_version(s), 1);
	scenario_destroy(s);
	assert_int_equal(store_scenario_activate(db, acme, "ivr", 2), 0);
	assert_int_equal(scenario_load_stored(db, acme, "ivr", 0, &s), 0);
	assert_string_equal(prompt_of(s), "two");
	scenario_destroy(s);
	assert_int_equal(scenario_load_stored(db, acme, "ivr", 1, &s), 0);
	assert_string_equal(prompt_of(s), "one");
	scenario_destroy(s);
	assert_int_equal(store_scenario_activate(db, acme, "ivr", 7), ENOENT);
	assert_int_equal(store_scenario_activate(db, acme, "nope", 1), ENOENT);
	assert_int_equal(store_scenario_get(db, acme, "ivr", 9, keep, &seen), ENOENT);
	/* another tenant's scenario of the same name is its own */
	assert_int_equal(scenario_load_stored(db, beta, "ivr", 0, &s), ENOENT);
	j = doc("ivr", "beta");
	assert_int_equal(scenario_save(db, beta, j, strlen(j), true, &v, &errs), 0);
	assert_int_equal(v, 1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_scenario_versions(db, acme, "ivr", keep, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.version, 2);
}

static void test_invalid_not_saved(void **state)
{
	struct db *db = *state;
	struct scenario_errors errs;
	int64_t v = 0, next;
	const char *bad = "{\"name\":\"bad\",\"start\":\"a\",\"steps\":{\"a\":{\"type\":\"play\","
			  "\"next\":\"zz\"}}}";

	assert_int_equal(scenario_save(db, acme, bad, strlen(bad), true, &v, &errs), EBADMSG);
	assert_true(errs.n >= 2);
	assert_string_equal(errs.e[0].step, "a");
	assert_int_equal(store_scenario_next_version(db, acme, "bad", &next), 0);
	assert_int_equal(next, 1); /* nothing stored */
	const char *j = doc("x", "p");
	assert_int_equal(scenario_save(db, 424242, j, strlen(j), true, &v, &errs), ENOENT);
	assert_int_equal(store_scenario_save(db, acme, "", 1, "{}", true), EINVAL);
	assert_int_equal(store_scenario_save(db, acme, "n", 1, "", true), EINVAL);
	char name[80];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(store_scenario_save(db, acme, name, 1, "{}", true), EOVERFLOW);
	assert_int_equal(store_scenario_save(db, acme, "dup", 1, "{}", true), 0);
	assert_int_equal(store_scenario_save(db, acme, "dup", 1, "{}", true), EEXIST);
}

struct names {
	int n;
	char list[256];
};

static int names(const struct store_scenario_row *r, void *arg)
{
	struct names *n = arg;
	size_t len = strlen(n->list);
	snprintf(n->list + len, sizeof(n->list) - len, "%s:%lld/%lld;", r->name,
		 (long long)r->active_version, (long long)r->latest_version);
	n->n++;
	return 0;
}

static void test_numbers_and_extensions(void **state)
{
	struct db *db = *state;
	struct scenario_errors errs;
	struct scenario *s = NULL;
	int64_t v;
	const char *j = doc("hours", "closed");

	assert_int_equal(scenario_save(db, acme, j, strlen(j), true, &v, &errs), 0);
	struct store_number_row n = { .tenant_id = acme };
	snprintf(n.number, sizeof(n.number), "5551000");
	snprintf(n.extension, sizeof(n.extension), "100");
	assert_int_equal(store_number_add(db, &n), 0);
	assert_int_equal(scenario_load_for_number(db, "5551000", &s), ENOENT); /* not pointed */
	assert_int_equal(store_number_set_scenario(db, "5551000", "hours"), 0);
	assert_int_equal(scenario_load_for_number(db, "5551000", &s), 0);
	assert_string_equal(scenario_name(s), "hours");
	scenario_destroy(s);
	assert_int_equal(store_number_set_scenario(db, "5551000", "nope"), ENOENT);
	assert_int_equal(store_number_set_scenario(db, "0000", "hours"), ENOENT);

	struct store_sip_user_row u = { .tenant_id = beta, .enabled = true };
	snprintf(u.number, sizeof(u.number), "200");
	snprintf(u.realm, sizeof(u.realm), "beta.example");
	memset(u.ha1_md5, 'a', 32);
	memset(u.ha1_sha256, '0', 64);
	assert_int_equal(store_sip_user_add(db, &u), 0);
	/* acme's scenario is not beta's to use */
	assert_int_equal(store_sip_user_set_scenario(db, beta, "200", "hours"), ENOENT);
	assert_int_equal(store_sip_user_set_scenario(db, beta, "200", "ivr"), 0);
	assert_int_equal(scenario_load_for_extension(db, beta, "200", &s), 0);
	assert_string_equal(prompt_of(s), "beta");
	scenario_destroy(s);
	assert_int_equal(store_sip_user_set_scenario(db, beta, "200", NULL), 0);
	assert_int_equal(scenario_load_for_extension(db, beta, "200", &s), ENOENT);

	struct names list = { 0 };
	assert_int_equal(store_scenario_list(db, acme, names, &list), 0);
	assert_string_equal(list.list, "dup:1/1;hours:1/1;ivr:2/2;");
	/* deleting a scenario unpoints the number and drops its versions */
	assert_int_equal(store_scenario_del(db, acme, "hours"), 0);
	assert_int_equal(store_scenario_del(db, acme, "hours"), ENOENT);
	assert_int_equal(scenario_load_for_number(db, "5551000", &s), ENOENT);
	int64_t left = -1;
	assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM numbers WHERE number = '5551000' "
					  "AND scenario_id IS NULL", NULL, 0, &left), 0);
	assert_int_equal(left, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_invalid_not_saved),
		cmocka_unit_test(test_numbers_and_extensions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
