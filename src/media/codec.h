/* Internal to media/: the audio codec descriptors (one file each) and the table that lists them. */
#ifndef MEDIA_CODEC_H
#define MEDIA_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * MEDIA_PTIME_MAX: the longest packet we decode or build (RFC 3551 lets a receiver stop
 * there); MEDIA_PCM_MAX: that much PCM at the highest rate; MEDIA_PAYLOAD_MAX: above what any
 * encoder here writes for one packet (an Opus frame is at most 1275 bytes).
 */
enum { MEDIA_PTIME_MAX = 120, MEDIA_PCM_MAX = 48 * MEDIA_PTIME_MAX, MEDIA_PAYLOAD_MAX = 1280 };

/*
 * A codec: encoders take mono 16-bit PCM at pcm_rate, decoders give it. State constructors
 * never fail (they abort on OOM, like xmalloc); a stateless codec's state is NULL.
 */
struct media_codec {
	const char *name;  /* SDP encoding name, compared caselessly */
	uint32_t rate;	   /* SDP clock rate: what RTP timestamps count */
	uint8_t channels;  /* SDP channel count */
	uint32_t pcm_rate; /* the audio's sample rate */
	unsigned frame_ms; /* a packet holds a whole number of these */
	unsigned max_ptime_ms;
	bool own_plc; /* decode(p = NULL) conceals a lost packet */
	void *(*enc_new)(void);
	void *(*dec_new)(void);
	void (*enc_free)(void *st);
	void (*dec_free)(void *st);
	/* n samples (whole frames) into at most cap bytes: bytes written, or -1 */
	int (*encode)(void *st, uint8_t *out, size_t cap, const int16_t *pcm, size_t n);
	/* samples written (at most cap), or -1 for a payload it cannot take; p NULL: conceal cap */
	int (*decode)(void *st, int16_t *pcm, size_t cap, const uint8_t *p, size_t len);
};

extern const struct media_codec media_codec_pcmu, media_codec_pcma, media_codec_g722,
    media_codec_opus, media_codec_gsm;

/* The table entry for an SDP name/rate/channels (0 channels = 1), or NULL. */
const struct media_codec *media_codec_find(const char *name, uint32_t rate, uint8_t channels);
/* a=ptime is a wish (RFC 4566): the nearest the codec can send, not above it; 0 = 20 ms. */
unsigned media_codec_ptime(const struct media_codec *c, unsigned ptime_ms);
/* PCM samples in ms of the codec's audio. */
size_t media_codec_samples(const struct media_codec *c, unsigned ms);

#endif
