"""TLS contexts: a node's listeners, and the client side of node-to-node calls.

Every listener of a node with a certificate speaks HTTPS (the public port, a target's control
port, its HTTP workers). Calls between nodes verify the peer's certificate and host name against
the configured CA bundle (a self-signed certificate is its own CA), or the system's bundle.
"""

import ssl

__all__ = ["client_context", "server_context"]


def server_context(cert: str, key: str) -> ssl.SSLContext:
    """A server context with this certificate chain and key (TLS 1.2 or newer)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key or None)
    return context


def client_context(ca: str = "") -> ssl.SSLContext:
    """A verifying client context: certificates and host names checked against `ca` (a PEM
    bundle) or, when empty, the system's trust store."""
    context = ssl.create_default_context(cafile=ca or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
