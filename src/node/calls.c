/*
 * Calls on the node: the media engine and the call engine, their CDRs and journal
 * written through the store, open calls reconciled at start-up, the callee looked
 * up for an authenticated INVITE, and the graceful stop that waits for calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call/call.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"
#include "media/media.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/lists.h"
#include "node/recording.h"
#include "node/scenarios.h"
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
	else if (ev->type == MEDIA_EV_PLAYED && n->calls)
		call_media_played(n->calls, relay_id, ev);
	else if (ev->type == MEDIA_EV_RECORDED && n->calls)
		call_media_recorded(n->calls, relay_id, ev);
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

static int route_number(void *arg, int64_t tenant_id, const char *caller, const char *number,
			struct call_trunk_target *t, char *buf, size_t size);

static bool list_contains(void *arg, int64_t tenant_id, const char *list, const char *number)
{
	return node_list_contains(arg, tenant_id, list, number);
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
	char prompts[4096];

	snprintf(prompts, sizeof(prompts), "%s/prompts", s->data_dir);
	char tts[4096];
	snprintf(tts, sizeof(tts), "%s/tts", s->data_dir);
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
		.prompts_dir = prompts,
		.tts_dir = tts,
		.http_private_ok = s->webhook_private_targets,
		.sounds_dir = access(NODE_PROMPTS_INSTALLED, R_OK) == 0 ? NODE_PROMPTS_INSTALLED
									 : NODE_PROMPTS_SOURCE,
		.recordings_dir = node_recordings_dir(n),
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
	call_engine_set_router(n->calls, route_number);
	call_engine_set_lists(n->calls, list_contains);
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

/* The trunk for a number dialed by caller (an extension of tenant_id): the tenant's longest
 * matching route decides, and the number and caller id are rewritten as it says. The caller
 * id goes in P-Asserted-Identity too; it is withheld from From (Privacy: id) when the
 * extension asks for privacy or the number is dialed with *67. t's strings live in buf. 0 or
 * ENOENT. */
static int outbound_target(struct node *n, int64_t tenant_id, const char *caller,
			   const char *dialed, struct call_trunk_target *t, char *buf, size_t size)
{
	bool withhold = strncmp(dialed, "*67", 3) == 0;

	if (withhold)
		dialed += 3;
	const struct store_route_row *route =
		dialable(dialed) ? node_route_find(n, tenant_id, str_c(dialed)) : NULL;
	const struct node_trunk *tr = route ? node_trunk_by_id(n, route->trunk_id) : NULL;
	size_t third = size / 3;

	if (!tr || size < 192)
		return ENOENT;
	const char *domain = tr->row.domain[0] ? tr->row.domain : tr->row.host;
	/* the extension's own number first, then the route's, then the trunk's */
	const struct dir_user *u = directory_user(n->dir, tenant_id, str_c(caller));
	const char *cid = u && u->row.caller_id[0] ? u->row.caller_id
			  : route->caller_id[0]	      ? route->caller_id
			  : tr->row.caller_id[0]	      ? tr->row.caller_id
							      : caller;
	size_t strip = (size_t)route->strip < strlen(dialed) ? (size_t)route->strip : 0;
	char *number = buf, *ruri = buf + third, *from_uri = buf + 2 * third, num[96];
	snprintf(num, sizeof(num), "%s%s", route->prepend, dialed + strip);
	snprintf(number, third, "%s", num);
	snprintf(ruri, third, "sip:%s@%s", num, domain);
	snprintf(from_uri, size - 2 * third, "<sip:%s@%s>", cid, domain);
	*t = (struct call_trunk_target){
		.name = tr->row.name, .ruri = ruri, .from_uri = from_uri,
		.user = tr->row.username, .password = tr->row.password, .peer = &tr->peer,
		.identity = from_uri, .privacy = withhold || (u && u->row.privacy),
	};
	return 0;
}

static int route_number(void *arg, int64_t tenant_id, const char *caller, const char *number,
			struct call_trunk_target *t, char *buf, size_t size)
{
	return outbound_target(arg, tenant_id, caller, number, t, buf, size);
}

