/*
 * The recorder of one relay, in its media thread: each side's RTP decoded by a decoder of its
 * own (the relay may pass the packets unchanged, and a transcoder's PCM is at the other side's
 * rate and behind its jitter buffer), resampled to the recording's rate and written into a
 * ring of stereo frames (left: side A, right: side B) at the position its timestamp gives.
 * A side is anchored at its first packet: position = arrival time since the start; later
 * packets go where their timestamps say (a lost packet leaves silence, a reordered one finds
 * its place), and a side whose timestamps stray too far from the arrival times is anchored
 * again. Chunks the timeline has left behind by MEDIA_REC_LAG_MS go to the writer thread, so
 * the packet path never touches the file; chunks nobody wrote into go as a count of silence.
 */
#include <speex/speex_resampler.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "media/codec.h"
#include "media/record.h"
#include "media/transcode.h"

struct media_rec *media_rec_new(struct media_rec_file *f)
{
	struct media_rec *rec = xcalloc(1, sizeof(*rec));

	rec->f = f;
	rec->rate = f->rate;
	rec->channels = f->channels;
	rec->chunk = (size_t)f->rate * MEDIA_REC_CHUNK_MS / 1000;
	rec->ring = xcalloc(rec->chunk * MEDIA_REC_SLOTS * 2, sizeof(*rec->ring));
	rec->max = (int64_t)f->rate * MEDIA_REC_MAX_S;
	return rec;
}

static void media_rec_side_clear(struct media_rec_side *s)
{
	if (s->codec && s->codec->dec_free)
		s->codec->dec_free(s->dec);
	if (s->rs)
		speex_resampler_destroy(s->rs);
	memset(s, 0, sizeof(*s));
}

void media_rec_destroy(struct media_rec *rec)
{
	if (!rec)
		return;
	for (int i = 0; i < 2; i++)
		media_rec_side_clear(&rec->side[i]);
	free(rec->ring);
	free(rec);
}

bool media_rec_full(const struct media_rec *rec)
{
	return rec->full;
}

/* Frames of the timeline at now_ms. */
static int64_t media_rec_now(const struct media_rec *rec, uint64_t now_ms)
{
	return (int64_t)(now_ms - rec->start_ms) * rec->rate / 1000;
}

/* Chunk slot as the file wants it: both channels, or side A's alone. */
static int16_t *media_rec_take(struct media_rec *rec, size_t slot, size_t frames)
{
	const int16_t *src = rec->ring + slot * rec->chunk * 2;
	int16_t *out = xmalloc(frames * rec->channels * sizeof(*out));

	if (rec->channels == 2) {
		memcpy(out, src, frames * 2 * sizeof(*out));
	} else {
		for (size_t i = 0; i < frames; i++)
			out[i] = src[2 * i];
	}
	return out;
}

static void media_rec_submit(struct media_rec *rec, int16_t *pcm, size_t frames, struct workers *w)
{
	if (media_rec_file_write(w, rec->f, pcm, frames)) {
		free(pcm);
		log_warn("media", "relay %llu: recording writer full, %zu frames lost",
			 (unsigned long long)rec->f->relay_id, frames);
	}
}

/* Silence counted so far goes first: the file keeps the timeline. */
static void media_rec_submit_silence(struct media_rec *rec, struct workers *w)
{
	if (rec->silence)
		media_rec_submit(rec, NULL, (size_t)rec->silence, w);
	rec->silence = 0;
}

/* Every whole chunk before frame target goes to the writer. */
static void media_rec_flush(struct media_rec *rec, int64_t target, struct workers *w)
{
	if (target > rec->max)
		target = rec->max;
	while (rec->written + (int64_t)rec->chunk <= target) {
		size_t slot = (size_t)(rec->written / (int64_t)rec->chunk) % MEDIA_REC_SLOTS;
		if (rec->dirty[slot]) {
			media_rec_submit_silence(rec, w);
			media_rec_submit(rec, media_rec_take(rec, slot, rec->chunk), rec->chunk, w);
			memset(rec->ring + slot * rec->chunk * 2, 0,
			       rec->chunk * 2 * sizeof(*rec->ring));
			rec->dirty[slot] = false;
		} else {
			rec->silence += (int64_t)rec->chunk;
		}
		rec->written += (int64_t)rec->chunk;
	}
	if (rec->written >= rec->max)
		rec->full = true;
}

/* The decoder (and resampler) for the side's codec, made again when the codec changes. */
static void media_rec_side_codec(struct media_rec *rec, struct media_rec_side *s,
				 const struct media_codec *c)
{
	if (s->codec == c)
		return;
	media_rec_side_clear(s);
	s->codec = c;
	s->dec = c->dec_new ? c->dec_new() : NULL;
	if (c->pcm_rate != rec->rate) {
		int err;
		s->rs = speex_resampler_init(1, c->pcm_rate, rec->rate, 3, &err);
		if (!s->rs)
			abort(); /* fixed, valid rates: only malloc fails */
	}
}

