/* Unit tests for sip/auth: challenges, credential checks, nonce binding, replays and bans. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/log.h"
#include "sip/auth.h"

#define REALM "pbx.example.com"
#define T0    1000000ULL

struct fixture {
	struct sip_auth *a;
	struct sa src, other;
	char ha1_md5[65], ha1_sha[65];
	char hdr[1024]; /* the Authorization value handed to the parser */
	struct sip_digest_cred cred;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sip_auth_cfg cfg = {.fail_limit = 3, .fail_window_s = 60, .ban_s = 120};

	assert_int_equal(sip_auth_new(&f->a, &cfg), 0);
	assert_int_equal(sa_set_cstr(&f->src, "192.0.2.10", 5060), 0);
	assert_int_equal(sa_set_cstr(&f->other, "198.51.100.7", 5060), 0);
	sip_digest_ha1(SIP_DIGEST_MD5, STR("alice"), STR(REALM), STR("s3cret"), f->ha1_md5);
	sip_digest_ha1(SIP_DIGEST_SHA256, STR("alice"), STR(REALM), STR("s3cret"), f->ha1_sha);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sip_auth_destroy(f->a);
	free(f);
	return 0;
}

/* Value of name="..." in the challenge line for alg. */
static void challenge_param(const char *ch, const char *alg, const char *name, char *out,
			    size_t size)
{
	char key[32], algtag[32];
	const char *line = ch, *p, *end;

	snprintf(algtag, sizeof(algtag), "algorithm=%s", alg);
	while ((end = strstr(line, "\r\n")) &&
	       !(strstr(line, algtag) && strstr(line, algtag) < end))
		line = end + 2;
	assert_non_null(end);
	snprintf(key, sizeof(key), "%s=\"", name);
	p = strstr(line, key);
	assert_true(p && p < end);
	p += strlen(key);
	snprintf(out, size, "%.*s", (int)(strchr(p, '"') - p), p);
}

/* Asks for a challenge from src at now, answers it like a phone would and parses the answer. */
static void answer(struct fixture *f, enum sip_digest_alg alg, const char *password,
		   const struct sa *src, uint64_t now, const char *nc)
{
	const char *algname = alg == SIP_DIGEST_SHA256 ? "SHA-256" : "MD5";
	char nonce[128], opaque[64], ha1[65], resp[65];
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(sip_auth_challenge(f->a, &b, false, STR(REALM), false, src, now), 0);
	challenge_param(b.data, algname, "nonce", nonce, sizeof(nonce));
	challenge_param(b.data, algname, "opaque", opaque, sizeof(opaque));
	buf_free(&b);
	sip_digest_ha1(alg, STR("alice"), STR(REALM), str_c(password), ha1);
	snprintf(f->hdr, sizeof(f->hdr),
		 "Digest username=\"alice\", realm=\"" REALM "\", nonce=\"%s\", uri=\"sip:" REALM
		 "\", algorithm=%s, opaque=\"%s\", qop=auth, nc=%s, cnonce=\"0a4f113b\", "
		 "response=\"%0*d\"",
		 nonce, algname, opaque, nc, (int)sip_digest_hex_len(alg), 0);
	assert_int_equal(sip_digest_parse(str_c(f->hdr), &f->cred), 0);
	sip_digest_response(alg, ha1, &f->cred, STR("REGISTER"), resp);
	memcpy((char *)f->cred.response.p, resp, strlen(resp)); /* slice into our own hdr */
}

static enum sip_auth_result check(struct fixture *f, const char *ha1, const struct sa *src,
				  uint64_t now)
{
	return sip_auth_check(f->a, &f->cred, STR("REGISTER"), ha1, src, now);
}

