/* The packet path of one relay, run in its media thread: filter, latch, forward, count. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "core/obj.h"
#include "media/engine.h"

static void media_relay_free(void *obj)
{
	struct media_relay *r = obj;

	/* the last ref: no thread can be using either side's transcoder any more */
	for (int i = 0; i < 2; i++) {
		media_xcode_destroy(r->side[i].xc);
		media_xcode_destroy(r->cfg[i].xc);
		media_player_destroy(r->side[i].player);
	}
	media_rec_destroy(r->rec); /* never attached: detach finishes an attached one */
	pthread_mutex_destroy(&r->lock);
}

struct media_relay *media_relay_new(void)
{
	struct media_relay *r = obj_new(sizeof(*r), media_relay_free);

	pthread_mutex_init(&r->lock, NULL);
	atomic_init(&r->cfg_gen, 0);
	timer_init(&r->play);
	timer_init(&r->jb_timer);
	for (int s = 0; s < 2; s++) {
		for (int k = 0; k < 2; k++) {
			struct media_sock *ms = &r->side[s].sock[k];
			ms->r = r;
			ms->fd = -1;
			ms->side = (uint8_t)s;
			ms->kind = (uint8_t)k;
		}
		rtp_est_init(&r->side[s].est);
	}
	return r;
}

/* Closes the sockets before the ports go back, so the next owner can bind them. */
void media_relay_release(struct media_relay *r, struct media_pool *pool)
{
	for (int s = 0; s < 2; s++) {
		for (int k = 0; k < 2; k++) {
			struct media_sock *ms = &r->side[s].sock[k];
			if (ms->fd >= 0)
				close(ms->fd);
			ms->fd = -1;
		}
		if (r->side[s].port)
			media_pool_release(pool, r->side[s].port);
		r->side[s].port = 0;
	}
}

/* Applies what media_relay_set_peer wrote; a new peer resets that side's latches. */
void media_relay_sync_cfg(struct media_relay *r, uint64_t now_ms)
{
	struct media_xcode *old[2] = {NULL, NULL};

	if (atomic_load_explicit(&r->cfg_gen, memory_order_acquire) == r->seen_gen)
		return;
	pthread_mutex_lock(&r->lock);
	r->seen_gen = atomic_load_explicit(&r->cfg_gen, memory_order_relaxed);
	for (int i = 0; i < 2; i++) {
		struct media_side *s = &r->side[i];
		if (s->gen == r->cfg[i].gen)
			continue;
		s->gen = r->cfg[i].gen;
		s->peer = r->cfg[i].rtp;
		s->alt = r->cfg[i].alt;
		s->clock_rate = r->cfg[i].clock_rate;
		s->sock[MEDIA_RTP].latched = false;
		s->sock[MEDIA_RTCP].latched = false;
	}
	if (r->seen_codec_gen != r->codec_gen) {
		r->seen_codec_gen = r->codec_gen;
		media_codec_take(r, old, now_ms);
	}
	pthread_mutex_unlock(&r->lock);
	/* codec state is freed outside the lock the control thread waits on */
	media_xcode_destroy(old[0]);
	media_xcode_destroy(old[1]);
	media_rtcp_check(r);
	/* a re-INVITE restarts the timeout: the new peer gets a full period to send */
	r->idle_since_ms = now_ms;
}

/* The snapshot the control thread reads: one copy under the lock per batch. */
static void media_relay_publish(struct media_relay *r)
{
	struct media_relay_stats snap;

	for (int i = 0; i < 2; i++) {
		struct media_side *s = &r->side[i];
		struct media_side_stats *st = &snap.side[i];
		*st = s->st;
		st->lost = rtp_est_lost(&s->est);
		st->jitter_ms = rtp_est_jitter_ms(&s->est);
		media_quality_fill(st, s);
		st->latched = s->sock[MEDIA_RTP].latched;
		if (st->latched)
			st->source = s->sock[MEDIA_RTP].source;
		else
			memset(&st->source, 0, sizeof(st->source));
	}
	snap.last_rx_ms = r->last_rx_ms;
	pthread_mutex_lock(&r->lock);
	r->pub = snap;
	pthread_mutex_unlock(&r->lock);
}

/* RTP bleed: only the announced address (or the party's SIP source, for NAT), and after the
 * first packet only that source. */
static bool media_sock_accept(struct media_sock *ms, const struct sa *src)
{
	const struct media_side *s = &ms->r->side[ms->side];

	if (sa_family(&s->peer) == AF_UNSPEC)
		return false;
	if (!sa_eq_addr(src, &s->peer) && (sa_family(&s->alt) == AF_UNSPEC || !sa_eq_addr(src, &s->alt)))
		return false;
	if (ms->latched)
		return sa_eq(src, &ms->source);
	ms->source = *src;
	ms->latched = true;
	return true;
}

