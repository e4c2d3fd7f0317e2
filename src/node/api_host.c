/*
 * The API on the node: settings to api_cfg, the host callbacks that reach the
 * node's memory (directory, trunks, calls, registrations, counters), events
 * from calls and registrations, and the first operator/owner logins.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "call/call.h"
#include "core/log.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/lists.h"
#include "node/recording.h"
#include "node/scenarios.h"
#include "node/trunks.h"
#include "sip/location.h"
#include "sip/stack.h"
#include "store/store.h"

static void host_changed(void *arg, enum api_change what, int64_t tenant_id)
{
	struct node *n = arg;
	int rc;

	if (n->api_detached)
		return;
	static const char *const names[] = { "directory", "trunks", "scenarios", "lists",
					     "recording settings" };

	rc = what == API_CHANGED_DIRECTORY   ? directory_load(n->dir, n->store)
	     : what == API_CHANGED_SCENARIOS ? node_scenarios_load(n)
	     : what == API_CHANGED_LISTS     ? node_lists_load(n)
	     : what == API_CHANGED_RECORDING ? node_recordings_load(n)
					     : node_trunks_load(n);
	if (rc)
		log_error("api", "refreshing the %s after a change: %s", names[what], strerror(rc));
}

struct ext_job {
	int64_t tenant_id;
	const char *number;
	struct store_sip_user_row row;
	int rc;
};

static void ext_find_op(struct db *db, void *arg)
{
	struct ext_job *j = arg;
	j->rc = store_sip_user_find(db, j->tenant_id, j->number, &j->row);
}

/* One extension re-read: a write through the API costs one lookup, not a reload of all. */
static void host_extension_changed(void *arg, int64_t tenant_id, const char *number)
{
	struct node *n = arg;
	struct ext_job j = { .tenant_id = tenant_id, .number = number };

	if (n->api_detached)
		return;
	if (store_run_sync(n->store, ext_find_op, &j) || (j.rc && j.rc != ENOENT)) {
		host_changed(n, API_CHANGED_DIRECTORY, tenant_id);
		return;
	}
	if (j.rc == ENOENT) {
		directory_del_user(n->dir, tenant_id, str_c(number));
		sip_location_unbind_all(n->loc, tenant_id, str_c(number));
	} else {
		directory_put_user(n->dir, &j.row);
	}
}

static void call_json(const struct call_info *ci, void *arg)
{
	json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:o}", "id", ci->uuid,
			      "tenant_id", (json_int_t)ci->tenant_id, "state", ci->state, "caller",
			      ci->caller, "callee", ci->callee, "direction", ci->direction, "codec",
			      ci->codec, "trunk", ci->trunk, "start_at", (json_int_t)ci->start_at,
			      "answer_at", ci->answer_at ? json_integer(ci->answer_at) : json_null());
	json_t *legs = json_array();

	for (int i = 0; i < 2; i++)
		json_array_append_new(legs, json_pack("{s:s,s:I,s:I,s:i}", "side", i ? "callee" : "caller",
						      "rx_packets", (json_int_t)ci->rx_pkts[i],
						      "tx_packets", (json_int_t)ci->tx_pkts[i], "lost",
						      (int)ci->lost[i]));
	json_object_set_new(o, "legs", legs);
	json_array_append_new(arg, o);
}

static json_t *host_calls_list(void *arg, int64_t tenant_id)
{
	struct node *n = arg;
	json_t *a = json_array();

	if (!n->api_detached && n->calls)
		call_foreach(n->calls, tenant_id, call_json, a);
	return a;
}

static int host_call_hangup(void *arg, int64_t tenant_id, const char *id)
{
	struct node *n = arg;
	return n->api_detached || !n->calls ? ENOENT
					     : call_hangup(n->calls, tenant_id, id, "API hangup");
}

