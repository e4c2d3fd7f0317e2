/* pocketsphinx decoding (Debian 5prealpha API): grammar intents and free English transcription. */
#include <errno.h>
#include <pocketsphinx.h>
#include <sphinxbase/jsgf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/asr.h"

#define MODEL_RATE 16000 /* the en-us model is 16 kHz only (feat.params forces -upperf 6800) */
#define FRAMES_PER_SEC 100.0

static ps_decoder_t *decoder_new(const char *dir, bool lm, char *err, size_t errlen)
{
	char hmm[512], dict[512], lmp[512];

	if (!dir)
		dir = ASR_DEFAULT_MODEL;
	snprintf(hmm, sizeof(hmm), "%s/en-us", dir);
	snprintf(dict, sizeof(dict), "%s/cmudict-en-us.dict", dir);
	snprintf(lmp, sizeof(lmp), "%s/en-us.lm.bin", dir);
	cmd_ln_t *cfg = lm ? cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict, "-lm", lmp,
					 "-logfn", "/dev/null", NULL)
			   : cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", hmm, "-dict", dict,
					 "-logfn", "/dev/null", NULL);
	ps_decoder_t *ps = cfg ? ps_init(cfg) : NULL;
	if (cfg)
		cmd_ln_free_r(cfg); /* the decoder keeps its own reference */
	if (!ps)
		snprintf(err, errlen, "pocketsphinx: cannot load the model under %s", dir);
	return ps;
}

/* Every word of the grammar must be in the dictionary, or the search fails obscurely. */
static int check_words(ps_decoder_t *ps, const struct asr_grammar *g, char *err, size_t errlen)
{
	for (size_t i = 0; i < g->nphrases && !g->max_digits; i++) {
		char w[64];
		for (const char *p = g->phrases[i]; *p;) {
			size_t n = strcspn(p, " |");
			if (n && n < sizeof(w)) {
				memcpy(w, p, n);
				w[n] = '\0';
				char *pron = ps_lookup_word(ps, w);
				if (!pron) {
					snprintf(err, errlen, "phrase %zu: \"%s\" is not in the dictionary", i, w);
					return EINVAL;
				}
				ckd_free(pron);
			}
			p += n + (p[n] != '\0');
		}
	}
	return 0;
}

static bool filler(const char *w)
{
	return w[0] == '<' || w[0] == '[' || w[0] == '('; /* <sil>, [NOISE], (NULL) of grammar links */
}

static void collect_words(ps_decoder_t *ps, struct asr_result *r)
{
	logmath_t *lm = ps_get_logmath(ps);
	size_t cap = 0;

	for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
		const char *w = ps_seg_word(seg);
		int sf, ef;
		int32 ascr, lscr, lback;
		if (!w || !*w || filler(w))
			continue;
		ps_seg_frames(seg, &sf, &ef);
		int32 post = ps_seg_prob(seg, &ascr, &lscr, &lback);
		if (r->nwords == cap) {
			cap = cap ? cap * 2 : 16;
			r->words = xrealloc(r->words, cap * sizeof(*r->words));
		}
		/* alternate pronunciations come back as "word(2)" */
		size_t n = strcspn(w, "(");
		r->words[r->nwords++] = (struct asr_word){xstrndup(w, n), sf / FRAMES_PER_SEC,
							  (ef + 1) / FRAMES_PER_SEC,
							  logmath_exp(lm, post)};
	}
}

static int decode(ps_decoder_t *ps, const struct audio *in, double max_seconds, struct asr_result *r,
		  char *err, size_t errlen)
{
	int32 score;

	if (audio_seconds(in) > max_seconds) {
		snprintf(err, errlen, "audio longer than %.0f s", max_seconds);
		return EOVERFLOW;
	}
	struct audio a = {xmalloc((in->n ? in->n : 1) * sizeof(int16_t)), in->n, in->rate};

	memcpy(a.pcm, in->pcm, in->n * sizeof(int16_t));
	if (audio_resample(&a, MODEL_RATE)) {
		audio_free(&a);
		snprintf(err, errlen, "cannot resample %u Hz audio", in->rate);
		return EINVAL;
	}
	r->seconds = audio_seconds(&a);
	/* full_utt: the whole utterance at once, so cepstral mean normalisation sees all of it */
	if (ps_start_utt(ps) < 0 || ps_process_raw(ps, a.pcm, a.n, FALSE, TRUE) < 0 || ps_end_utt(ps) < 0) {
		audio_free(&a);
		snprintf(err, errlen, "pocketsphinx: decoding failed");
		return EIO;
	}
	audio_free(&a);
	const char *hyp = ps_get_hyp(ps, &score);
	r->text = xstrdup(hyp ? hyp : "");
	r->confidence = hyp ? logmath_exp(ps_get_logmath(ps), ps_get_prob(ps)) : 0;
	collect_words(ps, r);
	return 0;
}

