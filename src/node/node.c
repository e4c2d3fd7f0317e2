/*
 * The node's life: settings, start-up order, signals, periodic housekeeping,
 * reload and the graceful stop. Start: store (migrations), directory, demo
 * tenant, SIP state and restored registrations, transports, control socket.
 * Stop: the reverse, after the store has written everything queued.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "core/time.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/lists.h"
#include "node/recording.h"
#include "node/scenarios.h"
#include "api/api.h"
#include "node/trunks.h"
#include "sip/auth.h"
#include "sip/flood.h"
#include "sip/registrar.h"
#include "sip/stack.h"
#include "store/store.h"

enum { GC_INTERVAL_MS = 5000, PURGE_EVERY_GC = 12, ANALYZE_EVERY_GC = 720 /* an hour */ };

int node_settings_read(struct settings *s, const char *conf_path, char **overrides, int n,
		       char *err, size_t errlen)
{
	int rc = 0;

	settings_defaults(s);
	if (conf_path)
		rc = conf_load_file(settings_table, s, conf_path, err, errlen);
	for (int i = 0; !rc && i < n; i++)
		rc = conf_set_pair(settings_table, s, overrides[i], err, errlen);
	if (!rc)
		rc = settings_finish(s, err, errlen);
	if (!rc) {
		enum log_level lvl;
		if (log_level_parse(s->log_level, &lvl)) {
			snprintf(err, errlen, "log_level '%s': use error, warn, notice, info or debug",
				 s->log_level);
			rc = EINVAL;
		}
	}
	if (rc)
		settings_free(s);
	return rc;
}

static void registrar_cfg(const struct settings *s, struct sip_registrar_cfg *c)
{
	c->min_expires = (unsigned)s->reg_min_expires;
	c->max_expires = (unsigned)s->reg_max_expires;
	c->default_expires = (unsigned)s->reg_default_expires;
	c->max_contacts = (unsigned)s->reg_max_contacts;
}

static void on_gc(void *arg)
{
	struct node *n = arg;
	uint64_t now = loop_now(n->loop);

	sip_auth_gc(n->auth, now);
	sip_flood_gc(n->flood, now);
	if (++n->gc_ticks % PURGE_EVERY_GC == 0)
		node_regstore_purge(n);
	if (n->gc_ticks % ANALYZE_EVERY_GC == 0)
		store_submit(n->store, store_analyze, NULL, NULL);
	loop_timer_start(n->loop, &n->gc, GC_INTERVAL_MS, on_gc, n);
}

static void on_signal(int fd, unsigned events, void *arg)
{
	struct node *n = arg;
	struct signalfd_siginfo si;
	char err[512];

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_reopen();
			if (node_reload(n, err, sizeof(err)))
				log_error("node", "reload failed, old settings kept: %s", err);
		} else {
			node_stop(n);
		}
	}
}

static int open_signals(struct node *n)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked before any thread starts, so only the signalfd sees them. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return errno;
	n->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (n->sigfd < 0)
		return errno;
	return loop_fd_add(n->loop, n->sigfd, LOOP_READ, on_signal, n);
}

static int open_store(struct node *n)
{
	char err[512];
	int rc = store_open(&n->store, n->loop, n->set.db, err, sizeof(err));

	if (rc) {
		log_error("store", "%s", err);
		return rc;
	}
	directory_new(&n->dir);
	rc = directory_load(n->dir, n->store);
	if (rc) {
		log_error("store", "loading tenants and extensions: %s", strerror(rc));
		return rc;
	}
	return 0;
}

static int open_sip(struct node *n)
{
	const struct settings *s = &n->set;
	struct sip_auth_cfg ac = {
		.nonce_ttl_s = (unsigned)s->auth_nonce_ttl,
		.fail_limit = (unsigned)s->auth_fail_limit,
		.fail_window_s = (unsigned)s->auth_fail_window,
		.ban_s = (unsigned)s->auth_ban_time,
		.secret = s->auth_secret,
		.md5_only = !s->auth_sha256,
	};
	struct sip_transport_cfg tc = {
		.max_conns = (size_t)s->tcp_max_conns,
		.max_conns_per_ip = (size_t)s->tcp_max_conns_per_ip,
		.idle_timeout_s = (unsigned)s->tcp_idle_timeout,
		.frame_timeout_s = (unsigned)s->tcp_frame_timeout,
		.udp_sockbuf = (size_t)s->udp_sockbuf,
		.tls_cert_file = s->tls_cert,
		.tls_key_file = s->tls_key,
		.tls_ca_file = s->tls_ca,
	};
	struct sip_stack_cfg sc = {
		.t1_ms = (unsigned)s->sip_t1_ms,
		.t2_ms = (unsigned)s->sip_t2_ms,
		.t4_ms = (unsigned)s->sip_t4_ms,
		.server_name = s->server_name,
	};
	struct sip_registrar_cfg rc;
	int err;

	if ((err = sip_auth_new(&n->auth, &ac)) ||
	    (err = sip_flood_new(&n->flood, (unsigned)s->sip_flood_rate,
				 (unsigned)s->sip_flood_burst, (unsigned)s->sip_flood_ban)))
		return err;
	sip_location_new(&n->loc, n->loop, node_regstore_change, n);
	sip_location_set_ping(n->loc, (unsigned)s->reg_keepalive, node_keepalive_ping, n);
	registrar_cfg(s, &rc);
	sip_registrar_new(&n->reg, n->loc, &rc);
	if ((err = sip_transport_new(&n->tp, n->loop, &tc, node_sip_recv, n))) {
		log_error("sip", "transport: %s", strerror(err));
		return err;
	}
	if ((err = sip_stack_new(&n->stack, n->loop, n->tp, &sc, node_sip_request, node_sip_bad,
				 n)))
		return err;
	sip_stack_set_max_server_tsx(n->stack, (size_t)s->sip_max_transactions);
	node_regstore_restore(n);
	if ((err = node_scenarios_load(n)))
		log_error("scenario", "loading scenarios: %s", strerror(err));
	if ((err = node_lists_load(n)))
		log_error("node", "loading number lists: %s", strerror(err));
	if ((err = node_recordings_open(n)))
		return err;
	if ((err = node_calls_open(n)))
		return err;
	node_recordings_attach(n);
	if ((err = node_listen(n)))
		return err;
	/* after the listeners: registrations put their local address in Contact */
	if ((err = node_trunks_load(n)))
		log_error("trunk", "loading trunks: %s", strerror(err));
	return err;
}

