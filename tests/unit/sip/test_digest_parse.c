/* Unit tests for sip/auth digest credentials: parsing, RFC 2617/7616 vectors, header lookup. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "sip/auth.h"
#include "sip/msg.h"

static const char rfc2617[] =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, "
    "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

static const char rfc7616_sha256[] =
    "Digest username=\"Mufasa\",\r\n realm=\"http-auth@example.org\",\r\n"
    " uri=\"/dir/index.html\",\r\n algorithm=SHA-256,\r\n"
    " nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n nc=00000001,\r\n"
    " cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n qop=auth,\r\n"
    " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\",\r\n"
    " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

static const char rfc7616_md5[] =
    "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
    "algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
    "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
    "response=\"8ca523f5e9506fed4657c9700eebdbec\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

static void assert_str(struct str s, const char *want)
{
	assert_non_null(s.p);
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.p, want, s.len);
}

static void test_rfc2617_vector(void **state)
{
	struct sip_digest_cred c;
	char ha1[65], resp[65];

	assert_int_equal(sip_digest_parse(str_c(rfc2617), &c), 0);
	assert_str(c.username, "Mufasa");
	assert_str(c.realm, "testrealm@host.com");
	assert_str(c.uri, "/dir/index.html");
	assert_str(c.qop, "auth");
	assert_str(c.nc, "00000001");
	assert_str(c.cnonce, "0a4f113b");
	assert_str(c.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
	assert_null(c.algorithm.p);
	assert_int_equal(c.alg, SIP_DIGEST_MD5);
	sip_digest_ha1(SIP_DIGEST_MD5, c.username, c.realm, STR("Circle Of Life"), ha1);
	assert_string_equal(ha1, "939e7578ed9e3c518a452acee763bce9");
	sip_digest_response(c.alg, ha1, &c, STR("GET"), resp);
	assert_string_equal(resp, "6629fae49393a05397450978507c4ef1");
}

static void test_rfc7616_vectors(void **state)
{
	struct sip_digest_cred c;
	char ha1[65], resp[65];

	assert_int_equal(sip_digest_parse(str_c(rfc7616_sha256), &c), 0);
	assert_int_equal(c.alg, SIP_DIGEST_SHA256);
	assert_str(c.algorithm, "SHA-256");
	assert_str(c.realm, "http-auth@example.org");
	sip_digest_ha1(c.alg, c.username, c.realm, STR("Circle of Life"), ha1);
	assert_int_equal(strlen(ha1), 64);
	sip_digest_response(c.alg, ha1, &c, STR("GET"), resp);
	assert_string_equal(resp,
			    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");

	assert_int_equal(sip_digest_parse(str_c(rfc7616_md5), &c), 0);
	assert_int_equal(c.alg, SIP_DIGEST_MD5);
	sip_digest_ha1(c.alg, c.username, c.realm, STR("Circle of Life"), ha1);
	sip_digest_response(c.alg, ha1, &c, STR("GET"), resp);
	assert_string_equal(resp, "8ca523f5e9506fed4657c9700eebdbec");
}

static void test_rfc2069_without_qop(void **state)
{
	struct sip_digest_cred c;
	char ha1[65], resp[65];
	/* H(HA1:nonce:H(GET:/dir/index.html)) with the RFC 2617 user: computed independently */
	const char *v = "digest USERNAME=\"Mufasa\",realm=\"testrealm@host.com\","
			"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",uri=\"/dir/index.html\","
			"response=\"670fd8c2df070c60b045671b8b24ff02\"";

	assert_int_equal(sip_digest_parse(str_c(v), &c), 0);
	assert_null(c.qop.p);
	sip_digest_ha1(c.alg, c.username, c.realm, STR("Circle Of Life"), ha1);
	sip_digest_response(c.alg, ha1, &c, STR("GET"), resp);
	assert_string_equal(resp, "670fd8c2df070c60b045671b8b24ff02");
}

