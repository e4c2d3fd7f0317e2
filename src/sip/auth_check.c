/* Digest challenges and credential checks with nonce-count replay tracking and bans. */
#include <errno.h>
#include <stdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/log.h"
#include "core/rand.h"
#include "sip/auth.h"

enum {
	AUTH_KEY_MAX = 64,     /* longer secrets are hashed down to 32 bytes */
	AUTH_NC_MAX = 16384,   /* live nonces with qop=auth being tracked */
	AUTH_FUTURE_MS = 5000, /* clock skew tolerated for a nonce from a peer node */
};

struct sip_auth {
	unsigned char key[AUTH_KEY_MAX]; /* HMAC key for nonces */
	size_t keylen;
	uint64_t ttl_ms;
	char opaque[33];
	bool md5_only;
	char dummy_ha1[2][65];	  /* per algorithm, for unknown users */
	struct sip_auth_table nc; /* key: nonce text; count: highest nc; t0: nonce time */
	struct sip_auth_bans bans;
};

static unsigned or_default(unsigned v, unsigned def)
{
	return v ? v : def;
}

static int auth_set_key(struct sip_auth *a, const char *secret)
{
	size_t n;

	if (!secret) {
		rand_bytes(a->key, 32);
		a->keylen = 32;
		return 0;
	}
	n = strlen(secret);
	if (n == 0)
		return EINVAL;
	if (n <= AUTH_KEY_MAX) {
		memcpy(a->key, secret, n);
		a->keylen = n;
		return 0;
	}
	unsigned len = 0;
	if (!EVP_Digest(secret, n, a->key, &len, EVP_sha256(), NULL))
		abort();
	a->keylen = len;
	return 0;
}

int sip_auth_new(struct sip_auth **ap, const struct sip_auth_cfg *cfg)
{
	static const struct sip_auth_cfg defaults = {0};
	struct sip_auth *a = xcalloc(1, sizeof(*a));
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;

	if (!cfg)
		cfg = &defaults;
	if (auth_set_key(a, cfg->secret)) {
		free(a);
		return EINVAL;
	}
	a->ttl_ms = (uint64_t)or_default(cfg->nonce_ttl_s, 300) * 1000;
	a->md5_only = cfg->md5_only;
	/* The opaque is stable per secret, so nodes sharing a secret accept each other's. */
	if (!HMAC(EVP_sha256(), a->key, (int)a->keylen, (const unsigned char *)"opaque", 6, mac,
		  &mac_len))
		abort();
	for (int i = 0; i < 16; i++)
		snprintf(a->opaque + 2 * i, 3, "%02x", mac[i]);
	rand_hex(a->dummy_ha1[SIP_DIGEST_MD5], 16);
	rand_hex(a->dummy_ha1[SIP_DIGEST_SHA256], 32);
	sip_auth_table_init(&a->nc, AUTH_NC_MAX);
	sip_auth_bans_init(&a->bans, or_default(cfg->fail_limit, 10),
			   or_default(cfg->fail_window_s, 60), or_default(cfg->ban_s, 300));
	*ap = a;
	return 0;
}

void sip_auth_destroy(struct sip_auth *a)
{
	if (!a)
		return;
	sip_auth_table_free(&a->nc);
	sip_auth_bans_free(&a->bans);
	OPENSSL_cleanse(a->key, sizeof(a->key));
	free(a);
}

