/*
 * The file of a recording, written by the engine's writer thread (one worker, so a file's jobs
 * run in the order they were queued): a WAV (16-bit PCM) at path.tmp with a header whose sizes
 * are patched at the end, chunks appended as the recorder hands them over, then fsync, rename
 * to path and fsync of the directory. A finished recording is always a whole file; a crash
 * leaves at most the .tmp, which media_record_recover() finalises. The first error (a full
 * disk) drops the file: the call goes on, the recording is reported failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/workers.h"
#include "media/engine.h"
#include "media/record.h"

struct media_rec_job {
	struct media_rec_file *f; /* borrowed: the finish job frees it */
	int16_t *pcm;		  /* owned; NULL: silence */
	size_t frames;
};

struct media_rec_file *media_rec_file_new(struct media_engine *m, uint64_t relay_id,
					  unsigned rec_id, const char *path, unsigned rate,
					  unsigned channels)
{
	struct media_rec_file *f = xcalloc(1, sizeof(*f));
	size_t n = strlen(path) + 5;

	f->m = m;
	f->relay_id = relay_id;
	f->rec_id = rec_id;
	f->path = xstrdup(path);
	f->tmp = xmalloc(n);
	snprintf(f->tmp, n, "%s.tmp", path);
	f->rate = rate;
	f->channels = channels;
	f->fd = -1;
	return f;
}

static void media_wav_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void media_wav_header(uint8_t h[MEDIA_WAV_HEADER], unsigned rate, unsigned channels,
			     uint32_t data)
{
	memcpy(h, "RIFF", 4);
	media_wav_put32(h + 4, 36 + data);
	memcpy(h + 8, "WAVEfmt ", 8);
	media_wav_put32(h + 16, 16);
	h[20] = 1; /* PCM */
	h[21] = 0;
	h[22] = (uint8_t)channels;
	h[23] = 0;
	media_wav_put32(h + 24, rate);
	media_wav_put32(h + 28, rate * channels * 2);
	h[32] = (uint8_t)(channels * 2);
	h[33] = 0;
	h[34] = 16;
	h[35] = 0;
	memcpy(h + 36, "data", 4);
	media_wav_put32(h + 40, data);
}

static int media_write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* path's directory and its parent, so a tenant's first recording needs no set-up */
static void media_mkdirs(const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0750) == 0 || errno != ENOENT)
		return;
	char *up = strrchr(dir, '/');
	if (up && up != dir) {
		*up = '\0';
		mkdir(dir, 0750);
		*up = '/';
	}
	mkdir(dir, 0750);
}

static void media_rec_open_fn(void *arg)
{
	struct media_rec_file *f = arg;
	uint8_t h[MEDIA_WAV_HEADER];

	media_mkdirs(f->path);
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (f->fd < 0) {
		f->err = errno;
		return;
	}
	media_wav_header(h, f->rate, f->channels, 0);
	f->err = media_write_all(f->fd, h, sizeof(h));
}

int media_rec_file_open(struct workers *w, struct media_rec_file *f)
{
	return workers_submit(w, media_rec_open_fn, NULL, f);
}

static void media_rec_write_fn(void *arg)
{
	struct media_rec_job *j = arg;
	struct media_rec_file *f = j->f;
	size_t bytes = j->frames * f->channels * sizeof(int16_t);

	if (!f->err && j->pcm) {
		f->err = media_write_all(f->fd, j->pcm, bytes);
	} else if (!f->err) {
		static const int16_t zeros[4096];
		for (size_t left = bytes; left && !f->err;) {
			size_t n = left < sizeof(zeros) ? left : sizeof(zeros);
			f->err = media_write_all(f->fd, zeros, n);
			left -= n;
		}
	}
	if (!f->err)
		f->frames += j->frames;
	free(j->pcm);
	free(j);
}

int media_rec_file_write(struct workers *w, struct media_rec_file *f, int16_t *pcm, size_t frames)
{
	struct media_rec_job *j = xcalloc(1, sizeof(*j));

	*j = (struct media_rec_job){f, pcm, frames};
	int err = workers_submit(w, media_rec_write_fn, NULL, j);
	if (err)
		free(j); /* pcm stays the caller's */
	return err;
}

static void media_fsync_dir(const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The header's sizes, fsync, rename: 0 or an errno. */
static int media_wav_seal(int fd, const char *tmp, const char *path, unsigned rate,
			  unsigned channels, uint64_t data)
{
	uint8_t h[MEDIA_WAV_HEADER];

	media_wav_header(h, rate, channels, (uint32_t)data);
	if (pwrite(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return errno ? errno : EIO;
	if (fsync(fd))
		return errno;
	if (rename(tmp, path))
		return errno;
	media_fsync_dir(path);
	return 0;
}

static void media_rec_finish_fn(void *arg)
{
	struct media_rec_file *f = arg;
	uint64_t data = f->frames * f->channels * 2;

	if (!f->err)
		f->err = media_wav_seal(f->fd, f->tmp, f->path, f->rate, f->channels, data);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->err) {
		unlink(f->tmp);
		log_error("media", "recording %s failed: %s", f->path, strerror(f->err));
	}
}

/* On the control loop: the recording is over, whatever became of the relay. */
static void media_rec_finish_done(void *arg)
{
	struct media_rec_file *f = arg;

	media_engine_recorded(f->m, f->relay_id, f->rec_id, f->err,
			      (unsigned)(f->frames * 1000 / f->rate));
	free(f->path);
	free(f->tmp);
	free(f);
}

int media_rec_file_finish(struct workers *w, struct media_rec_file *f)
{
	return workers_submit(w, media_rec_finish_fn, media_rec_finish_done, f);
}

static uint32_t media_wav_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int media_record_recover(const char *path, unsigned *seconds)
{
	char tmp[4200];
	uint8_t h[MEDIA_WAV_HEADER];
	struct stat st;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) || read(fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    memcmp(h, "RIFF", 4) || memcmp(h + 36, "data", 4) || !h[22] || h[22] > 2 ||
	    !media_wav_get32(h + 24)) {
		/* not even a header: nothing was recorded */
		close(fd);
		unlink(tmp);
		return EBADMSG;
	}
	unsigned channels = h[22], rate = media_wav_get32(h + 24);
	uint64_t data = (uint64_t)st.st_size - MEDIA_WAV_HEADER;
	data -= data % (channels * 2); /* a frame cut in half by the crash */
	int err = ftruncate(fd, (off_t)(MEDIA_WAV_HEADER + data)) ? errno : 0;
	if (!err)
		err = media_wav_seal(fd, tmp, path, rate, channels, data);
	close(fd);
	if (!err && seconds)
		*seconds = (unsigned)(data / (channels * 2) / rate);
	return err;
}
