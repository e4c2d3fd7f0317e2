/* Test signals for the codec tests: a sine, its strength by Goertzel, and an SNR. */
#ifndef TESTS_MEDIA_TONE_H
#define TESTS_MEDIA_TONE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* n samples of a sine at freq Hz, continuing from sample number start */
static inline void tone_fill(int16_t *pcm, size_t n, unsigned rate, double freq, double amp,
			     size_t start)
{
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)lrint(amp * sin(2 * M_PI * freq * (double)(start + i) / rate));
}

/* The share of the signal's power at freq: 1 for a pure sine there, near 0 for others. */
static inline double tone_share(const int16_t *pcm, size_t n, unsigned rate, double freq)
{
	double coeff = 2 * cos(2 * M_PI * freq / rate), s1 = 0, s2 = 0, ms = 0;

	for (size_t i = 0; i < n; i++) {
		double s = pcm[i] + coeff * s1 - s2;
		s2 = s1;
		s1 = s;
		ms += (double)pcm[i] * pcm[i];
	}
	if (ms == 0)
		return 0;
	ms /= (double)n;
	double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
	return 2 * power / ((double)n * (double)n * ms);
}

static inline double tone_rms(const int16_t *pcm, size_t n)
{
	double ms = 0;

	for (size_t i = 0; i < n; i++)
		ms += (double)pcm[i] * pcm[i];
	return n ? sqrt(ms / (double)n) : 0;
}

/* Signal to noise of got against want, sample by sample, in dB. */
static inline double tone_snr_db(const int16_t *want, const int16_t *got, size_t n)
{
	double sig = 0, noise = 0;

	for (size_t i = 0; i < n; i++) {
		double d = (double)got[i] - want[i];
		sig += (double)want[i] * want[i];
		noise += d * d;
	}
	return noise == 0 ? 200 : 10 * log10(sig / noise);
}

#endif
