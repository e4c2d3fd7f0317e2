/* SIP/SIPS/tel URI parsing, unescaping and RFC 3261 19.1.4 comparison. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip/uri.h"

static struct sip_uri parse_ok(const char *text)
{
	struct sip_uri u;

	if (sip_uri_parse(str_c(text), &u))
		fprintf(stderr, "rejected: %s\n", text);
	assert_int_equal(sip_uri_parse(str_c(text), &u), 0);
	return u;
}

static void assert_str(struct str s, const char *want)
{
	if (!str_eq_cstr(s, want))
		fprintf(stderr, "got '%.*s' want '%s'\n", STR_FMT(s), want);
	assert_true(str_eq_cstr(s, want));
}

static void test_full_sip_uri(void **state)
{
	struct sip_uri u = parse_ok("sip:alice:secret@atlanta.com:5070;transport=tcp;lr?subject=x&a=b");

	assert_int_equal(u.scheme, SIP_URI_SIP);
	assert_str(u.scheme_name, "sip");
	assert_str(u.user, "alice");
	assert_str(u.password, "secret");
	assert_str(u.host, "atlanta.com");
	assert_false(u.host_ipv6);
	assert_int_equal(u.port, 5070);
	assert_str(u.params, "transport=tcp;lr");
	assert_str(u.headers, "subject=x&a=b");
	assert_str(u.raw, "sip:alice:secret@atlanta.com:5070;transport=tcp;lr?subject=x&a=b");
}

static void test_hosts(void **state)
{
	struct sip_uri u = parse_ok("sips:[2001:db8::10]:5061");

	assert_int_equal(u.scheme, SIP_URI_SIPS);
	assert_str(u.host, "2001:db8::10");
	assert_true(u.host_ipv6);
	assert_int_equal(u.port, 5061);
	assert_int_equal(u.user.len, 0);
	u = parse_ok("SIP:192.0.2.1");
	assert_int_equal(u.scheme, SIP_URI_SIP);
	assert_str(u.host, "192.0.2.1");
	assert_int_equal(u.port, 0);
	u = parse_ok("sip:user@[::1];maddr=[::2]");
	assert_str(u.host, "::1");
	u = parse_ok("sip:a@host-1.example.COM.");
	assert_str(u.host, "host-1.example.COM.");
}

static void test_users_and_escapes(void **state)
{
	char out[32];
	size_t n = 0;
	struct sip_uri u = parse_ok("sip:+1-212-555-1212;phone-context=x@gw.example.com;user=phone");

	assert_str(u.user, "+1-212-555-1212;phone-context=x");
	assert_str(u.params, "user=phone");
	u = parse_ok("sip:%61lice%20b@h");
	assert_int_equal(sip_uri_unescape(u.user, out, sizeof(out), &n), 0);
	assert_string_equal(out, "alice b");
	assert_int_equal(n, 7);
	assert_int_equal(sip_uri_unescape(STR("%4"), out, sizeof(out), &n), EBADMSG);
	assert_int_equal(sip_uri_unescape(STR("%zz"), out, sizeof(out), &n), EBADMSG);
	assert_int_equal(sip_uri_unescape(STR("abcdef"), out, 4, &n), EOVERFLOW);
	assert_int_equal(sip_uri_unescape(STR("abc"), out, 4, &n), 0);
	assert_string_equal(out, "abc");
}

static void test_tel_and_other(void **state)
{
	struct sip_uri u = parse_ok("tel:+1-201-555-0123;ext=45");

	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_str(u.user, "+1-201-555-0123");
	assert_str(u.params, "ext=45");
	u = parse_ok("tel:7042;phone-context=example.com");
	assert_str(u.user, "7042");
	u = parse_ok("mailto:alice@example.com");
	assert_int_equal(u.scheme, SIP_URI_OTHER);
	assert_str(u.scheme_name, "mailto");
	u = parse_ok("urn:service:sos");
	assert_int_equal(u.scheme, SIP_URI_OTHER);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
		"",			"sip:",		      "sip:@h",		  "sip:a@",
		"sip:a@h:",		"sip:a@h:0",	      "sip:a@h:65536",	  "sip:a@h:5x",
		"sip:a b@h",		"sip:a@h h",	      "sip:%zz@h",	  "sip:a@[::1",
		"sip:a@[::g]",		"sip:a@h;",	      "sip:a@h;=x",	  "sip:a@h;x=",
		"sip:a@h?",		"sip:a@-h.com",	      "sip:a@h..com",	  "sip:a@256.1.1.1",
		"sip:a@h<",		"tel:",		      "tel:+",		  "tel:12 34",
		"nocolon",		":x",		      "1sip:a@h",	  "foo:",
		"foo:a b",		"sip:a@[::1]x",	      "sip:a@h.com-",	  "sip:a@h\"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sip_uri u;
		int err = sip_uri_parse(str_c(bad[i]), &u);
		if (err != EBADMSG)
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		assert_int_equal(err, EBADMSG);
	}
}

static bool eq(const char *a, const char *b)
{
	struct sip_uri ua = parse_ok(a), ub = parse_ok(b);
	bool r = sip_uri_equal(&ua, &ub);

	assert_true(sip_uri_equal(&ub, &ua) == r); /* symmetric */
	return r;
}

/* The examples of RFC 3261 19.1.4. */
static void test_equal_rfc_examples(void **state)
{
	assert_true(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
	assert_true(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
	assert_true(eq("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
	assert_true(eq("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
	assert_true(eq("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
		       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
	assert_true(eq("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
		       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));

	assert_false(eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
	assert_false(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
	assert_false(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
	assert_false(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
	assert_false(eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
	assert_false(eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
	assert_false(eq("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
}

static void test_equal_more(void **state)
{
	assert_false(eq("sip:a@h", "sips:a@h"));
	assert_false(eq("sip:a:x@h", "sip:a:X@h"));
	assert_false(eq("sip:a@h;user=phone", "sip:a@h"));
	assert_false(eq("sip:a@h;maddr=1.2.3.4", "sip:a@h"));
	assert_false(eq("sip:a@h;ttl=1", "sip:a@h;ttl=2"));
	assert_false(eq("sip:a@h?x=1", "sip:a@h?x=1&y=2"));
	assert_true(eq("sip:a@[2001:DB8::1]", "sip:a@[2001:db8::1]"));
	assert_true(eq("sip:a@h;lr", "sip:a@h;LR"));
	assert_true(eq("tel:+1-201-555-0123", "tel:+12015550123"));
	assert_false(eq("tel:+1-201-555-0123", "tel:+12015550124"));
	assert_true(eq("urn:service:sos", "urn:service:sos"));
	assert_false(eq("urn:service:sos", "urn:service:police"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_sip_uri),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_users_and_escapes),
		cmocka_unit_test(test_tel_and_other),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_equal_rfc_examples),
		cmocka_unit_test(test_equal_more),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