/* Click-to-call from an extension of the tenant to another extension or a number. */
static int host_call_originate(void *arg, int64_t tenant_id, const char *extension,
			       const char *to, const char *caller_id, char *id, size_t idlen,
			       char *err, size_t errlen)
{
	struct node *n = arg;
	const struct dir_tenant *t = directory_tenant_by_id(n->dir, tenant_id);
	const struct dir_user *agent = t ? directory_user(n->dir, tenant_id, str_c(extension)) : NULL;
	const struct dir_user *callee = t ? directory_user(n->dir, tenant_id, str_c(to)) : NULL;
	int rc;

	if (n->api_detached || !n->calls || n->stopping) {
		snprintf(err, errlen, "the node is stopping");
		return EAGAIN;
	}
	if (!agent || !agent->row.enabled) {
		snprintf(err, errlen, "no extension %s", extension);
		return ENOENT;
	}
	struct call_originate_req o = {
		.tenant_id = tenant_id, .extension = agent->row.number, .domain = t->row.domain,
		.to = to, .to_is_extension = callee && callee->row.enabled, .caller_id = caller_id,
	};
	rc = call_originate(n->calls, &o, id, idlen);
	if (rc == ENOENT)
		snprintf(err, errlen, "extension %s has no registered phone", extension);
	else if (rc)
		snprintf(err, errlen, "the call cannot start: %s", strerror(rc));
	return rc == ENOENT ? EHOSTDOWN : rc;
}

struct reg_list {
	int64_t tenant_id;
	json_t *out;
};

static void reg_json(const struct sip_aor *aor, const struct sip_contact *c, void *arg)
{
	struct reg_list *l = arg;
	char src[SA_ADDRSTRLEN];

	if (l->tenant_id && aor->tenant_id != l->tenant_id)
		return;
	sa_str(&c->peer.addr, src, sizeof(src));
	json_array_append_new(l->out,
			      json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "tenant_id",
					(json_int_t)aor->tenant_id, "extension", aor->user, "contact",
					c->uri, "source", src, "user_agent",
					c->user_agent ? c->user_agent : "", "expires_at",
					(json_int_t)c->expires_at * 1000));
}

static json_t *host_registrations_list(void *arg, int64_t tenant_id)
{
	struct node *n = arg;
	struct reg_list l = { tenant_id, json_array() };

	if (!n->api_detached && n->loc)
		sip_location_foreach(n->loc, reg_json, &l);
	return l.out;
}

static void sum_lost(const struct call_info *ci, void *arg)
{
	uint64_t *sums = arg;
	for (int i = 0; i < 2; i++) {
		sums[0] += ci->lost[i];
		sums[1] += ci->rx_pkts[i];
	}
}

static void host_metrics(void *arg, struct buf *b)
{
	uint64_t rtp[2] = { 0, 0 };
	struct node *n = arg;
	const struct node_stats *s = &n->stats;

	if (n->api_detached)
		return;
	buf_printf(b, "# TYPE zvonar_calls_active gauge\nzvonar_calls_active %zu\n",
		   n->calls ? call_count(n->calls) : 0);
	buf_printf(b, "# TYPE zvonar_calls_total counter\nzvonar_calls_total %llu\n",
		   (unsigned long long)n->calls_started);
	if (n->calls)
		call_foreach(n->calls, 0, sum_lost, rtp);
	buf_printf(b, "# HELP zvonar_rtp_lost_packets RTP packets lost on the legs of live calls\n"
		      "# TYPE zvonar_rtp_lost_packets gauge\nzvonar_rtp_lost_packets %llu\n"
		      "# TYPE zvonar_rtp_received_packets gauge\nzvonar_rtp_received_packets %llu\n",
		   (unsigned long long)rtp[0], (unsigned long long)rtp[1]);
	buf_printf(b, "# TYPE zvonar_registrations gauge\nzvonar_registrations %u\n",
		   n->loc ? sip_location_count(n->loc) : 0);
	buf_printf(b, "# TYPE zvonar_store_queue_depth gauge\nzvonar_store_queue_depth %zu\n",
		   store_queue_depth(n->store));
	buf_printf(b, "# TYPE zvonar_sip_auth_total counter\n"
		      "zvonar_sip_auth_total{result=\"ok\"} %llu\n"
		      "zvonar_sip_auth_total{result=\"failed\"} %llu\n"
		      "zvonar_sip_auth_total{result=\"challenged\"} %llu\n",
		   (unsigned long long)s->auth_ok, (unsigned long long)s->auth_failed,
		   (unsigned long long)s->challenges);
	buf_printf(b, "# TYPE zvonar_sip_dropped_total counter\n"
		      "zvonar_sip_dropped_total{why=\"flood\"} %llu\n"
		      "zvonar_sip_dropped_total{why=\"banned\"} %llu\n",
		   (unsigned long long)s->flood_dropped, (unsigned long long)s->banned_dropped);
	buf_puts(b, "# TYPE zvonar_sip_requests_total counter\n");
	for (int i = 0; i < NODE_SIP_METHODS; i++)
		buf_printf(b, "zvonar_sip_requests_total{method=\"%s\"} %llu\n", node_sip_method_names[i],
			   (unsigned long long)s->requests[i]);
	struct sip_stack_stats ss;
	sip_stack_stats(n->stack, &ss);
	buf_puts(b, "# TYPE zvonar_sip_responses_total counter\n");
	for (int i = 1; i < 7; i++)
		buf_printf(b, "zvonar_sip_responses_total{class=\"%dxx\"} %llu\n", i,
			   (unsigned long long)ss.responses_by_class[i]);
	buf_printf(b, "# TYPE zvonar_sip_parse_errors_total counter\n"
		      "zvonar_sip_parse_errors_total %llu\n", (unsigned long long)ss.parse_errors);
}

