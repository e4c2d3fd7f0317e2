/* Speech audio helpers: mono int16 buffers, resampling, WAV files read and written crash-safe. */
#ifndef SPEECH_AUDIO_H
#define SPEECH_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#define AUDIO_MAX_SECONDS 4 * 3600 /* a longer file is refused */

struct audio {
	int16_t *pcm; /* owned, mono */
	size_t n;     /* samples */
	unsigned rate;
};

void audio_free(struct audio *a);
/* Resamples to rate (speexdsp) in place; 0 or EINVAL. */
int audio_resample(struct audio *a, unsigned rate);
/* Reads any libsndfile format, channels mixed down: 0, ENOENT, EBADMSG, EOVERFLOW. */
int audio_read(const char *path, struct audio *a, char *err, size_t errlen);
/* 16-bit mono WAV through a temporary file, fsync and rename. */
int audio_write_wav(const char *path, const struct audio *a, char *err, size_t errlen);
double audio_seconds(const struct audio *a);

#endif
