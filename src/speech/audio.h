/* Speech audio helpers: mono int16 buffers, resampling, WAV files read and written crash-safe. */
#ifndef SPEECH_AUDIO_H
#define SPEECH_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#define AUDIO_MAX_SECONDS 4 * 3600 /* a longer file is refused */
#define AUDIO_MAX_CHANNELS 8

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

/* audio_channels.c: files with their channels kept apart (a stereo call recording holds one
 * party per channel), from a path or from memory (an upload). */
struct audio_info {
	unsigned channels, rate;
	double seconds;
	char format[16]; /* "wav", "ogg", "mp3", "flac", ... */
};
/* Reads only the header: 0, or EBADMSG (not audio libsndfile reads, bad channels or rate),
 * EOVERFLOW (longer than AUDIO_MAX_SECONDS), with err saying which. */
int audio_probe_mem(const void *data, size_t len, struct audio_info *info, char *err,
		    size_t errlen);
/* ch[0..*nch) get the channels (free each with audio_free); errors as audio_read. */
int audio_read_channels(const char *path, struct audio ch[AUDIO_MAX_CHANNELS], unsigned *nch,
			char *err, size_t errlen);
int audio_read_channels_mem(const void *data, size_t len, struct audio ch[AUDIO_MAX_CHANNELS],
			    unsigned *nch, char *err, size_t errlen);

#endif
