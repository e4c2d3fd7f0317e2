/*
 * Internal to media/: the engine, its media threads, the port pool and the relay object
 * shared by the control thread (engine.c) and the media threads (thread.c, relay.c).
 */
#ifndef MEDIA_ENGINE_H
#define MEDIA_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "core/hmap.h"
#include "core/timer.h"
#include "media/codec.h"
#include "media/dtmf.h"
#include "media/jitter.h"
#include "media/quality.h"
#include "media/media.h"
#include "media/record.h"
#include "media/rtp.h"
#include "media/transcode.h"
#include "net/addr.h"

/* MEDIA_SLOT: above any RTP a phone sends in one Ethernet frame; larger datagrams are dropped */
enum { MEDIA_BATCH = 32, MEDIA_SLOT = 4096, MEDIA_TICK_MS = 1000, MEDIA_MAX_THREADS = 64 };
enum { MEDIA_RTP = 0, MEDIA_RTCP = 1 };
/* forwarded packets plus what transcoding makes of them; a fuller queue is sent early */
enum { MEDIA_TX = 2 * MEDIA_BATCH };

/* RTP/RTCP port pairs; shared by the control thread (open) and media threads (release). */
struct media_pool {
	pthread_mutex_t lock;
	uint16_t first;	     /* lowest even RTP port */
	size_t npairs;	     /* pair i is first + 2i, first + 2i + 1 */
	size_t cursor, used; /* guarded by lock */
	unsigned char *busy; /* owned, npairs flags, guarded by lock */
};

int media_pool_init(struct media_pool *p, uint16_t port_min, uint16_t port_max);
void media_pool_destroy(struct media_pool *p);
/* Binds a free pair on bind's address: fd[0] RTP at *port, fd[1] RTCP. 0, EADDRINUSE, errno. */
int media_pool_open(struct media_pool *p, const struct sa *bind, int fd[2], uint16_t *port);
void media_pool_release(struct media_pool *p, uint16_t port);

struct media_relay;

/* One local socket; the loop callback's argument. */
struct media_sock {
	struct media_relay *r; /* borrowed: the relay embeds this */
	int fd;		       /* owned, -1 when closed */
	uint8_t side, kind;    /* 0/1, MEDIA_RTP/MEDIA_RTCP */
	bool latched;
	struct sa source; /* latched source of the side's peer */
};

/* The stream the relay passes to a side: as last sent, so packets of ours can join it. */
struct media_stamp {
	bool have;
	bool mark;	  /* the next passed packet is marked: it resumes after ours */
	uint32_t ssrc, ts;
	uint32_t sent_ssrc; /* of the last packet sent (a passed one, or one of ours) */
	uint16_t seq;	  /* last sent, after the shift */
	uint16_t shift;	  /* added to passed sequence numbers: one per packet of ours */
	uint8_t pt;
	uint64_t at_ms;	  /* when ts was sent */
};

enum { MEDIA_PLAYER_MS = 20 };

/* A sound looping into one side's codec; built on the control thread, then the media thread's. */
struct media_player {
	struct media_sound *snd;	 /* ref */
	const int16_t *pcm;		 /* borrowed from snd, at codec's PCM rate */
	size_t n, pos;
	const struct media_codec *codec; /* borrowed (the table) */
	void *enc;			 /* owned */
	uint8_t pt;
	size_t frame;			 /* PCM samples per packet */
	uint32_t ts_step, ssrc, ts;
	bool started;			 /* ts is set and the marker was sent */
	bool once, done;		 /* a prompt: plays to its end once, then done */
	unsigned play_id;		 /* a prompt's id for MEDIA_EV_PLAYED */
};

struct media_player *media_player_new(struct media_sound *snd, const struct media_codec *c,
				      uint8_t pt);
void media_player_destroy(struct media_player *p); /* NULL-safe */
/* The next 20 ms encoded into out: bytes, or -1. A prompt's last frame is padded with
 * silence and sets done. */
int media_player_frame(struct media_player *p, uint8_t *out, size_t cap);

