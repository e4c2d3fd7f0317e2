/*
 * Calls on the node: the media engine and the call engine, their CDRs and journal
 * written through the store, open calls reconciled at start-up, the callee looked
 * up for an authenticated INVITE, and the graceful stop that waits for calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "call/call.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"
#include "media/media.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/trunks.h"
#include "sip/stack.h"
#include "store/cdrs.h"
#include "store/store.h"

enum { HEARTBEAT_MS = 10000, STOP_POLL_MS = 200 };

static void journal_op(struct db *db, void *arg)
{
	int err = store_call_open(db, arg);
	if (err)
		log_warn("store", "journal of call %s: %s", ((struct store_cdr_row *)arg)->uuid,
			 strerror(err));
	free(arg);
}

static void cdr_op(struct db *db, void *arg)
{
	struct store_cdr_row *r = arg;
	int err = store_cdr_finish(db, r);
	if (err)
		log_error("store", "CDR of call %s: %s", r->uuid, strerror(err));
	free(r);
}

static void submit_row(struct node *n, store_op_fn *op, const struct store_cdr_row *row)
{
	struct store_cdr_row *copy = xmalloc(sizeof(*copy));
	*copy = *row;
	if (store_submit(n->store, op, NULL, copy)) {
		log_error("store", "call %s: store closed, CDR lost", row->uuid);
		free(copy);
	}
}

static void on_journal(const struct store_cdr_row *row, void *arg)
{
	struct node *n = arg;

	submit_row(n, journal_op, row);
	if (!row->answer_at)
		n->calls_started++;
	node_api_call_event(n, row->answer_at ? "call.answered" : "call.ringing", row);
}

static void on_cdr(const struct store_cdr_row *row, void *arg)
{
	submit_row(arg, cdr_op, row);
	node_api_call_event(arg, "call.ended", row);
}

static void on_media_event(uint64_t relay_id, const struct media_event_info *ev, void *arg)
{
	struct node *n = arg;
	if (ev->type == MEDIA_EV_TIMEOUT && n->calls)
		call_media_timeout(n->calls, relay_id);
	else if (ev->type == MEDIA_EV_DTMF && n->calls)
		call_media_dtmf(n->calls, relay_id, ev);
}

static void heartbeat_op(struct db *db, void *arg)
{
	store_calls_heartbeat(db, (int64_t)time_wall_ms());
}

static void on_heartbeat(void *arg)
{
	struct node *n = arg;
	if (call_count(n->calls))
		store_submit(n->store, heartbeat_op, NULL, NULL);
	loop_timer_start(n->loop, &n->heartbeat, HEARTBEAT_MS, on_heartbeat, n);
}

struct reconcile_job {
	int64_t count;
	int err;
};

static void reconcile_op(struct db *db, void *arg)
{
	struct reconcile_job *job = arg;
	job->err = store_calls_reconcile(db, &job->count);
}

/* A transfer's target: an enabled extension of the tenant, and its contacts. */
static const struct sip_aor *resolve_extension(void *arg, int64_t tenant_id, const char *user)
{
	struct node *n = arg;
	const struct dir_user *u = directory_user(n->dir, tenant_id, str_c(user));
	return u && u->row.enabled ? sip_location_find(n->loc, tenant_id, str_c(user)) : NULL;
}

/* The setting, else the installed file, else the source tree's (a node run from it). */
static const char *moh_path(const struct settings *s)
{
	if (s->moh_file && *s->moh_file)
		return s->moh_file;
	return access(NODE_MOH_INSTALLED, R_OK) == 0 ? NODE_MOH_INSTALLED : NODE_MOH_SOURCE;
}

