/* Flite synthesis (English): the Debian voices linked in, serialised, errors caught by longjmp. */
#include <errno.h>
#include <flite/flite.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/chat.h"
#include "speech/normalize.h"
#include "speech/tts.h"

/* The voice libraries have no header: each exports one register function. */
cst_voice *register_cmu_us_kal(const char *voxdir);
cst_voice *register_cmu_us_kal16(const char *voxdir);
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);

struct flite_voice {
	const char *name;
	cst_voice *(*reg)(const char *voxdir);
	cst_voice *v; /* registered on first use, under lock, kept for the process */
};

static struct flite_voice voices[] = {
    {"kal", register_cmu_us_kal, NULL},     /* male diphone, 8 kHz */
    {"kal16", register_cmu_us_kal16, NULL}, /* male diphone, 16 kHz */
    {"slt", register_cmu_us_slt, NULL},     /* female, clustergen */
    {"rms", register_cmu_us_rms, NULL},     /* male, clustergen */
    {"awb", register_cmu_us_awb, NULL},     /* male (Scottish English), clustergen */
};

/* Voices carry their features (duration_stretch) and flite's error jump is a global:
 * one synthesis at a time. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool ready;

const char *tts_flite_voice(const struct tts_voice *v)
{
	if (!v->name || !*v->name)
		return v->female ? "slt" : "rms";
	for (size_t i = 0; i < sizeof(voices) / sizeof(*voices); i++)
		if (!strcmp(voices[i].name, v->name))
			return voices[i].name;
	return NULL;
}

static struct flite_voice *voice_locked(const char *name)
{
	for (size_t i = 0; i < sizeof(voices) / sizeof(*voices); i++) {
		if (strcmp(voices[i].name, name))
			continue;
		if (!voices[i].v)
			voices[i].v = voices[i].reg(NULL);
		return voices[i].v ? &voices[i] : NULL;
	}
	return NULL;
}

/* Flite's own errors call cst_error(), which exits the process unless cst_errjmp is set:
 * it is set around each synthesis, so a failure becomes EIO (what it had allocated leaks). */
static int speak_locked(const char *text, const char *name, unsigned wpm, struct audio *out,
			char *err, size_t errlen)
{
	static jmp_buf jb;
	struct flite_voice *fv;
	cst_wave *volatile w = NULL;

	if (!ready) {
		flite_init();
		ready = true;
	}
	if (!(fv = voice_locked(name))) {
		snprintf(err, errlen, "flite voice %s is not available", name);
		return EINVAL;
	}
	/* flite speaks about 170 words a minute at stretch 1 */
	flite_feat_set_float(fv->v->features, "duration_stretch", wpm ? 170.0f / (float)wpm : 1.0f);
	/* the clustergen voices mix noise from libc rand() into their excitation: reseeded, the
	 * same text gives the same audio every time (nothing else here calls rand()) */
	srand(1);
	cst_errjmp = &jb;
	if (setjmp(jb) == 0)
		w = flite_text_to_wave(text, fv->v);
	cst_errjmp = NULL;
	if (!w) {
		snprintf(err, errlen, "flite (%s) failed", name);
		return EIO;
	}
	out->n = (size_t)cst_wave_num_samples(w);
	out->rate = (unsigned)cst_wave_sample_rate(w);
	out->pcm = xmalloc((out->n ? out->n : 1) * sizeof(int16_t));
	memcpy(out->pcm, cst_wave_samples(w), out->n * sizeof(int16_t));
	delete_wave(w);
	return 0;
}

int tts_flite_synth(const char *text, const struct tts_voice *v, unsigned rate, struct audio *out,
		    char *err, size_t errlen)
{
	const char *name;
	char *spoken;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = tts_check(text, v, rate, err, errlen)))
		return rc;
	name = tts_flite_voice(v);
	spoken = normalize_text("en", text);
	pthread_mutex_lock(&lock);
	rc = speak_locked(spoken, name, v->wpm, out, err, errlen);
	pthread_mutex_unlock(&lock);
	free(spoken);
	return tts_finish(out, rc, rate, err, errlen);
}
