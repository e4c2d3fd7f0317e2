/* GSM 06.10 full rate through libgsm: 160 samples at 8 kHz in a 33-octet frame (RFC 3551). */
#include <gsm.h>
#include <stdlib.h>
#include <string.h>

#include "media/codec.h"

enum { GSM_SAMPLES = 160, GSM_FRAME = 33 };

static void *gsm_new(void)
{
	gsm g = gsm_create();

	/* it only fails when malloc does */
	if (!g)
		abort();
	return g;
}

static void gsm_free(void *st)
{
	gsm_destroy(st);
}

static int gsm_enc(void *st, uint8_t *out, size_t cap, const int16_t *pcm, size_t n)
{
	gsm_signal frame[GSM_SAMPLES];
	size_t frames = n / GSM_SAMPLES;

	if (n % GSM_SAMPLES || frames * GSM_FRAME > cap)
		return -1;
	for (size_t f = 0; f < frames; f++) {
		/* libgsm's prototype is not const-correct: give it a copy, not our buffer */
		memcpy(frame, pcm + f * GSM_SAMPLES, sizeof(frame));
		gsm_encode(st, frame, out + f * GSM_FRAME);
	}
	return (int)(frames * GSM_FRAME);
}

static int gsm_dec(void *st, int16_t *pcm, size_t cap, const uint8_t *p, size_t len)
{
	gsm_byte frame[GSM_FRAME];
	size_t frames = len / GSM_FRAME;

	if (!p || len == 0 || len % GSM_FRAME || frames * GSM_SAMPLES > cap)
		return -1;
	for (size_t f = 0; f < frames; f++) {
		memcpy(frame, p + f * GSM_FRAME, sizeof(frame));
		/* -1: the frame does not start with the GSM magic nibble */
		if (gsm_decode(st, frame, pcm + f * GSM_SAMPLES) != 0)
			return -1;
	}
	return (int)(frames * GSM_SAMPLES);
}

const struct media_codec media_codec_gsm = {
    .name = "GSM",
    .rate = 8000,
    .channels = 1,
    .pcm_rate = 8000,
    .frame_ms = 20,
    .max_ptime_ms = MEDIA_PTIME_MAX,
    .enc_new = gsm_new,
    .dec_new = gsm_new,
    .enc_free = gsm_free,
    .dec_free = gsm_free,
    .encode = gsm_enc,
    .decode = gsm_dec,
};
