/*
 * A zvonar node: the objects of one server process and the order in which they
 * start and stop. Everything here lives on the control thread.
 */
#ifndef NODE_NODE_H
#define NODE_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/log.h"
#include "core/timer.h"
#include "node/ctl.h"
#include "node/settings.h"
#include "sip/location.h"
#include "sip/msg.h"
#include "sip/transport.h"

struct api;
struct call_engine;
struct sip_contact;
struct store_cdr_row;
struct ctl;
struct dir_tenant;
struct dir_user;
struct media_engine;
struct node_trunks;
struct node_scenarios;
struct node_lists;
struct node_recordings;
struct directory;
struct loop;
struct sip_auth;
struct sip_flood;
struct sip_location;
struct sip_registrar;
struct sip_stack;
struct sip_tsx;
struct store;

/* Requests counted by method for metrics; the last slot is every other method. */
enum { NODE_SIP_METHODS = 11 };
extern const char *const node_sip_method_names[NODE_SIP_METHODS];

struct node_stats {
	uint64_t flood_dropped, banned_dropped, challenges, auth_ok, auth_failed, forbidden;
	uint64_t registers_ok, options_answered, pings_sent, pings_failed;
	uint64_t requests[NODE_SIP_METHODS];
};

struct node {
	struct settings set;     /* owned */
	const char *conf_path;   /* borrowed (argv) or NULL: embedded defaults */
	char **overrides;        /* borrowed (argv): -o pairs, re-applied on reload */
	int noverrides;
	struct loop *loop;       /* owned */
	struct store *store;     /* owned */
	struct directory *dir;   /* owned */
	struct sip_transport *tp;    /* owned */
	struct sip_stack *stack;     /* owned */
	struct sip_auth *auth;       /* owned */
	struct sip_flood *flood;     /* owned */
	struct sip_location *loc;    /* owned */
	struct sip_registrar *reg;   /* owned */
	struct ctl *ctl;             /* owned */
	struct media_engine *media;  /* owned */
	struct call_engine *calls;   /* owned */
	struct node_trunks *trunks;  /* owned */
	struct node_scenarios *scenarios; /* owned: the active scenarios, parsed */
	struct node_lists *lists;    /* owned: black and white lists */
	struct node_recordings *recs;     /* owned: recording settings, mailboxes (recording.c) */
	struct api *api;             /* owned */
	bool api_detached;           /* shutting down: API callbacks no longer reach the node */
	uint64_t calls_started;
	struct timer heartbeat, stop_poll;
	uint64_t stop_deadline_ms;
	struct timer gc;
	unsigned gc_ticks;
	int sigfd;
	bool stopping;
	uint64_t started_ms; /* wall clock */
	struct node_stats stats;
	struct log_limit bad_log;
	/* Call-IDs whose credentials failed lately (hash, time ms), direct-mapped: a client that
	 * keeps answering challenges wrongly on one Call-ID gets 403 rather than a new one. */
	struct {
		uint32_t hash;
		uint64_t at_ms;
	} auth_repeat[1024];
};

/* Builds the settings from defaults, the file (when conf_path is set) and the -o pairs. */
int node_settings_read(struct settings *s, const char *conf_path, char **overrides, int n,
		       char *err, size_t errlen);

/* Opens everything in order (store, directory, SIP) and logs "ready". 0 or an errno. */
int node_open(struct node *n);
/* Runs the loop until a graceful stop has finished; the process's exit status. */
int node_run(struct node *n);
void node_close(struct node *n);
/* Starts a graceful stop: new calls refused, running ones awaited up to stop_timeout. */
void node_stop(struct node *n);
/* Re-reads the settings that can change at run time and the tenant directory. */
int node_reload(struct node *n, char *err, size_t errlen);

/* node/listen.c: binds every SIP listener the settings ask for. */
int node_listen(struct node *n);

/* node/sip_service.c: the SIP request handler and the transport's receive hook. */
void node_sip_recv(const char *data, size_t len, const struct sip_peer *from, void *arg);
void node_sip_request(struct sip_stack *st, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from, void *arg);
void node_sip_bad(struct sip_stack *st, const struct sip_peer *from, const char *reason,
		  uint16_t status, void *arg);

/* node/regstore.c: location changes written to the store; bindings restored at start-up. */
void node_regstore_change(enum sip_location_change what, const struct sip_contact *c, void *arg);
int node_regstore_restore(struct node *n);
void node_regstore_purge(struct node *n);

/* node/keepalive.c: OPTIONS pings to registered contacts (NAT keep-alive, dead phones). */
void node_keepalive_ping(struct sip_contact *c, void *arg);

/* node/commands.c: the zvonarctl command table. */
extern const struct ctl_command node_commands[];

/* node/calls.c: media and call engines, CDRs, the callee of an INVITE, waiting for calls. */
int node_calls_open(struct node *n);
void node_calls_close(struct node *n);
void node_media_close(struct node *n);
void node_call_invite(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from, const struct dir_tenant *t,
		      const struct dir_user *caller);
/* Stops the loop once no call is left, or after stop_timeout. */
void node_calls_drain(struct node *n);

/* node/trunk_commands.c: zvonarctl trunk/number/route add|del|list. */
ctl_cmd_fn node_cmd_trunk_add, node_cmd_trunk_del, node_cmd_trunk_list;
ctl_cmd_fn node_cmd_number_add, node_cmd_number_del, node_cmd_number_list;
ctl_cmd_fn node_cmd_route_add, node_cmd_route_del, node_cmd_route_list;

/* node/api_commands.c: zvonarctl audit verify, user password, user owner. */
ctl_cmd_fn node_cmd_audit_verify, node_cmd_user_password, node_cmd_user_owner;

/* node/calls.c, trunks: a call the provider sends us, and ours to it. */
struct node_trunk;
void node_call_inbound(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
		       const struct sip_peer *from, const struct node_trunk *trunk);

/* node/api_host.c: the REST API with the node as its host; events of calls and phones. */
int node_api_open(struct node *n);
void node_api_close(struct node *n);
void node_api_call_event(struct node *n, const char *type, const struct store_cdr_row *r);
void node_api_registration_event(struct node *n, const char *what, const struct sip_contact *c);

/* node/demo.c: the demo tenant with extensions 100-102 on a first start. */
int node_demo_create(struct node *n);

/* node/accounts.c: tenants and extensions changed in the store, then in the directory. */
int node_extension_add(struct node *n, const char *tenant, const char *number,
		       const char *password, char *err, size_t errlen);
int node_extension_del(struct node *n, const char *tenant, const char *number, char *err,
		       size_t errlen);
int node_extension_caller_id(struct node *n, const char *tenant, const char *number,
			     const char *cid, char *err, size_t errlen);
int node_tenant_add(struct node *n, const char *name, const char *domain, int64_t *id, char *err,
		    size_t errlen);

#endif
