/* SIP listeners: the addresses of sip_listen ("auto" = this machine's) on UDP, TCP and TLS. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"
#include "node/node.h"

enum { LISTEN_MAX_ADDRS = 64 };

struct addr_set {
	struct sa a[LISTEN_MAX_ADDRS];
	bool required[LISTEN_MAX_ADDRS]; /* named explicitly: failing to bind it is an error */
	size_t n;
};

static void add_addr(struct addr_set *s, const struct sa *sa, bool required)
{
	for (size_t i = 0; i < s->n; i++)
		if (sa_eq_addr(&s->a[i], sa)) {
			s->required[i] |= required;
			return;
		}
	if (s->n < LISTEN_MAX_ADDRS) {
		s->a[s->n] = *sa;
		s->required[s->n++] = required;
	}
}

/* Every up interface address except IPv6 link-local ones (they need a scope to be useful). */
static void add_machine_addrs(struct addr_set *s)
{
	struct ifaddrs *ifs, *i;
	struct sa sa;

	if (getifaddrs(&ifs)) {
		log_warn("sip", "listen auto: getifaddrs: %s", strerror(errno));
		return;
	}
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP))
			continue;
		int fam = i->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		if (fam == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.len = fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		memcpy(&sa.u.ss, i->ifa_addr, sa.len);
		add_addr(s, &sa, false);
	}
	freeifaddrs(ifs);
}

static int parse_listen(const char *list, struct addr_set *s)
{
	char *copy = xstrdup(list), *save = NULL;
	int err = 0;

	for (char *w = strtok_r(copy, " ,\t", &save); w; w = strtok_r(NULL, " ,\t", &save)) {
		struct sa sa;
		if (strcmp(w, "auto") == 0) {
			add_machine_addrs(s);
		} else if (sa_set_cstr(&sa, w, 0) == 0) {
			add_addr(s, &sa, true);
		} else {
			log_error("sip", "sip_listen: '%s' is not a numeric IP address or auto", w);
			err = EINVAL;
		}
	}
	free(copy);
	return err;
}

static int listen_one(struct node *n, enum sip_proto proto, struct sa *sa, bool required)
{
	char text[SA_ADDRSTRLEN];
	int err = sip_transport_listen(n->tp, proto, sa);

	sa_str(sa, text, sizeof(text));
	if (err) {
		if (required)
			log_error("sip", "cannot listen on %s %s: %s", sip_proto_name(proto), text,
				  strerror(err));
		else
			log_warn("sip", "skipping %s %s: %s", sip_proto_name(proto), text,
				 strerror(err));
		return required ? err : 0;
	}
	log_info("sip", "listening on %s %s", sip_proto_name(proto), text);
	return 0;
}

/* Port 0 means "any free one": the first listener's port is then used for the rest. */
static uint16_t bound_port(struct node *n, enum sip_proto proto)
{
	struct sa local;
	return sip_transport_local(n->tp, proto, &local) ? 0 : sa_port(&local);
}

int node_listen(struct node *n)
{
	struct addr_set *s = xcalloc(1, sizeof(*s));
	bool tls = n->set.tls_cert && *n->set.tls_cert;
	uint16_t port = (uint16_t)n->set.sip_port, tls_port = (uint16_t)n->set.sip_tls_port;
	int err = parse_listen(n->set.sip_listen ? n->set.sip_listen : "", s);

	for (size_t i = 0; !err && i < s->n; i++) {
		struct sa sa = s->a[i];
		if (n->set.sip_udp) {
			sa_set_port(&sa, port);
			err = listen_one(n, SIP_PROTO_UDP, &sa, s->required[i]);
			if (!port)
				port = bound_port(n, SIP_PROTO_UDP);
		}
		if (!err && n->set.sip_tcp) {
			sa_set_port(&sa, port);
			err = listen_one(n, SIP_PROTO_TCP, &sa, s->required[i]);
			if (!port)
				port = bound_port(n, SIP_PROTO_TCP);
		}
		if (!err && tls) {
			sa_set_port(&sa, tls_port);
			err = listen_one(n, SIP_PROTO_TLS, &sa, s->required[i]);
			if (!tls_port)
				tls_port = bound_port(n, SIP_PROTO_TLS);
		}
	}
	if (!err && bound_port(n, SIP_PROTO_UDP) == 0 && bound_port(n, SIP_PROTO_TCP) == 0 &&
	    bound_port(n, SIP_PROTO_TLS) == 0) {
		log_error("sip", "no SIP listener could be opened");
		err = EADDRNOTAVAIL;
	}
	free(s);
	return err;
}
