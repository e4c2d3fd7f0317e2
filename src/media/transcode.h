/* Internal to media/: one direction's transcoder (decode, conceal, resample, repacketise, encode).
 */
#ifndef MEDIA_TRANSCODE_H
#define MEDIA_TRANSCODE_H

#include <stddef.h>
#include <stdint.h>

#include "media/codec.h"
#include "media/rtp.h"

/*
 * MEDIA_RES_SLACK: what a resampler may give beyond the exact ratio in one call;
 * MEDIA_FILL_MS: the longest loss filled with concealed audio, so a sender that skips ahead
 * cannot make us encode seconds of it; MEDIA_PLC_FRAMES: frames replayed before silence.
 */
enum { MEDIA_OUT_SLOT = RTP_HEADER_MIN + MEDIA_PAYLOAD_MAX, MEDIA_RES_SLACK = 64 };
enum { MEDIA_FILL_MS = 300, MEDIA_PLC_FRAMES = 3, MEDIA_PLC_MS = 20 };

/* PCM of one packet on its way through; one per media thread, not per transcoder. */
struct media_pcm {
	int16_t dec[MEDIA_PCM_MAX];
	int16_t res[MEDIA_PCM_MAX + MEDIA_RES_SLACK];
};

/* Receives each packet built; pkt is the transcoder's and is reused after the call. */
typedef void(media_emit_fn)(void *arg, const uint8_t *pkt, size_t len);

struct media_xcode;

/*
 * Packets of codec in become packets of codec out with payload type pt, every ptime_ms,
 * as a stream of its own: a random SSRC, sequence number and timestamp (in out's clock),
 * the marker bit on the first packet. Never NULL. The codecs must differ.
 */
/* The output stream goes on from ssrc/seq/ts (the next packet's), instead of its random
 * start: a stream the side got before this transcoder existed continues unbroken. */
void media_xcode_continue(struct media_xcode *x, uint32_t ssrc, uint16_t seq, uint32_t ts);
struct media_xcode *media_xcode_new(const struct media_codec *in, const struct media_codec *out,
				    uint8_t pt, unsigned ptime_ms);
void media_xcode_destroy(struct media_xcode *x); /* NULL-safe */

/*
 * One RTP packet of the input codec (h decoded from pkt). A sequence gap is concealed
 * first, up to MEDIA_FILL_MS; a longer one, or a timestamp jump without one (silence
 * suppression), moves the output timestamps on instead. 0, EBADMSG (the decoder refused
 * it: concealed when the next one comes) or EALREADY (late or repeated: dropped).
 */
int media_xcode_audio(struct media_xcode *x, const struct rtp_header *h, const uint8_t *pkt,
		      struct media_pcm *s, media_emit_fn *fn, void *arg);

/*
 * An RFC 4733 telephone-event packet, sent in the output stream with payload type pt: an
 * event starts where the output audio is, its duration scaled to out's clock. 0 or EBADMSG.
 */
int media_xcode_event(struct media_xcode *x, const struct rtp_header *h, const uint8_t *pkt,
		      uint8_t pt, media_emit_fn *fn, void *arg);

/* Listen for in-band DTMF tones in the decoded input (phones without telephone-event). */
void media_xcode_detect(struct media_xcode *x);
/* A tone digit heard since the last call, or 0. */
char media_xcode_digit(struct media_xcode *x);

/* Packets of our own in the output stream: its sequence numbers, ts in out's clock. */
uint32_t media_xcode_now(const struct media_xcode *x); /* where the output audio is */
uint32_t media_xcode_ssrc(const struct media_xcode *x);
/* ssrc 0: the stream's own. */
void media_xcode_inject(struct media_xcode *x, const uint8_t *payload, size_t plen, bool marker,
			uint8_t pt, uint32_t ts, uint32_t ssrc, media_emit_fn *fn, void *arg);
/* The jitter buffer the relay puts the input in before media_xcode_audio. */
struct media_jb *media_xcode_jb(struct media_xcode *x);
/* The next audio packet is marked (after packets of another source). */
void media_xcode_remark(struct media_xcode *x);

#endif
