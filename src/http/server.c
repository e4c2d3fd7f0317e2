/*
 * The HTTP server on our loop: MHD's epoll fd is one fd in the control loop and
 * MHD_run is called when it is readable or MHD's own timeout comes. A handler
 * that does not reply at once leaves the connection suspended until it does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"
#include "http/http_int.h"

/* Matches pattern segments against the path; {name} captures one segment. */
static bool route_match(const struct http_route *rt, const char *path, struct http_req *r)
{
	const char *p = rt->pattern, *u = path;

	r->nparams = 0;
	while (*p) {
		if (*p == '{') {
			const char *pe = strchr(p, '}'), *ue = strchr(u, '/');
			size_t ulen = ue ? (size_t)(ue - u) : strlen(u);
			if (!pe || ulen == 0 || r->nparams == HTTP_MAX_PARAMS)
				return false;
			r->pnames[r->nparams] = xstrndup(p + 1, (size_t)(pe - p - 1));
			r->pvals[r->nparams++] = xstrndup(u, ulen);
			p = pe + 1;
			u += ulen;
			continue;
		}
		if (*p++ != *u++)
			return false;
	}
	return *u == '\0' || (rt->flags & HTTP_ROUTE_PREFIX);
}

static void params_clear(struct http_req *r)
{
	for (int i = 0; i < r->nparams; i++) {
		free(r->pnames[i]);
		free(r->pvals[i]);
	}
	r->nparams = 0;
}

static void dispatch(struct http_req *r)
{
	struct http_server *s = r->s;
	bool path_known = false;

	for (const struct http_route *rt = s->routes; rt->method; rt++) {
		bool m = route_match(rt, r->path, r);
		if (m && !strcmp(rt->method, r->method)) {
			r->route = rt;
			rt->fn(r, s->arg);
			return;
		}
		path_known |= m;
		params_clear(r);
	}
	if (path_known)
		http_reply_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method,
				 r->path);
	else
		http_reply_error(r, 404, "not_found", "no such resource: %s", r->path);
}

static void client_ip(struct http_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(r->ip, sizeof(r->ip), "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip, sizeof(r->ip));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->ip,
			  sizeof(r->ip));
}

/* The body cap of the request's route, known before its body arrives: uploads get more. */
static size_t body_cap(struct http_server *s, struct http_req *r)
{
	size_t cap = s->max_body;

	for (const struct http_route *rt = s->routes; rt->method; rt++) {
		bool m = (rt->flags & HTTP_ROUTE_UPLOAD) && !strcmp(rt->method, r->method) &&
			 route_match(rt, r->path, r);
		params_clear(r);
		if (m && s->max_upload > cap)
			cap = s->max_upload;
	}
	return cap;
}

static struct http_req *req_new(struct http_server *s, struct MHD_Connection *c, const char *url,
				const char *method)
{
	struct http_req *r = xcalloc(1, sizeof(*r));

	r->s = s;
	r->c = c;
	r->method = method;
	r->path = xstrdup(url);
	r->start_ms = time_mono_ms();
	buf_init(&r->body, body_cap(s, r));
	client_ip(r);
	s->stats.requests++;
	return r;
}

static void req_free(struct http_req *r)
{
	params_clear(r);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->hnames[i]);
		free(r->hvals[i]);
	}
	if (r->resp)
		MHD_destroy_response(r->resp);
	buf_free(&r->body);
	free(r->path);
	free(r);
}

static enum MHD_Result queue_reply(struct http_req *r)
{
	enum MHD_Result ok = MHD_queue_response(r->c, r->status, r->resp);

	MHD_destroy_response(r->resp);
	r->resp = NULL;
	return ok;
}

static void pending_unlink(struct http_req *r)
{
	if (!r->prevp)
		return;
	*r->prevp = r->next;
	if (r->next)
		r->next->prevp = r->prevp;
	r->next = NULL;
	r->prevp = NULL;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *r = *con_cls;

	if (!r) {
		*con_cls = req_new(s, c, url, method);
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->too_big && buf_append(&r->body, upload, *upload_size))
			r->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->resp)
		return queue_reply(r);
	if (r->dispatched)
		return MHD_YES;
	r->dispatched = true;
	if (r->too_big)
		http_reply_error(r, 413, "too_large", "the body is over %zu bytes", r->body.max);
	else
		dispatch(r);
	if (r->resp)
		return queue_reply(r);
	if (!r->replied) {
		MHD_suspend_connection(c);
		r->next = s->pending;
		if (r->next)
			r->next->prevp = &r->next;
		r->prevp = &s->pending;
		s->pending = r;
	}
	return MHD_YES;
}

static void run_mhd(struct http_server *s);

static void on_kick(void *arg)
{
	struct http_server *s = arg;
	s->kick_pending = false;
	run_mhd(s);
}

