/*
 * The RTP relay engine: media threads that anchor the RTP and RTCP of bridged calls.
 * Every function here is for the control thread (the one running ctl) only; the
 * engine talks to its media threads through queues and per-relay locks.
 */
#ifndef MEDIA_MEDIA_H
#define MEDIA_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct loop;
struct media_engine;

struct media_cfg {
	const char *bind_ip;	     /* numeric address RTP sockets bind to; NULL = 0.0.0.0 */
	uint16_t port_min, port_max; /* RTP ports are even, RTCP = RTP + 1, both inside */
	unsigned threads;	     /* 0 = online CPUs */
	unsigned rtp_timeout_s;	     /* 0 = off */
};

enum media_event { MEDIA_EV_TIMEOUT = 1, MEDIA_EV_DTMF, MEDIA_EV_PLAYED, MEDIA_EV_RECORDED };

/* What a media thread reports. */
struct media_event_info {
	enum media_event type;
	int side;		/* DTMF: the side whose RTP carried it (0 = A, 1 = B) */
	char digit;		/* DTMF: '0'-'9', '*', '#', 'A'-'D' */
	unsigned duration_ms;	/* DTMF: as the events said; 0 for a tone */
	bool inband;		/* DTMF: a tone heard in the audio, not an RFC 4733 event */
	unsigned play_id;	/* PLAYED: the prompt that played to its end (side: to whom) */
	unsigned rec_id;	/* RECORDED: the recording whose file is finished (or failed) */
	int rec_err;		/* RECORDED: 0 (the file is there) or why there is none */
	unsigned rec_ms;	/* RECORDED: its length */
};
/* Runs on the ctl loop; never for a relay already closed (but RECORDED: a recording ends
 * after its relay). May call media_relay_close. */
typedef void(media_event_fn)(uint64_t relay_id, const struct media_event_info *ev, void *arg);

/* 0, EINVAL (cfg), or an errno from creating loops or threads. */
int media_engine_new(struct media_engine **mp, struct loop *ctl, const struct media_cfg *cfg,
		     media_event_fn *fn, void *arg);
/* Stops and joins the media threads, closes every relay. NULL-safe. */
void media_engine_destroy(struct media_engine *m);

/*
 * Binds both sides' RTP/RTCP port pairs now, on the caller's thread, and hands the
 * relay to the least loaded media thread. 0, EADDRINUSE (pool exhausted), or a socket
 * errno. Ids start at 1 and are never reused.
 */
int media_relay_open(struct media_engine *m, uint64_t *id, uint16_t *port_a, uint16_t *port_b);

/*
 * The address and RTP port side (0 = A, 1 = B) announced in SDP (c= and m=), and the RTP
 * clock rate for jitter (0 = from the payload type). Takes effect before it returns; the
 * side's source latch is reset (re-INVITE). 0.0.0.0 (hold) or port 0: nothing is sent to
 * that side. 0, ENOENT (no such relay) or EINVAL (side, clock rate, address family).
 */
int media_relay_set_peer(struct media_engine *m, uint64_t id, int side, const struct sa *rtp,
			 uint32_t clock_rate);

struct media_codec_spec {
	const char *name;  /* "PCMA", "opus", ... (caseless) */
	uint32_t rate;	   /* SDP clock rate */
	uint8_t channels;  /* 0 = 1 */
	uint8_t pt;	   /* payload type used on this side */
	uint8_t dtmf_pt;   /* telephone-event PT on this side, 0 = none */
	unsigned ptime_ms; /* 0 = 20; rounded to what the codec can send */
};

/* True when the engine can decode and encode it. */
bool media_codec_supported(const char *name, uint32_t rate, uint8_t channels);

/*
 * The codec side's RTP uses (after the offer/answer). When both sides are set and differ
 * (name/rate/channels), packets are transcoded; RFC 4733 telephone-event packets are relayed
 * with their PT mapped between the sides' dtmf_pt (dropped when the other side has none);
 * when they are the same codec, packets pass unchanged (only the PT is rewritten if it differs).
 * Until both sides are set everything passes unchanged. 0, ENOENT (relay), ENOTSUP (codec),
 * EINVAL (side, NULL, a PT above 127, dtmf_pt equal to pt). Takes effect before it returns,
 * like set_peer.
 */
int media_relay_set_codec(struct media_engine *m, uint64_t id, int side,
			  const struct media_codec_spec *c);

/*
 * Also accept side's RTP from this IP address (port ignored): the address the party's SIP
 * comes from. A phone behind NAT announces its private address in SDP and sends from the
 * public one; the source still latches on the first packet. 0, ENOENT or EINVAL.
 */
int media_relay_set_source(struct media_engine *m, uint64_t id, int side, const struct sa *ip);

/*
 * Sends a digit to side as RFC 4733 events in the stream going to it (the relayed or the
 * transcoded one: its SSRC and sequence numbers, the event's start where that stream is),
 * marker on the first packet, the end three times. Digits queue and play one after the
 * other. 0, ENOENT, EINVAL (side, digit, or that side has no telephone-event PT).
 */
