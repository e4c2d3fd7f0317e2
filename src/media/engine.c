/* The media engine's control side: configuration, relay ids, stats and events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/queue.h"
#include "core/workers.h"
#include "media/dtmf.h"
#include "media/engine.h"

/* a clock above any audio or video profile's is a caller's bug, not a codec */
enum { MEDIA_CLOCK_MAX = 1000000 };

struct media_event_msg {
	uint64_t id;
	struct media_event_info ev;
};

static uint32_t media_id_hash(uint64_t id)
{
	return (uint32_t)((id * 0x9e3779b97f4a7c15ull) >> 32);
}

static struct media_relay *media_engine_find(struct media_engine *m, uint64_t id)
{
	uint32_t h = media_id_hash(id);

	for (struct hmap_node *n = hmap_first(&m->relays, h); n; n = hmap_next_same(n)) {
		struct media_relay *r = container_of(n, struct media_relay, node);
		if (r->id == id)
			return r;
	}
	return NULL;
}

void media_engine_post(struct media_engine *m, uint64_t id, const struct media_event_info *ev)
{
	struct media_event_msg *e = xmalloc(sizeof(*e));

	e->id = id;
	e->ev = *ev;
	if (mqueue_push(m->events, e) != 0)
		free(e); /* cannot happen: the queue has no limit */
}

/* On the control loop: a relay closed since the event was posted hears nothing. */
static void media_engine_on_event(void *msg, void *arg)
{
	struct media_event_msg *e = msg;
	struct media_engine *m = arg;
	uint64_t id = e->id;
	struct media_event_info ev = e->ev;

	free(e);
	if (m->stopping || !media_engine_find(m, id))
		return;
	if (m->fn)
		m->fn(id, &ev, m->arg);
}

static unsigned media_threads_default(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MEDIA_MAX_THREADS ? MEDIA_MAX_THREADS : (unsigned)n;
}

static int media_engine_setup(struct media_engine *m, const struct media_cfg *cfg)
{
	int err = sa_set_cstr(&m->bind, cfg->bind_ip ? cfg->bind_ip : "0.0.0.0", 0);

	if (err)
		return err;
	err = media_pool_init(&m->pool, cfg->port_min, cfg->port_max);
	if (err)
		return err;
	err = mqueue_new(&m->events, m->ctl, media_engine_on_event, m);
	if (err)
		return err;
	/* one thread, so a recording's chunks are written in the order they were cut */
	err = workers_new(&m->writer, m->ctl, 1);
	if (err)
		return err;
	m->nthreads = cfg->threads ? cfg->threads : media_threads_default();
	if (m->nthreads > MEDIA_MAX_THREADS)
		m->nthreads = MEDIA_MAX_THREADS;
	m->threads = xcalloc(m->nthreads, sizeof(*m->threads));
	for (unsigned i = 0; i < m->nthreads; i++) {
		err = media_thread_start(&m->threads[i], m, i);
		if (err)
			return err;
	}
	return 0;
}

int media_engine_new(struct media_engine **mp, struct loop *ctl, const struct media_cfg *cfg,
		     media_event_fn *fn, void *arg)
{
	struct media_engine *m;
	int err;

	if (!mp || !ctl || !cfg)
		return EINVAL;
	m = xcalloc(1, sizeof(*m));
	m->ctl = ctl;
	m->rtp_timeout_s = cfg->rtp_timeout_s;
	m->fn = fn;
	m->arg = arg;
	hmap_init(&m->relays, 64);
	err = media_engine_setup(m, cfg);
	if (err) {
		log_error("media", "engine start: %s", strerror(err));
		media_engine_destroy(m);
		return err;
	}
	*mp = m;
	return 0;
}

void media_engine_destroy(struct media_engine *m)
{
	struct hmap_iter it;
	struct hmap_node *n;

	if (!m)
		return;
	m->stopping = true;
	for (unsigned i = 0; m->threads && i < m->nthreads; i++)
		media_thread_stop(&m->threads[i]);
	/* the relays are detached, their recordings queued: every file is finished here (their
	 * RECORDED events are not delivered while stopping: start-up takes stock of them) */
	workers_destroy(m->writer);
	/* the threads are gone: only the directory's refs are left */
	hmap_iter_init(&it, &m->relays);
	while ((n = hmap_iter_next(&it)) != NULL) {
		struct media_relay *r = container_of(n, struct media_relay, node);
		hmap_remove(&m->relays, n);
		obj_unref(r);
	}
	hmap_free(&m->relays);
	mqueue_destroy(m->events); /* late timeouts are dropped (stopping) */
	media_pool_destroy(&m->pool);
	free(m->threads);
	free(m);
}

