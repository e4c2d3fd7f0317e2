/* Socket addresses: numeric parsing, formatting, comparison and hashing. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/addr.h"

int sa_set(struct sa *sa, struct str host, uint16_t port)
{
	char tmp[INET6_ADDRSTRLEN + 2];

	if (host.len >= 2 && host.p[0] == '[' && host.p[host.len - 1] == ']') {
		host.p++;
		host.len -= 2;
	}
	if (host.len == 0 || host.len >= sizeof(tmp))
		return EINVAL;
	memcpy(tmp, host.p, host.len);
	tmp[host.len] = '\0';
	return sa_set_cstr(sa, tmp, port);
}

int sa_set_cstr(struct sa *sa, const char *host, uint16_t port)
{
	size_t n = host ? strlen(host) : 0;

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		return sa_set(sa, str_make(host, n), port);
	memset(sa, 0, sizeof(*sa));
	if (n && inet_pton(AF_INET, host, &sa->u.in.sin_addr) == 1) {
		sa->u.in.sin_family = AF_INET;
		sa->u.in.sin_port = htons(port);
		sa->len = sizeof(sa->u.in);
		return 0;
	}
	if (n && inet_pton(AF_INET6, host, &sa->u.in6.sin6_addr) == 1) {
		sa->u.in6.sin6_family = AF_INET6;
		sa->u.in6.sin6_port = htons(port);
		sa->len = sizeof(sa->u.in6);
		return 0;
	}
	return EINVAL;
}

int sa_parse(struct sa *sa, const char *hostport)
{
	struct str s = str_c(hostport);
	struct str host;
	const char *colon;
	uint32_t port;

	if (s.len && s.p[0] == '[') {
		const char *end = str_chr(s, ']');
		if (!end || end + 1 >= s.p + s.len || end[1] != ':')
			return EINVAL;
		host = str_make(s.p, (size_t)(end + 1 - s.p));
		colon = end + 1;
	} else {
		colon = str_chr(s, ':');
		if (!colon || strchr(colon + 1, ':'))
			return EINVAL; /* bare IPv6 needs [] to carry a port */
		host = str_make(s.p, (size_t)(colon - s.p));
	}
	struct str pstr = str_make(colon + 1, (size_t)(s.p + s.len - colon - 1));
	if (str_to_u32(pstr, &port) != 0 || port > 65535)
		return EINVAL;
	return sa_set(sa, host, (uint16_t)port);
}

uint16_t sa_port(const struct sa *sa)
{
	switch (sa->u.sa.sa_family) {
	case AF_INET:
		return ntohs(sa->u.in.sin_port);
	case AF_INET6:
		return ntohs(sa->u.in6.sin6_port);
	default:
		return 0;
	}
}

void sa_set_port(struct sa *sa, uint16_t port)
{
	if (sa->u.sa.sa_family == AF_INET)
		sa->u.in.sin_port = htons(port);
	else if (sa->u.sa.sa_family == AF_INET6)
		sa->u.in6.sin6_port = htons(port);
}

int sa_family(const struct sa *sa)
{
	return sa->u.sa.sa_family;
}

bool sa_is_any(const struct sa *sa)
{
	if (sa->u.sa.sa_family == AF_INET)
		return sa->u.in.sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->u.sa.sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&sa->u.in6.sin6_addr);
	return false;
}

bool sa_eq_addr(const struct sa *a, const struct sa *b)
{
	if (a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (a->u.sa.sa_family == AF_INET)
		return a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr;
	if (a->u.sa.sa_family == AF_INET6)
		return memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0;
	return a->u.sa.sa_family == AF_UNSPEC;
}

bool sa_eq(const struct sa *a, const struct sa *b)
{
	return sa_eq_addr(a, b) && sa_port(a) == sa_port(b);
}

static uint32_t fnv1a(uint32_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t sa_hash_addr(const struct sa *sa)
{
	uint32_t h = 2166136261u;

	if (sa->u.sa.sa_family == AF_INET)
		return fnv1a(h, &sa->u.in.sin_addr, 4);
	if (sa->u.sa.sa_family == AF_INET6)
		return fnv1a(h, &sa->u.in6.sin6_addr, 16);
	return h;
}

uint32_t sa_hash(const struct sa *sa)
{
	uint16_t port = sa_port(sa);

	return fnv1a(sa_hash_addr(sa), &port, sizeof(port));
}

char *sa_host_str(const struct sa *sa, char *out, size_t size)
{
	const void *src = sa->u.sa.sa_family == AF_INET ? (const void *)&sa->u.in.sin_addr
							: (const void *)&sa->u.in6.sin6_addr;

	if (size == 0)
		return out;
	out[0] = '\0';
	if (sa->u.sa.sa_family != AF_INET && sa->u.sa.sa_family != AF_INET6)
		return out;
	if (!inet_ntop(sa->u.sa.sa_family, src, out, (socklen_t)size))
		out[0] = '\0';
	return out;
}

char *sa_str(const struct sa *sa, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	sa_host_str(sa, host, sizeof(host));
	if (size == 0)
		return out;
	if (sa->u.sa.sa_family == AF_INET6)
		snprintf(out, size, "[%s]:%u", host, (unsigned)sa_port(sa));
	else if (sa->u.sa.sa_family == AF_INET)
		snprintf(out, size, "%s:%u", host, (unsigned)sa_port(sa));
	else
		out[0] = '\0';
	return out;
}

/* Loopback, private (RFC 1918, ULA), link-local (cloud metadata), CGNAT, unspecified. */
bool sockaddr_is_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 ||
		       (a >> 20) == (172 << 4 | 1) || (a >> 16) == (192 << 8 | 168) ||
		       (a >> 16) == (169 << 8 | 254) || (a >> 22) == (100 << 2 | 1);
	}
	if (sa->sa_family == AF_INET6) {
		const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		const struct in6_addr *in = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(in)) {
			struct sockaddr_in v4 = { .sin_family = AF_INET };
			memcpy(&v4.sin_addr, b + 12, 4);
			return sockaddr_is_private((const struct sockaddr *)&v4);
		}
		return IN6_IS_ADDR_LOOPBACK(in) || IN6_IS_ADDR_UNSPECIFIED(in) ||
		       IN6_IS_ADDR_LINKLOCAL(in) || (b[0] & 0xfe) == 0xfc;
	}
	return true;
}