/* A side as the media thread sees it. */
struct media_side {
	struct media_sock sock[2];
	uint16_t port;	/* RTP port taken from the pool, 0 once given back */
	struct sa peer; /* announced RTP address; AF_UNSPEC until set */
	struct sa alt;	/* also accepted source IP (the party's SIP source); AF_UNSPEC: none */
	uint32_t clock_rate;
	uint32_t gen; /* cfg generation applied */
	struct rtp_est est;
	struct media_side_stats st;	 /* working copy; lost/jitter/latch filled on publish */
	const struct media_codec *codec; /* borrowed (the table); NULL: packets pass untouched */
	uint8_t pt, dtmf_pt;
	struct media_xcode *xc; /* owned: this side's audio in the other's codec; NULL = pass */
	struct media_dtmf_rx dtmf_rx; /* events received from this side */
	struct media_dtmf_tx dtmf_tx; /* events we send to this side */
	struct media_stamp stamp;     /* the passed stream going to this side */
	struct media_report report;   /* what its RTCP says about what we send it */
	struct media_player *player;  /* owned: music to this side instead of the other's RTP */
	uint64_t rtp_tx_pkts, rtp_tx_octets; /* RTP sent to this side (octets: payload) */
	uint32_t rtcp_expected, rtcp_received; /* at our last report on its stream */
};

/* A side's codec as media_relay_set_codec gave it. */
struct media_codec_cfg {
	const struct media_codec *codec; /* borrowed (the table); NULL = not set */
	uint8_t pt, dtmf_pt;
	unsigned ptime_ms;
};

/* What media_relay_set_peer and _set_codec wrote, guarded by the relay's lock. */
struct media_peer_cfg {
	struct sa rtp;
	struct sa alt;
	uint32_t clock_rate;
	uint32_t gen;
	struct media_codec_cfg codec;
	struct media_xcode *xc; /* owned until the media thread takes it on the next codec_gen */
};

/*
 * Refcounted: one ref in the control directory, one in the media thread's list.
 * Fields below "media thread" are touched only there once the relay is handed over.
 */
struct media_relay {
	uint64_t id;		 /* immutable */
	struct media_thread *th; /* borrowed, immutable */
	struct hmap_node node;	 /* control directory; control thread only */
	unsigned rec_id;	 /* control thread: the recording running, 0 = none */
	/* media thread */
	struct media_relay *prev, *next; /* the thread's list */
	struct media_side side[2];
	uint64_t last_rx_ms, idle_since_ms;
	bool timed_out;
	bool playing;	  /* play is running */
	struct timer play; /* 20 ms while we send packets of our own (events, music) */
	uint64_t play_next_ms; /* when the next tick is due: ticks keep time, not just pace */
	struct timer jb_timer; /* when the next packet leaves a transcoder's jitter buffer */
	struct timer rtcp_timer; /* our reports on transcoded streams */
	struct media_rec *rec;	 /* owned: the recording, NULL = none */
	bool rtcp_on;
	unsigned seen_gen;
	uint32_t seen_codec_gen;
	/* shared */
	atomic_uint cfg_gen; /* bumped under lock after cfg changes: a lock-free "anything new?" */
	pthread_mutex_t lock;
	struct media_peer_cfg cfg[2]; /* written by the control thread */
	uint32_t codec_gen;	      /* bumped with every set_codec */
	struct media_relay_stats pub; /* written by the media thread after each batch */
};