int node_calls_open(struct node *n)
{
	const struct settings *s = &n->set;
	struct media_cfg mc = {
		.bind_ip = s->rtp_bind,
		.port_min = (uint16_t)s->rtp_port_min,
		.port_max = (uint16_t)s->rtp_port_max,
		.threads = (unsigned)s->media_threads,
		.rtp_timeout_s = (unsigned)s->rtp_timeout,
	};
	struct call_cfg cc = {
		.no_answer_s = (unsigned)s->call_no_answer,
		.max_duration_s = (unsigned)s->call_max_duration,
		.min_se_s = (unsigned)s->session_min_se,
		.media_ip = s->media_ip,
		.moh_file = moh_path(s),
	};
	struct reconcile_job job = { 0 };
	int err = store_run_sync(n->store, reconcile_op, &job);

	if (err || job.err) {
		log_error("store", "reconciling open calls: %s", strerror(err ? err : job.err));
		return err ? err : job.err;
	}
	if (job.count)
		log_notice("call", "%lld call(s) open at the last stop recorded as INTERRUPTED",
			   (long long)job.count);
	if ((err = media_engine_new(&n->media, n->loop, &mc, on_media_event, n))) {
		log_error("media", "media engine: %s", strerror(err));
		return err;
	}
	call_engine_new(&n->calls, n->stack, n->media, &cc, on_journal, on_cdr, n);
	call_engine_set_resolver(n->calls, resolve_extension);
	timer_init(&n->heartbeat);
	loop_timer_start(n->loop, &n->heartbeat, HEARTBEAT_MS, on_heartbeat, n);
	return 0;
}

void node_calls_close(struct node *n)
{
	timer_cancel(&n->heartbeat);
	call_engine_destroy(n->calls);
	n->calls = NULL;
}

void node_media_close(struct node *n)
{
	media_engine_destroy(n->media);
	n->media = NULL;
}

/* Digits, '+', '*' and '#': what may be dialed out or presented as a number. */
static bool dialable(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '+' || *s == '*' || *s == '#'))
			return false;
	return true;
}

