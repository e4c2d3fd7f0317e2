/* SIP digest authentication (RFC 2617/7616/8760), server side: parse, challenge, check, bans. */
#ifndef SIP_AUTH_H
#define SIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/hmap.h"
#include "core/str.h"
#include "net/addr.h"

struct sip_msg;

enum sip_digest_alg { SIP_DIGEST_MD5 = 0, SIP_DIGEST_SHA256 = 1 };

struct sip_digest_cred { /* slices into the header value */
	struct str username, realm, nonce, uri, response, algorithm, cnonce, opaque, qop, nc;
	enum sip_digest_alg alg; /* from algorithm= (absent = MD5) */
};

/* Parses one Authorization/Proxy-Authorization value ("Digest k=v, ..."): 0 or EBADMSG
 * (unknown scheme, bad syntax, missing username/realm/nonce/uri/response, qop without nc/cnonce,
 * unknown algorithm, duplicate param, response of wrong length). */
int sip_digest_parse(struct str value, struct sip_digest_cred *out);

/* A WWW-Authenticate/Proxy-Authenticate value (client side): realm, nonce, opaque, qop and
 * algorithm into out; 0 or EBADMSG (no realm or nonce, unknown algorithm, bad syntax). */
int sip_digest_challenge_parse(struct str value, struct sip_digest_cred *out);

/*
 * Client side: the "Authorization: Digest ...\r\n" line (Proxy-Authorization for a 407)
 * answering the first challenge of resp we can compute, for user/password, method and uri;
 * qop=auth with a random cnonce when offered. 0, ENOENT (no usable challenge) or EOVERFLOW.
 */
int sip_auth_answer(const struct sip_msg *resp, const char *user, const char *password,
		    const char *method, const char *uri, struct buf *out);

/* First Authorization (proxy=false) or Proxy-Authorization (proxy=true) header whose realm equals
 * realm (case-sensitive per RFC): 0, ENOENT (none for this realm), EBADMSG (malformed one for it).
 */
int sip_auth_find_cred(const struct sip_msg *msg, bool proxy, struct str realm,
		       struct sip_digest_cred *out);

/* HA1 = H(user ":" realm ":" password) as lowercase hex (33 or 65 bytes with NUL) */
void sip_digest_ha1(enum sip_digest_alg alg, struct str user, struct str realm, struct str password,
		    char out[65]);

/* Expected response as lowercase hex: H(HA1:nonce:nc:cnonce:qop:H(method:uri)), or
 * H(HA1:nonce:H(method:uri)) when qop is empty (RFC 2069 compatibility). */
void sip_digest_response(enum sip_digest_alg alg, const char *ha1_hex,
			 const struct sip_digest_cred *cred, struct str method, char out[65]);

/* Hex digits of a digest of this algorithm: 32 (MD5) or 64 (SHA-256). */
size_t sip_digest_hex_len(enum sip_digest_alg alg);

struct sip_auth_cfg {
	unsigned nonce_ttl_s;	/* default 300; older nonces -> stale=true */
	unsigned fail_limit;	/* failures within fail_window_s before a ban; default 10 */
	unsigned fail_window_s; /* default 60 */
	unsigned ban_s;		/* default 300 */
	const char *secret;	/* server secret for nonces; NULL = random per process */
	bool md5_only;		/* challenge with MD5 only: many phones answer the first
				   challenge even when they cannot compute its algorithm */
};

enum sip_auth_result {
	SIP_AUTH_OK = 0,
	SIP_AUTH_FAIL,	 /* wrong password, unknown user, bad nonce, replay: fresh challenge */
	SIP_AUTH_STALE,	 /* valid credentials but the nonce expired: challenge with stale=true */
	SIP_AUTH_BANNED, /* source or user is banned: drop silently (or 403 on streams) */
};

struct sip_auth;
int sip_auth_new(struct sip_auth **ap, const struct sip_auth_cfg *cfg);
void sip_auth_destroy(struct sip_auth *a);

/* Appends challenge header line(s) "WWW-Authenticate: Digest ...\r\n" (proxy: Proxy-Authenticate),
 * SHA-256 first then MD5 (RFC 8760 3), each with realm, a fresh nonce bound to src address and
 * time, opaque, qop="auth", algorithm, and stale=true when asked. */
int sip_auth_challenge(struct sip_auth *a, struct buf *out, bool proxy, struct str realm,
		       bool stale, const struct sa *src, uint64_t now_ms);