/* Symmetric RTP: where the side's packets come from, else what its SDP said. */
bool media_side_dest(const struct media_side *s, int kind, struct sa *dst)
{
	uint16_t port = sa_port(&s->peer);

	if (s->sock[kind].latched) {
		*dst = s->sock[kind].source;
		return true;
	}
	if (sa_family(&s->peer) == AF_UNSPEC || sa_is_any(&s->peer) || port == 0)
		return false;
	if (kind == MEDIA_RTCP && port == UINT16_MAX)
		return false;
	*dst = s->peer;
	if (kind == MEDIA_RTCP)
		sa_set_port(dst, (uint16_t)(port + 1));
	return true;
}

static uint64_t media_arrival_us(struct msghdr *h)
{
	struct timespec ts;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
		}
	}
	/* same clock as the kernel stamp, so a stream never mixes two time bases */
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* True for an RTP packet on the RTP socket, decoded into rh and counted. */
static bool media_side_count_rtp(struct media_side *s, const uint8_t *p, size_t len,
				 struct msghdr *h, struct rtp_header *rh)
{
	if (rtp_is_rtcp(p, len) || rtp_header_decode(p, len, rh) != 0)
		return false;
	s->st.ssrc = rh->ssrc;
	s->st.pt = rh->pt;
	rtp_est_update(&s->est, rh, media_arrival_us(h),
		       s->clock_rate ? s->clock_rate : rtp_clock_rate(rh->pt));
	return true;
}

enum media_take { MEDIA_TAKE_DROP, MEDIA_TAKE_OTHER, MEDIA_TAKE_RTP };

/* Counts packet i: dropped, from the peer, or from the peer and RTP (decoded into rh). */
static enum media_take media_sock_take(struct media_sock *ms, struct media_batch *b, int i,
				       uint64_t now, struct rtp_header *rh)
{
	struct media_relay *r = ms->r;
	struct media_side *s = &r->side[ms->side];
	struct msghdr *h = &b->rx[i].msg_hdr;
	size_t len = b->rx[i].msg_len;

	b->src[i].len = h->msg_namelen;
	if ((h->msg_flags & MSG_TRUNC) || !media_sock_accept(ms, &b->src[i])) {
		s->st.dropped++;
		return MEDIA_TAKE_DROP;
	}
	s->st.rx_pkts++;
	s->st.rx_bytes += len;
	if (ms->kind != MEDIA_RTP) {
		/* forwarded as it is; what it says about our stream is kept for the leg's quality */
		media_report_take(&s->report, b->data[i], len, now);
		return MEDIA_TAKE_OTHER;
	}
	r->last_rx_ms = now;
	r->idle_since_ms = now;
	return media_side_count_rtp(s, b->data[i], len, h, rh) ? MEDIA_TAKE_RTP : MEDIA_TAKE_OTHER;
}

static int media_sock_recv(int fd, struct media_batch *b)
{
	int n;

	/* the kernel overwrote these lengths on the last call */
	for (int i = 0; i < MEDIA_BATCH; i++) {
		struct msghdr *h = &b->rx[i].msg_hdr;
		h->msg_name = &b->src[i].u.ss;
		h->msg_namelen = sizeof(b->src[i].u.ss);
		h->msg_iov = &b->iov[i];
		h->msg_iovlen = 1;
		h->msg_control = b->ctl[i].buf;
		h->msg_controllen = sizeof(b->ctl[i].buf);
		h->msg_flags = 0;
		b->iov[i].iov_base = b->data[i];
		b->iov[i].iov_len = MEDIA_SLOT;
	}
	do
		n = recvmmsg(fd, b->rx, MEDIA_BATCH, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	return n;
}

/* Sends what o queued from the other side's socket; what the kernel refuses is dropped. */
void media_out_flush(struct media_out *o)
{
	struct media_side *in = &o->ms->r->side[o->ms->side], *out = &o->ms->r->side[!o->ms->side];
	int fd = out->sock[o->ms->kind].fd;
	struct media_batch *b = o->b;
	size_t done = 0, n = o->n;

	while (done < n) {
		int sent = sendmmsg(fd, b->tx + done, (unsigned)(n - done), MSG_DONTWAIT);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && (errno == EAGAIN || errno == ENOBUFS))
			break;
		if (sent <= 0) {
			/* an error about this one packet (e.g. EPERM from a firewall): skip it */
			in->st.dropped++;
			done++;
			continue;
		}
		for (int j = 0; j < sent; j++) {
			size_t len = b->tx[done + (size_t)j].msg_len;
			out->st.tx_pkts++;
			out->st.tx_bytes += len;
			if (o->ms->kind == MEDIA_RTP && len >= RTP_HEADER_MIN) {
				out->rtp_tx_pkts++;
				out->rtp_tx_octets += len - RTP_HEADER_MIN;
			}
		}
		done += (size_t)sent;
	}
	in->st.dropped += n - done;
	o->n = 0;
}

