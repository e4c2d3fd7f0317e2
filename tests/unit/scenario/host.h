/* A recording scenario host for the unit tests: every operation appends "op:args;" to a log. */
#ifndef TEST_SCENARIO_HOST_H
#define TEST_SCENARIO_HOST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario.h"

struct test_host {
	char log[8192];
	int64_t now;
	const char *list_name, *list_number; /* the one list entry the host knows */
	bool no_tts;
	int hangups;
};

/* Appends the strings up to a NULL. */
static inline void th_log(struct test_host *h, ...)
{
	va_list ap;
	const char *part;
	size_t n = strlen(h->log);

	va_start(ap, h);
	while ((part = va_arg(ap, const char *)) && n < sizeof(h->log) - 1) {
		snprintf(h->log + n, sizeof(h->log) - n, "%s", part);
		n = strlen(h->log);
	}
	va_end(ap);
}

static inline int th_play(void *host, const char *prompt)
{
	th_log(host, "play:", prompt, ";", NULL);
	return 0;
}

static inline int th_say(void *host, const char *text)
{
	struct test_host *h = host;
	th_log(h, "say:", text, ";", NULL);
	return h->no_tts ? ENOTSUP : 0;
}

static inline int th_collect(void *host, const struct scenario_collect *c)
{
	char spec[64];
	snprintf(spec, sizeof(spec), "/%d-%d/%c/%d", c->min, c->max,
		 c->terminator ? c->terminator : '-', c->timeout);
	th_log(host, "collect:", c->prompt ? c->prompt : "", spec, ";", NULL);
	return 0;
}

static inline int th_dial(void *host, const struct scenario_dial *d)
{
	static const char *const strat[] = { "ring-all", "sequential", "round-robin" };
	char spec[64];
	th_log(host, "dial:", NULL);
	for (size_t i = 0; i < d->ntargets; i++)
		th_log(host, d->targets[i].kind == SCENARIO_TARGET_EXTENSION ? "ext " : "num ",
		       d->targets[i].value, ",", NULL);
	snprintf(spec, sizeof(spec), "/%s/%d", strat[d->strategy], d->timeout);
	th_log(host, spec, ";", NULL);
	return 0;
}

static inline int th_voicemail(void *host, const char *box)
{
	th_log(host, "voicemail:", box, ";", NULL);
	return 0;
}

static inline int th_record(void *host, const struct scenario_record *r)
{
	th_log(host, "record;", NULL);
	return 0;
}

static inline int th_http(void *host, const struct scenario_http *r)
{
	th_log(host, "http:", r->method, " ", r->url, r->body ? " " : "", r->body ? r->body : "",
	       ";", NULL);
	return 0;
}

static inline int th_transfer(void *host, const char *target)
{
	th_log(host, "transfer:", target, ";", NULL);
	return 0;
}

static inline void th_hangup(void *host, const char *cause)
{
	((struct test_host *)host)->hangups++;
	th_log(host, "hangup:", cause, ";", NULL);
}

static inline int64_t th_now(void *host)
{
	return ((struct test_host *)host)->now;
}

static inline bool th_list(void *host, const char *list, const char *number)
{
	struct test_host *h = host;
	return h->list_name && strcmp(list, h->list_name) == 0 &&
	       scenario_pattern_match(h->list_number, number);
}

static const struct scenario_host_ops test_host_ops = {
	.play = th_play,
	.say = th_say,
	.collect = th_collect,
	.dial = th_dial,
	.voicemail = th_voicemail,
	.record = th_record,
	.http_request = th_http,
	.transfer = th_transfer,
	.hangup = th_hangup,
	.now = th_now,
	.list_contains = th_list,
};

#endif
