/* Text to speech: espeak-ng (ru/en, male/female) and Flite (en) voices, telephony WAV, a cache. */
#ifndef SPEECH_TTS_H
#define SPEECH_TTS_H

#include <stdbool.h>
#include <stddef.h>

#include "speech/audio.h"

#define TTS_MAX_CHARS 5000u /* longer texts are refused (EOVERFLOW) */

struct tts_voice {
	const char *lang; /* "ru", "en" (British) or "en-us" */
	bool female;
	unsigned wpm;     /* words per minute; 0 = the engine's own (espeak 160, flite ~170) */
	unsigned gap_ms;  /* espeak: extra pause between words (digits read one by one), 0 = none */
	const char *engine; /* NULL or "espeak", "flite" (English only) */
	const char *name;   /* flite voice: kal, kal16, slt, rms, awb; NULL: slt (female), rms */
};

/* Normalises (numbers, dates, ...) and synthesises mono int16 at rate (8000 or 16000) with
 * the voice's engine. 0, EINVAL (bad voice, rate, UTF-8, a language the engine lacks),
 * EOVERFLOW (too long), EIO (the engine failed). */
int tts_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
	      char *err, size_t errlen);

/* The engines behind it, with the same contract. espeak-ng has one global state: calls are
 * serialised by a process-wide lock. */
int tts_espeak_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
		     char *err, size_t errlen);
/* Flite has one global error jump and per-voice features: serialised by its own lock. */
int tts_flite_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
		    char *err, size_t errlen);
/* The engine's name of v ("ru+f3", "flite/slt") into buf; EINVAL for a voice no engine has. */
int tts_voice_name(const struct tts_voice *v, char *buf, size_t size);
bool tts_is_flite(const struct tts_voice *v);
/* The flite voice v names (its gender's default without a name), or NULL if unknown. */
const char *tts_flite_voice(const struct tts_voice *v);

/* Shared by the engines: the request's checks (err says which failed), and the end of a
 * synthesis (nothing said is EINVAL, resampling to rate; out freed on failure). */
int tts_check(const char *text, const struct tts_voice *v, unsigned rate, char *err, size_t errlen);
int tts_finish(struct audio *out, int rc, unsigned rate, char *err, size_t errlen);

/* The cache file of (text, voice, rate) in dir: <sha256>.wav. Synthesises and writes it
 * (crash-safe) unless present; *hit says which. path gets the file name. */
int tts_cache_say(const char *dir, const char *text, const struct tts_voice *v, unsigned rate,
		  char *path, size_t pathlen, bool *hit, double *seconds, char *err, size_t errlen);

#endif
