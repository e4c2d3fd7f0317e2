/* G.711 mu-law (PCMU) and A-law (PCMA), computed from the segment rules of ITU-T G.711. */
#include <pthread.h>

#include "media/codec.h"

/* mu-law works on |x| + 0x84 (the bias of 33 at 14 bits, the half step included) */
enum { G711_ULAW_BIAS = 0x84, G711_ULAW_CLIP = 32635 };

static int16_t g711_ulaw_table[256], g711_alaw_table[256];
static pthread_once_t g711_once = PTHREAD_ONCE_INIT;

static int g711_top_bit(unsigned v)
{
	return 31 - __builtin_clz(v);
}

static uint8_t g711_ulaw_encode(int16_t x)
{
	int sign = x < 0 ? 0x80 : 0, mag = x < 0 ? -(int)x : x;

	if (mag > G711_ULAW_CLIP)
		mag = G711_ULAW_CLIP;
	mag += G711_ULAW_BIAS;
	/* mag is in [128 << seg, 256 << seg) */
	int seg = g711_top_bit((unsigned)mag) - 7;
	int mant = (mag >> (seg + 3)) & 0x0f;
	return (uint8_t) ~(sign | seg << 4 | mant);
}

static int16_t g711_ulaw_value(uint8_t u)
{
	u = (uint8_t)~u;
	int seg = (u >> 4) & 7, mant = u & 0x0f;
	int t = ((mant << 3) + G711_ULAW_BIAS) << seg;

	return (int16_t)((u & 0x80) ? G711_ULAW_BIAS - t : t - G711_ULAW_BIAS);
}

/* A-law quantises the top 12 bits of the magnitude; even bits are inverted on the wire. */
static uint8_t g711_alaw_encode(int16_t x)
{
	int sign = x >= 0 ? 0x80 : 0;
	unsigned mag = (unsigned)(x >= 0 ? x : ~x) >> 3;
	int seg = mag < 32 ? 0 : g711_top_bit(mag) - 4;
	unsigned mant = (mag >> (seg ? seg : 1)) & 0x0f;

	return (uint8_t)((sign | seg << 4 | (int)mant) ^ 0x55);
}

static int16_t g711_alaw_value(uint8_t a)
{
	a ^= 0x55;
	int seg = (a >> 4) & 7, mant = a & 0x0f;
	int mag = seg ? ((mant | 0x10) << seg) + (1 << (seg - 1)) : (mant << 1) + 1;

	return (int16_t)((a & 0x80) ? mag << 3 : -(mag << 3));
}

static void g711_tables_init(void)
{
	for (int i = 0; i < 256; i++) {
		g711_ulaw_table[i] = g711_ulaw_value((uint8_t)i);
		g711_alaw_table[i] = g711_alaw_value((uint8_t)i);
	}
}

/* Stateless, but the constructors are where the tables get built, once, before any decode. */
static void *g711_new(void)
{
	pthread_once(&g711_once, g711_tables_init);
	return NULL;
}

static void g711_free(void *st)
{
}

static int g711_ulaw_enc(void *st, uint8_t *out, size_t cap, const int16_t *pcm, size_t n)
{
	if (n > cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = g711_ulaw_encode(pcm[i]);
	return (int)n;
}

static int g711_alaw_enc(void *st, uint8_t *out, size_t cap, const int16_t *pcm, size_t n)
{
	if (n > cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = g711_alaw_encode(pcm[i]);
	return (int)n;
}

static int g711_decode(const int16_t *table, int16_t *pcm, size_t cap, const uint8_t *p, size_t len)
{
	if (!p || len == 0 || len > cap)
		return -1;
	for (size_t i = 0; i < len; i++)
		pcm[i] = table[p[i]];
	return (int)len;
}

static int g711_ulaw_dec(void *st, int16_t *pcm, size_t cap, const uint8_t *p, size_t len)
{
	return g711_decode(g711_ulaw_table, pcm, cap, p, len);
}

static int g711_alaw_dec(void *st, int16_t *pcm, size_t cap, const uint8_t *p, size_t len)
{
	return g711_decode(g711_alaw_table, pcm, cap, p, len);
}

const struct media_codec media_codec_pcmu = {
    .name = "PCMU",
    .rate = 8000,
    .channels = 1,
    .pcm_rate = 8000,
    .frame_ms = 10,
    .max_ptime_ms = MEDIA_PTIME_MAX,
    .enc_new = g711_new,
    .dec_new = g711_new,
    .enc_free = g711_free,
    .dec_free = g711_free,
    .encode = g711_ulaw_enc,
    .decode = g711_ulaw_dec,
};

const struct media_codec media_codec_pcma = {
    .name = "PCMA",
    .rate = 8000,
    .channels = 1,
    .pcm_rate = 8000,
    .frame_ms = 10,
    .max_ptime_ms = MEDIA_PTIME_MAX,
    .enc_new = g711_new,
    .dec_new = g711_new,
    .enc_free = g711_free,
    .dec_free = g711_free,
    .encode = g711_alaw_enc,
    .decode = g711_alaw_dec,
};
