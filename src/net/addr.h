/* Socket addresses (IPv4/IPv6) as one value type. */
#ifndef NET_ADDR_H
#define NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/str.h"

struct sa {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	} u;
	socklen_t len;
};

enum { SA_ADDRSTRLEN = 64 }; /* "[ipv6]:port" plus NUL */

/* Numeric host (IPv4, IPv6 with or without []) and port: 0 or EINVAL. */
int sa_set(struct sa *sa, struct str host, uint16_t port);
int sa_set_cstr(struct sa *sa, const char *host, uint16_t port);
/* "1.2.3.4:5060" or "[::1]:5060" into sa: 0 or EINVAL */
int sa_parse(struct sa *sa, const char *hostport);
uint16_t sa_port(const struct sa *sa);
void sa_set_port(struct sa *sa, uint16_t port);
int sa_family(const struct sa *sa);
bool sa_is_any(const struct sa *sa);
bool sa_eq(const struct sa *a, const struct sa *b);      /* address and port */
bool sa_eq_addr(const struct sa *a, const struct sa *b); /* address only */
uint32_t sa_hash(const struct sa *sa);                   /* address and port */
uint32_t sa_hash_addr(const struct sa *sa);
/* Host only ("1.2.3.4", "::1") / host:port ("1.2.3.4:5060", "[::1]:5060") into out */
char *sa_host_str(const struct sa *sa, char *out, size_t size);
char *sa_str(const struct sa *sa, char *out, size_t size);
/* Loopback, private (RFC 1918, ULA), link-local (cloud metadata), CGNAT, unspecified, or not
 * IP: where requests a tenant configures (webhooks) must not go unless allowed (SSRF). */
struct sockaddr;
bool sockaddr_is_private(const struct sockaddr *sa);

#endif