static struct media_thread *media_engine_pick(struct media_engine *m)
{
	struct media_thread *best = &m->threads[0];

	for (unsigned i = 1; i < m->nthreads; i++)
		if (m->threads[i].load < best->load)
			best = &m->threads[i];
	return best;
}

int media_relay_open(struct media_engine *m, uint64_t *id, uint16_t *port_a, uint16_t *port_b)
{
	struct media_relay *r = media_relay_new();
	int err = 0;

	for (int s = 0; s < 2 && !err; s++) {
		int fd[2];
		err = media_pool_open(&m->pool, &m->bind, fd, &r->side[s].port);
		if (!err) {
			r->side[s].sock[MEDIA_RTP].fd = fd[0];
			r->side[s].sock[MEDIA_RTCP].fd = fd[1];
		}
	}
	if (err) {
		media_relay_release(r, &m->pool);
		obj_unref(r);
		return err;
	}
	r->id = ++m->last_id;
	r->th = media_engine_pick(m);
	r->th->load++;
	hmap_insert(&m->relays, &r->node, media_id_hash(r->id));
	*id = r->id;
	*port_a = r->side[0].port;
	*port_b = r->side[1].port;
	/* after this push only the media thread touches the relay's sockets */
	media_thread_add(r->th, obj_ref(r));
	return 0;
}

