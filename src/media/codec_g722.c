/* G.722 at 64 kbit/s through spandsp: 16 kHz audio, an 8000 RTP clock (RFC 3551). */
#include <stdlib.h>

/* spandsp 0.0.6's headers compile clean under our warnings, so no diagnostic pragmas */
#include <spandsp.h>

#include "media/codec.h"

enum { G722_BITRATE = 64000 };

static void *g722_enc_new(void)
{
	g722_encode_state_t *s = g722_encode_init(NULL, G722_BITRATE, 0);

	/* it only fails when malloc does */
	if (!s)
		abort();
	return s;
}

static void *g722_dec_new(void)
{
	g722_decode_state_t *s = g722_decode_init(NULL, G722_BITRATE, 0);

	if (!s)
		abort();
	return s;
}

static void g722_enc_free(void *st)
{
	g722_encode_free(st);
}

static void g722_dec_free(void *st)
{
	g722_decode_free(st);
}

/* Two samples make one octet at 64 kbit/s. */
static int g722_enc(void *st, uint8_t *out, size_t cap, const int16_t *pcm, size_t n)
{
	if (n % 2 || n / 2 > cap || n > MEDIA_PCM_MAX)
		return -1;
	return g722_encode(st, out, pcm, (int)n);
}

static int g722_dec(void *st, int16_t *pcm, size_t cap, const uint8_t *p, size_t len)
{
	/* every octet is valid G.722, so only the length can be wrong */
	if (!p || len == 0 || len > cap / 2)
		return -1;
	return g722_decode(st, pcm, p, (int)len);
}

const struct media_codec media_codec_g722 = {
    .name = "G722",
    .rate = 8000,
    .channels = 1,
    .pcm_rate = 16000,
    .frame_ms = 10,
    .max_ptime_ms = MEDIA_PTIME_MAX,
    .enc_new = g722_enc_new,
    .dec_new = g722_dec_new,
    .enc_free = g722_enc_free,
    .dec_free = g722_dec_free,
    .encode = g722_enc,
    .decode = g722_dec,
};
