/* A call running a scenario: the state call_scenario.c and call_scenario_dial.c share. */
#ifndef CALL_CALL_IVR_H
#define CALL_CALL_IVR_H

#include "call/call_int.h"
#include "scenario/scenario.h"

enum ivr_wait { IVR_NONE, IVR_PLAY, IVR_COLLECT, IVR_DIAL, IVR_HTTP, IVR_SAY, IVR_RECORD };

struct call_ivr {
	struct call *c;		     /* borrowed back-pointer */
	struct scenario_engine *eng; /* owned */
	void *keep;		     /* obj ref keeping the scenario alive, or NULL */
	struct buf answer;	     /* our SDP answer to the caller, sent when first needed */
	enum ivr_wait wait;
	unsigned play_id;	     /* the prompt playing to the caller, 0: none */
	unsigned work_seq;	     /* the webhook or speech request waited for (call_scenario_work.c) */
	/* collect */
	int min, max, timeout_s;
	char term;
	char digits[SCENARIO_MAX_STRING < 72 ? SCENARIO_MAX_STRING : 72];
	size_t nd;
	struct timer t_digit;
	/* dial */
	char *target[SCENARIO_MAX_TARGETS]; /* owned values */
	bool is_number[SCENARIO_MAX_TARGETS];
	size_t ntargets, next, tried;
	enum scenario_dial_strategy strategy;
	int dial_timeout_s;
	char *caller_id;   /* owned or NULL */
	bool dialing;	   /* forks are ringing */
	bool timed_out;	   /* the dial timer fired: the failures are a no-answer */
	bool transfer;	   /* a transfer step's dial: DONE/FAILED instead of a dial result */
	bool originate;	   /* click-to-call: no scenario, a failed dial ends the call */
	unsigned first_fork; /* c->b index where the current attempt's forks start */
	struct timer t_dial;
	/* record and voicemail (call_scenario_record.c) */
	unsigned rec_id;	/* the file being recorded, 0: none yet */
	unsigned rec_play;	/* the greeting or the beep playing before it, 0: none */
	bool rec_greeting;	/* rec_play is a voicemail greeting: the beep comes next */
	bool rec_beep;		/* a beep goes before the recording */
	bool rec_vm;		/* a voicemail message: rec_box is its mailbox */
	char rec_term;		/* the key that ends the recording, '\0': none */
	unsigned rec_max_s;
	char rec_box[64];
	struct timer t_rec;	/* the longest recording */
};

/* call_scenario.c */
void call_ivr_feed(struct call_ivr *v, const struct scenario_event *ev);
/* Answers the caller with our SDP if the call is not answered yet. */
void call_ivr_answer(struct call_ivr *v);
void call_ivr_stop_prompt(struct call_ivr *v);

/* call_scenario_dial.c: the host's dial and transfer operations. */
int call_ivr_dial(void *host, const struct scenario_dial *d);
int call_ivr_transfer(void *host, const char *target);
void call_ivr_dial_clear(struct call_ivr *v);

/* call_scenario_work.c: the host's http_request and say operations (worker threads). */
int call_ivr_http(void *host, const struct scenario_http *r);
int call_ivr_say(void *host, const char *text);

/* call_originate.c */
void call_originate_dial_failed(struct call *c, uint16_t status);

#endif
