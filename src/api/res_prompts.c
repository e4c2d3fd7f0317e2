/*
 * A tenant's prompts (what scenarios play) over the API: upload any audio libsndfile reads
 * (WAV, FLAC, Ogg/Vorbis or Opus, MP3) as the body of PUT /api/v1/prompts/NAME, stored once
 * as 16-bit mono WAV at its own rate in <data_dir>/prompts/<tenant id>/NAME.wav (temp file,
 * fsync, rename: a call never reads half a file), list them, download one, delete one. A
 * body that is not audio, longer than 10 minutes or over the tenant's quota is refused
 * with a clear message. The files are written on the store thread, after authentication.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_int.h"
#include "core/mem.h"
#include "http/http.h"

enum { PROMPT_MAX_S = 600, PROMPT_NAME_MAX = 64 };

struct prompt_job {
	char name[PROMPT_NAME_MAX + 1];
	const char *data; /* borrowed from the request (PUT) or owned (GET: owned is set) */
	char *owned;
	size_t len;
};

static bool prompt_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n <= PROMPT_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n &&
	       !strstr(name, ".wav");
}

static void tenant_dir(const struct api_ctx *c, char *out, size_t size)
{
	snprintf(out, size, "%s/%lld", c->api->prompts_dir, (long long)c->scope);
}

/* ---- reading the upload from memory ---- */

struct mem_file {
	const unsigned char *p;
	sf_count_t len, pos;
};

static sf_count_t mem_len(void *u)
{
	return ((struct mem_file *)u)->len;
}

static sf_count_t mem_seek(sf_count_t off, int whence, void *u)
{
	struct mem_file *m = u;
	sf_count_t to = whence == SEEK_SET ? off : whence == SEEK_CUR ? m->pos + off : m->len + off;

	if (to < 0 || to > m->len)
		return -1;
	return m->pos = to;
}

static sf_count_t mem_read(void *ptr, sf_count_t n, void *u)
{
	struct mem_file *m = u;

	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(ptr, m->p + m->pos, (size_t)n);
	m->pos += n;
	return n;
}

static sf_count_t mem_write(const void *ptr, sf_count_t n, void *u)
{
	return 0;
}

static sf_count_t mem_tell(void *u)
{
	return ((struct mem_file *)u)->pos;
}

/* The upload as mono 16-bit samples: 0, or an error reply made. */
static int decode(struct api_ctx *c, const struct prompt_job *j, short **pcm, sf_count_t *n,
		  int *rate)
{
	SF_VIRTUAL_IO io = { mem_len, mem_seek, mem_read, mem_write, mem_tell };
	struct mem_file m = { (const unsigned char *)j->data, (sf_count_t)j->len, 0 };
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open_virtual(&io, SFM_READ, &info, &m);

	if (!f || info.channels < 1 || info.channels > 8 || info.samplerate < 8000 ||
	    info.samplerate > 192000 || info.frames <= 0) {
		if (f)
			sf_close(f);
		api_fail(c, 415, "not_audio", "the body is not audio in a format we read (WAV, FLAC, "
					      "Ogg, MP3)");
		return EBADMSG;
	}
	if (info.frames > (sf_count_t)info.samplerate * PROMPT_MAX_S) {
		sf_close(f);
		api_fail(c, 413, "too_long", "a prompt is at most %d minutes", PROMPT_MAX_S / 60);
		return EOVERFLOW;
	}
	short *all = xmalloc((size_t)info.frames * (size_t)info.channels * sizeof(short));
	sf_count_t got = sf_readf_short(f, all, info.frames);
	sf_close(f);
	for (sf_count_t i = 0; i < got; i++) { /* channels mixed down, in place */
		int sum = 0;
		for (int ch = 0; ch < info.channels; ch++)
			sum += all[i * info.channels + ch];
		all[i] = (short)(sum / info.channels);
	}
	if (got <= 0) {
		free(all);
		api_fail(c, 415, "not_audio", "the audio in the body has no samples");
		return EBADMSG;
	}
	*pcm = all;
	*n = got;
	*rate = info.samplerate;
	return 0;
}

/* Bytes the tenant's prompts take now, without the one being replaced. */
static long long dir_bytes(const char *dir, const char *except)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long total = 0;
	char path[4400];
	struct stat st;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, except))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			total += st.st_size;
	}
	closedir(d);
	return total;
}

/* path written whole or not at all: a temp file, fsync, rename, fsync of the directory. */
static int write_wav(const char *dir, const char *path, const short *pcm, sf_count_t n, int rate)
{
	char tmp[4300];
	SF_INFO info = { .samplerate = rate, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
	int fd, err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0)
		return errno;
	SNDFILE *f = sf_open_fd(fd, SFM_WRITE, &info, 0);
	if (!f) {
		close(fd);
		unlink(tmp);
		return EIO;
	}
	if (sf_writef_short(f, pcm, n) != n)
		err = EIO;
	sf_write_sync(f);
	sf_close(f);
	if (!err && ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd)))
		err = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static json_t *prompt_json(const char *name, const char *path)
{
	SF_INFO info = { 0 };
	SNDFILE *f = sf_open(path, SFM_READ, &info);
	struct stat st;
	json_t *o;

	if (f)
		sf_close(f);
	if (stat(path, &st))
		return NULL;
	o = json_pack("{s:s,s:I,s:I,s:f,s:I}", "name", name, "bytes", (json_int_t)st.st_size,
		      "rate", (json_int_t)info.samplerate,
		      "seconds", info.samplerate ? (double)info.frames / info.samplerate : 0.0,
		      "updated_at", (json_int_t)st.st_mtime);
	return o;
}

