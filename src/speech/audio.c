/* Speech audio: speexdsp resampling and libsndfile WAV I/O (writes are temp + fsync + rename). */
#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <speex/speex_resampler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "speech/audio.h"

void audio_free(struct audio *a)
{
	free(a->pcm);
	memset(a, 0, sizeof(*a));
}

double audio_seconds(const struct audio *a)
{
	return a->rate ? (double)a->n / a->rate : 0;
}

/* The resampler's own delay is skipped at the start and flushed with silence at the end, so the
 * output is aligned with the input and as long as it should be. */
int audio_resample(struct audio *a, unsigned rate)
{
	int err;

	if (!a->rate || !rate)
		return EINVAL;
	if (a->rate == rate)
		return 0;
	SpeexResamplerState *st = speex_resampler_init(1, a->rate, rate, 8, &err);
	if (!st)
		return EINVAL;
	speex_resampler_skip_zeros(st);
	size_t lat = (size_t)speex_resampler_get_input_latency(st);
	size_t in_n = a->n + lat, want = (size_t)((uint64_t)a->n * rate / a->rate);
	int16_t *in = xcalloc(in_n, sizeof(int16_t));
	int16_t *out = xcalloc(want + 64, sizeof(int16_t));
	memcpy(in, a->pcm, a->n * sizeof(int16_t));
	size_t done_in = 0, done_out = 0;
	while (done_in < in_n && done_out < want) {
		spx_uint32_t il = (spx_uint32_t)(in_n - done_in > 1 << 20 ? 1 << 20 : in_n - done_in);
		spx_uint32_t ol = (spx_uint32_t)(want + 64 - done_out);
		speex_resampler_process_int(st, 0, in + done_in, &il, out + done_out, &ol);
		if (!il && !ol)
			break;
		done_in += il;
		done_out += ol;
	}
	speex_resampler_destroy(st);
	free(in);
	free(a->pcm);
	a->pcm = out;
	a->n = done_out < want ? done_out : want;
	a->rate = rate;
	return 0;
}

static int read_frames(SNDFILE *f, const SF_INFO *info, struct audio *a)
{
	size_t ch = (size_t)info->channels, frames = (size_t)info->frames;
	int16_t *buf = xmalloc(4096 * ch * sizeof(int16_t));

	a->pcm = xmalloc((frames ? frames : 1) * sizeof(int16_t));
	a->n = 0;
	for (;;) {
		sf_count_t got = sf_readf_short(f, buf, 4096);
		if (got <= 0)
			break;
		for (sf_count_t i = 0; i < got && a->n < frames; i++) {
			long sum = 0;
			for (size_t c = 0; c < ch; c++)
				sum += buf[(size_t)i * ch + c];
			a->pcm[a->n++] = (int16_t)(sum / (long)ch);
		}
	}
	free(buf);
	return 0;
}

int audio_read(const char *path, struct audio *a, char *err, size_t errlen)
{
	SF_INFO info = {0};
	SNDFILE *f;

	memset(a, 0, sizeof(*a));
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ENOENT;
	}
	if (!(f = sf_open(path, SFM_READ, &info))) {
		snprintf(err, errlen, "%s: not a readable audio file (%s)", path, sf_strerror(NULL));
		return EBADMSG;
	}
	if (info.channels < 1 || info.channels > 8 || info.samplerate < 8000 ||
	    info.samplerate > 192000) {
		sf_close(f);
		snprintf(err, errlen, "%s: unsupported channels/rate", path);
		return EBADMSG;
	}
	if (info.frames / info.samplerate > AUDIO_MAX_SECONDS) {
		sf_close(f);
		snprintf(err, errlen, "%s: longer than %d s", path, AUDIO_MAX_SECONDS);
		return EOVERFLOW;
	}
	read_frames(f, &info, a);
	a->rate = (unsigned)info.samplerate;
	sf_close(f);
	return 0;
}

/* The rename itself survives a crash only once the directory is synced too. */
static void sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 1;

	if (n >= sizeof(dir))
		return;
	memcpy(dir, slash ? path : ".", n);
	dir[n ? n : 1] = '\0';
	if (slash == path)
		dir[0] = '/', dir[1] = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int audio_write_wav(const char *path, const struct audio *a, char *err, size_t errlen)
{
	SF_INFO info = {.samplerate = (int)a->rate, .channels = 1,
			.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	char tmp[4096];
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return EINVAL;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return errno;
	}
	SNDFILE *f = sf_open_fd(fd, SFM_WRITE, &info, 0);
	if (!f || sf_write_short(f, a->pcm, (sf_count_t)a->n) != (sf_count_t)a->n) {
		snprintf(err, errlen, "%s: %s", tmp, sf_strerror(f));
		rc = EIO;
	}
	if (f)
		sf_close(f);
	if (!rc && fsync(fd) != 0) {
		rc = errno;
		snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(rc));
	}
	close(fd);
	if (!rc && rename(tmp, path) != 0) {
		rc = errno;
		snprintf(err, errlen, "%s: rename: %s", path, strerror(rc));
	}
	if (rc)
		unlink(tmp);
	else
		sync_dir(path);
	return rc;
}
