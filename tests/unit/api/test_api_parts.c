/*
 * API pieces without a server: the OpenAPI document against the route table, the
 * permission table, Standard Webhooks signatures (the specification's test vector),
 * WebSocket frames, and the audit chain on a real SQLite file (edits are found).
 */
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

#include "api/api_int.h"
#include "api/resource.h"
#include "api/webhooks.h"
#include "net/ws_frame.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/migrations.h"

static bool documented(json_t *doc, const char *method, const char *path)
{
	char m[8];
	size_t i;

	for (i = 0; method[i] && i < 7; i++)
		m[i] = (char)(method[i] | 0x20);
	m[i] = '\0';
	return json_object_get(json_object_get(json_object_get(doc, "paths"), path), m) != NULL;
}

static void test_every_route_is_documented(void **state)
{
	json_t *doc = api_openapi_build();
	char path[128];

	for (const struct http_route *r = api_routes; r->method; r++) {
		if (strstr(r->pattern, "{res}"))
			continue; /* the generic routes: checked per resource below */
		if (!documented(doc, r->method, r->pattern))
			fail_msg("%s %s is routed but not documented", r->method, r->pattern);
	}
	for (const struct api_route_doc *d = api_route_docs; d->method; d++) {
		bool routed = false;
		for (const struct http_route *r = api_routes; r->method; r++)
			routed |= !strcmp(r->method, d->method) && !strcmp(r->pattern, d->path);
		if (!routed)
			fail_msg("%s %s is documented but not routed", d->method, d->path);
	}
	for (size_t i = 0; api_resources[i]; i++) {
		const struct api_resource *res = api_resources[i];
		snprintf(path, sizeof(path), "/api/v1/%s", res->name);
		if (res->ops & ACT_LIST)
			assert_true(documented(doc, "GET", path));
		if (res->ops & ACT_CREATE)
			assert_true(documented(doc, "POST", path));
		snprintf(path, sizeof(path), "/api/v1/%s/{id}", res->name);
		if (res->ops & ACT_GET)
			assert_true(documented(doc, "GET", path));
		if (res->ops & ACT_UPDATE)
			assert_true(documented(doc, "PATCH", path));
		if (res->ops & ACT_DELETE)
			assert_true(documented(doc, "DELETE", path));
	}
	/* secrets are write-only, internal columns absent */
	json_t *ext = json_object_get(
		json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"),
				"Extensions"),
		"properties");
	assert_non_null(json_object_get(json_object_get(ext, "password"), "writeOnly"));
	assert_null(json_object_get(ext, "ha1_md5"));
	json_decref(doc);
}

static void test_permissions(void **state)
{
	struct api_principal p = { .tenant_id = 1 };

	p.role = ROLE_AGENT;
	assert_false(api_allowed(&p, "extensions", ACT_LIST));
	assert_true(api_allowed(&p, "calls", ACT_CREATE));
	p.role = ROLE_READONLY;
	assert_true(api_allowed(&p, "cdrs", ACT_LIST));
	assert_false(api_allowed(&p, "extensions", ACT_UPDATE));
	p.role = ROLE_ADMIN;
	assert_true(api_allowed(&p, "trunks", ACT_DELETE));
	assert_false(api_allowed(&p, "users", ACT_DELETE));
	assert_false(api_allowed(&p, "no-such-resource", ACT_GET));
	p.role = ROLE_OPERATOR;
	assert_true(api_allowed(&p, "tenants", ACT_CREATE));
	assert_int_equal(api_role_parse("owner"), ROLE_OWNER);
	assert_int_equal(api_role_parse("root"), ROLE_NONE);
}

static void test_webhook_signature(void **state)
{
	char sig[128];

	/* The example of the Standard Webhooks specification. */
	assert_int_equal(api_webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
					  "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
					  "{\"test\": 2432232314}", sig, sizeof(sig)),
			 0);
	assert_string_equal(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	assert_int_equal(api_webhook_sign("nope", "id", 1, "{}", sig, sizeof(sig)), EINVAL);
	assert_int_equal(api_webhook_sign("whsec_!!!", "id", 1, "{}", sig, sizeof(sig)), EINVAL);
}

static void test_ws_frames(void **state)
{
	uint8_t f[32] = { 0x81, 0x85, 1, 2, 3, 4 };
	const char *hello = "hello";
	struct ws_frame fr;
	char key[29];

	for (int i = 0; i < 5; i++)
		f[6 + i] = (uint8_t)hello[i] ^ f[2 + (i & 3)];
	assert_int_equal(ws_frame_decode(f, 5, true, 100, &fr), 0); /* incomplete */
	assert_int_equal(ws_frame_decode(f, 11, true, 100, &fr), 11);
	assert_int_equal(fr.opcode, WS_TEXT);
	assert_memory_equal(fr.payload, "hello", 5);
	uint8_t unmasked[] = { 0x81, 0x01, 'x' };
	assert_int_equal(ws_frame_decode(unmasked, 3, true, 100, &fr), -1);
	uint8_t big_ping[] = { 0x89, 0xfe, 0x01, 0x00 };
	assert_int_equal(ws_frame_decode(big_ping, 4, false, 1000, &fr), -1);
	uint8_t rsv[] = { 0xc1, 0x80, 0, 0, 0, 0 };
	assert_int_equal(ws_frame_decode(rsv, 6, true, 100, &fr), -1);
	uint8_t hdr[10];
	assert_int_equal(ws_frame_header(hdr, WS_TEXT, 300), 4);
	assert_int_equal(hdr[1], 126);
	assert_int_equal(ws_frame_header(hdr, WS_TEXT, 70000), 10);
	/* RFC 6455 section 1.3 */
	ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", key);
	assert_string_equal(key, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void test_audit_chain(void **state)
{
	char path[] = "/tmp/zv-audit-XXXXXX", url[64], err[256];
	struct db *db;
	int64_t checked, bad, tenant;
	int fd = mkstemp(path);

	close(fd);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	assert_int_equal(db_open(&db, url, err, sizeof(err)), 0);
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	for (int i = 0; i < 6; i++) {
		struct store_audit_entry e = { .tenant_id = i % 2 + 1, .at = 1000 + i, .user_id = 7,
					       .actor = "a", .action = "update", .object_type = "x",
					       .object_id = "1", .before = "{\"n\":1}",
					       .after = "{\"n\":2}" };
		assert_int_equal(store_audit_append(db, &e), 0);
	}
	assert_int_equal(store_audit_verify(db, &checked, &bad, &tenant), 0);
	assert_int_equal(checked, 6);
	/* the last row of a chain removed: the head no longer matches */
	assert_int_equal(db_exec(db, "DELETE FROM audit_log WHERE id = 6", NULL, 0), 0);
	assert_int_equal(store_audit_verify(db, &checked, &bad, &tenant), EBADMSG);
	assert_int_equal(tenant, 2);
	assert_int_equal(db_exec(db, "UPDATE audit_log SET after = '{\"n\":3}' WHERE id = 3", NULL,
				 0),
			 0);
	assert_int_equal(store_audit_verify(db, &checked, &bad, &tenant), EBADMSG);
	assert_int_equal(bad, 3);
	db_close(db);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_is_documented),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_webhook_signature),
		cmocka_unit_test(test_ws_frames),
		cmocka_unit_test(test_audit_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
