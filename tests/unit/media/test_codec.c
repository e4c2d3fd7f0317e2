/* The codec table and each codec: a 1 kHz tone through encode and decode, garbage payloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/codec.h"
#include "media/media.h"
#include "tone.h"

enum { SECOND_MAX = 48000, TONE_AMP = 10000 };

struct round_trip {
	int16_t in[SECOND_MAX], out[SECOND_MAX];
	size_t n;
};

/* One second of 1 kHz through c in 20 ms packets. */
static struct round_trip *round_trip(const struct media_codec *c)
{
	struct round_trip *t = calloc(1, sizeof(*t));
	void *enc = c->enc_new(), *dec = c->dec_new();
	size_t frame = media_codec_samples(c, 20);
	uint8_t pkt[MEDIA_PAYLOAD_MAX];

	t->n = c->pcm_rate;
	tone_fill(t->in, t->n, c->pcm_rate, 1000, TONE_AMP, 0);
	for (size_t off = 0; off + frame <= t->n; off += frame) {
		int len = c->encode(enc, pkt, sizeof(pkt), t->in + off, frame);
		assert_true(len > 0 && len <= MEDIA_PAYLOAD_MAX);
		int got = c->decode(dec, t->out + off, t->n - off, pkt, (size_t)len);
		assert_int_equal(got, frame);
	}
	c->enc_free(enc);
	c->dec_free(dec);
	return t;
}

static void test_table(void **state)
{
	assert_true(media_codec_supported("PCMU", 8000, 1));
	assert_true(media_codec_supported("pcma", 8000, 0));
	assert_true(media_codec_supported("G722", 8000, 1));
	assert_true(media_codec_supported("OPUS", 48000, 2));
	assert_true(media_codec_supported("gsm", 8000, 1));
	assert_false(media_codec_supported("G729", 8000, 1));
	assert_false(media_codec_supported("PCMA", 16000, 1));
	assert_false(media_codec_supported("opus", 48000, 1));
	assert_false(media_codec_supported(NULL, 8000, 1));
	assert_ptr_equal(media_codec_find("PcMa", 8000, 1), &media_codec_pcma);
	/* a=ptime is a wish: rounded down to whole frames, inside the codec's limits */
	assert_int_equal(media_codec_ptime(&media_codec_pcma, 0), 20);
	assert_int_equal(media_codec_ptime(&media_codec_pcma, 25), 20);
	assert_int_equal(media_codec_ptime(&media_codec_pcma, 1000), 120);
	assert_int_equal(media_codec_ptime(&media_codec_opus, 10), 20);
	assert_int_equal(media_codec_ptime(&media_codec_opus, 50), 40);
	assert_int_equal(media_codec_ptime(&media_codec_opus, 100), 60);
	assert_int_equal(media_codec_ptime(&media_codec_gsm, 30), 20);
}

static void test_g711(void **state)
{
	const struct media_codec *cs[] = {&media_codec_pcmu, &media_codec_pcma};

	for (int i = 0; i < 2; i++) {
		struct round_trip *t = round_trip(cs[i]);
		double snr = tone_snr_db(t->in, t->out, t->n);
		print_message("%s: SNR %.1f dB\n", cs[i]->name, snr);
		assert_true(snr > 30);
		free(t);
	}
	/* the extremes: full scale keeps its sign, silence stays near silence */
	void *st = media_codec_pcma.enc_new();
	int16_t pcm[4] = {32767, -32768, 0, -1}, back[4];
	uint8_t enc[4];
	for (int i = 0; i < 2; i++) {
		const struct media_codec *c = cs[i];
		assert_int_equal(c->encode(st, enc, sizeof(enc), pcm, 4), 4);
		assert_int_equal(c->decode(st, back, 4, enc, 4), 4);
		assert_true(back[0] > 30000 && back[1] < -30000);
		assert_true(abs(back[2]) < 16 && abs(back[3]) < 16);
	}
	/* A-law of 0 is 0xd5 on the wire, mu-law's 0xff */
	assert_int_equal(media_codec_pcma.encode(st, enc, 1, pcm + 2, 1), 1);
	assert_int_equal(enc[0], 0xd5);
	assert_int_equal(media_codec_pcmu.encode(st, enc, 1, pcm + 2, 1), 1);
	assert_int_equal(enc[0], 0xff);
}

/* Codecs with delay and a model of speech: the 1 kHz tone must still be most of the power. */
static void expect_tone(const struct media_codec *c, double min_share)
{
	struct round_trip *t = round_trip(c);
	size_t skip = c->pcm_rate / 10; /* the codec's delay and attack */
	double share = tone_share(t->out + skip, t->n - skip, c->pcm_rate, 1000);
	double rms_in = tone_rms(t->in, t->n), rms_out = tone_rms(t->out + skip, t->n - skip);

	print_message("%s: 1 kHz share %.3f, level %.2f\n", c->name, share, rms_out / rms_in);
	assert_true(share > min_share);
	assert_true(rms_out > rms_in / 2 && rms_out < rms_in * 2);
	/* a neighbouring frequency has next to nothing */
	assert_true(tone_share(t->out + skip, t->n - skip, c->pcm_rate, 1500) < 0.05);
	free(t);
}

static void test_g722(void **state)
{
	expect_tone(&media_codec_g722, 0.9);
}

static void test_opus(void **state)
{
	expect_tone(&media_codec_opus, 0.9);
}

static void test_gsm(void **state)
{
	expect_tone(&media_codec_gsm, 0.8);
}

/* Anything from the network: never more samples than room, never a crash. */
static void test_garbage(void **state)
{
	const struct media_codec *cs[] = {&media_codec_pcmu, &media_codec_pcma, &media_codec_g722,
					  &media_codec_opus, &media_codec_gsm};
	static int16_t pcm[MEDIA_PCM_MAX];
	uint8_t junk[2000];

	srand(7);
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		const struct media_codec *c = cs[i];
		void *dec = c->dec_new();
		size_t cap = media_codec_samples(c, MEDIA_PTIME_MAX);
		assert_int_equal(c->decode(dec, pcm, cap, junk, 0), -1);
		for (int round = 0; round < 300; round++) {
			size_t len = (size_t)(round < 40 ? round : rand() % (int)sizeof(junk));
			for (size_t j = 0; j < len; j++)
				junk[j] = (uint8_t)rand();
			int n = c->decode(dec, pcm, cap, junk, len);
			assert_true(n >= -1 && n <= (int)cap);
		}
		/* more audio than the caller has room for is refused, not truncated */
		if (c != &media_codec_opus)
			assert_int_equal(c->decode(dec, pcm, 10, junk, 330), -1);
		c->dec_free(dec);
	}
	/* GSM frames must be whole and carry the magic nibble */
	void *g = media_codec_gsm.dec_new();
	memset(junk, 0, 33);
	assert_int_equal(media_codec_gsm.decode(g, pcm, 160, junk, 33), -1);
	junk[0] = 0xd0;
	assert_int_equal(media_codec_gsm.decode(g, pcm, 160, junk, 33), 160);
	assert_int_equal(media_codec_gsm.decode(g, pcm, 320, junk, 34), -1);
	media_codec_gsm.dec_free(g);
	/* Opus conceals a lost packet on request */
	void *o = media_codec_opus.dec_new();
	assert_int_equal(media_codec_opus.decode(o, pcm, 960, NULL, 0), 960);
	media_codec_opus.dec_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table), cmocka_unit_test(test_g711),
	    cmocka_unit_test(test_g722),  cmocka_unit_test(test_opus),
	    cmocka_unit_test(test_gsm),	  cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
