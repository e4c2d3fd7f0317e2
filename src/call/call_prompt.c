/*
 * Prompts of call scenarios by name: a tenant's own file first, then the shipped one. Each
 * file is read once (libsndfile, resampled for every codec) and shared by the calls that
 * play it; a file replaced on disk (a new upload) is read again on its next use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "media/media.h"

enum { PROMPT_NAME_MAX = 64, PROMPT_CACHE_MAX = 4096 };

struct call_prompt {
	struct hmap_node node;
	char *path; /* owned */
	struct media_sound *snd; /* ref */
	struct timespec mtime;
	off_t size;
};

/* 1-64 of [A-Za-z0-9_.-], not starting with a dot: never a path of its own. */
static bool prompt_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > PROMPT_NAME_MAX || name[0] == '.')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

static uint32_t path_hash(const char *path)
{
	return str_hash(str_c(path));
}

static struct call_prompt *prompt_find(struct call_engine *ce, const char *path)
{
	for (struct hmap_node *n = hmap_first(&ce->prompts, path_hash(path)); n;
	     n = hmap_next_same(n)) {
		struct call_prompt *p = container_of(n, struct call_prompt, node);
		if (strcmp(p->path, path) == 0)
			return p;
	}
	return NULL;
}

static void prompt_free(struct call_prompt *p)
{
	media_sound_unref(p->snd);
	free(p->path);
	free(p);
}

/* The sound at path as it is on disk now (ref), from the cache when unchanged. */
static struct media_sound *prompt_load(struct call_engine *ce, const char *path,
				       const struct stat *st)
{
	struct call_prompt *p = prompt_find(ce, path);
	struct media_sound *snd;
	int err;

	if (p && p->size == st->st_size && p->mtime.tv_sec == st->st_mtim.tv_sec &&
	    p->mtime.tv_nsec == st->st_mtim.tv_nsec)
		return obj_ref(p->snd);
	if ((err = media_sound_load(&snd, path))) {
		log_notice("call", "prompt %s: %s", path, err == EBADMSG ? "not audio" : strerror(err));
		errno = err;
		return NULL;
	}
	if (!p && ce->prompts.count >= PROMPT_CACHE_MAX)
		return snd; /* a tenant with very many prompts: read each time, cache stays bounded */
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		p->path = xstrdup(path);
		hmap_insert(&ce->prompts, &p->node, path_hash(path));
	}
	media_sound_unref(p->snd);
	p->snd = obj_ref(snd);
	p->mtime = st->st_mtim;
	p->size = st->st_size;
	return snd;
}

struct media_sound *call_prompt_get(struct call_engine *ce, int64_t tenant_id, const char *name)
{
	const char *ext = strchr(name, '.') ? "" : ".wav";
	char path[4096];
	struct stat st;

	if (!prompt_name_ok(name)) {
		errno = EINVAL;
		return NULL;
	}
	if (ce->cfg.prompts_dir) {
		snprintf(path, sizeof(path), "%s/%lld/%s%s", ce->cfg.prompts_dir,
			 (long long)tenant_id, name, ext);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return prompt_load(ce, path, &st);
	}
	if (ce->cfg.sounds_dir) {
		snprintf(path, sizeof(path), "%s/%s%s", ce->cfg.sounds_dir, name, ext);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return prompt_load(ce, path, &st);
	}
	errno = ENOENT;
	return NULL;
}

void call_prompts_free(struct call_engine *ce)
{
	struct hmap_iter it;
	struct hmap_node *n;
	struct call_prompt *batch[64];
	size_t k;

	do { /* collect first: removing while iterating is not allowed */
		k = 0;
		hmap_iter_init(&it, &ce->prompts);
		while ((n = hmap_iter_next(&it)) && k < 64)
			batch[k++] = container_of(n, struct call_prompt, node);
		for (size_t i = 0; i < k; i++) {
			hmap_remove(&ce->prompts, &batch[i]->node);
			prompt_free(batch[i]);
		}
	} while (k);
	hmap_free(&ce->prompts);
}
