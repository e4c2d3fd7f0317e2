/* Socket helpers: non-blocking, close-on-exec sockets for listeners and clients. */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include <stddef.h>

#include "net/addr.h"

/* UDP socket bound to addr with SO_RCVBUF/SO_SNDBUF of bufsize (0 = leave). 0 or errno. */
int net_sock_udp_open(int *fdp, const struct sa *addr, size_t bufsize);
/* TCP listener on addr (SO_REUSEADDR) with the given backlog. 0 or errno. */
int net_sock_tcp_listen(int *fdp, const struct sa *addr, int backlog);
/* Starts a non-blocking connect to addr; 0 (connected or in progress) or errno. */
int net_sock_tcp_connect(int *fdp, const struct sa *addr);
/* The pending error of a non-blocking connect (SO_ERROR): 0 or errno. */
int net_sock_error(int fd);
/* Locally bound address of fd. 0 or errno. */
int net_sock_local(int fd, struct sa *out);
/* Requests buffers of size bytes; SO_*BUFFORCE first (works as root beyond rmem_max). */
void net_sock_set_bufs(int fd, size_t size);

#endif