static void test_lenient_forms(void **state)
{
	struct sip_digest_cred c;
	const char *v = "  Digest  ,username = \"a\\\"b\" , realm=\"r\",nonce=n1,uri=\"sip:x@y\","
			"qop=\"auth\",nc=0000000A,cnonce=c,userhash=false, x-ext=\"1,2\","
			"algorithm=md5,response=6629FAE49393A05397450978507C4EF1,";

	assert_int_equal(sip_digest_parse(str_c(v), &c), 0);
	assert_str(c.username, "a\\\"b"); /* escapes are kept: the slice is zero-copy */
	assert_str(c.nonce, "n1");
	assert_str(c.qop, "auth");
	assert_str(c.nc, "0000000A");
	assert_int_equal(c.alg, SIP_DIGEST_MD5);
}

static void test_rejects(void **state)
{
	static const char *const bad[] = {
	    "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
	    "Digest",
	    "Digest ",
	    "Digestusername=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username=\"a\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username=\"a\", realm=\"r\", uri=\"u\", response=\"%s\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", response=\"%s\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"",
	    "Digest username=\"\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", "
	    "qop=auth, "
	    "cnonce=\"c\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", "
	    "qop=auth, "
	    "nc=00000001",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", "
	    "qop=auth, "
	    "nc=1, cnonce=\"c\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", "
	    "qop=auth, "
	    "nc=0000000g, cnonce=\"c\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", "
	    "algorithm=MD5-sess",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", "
	    "algorithm=SHA-256",
	    "Digest username=\"a\", username=\"b\", realm=\"r\", nonce=\"n\", uri=\"u\", "
	    "response=\"%s\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\" x=1",
	    "Digest username=\"a, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username=\"a\x01\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username=, realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest =\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username \"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"abc\"",
	    "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"%s\", x=\"\\",
	};
	const char *resp = "6629fae49393a05397450978507c4ef1";
	struct sip_digest_cred c;
	char v[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *pct = strstr(bad[i], "%s");
		if (pct)
			snprintf(v, sizeof(v), "%.*s%s%s", (int)(pct - bad[i]), bad[i], resp,
				 pct + 2);
		else
			snprintf(v, sizeof(v), "%s", bad[i]);
		if (sip_digest_parse(str_c(v), &c) != EBADMSG)
			fail_msg("accepted: %s", v);
	}
	assert_int_equal(sip_digest_parse(STR_NULL, &c), EBADMSG);
}

static void add_hdr(struct sip_msg *m, enum sip_hdr_id id, const char *value)
{
	m->hdrs[m->nhdrs].id = id;
	m->hdrs[m->nhdrs].value = str_c(value);
	m->nhdrs++;
}

static void test_find_cred(void **state)
{
	static struct sip_msg m;
	struct sip_digest_cred c;
	const char *other = "Digest username=\"x\", realm=\"other\", nonce=\"n\", uri=\"u\", "
			    "response=\"00000000000000000000000000000000\"";
	const char *broken = "Digest username=\"x\", realm=\"testrealm@host.com\", nonce=\"n\"";

	add_hdr(&m, SIP_HDR_AUTHORIZATION, "Basic Zm9vOmJhcg==");
	add_hdr(&m, SIP_HDR_AUTHORIZATION, other);
	add_hdr(&m, SIP_HDR_PROXY_AUTHORIZATION, rfc2617);
	assert_int_equal(sip_auth_find_cred(&m, false, STR("testrealm@host.com"), &c), ENOENT);
	assert_int_equal(sip_auth_find_cred(&m, true, STR("testrealm@host.com"), &c), 0);
	assert_str(c.username, "Mufasa");
	assert_int_equal(sip_auth_find_cred(&m, false, STR("other"), &c), 0);
	assert_str(c.username, "x");
	/* realm comparison is case-sensitive */
	assert_int_equal(sip_auth_find_cred(&m, false, STR("OTHER"), &c), ENOENT);

	add_hdr(&m, SIP_HDR_AUTHORIZATION, broken);
	add_hdr(&m, SIP_HDR_AUTHORIZATION, rfc2617);
	assert_int_equal(sip_auth_find_cred(&m, false, STR("testrealm@host.com"), &c), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc2617_vector),
	    cmocka_unit_test(test_rfc7616_vectors),
	    cmocka_unit_test(test_rfc2069_without_qop),
	    cmocka_unit_test(test_lenient_forms),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_find_cred),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
