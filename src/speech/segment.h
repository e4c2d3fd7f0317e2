/* Utterances in one channel of a recording: where someone speaks, found by frame energy. */
#ifndef SPEECH_SEGMENT_H
#define SPEECH_SEGMENT_H

#include <stddef.h>

#include "speech/audio.h"

#define SEGMENT_MAX_SECONDS 30.0 /* longer speech is cut (short-audio APIs take 30 s) */

struct segment {
	size_t start, end; /* samples [start, end) of the channel */
};

/* The utterances of a, in order (*out owned, NULL when there are none: silence). A frame is
 * speech when it is 12 dB over the channel's noise floor (at most 15 dB under its voice) and
 * over -45 dBFS; pauses under
 * 0.8 s stay inside one utterance; each is padded by 0.2 s and at most SEGMENT_MAX_SECONDS. */
void speech_segments(const struct audio *a, struct segment **out, size_t *n);

#endif
