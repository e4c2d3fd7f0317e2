/*
 * Recordings on the node: the tenants' recording settings, rules and mailboxes kept in memory
 * (reloaded when the API changes them), the policy the call engine asks when a callee answers,
 * the rows of recorded files written through the store (started, then finished or failed, with
 * the events recording.ready and voicemail.new), the files a stop or a crash left unfinished
 * settled at start-up, and the hourly deletion of call recordings past their tenant's retention.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "call/call.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"
#include "media/media.h"
#include "node/node.h"
#include "node/recording.h"
#include "store/recordings.h"
#include "store/store.h"

enum { RETENTION_EVERY_MS = 3600 * 1000 };

struct node_recordings {
	struct store_recording_settings *set; /* owned arrays */
	size_t nset;
	struct store_recording_rule *rules;
	size_t nrules;
	struct store_mailbox_row *boxes;
	size_t nboxes;
	char dir[4096]; /* <data_dir>/recordings */
	struct timer retention;
};

/* ---- the cache ---- */

struct load_job {
	struct node_recordings *r; /* a fresh one, filled on the store thread */
	int err;
};

static int load_setting(const struct store_recording_settings *s, void *arg)
{
	struct node_recordings *r = arg;
	r->set = xrealloc(r->set, (r->nset + 1) * sizeof(*r->set));
	r->set[r->nset++] = *s;
	return 0;
}

static int load_rule(const struct store_recording_rule *x, void *arg)
{
	struct node_recordings *r = arg;
	r->rules = xrealloc(r->rules, (r->nrules + 1) * sizeof(*r->rules));
	r->rules[r->nrules++] = *x;
	return 0;
}

static int load_box(const struct store_mailbox_row *m, void *arg)
{
	struct node_recordings *r = arg;
	r->boxes = xrealloc(r->boxes, (r->nboxes + 1) * sizeof(*r->boxes));
	r->boxes[r->nboxes++] = *m;
	return 0;
}

static void load_op(struct db *db, void *arg)
{
	struct load_job *j = arg;

	j->err = store_recording_settings_list(db, load_setting, j->r);
	if (!j->err)
		j->err = store_recording_rules_list(db, load_rule, j->r);
	if (!j->err)
		j->err = store_mailboxes_list(db, load_box, j->r);
}

static void cache_clear(struct node_recordings *r)
{
	free(r->set);
	free(r->rules);
	free(r->boxes);
	r->set = NULL;
	r->rules = NULL;
	r->boxes = NULL;
	r->nset = r->nrules = r->nboxes = 0;
}

int node_recordings_load(struct node *n)
{
	struct node_recordings fresh = {0};
	struct load_job j = {&fresh, 0};
	int err = store_run_sync(n->store, load_op, &j);

	if (err || j.err) {
		cache_clear(&fresh);
		return err ? err : j.err;
	}
	cache_clear(n->recs);
	n->recs->set = fresh.set;
	n->recs->nset = fresh.nset;
	n->recs->rules = fresh.rules;
	n->recs->nrules = fresh.nrules;
	n->recs->boxes = fresh.boxes;
	n->recs->nboxes = fresh.nboxes;
	return 0;
}

static const struct store_recording_settings *settings_of(const struct node_recordings *r,
							  int64_t tenant_id)
{
	for (size_t i = 0; i < r->nset; i++)
		if (r->set[i].tenant_id == tenant_id)
			return &r->set[i];
	return NULL;
}

/* The rule of kind for value: 1 record, 0 do not, -1 none. */
static int rule_of(const struct node_recordings *r, int64_t tenant_id, const char *kind,
		   const char *value)
{
	if (!value || !*value)
		return -1;
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].tenant_id == tenant_id && !strcmp(r->rules[i].kind, kind) &&
		    !strcmp(r->rules[i].value, value))
			return r->rules[i].record;
	return -1;
}

/* The number dialed in, then the callee, then the caller; else the tenant's default. */
static void policy(void *arg, const struct store_cdr_row *cdr, const char *did,
		   struct call_record_policy *out)
{
	struct node *n = arg;
	const struct node_recordings *r = n->recs;
	const struct store_recording_settings *s = settings_of(r, cdr->tenant_id);
	int64_t t = cdr->tenant_id;
	int rule = rule_of(r, t, "number", did);

