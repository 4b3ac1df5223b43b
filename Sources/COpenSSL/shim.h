// The system OpenSSL 3 (libssl-dev on Debian/Ubuntu, Homebrew's openssl@3 on macOS), used by HypergraphTLS only.
// The functions below wrap the parts of the API that are macros, which Swift cannot call.
#ifndef HYPERGRAPH_COPENSSL_SHIM_H
#define HYPERGRAPH_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

static inline long hg_SSL_CTX_set_mode(SSL_CTX *context, long mode) {
    return SSL_CTX_set_mode(context, mode);
}

static inline int hg_SSL_CTX_set_min_proto_version(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

/// The options every context gets: no renegotiation, and an end of input without close_notify reads as an
/// ordinary end of input (WebSocket and HTTP frame their own messages, and many peers just close).
static inline void hg_SSL_CTX_set_hypergraph_options(SSL_CTX *context) {
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
}

static inline int hg_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

static inline void hg_BIO_set_retry_read(BIO *bio) {
    BIO_set_retry_read(bio);
}

static inline void hg_BIO_clear_retry_flags(BIO *bio) {
    BIO_clear_retry_flags(bio);
}

static inline void hg_SSL_CTX_set_read_ahead(SSL_CTX *context) {
    SSL_CTX_set_read_ahead(context, 1);
}

#endif
