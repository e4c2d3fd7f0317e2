/* Audio files with their channels kept apart, read from a path or from memory through
 * libsndfile's virtual I/O (an uploaded file never touches the disk before it is checked). */
#include <errno.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "speech/audio.h"

struct mem_file {
	const unsigned char *data;
	sf_count_t len, pos;
};

static sf_count_t mem_length(void *arg)
{
	return ((struct mem_file *)arg)->len;
}

static sf_count_t mem_seek(sf_count_t off, int whence, void *arg)
{
	struct mem_file *m = arg;
	sf_count_t to = whence == SEEK_SET ? off : whence == SEEK_CUR ? m->pos + off : m->len + off;

	if (to < 0 || to > m->len)
		return -1;
	return m->pos = to;
}

static sf_count_t mem_read(void *ptr, sf_count_t n, void *arg)
{
	struct mem_file *m = arg;

	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(ptr, m->data + m->pos, (size_t)n);
	m->pos += n;
	return n;
}

static sf_count_t mem_write(const void *ptr, sf_count_t n, void *arg)
{
	return 0; /* read only */
}

static sf_count_t mem_tell(void *arg)
{
	return ((struct mem_file *)arg)->pos;
}

static SF_VIRTUAL_IO mem_io = {mem_length, mem_seek, mem_read, mem_write, mem_tell};

static void format_name(const SF_INFO *info, char *out, size_t size)
{
	SF_FORMAT_INFO fi = {.format = info->format & SF_FORMAT_TYPEMASK};

	if (sf_command(NULL, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.extension)
		snprintf(out, size, "%s", fi.extension);
	else
		snprintf(out, size, "audio");
	if (!strcmp(out, "oga"))
		snprintf(out, size, "ogg");
}

/* The checks every reader makes, with the same messages for a file and an upload. */
static int check_info(SNDFILE *f, const SF_INFO *info, const char *name, char *err, size_t errlen)
{
	if (!f) {
		snprintf(err, errlen, "%s: not an audio file (WAV, Ogg, MP3, FLAC): %s", name,
			 sf_strerror(NULL));
		return EBADMSG;
	}
	if (info->channels < 1 || info->channels > AUDIO_MAX_CHANNELS || info->samplerate < 8000 ||
	    info->samplerate > 192000) {
		snprintf(err, errlen, "%s: %d channels at %d Hz (1 to %d channels, 8 to 192 kHz)",
			 name, info->channels, info->samplerate, AUDIO_MAX_CHANNELS);
		return EBADMSG;
	}
	if (info->frames / info->samplerate > AUDIO_MAX_SECONDS) {
		snprintf(err, errlen, "%s: longer than %d s", name, AUDIO_MAX_SECONDS);
		return EOVERFLOW;
	}
	return 0;
}

int audio_probe_mem(const void *data, size_t len, struct audio_info *info, char *err, size_t errlen)
{
	struct mem_file m = {data, (sf_count_t)len, 0};
	SF_INFO si = {0};
	SNDFILE *f = sf_open_virtual(&mem_io, SFM_READ, &si, &m);
	int rc = check_info(f, &si, "the upload", err, errlen);

	memset(info, 0, sizeof(*info));
	if (!rc) {
		info->channels = (unsigned)si.channels;
		info->rate = (unsigned)si.samplerate;
		info->seconds = (double)si.frames / si.samplerate;
		format_name(&si, info->format, sizeof(info->format));
	}
	if (f)
		sf_close(f);
	return rc;
}

/* De-interleaves the whole file; frames is only a hint (MP3 lengths are estimates). */
static void read_split(SNDFILE *f, const SF_INFO *si, struct audio *ch)
{
	size_t nch = (size_t)si->channels, cap = si->frames > 0 ? (size_t)si->frames : 4096;
	int16_t *buf = xmalloc(4096 * nch * sizeof(int16_t));
	sf_count_t got;

	for (size_t c = 0; c < nch; c++)
		ch[c] = (struct audio){xmalloc(cap * sizeof(int16_t)), 0, (unsigned)si->samplerate};
	while ((got = sf_readf_short(f, buf, 4096)) > 0) {
		if (ch[0].n + (size_t)got > cap) {
			cap = (ch[0].n + (size_t)got) * 2;
			for (size_t c = 0; c < nch; c++)
				ch[c].pcm = xrealloc(ch[c].pcm, cap * sizeof(int16_t));
		}
		for (sf_count_t i = 0; i < got; i++)
			for (size_t c = 0; c < nch; c++)
				ch[c].pcm[ch[c].n + (size_t)i] = buf[(size_t)i * nch + c];
		for (size_t c = 0; c < nch; c++)
			ch[c].n += (size_t)got;
		if (ch[0].n / (size_t)si->samplerate > AUDIO_MAX_SECONDS)
			break; /* a lying header: stop at the cap */
	}
	free(buf);
}

static int read_open(SNDFILE *f, const SF_INFO *si, const char *name, struct audio *ch,
		     unsigned *nch, char *err, size_t errlen)
{
	int rc = check_info(f, si, name, err, errlen);

	*nch = 0;
	if (!rc) {
		read_split(f, si, ch);
		*nch = (unsigned)si->channels;
	}
	if (f)
		sf_close(f);
	return rc;
}

int audio_read_channels(const char *path, struct audio ch[AUDIO_MAX_CHANNELS], unsigned *nch,
			char *err, size_t errlen)
{
	SF_INFO si = {0};

	*nch = 0;
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ENOENT;
	}
	return read_open(sf_open(path, SFM_READ, &si), &si, path, ch, nch, err, errlen);
}

int audio_read_channels_mem(const void *data, size_t len, struct audio ch[AUDIO_MAX_CHANNELS],
			    unsigned *nch, char *err, size_t errlen)
{
	struct mem_file m = {data, (sf_count_t)len, 0};
	SF_INFO si = {0};

	return read_open(sf_open_virtual(&mem_io, SFM_READ, &si, &m), &si, "the upload", ch, nch,
			 err, errlen);
}