static bool need_tenant(struct api_ctx *c)
{
	if (c->scope)
		return true;
	api_fail(c, 400, "invalid_query", "the platform operator names the tenant with ?tenant_id=");
	return false;
}

static void put_op(struct db *db, struct api_ctx *c)
{
	struct prompt_job *j = c->extra;
	char dir[4096], path[4200], file[PROMPT_NAME_MAX + 8];
	short *pcm;
	sf_count_t n;
	int rate, err;

	if (!need_tenant(c) || decode(c, j, &pcm, &n, &rate))
		return;
	tenant_dir(c, dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s.wav", j->name);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	long long quota = (long long)c->api->prompts_quota_mb << 20;
	if (dir_bytes(dir, file) + (long long)n * 2 + 44 > quota) {
		free(pcm);
		api_fail(c, 413, "quota", "the tenant's prompts would take more than %u MB",
			 c->api->prompts_quota_mb);
		return;
	}
	mkdir(c->api->prompts_dir, 0750);
	mkdir(dir, 0750);
	bool existed = access(path, F_OK) == 0;
	err = write_wav(dir, path, pcm, n, rate);
	free(pcm);
	if (err) {
		api_fail(c, 507, "storage", "the prompt cannot be stored: %s", strerror(err));
		return;
	}
	c->result = prompt_json(j->name, path);
	api_audit(db, c, c->scope, existed ? "update" : "create", "prompt", j->name, NULL, c->result);
	c->status = existed ? 200 : 201;
}

static void get_op(struct db *db, struct api_ctx *c)
{
	struct prompt_job *j = c->extra;
	char path[4200];

	if (!need_tenant(c))
		return;
	tenant_dir(c, path, sizeof(path));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s.wav", j->name);
	if (c->act == ACT_DELETE) {
		if (unlink(path)) {
			api_fail(c, 404, "not_found", "no prompt %s", j->name);
			return;
		}
		api_audit(db, c, c->scope, "delete", "prompt", j->name, NULL, NULL);
		c->status = 204;
		return;
	}
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) || st.st_size > 256 << 20) {
		if (f)
			fclose(f);
		api_fail(c, 404, "not_found", "no prompt %s", j->name);
		return;
	}
	j->len = (size_t)st.st_size;
	char *data = xmalloc(j->len ? j->len : 1);
	j->len = fread(data, 1, j->len, f);
	fclose(f);
	j->data = j->owned = data;
	c->status = 200;
}

static void get_live(struct api_ctx *c)
{
	struct prompt_job *j = c->extra;

	if (c->act == ACT_DELETE || !j->data) {
		api_reply(c);
		return;
	}
	http_reply(c->r, 200, "audio/wav", j->data, j->len);
	api_ctx_done(c);
}

static void list_op(struct db *db, struct api_ctx *c)
{
	char dir[4096], path[4400];
	json_t *items = json_array();
	DIR *d;
	struct dirent *e;

	if (!need_tenant(c)) {
		json_decref(items);
		return;
	}
	tenant_dir(c, dir, sizeof(dir));
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			size_t n = strlen(e->d_name);
			if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".wav"))
				continue;
			char name[PROMPT_NAME_MAX + 1];
			snprintf(name, sizeof(name), "%.*s", (int)(n - 4), e->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			json_t *o = prompt_json(name, path);
			if (o)
				json_array_append_new(items, o);
		}
		closedir(d);
	}
	c->result = json_pack("{s:o,s:I}", "items", items, "quota_mb",
			      (json_int_t)c->api->prompts_quota_mb);
	c->status = 200;
}

static void job_free(void *arg)
{
	struct prompt_job *j = arg;
	free(j->owned);
	free(j);
}

static void start(struct http_req *r, void *arg, enum api_action act, api_db_fn *fn,
		  api_live_fn *live)
{
	struct api_ctx *c = api_ctx_new_raw(arg, r);
	struct prompt_job *j = xcalloc(1, sizeof(*j));
	const char *name = http_req_param(r, "name");

	c->extra = j;
	c->extra_free = job_free;
	c->perm = "prompts";
	c->act = act;
	c->db_fn = fn;
	c->live_fn = live;
	if (name && !prompt_name_ok(name)) {
		api_fail(c, 400, "invalid", "a prompt name is 1-64 of A-Z a-z 0-9 _ . - without .wav");
		api_reply(c);
		return;
	}
	snprintf(j->name, sizeof(j->name), "%s", name ? name : "");
	if (act == ACT_CREATE) {
		j->data = http_req_body(r, &j->len);
		if (!j->len) {
			api_fail(c, 400, "empty", "send the audio file as the body");
			api_reply(c);
			return;
		}
	}
	api_run(c);
}

void api_prompts_list(struct http_req *r, void *arg)
{
	start(r, arg, ACT_LIST, list_op, NULL);
}

void api_prompts_put(struct http_req *r, void *arg)
{
	start(r, arg, ACT_CREATE, put_op, NULL);
}

void api_prompts_get(struct http_req *r, void *arg)
{
	start(r, arg, ACT_GET, get_op, get_live);
}

void api_prompts_delete(struct http_req *r, void *arg)
{
	start(r, arg, ACT_DELETE, get_op, get_live);
}