int media_relay_send_dtmf(struct media_engine *m, uint64_t id, int side, char digit,
			  unsigned duration_ms);

/* A sound for media_relay_play: refcounted, immutable, shared by every call that plays it. */
struct media_sound;
/* Reads a WAV (or any libsndfile format) once: 0, ENOENT, EBADMSG (not audio), EOVERFLOW
 * (longer than 10 minutes), EINVAL. Any rate and channel count. */
int media_sound_load(struct media_sound **sp, const char *path);
void media_sound_unref(struct media_sound *s); /* NULL-safe */
double media_sound_seconds(const struct media_sound *s);

/*
 * Plays s to side in a loop, in side's codec, instead of what the other side sends (music on
 * hold), until called again with NULL. The music is a stream of its own SSRC, marked at its
 * start; its sequence numbers and timestamps continue the stream the side was getting, and
 * that stream, when it resumes, is marked too. 0, ENOENT, EINVAL (side, or that side has no
 * codec set).
 */
int media_relay_play(struct media_engine *m, uint64_t id, int side, struct media_sound *s);

/*
 * Plays s once to side like media_relay_play (replacing what plays there), then reports
 * MEDIA_EV_PLAYED with *play_id (unique per engine) and the side gets the relayed stream
 * again. A prompt stopped early (media_relay_play with NULL, or another sound) is not
 * reported. Same errors as media_relay_play.
 */
int media_relay_prompt(struct media_engine *m, uint64_t id, int side, struct media_sound *s,
		       unsigned *play_id);

/* A sound made here: freq Hz (a second tone freq2, 0: none), on_ms of tone then off_ms of
 * silence (off_ms 0: continuous), total_ms long, at level dBm0 (e.g. -13). For ringback,
 * beeps and test tones. */
int media_sound_tone(struct media_sound **sp, unsigned freq, unsigned freq2, unsigned on_ms,
		     unsigned off_ms, unsigned total_ms, int dbm0);

/*
 * Call recording: what side A and side B send, decoded, aligned by time and written as a
 * 16-bit WAV at rate (8000 or 16000 Hz): stereo (left A, right B) or, channels 1, side A
 * alone. The media thread buffers and a writer thread writes path.tmp in chunks; on stop
 * (or when the relay closes, or after MEDIA_REC_MAX_S) the file is fsynced and renamed to
 * path, then MEDIA_EV_RECORDED reports rec_id, the length or the error (a full disk: the
 * call goes on). path's directory (and its parent) are made when missing. One recording
 * per relay at a time: 0, ENOENT (relay), EBUSY (one runs), EINVAL (rate, channels, path).
 */
struct media_record_opts {
	const char *path;
	unsigned rate;	   /* 0 = 8000 */
	unsigned channels; /* 0 = 2 */
};
int media_relay_record_start(struct media_engine *m, uint64_t id,
			     const struct media_record_opts *o, unsigned *rec_id);
/* Stops the relay's recording (the file is finished in the background). 0 or ENOENT. */
int media_relay_record_stop(struct media_engine *m, uint64_t id);
/* An unfinished recording (path.tmp, left by a crash) made a valid file at path, its
 * length in *seconds: 0, ENOENT (no .tmp), EBADMSG (no audio: the .tmp is removed). */
int media_record_recover(const char *path, unsigned *seconds);

/* Returns at once; the media thread closes the sockets and the ports go back to the pool. */
void media_relay_close(struct media_engine *m, uint64_t id); /* unknown id: no-op */

struct media_side_stats {
	uint64_t rx_pkts, rx_bytes; /* accepted from this side's peer, RTP and RTCP */
	uint64_t tx_pkts, tx_bytes; /* sent to this side's peer */
	uint64_t dropped;	    /* arrived on this side's ports and not forwarded */
	uint32_t ssrc, lost;	    /* of the last RTP stream received */
	uint8_t pt;
	double jitter_ms;
	bool latched;	  /* the RTP source port is fixed */
	struct sa source; /* the latched RTP source */
	/* quality of this leg */
	uint32_t expected;	 /* RTP packets the sequence numbers span */
	double loss_pct;	 /* lost / expected of what the side sends */
	bool rtcp;		 /* the side reported on what it receives (RR or XR) */
	double remote_loss_pct;	 /* what it lost of ours, by its last report */
	double remote_jitter_ms; /* its jitter of our stream, by its last report */
	unsigned rtt_ms;	 /* XR round trip delay; 0 = unknown */
	double mos;		 /* E-model estimate, the worse direction; 0 = no RTP yet */
};

struct media_relay_stats {
	struct media_side_stats side[2];
	uint64_t last_rx_ms; /* monotonic ms of the last RTP accepted from either side, 0 = none */
};

/* A snapshot at most one packet batch old. 0 or ENOENT. */
int media_relay_stats(struct media_engine *m, uint64_t id, struct media_relay_stats *out);
size_t media_relay_count(struct media_engine *m);

#endif