/* Not an extension: the tenant's longest matching route decides the trunk. */
static void call_outbound(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, const struct call_party *caller,
			  const char *dialed)
{
	struct call_trunk_target target;
	char buf[768];

	if (outbound_target(n, caller->tenant_id, caller->user, dialed, &target, buf, sizeof(buf))) {
		sip_tsx_reply(tsx, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	const char *at = strchr(target.ruri, '@');
	struct call_party b = { caller->tenant_id, buf, "", at ? at + 1 : "" };
	struct call_request r = { .caller = caller, .callee = &b, .direction = "outbound",
				  .trunk = &target };
	call_start(n->calls, tsx, req, from, &r);
}

/* The callee's number or extension runs a scenario: true when the call was started so. */
static bool call_scenario(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, const struct call_request *r, int64_t id)
{
	const struct node_scenario *ns = node_scenario_find(n, r->caller->tenant_id, id);

	if (!ns) {
		if (id)
			log_notice("scenario", "scenario %lld for %s has no active version: ringing it "
				   "directly", (long long)id, r->callee->user);
		return false;
	}
	call_start_scenario(n->calls, tsx, req, from, r, ns->s, (void *)ns);
	return true;
}

/* The caller's number as a trunk gave it: digits and '+', else "anonymous". */
static void inbound_caller(const struct sip_msg *req, char *num, size_t size, char *name,
			   size_t name_size)
{
	size_t len;

	if (sip_uri_unescape(req->from.uri.user, num, size, &len) || !dialable(num))
		snprintf(num, size, "anonymous");
	str_copy(req->from.display, name, name_size);
}

/* A caller the tenant's black or white lists keep out: refused, with a CDR. */
static bool inbound_refused(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			    const struct sip_peer *from, const struct node_trunk *trunk,
			    const struct dir_tenant *t, const struct store_number_row *num)
{
	char caller_num[64], caller_name[128] = "", cause[128];
	const struct node_list *l;

	inbound_caller(req, caller_num, sizeof(caller_num), caller_name, sizeof(caller_name));
	if (!(l = node_lists_refusing(n, t->row.id, num->id, caller_num)))
		return false;
	snprintf(cause, sizeof(cause), "%s by list %s", l->mode == NODE_LIST_ALLOW ? "not allowed"
										: "blocked",
		 l->name);
	log_info("call", "inbound call from %s to %s: %s", caller_num, num->number, cause);
	struct call_party a = { t->row.id, caller_num, caller_name, t->row.domain };
	struct call_party b = { t->row.id, num->number, "", t->row.domain };
	struct call_request r = { .caller = &a, .callee = &b, .direction = "inbound",
				  .trunk_name = trunk->row.name };
	call_reject(n->calls, tsx, req, from, &r, l->reject ? 603 : 486, cause);
	return true;
}

/* A DID that runs a scenario itself (whatever its extension). */
static bool inbound_scenario(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			     const struct sip_peer *from, const struct node_trunk *trunk,
			     const struct dir_tenant *t, const struct store_number_row *num)
{
	char caller_num[64], caller_name[128] = "";

	inbound_caller(req, caller_num, sizeof(caller_num), caller_name, sizeof(caller_name));
	struct call_party a = { t->row.id, caller_num, caller_name, t->row.domain };
	struct call_party b = { t->row.id, num->number, "", t->row.domain };
	struct call_request r = { .caller = &a, .callee = &b, .direction = "inbound",
				  .trunk_name = trunk->row.name, .did = num->number };
	return call_scenario(n, tsx, req, from, &r, num->scenario_id);
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
	if (t && inbound_refused(n, tsx, req, from, trunk, t, num))
		return;
	if (t && num->scenario_id && inbound_scenario(n, tsx, req, from, trunk, t, num))
		return;
	if (!callee) {
		sip_tsx_reply(tsx, 404, NULL, NULL, NULL, NULL, 0);
		return;
	}
	inbound_caller(req, caller_num, sizeof(caller_num), caller_name, sizeof(caller_name));
	struct call_party a = { t->row.id, caller_num, caller_name, t->row.domain };
	struct call_party b = { t->row.id, callee->row.number, callee->row.display_name,
				t->row.domain };
	struct call_request r = {
		.caller = &a, .callee = &b, .direction = "inbound", .trunk_name = trunk->row.name,
		.aor = sip_location_find(n->loc, t->row.id, str_c(callee->row.number)),
		.did = num->number,
	};
	if (callee->row.scenario_id && call_scenario(n, tsx, req, from, &r, callee->row.scenario_id))
		return;
	if (node_forwarding_set(callee) && node_call_forwarded(n, tsx, req, from, &r, callee))
		return;
	call_start(n->calls, tsx, req, from, &r);
}

/* *8: pick up a call ringing in the tenant; **NUMBER: the one ringing that extension. True
 * when the dialed code was a pickup (answered either way). */
static bool node_call_pickup(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			     const struct sip_peer *from, const struct dir_tenant *t,
			     const struct dir_user *picker, const char *code)
{
	const char *target = NULL;

	if (!strcmp(code, "*8"))
		target = NULL;
	else if (code[1] == '*' && code[2] && directory_user(n->dir, t->row.id, str_c(code + 2)))
		target = code + 2;
	else
		return false;
	if (call_pickup(n->calls, tsx, req, from, t->row.id, picker->row.number, target) == ENOENT)
		sip_tsx_reply(tsx, 480, "Nothing To Pick Up", NULL, NULL, NULL, 0);
	return true;
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
	if (callee_user[0] == '*' && node_call_pickup(n, tsx, req, from, t, caller, callee_user))
		return;
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
	if (callee->row.scenario_id && call_scenario(n, tsx, req, from, &r, callee->row.scenario_id))
		return;
	if (node_forwarding_set(callee) && node_call_forwarded(n, tsx, req, from, &r, callee))
		return;
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