int node_api_open(struct node *n)
{
	const struct settings *s = &n->set;
	char jobs_dir[4096];
	snprintf(jobs_dir, sizeof(jobs_dir), "%s/spool/jobs", s->data_dir);
	char prompts_dir[4096];
	snprintf(prompts_dir, sizeof(prompts_dir), "%s/prompts", s->data_dir);
	struct api_cfg cfg = {
		.listen = s->http_listen,
		.port = (uint16_t)s->http_port,
		.tls_cert = s->http_tls ? s->tls_cert : NULL,
		.tls_key = s->http_tls ? s->tls_key : NULL,
		.server_name = s->server_name,
		.max_body = (unsigned)s->http_max_body,
		.max_upload = (unsigned)s->http_max_upload,
		.session_ttl_s = (unsigned)s->login_session_ttl,
		.login_fail_limit = (unsigned)s->login_fail_limit,
		.login_lock_s = (unsigned)s->login_lock_time,
		.login_ip_rate = (unsigned)s->login_ip_rate,
		.workers = 2,
		.webhook_private_ok = s->webhook_private_targets,
		.jobs_dir = jobs_dir,
		.prompts_dir = prompts_dir,
		.prompts_quota_mb = (unsigned)s->prompts_quota,
		.recordings_dir = node_recordings_dir(n),
	};
	struct api_host host = {
		.arg = n,
		.changed = host_changed,
		.extension_changed = host_extension_changed,
		.calls_list = host_calls_list,
		.call_hangup = host_call_hangup,
		.call_originate = host_call_originate,
		.registrations_list = host_registrations_list,
		.metrics = host_metrics,
	};
	char err[256];
	int rc;

	if (s->http_tls && !(s->tls_cert && *s->tls_cert)) {
		log_error("api", "http_tls needs tls_cert and tls_key");
		return EINVAL;
	}
	if ((rc = api_new(&n->api, n->loop, n->store, &cfg, &host, err, sizeof(err))))
		log_error("api", "%s", err);
	return rc;
}

/* Events of calls from the journal and CDR hooks (node/calls.c). */
void node_api_call_event(struct node *n, const char *type, const struct store_cdr_row *r)
{
	if (!n->api || n->api_detached)
		return;
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "id", r->uuid, "call_id", r->call_id,
			      "caller", r->caller, "callee", r->callee, "direction", r->direction,
			      "start_at", (json_int_t)r->start_at);
	if (r->answer_at)
		json_object_set_new(d, "answer_at", json_integer(r->answer_at));
	if (!strcmp(type, "call.ended")) {
		json_object_set_new(d, "disposition", json_string(r->disposition));
		json_object_set_new(d, "hangup_cause", json_string(r->hangup_cause));
		json_object_set_new(d, "billsec", json_integer(r->billsec));
		if (r->recording[0])
			json_object_set_new(d, "recording", json_string(r->recording));
	}
	api_event(n->api, r->tenant_id, type, d);
}

void node_api_registration_event(struct node *n, const char *what, const struct sip_contact *c)
{
	if (!n->api || n->api_detached)
		return;
	api_event(n->api, c->aor->tenant_id, "registration.changed",
		  json_pack("{s:s,s:s,s:s}", "extension", c->aor->user, "contact", c->uri, "change",
			    what));
}

void node_api_close(struct node *n)
{
	api_destroy(n->api);
	n->api = NULL;
}