/* A resumed connection is only served by the next MHD_run: make it now, not at the tick. */
static void server_kick(struct http_server *s)
{
	if (s->kick_pending)
		return;
	s->kick_pending = true;
	loop_defer(s->loop, on_kick, s);
}

/* Called by http_reply once the response exists: a suspended connection wakes up. */
void http_req_finish_reply(struct http_req *r, struct MHD_Response *resp, unsigned status)
{
	r->replied = true;
	if (!r->c) { /* detached: nobody to send it to */
		MHD_destroy_response(resp);
		req_free(r);
		return;
	}
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->hnames[i], r->hvals[i]);
	r->resp = resp;
	r->status = status;
	http_stats_count(r->s, status, r->start_ms);
	if (r->prevp) {
		pending_unlink(r);
		MHD_resume_connection(r->c);
		server_kick(r->s);
	}
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct http_req *r = *con_cls;

	if (!r)
		return;
	*con_cls = NULL;
	r->done_by_mhd = true;
	http_ws_request_done(r, (int)why);
	if (r->dispatched && !r->replied) { /* a reply is still owed by someone: detach */
		pending_unlink(r);
		r->c = NULL;
		r->s = NULL;
		return;
	}
	req_free(r);
}

static void on_tick(void *arg)
{
	run_mhd(arg);
}

static void run_mhd(struct http_server *s)
{
	MHD_UNSIGNED_LONG_LONG ms = 1000;

	MHD_run(s->d);
	if (MHD_get_timeout(s->d, &ms) != MHD_YES || ms > 1000)
		ms = 1000;
	timer_cancel(&s->tick);
	loop_timer_start(s->loop, &s->tick, ms, on_tick, s);
}

static void on_epoll(int fd, unsigned events, void *arg)
{
	run_mhd(arg);
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return b.data ? b.data : xstrdup("");
}

static int server_start(struct http_server *s, const struct http_cfg *cfg, struct sockaddr *sa,
			char *err, size_t errlen)
{
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE |
			 MHD_USE_ERROR_LOG;
	bool tls = cfg->tls_cert && *cfg->tls_cert && cfg->tls_key && *cfg->tls_key;

	if (sa->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (tls) {
		if (!(s->cert_pem = read_file(cfg->tls_cert, err, errlen)) ||
		    !(s->key_pem = read_file(cfg->tls_key, err, errlen)))
			return ENOENT;
		flags |= MHD_USE_TLS;
	}
	s->d = MHD_start_daemon(
		flags, cfg->port, NULL, NULL, on_access, s, MHD_OPTION_SOCK_ADDR, sa,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)cfg->timeout_s, MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_conns_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->cert_pem,
		MHD_OPTION_HTTPS_MEM_KEY, s->key_pem, MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot start HTTP%s on %s port %u (in use or bad TLS files?)",
			 tls ? "S" : "", cfg->listen, cfg->port);
		return EADDRINUSE;
	}
	return 0;
}

static int parse_listen(const char *ip, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		return 0;
	}
	return EINVAL;
}

int http_server_new(struct http_server **sp, struct loop *loop, const struct http_cfg *cfg,
		    const struct http_route *routes, void *arg, char *err, size_t errlen)
{
	struct http_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	int rc;

	s->loop = loop;
	s->routes = routes;
	s->arg = arg;
	s->max_body = cfg->max_body;
	s->max_upload = cfg->max_upload;
	timer_init(&s->tick);
	if (parse_listen(cfg->listen, cfg->port, &ss)) {
		snprintf(err, errlen, "http_listen '%s' is not an IP address", cfg->listen);
		rc = EINVAL;
		goto fail;
	}
	if ((rc = server_start(s, cfg, (struct sockaddr *)&ss, err, errlen)))
		goto fail;
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	s->epfd = di ? di->epoll_fd : -1;
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : cfg->port;
	if (s->epfd < 0 || (rc = loop_fd_add(loop, s->epfd, LOOP_READ, on_epoll, s))) {
		snprintf(err, errlen, "cannot watch the HTTP server's epoll fd");
		rc = rc ? rc : EIO;
		goto fail;
	}
	run_mhd(s);
	*sp = s;
	return 0;
fail:
	http_server_destroy(s);
	return rc;
}

void http_server_destroy(struct http_server *s)
{
	if (!s)
		return;
	timer_cancel(&s->tick);
	/* Suspended connections must be resumed before MHD stops; their owed replies detach. */
	while (s->pending) {
		struct http_req *r = s->pending;
		pending_unlink(r);
		MHD_resume_connection(r->c);
	}
	if (s->d) {
		loop_fd_del(s->loop, s->epfd);
		MHD_stop_daemon(s->d);
	}
	free(s->cert_pem);
	free(s->key_pem);
	free(s);
}

uint16_t http_server_port(const struct http_server *s)
{
	return s->port;
}

const struct http_stats *http_server_stats(const struct http_server *s)
{
	return &s->stats;
}
