/* Media threads: one loop each, fed relays by the control thread through a queue. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/queue.h"
#include "media/engine.h"

enum media_cmd_op { MEDIA_CMD_ADD, MEDIA_CMD_CLOSE, MEDIA_CMD_DTMF, MEDIA_CMD_PLAY, MEDIA_CMD_RECORD };

struct media_cmd {
	enum media_cmd_op op;
	struct media_relay *r; /* ref, owned */
	int side;
	char digit;
	unsigned duration_ms;
	struct media_player *player; /* owned; NULL: stop */
	struct media_rec *rec;	     /* owned; NULL: stop */
};

static void media_thread_on_cmd(void *msg, void *arg)
{
	struct media_cmd *c = msg;

	if (c->op == MEDIA_CMD_ADD) {
		media_relay_attach(c->r); /* the thread's list keeps the ref */
	} else if (c->op == MEDIA_CMD_DTMF) {
		/* queued before any close of the relay, so it is still attached */
		media_play_dtmf(c->r, c->side, c->digit, c->duration_ms);
		obj_unref(c->r);
	} else if (c->op == MEDIA_CMD_PLAY) {
		media_play_music(c->r, c->side, c->player);
		obj_unref(c->r);
	} else if (c->op == MEDIA_CMD_RECORD) {
		media_relay_record(c->r, c->rec);
		obj_unref(c->r);
	} else {
		media_relay_detach(c->r);
		obj_unref(c->r); /* the list's ref */
		obj_unref(c->r); /* the control thread's, passed with the message */
	}
	free(c);
}

static void media_thread_push_cmd(struct media_thread *th, struct media_cmd *c)
{
	/* the queue has no limit, so a push cannot fail */
	if (mqueue_push(th->cmds, c) != 0)
		abort();
}

static void media_thread_push(struct media_thread *th, enum media_cmd_op op, struct media_relay *r)
{
	struct media_cmd *c = xcalloc(1, sizeof(*c));

	c->op = op;
	c->r = r;
	media_thread_push_cmd(th, c);
}

void media_thread_dtmf(struct media_thread *th, struct media_relay *r, int side, char digit,
		       unsigned duration_ms)
{
	struct media_cmd *c = xcalloc(1, sizeof(*c));

	*c = (struct media_cmd){MEDIA_CMD_DTMF, r, side, digit, duration_ms, NULL, NULL};
	media_thread_push_cmd(th, c);
}

void media_thread_play(struct media_thread *th, struct media_relay *r, int side,
		       struct media_player *p)
{
	struct media_cmd *c = xcalloc(1, sizeof(*c));

	*c = (struct media_cmd){MEDIA_CMD_PLAY, r, side, 0, 0, p, NULL};
	media_thread_push_cmd(th, c);
}

void media_thread_record(struct media_thread *th, struct media_relay *r, struct media_rec *rec)
{
	struct media_cmd *c = xcalloc(1, sizeof(*c));

	*c = (struct media_cmd){MEDIA_CMD_RECORD, r, 0, 0, 0, NULL, rec};
	media_thread_push_cmd(th, c);
}

void media_thread_add(struct media_thread *th, struct media_relay *r)
{
	media_thread_push(th, MEDIA_CMD_ADD, r);
}

void media_thread_close(struct media_thread *th, struct media_relay *r)
{
	media_thread_push(th, MEDIA_CMD_CLOSE, r);
}

/* Coarse on purpose: a timeout is tens of seconds, one scan a second costs nothing. */
static void media_thread_on_tick(void *arg)
{
	struct media_thread *th = arg;
	uint64_t now = loop_now(th->loop), limit = (uint64_t)th->m->rtp_timeout_s * 1000;

	for (struct media_relay *r = th->relays; r; r = r->next) {
		media_relay_sync_cfg(r, now);
		if (r->timed_out || now - r->idle_since_ms < limit)
			continue;
		r->timed_out = true;
		struct media_event_info ev = {.type = MEDIA_EV_TIMEOUT};
		media_engine_post(th->m, r->id, &ev);
	}
	loop_timer_start(th->loop, &th->tick, MEDIA_TICK_MS, media_thread_on_tick, th);
}

static void *media_thread_main(void *arg)
{
	struct media_thread *th = arg;

	if (th->m->rtp_timeout_s)
		loop_timer_start(th->loop, &th->tick, MEDIA_TICK_MS, media_thread_on_tick, th);
	loop_run(th->loop);
	return NULL;
}

int media_thread_start(struct media_thread *th, struct media_engine *m, unsigned index)
{
	char name[16];
	int err;

	th->m = m;
	th->index = index;
	timer_init(&th->tick);
	err = loop_new(&th->loop);
	if (err)
		return err;
	/* the queue registers on the new loop before its thread exists, so no race */
	err = mqueue_new(&th->cmds, th->loop, media_thread_on_cmd, th);
	if (err)
		return err;
	th->batch = xcalloc(1, sizeof(*th->batch));
	err = pthread_create(&th->thread, NULL, media_thread_main, th);
	if (err)
		return err;
	th->started = true;
	snprintf(name, sizeof(name), "media/%u", index);
	pthread_setname_np(th->thread, name);
	return 0;
}

/* After the join this thread owns everything the media thread did. */
void media_thread_stop(struct media_thread *th)
{
	if (th->started) {
		loop_stop(th->loop);
		pthread_join(th->thread, NULL);
		th->started = false;
	}
	/* delivers what was still queued: adds attach, closes release */
	mqueue_destroy(th->cmds);
	th->cmds = NULL;
	while (th->relays) {
		struct media_relay *r = th->relays;
		media_relay_detach(r);
		obj_unref(r);
	}
	if (th->loop) {
		timer_cancel(&th->tick);
		loop_destroy(th->loop);
		th->loop = NULL;
	}
	free(th->batch);
	th->batch = NULL;
}
