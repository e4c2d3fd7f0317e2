/*
 * The transcribe job: a recording (an upload kept with the job, or a file) split into its
 * channels, each channel cut into utterances (speech/segment.h), each utterance sent to the
 * backend alone; the result is the dialogue in time order, speaker = channel, with the
 * usage of every call summed into one record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"
#include "jobs/jobs_int.h"
#include "speech/segment.h"

#define SPEAKER_MAX 32

struct utterance {
	unsigned channel;
	double start, end, confidence;
	char *text; /* owned */
};

struct transcribe {
	const struct speech_backend *backend; /* the tenant's asr_backend */
	struct speech_config speech;          /* its settings, with the job's language */
	struct audio ch[AUDIO_MAX_CHANNELS];
	unsigned nch;
	char part[4096];       /* the WAV of the utterance being recognised */
	struct asr_result asr; /* of the last call */
	struct speech_usage u, sum;
	struct utterance *utt; /* owned */
	size_t nutt, cap;
};

static int load(struct exec *x, struct transcribe *t)
{
	const char *path = json_string_value(json_object_get(x->in, "path"));
	char *err = x->o->error;
	size_t el = sizeof(x->o->error);

	if (x->r->data)
		return audio_read_channels_mem(x->r->data, x->r->data_len, t->ch, &t->nch, err, el);
	if (path)
		return audio_read_channels(path, t->ch, &t->nch, err, el);
	snprintf(err, el, "the job has neither an upload nor a file");
	return EINVAL;
}

static int call_part(struct exec *x, char *err, size_t errlen)
{
	struct transcribe *t = x->state;
	int rc;

	asr_result_free(&t->asr);
	rc = speech_transcribe_file(t->backend, &t->speech, t->part, &t->asr, &t->u, err, errlen);
	t->sum.http_attempts += t->u.http_attempts;
	return rc;
}

static void add_utterance(struct transcribe *t, unsigned c, const struct segment *s)
{
	double rate = t->ch[c].rate, start = (double)s->start / rate, end = (double)s->end / rate;
	const struct asr_result *a = &t->asr;

	if (!a->text || !*a->text)
		return;	 /* noise, a cough: nothing said */
	if (a->nwords) { /* the words' own times are closer than the padded segment's */
		start += a->words[0].start;
		end = (double)s->start / rate + a->words[a->nwords - 1].end;
	}
	if (t->nutt == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->utt = xrealloc(t->utt, t->cap * sizeof(*t->utt));
	}
	t->utt[t->nutt++] = (struct utterance){c, start, end, a->confidence, xstrdup(a->text)};
}

/* One utterance: written as a mono WAV, recognised with retries, kept when words came. */
static int run_part(struct exec *x, struct transcribe *t, unsigned c, const struct segment *s)
{
	const struct audio *a = &t->ch[c];
	struct audio view = {a->pcm + s->start, s->end - s->start, a->rate};
	int rc;

	if ((rc = audio_write_wav(t->part, &view, x->o->error, sizeof(x->o->error))))
		return rc;
	if ((rc = jobs_with_retries(x, call_part))) {
		char why[JOBS_MAX_ERROR];
		snprintf(why, sizeof(why), "%s", x->o->error);
		snprintf(x->o->error, sizeof(x->o->error), "channel %u at %.1f s: %.400s", c + 1,
			 (double)s->start / a->rate, why);
		return rc;
	}
	t->sum.recognized_seconds += t->u.recognized_seconds;
	add_utterance(t, c, s);
	return 0;
}

static int run_channels(struct exec *x, struct transcribe *t)
{
	double total = 0, done = 0;
	int rc = 0;

	for (unsigned c = 0; c < t->nch; c++)
		total += audio_seconds(&t->ch[c]);
	for (unsigned c = 0; c < t->nch && !rc && !jobs_is_cancelled(x); c++) {
		struct segment *seg;
		size_t n;
		speech_segments(&t->ch[c], &seg, &n);
		for (size_t i = 0; i < n && !rc && !jobs_is_cancelled(x); i++)
			rc = run_part(x, t, c, &seg[i]);
		free(seg);
		done += audio_seconds(&t->ch[c]);
		jobs_progress(x, 10 + (unsigned)(80 * done / (total > 0 ? total : 1)));
	}
	return rc;
}

