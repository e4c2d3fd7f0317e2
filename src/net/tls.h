/* OpenSSL 3 glue: TLS 1.2+ contexts and non-blocking handshake, read and write. */
#ifndef NET_TLS_H
#define NET_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

enum net_tls_status {
	NET_TLS_OK = 0,	    /* done (bytes moved, handshake finished) */
	NET_TLS_WANT_READ,  /* retry when the socket is readable */
	NET_TLS_WANT_WRITE, /* retry when the socket is writable */
	NET_TLS_CLOSED,	    /* orderly close_notify or EOF */
	NET_TLS_FAIL,	    /* protocol or socket error: drop the connection */
};

/* Server context from PEM cert chain and key files: 0, ENOENT or EPROTO. */
int net_tls_server_ctx_new(SSL_CTX **ctxp, const char *cert_file, const char *key_file);
/* Client context; verifies peers against ca_file when given (else no verification). */
int net_tls_client_ctx_new(SSL_CTX **ctxp, const char *ca_file);
void net_tls_ctx_free(SSL_CTX *ctx);

/* Session on a connected non-blocking fd (the fd stays owned by the caller). */
SSL *net_tls_session_new(SSL_CTX *ctx, int fd, bool server);
void net_tls_session_free(SSL *ssl);

enum net_tls_status net_tls_handshake(SSL *ssl);
/* *n = bytes read (OK only when *n > 0) / written. */
enum net_tls_status net_tls_read(SSL *ssl, void *buf, size_t size, size_t *n);
enum net_tls_status net_tls_write(SSL *ssl, const void *buf, size_t len, size_t *n);
/* Best-effort close_notify; never blocks. */
void net_tls_shutdown(SSL *ssl);

#endif