/* Checks cred for method against the stored HA1 of the cred's algorithm (hex). ha1_hex NULL means
 * unknown user: the same work is done against a dummy HA1 so timing and answer do not differ.
 * Nonce must be ours (HMAC over time+src with the secret), not expired, bound to src; with qop=auth
 * the nc must increase per nonce (replays -> FAIL). Counts failures per source IP and per username
 * and bans past fail_limit; logs one security line per failure: "auth failed src=<ip> user=<name>
 * realm=<realm> reason=<why>" (subsystem "security"). */
enum sip_auth_result sip_auth_check(struct sip_auth *a, const struct sip_digest_cred *cred,
				    struct str method, const char *ha1_hex, const struct sa *src,
				    uint64_t now_ms);

/* true while src (address only) or user is banned */
bool sip_auth_banned(struct sip_auth *a, const struct sa *src, struct str user, uint64_t now_ms);

/* Expires old nonce-count and failure entries; call every few seconds. */
void sip_auth_gc(struct sip_auth *a, uint64_t now_ms);

/*
 * Shared by the auth_*.c files and sip/flood.c, not for callers elsewhere.
 */

/* A bounded map from short byte keys to small records; the least recently used record is
 * reused when full, so hostile keys (random usernames, spoofed sources) cannot exhaust memory.
 * Bucket hashes are keyed with a per-table random seed against chosen-collision floods. */
enum { SIP_AUTH_KEY_MAX = 72 };

struct sip_auth_entry {
	struct hmap_node node;
	struct sip_auth_entry *newer, *older; /* LRU list; borrowed links */
	uint64_t t0;			      /* meaning per table (first failure, nonce time) */
	uint64_t until;			      /* ban end, or 0 */
	uint64_t count;			      /* failures, last nc, tokens */
	uint8_t klen;
	unsigned char key[SIP_AUTH_KEY_MAX];
};

struct sip_auth_table {
	struct hmap map;
	struct sip_auth_entry *newest, *oldest; /* owned, through the list */
	size_t max;
	uint64_t evicted_t0; /* largest t0 of an entry evicted before gc would have dropped it */
	unsigned char seed[16];
};

void sip_auth_table_init(struct sip_auth_table *t, size_t max);
void sip_auth_table_free(struct sip_auth_table *t);
/* Existing record (moved to newest) or NULL; keys longer than SIP_AUTH_KEY_MAX are cut. */
struct sip_auth_entry *sip_auth_table_find(struct sip_auth_table *t, const void *key, size_t klen);
/* Existing or new zeroed record; evicts the oldest when full. */
struct sip_auth_entry *sip_auth_table_get(struct sip_auth_table *t, const void *key, size_t klen);
void sip_auth_table_remove(struct sip_auth_table *t, struct sip_auth_entry *e);
/* Removes every record for which dead() says true. */
void sip_auth_table_sweep(struct sip_auth_table *t,
			  bool (*dead)(const struct sip_auth_entry *e, const void *arg),
			  const void *arg);
size_t sip_auth_table_count(const struct sip_auth_table *t);

/* Address bytes of src (family byte first), the key for per-IP records: length written. */
size_t sip_auth_addr_key(const struct sa *src, unsigned char out[17]);

/* Nonce: hex of (time ms, 8 random bytes, first 16 bytes of HMAC-SHA256(key, time|salt|addr)). */
enum { SIP_AUTH_NONCE_LEN = 64 };
void sip_auth_nonce_make(const unsigned char *key, size_t keylen, const struct sa *src,
			 uint64_t now_ms, char out[SIP_AUTH_NONCE_LEN + 1]);
/* 0 with *ts_ms set, or EBADMSG (wrong form, not made with key, or made for another address). */
int sip_auth_nonce_verify(const unsigned char *key, size_t keylen, struct str nonce,
			  const struct sa *src, uint64_t *ts_ms);

/* Failure counters and bans per source address and per username. */
struct sip_auth_bans {
	struct sip_auth_table ips, users;
	unsigned limit;
	uint64_t window_ms, ban_ms;
};
void sip_auth_bans_init(struct sip_auth_bans *b, unsigned limit, unsigned window_s, unsigned ban_s);
void sip_auth_bans_free(struct sip_auth_bans *b);
/* Counts one failure for both keys; starts a ban (one log line) when either reaches the limit. */
void sip_auth_bans_fail(struct sip_auth_bans *b, const struct sa *src, struct str user,
			uint64_t now_ms);
void sip_auth_bans_success(struct sip_auth_bans *b, struct str user);
bool sip_auth_bans_active(struct sip_auth_bans *b, const struct sa *src, struct str user,
			  uint64_t now_ms);
void sip_auth_bans_gc(struct sip_auth_bans *b, uint64_t now_ms);

/* Copies s for a log line: printable ASCII other than space and quote, else '?'; cut at size-1. */
char *sip_auth_log_str(struct str s, char *out, size_t size);

#endif