static bool is_alternative(const char *phrase, const char *text)
{
	size_t n = strlen(text);
	for (const char *p = phrase; *p;) {
		size_t k = strcspn(p, "|");
		if (k == n && !strncmp(p, text, n))
			return true;
		p += k + (p[k] != '\0');
	}
	return false;
}

static void match_intent(const struct asr_grammar *g, struct asr_result *r)
{
	static const char *const names[] = {"zero", "oh", "one", "two", "three", "four", "five",
					    "six", "seven", "eight", "nine"};
	static const char value[] = "00123456789";

	r->intent = -1;
	if (!g->max_digits) {
		for (size_t i = 0; i < g->nphrases && r->text[0]; i++)
			if (is_alternative(g->phrases[i], r->text))
				r->intent = (int)i;
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->nwords && k < ASR_MAX_DIGITS; i++)
		for (size_t d = 0; d < 11; d++)
			if (!strcmp(r->words[i].word, names[d]))
				r->digits[k++] = value[d];
	r->digits[k] = '\0';
	r->intent = k ? 0 : -1;
}

/* ps_set_jsgf_string of 5prealpha never frees the parsed grammar: build the FSG ourselves. */
static int set_grammar(ps_decoder_t *ps, const char *jsgf_text)
{
	jsgf_t *j = jsgf_parse_string(jsgf_text, NULL);
	jsgf_rule_t *rule = j ? jsgf_get_public_rule(j) : NULL;
	fsg_model_t *fsg = rule ? jsgf_build_fsg(j, rule, ps_get_logmath(ps),
						 (float32)cmd_ln_float32_r(ps_get_config(ps), "-lw"))
			       : NULL;
	int rc = fsg && ps_set_fsg(ps, "intent", fsg) >= 0 && ps_set_search(ps, "intent") >= 0 ? 0 : EINVAL;

	if (fsg)
		fsg_model_free(fsg);
	if (j)
		jsgf_grammar_free(j);
	return rc;
}

int asr_recognize(const struct audio *a, const struct asr_grammar *g, const char *model_dir,
		  struct asr_result *r, char *err, size_t errlen)
{
	struct buf jsgf;
	int rc;

	memset(r, 0, sizeof(*r));
	r->intent = -1;
	buf_init(&jsgf, 0);
	if ((rc = asr_grammar_jsgf(g, &jsgf, err, errlen))) {
		buf_free(&jsgf);
		return rc;
	}
	ps_decoder_t *ps = decoder_new(model_dir, false, err, errlen);
	if (!ps) {
		buf_free(&jsgf);
		return EIO;
	}
	if (!(rc = check_words(ps, g, err, errlen))) {
		if (set_grammar(ps, jsgf.data)) {
			snprintf(err, errlen, "pocketsphinx: the grammar was refused");
			rc = EINVAL;
		}
	}
	if (!rc && !(rc = decode(ps, a, ASR_MAX_GRAMMAR_SECONDS, r, err, errlen)))
		match_intent(g, r);
	ps_free(ps);
	buf_free(&jsgf);
	if (rc)
		asr_result_free(r);
	return rc;
}

int asr_transcribe(const struct audio *a, const char *model_dir, struct asr_result *r, char *err,
		   size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->intent = -1;
	ps_decoder_t *ps = decoder_new(model_dir, true, err, errlen);
	if (!ps)
		return EIO;
	int rc = decode(ps, a, ASR_MAX_TRANSCRIBE_SECONDS, r, err, errlen);
	ps_free(ps);
	if (rc)
		asr_result_free(r);
	return rc;
}

void asr_result_free(struct asr_result *r)
{
	for (size_t i = 0; i < r->nwords; i++)
		free(r->words[i].word);
	free(r->words);
	free(r->text);
	memset(r, 0, sizeof(*r));
	r->intent = -1;
}
