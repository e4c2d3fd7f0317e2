/*
 * Recording calls with consent. When a call's callee answers, the node's policy (tenant,
 * extension and number rules) says whether it is recorded. If so, the tenant's announcement
 * ("this call is recorded") plays to both parties; the caller may press the opt-out key
 * during it and the call goes on unrecorded ("declined" in the CDR); when the caller's copy
 * has played, the relay records both sides (media_relay_record_start) and the CDR names the
 * file. Every file a call makes (this one, a record step's, a voicemail message) is in
 * ce->recs from its start until the media engine reports it finished, which may be after
 * the call ended; the node hears of both moments (ce->recording) and keeps the rows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"
#include "media/media.h"

/* A file being recorded: what the node is told when it is finished. */
struct call_rec {
	struct hmap_node node;
	unsigned rec_id;
	struct call_recording info; /* its strings point into the fields below */
	char name[96], kind[16], uuid[40], caller[128], callee[128], mailbox[64];
};

static uint32_t rec_hash(unsigned id)
{
	return id * 2654435761u;
}

void call_engine_set_recording(struct call_engine *ce, call_record_policy_fn *policy,
			       call_recording_fn *fn, call_mailbox_fn *mailbox)
{
	ce->record_policy = policy;
	ce->recording = fn;
	ce->mailbox = mailbox;
}

void call_record_init(struct call_engine *ce)
{
	hmap_init(&ce->recs, 16);
	/* 1 kHz for a quarter second: "speak after the tone" */
	if (media_sound_tone(&ce->beep, 1000, 0, 250, 0, 250, -10))
		ce->beep = NULL;
}

void call_record_fini(struct call_engine *ce)
{
	struct hmap_iter it;
	struct hmap_node *n;

	/* files still being written when the node stops: start-up takes stock of them */
	hmap_iter_init(&it, &ce->recs);
	while ((n = hmap_iter_next(&it))) {
		hmap_remove(&ce->recs, n);
		free(container_of(n, struct call_rec, node));
	}
	hmap_free(&ce->recs);
	media_sound_unref(ce->beep);
}

static struct call_rec *rec_find(struct call_engine *ce, unsigned id)
{
	for (struct hmap_node *n = hmap_first(&ce->recs, rec_hash(id)); n; n = hmap_next_same(n)) {
		struct call_rec *r = container_of(n, struct call_rec, node);
		if (r->rec_id == id)
			return r;
	}
	return NULL;
}

/* The file's name: the call's uuid, numbered after the first. */
static void rec_name(struct call *c, char *name, size_t size)
{
	if (c->nrec++)
		snprintf(name, size, "%s-%u.wav", c->uuid, c->nrec);
	else
		snprintf(name, size, "%s.wav", c->uuid);
}

static struct call_rec *rec_new(struct call *c, unsigned rec_id, const char *kind,
				const char *mailbox, const char *name, unsigned rate,
				unsigned channels)
{
	struct call_rec *r = xcalloc(1, sizeof(*r));

	r->rec_id = rec_id;
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	snprintf(r->uuid, sizeof(r->uuid), "%s", c->uuid);
	snprintf(r->caller, sizeof(r->caller), "%s", c->cdr.caller);
	snprintf(r->callee, sizeof(r->callee), "%s", c->cdr.callee);
	snprintf(r->mailbox, sizeof(r->mailbox), "%s", mailbox ? mailbox : "");
	r->info = (struct call_recording){
	    .tenant_id = c->cdr.tenant_id,
	    .name = r->name,
	    .kind = r->kind,
	    .call_uuid = r->uuid,
	    .caller = r->caller,
	    .callee = r->callee,
	    .mailbox = mailbox ? r->mailbox : NULL,
	    .channels = channels,
	    .rate = rate,
	    .start_at = (int64_t)time_wall_ms(),
	};
	return r;
}

int call_record_start(struct call *c, const char *kind, const char *mailbox, unsigned rate,
		      unsigned channels, char *name, size_t size, unsigned *rec_id_out)
{
	struct call_engine *ce = c->ce;
	char path[4300];
	unsigned rec_id;

	if (!ce->cfg.recordings_dir || !c->relay_id)
		return ENOTSUP;
	rec_name(c, name, size);
	snprintf(path, sizeof(path), "%s/%lld/%s", ce->cfg.recordings_dir,
		 (long long)c->cdr.tenant_id, name);
	struct media_record_opts o = {.path = path, .rate = rate, .channels = channels};
	int err = media_relay_record_start(ce->media, c->relay_id, &o, &rec_id);
	if (err) {
		log_warn("call", "call %s: recording %s: %s", c->uuid, name, strerror(err));
		return err;
	}
	struct call_rec *r = rec_new(c, rec_id, kind, mailbox, name, rate, channels);
	hmap_insert(&ce->recs, &r->node, rec_hash(rec_id));
	if (rec_id_out)
		*rec_id_out = rec_id;
	log_info("call", "call %s: recording %s (%s)", c->uuid, name, kind);
	if (ce->recording)
		ce->recording(&r->info, ce->arg);
	return 0;
}

