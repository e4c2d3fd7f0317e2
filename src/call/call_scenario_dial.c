/*
 * A scenario's dial and transfer steps: forks to extensions (their registered contacts) and
 * to external numbers (through a trunk, as the caller's outbound rules choose), all at once
 * or one target after the other (round-robin starts where the group's last call stopped).
 * The caller hears ringback while the forks ring; the first answer is bridged on the relay
 * (transcoded when its codec differs from the caller's), the others are cancelled. When
 * every fork fails the engine gets busy, no_answer or failed and the scenario goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/call_ivr.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "media/media.h"
#include "sip/location.h"

/* Round-robin positions of ring groups, by tenant and group name. */
struct ivr_rotation {
	struct hmap_node node;
	int64_t tenant_id;
	char *group; /* owned */
	size_t next;
};

static uint32_t rotation_hash(int64_t tenant_id, const char *group)
{
	return str_hash(str_c(group)) * 31u + (uint32_t)tenant_id;
}

static struct ivr_rotation *rotation(struct call_engine *ce, int64_t tenant_id, const char *group)
{
	uint32_t h = rotation_hash(tenant_id, group);

	for (struct hmap_node *n = hmap_first(&ce->rotation, h); n; n = hmap_next_same(n)) {
		struct ivr_rotation *r = container_of(n, struct ivr_rotation, node);
		if (r->tenant_id == tenant_id && strcmp(r->group, group) == 0)
			return r;
	}
	struct ivr_rotation *r = xcalloc(1, sizeof(*r));
	r->tenant_id = tenant_id;
	r->group = xstrdup(group);
	hmap_insert(&ce->rotation, &r->node, h);
	return r;
}

void call_ivr_fini(struct call_engine *ce)
{
	struct hmap_iter it;
	struct hmap_node *n;
	struct ivr_rotation *batch[64];
	size_t k;

	do {
		k = 0;
		hmap_iter_init(&it, &ce->rotation);
		while ((n = hmap_iter_next(&it)) && k < 64)
			batch[k++] = container_of(n, struct ivr_rotation, node);
		for (size_t i = 0; i < k; i++) {
			hmap_remove(&ce->rotation, &batch[i]->node);
			free(batch[i]->group);
			free(batch[i]);
		}
	} while (k);
	hmap_free(&ce->rotation);
	call_prompts_free(ce);
	media_sound_unref(ce->ringback);
}

void call_ivr_dial_clear(struct call_ivr *v)
{
	for (size_t i = 0; i < v->ntargets; i++)
		free(v->target[i]);
	v->ntargets = v->next = v->tried = 0;
	free(v->caller_id);
	v->caller_id = NULL;
}

/* ---- starting forks ---- */

static void caller_uri(const struct call_ivr *v, char *out, size_t size)
{
	const struct store_cdr_row *r = &v->c->cdr;
	const char *domain = v->c->a.local_uri ? strchr(v->c->a.local_uri, '@') : NULL;
	const char *user = v->caller_id ? v->caller_id : r->caller;
	char host[128] = "zvonar.invalid";

	if (domain) {
		size_t n = strcspn(domain + 1, ">;");
		snprintf(host, sizeof(host), "%.*s", (int)(n < sizeof(host) ? n : sizeof(host) - 1),
			 domain + 1);
	}
	if (!v->caller_id && r->caller_name[0] && !strpbrk(r->caller_name, "\"\\\r\n"))
		snprintf(out, size, "\"%s\" <sip:%s@%s>", r->caller_name, user, host);
	else
		snprintf(out, size, "<sip:%s@%s>", user, host);
}

/* Forks to one extension's contacts; how many were started. */
static unsigned fork_extension(struct call_ivr *v, const char *ext)
{
	struct call *c = v->c;
	const struct sip_aor *aor = c->ce->resolve ? c->ce->resolve(c->ce->arg, c->cdr.tenant_id, ext) : NULL;
	char from[512], to[300];
	const char *at;
	unsigned n = 0;

	caller_uri(v, from, sizeof(from));
	at = strchr(from, '@');
	snprintf(to, sizeof(to), "<sip:%s%.*s>", ext, at ? (int)strcspn(at, ">") : 0, at ? at : "");
	for (const struct sip_contact *ct = aor ? aor->contacts : NULL;
	     ct && c->nb < CALL_MAX_FORKS; ct = ct->next) {
		call_add_leg(c, call_leg_contact(c, ct, from, to));
		n += !c->b[c->nb - 1]->failed;
	}
	if (!n)
		log_info("scenario", "call %s: extension %s has no registered phone", c->uuid, ext);
	return n;
}

