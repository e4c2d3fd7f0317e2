/*
 * Sounds the media threads play (music on hold, prompts, tones): a file read once with
 * libsndfile (or a tone made here), mixed to mono and resampled to every PCM rate a codec
 * here uses, then immutable and shared by the players (refcounted), and the player that
 * loops one (music) or plays it once (a prompt) into a leg's codec.
 */
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <speex/speex_resampler.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/obj.h"
#include "core/rand.h"
#include "media/engine.h"

/* MEDIA_SOUND_MAX_S: music loops, so a long file only costs memory */
enum { MEDIA_SOUND_MAX_S = 600, MEDIA_SOUND_RATES = 3, MEDIA_SOUND_QUALITY = 5 };

static const uint32_t media_sound_rates[MEDIA_SOUND_RATES] = {8000, 16000, 48000};

struct media_sound {
	int16_t *pcm[MEDIA_SOUND_RATES]; /* owned, at media_sound_rates[i] */
	size_t n[MEDIA_SOUND_RATES];
};

static void media_sound_free(void *obj)
{
	struct media_sound *s = obj;

	for (int i = 0; i < MEDIA_SOUND_RATES; i++)
		free(s->pcm[i]);
}

/* The file as mono 16-bit at its own rate. 0, ENOENT, EBADMSG or EOVERFLOW. */
static int media_sound_read(const char *path, int16_t **out, size_t *n, uint32_t *rate)
{
	SF_INFO info = {0};
	SNDFILE *f = sf_open(path, SFM_READ, &info);

	if (!f)
		return access(path, R_OK) == 0 ? EBADMSG : ENOENT;
	if (info.channels < 1 || info.samplerate < 8000 || info.samplerate > 192000 ||
	    info.frames <= 0) {
		sf_close(f);
		return EBADMSG;
	}
	if (info.frames > (sf_count_t)info.samplerate * MEDIA_SOUND_MAX_S) {
		sf_close(f);
		return EOVERFLOW;
	}
	int16_t *all = xmalloc((size_t)info.frames * (size_t)info.channels * sizeof(*all));
	sf_count_t got = sf_readf_short(f, all, info.frames);
	sf_close(f);
	/* stereo and more: the mean of the channels, in place */
	for (sf_count_t i = 0; i < got; i++) {
		int32_t sum = 0;
		for (int c = 0; c < info.channels; c++)
			sum += all[i * info.channels + c];
		all[i] = (int16_t)(sum / info.channels);
	}
	*out = all;
	*n = got > 0 ? (size_t)got : 0;
	*rate = (uint32_t)info.samplerate;
	return *n ? 0 : EBADMSG;
}

static void media_sound_resample(struct media_sound *s, int i, const int16_t *pcm, size_t n,
				 uint32_t rate)
{
	uint32_t to = media_sound_rates[i];
	size_t cap = (size_t)((uint64_t)n * to / rate) + MEDIA_RES_SLACK;
	int err;

	s->pcm[i] = xmalloc(cap * sizeof(int16_t));
	if (to == rate) {
		memcpy(s->pcm[i], pcm, n * sizeof(int16_t));
		s->n[i] = n;
		return;
	}
	SpeexResamplerState *rs = speex_resampler_init(1, rate, to, MEDIA_SOUND_QUALITY, &err);
	if (!rs)
		abort(); /* valid rates: only malloc can fail */
	spx_uint32_t in_len = (spx_uint32_t)n, out_len = (spx_uint32_t)cap;
	speex_resampler_skip_zeros(rs);
	speex_resampler_process_int(rs, 0, pcm, &in_len, s->pcm[i], &out_len);
	speex_resampler_destroy(rs);
	s->n[i] = out_len;
}

/* The sound of pcm (mono, rate), which it frees. */
static struct media_sound *media_sound_make(int16_t *pcm, size_t n, uint32_t rate)
{
	struct media_sound *s = obj_new(sizeof(*s), media_sound_free);

