/*
 * Failed logins per client address in a fixed table (hash of the address,
 * one-minute windows): past the limit the address gets 429 until the window
 * turns. Accounts have their own lock in the users table (auth.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/mem.h"
#include "core/time.h"

#define LIMIT_SLOTS 4096
#define LIMIT_WINDOW_MS 60000

struct api_login_limit {
	struct {
		uint32_t hash;
		uint32_t count;
		uint64_t window;
	} slot[LIMIT_SLOTS];
};

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h ? h : 1;
}

int api_limits_new(struct api *a)
{
	a->limit = xcalloc(1, sizeof(*a->limit));
	return 0;
}

void api_limits_destroy(struct api *a)
{
	free(a->limit);
	a->limit = NULL;
}

static uint32_t *counter(struct api *a, const char *ip, bool create)
{
	uint32_t h = fnv(ip);
	uint64_t window = time_mono_ms() / LIMIT_WINDOW_MS;
	size_t i = h % LIMIT_SLOTS;

	if (a->limit->slot[i].hash != h || a->limit->slot[i].window != window) {
		if (!create)
			return NULL;
		a->limit->slot[i].hash = h;
		a->limit->slot[i].window = window;
		a->limit->slot[i].count = 0;
	}
	return &a->limit->slot[i].count;
}

bool api_limits_blocked(struct api *a, const char *ip)
{
	uint32_t *n = counter(a, ip, false);
	return n && a->cfg.login_ip_rate && *n >= a->cfg.login_ip_rate;
}

void api_limits_failed(struct api *a, const char *ip)
{
	(*counter(a, ip, true))++;
}