static bool realm_ok(struct str realm)
{
	for (size_t i = 0; i < realm.len; i++) {
		unsigned char c = (unsigned char)realm.p[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

int sip_auth_challenge(struct sip_auth *a, struct buf *out, bool proxy, struct str realm,
		       bool stale, const struct sa *src, uint64_t now_ms)
{
	static const char *const alg_names[] = {"SHA-256", "MD5"};
	const char *hdr = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
	char nonce[SIP_AUTH_NONCE_LEN + 1];
	size_t saved = out->len;
	int err = 0;

	if (!realm_ok(realm))
		return EINVAL;
	for (int i = a->md5_only ? 1 : 0; i < 2 && !err; i++) {
		sip_auth_nonce_make(a->key, a->keylen, src, now_ms, nonce);
		err = buf_printf(out,
				 "%s: Digest realm=\"%.*s\", nonce=\"%s\", opaque=\"%s\", "
				 "qop=\"auth\", algorithm=%s%s\r\n",
				 hdr, STR_FMT(realm), nonce, a->opaque, alg_names[i],
				 stale ? ", stale=true" : "");
	}
	if (err && out->cap > saved) {
		out->len = saved; /* no half challenge: the caller may still send a plain 401 */
		out->data[saved] = '\0';
	}
	return err;
}

/* Stored HA1 lowercased into out, or the dummy when unknown or not a digest of this algorithm. */
static bool pick_ha1(struct sip_auth *a, enum sip_digest_alg alg, const char *ha1_hex, char out[65])
{
	size_t n = sip_digest_hex_len(alg);
	bool ok = ha1_hex && strnlen(ha1_hex, n + 1) == n;

	for (size_t i = 0; ok && i < n; i++) {
		char c = ha1_hex[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
		out[i] = c;
	}
	if (!ok)
		memcpy(out, a->dummy_ha1[alg], n);
	out[n] = '\0';
	return ok;
}

static bool response_ok(const struct sip_digest_cred *cred, const char *ha1, struct str method)
{
	size_t n = sip_digest_hex_len(cred->alg);
	char expect[65], got[65];

	sip_digest_response(cred->alg, ha1, cred, method, expect);
	if (cred->response.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = cred->response.p[i];
		got[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	return CRYPTO_memcmp(expect, got, n) == 0;
}

/* nc must grow per nonce; the nonce's record is updated only after the response proved right. */
static const char *check_nc(struct sip_auth *a, const struct sip_digest_cred *cred, uint64_t ts,
			    enum sip_auth_result *res)
{
	uint64_t nc = 0;
	struct sip_auth_entry *e;

	for (size_t i = 0; i < cred->nc.len; i++)
		nc = nc << 4 | (uint64_t)(cred->nc.p[i] <= '9' ? cred->nc.p[i] - '0'
							       : (cred->nc.p[i] | 0x20) - 'a' + 10);
	if (nc == 0)
		return "nc";
	e = sip_auth_table_find(&a->nc, cred->nonce.p, cred->nonce.len);
	if (e && nc <= e->count)
		return "replay";
	if (!e && ts <= a->nc.evicted_t0) {
		*res =
		    SIP_AUTH_STALE; /* its history was evicted: a fresh nonce is the safe answer */
		return NULL;
	}
	if (!e) {
		e = sip_auth_table_get(&a->nc, cred->nonce.p, cred->nonce.len);
		e->t0 = ts;
	}
	e->count = nc;
	return NULL;
}

/* NULL with *res on success or stale, else the reason for the log line. */
static const char *verify(struct sip_auth *a, const struct sip_digest_cred *cred, struct str method,
			  const char *ha1_hex, const struct sa *src, uint64_t now_ms,
			  enum sip_auth_result *res)
{
	char ha1[65];
	uint64_t ts = 0;
	bool known = pick_ha1(a, cred->alg, ha1_hex, ha1);
	bool resp = response_ok(cred, ha1, method);
	bool ours = sip_auth_nonce_verify(a->key, a->keylen, cred->nonce, src, &ts) == 0;

	*res = SIP_AUTH_OK;
	if (!known)
		return ha1_hex ? "bad_ha1" : "unknown_user";
	if (!ours || ts > now_ms + AUTH_FUTURE_MS)
		return "nonce";
	if (cred->opaque.p && !str_eq_cstr(cred->opaque, a->opaque))
		return "opaque";
	if (cred->qop.p && !str_eq_case_cstr(cred->qop, "auth"))
		return "qop";
	if (!resp)
		return "password";
	if (now_ms > ts && now_ms - ts > a->ttl_ms) {
		*res = SIP_AUTH_STALE;
		return NULL;
	}
	return cred->qop.p ? check_nc(a, cred, ts, res) : NULL;
}

enum sip_auth_result sip_auth_check(struct sip_auth *a, const struct sip_digest_cred *cred,
				    struct str method, const char *ha1_hex, const struct sa *src,
				    uint64_t now_ms)
{
	enum sip_auth_result res;
	const char *why;
	char ip[SA_ADDRSTRLEN], user[SIP_AUTH_KEY_MAX + 1], realm[SIP_AUTH_KEY_MAX + 1];

	if (sip_auth_bans_active(&a->bans, src, cred->username, now_ms))
		return SIP_AUTH_BANNED;
	why = verify(a, cred, method, ha1_hex, src, now_ms, &res);
	if (!why) {
		if (res == SIP_AUTH_OK)
			sip_auth_bans_success(&a->bans, cred->username);
		return res;
	}
	log_notice("security", "auth failed src=%s user=%s realm=%s reason=%s",
		   sa_host_str(src, ip, sizeof(ip)),
		   sip_auth_log_str(cred->username, user, sizeof(user)),
		   sip_auth_log_str(cred->realm, realm, sizeof(realm)), why);
	sip_auth_bans_fail(&a->bans, src, cred->username, now_ms);
	return SIP_AUTH_FAIL;
}

bool sip_auth_banned(struct sip_auth *a, const struct sa *src, struct str user, uint64_t now_ms)
{
	return sip_auth_bans_active(&a->bans, src, user, now_ms);
}

struct nc_gc_arg {
	uint64_t now_ms, ttl_ms;
};

static bool nc_dead(const struct sip_auth_entry *e, const void *arg)
{
	const struct nc_gc_arg *g = arg;

	return g->now_ms > e->t0 && g->now_ms - e->t0 > g->ttl_ms;
}

void sip_auth_gc(struct sip_auth *a, uint64_t now_ms)
{
	struct nc_gc_arg g = {now_ms, a->ttl_ms};

	sip_auth_table_sweep(&a->nc, nc_dead, &g);
	sip_auth_bans_gc(&a->bans, now_ms);
}
