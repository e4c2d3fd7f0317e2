/* Authentication failure counters and temporary bans, per source address and per username. */
#include "core/log.h"
#include "sip/auth.h"

/* Enough for every real source and user; beyond it the least recently seen record is reused,
 * so a flood of random usernames only recycles user records and never IP bans. */
enum { BANS_MAX_IPS = 16384, BANS_MAX_USERS = 16384 };

void sip_auth_bans_init(struct sip_auth_bans *b, unsigned limit, unsigned window_s, unsigned ban_s)
{
	sip_auth_table_init(&b->ips, BANS_MAX_IPS);
	sip_auth_table_init(&b->users, BANS_MAX_USERS);
	b->limit = limit ? limit : 1;
	b->window_ms = (uint64_t)window_s * 1000;
	b->ban_ms = (uint64_t)ban_s * 1000;
}

void sip_auth_bans_free(struct sip_auth_bans *b)
{
	sip_auth_table_free(&b->ips);
	sip_auth_table_free(&b->users);
}

/* Counts one failure on e: true when this one starts a ban. */
static bool count_failure(struct sip_auth_bans *b, struct sip_auth_entry *e, uint64_t now_ms)
{
	if (e->until > now_ms)
		return false; /* already banned: the ban is not extended by its own traffic */
	if (e->count == 0 || now_ms - e->t0 >= b->window_ms) {
		e->t0 = now_ms;
		e->count = 0;
	}
	if (++e->count < b->limit)
		return false;
	e->until = now_ms + b->ban_ms;
	e->count = 0;
	return true;
}

void sip_auth_bans_fail(struct sip_auth_bans *b, const struct sa *src, struct str user,
			uint64_t now_ms)
{
	unsigned char key[17];
	size_t klen = sip_auth_addr_key(src, key);
	char ip[SA_ADDRSTRLEN], name[SIP_AUTH_KEY_MAX + 1];

	if (count_failure(b, sip_auth_table_get(&b->ips, key, klen), now_ms))
		log_notice("security", "auth ban src=%s seconds=%llu",
			   sa_host_str(src, ip, sizeof(ip)),
			   (unsigned long long)(b->ban_ms / 1000));
	if (str_empty(user))
		return;
	if (count_failure(b, sip_auth_table_get(&b->users, user.p, user.len), now_ms))
		log_notice("security", "auth ban user=%s seconds=%llu",
			   sip_auth_log_str(user, name, sizeof(name)),
			   (unsigned long long)(b->ban_ms / 1000));
}

void sip_auth_bans_success(struct sip_auth_bans *b, struct str user)
{
	struct sip_auth_entry *e;

	if (str_empty(user))
		return;
	e = sip_auth_table_find(&b->users, user.p, user.len);
	if (e) /* a banned user never gets here: sip_auth_check answers BANNED first */
		sip_auth_table_remove(&b->users, e);
}

bool sip_auth_bans_active(struct sip_auth_bans *b, const struct sa *src, struct str user,
			  uint64_t now_ms)
{
	unsigned char key[17];
	size_t klen = sip_auth_addr_key(src, key);
	struct sip_auth_entry *e = sip_auth_table_find(&b->ips, key, klen);

	if (e && e->until > now_ms)
		return true;
	if (str_empty(user))
		return false;
	e = sip_auth_table_find(&b->users, user.p, user.len);
	return e && e->until > now_ms;
}

struct bans_gc_arg {
	uint64_t now_ms, window_ms;
};

static bool bans_dead(const struct sip_auth_entry *e, const void *arg)
{
	const struct bans_gc_arg *g = arg;

	return e->until <= g->now_ms && g->now_ms - e->t0 >= g->window_ms;
}

void sip_auth_bans_gc(struct sip_auth_bans *b, uint64_t now_ms)
{
	struct bans_gc_arg g = {now_ms, b->window_ms};

	sip_auth_table_sweep(&b->ips, bans_dead, &g);
	sip_auth_table_sweep(&b->users, bans_dead, &g);
}