static unsigned fork_number(struct call_ivr *v, const char *number)
{
	struct call *c = v->c;
	struct call_trunk_target t;
	char buf[1024];

	if (!c->ce->route || c->nb >= CALL_MAX_FORKS ||
	    c->ce->route(c->ce->arg, c->cdr.tenant_id, v->caller_id ? v->caller_id : c->cdr.caller,
			 number, &t, buf, sizeof(buf))) {
		log_info("scenario", "call %s: no route for %s", c->uuid, number);
		return 0;
	}
	call_add_leg(c, call_leg_trunk(c, &t));
	snprintf(c->cdr.trunk, sizeof(c->cdr.trunk), "%s", t.name);
	return !c->b[c->nb - 1]->failed;
}

static unsigned fork_target(struct call_ivr *v, size_t i)
{
	return v->is_number[i] ? fork_number(v, v->target[i]) : fork_extension(v, v->target[i]);
}

static void on_dial_timeout(void *arg)
{
	struct call_ivr *v = arg;

	v->timed_out = true;
	call_cancel_forks(v->c, -1); /* their 487s end the attempt */
}

/* The next attempt: every target (ring-all) or the next one; forks started. */
static unsigned dial_next(struct call_ivr *v)
{
	unsigned n = 0;

	v->first_fork = v->c->nb;
	v->timed_out = false;
	if (v->strategy == SCENARIO_RING_ALL) {
		for (size_t i = 0; i < v->ntargets; i++)
			n += fork_target(v, i);
		v->tried = v->next = v->ntargets;
	} else {
		while (!n && v->tried < v->ntargets) {
			n = fork_target(v, v->next);
			v->next = (v->next + 1) % v->ntargets;
			v->tried++;
		}
	}
	v->dialing = n > 0;
	if (n)
		loop_timer_start(sip_stack_loop(v->c->ce->st), &v->t_dial,
				 (uint64_t)v->dial_timeout_s * 1000, on_dial_timeout, v);
	return n;
}

static void ringback(struct call_ivr *v, bool on)
{
	struct call *c = v->c;

	if (c->state == CALL_RINGING) {
		if (on)
			call_reply_a(c, 180, NULL, NULL, NULL); /* the caller's phone rings for us */
		return;
	}
	call_ivr_stop_prompt(v);
	if (c->ce->ringback)
		media_relay_play(c->ce->media, c->relay_id, 0, on ? c->ce->ringback : NULL);
}

static int dial_begin(struct call_ivr *v)
{
	if (!dial_next(v)) {
		call_ivr_dial_clear(v);
		return ENOENT;
	}
	v->wait = IVR_DIAL;
	ringback(v, true);
	return 0;
}

int call_ivr_dial(void *host, const struct scenario_dial *d)
{
	struct call_ivr *v = host;

	call_ivr_dial_clear(v);
	for (size_t i = 0; i < d->ntargets && i < SCENARIO_MAX_TARGETS; i++) {
		v->target[i] = xstrdup(d->targets[i].value);
		v->is_number[i] = d->targets[i].kind == SCENARIO_TARGET_NUMBER;
	}
	v->ntargets = d->ntargets < SCENARIO_MAX_TARGETS ? d->ntargets : SCENARIO_MAX_TARGETS;
	v->strategy = d->strategy;
	v->dial_timeout_s = d->timeout > 0 ? d->timeout : 30;
	v->caller_id = d->caller_id && *d->caller_id ? xstrdup(d->caller_id) : NULL;
	v->transfer = false;
	if (d->strategy == SCENARIO_ROUND_ROBIN && v->ntargets) {
		struct ivr_rotation *r = rotation(v->c->ce, v->c->cdr.tenant_id, d->group ? d->group : "");
		v->next = r->next % v->ntargets;
		r->next = v->next + 1;
	}
	return dial_begin(v);
}

