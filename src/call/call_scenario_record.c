/*
 * The record and voicemail steps of a scenario call. record: a beep (unless beep is false),
 * then the caller's side of the relay into a mono WAV until the terminator key, max_seconds
 * or the caller hanging up; the step's value is the file's name. voicemail: the mailbox the
 * node knows (else the step is not available), its greeting (a prompt, or the shipped
 * vm-greeting), a beep, then the message up to the mailbox's longest length, ended by '#'
 * or by hanging up; the node files it in the mailbox's new folder when it is finished. The
 * engine hears DONE when the media engine reports the file finished, never before.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "call/call_ivr.h"
#include "core/log.h"
#include "core/loop.h"
#include "media/media.h"

enum { VM_MAX_S_DEFAULT = 120 };

static void rec_stop(struct call_ivr *v)
{
	timer_cancel(&v->t_rec);
	if (v->rec_id)
		media_relay_record_stop(v->c->ce->media, v->c->relay_id);
}

static void on_rec_max(void *arg)
{
	struct call_ivr *v = arg;

	log_info("scenario", "call %s: recording reached %u s", v->c->uuid, v->rec_max_s);
	rec_stop(v);
}

/* The file starts now: 0, or the error (the step fails). */
static int rec_begin(struct call_ivr *v)
{
	struct call *c = v->c;
	char name[96];
	int err =
	    call_record_start(c, v->rec_vm ? "voicemail" : "step", v->rec_vm ? v->rec_box : NULL,
			      8000, 1, name, sizeof(name), &v->rec_id);

	if (err)
		return err;
	loop_timer_start(sip_stack_loop(c->ce->st), &v->t_rec, (uint64_t)v->rec_max_s * 1000,
			 on_rec_max, v);
	return 0;
}

/* The beep, then the recording; without a beep sound, the recording at once. */
static int rec_beep_or_begin(struct call_ivr *v)
{
	struct call *c = v->c;

	v->rec_greeting = false;
	if (v->rec_beep && c->ce->beep &&
	    media_relay_prompt(c->ce->media, c->relay_id, 0, c->ce->beep, &v->rec_play) == 0)
		return 0;
	v->rec_play = 0;
	return rec_begin(v);
}

static void rec_reset(struct call_ivr *v, bool vm, char term, unsigned max_s, bool beep)
{
	v->rec_id = 0;
	v->rec_play = 0;
	v->rec_vm = vm;
	v->rec_term = term;
	v->rec_max_s = max_s ? max_s : VM_MAX_S_DEFAULT;
	v->rec_beep = beep;
	v->rec_box[0] = '\0';
}

int call_ivr_record(void *host, const struct scenario_record *r)
{
	struct call_ivr *v = host;
	int err;

	rec_reset(v, false, r->terminator, (unsigned)r->max_seconds, r->beep);
	call_ivr_answer(v);
	if ((err = rec_beep_or_begin(v)))
		return err;
	v->wait = IVR_RECORD;
	return 0;
}

int call_ivr_voicemail(void *host, const char *mailbox)
{
	struct call_ivr *v = host;
	struct call *c = v->c;
	struct call_mailbox mb = {0};
	int err;

	if (!c->ce->mailbox || !c->ce->mailbox(c->ce->arg, c->cdr.tenant_id, mailbox, &mb)) {
		log_notice("scenario", "call %s: no mailbox '%s'", c->uuid, mailbox);
		return ENOENT;
	}
	rec_reset(v, true, '#', mb.max_seconds, true);
	snprintf(v->rec_box, sizeof(v->rec_box), "%s", mailbox);
	call_ivr_answer(v);
	struct media_sound *greet =
	    call_prompt_get(c->ce, c->cdr.tenant_id, mb.greeting[0] ? mb.greeting : "vm-greeting");
	if (greet && media_relay_prompt(c->ce->media, c->relay_id, 0, greet, &v->rec_play) == 0) {
		v->rec_greeting = true;
	} else if ((err = rec_beep_or_begin(v))) {
		media_sound_unref(greet);
		return err;
	}
	media_sound_unref(greet);
	v->wait = IVR_RECORD;
	return 0;
}

bool call_ivr_record_played(struct call *c, unsigned play_id)
{
	struct call_ivr *v = c->ivr;

	if (!v || v->wait != IVR_RECORD || !play_id || play_id != v->rec_play)
		return false;
	v->rec_play = 0;
	int err = v->rec_greeting ? rec_beep_or_begin(v) : rec_begin(v);
	if (err) {
		struct scenario_event ev = {.type = SCENARIO_EV_FAILED};
		call_ivr_feed(v, &ev);
	}
	return true;
}

bool call_ivr_record_digit(struct call *c, char digit)
{
	struct call_ivr *v = c->ivr;

	if (!v || v->wait != IVR_RECORD)
		return false;
	if (v->rec_term && digit == v->rec_term) {
		if (v->rec_play) {
			/* during the greeting: straight to the beep */
			media_relay_play(c->ce->media, c->relay_id, 0, NULL);
			call_ivr_record_played(c, v->rec_play);
		} else {
			rec_stop(v);
		}
	}
	return true; /* other keys are part of the message */
}

void call_ivr_recorded(struct call *c, unsigned rec_id, const char *name, int err)
{
	struct call_ivr *v = c->ivr;

	if (!v || v->wait != IVR_RECORD || !rec_id || rec_id != v->rec_id)
		return;
	v->rec_id = 0;
	timer_cancel(&v->t_rec);
	struct scenario_event ev = {.type = err ? SCENARIO_EV_FAILED : SCENARIO_EV_DONE,
				    .value = err ? NULL : name};
	call_ivr_feed(v, &ev);
}

void call_ivr_record_end(struct call_ivr *v)
{
	/* the relay closes with the call: that finishes the file */
	timer_cancel(&v->t_rec);
	v->rec_play = 0;
}
