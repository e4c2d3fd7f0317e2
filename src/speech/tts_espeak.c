/* espeak-ng synthesis in synchronous mode, serialised (the library keeps global state). */
#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/chat.h"
#include "speech/normalize.h"
#include "speech/tts.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool ready;
static int espeak_rate;
static struct audio *collect; /* the buffer of the synthesis in progress, under lock */
static size_t collect_cap;

static int on_samples(short *wav, int n, espeak_EVENT *events)
{
	if (!wav || n <= 0 || !collect)
		return 0;
	if (collect->n + (size_t)n > collect_cap) {
		collect_cap = (collect->n + (size_t)n) * 2;
		collect->pcm = xrealloc(collect->pcm, collect_cap * sizeof(int16_t));
	}
	memcpy(collect->pcm + collect->n, wav, (size_t)n * sizeof(int16_t));
	collect->n += (size_t)n;
	return 0;
}

static int init_locked(char *err, size_t errlen)
{
	if (ready)
		return 0;
	espeak_ng_InitializePath(NULL);
	espeak_ng_STATUS st = espeak_ng_Initialize(NULL);
	if (st == ENS_OK)
		st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
	if (st != ENS_OK) {
		char msg[256];
		espeak_ng_GetStatusCodeMessage(st, msg, sizeof(msg));
		snprintf(err, errlen, "espeak-ng init: %s", msg);
		return EIO;
	}
	espeak_SetSynthCallback(on_samples);
	espeak_rate = espeak_ng_GetSampleRate();
	ready = true;
	return 0;
}

static int speak_locked(const char *text, const char *voice, const struct tts_voice *v,
			struct audio *out, char *err, size_t errlen)
{
	char msg[256];
	espeak_ng_STATUS st = espeak_ng_SetVoiceByName(voice);

	if (st == ENS_OK)
		st = espeak_ng_SetParameter(espeakRATE, (int)(v->wpm ? v->wpm : 160), 0);
	/* the word gap is in units of 10 ms; it is global state, so set on every call */
	if (st == ENS_OK)
		st = espeak_ng_SetParameter(espeakWORDGAP, (int)(v->gap_ms > 2000 ? 200 : v->gap_ms / 10), 0);
	collect = out;
	collect_cap = 0;
	if (st == ENS_OK)
		st = espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
					  NULL, NULL);
	if (st == ENS_OK)
		st = espeak_ng_Synchronize();
	collect = NULL;
	if (st != ENS_OK) {
		espeak_ng_GetStatusCodeMessage(st, msg, sizeof(msg));
		snprintf(err, errlen, "espeak-ng (%s): %s", voice, msg);
		audio_free(out);
		return st == ENS_VOICE_NOT_FOUND ? EINVAL : EIO;
	}
	out->rate = (unsigned)espeak_rate;
	return 0;
}

int tts_espeak_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
		     char *err, size_t errlen)
{
	char voice[32];
	char *spoken;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = tts_check(text, v, rate, err, errlen)))
		return rc;
	if (tts_is_flite(v)) {
		snprintf(err, errlen, "not an espeak voice");
		return EINVAL;
	}
	tts_voice_name(v, voice, sizeof(voice));
	spoken = normalize_text(v->lang, text);
	pthread_mutex_lock(&lock);
	rc = init_locked(err, errlen);
	if (!rc)
		rc = speak_locked(spoken, voice, v, out, err, errlen);
	pthread_mutex_unlock(&lock);
	free(spoken);
	return tts_finish(out, rc, rate, err, errlen);
}
