/* The settings table: key, type, default, bounds and the help line of the sample file. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "core/mem.h"
#include "node/settings.h"

#define S(k) #k, CONF_STR, offsetof(struct settings, k)
#define I(k) #k, CONF_INT, offsetof(struct settings, k)
#define B(k) #k, CONF_BOOL, offsetof(struct settings, k)

const struct conf_def settings_table[] = {
	{ S(sip_listen), "127.0.0.1 auto", 0, 0,
	  "SIP listen addresses, space-separated; auto = every address of this machine" },
	{ I(sip_port), "5060", 0, 65535, "SIP port for UDP and TCP (0 = pick a free one)" },
	{ I(sip_tls_port), "5061", 0, 65535, "SIP over TLS port, used when tls_cert and tls_key are set" },
	{ B(sip_udp), "yes", 0, 0, "listen for SIP over UDP" },
	{ B(sip_tcp), "yes", 0, 0, "listen for SIP over TCP" },
	{ S(tls_cert), NULL, 0, 0, "PEM certificate (chain) for SIP-TLS and HTTPS" },
	{ S(tls_key), NULL, 0, 0, "PEM private key for tls_cert" },
	{ S(tls_ca), NULL, 0, 0, "PEM CA bundle to verify TLS peers we connect to" },
	{ S(http_listen), "127.0.0.1", 0, 0, "HTTP API listen address" },
	{ I(http_port), "8080", 0, 65535, "HTTP API port (0 = pick a free one)" },
	{ B(http_tls), "no", 0, 0, "serve the API over HTTPS with tls_cert and tls_key" },
	{ I(http_max_body), "1048576", 1024, 1073741824, "largest request body accepted, bytes" },
	{ I(http_max_upload), "67108864", 1024, 1073741824,
	  "largest audio file accepted for transcription, bytes" },
	{ I(login_session_ttl), "43200", 60, 31536000, "seconds a web login session lasts" },
	{ I(login_fail_limit), "5", 1, 1000, "failed logins in a row before an account is locked" },
	{ I(login_lock_time), "900", 1, 86400, "seconds a locked account stays locked" },
	{ I(login_ip_rate), "20", 0, 100000,
	  "failed logins per minute from one address before 429 (0 = no limit)" },
	{ B(webhook_private_targets), "no", 0, 0,
	  "let webhooks reach loopback, private and link-local addresses (off: no SSRF)" },
	{ I(prompts_quota), "100", 1, 1000000, "megabytes of prompts each tenant may upload" },
	{ I(rtp_port_min), "10000", 1024, 65535, "lowest RTP port" },
	{ I(rtp_port_max), "20000", 1024, 65535, "highest RTP port" },
	{ S(rtp_bind), "0.0.0.0", 0, 0, "address the RTP relay sockets bind to" },
	{ S(media_ip), NULL, 0, 0,
	  "address announced in SDP (behind NAT: the public one); default the SIP local address" },
	{ I(media_threads), "0", 0, 64, "media threads relaying RTP (0 = one per CPU)" },
	{ I(rtp_timeout), "60", 0, 86400, "hang up an answered call without RTP this long (0 = off)" },
	{ S(moh_file), NULL, 0, 0,
	  "music on hold, any WAV; default " NODE_MOH_INSTALLED ", else " NODE_MOH_SOURCE " (the "
	  "source tree's)" },
	{ I(call_no_answer), "60", 0, 3600, "seconds a call may ring before 480 (0 = no limit)" },
	{ I(call_max_duration), "14400", 0, 604800,
	  "seconds an answered call may last (0 = no limit)" },
	{ I(session_min_se), "90", 1, 86400,
	  "shortest session timer interval (RFC 4028 Min-SE) a caller may ask for; shorter gets 422" },
	{ S(data_dir), "./var", 0, 0, "directory for the database, spool files and the control socket" },
	{ S(db), NULL, 0, 0, "database URL (sqlite:PATH); default <data_dir>/zvonar.db" },
	{ S(ctl_socket), NULL, 0, 0, "zvonarctl unix socket; default <data_dir>/zvonar.ctl" },
	{ S(log_level), "info", 0, 0, "error, warn, notice, info or debug" },
	{ S(log_file), NULL, 0, 0, "log to this file instead of stderr (reopened on SIGHUP)" },
	{ B(demo), "yes", 0, 0, "on first start, create tenant demo with extensions 100-102" },
	{ S(default_tenant), "demo", 0, 0,
	  "tenant for requests addressed to an IP address or an unknown domain" },
	{ S(server_name), "zvonar/0.1", 0, 0, "Server and User-Agent header value" },
	{ I(reg_min_expires), "60", 1, 86400, "shortest registration accepted (423 below)" },
	{ I(reg_max_expires), "3600", 1, 604800, "longest registration granted" },
	{ I(reg_default_expires), "600", 1, 604800, "registration time when the phone names none" },
	{ I(reg_max_contacts), "10", 1, 100, "contacts per address of record" },
	{ I(reg_keepalive), "30", 0, 3600,
	  "seconds between OPTIONS pings to UDP contacts; 3 unanswered remove one (0 = off)" },
	{ I(auth_nonce_ttl), "300", 10, 86400, "seconds a digest nonce stays fresh" },
	{ I(auth_fail_limit), "10", 1, 100000, "failed authentications before a ban" },
	{ I(auth_fail_window), "60", 1, 86400, "seconds over which failures are counted" },
	{ I(auth_ban_time), "300", 1, 604800, "seconds a source or user stays banned" },
	{ S(auth_secret), NULL, 0, 0, "nonce secret (32+ chars; shared by nodes); default random" },
	{ B(auth_sha256), "no", 0, 0,
	  "also challenge with SHA-256 (RFC 8760), offered first; many phones then fail" },
	{ I(sip_flood_rate), "300", 0, 1000000, "SIP requests per second per source IP (0 = off)" },
	{ I(sip_flood_burst), "600", 1, 1000000, "burst allowed above sip_flood_rate" },
	{ I(sip_flood_ban), "60", 1, 86400, "seconds a flooding source stays blocked" },
	{ I(tcp_max_conns), "4096", 1, 1000000, "SIP TCP/TLS connections in all" },
	{ I(tcp_max_conns_per_ip), "64", 1, 100000, "SIP TCP/TLS connections per source IP" },
	{ I(tcp_idle_timeout), "900", 1, 86400, "close SIP connections idle this many seconds" },
	{ I(tcp_frame_timeout), "10", 1, 3600, "seconds a peer has to finish a started message" },
	{ I(sip_t1_ms), "500", 10, 10000, "SIP timer T1 (round-trip estimate), ms" },
	{ I(sip_t2_ms), "4000", 100, 60000, "SIP timer T2 (max retransmit interval), ms" },
	{ I(sip_t4_ms), "5000", 100, 60000, "SIP timer T4 (max message lifetime), ms" },
	{ I(sip_max_transactions), "200000", 1000, 10000000,
	  "live server transactions before new requests get 503 (about 2 KB each once answered)" },
	{ I(udp_sockbuf), "4194304", 65536, 268435456, "UDP socket buffer size requested, bytes" },
	{ I(stop_timeout), "30", 0, 86400, "graceful stop: seconds to wait for calls to end" },
	{ NULL, 0, 0, NULL, 0, 0, NULL },
};

void settings_defaults(struct settings *s)
{
	conf_defaults(settings_table, s);
}

void settings_free(struct settings *s)
{
	conf_free(settings_table, s);
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

int settings_finish(struct settings *s, char *err, size_t errlen)
{
	if (!s->data_dir || !*s->data_dir) {
		snprintf(err, errlen, "data_dir must be set");
		return EINVAL;
	}
	if (!s->db || !*s->db) {
		free(s->db);
		s->db = join_path(s->data_dir, "zvonar.db");
	}
	if (!s->ctl_socket || !*s->ctl_socket) {
		free(s->ctl_socket);
		s->ctl_socket = join_path(s->data_dir, "zvonar.ctl");
	}
	if (s->rtp_port_min > s->rtp_port_max) {
		snprintf(err, errlen, "rtp_port_min %d is above rtp_port_max %d", s->rtp_port_min,
			 s->rtp_port_max);
		return EINVAL;
	}
	if (s->reg_min_expires > s->reg_max_expires) {
		snprintf(err, errlen, "reg_min_expires is above reg_max_expires");
		return EINVAL;
	}
	if ((s->tls_cert && *s->tls_cert) != (s->tls_key && *s->tls_key)) {
		snprintf(err, errlen, "tls_cert and tls_key must be set together");
		return EINVAL;
	}
	return 0;
}