static void test_challenge_format(void **state)
{
	struct fixture *f = *state;
	struct buf b;
	char n1[128], n2[128];

	buf_init(&b, 4096);
	assert_int_equal(sip_auth_challenge(f->a, &b, false, STR(REALM), false, &f->src, T0), 0);
	assert_true(strncmp(b.data, "WWW-Authenticate: Digest realm=\"" REALM "\", nonce=\"", 48) ==
		    0);
	/* SHA-256 first, then MD5 (RFC 8760 3) */
	assert_true(strstr(b.data, "algorithm=SHA-256\r\n") < strstr(b.data, "algorithm=MD5\r\n"));
	assert_non_null(strstr(b.data, "qop=\"auth\""));
	assert_null(strstr(b.data, "stale"));
	challenge_param(b.data, "SHA-256", "nonce", n1, sizeof(n1));
	challenge_param(b.data, "MD5", "nonce", n2, sizeof(n2));
	assert_int_equal(strlen(n1), SIP_AUTH_NONCE_LEN);
	assert_string_not_equal(n1, n2);
	assert_int_equal(b.data[b.len - 2], '\r');
	assert_int_equal(b.data[b.len - 1], '\n');

	buf_reset(&b);
	assert_int_equal(sip_auth_challenge(f->a, &b, true, STR(REALM), true, &f->src, T0), 0);
	assert_true(strncmp(b.data, "Proxy-Authenticate: Digest ", 27) == 0);
	assert_non_null(strstr(b.data, "algorithm=MD5, stale=true\r\n"));
	assert_non_null(strstr(b.data, "algorithm=SHA-256, stale=true\r\n"));

	buf_reset(&b);
	assert_int_equal(sip_auth_challenge(f->a, &b, false, STR("a\"b"), false, &f->src, T0),
			 EINVAL);
	assert_int_equal(b.len, 0);
	buf_free(&b);

	buf_init(&b, 100); /* too small: nothing half-written */
	assert_int_equal(sip_auth_challenge(f->a, &b, false, STR(REALM), false, &f->src, T0),
			 EOVERFLOW);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_good_credentials(void **state)
{
	struct fixture *f = *state;

	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_OK);
	answer(f, SIP_DIGEST_SHA256, "s3cret", &f->src, T0, "00000001");
	assert_int_equal(check(f, f->ha1_sha, &f->src, T0 + 10), SIP_AUTH_OK);
	/* the source port does not matter, only the address */
	sa_set_port(&f->src, 40000);
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	sa_set_port(&f->src, 5060);
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_OK);
}

static void test_without_qop_and_uppercase(void **state)
{
	struct fixture *f = *state;
	char resp[65];

	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	f->cred.qop = f->cred.nc = f->cred.cnonce = STR_NULL;
	sip_digest_response(SIP_DIGEST_MD5, f->ha1_md5, &f->cred, STR("REGISTER"), resp);
	for (int i = 0; resp[i]; i++)
		if (resp[i] >= 'a')
			resp[i] = (char)(resp[i] - 'a' + 'A');
	memcpy((char *)f->cred.response.p, resp, 32);
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_OK);
	/* RFC 2069 mode has no nc: the same answer is accepted while the nonce lives */
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 20), SIP_AUTH_OK);
}

static void test_wrong_password_and_unknown_user(void **state)
{
	struct fixture *f = *state;

	/* defaults (10 failures) so the four failures below do not end in a ban */
	sip_auth_destroy(f->a);
	assert_int_equal(sip_auth_new(&f->a, NULL), 0);

	answer(f, SIP_DIGEST_MD5, "guess", &f->src, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_FAIL);
	answer(f, SIP_DIGEST_MD5, "guess", &f->src, T0, "00000001");
	assert_int_equal(check(f, NULL, &f->src, T0 + 10), SIP_AUTH_FAIL);
	/* even the right password of some user is a plain FAIL when the user is unknown */
	answer(f, SIP_DIGEST_SHA256, "s3cret", &f->other, T0, "00000001");
	assert_int_equal(check(f, NULL, &f->other, T0 + 10), SIP_AUTH_FAIL);
	/* an HA1 of the other algorithm never matches */
	answer(f, SIP_DIGEST_SHA256, "s3cret", &f->other, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->other, T0 + 10), SIP_AUTH_FAIL);
}

static void test_stale_nonce(void **state)
{
	struct fixture *f = *state;
	uint64_t late = T0 + 300 * 1000 + 1;

	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, late), SIP_AUTH_STALE);
	answer(f, SIP_DIGEST_MD5, "guess", &f->src, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, late), SIP_AUTH_FAIL);
	/* a nonce from the future was not made by this clock */
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0 + 60000, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0), SIP_AUTH_FAIL);
}

