/* The TTS interface: voice names and checks shared by the engines, and the choice of engine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "speech/chat.h"
#include "speech/tts.h"

bool tts_is_flite(const struct tts_voice *v)
{
	return v->engine && !strcmp(v->engine, "flite");
}

static bool engine_known(const struct tts_voice *v)
{
	return !v->engine || !*v->engine || !strcmp(v->engine, "espeak") || tts_is_flite(v);
}

static bool lang_known(const char *lang)
{
	return lang && (!strcmp(lang, "ru") || !strcmp(lang, "en") || !strcmp(lang, "en-us"));
}

int tts_voice_name(const struct tts_voice *v, char *buf, size_t size)
{
	if (!v || !lang_known(v->lang) || !engine_known(v))
		return EINVAL;
	if (tts_is_flite(v)) {
		const char *name = tts_flite_voice(v);
		if (!strcmp(v->lang, "ru") || !name)
			return EINVAL;
		snprintf(buf, size, "flite/%s", name);
		return 0;
	}
	/* +f3 and +m3 are the clearest female and male variants (median F0 212 / 107 Hz) */
	snprintf(buf, size, "%s+%s", v->lang, v->female ? "f3" : "m3");
	return 0;
}

static void explain_voice(const struct tts_voice *v, char *err, size_t errlen)
{
	if (!v || !lang_known(v->lang))
		snprintf(err, errlen, "unknown language '%s' (ru, en, en-us)",
			 v && v->lang ? v->lang : "");
	else if (!engine_known(v))
		snprintf(err, errlen, "unknown TTS engine '%s' (espeak, flite)", v->engine);
	else if (!strcmp(v->lang, "ru"))
		snprintf(err, errlen, "flite speaks English only");
	else
		snprintf(err, errlen, "unknown flite voice '%s' (kal, kal16, slt, rms, awb)", v->name);
}

int tts_check(const char *text, const struct tts_voice *v, unsigned rate, char *err, size_t errlen)
{
	char voice[32];
	size_t len;

	if (tts_voice_name(v, voice, sizeof(voice))) {
		explain_voice(v, err, errlen);
		return EINVAL;
	}
	if (!text || (rate != 8000 && rate != 16000)) {
		snprintf(err, errlen, "bad text or rate (8000 or 16000)");
		return EINVAL;
	}
	len = strlen(text);
	if (len > TTS_MAX_CHARS * 4) {
		snprintf(err, errlen, "text too long");
		return EOVERFLOW;
	}
	if (!chat_utf8_valid(text, len)) {
		snprintf(err, errlen, "text is not UTF-8");
		return EINVAL;
	}
	return 0;
}

/* Flite answers an empty or punctuation-only text with a quarter second of silence. */
static bool silent(const struct audio *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->pcm[i] > 327 || a->pcm[i] < -327) /* 1 % of full scale */
			return false;
	return true;
}

int tts_finish(struct audio *out, int rc, unsigned rate, char *err, size_t errlen)
{
	if (!rc && silent(out)) {
		snprintf(err, errlen, "nothing to say");
		rc = EINVAL;
	}
	if (!rc && (rc = audio_resample(out, rate)))
		snprintf(err, errlen, "resampling to %u Hz failed", rate);
	if (rc)
		audio_free(out);
	return rc;
}

int tts_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
	      char *err, size_t errlen)
{
	if (v && tts_is_flite(v))
		return tts_flite_synth(text, v, rate, out, err, errlen);
	return tts_espeak_synth(text, v, rate, out, err, errlen);
}
