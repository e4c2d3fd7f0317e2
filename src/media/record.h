/*
 * Internal to media/: call recording. The recorder (record.c) lives in the media thread: it
 * decodes what each side sends, places it on one timeline by RTP timestamps and arrival time,
 * and hands whole chunks of stereo PCM to the writer (record_file.c), one worker thread that
 * owns the file: a temp file, written in chunks, fsynced and renamed when the recording stops.
 */
#ifndef MEDIA_RECORD_H
#define MEDIA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/rtp.h"

struct media_codec;
struct media_engine;
struct media_pcm;
struct workers;

/*
 * MEDIA_REC_CHUNK_MS: what one write hands over; MEDIA_REC_SLOTS chunks are kept in memory;
 * MEDIA_REC_LAG_MS: how late a packet may come and still be placed (a chunk goes to the writer
 * once the timeline is this far past it); MEDIA_REC_AHEAD_MS/_BEHIND_MS: how far a packet's
 * timestamp may put it from its arrival before the side is anchored again (a clock that runs
 * fast or slow, a jump); MEDIA_REC_MAX_S: the longest recording (a WAV's sizes are 32 bits).
 */
enum {
	MEDIA_REC_CHUNK_MS = 500,
	MEDIA_REC_SLOTS = 8,
	MEDIA_REC_LAG_MS = 1000,
	MEDIA_REC_AHEAD_MS = 300,
	MEDIA_REC_BEHIND_MS = 1000,
	MEDIA_REC_MAX_S = 4 * 3600,
	MEDIA_WAV_HEADER = 44,
};

/* The file of one recording: shared by the recorder and the writer's jobs, in order. */
struct media_rec_file {
	struct media_engine *m; /* borrowed */
	uint64_t relay_id;
	unsigned rec_id;
	char *path, *tmp; /* owned */
	unsigned rate, channels;
	/* the writer thread's */
	int fd;
	int err;	 /* the first error: later writes are skipped, the file is dropped */
	uint64_t frames; /* written */
};

struct media_rec_file *media_rec_file_new(struct media_engine *m, uint64_t relay_id,
					  unsigned rec_id, const char *path, unsigned rate,
					  unsigned channels);
/* Writer jobs, any thread, in order: open (now), chunks, finish (the file is gone after it).
 * pcm NULL: frames of silence. pcm is owned by the job. EOVERFLOW: the writer is full. */
int media_rec_file_open(struct workers *w, struct media_rec_file *f);
int media_rec_file_write(struct workers *w, struct media_rec_file *f, int16_t *pcm, size_t frames);
int media_rec_file_finish(struct workers *w, struct media_rec_file *f);

struct media_rec_side {
	const struct media_codec *codec; /* borrowed (the table): what dec decodes */
	void *dec;			 /* owned */
	void *rs;			 /* owned SpeexResamplerState; NULL: the rates match */
	bool anchored;
	uint32_t ssrc, anchor_ts, next_ts;
	int64_t anchor_pos, next_pos; /* frames since the start */
};

/* Built on the control thread, then the media thread's. */
struct media_rec {
	struct media_rec_file *f; /* passed to the writer with the last job */
	unsigned rate, channels;
	uint64_t start_ms; /* the media loop's time at attach */
	bool started;
	size_t chunk;  /* frames per chunk */
	int16_t *ring; /* owned: MEDIA_REC_SLOTS chunks of stereo frames */
	bool dirty[MEDIA_REC_SLOTS];
	int64_t written; /* frames handed over, a multiple of chunk */
	int64_t silence; /* clean chunks not handed over yet */
	int64_t max;	 /* frames at most */
	bool full;	 /* reached max: finished */
	struct media_rec_side side[2];
};

struct media_rec *media_rec_new(struct media_rec_file *f);
/* The media thread: one RTP packet of side's audio (codec as the side uses it). */
void media_rec_feed(struct media_rec *rec, int side, const struct media_codec *codec,
		    const struct rtp_header *h, const uint8_t *pkt, uint64_t now_ms,
		    struct media_pcm *scratch, struct workers *w);
/* Hands what is left (up to now) to the writer, finishes the file and frees rec. */
void media_rec_finish(struct media_rec *rec, uint64_t now_ms, struct workers *w);
/* rec without a file job (a relay freed before its recorder was attached). */
void media_rec_destroy(struct media_rec *rec);
/* True once rec reached its longest length (the relay then finishes it). */
bool media_rec_full(const struct media_rec *rec);

#endif