static int by_time(const void *p, const void *q)
{
	const struct utterance *a = p, *b = q;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (int)a->channel - (int)b->channel;
}

/* ?speakers= names the channels in order; the others are "channel N". */
static void speaker(const struct exec *x, unsigned c, char *out, size_t size)
{
	const char *s = json_string_value(json_array_get(json_object_get(x->in, "speakers"), c));

	if (s && *s)
		snprintf(out, size, "%s", s);
	else
		snprintf(out, size, "channel %u", c + 1);
}

static void dialogue(const struct exec *x, struct transcribe *t, json_t *res)
{
	json_t *utt = json_array(), *names = json_array();
	struct buf text;
	char who[SPEAKER_MAX + 1];
	double secs = t->nch ? audio_seconds(&t->ch[0]) : 0;

	qsort(t->utt, t->nutt, sizeof(*t->utt), by_time);
	buf_init(&text, 0);
	for (unsigned c = 0; c < t->nch; c++) {
		speaker(x, c, who, sizeof(who));
		json_array_append_new(names, json_string(who));
	}
	for (size_t i = 0; i < t->nutt; i++) {
		const struct utterance *u = &t->utt[i];
		speaker(x, u->channel, who, sizeof(who));
		json_array_append_new(utt, json_pack("{s:i,s:s,s:f,s:f,s:s,s:f}", "channel",
						     (int)u->channel, "speaker", who, "start",
						     u->start, "end", u->end, "text", u->text,
						     "confidence", u->confidence));
		buf_printf(&text, "%s: %s\n", who, u->text);
	}
	json_object_set(res, "format", json_object_get(x->in, "format"));
	json_object_set_new(res, "channels", json_integer(t->nch));
	json_object_set_new(res, "rate", json_integer(t->nch ? t->ch[0].rate : 0));
	json_object_set_new(res, "seconds", json_real(secs));
	json_object_set_new(res, "recognized_seconds", json_real(t->sum.recognized_seconds));
	json_object_set_new(res, "speakers", names);
	json_object_set_new(res, "utterances", utt);
	json_object_set_new(res, "text", json_string(text.data ? text.data : ""));
	buf_free(&text);
}

/* pocketsphinx has the English model only: another language is refused, not misheard. */
static int check_language(struct exec *x, const char *lang)
{
	const struct transcribe *t = x->state;

	if (!lang || !strncmp(lang, "en", 2) || t->backend != &speech_backend_offline)
		return 0;
	snprintf(x->o->error, sizeof(x->o->error),
		 "the offline backend transcribes English only, not '%s'", lang);
	return EINVAL;
}

static void transcribe_free(struct transcribe *t)
{
	for (unsigned c = 0; c < t->nch; c++)
		audio_free(&t->ch[c]);
	for (size_t i = 0; i < t->nutt; i++)
		free(t->utt[i].text);
	free(t->utt);
	asr_result_free(&t->asr);
	unlink(t->part);
	free(t);
}

int jobs_run_transcribe(struct exec *x, json_t *res)
{
	struct transcribe *t = xcalloc(1, sizeof(*t));
	const char *lang = json_string_value(json_object_get(x->in, "language"));
	int rc;

	t->backend = jobs_backend(x, "asr_backend");
	jobs_speech_config(x, t->backend, &t->speech);
	t->speech.language = lang ? lang : t->speech.language;
	t->asr.intent = -1;
	snprintf(t->part, sizeof(t->part), "%s/job-%lld.part.wav", x->cfg->spool_dir,
		 (long long)x->r->id);
	x->state = t;
	mkdir(x->cfg->spool_dir, 0750); /* exists after the first job */
	if (!(rc = check_language(x, t->speech.language)) && !(rc = load(x, t)))
		rc = run_channels(x, t);
	if (!rc && !t->nutt && !jobs_is_cancelled(x)) {
		snprintf(x->o->error, sizeof(x->o->error), "no speech found in the recording");
		rc = ENODATA;
	}
	if (!rc) {
		dialogue(x, t, res);
		x->o->search = jobs_transcript_stems(res); /* indexed with the outcome */
	}
	x->o->has_usage = t->sum.http_attempts || t->sum.recognized_seconds > 0;
	x->o->usage = t->sum;
	x->o->usage.backend = t->backend->name;
	x->o->usage.op = "transcribe";
	x->state = NULL;
	transcribe_free(t);
	return rc;
}
