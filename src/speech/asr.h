/* Speech recognition with pocketsphinx: grammar intents (phrases, yes/no, digits) and free English. */
#ifndef SPEECH_ASR_H
#define SPEECH_ASR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "speech/audio.h"

#define ASR_MAX_PHRASES 64
#define ASR_MAX_DIGITS 16
#define ASR_MAX_GRAMMAR_SECONDS 120  /* an answer to one question; longer audio is refused */
#define ASR_MAX_TRANSCRIBE_SECONDS 3600
#define ASR_DEFAULT_MODEL "/usr/share/pocketsphinx/model/en-us"

struct asr_word {
	char *word; /* owned */
	double start, end; /* seconds from the start of the audio */
	double confidence; /* posterior probability, 0..1 */
};

struct asr_result {
	char *text;  /* owned: the hypothesis, "" when nothing was heard */
	struct asr_word *words; /* owned */
	size_t nwords;
	double confidence; /* utterance posterior; ~1.0 for grammars: not a rejection score */
	double seconds;    /* audio length recognised (billing) */
	int intent;        /* phrase index for grammars, -1 none */
	char digits[ASR_MAX_DIGITS + 1]; /* digit grammar: "123" */
};

/* What to listen for. Each phrase may list alternatives with '|': "yes|yeah|sure". */
struct asr_grammar {
	const char *const *phrases;
	size_t nphrases;
	unsigned max_digits; /* > 0: a digit string grammar instead of phrases */
};

extern const struct asr_grammar asr_yes_no;

/* JSGF text of a grammar; EINVAL with err naming the phrase for a bad one. */
int asr_grammar_jsgf(const struct asr_grammar *g, struct buf *out, char *err, size_t errlen);
/* Audio at any rate (8 kHz telephone audio is upsampled to the model's 16 kHz first).
 * model_dir NULL = ASR_DEFAULT_MODEL. 0, EINVAL (grammar, word not in dictionary), EIO,
 * EOVERFLOW (longer than ASR_MAX_GRAMMAR_SECONDS / ASR_MAX_TRANSCRIBE_SECONDS). */
int asr_recognize(const struct audio *a, const struct asr_grammar *g, const char *model_dir,
		  struct asr_result *r, char *err, size_t errlen);
int asr_transcribe(const struct audio *a, const char *model_dir, struct asr_result *r, char *err,
		   size_t errlen);
void asr_result_free(struct asr_result *r);

#endif