	for (int i = 0; i < MEDIA_SOUND_RATES; i++)
		media_sound_resample(s, i, pcm, n, rate);
	free(pcm);
	return s;
}

int media_sound_load(struct media_sound **sp, const char *path)
{
	int16_t *pcm;
	size_t n;
	uint32_t rate;
	int err = path ? media_sound_read(path, &pcm, &n, &rate) : EINVAL;

	if (err)
		return err;
	*sp = media_sound_make(pcm, n, rate);
	return 0;
}

int media_sound_tone(struct media_sound **sp, unsigned freq, unsigned freq2, unsigned on_ms,
		     unsigned off_ms, unsigned total_ms, int dbm0)
{
	const uint32_t rate = 48000;

	if (!freq || freq >= rate / 2 || freq2 >= rate / 2 || !on_ms || !total_ms ||
	    total_ms > MEDIA_SOUND_MAX_S * 1000u || dbm0 > 3)
		return EINVAL;
	size_t n = (size_t)total_ms * rate / 1000, period = (size_t)(on_ms + off_ms) * rate / 1000;
	size_t on = (size_t)on_ms * rate / 1000;
	/* 0 dBm0 is a sine of 3.17 dB below full scale (G.711's digital milliwatt) */
	double amp = 32767.0 * pow(10.0, (dbm0 - 3.17) / 20.0) / (freq2 ? 2 : 1);
	int16_t *pcm = xmalloc(n * sizeof(*pcm));

	for (size_t i = 0; i < n; i++) {
		double t = (double)i / rate, v = 0;
		if (!off_ms || i % period < on) {
			v = sin(2 * M_PI * freq * t);
			if (freq2)
				v += sin(2 * M_PI * freq2 * t);
		}
		pcm[i] = (int16_t)lrint(v * amp);
	}
	*sp = media_sound_make(pcm, n, rate);
	return 0;
}

void media_sound_unref(struct media_sound *s)
{
	if (s)
		obj_unref(s);
}

double media_sound_seconds(const struct media_sound *s)
{
	return (double)s->n[0] / media_sound_rates[0];
}

struct media_player *media_player_new(struct media_sound *snd, const struct media_codec *c,
				      uint8_t pt)
{
	struct media_player *p = xcalloc(1, sizeof(*p));
	int k = 0;

	for (int i = 0; i < MEDIA_SOUND_RATES; i++)
		if (media_sound_rates[i] == c->pcm_rate)
			k = i;
	p->snd = obj_ref(snd);
	p->pcm = snd->pcm[k];
	p->n = snd->n[k];
	p->codec = c;
	p->enc = c->enc_new ? c->enc_new() : NULL;
	p->pt = pt;
	p->frame = media_codec_samples(c, MEDIA_PLAYER_MS);
	p->ts_step = c->rate / 1000 * MEDIA_PLAYER_MS;
	p->ssrc = rand_u32();
	return p;
}

void media_player_destroy(struct media_player *p)
{
	if (!p)
		return;
	if (p->codec->enc_free)
		p->codec->enc_free(p->enc);
	obj_unref(p->snd);
	free(p);
}

int media_player_frame(struct media_player *p, uint8_t *out, size_t cap)
{
	int16_t pcm[MEDIA_PCM_MAX];
	size_t k = 0;

	/* the loop wraps inside a frame: a tune has no gap at its end */
	while (k < p->frame && !p->done) {
		size_t take = p->frame - k < p->n - p->pos ? p->frame - k : p->n - p->pos;
		memcpy(pcm + k, p->pcm + p->pos, take * sizeof(int16_t));
		k += take;
		p->pos = (p->pos + take) % p->n;
		if (p->once && p->pos == 0)
			p->done = true;
	}
	memset(pcm + k, 0, (p->frame - k) * sizeof(int16_t));
	return p->codec->encode(p->enc, out, cap, pcm, p->frame);
}
