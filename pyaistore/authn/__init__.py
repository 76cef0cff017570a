"""The AuthN service (`pyaistore authn`): users, roles, registered clusters and tokens.

Its own process and its own small HTTP API, the one the official SDK's `AuthNClient` drives
(AIS's `cmd/authn`). It issues the JWT tokens every proxy of a registered cluster verifies with
the shared signing secret, and tells those clusters about revoked tokens.
"""

__all__ = ["app", "cluster_calls", "errors", "handlers", "passwords", "service", "state"]