int media_relay_set_peer(struct media_engine *m, uint64_t id, int side, const struct sa *rtp,
			 uint32_t clock_rate)
{
	struct media_relay *r;

	if ((side != 0 && side != 1) || !rtp || clock_rate > MEDIA_CLOCK_MAX)
		return EINVAL;
	/* sockets of one family cannot reach the other */
	if (sa_family(rtp) != sa_family(&m->bind))
		return EINVAL;
	r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	pthread_mutex_lock(&r->lock);
	r->cfg[side].rtp = *rtp;
	r->cfg[side].clock_rate = clock_rate;
	r->cfg[side].gen++;
	atomic_fetch_add_explicit(&r->cfg_gen, 1, memory_order_release);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int media_relay_set_source(struct media_engine *m, uint64_t id, int side, const struct sa *ip)
{
	struct media_relay *r;

	if ((side != 0 && side != 1) || !ip)
		return EINVAL;
	r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	pthread_mutex_lock(&r->lock);
	r->cfg[side].alt = *ip;
	r->cfg[side].gen++;
	atomic_fetch_add_explicit(&r->cfg_gen, 1, memory_order_release);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* The table entry for what the SDP layer gave. 0, EINVAL or ENOTSUP. */
static int media_spec_codec(int side, const struct media_codec_spec *c,
			    const struct media_codec **out)
{
	if ((side != 0 && side != 1) || !c || !c->name || c->pt > 127 || c->dtmf_pt > 127)
		return EINVAL;
	if (c->dtmf_pt && c->dtmf_pt == c->pt)
		return EINVAL;
	*out = media_codec_find(c->name, c->rate, c->channels);
	return *out ? 0 : ENOTSUP;
}

/* Packets from side from, re-encoded for side to; NULL when they can pass. */
static struct media_xcode *media_xcode_for(const struct media_codec_cfg *from,
					   const struct media_codec_cfg *to)
{
	if (!from->codec || !to->codec || from->codec == to->codec)
		return NULL;
	struct media_xcode *x = media_xcode_new(from->codec, to->codec, to->pt, to->ptime_ms);
	/* a phone without telephone-event sends its digits as tones: listen for them */
	if (!from->dtmf_pt)
		media_xcode_detect(x);
	return x;
}

int media_relay_set_codec(struct media_engine *m, uint64_t id, int side,
			  const struct media_codec_spec *c)
{
	const struct media_codec *codec;
	struct media_xcode *old[2];
	int err = media_spec_codec(side, c, &codec);

	if (err)
		return err;
	struct media_relay *r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	/* only this thread writes cfg, so it may read it unlocked: codec setup stays off the lock
	 */
	struct media_codec_cfg want[2] = {r->cfg[0].codec, r->cfg[1].codec};
	want[side] = (struct media_codec_cfg){.codec = codec,
					      .pt = c->pt,
					      .dtmf_pt = c->dtmf_pt,
					      .ptime_ms = media_codec_ptime(codec, c->ptime_ms)};
	struct media_xcode *xc[2] = {media_xcode_for(&want[0], &want[1]),
				     media_xcode_for(&want[1], &want[0])};
	pthread_mutex_lock(&r->lock);
	r->cfg[side].codec = want[side];
	for (int i = 0; i < 2; i++) {
		/* one the media thread has not taken yet is ours to free */
		old[i] = r->cfg[i].xc;
		r->cfg[i].xc = xc[i];
	}
	r->codec_gen++;
	atomic_fetch_add_explicit(&r->cfg_gen, 1, memory_order_release);
	pthread_mutex_unlock(&r->lock);
	media_xcode_destroy(old[0]);
	media_xcode_destroy(old[1]);
	return 0;
}

int media_relay_send_dtmf(struct media_engine *m, uint64_t id, int side, char digit,
			  unsigned duration_ms)
{
	if ((side != 0 && side != 1) || media_dtmf_code(digit) < 0)
		return EINVAL;
	struct media_relay *r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	/* only this thread writes cfg: no lock to read it */
	if (!r->cfg[side].codec.dtmf_pt)
		return EINVAL;
	media_thread_dtmf(r->th, obj_ref(r), side, digit, duration_ms);
	return 0;
}

int media_relay_play(struct media_engine *m, uint64_t id, int side, struct media_sound *s)
{
	if (side != 0 && side != 1)
		return EINVAL;
	struct media_relay *r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	const struct media_codec_cfg *c = &r->cfg[side].codec;
	if (s && !c->codec)
		return EINVAL;
	/* the encoder is made here, so the media thread never allocates for it */
	struct media_player *p = s ? media_player_new(s, c->codec, c->pt) : NULL;
	media_thread_play(r->th, obj_ref(r), side, p);
	return 0;
}

int media_relay_prompt(struct media_engine *m, uint64_t id, int side, struct media_sound *s,
		       unsigned *play_id)
{
	if ((side != 0 && side != 1) || !s)
		return EINVAL;
	struct media_relay *r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	const struct media_codec_cfg *c = &r->cfg[side].codec;
	if (!c->codec)
		return EINVAL;
	struct media_player *p = media_player_new(s, c->codec, c->pt);
	p->once = true;
	p->play_id = *play_id = ++m->last_play_id ? m->last_play_id : ++m->last_play_id;
	media_thread_play(r->th, obj_ref(r), side, p);
	return 0;
}

int media_relay_record_start(struct media_engine *m, uint64_t id,
			     const struct media_record_opts *o, unsigned *rec_id)
{
	unsigned rate = o && o->rate ? o->rate : 8000, ch = o && o->channels ? o->channels : 2;

	if (!o || !o->path || !*o->path || strlen(o->path) > 4000 ||
	    (rate != 8000 && rate != 16000) || (ch != 1 && ch != 2))
		return EINVAL;
	struct media_relay *r = media_engine_find(m, id);
	if (!r)
		return ENOENT;
	if (r->rec_id)
		return EBUSY;
	r->rec_id = ++m->last_rec_id ? m->last_rec_id : ++m->last_rec_id;
	struct media_rec_file *f = media_rec_file_new(m, id, r->rec_id, o->path, rate, ch);
	if (media_rec_file_open(m->writer, f)) {
		free(f->path);
		free(f->tmp);
		free(f);
		r->rec_id = 0;
		return EAGAIN;
	}
	/* the ring is allocated here, so the media thread never allocates for it */
	media_thread_record(r->th, obj_ref(r), media_rec_new(f));
	*rec_id = r->rec_id;
	return 0;
}

int media_relay_record_stop(struct media_engine *m, uint64_t id)
{
	struct media_relay *r = media_engine_find(m, id);

	if (!r || !r->rec_id)
		return ENOENT;
	r->rec_id = 0;
	media_thread_record(r->th, obj_ref(r), NULL);
	return 0;
}

void media_engine_recorded(struct media_engine *m, uint64_t relay_id, unsigned rec_id, int err,
			   unsigned ms)
{
	struct media_relay *r = media_engine_find(m, relay_id);
	struct media_event_info ev = {
		.type = MEDIA_EV_RECORDED, .rec_id = rec_id, .rec_err = err, .rec_ms = ms};

	if (r && r->rec_id == rec_id)
		r->rec_id = 0; /* it ended by itself (the longest length) */
	if (!m->stopping && m->fn)
		m->fn(relay_id, &ev, m->arg);
}

void media_relay_close(struct media_engine *m, uint64_t id)
{
	struct media_relay *r = media_engine_find(m, id);

	if (!r)
		return;
	hmap_remove(&m->relays, &r->node);
	r->th->load--;
	media_thread_close(r->th, r); /* passes the directory's ref */
}

int media_relay_stats(struct media_engine *m, uint64_t id, struct media_relay_stats *out)
{
	struct media_relay *r = media_engine_find(m, id);

	if (!r)
		return ENOENT;
	pthread_mutex_lock(&r->lock);
	*out = r->pub;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

size_t media_relay_count(struct media_engine *m)
{
	return m->relays.count;
}
