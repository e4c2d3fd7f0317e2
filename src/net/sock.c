/* Socket helpers: non-blocking, close-on-exec sockets for listeners and clients. */
#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "net/sock.h"

static int sock_open(int *fdp, const struct sa *addr, int type)
{
	if (sa_family(addr) != AF_INET && sa_family(addr) != AF_INET6)
		return EINVAL;
	int fd = socket(sa_family(addr), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (sa_family(addr) == AF_INET6) {
		int on = 1;
		/* One listener per family keeps addresses in peers unambiguous. */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	*fdp = fd;
	return 0;
}

void net_sock_set_bufs(int fd, size_t size)
{
	int v = size > INT_MAX / 2 ? INT_MAX / 2 : (int)size;

	if (size == 0)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

int net_sock_udp_open(int *fdp, const struct sa *addr, size_t bufsize)
{
	int fd, err = sock_open(&fd, addr, SOCK_DGRAM);

	if (err)
		return err;
	net_sock_set_bufs(fd, bufsize);
	if (bind(fd, &addr->u.sa, addr->len) != 0) {
		err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

int net_sock_tcp_listen(int *fdp, const struct sa *addr, int backlog)
{
	int on = 1, fd, err = sock_open(&fd, addr, SOCK_STREAM);

	if (err)
		return err;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, &addr->u.sa, addr->len) != 0 || listen(fd, backlog) != 0) {
		err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

int net_sock_tcp_connect(int *fdp, const struct sa *addr)
{
	int on = 1, fd, err = sock_open(&fd, addr, SOCK_STREAM);

	if (err)
		return err;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(fd, &addr->u.sa, addr->len) != 0 && errno != EINPROGRESS) {
		err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

int net_sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return errno;
	return err;
}

int net_sock_local(int fd, struct sa *out)
{
	memset(out, 0, sizeof(*out));
	out->len = sizeof(out->u.ss);
	if (getsockname(fd, &out->u.sa, &out->len) != 0)
		return errno;
	return 0;
}