static void test_nonce_binding_and_forgery(void **state)
{
	struct fixture *f = *state;
	char *nonce;

	answer(f, SIP_DIGEST_MD5, "s3cret", &f->other, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_FAIL);

	/* flip one bit of the MAC part, keep the response consistent with the new nonce */
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->other, T0, "00000001");
	nonce = strstr(f->hdr, "nonce=\"") + 7;
	nonce[SIP_AUTH_NONCE_LEN - 1] = nonce[SIP_AUTH_NONCE_LEN - 1] == '0' ? '1' : '0';
	char resp[65];
	sip_digest_response(SIP_DIGEST_MD5, f->ha1_md5, &f->cred, STR("REGISTER"), resp);
	memcpy((char *)f->cred.response.p, resp, 32);
	assert_int_equal(check(f, f->ha1_md5, &f->other, T0 + 10), SIP_AUTH_FAIL);

	/* a nonce of someone else's server (RFC 2617 example) */
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->other, T0, "00000001");
	f->cred.nonce = STR("dcd98b7102dd2f0e8b11d0f600bfb0c093");
	sip_digest_response(SIP_DIGEST_MD5, f->ha1_md5, &f->cred, STR("REGISTER"), resp);
	memcpy((char *)f->cred.response.p, resp, 32);
	assert_int_equal(check(f, f->ha1_md5, &f->other, T0 + 10), SIP_AUTH_FAIL);
}

static void test_nc_replay(void **state)
{
	struct fixture *f = *state;
	struct sip_digest_cred first;

	answer(f, SIP_DIGEST_SHA256, "s3cret", &f->src, T0, "00000001");
	first = f->cred;
	assert_int_equal(check(f, f->ha1_sha, &f->src, T0 + 10), SIP_AUTH_OK);
	assert_int_equal(check(f, f->ha1_sha, &f->src, T0 + 20), SIP_AUTH_FAIL);

	/* the next request on the same nonce with nc=2 is fine, going back is not */
	char hdr2[1024], resp[65];
	memcpy(hdr2, f->hdr, sizeof(hdr2));
	char *nc = strstr(hdr2, "nc=00000001");
	nc[10] = '2';
	assert_int_equal(sip_digest_parse(str_c(hdr2), &f->cred), 0);
	sip_digest_response(SIP_DIGEST_SHA256, f->ha1_sha, &f->cred, STR("REGISTER"), resp);
	memcpy((char *)f->cred.response.p, resp, 64);
	assert_int_equal(check(f, f->ha1_sha, &f->src, T0 + 30), SIP_AUTH_OK);
	f->cred = first;
	assert_int_equal(check(f, f->ha1_sha, &f->src, T0 + 40), SIP_AUTH_FAIL);

	/* nc=0 is never valid */
	answer(f, SIP_DIGEST_SHA256, "s3cret", &f->src, T0, "00000000");
	assert_int_equal(check(f, f->ha1_sha, &f->src, T0 + 10), SIP_AUTH_FAIL);
}

static void test_opaque_and_qop(void **state)
{
	struct fixture *f = *state;

	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	f->cred.opaque = STR("5ccc069c403ebaf9f0171e9517f40e41");
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_FAIL);
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	f->cred.opaque = STR_NULL; /* some phones do not echo it */
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_OK);

	/* only qop=auth was offered: a correct auth-int answer is still refused */
	char resp[65];
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000002");
	f->cred.qop = STR("auth-int");
	sip_digest_response(SIP_DIGEST_MD5, f->ha1_md5, &f->cred, STR("REGISTER"), resp);
	memcpy((char *)f->cred.response.p, resp, 32);
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 10), SIP_AUTH_FAIL);
}

static void test_ban_user_and_expiry(void **state)
{
	struct fixture *f = *state;
	uint64_t t = T0;

	for (int i = 0; i < 2; i++) {
		answer(f, SIP_DIGEST_MD5, "guess", &f->src, t, "00000001");
		assert_int_equal(check(f, f->ha1_md5, &f->src, ++t), SIP_AUTH_FAIL);
	}
	assert_false(sip_auth_banned(f->a, &f->src, STR("alice"), t));
	answer(f, SIP_DIGEST_MD5, "guess", &f->src, t, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, ++t), SIP_AUTH_FAIL);
	/* the third failure bans both the address and the user */
	assert_true(sip_auth_banned(f->a, &f->src, STR("bob"), t));
	assert_true(sip_auth_banned(f->a, &f->other, STR("alice"), t));
	assert_false(sip_auth_banned(f->a, &f->other, STR("bob"), t));
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->other, t, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->other, t + 1), SIP_AUTH_BANNED);

	sip_auth_gc(f->a, t + 60 * 1000); /* gc keeps live bans */
	assert_true(sip_auth_banned(f->a, &f->src, STR_NULL, t + 60 * 1000));
	t += 120 * 1000 + 1;
	assert_false(sip_auth_banned(f->a, &f->src, STR("alice"), t));
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, t, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, t + 1), SIP_AUTH_OK);
}