	if (rule < 0)
		rule = rule_of(r, t, "number", cdr->callee);
	if (rule < 0)
		rule = rule_of(r, t, "extension", cdr->callee);
	if (rule < 0)
		rule = rule_of(r, t, "extension", cdr->caller);
	out->record = rule >= 0 ? rule == 1 : s && s->record_calls;
	snprintf(out->prompt, sizeof(out->prompt), "%s",
		 s ? s->announce_prompt : "recording-notice");
	out->optout_key = s ? s->optout_key : '9';
	out->rate = s && s->rate == 16000 ? 16000 : 8000;
}

static bool mailbox(void *arg, int64_t tenant_id, const char *box, struct call_mailbox *out)
{
	struct node *n = arg;
	const struct node_recordings *r = n->recs;

	for (size_t i = 0; i < r->nboxes; i++) {
		const struct store_mailbox_row *m = &r->boxes[i];
		if (m->tenant_id != tenant_id || strcmp(m->extension, box) || !m->enabled)
			continue;
		out->max_seconds = m->max_seconds > 0 ? (unsigned)m->max_seconds : 120;
		snprintf(out->greeting, sizeof(out->greeting), "%s", m->greeting);
		return true;
	}
	return false;
}

/* ---- the rows of recorded files ---- */

struct row_job {
	struct store_recording_row row;
	bool done;
	int err;
};

static void row_op(struct db *db, void *arg)
{
	struct row_job *j = arg;
	int rc = j->done ? store_recording_end(db, j->row.name, j->err ? "failed" : "done",
					       j->row.seconds, j->row.ended_at)
			 : store_recording_add(db, &j->row);
	if (rc)
		log_error("store", "recording %s: %s", j->row.name, strerror(rc));
}

static void row_done(void *arg)
{
	free(arg);
}

static void recording_event(struct node *n, const struct call_recording *c)
{
	if (!n->api || n->api_detached || c->err)
		return;
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "name", c->name, "kind", c->kind,
			      "call_id", c->call_uuid, "caller", c->caller, "callee", c->callee,
			      "seconds", (json_int_t)(c->ms / 1000));
	if (c->mailbox)
		json_object_set_new(d, "mailbox", json_string(c->mailbox));
	api_event(n->api, c->tenant_id, c->mailbox ? "voicemail.new" : "recording.ready", d);
}

static void on_recording(const struct call_recording *c, void *arg)
{
	struct node *n = arg;
	struct row_job *j = xcalloc(1, sizeof(*j));
	struct store_recording_row *r = &j->row;

	r->tenant_id = c->tenant_id;
	snprintf(r->name, sizeof(r->name), "%s", c->name);
	snprintf(r->kind, sizeof(r->kind), "%s", c->kind);
	snprintf(r->call_uuid, sizeof(r->call_uuid), "%s", c->call_uuid);
	snprintf(r->caller, sizeof(r->caller), "%s", c->caller);
	snprintf(r->callee, sizeof(r->callee), "%s", c->callee);
	snprintf(r->mailbox, sizeof(r->mailbox), "%s", c->mailbox ? c->mailbox : "");
	r->channels = c->channels;
	r->rate = c->rate;
	r->created_at = c->start_at;
	r->seconds = (c->ms + 500) / 1000;
	r->ended_at = (int64_t)time_wall_ms();
	j->done = c->done;
	j->err = c->err;
	if (store_submit(n->store, row_op, row_done, j)) {
		log_error("store", "recording %s: store closed", c->name);
		free(j);
	}
	if (c->done)
		recording_event(n, c);
}

/* ---- start-up: rows left "recording" by a stop or a crash ---- */

struct settle_job {
	const char *dir;
	unsigned done, lost;
};

static void rec_path(const char *dir, int64_t tenant, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%lld/%s", dir, (long long)tenant, name);
}

/* The length of a finished WAV from its header and size (the writer's own format). */
static int wav_seconds(const char *path, unsigned *secs)
{
	unsigned char h[44];
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f)
		return errno;
	size_t got = fread(h, 1, sizeof(h), f);
	int bad = fstat(fileno(f), &st);
	fclose(f);
	unsigned rate = h[24] | h[25] << 8 | h[26] << 16 | (unsigned)h[27] << 24;
	if (bad || got != sizeof(h) || !rate || !h[22])
		return EBADMSG;
	*secs = (unsigned)(((uint64_t)st.st_size - 44) / (h[22] * 2u) / rate);
	return 0;
}

static void settle_one(struct store_recording_row *r, struct settle_job *j)
{
	char path[4400];
	unsigned secs = 0;

	rec_path(j->dir, r->tenant_id, r->name, path, sizeof(path));
	/* a crash: the .tmp made whole; a stop: the writer finished it, the event was not heard */
	int err = media_record_recover(path, &secs);
	if (err == ENOENT)
		err = wav_seconds(path, &secs);
	snprintf(r->status, sizeof(r->status), "%s", err ? "failed" : "done");
	r->seconds = secs;
	if (err)
		j->lost++;
	else
		j->done++;
}

