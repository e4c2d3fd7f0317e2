/* OpenSSL 3 glue: TLS 1.2+ contexts and non-blocking handshake, read and write. */
#include <errno.h>
#include <unistd.h>

#include <openssl/err.h>

#include "core/log.h"
#include "net/tls.h"

static SSL_CTX *ctx_base(const SSL_METHOD *method)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Partial writes let a capped output queue drain in pieces without re-copying. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				  SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	return ctx;
}

int net_tls_server_ctx_new(SSL_CTX **ctxp, const char *cert_file, const char *key_file)
{
	if (!cert_file || !key_file || access(cert_file, R_OK) != 0 || access(key_file, R_OK) != 0)
		return ENOENT;
	SSL_CTX *ctx = ctx_base(TLS_server_method());
	if (!ctx)
		return EPROTO;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		log_error("tls", "cannot load cert=%s key=%s: %s", cert_file, key_file,
			  ERR_reason_error_string(ERR_peek_last_error()));
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return EPROTO;
	}
	*ctxp = ctx;
	return 0;
}

int net_tls_client_ctx_new(SSL_CTX **ctxp, const char *ca_file)
{
	SSL_CTX *ctx = ctx_base(TLS_client_method());

	if (!ctx)
		return EPROTO;
	if (ca_file) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			ERR_clear_error();
			SSL_CTX_free(ctx);
			return ENOENT;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	} else {
		/* Phones commonly present self-signed certs; verifying needs a configured CA. */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	}
	*ctxp = ctx;
	return 0;
}

void net_tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

SSL *net_tls_session_new(SSL_CTX *ctx, int fd, bool server)
{
	SSL *ssl = SSL_new(ctx);

	if (!ssl)
		return NULL;
	if (SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		ERR_clear_error();
		return NULL;
	}
	if (server)
		SSL_set_accept_state(ssl);
	else
		SSL_set_connect_state(ssl);
	return ssl;
}

void net_tls_session_free(SSL *ssl)
{
	SSL_free(ssl);
}

/* Maps SSL_get_error to our status; clears the thread's error queue for the next call. */
static enum net_tls_status tls_status(SSL *ssl, int ret)
{
	int e = SSL_get_error(ssl, ret);

	ERR_clear_error();
	switch (e) {
	case SSL_ERROR_WANT_READ:
		return NET_TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return NET_TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return NET_TLS_CLOSED;
	default:
		return NET_TLS_FAIL;
	}
}

enum net_tls_status net_tls_handshake(SSL *ssl)
{
	ERR_clear_error();
	int ret = SSL_do_handshake(ssl);
	return ret == 1 ? NET_TLS_OK : tls_status(ssl, ret);
}

enum net_tls_status net_tls_read(SSL *ssl, void *buf, size_t size, size_t *n)
{
	*n = 0;
	ERR_clear_error();
	if (SSL_read_ex(ssl, buf, size, n) == 1)
		return NET_TLS_OK;
	return tls_status(ssl, 0);
}

enum net_tls_status net_tls_write(SSL *ssl, const void *buf, size_t len, size_t *n)
{
	*n = 0;
	ERR_clear_error();
	if (SSL_write_ex(ssl, buf, len, n) == 1)
		return NET_TLS_OK;
	return tls_status(ssl, 0);
}

void net_tls_shutdown(SSL *ssl)
{
	ERR_clear_error();
	(void)SSL_shutdown(ssl);
	ERR_clear_error();
}