static void test_ban_ip_over_many_users_and_window(void **state)
{
	struct fixture *f = *state;
	struct sip_digest_cred c;
	char v[256];

	for (int i = 0; i < 3; i++) {
		snprintf(v, sizeof(v),
			 "Digest username=\"u%d\", realm=\"" REALM
			 "\", nonce=\"x\", uri=\"sip:a\", "
			 "response=\"00000000000000000000000000000000\"",
			 i);
		assert_int_equal(sip_digest_parse(str_c(v), &c), 0);
		/* failures spread wider than the window never add up */
		assert_int_equal(sip_auth_check(f->a, &c, STR("INVITE"), NULL, &f->other,
						T0 + (uint64_t)i * 61 * 1000),
				 SIP_AUTH_FAIL);
	}
	assert_false(sip_auth_banned(f->a, &f->other, STR_NULL, T0 + 122 * 1000));
	for (int i = 0; i < 3; i++) {
		snprintf(v, sizeof(v),
			 "Digest username=\"v%d\", realm=\"" REALM
			 "\", nonce=\"x\", uri=\"sip:a\", "
			 "response=\"00000000000000000000000000000000\"",
			 i);
		assert_int_equal(sip_digest_parse(str_c(v), &c), 0);
		assert_int_equal(sip_auth_check(f->a, &c, STR("INVITE"), NULL, &f->src, T0 + i),
				 SIP_AUTH_FAIL);
	}
	assert_true(sip_auth_banned(f->a, &f->src, STR_NULL, T0 + 3));
	assert_false(sip_auth_banned(f->a, &f->other, STR("v0"), T0 + 3));
}

static void test_security_log_line(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/test_auth_logXXXXXX", text[4096] = "";
	int fd = mkstemp(path);
	FILE *fp;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open_file(path), 0);
	answer(f, SIP_DIGEST_MD5, "guess", &f->src, T0, "00000001");
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 1), SIP_AUTH_FAIL);
	answer(f, SIP_DIGEST_MD5, "guess", &f->src, T0, "00000001");
	assert_int_equal(check(f, NULL, &f->src, T0 + 1), SIP_AUTH_FAIL);
	log_open_file(NULL);
	fp = fopen(path, "r");
	assert_non_null(fp);
	text[fread(text, 1, sizeof(text) - 1, fp)] = '\0';
	fclose(fp);
	unlink(path);
	assert_non_null(strstr(text, "[security] auth failed src=192.0.2.10 user=alice realm=" REALM
				     " reason=password\n"));
	assert_non_null(strstr(text, "[security] auth failed src=192.0.2.10 user=alice realm=" REALM
				     " reason=unknown_user\n"));
}

static void test_shared_secret(void **state)
{
	struct fixture *f = *state;
	struct sip_auth_cfg cfg = {.secret = "a shared secret of the cluster nodes"};
	struct sip_auth *a2, *a3;

	assert_int_equal(sip_auth_new(&a2, &cfg), 0);
	assert_int_equal(sip_auth_new(&a3, &cfg), 0);
	/* a nonce made by one node is accepted by another with the same secret */
	struct sip_auth *mine = f->a;
	f->a = a2;
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->src, T0, "00000001");
	f->a = a3;
	assert_int_equal(check(f, f->ha1_md5, &f->src, T0 + 1), SIP_AUTH_OK);
	/* but not by a node with its own random secret */
	f->a = mine;
	answer(f, SIP_DIGEST_MD5, "s3cret", &f->other, T0, "00000001");
	f->a = a2;
	f->cred.opaque = STR_NULL;
	assert_int_equal(check(f, f->ha1_md5, &f->other, T0 + 1), SIP_AUTH_FAIL);
	f->a = mine;
	sip_auth_destroy(a2);
	sip_auth_destroy(a3);
	cfg.secret = "";
	assert_int_equal(sip_auth_new(&a2, &cfg), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_challenge_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_good_credentials, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_without_qop_and_uppercase, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_password_and_unknown_user, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_nonce, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nonce_binding_and_forgery, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nc_replay, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_opaque_and_qop, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ban_user_and_expiry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ban_ip_over_many_users_and_window, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_security_log_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shared_secret, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
