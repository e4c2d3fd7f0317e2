/* Text to speech: espeak-ng voices (ru/en, male/female), telephony WAV output, a file cache. */
#ifndef SPEECH_TTS_H
#define SPEECH_TTS_H

#include <stdbool.h>
#include <stddef.h>

#include "speech/audio.h"

#define TTS_MAX_CHARS 5000u /* longer texts are refused (EOVERFLOW) */

struct tts_voice {
	const char *lang; /* "ru", "en" (British) or "en-us" */
	bool female;
	unsigned wpm;     /* words per minute; 0 = 160 */
	unsigned gap_ms;  /* extra pause between words (digits read one by one), 0 = none */
};

/* Normalises (numbers, dates, ...) and synthesises mono int16 at rate (8000 or 16000).
 * 0, EINVAL (bad voice, rate, UTF-8), EOVERFLOW (too long), EIO (espeak failed).
 * espeak-ng has one global state: calls are serialised by a process-wide lock. */
int tts_espeak_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
		     char *err, size_t errlen);
/* The espeak voice name of v ("ru+f3"), into buf. */
int tts_voice_name(const struct tts_voice *v, char *buf, size_t size);

/* The cache file of (text, voice, rate) in dir: <sha256>.wav. Synthesises and writes it
 * (crash-safe) unless present; *hit says which. path gets the file name. */
int tts_cache_say(const char *dir, const char *text, const struct tts_voice *v, unsigned rate,
		  char *path, size_t pathlen, bool *hit, double *seconds, char *err, size_t errlen);

#endif
