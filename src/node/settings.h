/* Node settings: every key of the config file, with defaults, in one table. */
#ifndef NODE_SETTINGS_H
#define NODE_SETTINGS_H

#include <stdbool.h>

#include "core/conf.h"

/* Where the shipped music on hold is: installed by make install, or in the source tree. */
#define NODE_MOH_INSTALLED "/usr/share/zvonar/moh/default.wav"
#define NODE_MOH_SOURCE "sounds/moh/default.wav"
/* Prompts shipped with the node (scenarios' "play"), by name: <dir>/<name>.wav */
#define NODE_PROMPTS_INSTALLED "/usr/share/zvonar/prompts"
#define NODE_PROMPTS_SOURCE "sounds/prompts"

struct settings {
	char *sip_listen; /* space-separated addresses; "auto" = this machine's addresses */
	int sip_port;
	int sip_tls_port;
	bool sip_udp, sip_tcp;
	char *tls_cert, *tls_key, *tls_ca;
	char *http_listen;
	int http_port;
	bool http_tls;
	int http_max_body;
	int http_max_upload;
	int login_session_ttl, login_fail_limit, login_lock_time, login_ip_rate;
	bool webhook_private_targets;
	int prompts_quota;
	int rtp_port_min, rtp_port_max;
	char *rtp_bind, *media_ip;
	int media_threads, rtp_timeout, call_no_answer, call_max_duration, session_min_se;
	char *moh_file;
	char *data_dir;
	char *db;
	char *ctl_socket;
	char *log_level;
	char *log_file;
	bool demo;
	char *default_tenant;
	char *server_name;
	int reg_min_expires, reg_max_expires, reg_default_expires, reg_max_contacts;
	int reg_keepalive;
	int auth_nonce_ttl, auth_fail_limit, auth_fail_window, auth_ban_time;
	char *auth_secret;
	bool auth_sha256;
	int sip_flood_rate, sip_flood_burst, sip_flood_ban;
	int tcp_max_conns, tcp_max_conns_per_ip, tcp_idle_timeout, tcp_frame_timeout;
	int sip_t1_ms, sip_t2_ms, sip_t4_ms;
	int udp_sockbuf;
	int sip_max_transactions;
	int stop_timeout;
};

extern const struct conf_def settings_table[];

void settings_defaults(struct settings *s);
void settings_free(struct settings *s);
/* Derived paths (db, ctl socket) filled from data_dir when unset; 0 or EINVAL with err. */
int settings_finish(struct settings *s, char *err, size_t errlen);

#endif