/* Queues len bytes at p (no copy); a full queue goes out first. */
void media_out_queue(struct media_out *o, uint8_t *p, size_t len)
{
	if (o->n == MEDIA_TX)
		media_out_flush(o);
	struct msghdr *h = &o->b->tx[o->n].msg_hdr;

	memset(h, 0, sizeof(*h));
	o->b->txiov[o->n].iov_base = p;
	o->b->txiov[o->n].iov_len = len;
	h->msg_name = (void *)&o->dst.u.sa;
	h->msg_namelen = o->dst.len;
	h->msg_iov = &o->b->txiov[o->n];
	h->msg_iovlen = 1;
	o->n++;
}

/* A transcoder's packet lives in its own buffer until its next one: copy it to a slot. */
void media_out_copy(void *arg, const uint8_t *p, size_t len)
{
	struct media_out *o = arg;

	if (len > MEDIA_OUT_SLOT)
		return;
	if (o->n == MEDIA_TX)
		media_out_flush(o);
	memcpy(o->b->out[o->n], p, len);
	media_out_queue(o, o->b->out[o->n], len);
}

/* What a side says goes to the recording before the packet is touched (PT, numbers). */
static void media_relay_record_rtp(struct media_relay *r, int side, const struct rtp_header *h,
				   const uint8_t *p, uint64_t now)
{
	const struct media_side *s = &r->side[side];

	if (!s->codec || h->pt != s->pt)
		return; /* events, comfort noise, a codec we were not told of */
	media_rec_feed(r->rec, side, s->codec, h, p, now, &r->th->batch->pcm, r->th->m->writer);
	if (media_rec_full(r->rec))
		media_relay_record(r, NULL);
}

void media_relay_record(struct media_relay *r, struct media_rec *rec)
{
	uint64_t now = loop_now(r->th->loop);

	if (r->rec)
		media_rec_finish(r->rec, now, r->th->m->writer);
	r->rec = rec;
	if (rec) {
		rec->started = true;
		rec->start_ms = now;
	}
}

static void media_sock_on_read(int fd, unsigned events, void *arg)
{
	struct media_sock *ms = arg;
	struct media_relay *r = ms->r;
	struct media_out o = {.ms = ms, .b = r->th->batch};
	uint64_t now = loop_now(r->th->loop);
	struct rtp_header rh;

	media_relay_sync_cfg(r, now);
	int got = media_sock_recv(fd, o.b);
	if (got <= 0)
		return;
	bool can = media_side_dest(&r->side[!ms->side], ms->kind, &o.dst);
	for (int i = 0; i < got; i++) {
		enum media_take t = media_sock_take(ms, o.b, i, now, &rh);
		if (t == MEDIA_TAKE_DROP)
			continue;
		if (t == MEDIA_TAKE_RTP && r->rec)
			media_relay_record_rtp(r, ms->side, &rh, o.b->data[i], now);
		if (!can) {
			/* the other side is on hold or unknown; the digits still count (a menu) */
			r->side[ms->side].st.dropped++;
			if (t == MEDIA_TAKE_RTP)
				media_codec_hear(r, &r->side[ms->side], &rh, o.b->data[i]);
		}
		else if (ms->kind == MEDIA_RTCP && r->side[ms->side].xc)
			continue; /* about a stream the other side never sees: we report ourselves */
		else if (t == MEDIA_TAKE_RTP)
			media_codec_route(&o, o.b->data[i], &rh, o.b->rx[i].msg_len);
		else
			media_out_queue(&o, o.b->data[i], o.b->rx[i].msg_len);
	}
	if (o.n)
		media_out_flush(&o);
	media_relay_publish(r);
}

void media_relay_attach(struct media_relay *r)
{
	struct media_thread *th = r->th;

	for (int s = 0; s < 2; s++) {
		for (int k = 0; k < 2; k++) {
			struct media_sock *ms = &r->side[s].sock[k];
			int err = loop_fd_add(th->loop, ms->fd, LOOP_READ, media_sock_on_read, ms);
			if (err)
				log_error("media", "relay %llu: epoll: %s",
					  (unsigned long long)r->id, strerror(err));
		}
	}
	r->idle_since_ms = loop_now(th->loop);
	r->prev = NULL;
	r->next = th->relays;
	if (th->relays)
		th->relays->prev = r;
	th->relays = r;
}

void media_relay_detach(struct media_relay *r)
{
	struct media_thread *th = r->th;

	media_play_stop(r);
	media_relay_record(r, NULL); /* a recording ends with its relay */
	for (int s = 0; s < 2; s++)
		for (int k = 0; k < 2; k++)
			loop_fd_del(th->loop, r->side[s].sock[k].fd);
	if (r->prev)
		r->prev->next = r->next;
	else
		th->relays = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	media_relay_release(r, &th->m->pool);
}
