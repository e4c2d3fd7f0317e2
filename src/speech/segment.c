/*
 * Utterance detection by energy, for transcribing recordings: each utterance goes to the
 * recogniser alone, so every backend gives timestamps per utterance, silence (the other
 * party speaking, on a stereo call) is not sent or billed, and no piece is longer than what
 * short-audio APIs accept. Telephone audio is clean enough that a floor-relative threshold
 * works; this is not a voice activity detector for noisy rooms.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/segment.h"

#define FRAME_MS	  10
#define OVER_FLOOR_DB	  12.0
#define MIN_DBFS	  -45.0
#define MAX_PAUSE_FRAMES  80 /* 0.8 s */
#define MIN_SPEECH_FRAMES 10 /* 0.1 s of speech in all */
#define PAD_FRAMES	  20 /* 0.2 s either side */

/* Energy of each frame in dB relative to full scale. */
static double *frame_db(const struct audio *a, size_t flen, size_t nf)
{
	double *db = xmalloc((nf ? nf : 1) * sizeof(double));

	for (size_t f = 0; f < nf; f++) {
		const int16_t *p = a->pcm + f * flen;
		double sum = 0;
		for (size_t i = 0; i < flen; i++)
			sum += (double)p[i] * p[i];
		db[f] = 10.0 * log10(sum / (double)flen / (32768.0 * 32768.0) + 1e-12);
	}
	return db;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/*
 * 12 dB over the tenth percentile of the frames' energy (the level between words), but no
 * higher than 15 dB under the 95th (the voice), for a channel that is speech throughout.
 */
static double threshold(const double *db, size_t nf)
{
	double *s = xmalloc(nf * sizeof(double)), v;

	memcpy(s, db, nf * sizeof(double));
	qsort(s, nf, sizeof(double), cmp_double);
	v = s[nf / 10] + OVER_FLOOR_DB;
	if (v > s[nf * 95 / 100] - 15.0)
		v = s[nf * 95 / 100] - 15.0;
	free(s);
	return v > MIN_DBFS ? v : MIN_DBFS;
}

static void push(struct segment **out, size_t *n, size_t *cap, size_t start, size_t end)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*out = xrealloc(*out, *cap * sizeof(**out));
	}
	(*out)[(*n)++] = (struct segment){start, end};
}

/* The quietest frame in the last third of [from, to): where an over-long utterance is cut. */
static size_t quietest(const double *db, size_t from, size_t to)
{
	size_t best = to - 1;

	for (size_t f = from + (to - from) * 2 / 3; f < to; f++)
		if (db[f] < db[best])
			best = f;
	return best > from ? best : to;
}

/* One utterance of frames [s, e), padded, cut into pieces of at most SEGMENT_MAX_SECONDS. */
static void emit(const double *db, size_t nf, size_t flen, size_t s, size_t e, struct segment **out,
		 size_t *n, size_t *cap)
{
	size_t maxf = (size_t)(SEGMENT_MAX_SECONDS * 1000 / FRAME_MS);

	s = s > PAD_FRAMES ? s - PAD_FRAMES : 0;
	e = e + PAD_FRAMES < nf ? e + PAD_FRAMES : nf;
	while (e - s > maxf) {
		size_t cut = quietest(db, s, s + maxf);
		push(out, n, cap, s * flen, cut * flen);
		s = cut;
	}
	push(out, n, cap, s * flen, e * flen);
}

void speech_segments(const struct audio *a, struct segment **out, size_t *n)
{
	size_t flen = a->rate * FRAME_MS / 1000, nf = flen ? a->n / flen : 0, cap = 0;
	size_t start = 0, last = 0, speech = 0;
	bool open = false;
	double *db, thr;

	*out = NULL;
	*n = 0;
	if (nf == 0)
		return;
	db = frame_db(a, flen, nf);
	thr = threshold(db, nf);
	for (size_t f = 0; f <= nf; f++) {
		bool loud = f < nf && db[f] > thr;
		if (open && (f == nf || (!loud && f - last > MAX_PAUSE_FRAMES))) {
			if (speech >= MIN_SPEECH_FRAMES)
				emit(db, nf, flen, start, last + 1, out, n, &cap);
			open = false;
		}
		if (!loud)
			continue;
		if (!open) {
			open = true;
			start = f;
			speech = 0;
		}
		last = f;
		speech++;
	}
	free(db);
}
