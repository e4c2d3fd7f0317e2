/* Opus through libopus: opus/48000/2 in SDP, mono 48 kHz here, with the decoder's own PLC. */
#include <opus.h>
#include <stdlib.h>

#include "media/codec.h"

/*
 * Complexity 5 halves the encoder's cost against the default 10 at a quality loss nobody
 * hears on a phone call; no in-band FEC (the relay does not ask for it either way).
 */
enum { OPUS_RATE = 48000, OPUS_COMPLEXITY = 5, OPUS_BITRATE = 32000 };

static void *opus_enc_new(void)
{
	int err;
	OpusEncoder *e = opus_encoder_create(OPUS_RATE, 1, OPUS_APPLICATION_VOIP, &err);

	/* constant, valid arguments: only malloc can fail */
	if (!e)
		abort();
	opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(OPUS_COMPLEXITY));
	opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(0));
	opus_encoder_ctl(e, OPUS_SET_BITRATE(OPUS_BITRATE));
	return e;
}

static void *opus_dec_new(void)
{
	int err;
	OpusDecoder *d = opus_decoder_create(OPUS_RATE, 1, &err);

	if (!d)
		abort();
	return d;
}

static void opus_enc_free(void *st)
{
	opus_encoder_destroy(st);
}

static void opus_dec_free(void *st)
{
	opus_decoder_destroy(st);
}

/* n must be an Opus frame size (2.5 to 60 ms); libopus refuses anything else. */
static int opus_enc(void *st, uint8_t *out, size_t cap, const int16_t *pcm, size_t n)
{
	if (n > MEDIA_PCM_MAX)
		return -1;
	if (cap > MEDIA_PAYLOAD_MAX)
		cap = MEDIA_PAYLOAD_MAX;
	int len = opus_encode(st, pcm, (int)n, out, (opus_int32)cap);
	return len < 0 ? -1 : len;
}

static int opus_dec(void *st, int16_t *pcm, size_t cap, const uint8_t *p, size_t len)
{
	if (cap > MEDIA_PCM_MAX)
		cap = MEDIA_PCM_MAX;
	/* an empty packet means "lost" to libopus: only a NULL one may ask for concealment */
	if (p && len == 0)
		return -1;
	int n = opus_decode(st, p, p ? (opus_int32)len : 0, pcm, (int)cap, 0);
	return n < 0 ? -1 : n;
}

const struct media_codec media_codec_opus = {
    .name = "opus",
    .rate = 48000,
    .channels = 2,
    .pcm_rate = OPUS_RATE,
    .frame_ms = 20,
    .max_ptime_ms = 60,
    .own_plc = true,
    .enc_new = opus_enc_new,
    .dec_new = opus_dec_new,
    .enc_free = opus_enc_free,
    .dec_free = opus_dec_free,
    .encode = opus_enc,
    .decode = opus_dec,
};