/* Not an extension: the tenant's longest matching route decides the trunk. */
static void call_outbound(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, const struct call_party *caller,
			  const char *dialed)
{
	const struct store_route_row *route =
		dialable(dialed) ? node_route_find(n, caller->tenant_id, str_c(dialed)) : NULL;
	const struct node_trunk *tr = route ? node_trunk_by_id(n, route->trunk_id) : NULL;
	char number[96], ruri[256], from_uri[256];

	if (!tr) {
		sip_tsx_reply(tsx, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	const char *domain = tr->row.domain[0] ? tr->row.domain : tr->row.host;
	/* the extension's own number first, then the route's, then the trunk's */
	const struct dir_user *u = directory_user(n->dir, caller->tenant_id, str_c(caller->user));
	const char *cid = u && u->row.caller_id[0] ? u->row.caller_id
			  : route->caller_id[0]	      ? route->caller_id
			  : tr->row.caller_id[0]	      ? tr->row.caller_id
							      : caller->user;
	size_t strip = (size_t)route->strip < strlen(dialed) ? (size_t)route->strip : 0;
	snprintf(number, sizeof(number), "%s%s", route->prepend, dialed + strip);
	snprintf(ruri, sizeof(ruri), "sip:%s@%s", number, domain);
	snprintf(from_uri, sizeof(from_uri), "<sip:%s@%s>", cid, domain);
	struct call_trunk_target target = {
		.name = tr->row.name, .ruri = ruri, .from_uri = from_uri,
		.user = tr->row.username, .password = tr->row.password, .peer = &tr->peer,
	};
	struct call_party b = { caller->tenant_id, number, "", domain };
	struct call_request r = { .caller = caller, .callee = &b, .direction = "outbound",
				  .trunk = &target };
	call_start(n->calls, tsx, req, from, &r);
}

void node_call_inbound(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
		       const struct sip_peer *from, const struct node_trunk *trunk)
{
	char did[64], caller_num[64] = "", caller_name[128] = "";
	size_t len;
	const struct store_number_row *num = NULL;
	const struct dir_tenant *t;
	const struct dir_user *callee = NULL;

	if (n->stopping) {
		sip_tsx_reply(tsx, 503, "Shutting Down", "Retry-After: 60\r\n", NULL, NULL, 0);
		return;
	}
	if (sip_uri_unescape(req->ruri.user, did, sizeof(did), &len) == 0)
		num = node_number_find(n, str_make(did, len));
	if (num && (num->tenant_id != trunk->row.tenant_id ||
		    (num->trunk_id && num->trunk_id != trunk->row.id)))
		num = NULL;
	t = num ? directory_tenant_by_id(n->dir, num->tenant_id) : NULL;
	if (t)
		callee = directory_user(n->dir, t->row.id, str_c(num->extension));
	if (!callee) {
		sip_tsx_reply(tsx, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (sip_uri_unescape(req->from.uri.user, caller_num, sizeof(caller_num), &len) ||
	    !dialable(caller_num))
		snprintf(caller_num, sizeof(caller_num), "anonymous");
	str_copy(req->from.display, caller_name, sizeof(caller_name));
	struct call_party a = { t->row.id, caller_num, caller_name, t->row.domain };
	struct call_party b = { t->row.id, callee->row.number, callee->row.display_name,
				t->row.domain };
	struct call_request r = {
		.caller = &a, .callee = &b, .direction = "inbound", .trunk_name = trunk->row.name,
		.aor = sip_location_find(n->loc, t->row.id, str_c(callee->row.number)),
	};
	call_start(n->calls, tsx, req, from, &r);
}

void node_call_invite(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from, const struct dir_tenant *t,
		      const struct dir_user *caller)
{
	char callee_user[64], caller_name[128] = "";
	size_t len;
	const struct dir_user *callee;

	if (caller->row.display_name[0])
		snprintf(caller_name, sizeof(caller_name), "%s", caller->row.display_name);
	else
		str_copy(req->from.display, caller_name, sizeof(caller_name));
	struct call_party a = { t->row.id, caller->row.number, caller_name, t->row.domain };
	if (sip_msg_hdr(req, SIP_HDR_REPLACES)) { /* a phone takes over a dialog of ours */
		call_replaces_invite(n->calls, tsx, req, from, t->row.id, caller->row.number);
		return;
	}
	if (sip_uri_unescape(req->ruri.user, callee_user, sizeof(callee_user), &len)) {
		sip_tsx_reply(tsx, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	callee = directory_user(n->dir, t->row.id, str_make(callee_user, len));
	if (!callee) {
		call_outbound(n, tsx, req, from, &a, callee_user);
		return;
	}
	if (!callee->row.enabled) {
		sip_tsx_reply(tsx, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	struct call_party b = { t->row.id, callee->row.number, callee->row.display_name,
				t->row.domain };
	struct call_request r = {
		.caller = &a, .callee = &b, .direction = "internal",
		.aor = sip_location_find(n->loc, t->row.id, str_c(callee->row.number)),
	};
	call_start(n->calls, tsx, req, from, &r);
}

static void on_stop_poll(void *arg)
{
	struct node *n = arg;

	if (call_count(n->calls) && time_mono_ms() < n->stop_deadline_ms) {
		loop_timer_start(n->loop, &n->stop_poll, STOP_POLL_MS, on_stop_poll, n);
		return;
	}
	if (call_count(n->calls)) {
		log_notice("node", "stop: %zu call(s) still up after stop_timeout: hanging up",
			   call_count(n->calls));
		call_hangup_all(n->calls, "node stopping");
	}
	loop_stop(n->loop);
}

void node_calls_drain(struct node *n)
{
	if (!n->calls || !call_count(n->calls)) {
		loop_stop(n->loop);
		return;
	}
	log_notice("node", "stop: waiting up to %d s for %zu call(s)", n->set.stop_timeout,
		   call_count(n->calls));
	n->stop_deadline_ms = time_mono_ms() + (uint64_t)n->set.stop_timeout * 1000u;
	timer_init(&n->stop_poll);
	loop_timer_start(n->loop, &n->stop_poll, STOP_POLL_MS, on_stop_poll, n);
}
