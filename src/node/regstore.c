/*
 * Registration persistence: every binding change of the location service is
 * written through the store thread (write-through, like Kamailio usrloc
 * db_mode 1), and the bindings still valid are restored at start-up.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"
#include "node/node.h"
#include "store/db.h"
#include "store/registrations.h"
#include "store/store.h"

struct reg_write {
	bool del;
	struct store_registration_row row;
};

static void write_op(struct db *db, void *arg)
{
	struct reg_write *w = arg;
	int err;

	if (w->del)
		err = store_registration_delete(db, w->row.tenant_id, w->row.aor, w->row.contact);
	else
		err = store_registration_upsert(db, &w->row);
	if (err && !(w->del && err == ENOENT))
		log_warn("store", "registration %s %s: %s", w->row.aor, w->row.contact, strerror(err));
	free(w);
}

static bool copy(char *dst, size_t size, const char *src)
{
	return str_copy(str_c(src), dst, size);
}

/* false when a field does not fit its column: such a binding lives in memory only. */
static bool fill_row(struct store_registration_row *r, const struct sip_contact *c)
{
	char received[SA_ADDRSTRLEN];
	const char *proto = sip_proto_name(c->peer.proto);

	r->tenant_id = c->aor->tenant_id;
	r->expires_at = (int64_t)c->expires_at;
	r->cseq = c->cseq;
	r->reg_id = c->reg_id;
	r->q1000 = c->q1000;
	for (size_t i = 0; proto[i] && i + 1 < sizeof(r->transport); i++)
		r->transport[i] = (char)tolower((unsigned char)proto[i]);
	sa_str(&c->peer.addr, received, sizeof(received));
	return copy(r->aor, sizeof(r->aor), c->aor->user) &&
	       copy(r->contact, sizeof(r->contact), c->uri) &&
	       copy(r->received, sizeof(r->received), received) &&
	       copy(r->path, sizeof(r->path), c->path ? c->path : "") &&
	       copy(r->call_id, sizeof(r->call_id), c->call_id) &&
	       copy(r->instance, sizeof(r->instance), c->instance ? c->instance : "") &&
	       copy(r->user_agent, sizeof(r->user_agent), c->user_agent ? c->user_agent : "");
}

void node_regstore_change(enum sip_location_change what, const struct sip_contact *c, void *arg)
{
	struct node *n = arg;
	struct reg_write *w = xcalloc(1, sizeof(*w));
	static const char *const names[] = { "added", "refreshed", "removed", "expired" };

	if (what != SIP_LOC_REFRESHED)
		node_api_registration_event(n, names[what], c);
	w->del = what == SIP_LOC_REMOVED || what == SIP_LOC_EXPIRED;
	if (!fill_row(&w->row, c)) {
		log_warn("registrar", "binding of %s too long to persist; kept in memory only",
			 c->aor->user);
		free(w);
		return;
	}
	if (store_submit(n->store, write_op, NULL, w))
		free(w);
}

/* Start-up: rows read on the store thread, bound on the control thread. */
struct restore_job {
	struct store_registration_row *rows;
	size_t n, cap;
	int err;
};

static int collect(const struct store_registration_row *row, void *arg)
{
	struct restore_job *job = arg;
	if (job->n == job->cap) {
		job->cap = job->cap ? job->cap * 2 : 64;
		job->rows = xrealloc(job->rows, job->cap * sizeof(*job->rows));
	}
	job->rows[job->n++] = *row;
	return 0;
}

static void restore_op(struct db *db, void *arg)
{
	struct restore_job *job = arg;
	job->err = store_registration_purge_expired(db, (int64_t)(time_wall_ms() / 1000u));
	if (!job->err)
		job->err = store_registration_list(db, collect, job);
}

static enum sip_proto proto_of(const char *name)
{
	if (strcasecmp(name, "tcp") == 0)
		return SIP_PROTO_TCP;
	if (strcasecmp(name, "tls") == 0)
		return SIP_PROTO_TLS;
	return SIP_PROTO_UDP;
}

static void restore_row(struct node *n, const struct store_registration_row *r)
{
	struct sip_peer peer = { .proto = proto_of(r->transport) };
	struct sip_binding b = {
		.uri = str_c(r->contact),
		.path = str_c(r->path),
		.instance = str_c(r->instance),
		.user_agent = str_c(r->user_agent),
		.call_id = str_c(r->call_id),
		.cseq = r->cseq,
		.reg_id = r->reg_id,
		.q1000 = r->q1000,
		.expires_at = (uint64_t)r->expires_at,
		.peer = &peer,
	};
	if (sa_parse(&peer.addr, r->received))
		log_warn("registrar", "restored binding %s has no usable source '%s'", r->contact,
			 r->received);
	sip_location_restore(n->loc, r->tenant_id, str_c(r->aor), &b);
}

int node_regstore_restore(struct node *n)
{
	struct restore_job job = { 0 };
	uint64_t now = time_wall_ms() / 1000u;
	size_t kept = 0;
	int err = store_run_sync(n->store, restore_op, &job);

	if (!err)
		err = job.err;
	for (size_t i = 0; !err && i < job.n; i++) {
		if ((uint64_t)job.rows[i].expires_at <= now)
			continue;
		restore_row(n, &job.rows[i]);
		kept++;
	}
	free(job.rows);
	if (err)
		log_error("registrar", "restoring registrations: %s", strerror(err));
	else if (kept)
		log_notice("registrar", "restored %zu registrations", kept);
	return err;
}

static void purge_op(struct db *db, void *arg)
{
	(void)arg;
	store_registration_purge_expired(db, (int64_t)(time_wall_ms() / 1000u));
}

void node_regstore_purge(struct node *n)
{
	store_submit(n->store, purge_op, NULL, NULL);
}
