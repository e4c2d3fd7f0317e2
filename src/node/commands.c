/* The zvonarctl commands: one function each, listed in node_commands[]. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call.h"
#include "core/loop.h"
#include "core/time.h"
#include "node/directory.h"
#include "node/node.h"
#include "sip/flood.h"
#include "sip/stack.h"
#include "store/cdr_csv.h"
#include "store/cdrs.h"
#include "store/store.h"

static int usage(struct buf *out, const char *text)
{
	buf_printf(out, "usage: %s\n", text);
	return 1;
}

struct reg_list {
	struct node *n;
	struct buf *out;
	uint64_t now;
	unsigned count;
};

static void reg_line(const struct sip_aor *aor, const struct sip_contact *c, void *arg)
{
	struct reg_list *l = arg;
	const struct dir_tenant *t = directory_tenant_by_id(l->n->dir, aor->tenant_id);
	char src[SA_ADDRSTRLEN];
	uint64_t left = c->expires_at > l->now ? c->expires_at - l->now : 0;

	buf_printf(l->out, "%-12s %-10s %-48s %-4s %-22s %6llus  %s\n", t ? t->row.name : "?",
		   aor->user, c->uri, sip_proto_name(c->peer.proto),
		   sa_str(&c->peer.addr, src, sizeof(src)), (unsigned long long)left,
		   c->user_agent ? c->user_agent : "");
	l->count++;
}

static int cmd_show_registrations(void *arg, int argc, char **argv, struct buf *out)
{
	struct reg_list l = { arg, out, time_wall_ms() / 1000u, 0 };

	buf_printf(out, "%-12s %-10s %-48s %-4s %-22s %7s  %s\n", "TENANT", "USER", "CONTACT",
		   "VIA", "SOURCE", "EXPIRES", "USER-AGENT");
	sip_location_foreach(l.n->loc, reg_line, &l);
	buf_printf(out, "%u contact(s)\n", l.count);
	return 0;
}

static int cmd_show_stats(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct sip_stack_stats ss;
	struct sip_transport_stats ts;

	sip_stack_stats(n->stack, &ss);
	sip_transport_stats(n->tp, &ts);
	buf_printf(out, "uptime_s %llu\n",
		   (unsigned long long)((time_wall_ms() - n->started_ms) / 1000u));
	buf_printf(out, "tenants %zu\nextensions %zu\nregistered_contacts %u\n",
		   directory_tenant_count(n->dir), directory_user_count(n->dir),
		   sip_location_count(n->loc));
	buf_printf(out, "sip_requests_in %llu\nsip_responses_out %llu\nsip_parse_errors %llu\n",
		   (unsigned long long)ss.requests_in, (unsigned long long)ss.responses_out,
		   (unsigned long long)ss.parse_errors);
	buf_printf(out, "sip_retrans_absorbed %llu\nsip_retrans_sent %llu\nsip_tsx_timeouts %llu\n",
		   (unsigned long long)ss.retrans_absorbed, (unsigned long long)ss.retrans_sent,
		   (unsigned long long)ss.tsx_timeouts);
	buf_printf(out, "sip_server_tsx %zu\nsip_client_tsx %zu\n", ss.server_tsx, ss.client_tsx);
	buf_printf(out, "transport_rx_msgs %llu\ntransport_tx_msgs %llu\ntransport_bad_frames %llu\n",
		   (unsigned long long)ts.rx_msgs, (unsigned long long)ts.tx_msgs,
		   (unsigned long long)ts.bad_frames);
	buf_printf(out, "stream_conns_open %zu\nstream_conns_refused %llu\nstream_conns_timed_out %llu\n",
		   ts.conns_open, (unsigned long long)ts.conns_refused,
		   (unsigned long long)ts.conns_timed_out);
	buf_printf(out, "auth_challenges %llu\nauth_ok %llu\nauth_failed %llu\nauth_forbidden %llu\n",
		   (unsigned long long)n->stats.challenges, (unsigned long long)n->stats.auth_ok,
		   (unsigned long long)n->stats.auth_failed, (unsigned long long)n->stats.forbidden);
	buf_printf(out, "dropped_flood %llu\ndropped_banned %llu\nflood_sources %zu\n",
		   (unsigned long long)n->stats.flood_dropped,
		   (unsigned long long)n->stats.banned_dropped, sip_flood_count(n->flood));
	buf_printf(out, "registers_ok %llu\noptions_answered %llu\nkeepalive_pings %llu\n"
			"keepalive_removed %llu\n",
		   (unsigned long long)n->stats.registers_ok,
		   (unsigned long long)n->stats.options_answered,
		   (unsigned long long)n->stats.pings_sent, (unsigned long long)n->stats.pings_failed);
	buf_printf(out, "store_queue_depth %zu\nstore_batches %llu\n", store_queue_depth(n->store),
		   (unsigned long long)store_batch_count(n->store));
	buf_printf(out, "calls %zu\n", call_count(n->calls));
	buf_printf(out, "stopping %s\n", n->stopping ? "yes" : "no");
	return 0;
}

static int cmd_show_calls(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	call_list(n->calls, out);
	return 0;
}

struct cdr_list {
	struct node *n;
	struct buf *out;
	bool csv;
};

static int cdr_line(const struct store_cdr_row *r, void *arg)
{
	struct cdr_list *l = arg;
	const struct dir_tenant *t = directory_tenant_by_id(l->n->dir, r->tenant_id);
	char when[32];

	if (l->csv) {
		store_cdr_csv_line(r, t ? t->row.name : "", l->out);
		return 0;
	}

	time_iso8601((uint64_t)r->start_at, when, sizeof(when));
	buf_printf(l->out, "%s %-10s %-8s -> %-8s %-11s %5llds %-24s %-6s %s", when,
		   t ? t->row.name : "?", r->caller, r->callee, r->disposition,
		   (long long)r->billsec, r->hangup_cause, r->hangup_side, r->codec);
	if (r->quality[0].has_quality || r->quality[1].has_quality)
		buf_printf(l->out, " mos %.2f/%.2f", r->quality[0].mos, r->quality[1].mos);
	buf_puts(l->out, "\n");
	return 0;
}

struct cdr_job {
	int64_t tenant_id;
	unsigned limit;
	struct cdr_list list;
	int err;
};

static void cdr_list_op(struct db *db, void *arg)
{
	struct cdr_job *job = arg;
	job->err = store_cdr_list(db, job->tenant_id, job->limit, cdr_line, &job->list);
}

static int cdr_query(struct node *n, int argc, char **argv, struct buf *out, bool csv)
{
	struct cdr_job job = { .limit = csv ? 1000000 : 20, .list = { n, out, csv } };
	const struct dir_tenant *t;

	if (argc >= 1) {
		if (!(t = directory_tenant_by_name(n->dir, argv[0])))
			return buf_printf(out, "no tenant named '%s'\n", argv[0]), 1;
		job.tenant_id = t->row.id;
	}
	if (argc == 2)
		job.limit = (unsigned)strtoul(argv[1], NULL, 10);
	if (store_run_sync(n->store, cdr_list_op, &job) || job.err)
		return buf_printf(out, "cannot read CDRs\n"), 1;
	return 0;
}

static int cmd_show_cdrs(void *arg, int argc, char **argv, struct buf *out)
{
	if (argc > 2)
		return usage(out, "show cdrs [<tenant> [<count>]]");
	return cdr_query(arg, argc, argv, out, false);
}

static int cmd_cdr_export(void *arg, int argc, char **argv, struct buf *out)
{
	if (argc > 2)
		return usage(out, "cdr export [<tenant> [<count>]]");
	return cdr_query(arg, argc, argv, out, true);
}

static int cmd_show_settings(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return usage(out, "out of memory");
	conf_dump(settings_table, &n->set, f);
	fclose(f);
	buf_append(out, text, len);
	free(text);
	return 0;
}

static int cmd_extension_add(void *arg, int argc, char **argv, struct buf *out)
{
	char err[256];
	if (argc != 3)
		return usage(out, "extension add <tenant> <number> <password>");
	if (node_extension_add(arg, argv[0], argv[1], argv[2], err, sizeof(err)))
		return buf_printf(out, "%s\n", err), 1;
	buf_puts(out, "ok\n");
	return 0;
}

static int cmd_extension_del(void *arg, int argc, char **argv, struct buf *out)
{
	char err[256];
	if (argc != 2)
		return usage(out, "extension del <tenant> <number>");
	if (node_extension_del(arg, argv[0], argv[1], err, sizeof(err)))
		return buf_printf(out, "%s\n", err), 1;
	buf_puts(out, "ok\n");
	return 0;
}

static int cmd_extension_callerid(void *arg, int argc, char **argv, struct buf *out)
{
	char err[256];
	if (argc != 2 && argc != 3)
		return usage(out, "extension callerid <tenant> <number> [<caller id>]");
	if (node_extension_caller_id(arg, argv[0], argv[1], argc == 3 ? argv[2] : "", err,
				     sizeof(err)))
		return buf_printf(out, "%s\n", err), 1;
	buf_puts(out, "ok\n");
	return 0;
}

struct user_list {
	struct node *n;
	struct buf *out;
};

static void user_line(const struct dir_user *u, void *arg)
{
	struct user_list *l = arg;
	struct sip_aor *aor = sip_location_find(l->n->loc, u->row.tenant_id, str_c(u->row.number));

	buf_printf(l->out, "%-10s %-8s %u contact(s)  %s%s%s\n", u->row.number,
		   u->row.enabled ? "enabled" : "disabled", aor ? aor->ncontacts : 0,
		   u->row.display_name, u->row.caller_id[0] ? " callerid=" : "", u->row.caller_id);
}

static int cmd_extension_list(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct user_list l = { n, out };
	const struct dir_tenant *t;

	if (argc != 1)
		return usage(out, "extension list <tenant>");
	if (!(t = directory_tenant_by_name(n->dir, argv[0])))
		return buf_printf(out, "no tenant named '%s'\n", argv[0]), 1;
	directory_foreach_user(n->dir, t->row.id, user_line, &l);
	return 0;
}

static int cmd_tenant_add(void *arg, int argc, char **argv, struct buf *out)
{
	char err[256];
	if (argc != 2)
		return usage(out, "tenant add <name> <sip-domain>");
	if (node_tenant_add(arg, argv[0], argv[1], NULL, err, sizeof(err)))
		return buf_printf(out, "%s\n", err), 1;
	buf_puts(out, "ok\n");
	return 0;
}

static void tenant_line(const struct dir_tenant *t, void *arg)
{
	buf_printf(arg, "%-16s %s\n", t->row.name, t->row.domain);
}

static int cmd_tenant_list(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	directory_foreach_tenant(n->dir, tenant_line, out);
	return 0;
}

static int cmd_reload(void *arg, int argc, char **argv, struct buf *out)
{
	char err[512];
	if (node_reload(arg, err, sizeof(err)))
		return buf_printf(out, "reload failed: %s\n", err), 1;
	buf_puts(out, "reloaded\n");
	return 0;
}

static int cmd_stop(void *arg, int argc, char **argv, struct buf *out)
{
	node_stop(arg);
	buf_puts(out, "stopping\n");
	return 0;
}

const struct ctl_command node_commands[] = {
	{ "show registrations", NULL, "registered contacts of every tenant", cmd_show_registrations },
	{ "show stats", NULL, "counters: SIP, transports, auth, store", cmd_show_stats },
	{ "show calls", NULL, "calls in progress with their media counters", cmd_show_calls },
	{ "show cdrs", "[<tenant> [<count>]]", "the latest call records", cmd_show_cdrs },
	{ "cdr export", "[<tenant> [<count>]]", "CDRs as CSV in Asterisk Master.csv columns",
	  cmd_cdr_export },
	{ "show settings", NULL, "the settings in effect", cmd_show_settings },
	{ "extension add", "<tenant> <number> <password>", "add a SIP extension", cmd_extension_add },
	{ "extension del", "<tenant> <number>", "delete an extension and its bindings",
	  cmd_extension_del },
	{ "extension callerid", "<tenant> <number> [<caller id>]",
	  "the number it presents on trunk calls (none: the route's or trunk's)",
	  cmd_extension_callerid },
	{ "extension list", "<tenant>", "list a tenant's extensions", cmd_extension_list },
	{ "trunk add", "<tenant> <name> <ip:port> [key=value...]",
	  "add a SIP trunk (user= password= domain= register= expires= callerid= transport=)",
	  node_cmd_trunk_add },
	{ "trunk del", "<tenant> <name>", "delete a trunk", node_cmd_trunk_del },
	{ "trunk list", NULL, "trunks and their registration state", node_cmd_trunk_list },
	{ "number add", "<tenant> <number> <extension> [<trunk>]", "route a DID to an extension",
	  node_cmd_number_add },
	{ "number del", "<number>", "delete a DID", node_cmd_number_del },
	{ "number list", NULL, "DIDs and where they ring", node_cmd_number_list },
	{ "route add", "<tenant> <prefix> <trunk> [strip= prepend= callerid=]",
	  "dial numbers with this prefix through a trunk", node_cmd_route_add },
	{ "route del", "<tenant> <prefix>", "delete an outbound route", node_cmd_route_del },
	{ "route list", NULL, "outbound routes", node_cmd_route_list },
	{ "tenant add", "<name> <sip-domain>", "add a tenant", cmd_tenant_add },
	{ "tenant list", NULL, "list tenants and their SIP domains", cmd_tenant_list },
	{ "audit verify", NULL, "check the audit log's hash chains", node_cmd_audit_verify },
	{ "user password", "<login>", "set a new random password for an API/web login",
	  node_cmd_user_password },
	{ "user owner", "<tenant> <login>", "add an owner login to a tenant", node_cmd_user_owner },
	{ "reload", NULL, "re-read settings and the tenant directory (as SIGHUP)", cmd_reload },
	{ "stop", NULL, "graceful stop (as SIGTERM)", cmd_stop },
	{ NULL, NULL, NULL, NULL },
};