int node_open(struct node *n)
{
	enum log_level lvl = LL_INFO;
	int err;

	n->sigfd = -1;
	n->started_ms = time_wall_ms();
	timer_init(&n->gc);
	timer_init(&n->stop_poll);
	timer_init(&n->heartbeat);
	log_level_parse(n->set.log_level, &lvl);
	log_set_level(lvl);
	if (n->set.log_file && *n->set.log_file && (err = log_open_file(n->set.log_file))) {
		fprintf(stderr, "zvonar: cannot open log file %s: %s\n", n->set.log_file,
			strerror(err));
		return err;
	}
	if ((err = loop_new(&n->loop)) || (err = open_signals(n)))
		return err;
	if ((err = open_store(n)) || (err = open_sip(n)))
		return err;
	if ((err = node_api_open(n)) || (err = node_demo_create(n)))
		return err;
	if ((err = ctl_open(&n->ctl, n->loop, n->set.ctl_socket, node_commands, n))) {
		log_error("node", "control socket %s: %s", n->set.ctl_socket, strerror(err));
		return err;
	}
	loop_timer_start(n->loop, &n->gc, GC_INTERVAL_MS, on_gc, n);
	log_notice("node", "ready: %zu tenant(s), %zu extension(s), %u registered contact(s); "
			   "control socket %s; API port %u",
		   directory_tenant_count(n->dir), directory_user_count(n->dir),
		   sip_location_count(n->loc), n->set.ctl_socket, n->api ? api_port(n->api) : 0);
	return 0;
}

int node_run(struct node *n)
{
	int err = loop_run(n->loop);
	if (err)
		log_error("node", "event loop: %s", strerror(err));
	return err ? 1 : 0;
}

void node_stop(struct node *n)
{
	if (n->stopping) {
		log_notice("node", "second stop request: stopping now");
		loop_stop(n->loop);
		return;
	}
	n->stopping = true;
	/* New INVITEs get 503 from here on; the loop ends when the last call has. */
	log_notice("node", "stopping: new calls refused");
	node_calls_drain(n);
}

int node_reload(struct node *n, char *err, size_t errlen)
{
	struct settings s;
	struct sip_registrar_cfg rc;
	enum log_level lvl;
	int rcode = node_settings_read(&s, n->conf_path, n->overrides, n->noverrides, err, errlen);

	if (rcode)
		return rcode;
	if ((rcode = directory_load(n->dir, n->store))) {
		snprintf(err, errlen, "tenant directory: %s", strerror(rcode));
		settings_free(&s);
		return rcode;
	}
	if ((rcode = node_trunks_load(n)))
		log_error("trunk", "reloading trunks: %s", strerror(rcode));
	if ((rcode = node_scenarios_load(n)))
		log_error("scenario", "reloading scenarios: %s", strerror(rcode));
	if ((rcode = node_lists_load(n)))
		log_error("node", "reloading number lists: %s", strerror(rcode));
	rcode = 0;
	log_level_parse(s.log_level, &lvl);
	log_set_level(lvl);
	registrar_cfg(&s, &rc);
	sip_registrar_set_cfg(n->reg, &rc);
	/* Listen addresses, ports, TLS files and limits take effect at the next start. */
	settings_free(&n->set);
	n->set = s;
	log_notice("node", "reloaded: %zu tenant(s), %zu extension(s)",
		   directory_tenant_count(n->dir), directory_user_count(n->dir));
	return 0;
}

void node_close(struct node *n)
{
	n->api_detached = true; /* replies still owed are sent, but touch nothing below */
	timer_cancel(&n->gc);
	ctl_close(n->ctl);
	timer_cancel(&n->stop_poll);
	node_calls_close(n); /* BYEs and CDRs of calls still up */
	node_scenarios_close(n);
	node_lists_close(n);
	node_trunks_close(n); /* un-REGISTERs */
	sip_stack_destroy(n->stack);
	/* Contacts hold connection refs: they go before the transport that owns the sockets. */
	sip_registrar_destroy(n->reg);
	sip_location_destroy(n->loc);
	sip_transport_destroy(n->tp);
	node_media_close(n);
	sip_auth_destroy(n->auth);
	sip_flood_destroy(n->flood);
	if (n->store)
		store_close(n->store);
	node_api_close(n); /* after the store: its completions hold API requests */
	node_recordings_close(n); /* after the store: its retention jobs are done */
	directory_destroy(n->dir);
	if (n->sigfd >= 0) {
		loop_fd_del(n->loop, n->sigfd);
		close(n->sigfd);
	}
	loop_destroy(n->loop);
	settings_free(&n->set);
	log_notice("node", "stopped");
}