/* Receive and send vectors of one media thread: no allocation per packet. */
struct media_batch {
	struct mmsghdr rx[MEDIA_BATCH], tx[MEDIA_TX];
	struct iovec iov[MEDIA_BATCH], txiov[MEDIA_TX];
	struct sa src[MEDIA_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl[MEDIA_BATCH];
	uint8_t data[MEDIA_BATCH][MEDIA_SLOT];
	uint8_t out[MEDIA_TX][MEDIA_OUT_SLOT]; /* transcoded packets: tx slot i uses out[i] */
	struct media_pcm pcm;
};

/* What one read sends to the other side: packets by reference or copied into out slots. */
struct media_out {
	struct media_sock *ms; /* borrowed: the socket they came in on */
	struct media_batch *b; /* borrowed: the thread's */
	struct sa dst;
	size_t n; /* queued in b->tx */
};

struct media_thread {
	struct media_engine *m; /* borrowed */
	unsigned index;
	pthread_t thread;
	bool started;
	struct loop *loop;	    /* owned */
	struct mqueue *cmds;	    /* owned; consumed on loop */
	struct media_relay *relays; /* list of refs; media thread only */
	struct timer tick;
	struct media_batch *batch; /* owned */
	size_t load;		   /* open relays; control thread only */
};

struct media_engine {
	struct loop *ctl; /* borrowed */
	struct sa bind;
	unsigned rtp_timeout_s;
	media_event_fn *fn;
	void *arg; /* borrowed */
	struct media_pool pool;
	struct mqueue *events;	      /* owned; consumed on ctl */
	struct media_thread *threads; /* owned */
	unsigned nthreads;
	struct hmap relays; /* id -> relay; control thread only */
	uint64_t last_id;
	unsigned last_play_id;
	unsigned last_rec_id;
	struct workers *writer; /* owned: one thread writing recordings */
	bool stopping;
};

/* thread.c */
int media_thread_start(struct media_thread *th, struct media_engine *m, unsigned index);
void media_thread_stop(struct media_thread *th);
void media_thread_add(struct media_thread *th, struct media_relay *r);	 /* passes a ref */
void media_thread_close(struct media_thread *th, struct media_relay *r); /* passes a ref */
void media_thread_dtmf(struct media_thread *th, struct media_relay *r, int side, char digit,
		       unsigned duration_ms); /* passes a ref */
void media_thread_play(struct media_thread *th, struct media_relay *r, int side,
		       struct media_player *p); /* passes a ref and p */
void media_thread_record(struct media_thread *th, struct media_relay *r,
			 struct media_rec *rec); /* passes a ref and rec; NULL: stop */

/* relay.c (media thread, or the control thread once media threads are joined) */
struct media_relay *media_relay_new(void);
void media_relay_attach(struct media_relay *r);
void media_relay_detach(struct media_relay *r);
void media_relay_release(struct media_relay *r, struct media_pool *pool);
void media_relay_sync_cfg(struct media_relay *r, uint64_t now_ms);
void media_out_queue(struct media_out *o, uint8_t *p, size_t len); /* p must outlive the read */
void media_out_copy(void *arg, const uint8_t *p, size_t len);	   /* a media_emit_fn */
void media_out_flush(struct media_out *o);
bool media_side_dest(const struct media_side *s, int kind, struct sa *dst);

/* relay_play.c: packets of our own towards a side (RFC 4733 events), on the play timer */
void media_play_dtmf(struct media_relay *r, int side, char digit, unsigned duration_ms);
void media_play_stop(struct media_relay *r); /* before the relay leaves its thread */
void media_play_music(struct media_relay *r, int side, struct media_player *p); /* takes p */
/* A passed RTP packet p towards out: shifted past ours, remembered. */
void media_stamp_pass(struct media_side *out, uint8_t *p, const struct rtp_header *h,
		      uint64_t now_ms);
void media_dtmf_heard(struct media_relay *r, int side, char digit, unsigned ms, bool inband);

/* relay_codec.c: the codec step of each accepted RTP packet (a plain relay until both are set) */
/* The digits in an event packet from in, reported when in's codec and events are known,
 * for a packet that goes nowhere else (the other side not set up yet). */
void media_codec_hear(struct media_relay *r, struct media_side *in, const struct rtp_header *h,
		      const uint8_t *p);
void media_codec_route(struct media_out *o, uint8_t *p, const struct rtp_header *h, size_t len);
/* relay_play.c: a new transcoder towards side to continues the stream to already gets. */
void media_stamp_handover(const struct media_side *to, struct media_xcode *xc, uint64_t now_ms);
void media_codec_take(struct media_relay *r, struct media_xcode *old[2], uint64_t now_ms); /* under r->lock */
void media_codec_jb_stop(struct media_relay *r);

/* relay_rtcp.c: our SR/RR on the legs whose streams we make (transcoding) */
void media_rtcp_check(struct media_relay *r); /* starts the timer when there is a transcoder */
void media_rtcp_stop(struct media_relay *r);

/* quality.c */
void media_quality_fill(struct media_side_stats *st, const struct media_side *s);

/* engine.c: any thread */
void media_engine_post(struct media_engine *m, uint64_t id, const struct media_event_info *ev);
/* engine.c, control thread: a recording's file is finished (err 0) or dropped. */
void media_engine_recorded(struct media_engine *m, uint64_t relay_id, unsigned rec_id, int err,
			   unsigned ms);
/* relay.c, media thread: rec replaces the relay's recording (NULL: stop it). */
void media_relay_record(struct media_relay *r, struct media_rec *rec);

#endif
