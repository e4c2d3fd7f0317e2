/* Text rules for resource fields: names, numbers, hosts, domains, URLs. */
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"

static bool only(const char *s, const char *extra)
{
	for (; *s; s++) {
		char c = *s;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      strchr(extra, c)))
			return false;
	}
	return true;
}

bool api_check_name(const char *s)
{
	return strlen(s) < 64 && only(s, "-_.+");
}

bool api_check_login(const char *s)
{
	return strlen(s) >= 3 && strlen(s) < 64 && only(s, "-_.+@");
}

bool api_check_number(const char *s)
{
	const char *d = *s == '+' ? s + 1 : s;
	return *d && strspn(d, "0123456789") == strlen(d);
}

bool api_check_digits(const char *s)
{
	return strspn(s, "0123456789") == strlen(s);
}

bool api_check_domain(const char *s)
{
	return *s != '.' && *s != '-' && only(s, "-.");
}

/* host:port or host, host a DNS name or an IPv4 literal; the port 1-65535. */
bool api_check_hostport(const char *s)
{
	const char *colon = strrchr(s, ':');
	char host[256];
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon) {
		char *end;
		long port = strtol(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535)
			return false;
	}
	return api_check_domain(host);
}

bool api_check_url(const char *s)
{
	const char *rest = !strncmp(s, "https://", 8) ? s + 8 : !strncmp(s, "http://", 7) ? s + 7 : NULL;
	if (!rest || !*rest || *rest == '/')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '"' || *s == '\\' || (unsigned char)*s >= 127)
			return false;
	return true;
}

bool api_check_transport(const char *s)
{
	return !strcmp(s, "udp") || !strcmp(s, "tcp") || !strcmp(s, "tls");
}
