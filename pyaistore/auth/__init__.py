"""Who may do what: JWT tokens and their claims, revoked tokens, signed redirects, route flags.

Shared by the cluster (every proxy checks tokens, every target checks the proxy's redirect
signature) and by the AuthN service (which issues the tokens). No HTTP here: the web layer
extracts what a request carries and maps these errors to 401/403 (web/error_mapping.py).
"""

__all__ = ["claims", "errors", "redirect_signature", "revoked_tokens", "route_access", "tokens"]