void call_media_recorded(struct call_engine *ce, uint64_t relay_id,
			 const struct media_event_info *ev)
{
	struct call_rec *r = rec_find(ce, ev->rec_id);
	struct call *c = call_by_relay(ce, relay_id);

	if (!r)
		return;
	hmap_remove(&ce->recs, &r->node);
	r->info.done = true;
	r->info.err = ev->rec_err;
	r->info.ms = ev->rec_ms;
	if (ev->rec_err)
		log_error("call", "recording %s lost: %s", r->name, strerror(ev->rec_err));
	if (ce->recording)
		ce->recording(&r->info, ce->arg);
	if (c && c->ivr)
		call_ivr_recorded(c, ev->rec_id, r->name, ev->rec_err);
	free(r);
}

/* ---- consent ---- */

static void consent_record(struct call *c)
{
	struct call_consent *k = &c->consent;
	char name[96];

	if (call_record_start(c, "call", NULL, k->rate, 2, name, sizeof(name), NULL) == 0) {
		k->state = CONSENT_RECORDING;
		snprintf(c->cdr.recording, sizeof(c->cdr.recording), "%s", name);
	} else {
		k->state = CONSENT_FAILED;
		snprintf(c->cdr.recording, sizeof(c->cdr.recording), "failed");
	}
}

void call_record_answered(struct call *c)
{
	struct call_engine *ce = c->ce;
	struct call_consent *k = &c->consent;
	struct call_record_policy p = {0};

	if (!ce->record_policy || !ce->cfg.recordings_dir || k->state != CONSENT_NONE)
		return;
	ce->record_policy(ce->arg, &c->cdr, c->did[0] ? c->did : NULL, &p);
	if (!p.record)
		return;
	k->key = p.optout_key;
	k->rate = p.rate == 16000 ? 16000 : 8000;
	if (!p.prompt[0]) {
		consent_record(c); /* the tenant announces it some other way */
		return;
	}
	struct media_sound *snd = call_prompt_get(ce, c->cdr.tenant_id, p.prompt);
	if (!snd || media_relay_prompt(ce->media, c->relay_id, 0, snd, &k->play[0])) {
		/* no notice, no recording */
		log_error("call", "call %s: announcement '%s' missing: not recorded", c->uuid,
			  p.prompt);
		k->state = CONSENT_FAILED;
		snprintf(c->cdr.recording, sizeof(c->cdr.recording), "failed");
		media_sound_unref(snd);
		return;
	}
	if (media_relay_prompt(ce->media, c->relay_id, 1, snd, &k->play[1]))
		k->play[1] = 0;
	media_sound_unref(snd);
	k->state = CONSENT_ASKING;
	log_info("call", "call %s: announcing the recording (opt-out key %c)", c->uuid,
		 k->key ? k->key : '-');
}

bool call_record_digit(struct call *c, const struct media_event_info *ev)
{
	struct call_consent *k = &c->consent;

	if (k->state != CONSENT_ASKING || ev->side != 0 || !k->key || ev->digit != k->key)
		return false;
	for (int i = 0; i < 2; i++)
		if (k->play[i])
			media_relay_play(c->ce->media, c->relay_id, i, NULL);
	k->play[0] = k->play[1] = 0;
	k->state = CONSENT_DECLINED;
	snprintf(c->cdr.recording, sizeof(c->cdr.recording), "declined");
	log_info("call", "call %s: the caller declined the recording", c->uuid);
	return true;
}

bool call_record_played(struct call *c, const struct media_event_info *ev)
{
	struct call_consent *k = &c->consent;

	if (!ev->play_id || (ev->play_id != k->play[0] && ev->play_id != k->play[1]))
		return false;
	k->play[ev->side ? 1 : 0] = 0;
	if (ev->side == 0 && k->state == CONSENT_ASKING)
		consent_record(c); /* the caller heard it whole without declining */
	return true;
}