struct settle_list {
	struct store_recording_row *rows;
	size_t n;
};

static int collect_row(const struct store_recording_row *r, void *arg)
{
	struct settle_list *l = arg;
	l->rows = xrealloc(l->rows, (l->n + 1) * sizeof(*l->rows));
	l->rows[l->n++] = *r;
	return 0;
}

/* Temp files no row knows of (the crash came before the row was written): removed. */
static void remove_orphans(const char *dir)
{
	DIR *top = opendir(dir);
	struct dirent *t, *e;
	char sub[4400], path[4700];

	if (!top)
		return;
	while ((t = readdir(top))) {
		if (t->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, t->d_name);
		DIR *d = opendir(sub);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			if (len > 4 && !strcmp(e->d_name + len - 4, ".tmp")) {
				snprintf(path, sizeof(path), "%s/%s", sub, e->d_name);
				unlink(path);
			}
		}
		closedir(d);
	}
	closedir(top);
}

static void settle_op(struct db *db, void *arg)
{
	struct settle_job *j = arg;
	struct settle_list l = {0};

	store_recordings_unfinished(db, collect_row, &l);
	for (size_t i = 0; i < l.n; i++) {
		settle_one(&l.rows[i], j);
		store_recording_end(db, l.rows[i].name, l.rows[i].status, l.rows[i].seconds,
				    l.rows[i].created_at);
	}
	free(l.rows);
	remove_orphans(j->dir);
}

/* ---- retention ---- */

struct expire_job {
	char dir[4096];
	unsigned n;
};

static int expire_one(const struct store_recording_row *r, void *arg)
{
	struct expire_job *j = arg;
	char path[4400];

	rec_path(j->dir, r->tenant_id, r->name, path, sizeof(path));
	if (unlink(path) && errno != ENOENT)
		log_warn("node", "recording %s past retention: %s", path, strerror(errno));
	j->n++;
	return 0;
}

static void expire_op(struct db *db, void *arg)
{
	struct expire_job *j = arg;
	struct settle_list l = {0};

	store_recordings_expired(db, (int64_t)time_wall_ms(), collect_row, &l);
	for (size_t i = 0; i < l.n; i++) {
		expire_one(&l.rows[i], j);
		store_recording_delete(db, l.rows[i].id);
	}
	free(l.rows);
}

static void expire_done(void *arg)
{
	struct expire_job *j = arg;
	if (j->n)
		log_notice("node", "%u recording(s) past their retention deleted", j->n);
	free(j);
}

static void on_retention(void *arg)
{
	struct node *n = arg;
	struct expire_job *j = xcalloc(1, sizeof(*j));

	snprintf(j->dir, sizeof(j->dir), "%s", n->recs->dir);
	if (store_submit(n->store, expire_op, expire_done, j))
		free(j);
	loop_timer_start(n->loop, &n->recs->retention, RETENTION_EVERY_MS, on_retention, n);
}

/* ---- the node ---- */

int node_recordings_open(struct node *n)
{
	struct node_recordings *r = xcalloc(1, sizeof(*r));
	int err;

	n->recs = r;
	snprintf(r->dir, sizeof(r->dir), "%s/recordings", n->set.data_dir);
	timer_init(&r->retention);
	struct settle_job settle = {r->dir, 0, 0};
	if ((err = store_run_sync(n->store, settle_op, &settle)))
		return err;
	if (settle.done || settle.lost)
		log_notice("node", "%u recording(s) finished at start-up, %u lost", settle.done,
			   settle.lost);
	if ((err = node_recordings_load(n)))
		return err;
	struct expire_job *j = xcalloc(1, sizeof(*j));
	snprintf(j->dir, sizeof(j->dir), "%s", r->dir);
	store_run_sync(n->store, expire_op, j);
	expire_done(j);
	loop_timer_start(n->loop, &r->retention, RETENTION_EVERY_MS, on_retention, n);
	return 0;
}

const char *node_recordings_dir(const struct node *n)
{
	return n->recs ? n->recs->dir : NULL;
}

void node_recordings_attach(struct node *n)
{
	call_engine_set_recording(n->calls, policy, on_recording, mailbox);
}

void node_recordings_close(struct node *n)
{
	if (!n->recs)
		return;
	timer_cancel(&n->recs->retention);
	cache_clear(n->recs);
	free(n->recs);
	n->recs = NULL;
}