/* Where the packet's first sample goes on the timeline. */
static int64_t media_rec_place(struct media_rec *rec, struct media_rec_side *s,
			       const struct rtp_header *h, int64_t now)
{
	int64_t pos;

	if (s->anchored && h->ssrc == s->ssrc && h->ts == s->next_ts)
		pos = s->next_pos; /* the next packet: no rounding between them */
	else if (s->anchored && h->ssrc == s->ssrc)
		pos = s->anchor_pos + (int64_t)(int32_t)(h->ts - s->anchor_ts) * rec->rate /
					  (int64_t)s->codec->rate;
	else
		pos = INT64_MIN;
	if (pos > now + (int64_t)rec->rate * MEDIA_REC_AHEAD_MS / 1000 ||
	    pos < now - (int64_t)rec->rate * MEDIA_REC_BEHIND_MS / 1000) {
		s->anchored = true;
		s->ssrc = h->ssrc;
		s->anchor_ts = h->ts;
		s->anchor_pos = pos = now;
	}
	return pos;
}

static void media_rec_put(struct media_rec *rec, int side, int64_t pos, const int16_t *pcm,
			  size_t n)
{
	int64_t end = rec->written + (int64_t)(rec->chunk * MEDIA_REC_SLOTS);
	size_t ring = rec->chunk * MEDIA_REC_SLOTS;

	for (size_t i = 0; i < n; i++, pos++) {
		if (pos < rec->written || pos >= end)
			continue; /* too late for the file, or beyond what the ring holds */
		size_t at = (size_t)pos % ring;
		rec->ring[2 * at + (size_t)side] = pcm[i];
		rec->dirty[at / rec->chunk] = true;
	}
}

void media_rec_feed(struct media_rec *rec, int side, const struct media_codec *codec,
		    const struct rtp_header *h, const uint8_t *pkt, uint64_t now_ms,
		    struct media_pcm *scratch, struct workers *w)
{
	struct media_rec_side *s = &rec->side[side];

	if (!codec || rec->full || h->payload_len == 0)
		return;
	if (!rec->started) {
		rec->started = true;
		rec->start_ms = now_ms;
	}
	media_rec_side_codec(rec, s, codec);
	int n = codec->decode(s->dec, scratch->dec, media_codec_samples(codec, MEDIA_PTIME_MAX),
			      pkt + h->header_len, h->payload_len);
	if (n <= 0)
		return; /* not audio the decoder takes: silence there */
	const int16_t *pcm = scratch->dec;
	spx_uint32_t in_len = (spx_uint32_t)n, out_len = (spx_uint32_t)n;
	if (s->rs) {
		out_len = (spx_uint32_t)(sizeof(scratch->res) / sizeof(scratch->res[0]));
		speex_resampler_process_int(s->rs, 0, scratch->dec, &in_len, scratch->res,
					    &out_len);
		pcm = scratch->res;
	}
	int64_t now = media_rec_now(rec, now_ms);
	media_rec_flush(rec, now - (int64_t)rec->rate * MEDIA_REC_LAG_MS / 1000, w);
	int64_t pos = media_rec_place(rec, s, h, now);
	media_rec_put(rec, side, pos, pcm, out_len);
	s->next_pos = pos + (int64_t)out_len;
	s->next_ts = h->ts + (uint32_t)((uint64_t)(unsigned)n * codec->rate / codec->pcm_rate);
}

void media_rec_finish(struct media_rec *rec, uint64_t now_ms, struct workers *w)
{
	if (!rec->started) {
		rec->started = true;
		rec->start_ms = now_ms;
	}
	int64_t end = media_rec_now(rec, now_ms);
	if (end > rec->max)
		end = rec->max;
	media_rec_flush(rec, end, w);
	if (end > rec->written) {
		/* the last, partial chunk */
		size_t slot = (size_t)(rec->written / (int64_t)rec->chunk) % MEDIA_REC_SLOTS;
		size_t frames = (size_t)(end - rec->written);
		if (rec->dirty[slot]) {
			media_rec_submit_silence(rec, w);
			media_rec_submit(rec, media_rec_take(rec, slot, frames), frames, w);
		} else {
			rec->silence += (int64_t)frames;
		}
	}
	media_rec_submit_silence(rec, w);
	if (media_rec_file_finish(w, rec->f)) {
		/* the temp file stays: start-up finalises it */
		log_error("media", "relay %llu: recording %s not finished (writer stopped)",
			  (unsigned long long)rec->f->relay_id, rec->f->path);
	}
	rec->f = NULL;
	media_rec_destroy(rec);
}