/* A transfer of the caller: an extension of the tenant, else a number dialed out. */
int call_ivr_transfer(void *host, const char *target)
{
	struct call_ivr *v = host;
	struct call_engine *ce = v->c->ce;
	bool ext = ce->resolve && ce->resolve(ce->arg, v->c->cdr.tenant_id, target);

	call_ivr_dial_clear(v);
	v->target[0] = xstrdup(target);
	v->is_number[0] = !ext;
	v->ntargets = 1;
	v->strategy = SCENARIO_SEQUENTIAL;
	v->dial_timeout_s = 60;
	v->transfer = true;
	return dial_begin(v);
}

/* ---- outcomes ---- */

static enum scenario_dial_result dial_result(const struct call_ivr *v, uint16_t status)
{
	if (v->timed_out)
		return SCENARIO_DIAL_NO_ANSWER;
	if (status == 486 || status == 600)
		return SCENARIO_DIAL_BUSY;
	if (status == 408 || status == 480 || status == 487 || status == 603)
		return SCENARIO_DIAL_NO_ANSWER;
	return SCENARIO_DIAL_FAILED;
}

void call_ivr_dial_failed(struct call *c)
{
	struct call_ivr *v = c->ivr;
	uint16_t status = call_best_failure(c);

	timer_cancel(&v->t_dial);
	v->dialing = false;
	if (v->strategy != SCENARIO_RING_ALL && v->tried < v->ntargets && dial_next(v))
		return;
	ringback(v, false);
	if (v->originate) {
		call_originate_dial_failed(c, v->timed_out ? 480 : status);
		return;
	}
	struct scenario_event ev = { .type = SCENARIO_EV_DIAL, .dial_result = dial_result(v, status) };
	if (v->transfer)
		ev = (struct scenario_event){ .type = SCENARIO_EV_FAILED };
	log_info("scenario", "call %s: dial ended without an answer (%u%s)", c->uuid, status,
		 v->timed_out ? ", timeout" : "");
	call_ivr_feed(v, &ev);
}

/* The answer's media on the relay's B side; the caller's codec stays as it is. */
static int bridge_media(struct call *c, const struct call_leg *b, const struct sip_msg *resp)
{
	struct call_sdp_info info;
	struct buf scratch;
	char a_codec[32];
	int err;

	if (!resp->body.len)
		return EPROTO;
	buf_init(&scratch, 0);
	err = call_sdp_rewrite(resp->body.p, resp->body.len, c->media_ip, c->port_a, false,
			       &scratch, &info);
	buf_free(&scratch);
	if (!err)
		err = call_set_codec(c, 1, &info);
	if (err)
		return err;
	media_relay_set_source(c->ce->media, c->relay_id, 1, &b->peer.addr);
	snprintf(a_codec, sizeof(a_codec), "%.31s", c->cdr.codec);
	if (strcmp(a_codec, info.codec))
		snprintf(c->cdr.codec, sizeof(c->cdr.codec), "%.15s>%.15s", a_codec, info.codec);
	return media_relay_set_peer(c->ce->media, c->relay_id, 1, &info.peer, info.clock);
}

void call_ivr_answered(struct call *c, int i, const struct sip_msg *resp)
{
	struct call_ivr *v = c->ivr;
	struct call_leg *b = c->b[i];

	call_leg_learn(b, resp);
	call_ack_b(b, resp->cseq.num);
	if (bridge_media(c, b, resp)) {
		log_notice("call", "call %s: unusable SDP answer from %s", c->uuid, b->remote_target);
		call_send_bye(b);
		b->failed = true;
		b->status = 488;
		for (unsigned k = 0; k < c->nb; k++)
			if (!c->b[k]->failed)
				return;
		call_ivr_dial_failed(c);
		return;
	}
	free(b->sdp);
	b->sdp = str_dup(resp->body);
	c->winner = i;
	v->dialing = false;
	timer_cancel(&v->t_dial);
	call_cancel_forks(c, i);
	ringback(v, false);
	call_ivr_answer(v);
	log_info("call", "call %s answered by %s (scenario dial)", c->uuid, b->remote_target);
	call_record_answered(c);
	if (v->transfer) {
		struct scenario_event ev = { .type = SCENARIO_EV_DONE };
		call_ivr_feed(v, &ev);
	}
	/* a dial step waits: the call ends when either party hangs up */
}
