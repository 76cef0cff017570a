"""A proxy's signature binds method, path, query and expiry, under a key derived from the secret."""

import time

from pyaistore.auth import redirect_signature as rs

KEY = rs.derive_key("cluster-secret")
PAIRS = [("provider", "ais"), ("archpath", "a/b")]


def test_a_signature_verifies_for_its_own_request_only() -> None:
    value = rs.sign(KEY, "GET", "/v1/objects/b/o", PAIRS)
    assert rs.verify(KEY, value, "GET", "/v1/objects/b/o", PAIRS)
    assert not rs.verify(KEY, value, "DELETE", "/v1/objects/b/o", PAIRS)
    assert not rs.verify(KEY, value, "GET", "/v1/objects/b/other", PAIRS)
    assert not rs.verify(KEY, value, "GET", "/v1/objects/b/o", [("provider", "ais")])
    assert not rs.verify(rs.derive_key("another-secret"), value, "GET", "/v1/objects/b/o", PAIRS)


def test_order_duplicates_and_the_redirect_markers_do_not_matter() -> None:
    value = rs.sign(KEY, "PUT", "/p", PAIRS)
    followed = [*reversed(PAIRS), ("pid", "p1"), ("utm", "x"), ("rsig", value), ("provider", "ais")]
    assert rs.verify(KEY, value, "PUT", "/p", followed)


def test_expired_or_malformed_signatures_fail() -> None:
    stale = rs.sign(KEY, "GET", "/p", [], now=time.time() - rs.TTL - 1)
    assert not rs.verify(KEY, stale, "GET", "/p", [])
    for bad in ("", "123", "x.y", "99999999999999.abc"):
        assert not rs.verify(KEY, bad, "GET", "/p", [])
    assert rs.derive_key("") == b""
    assert not rs.verify(b"", rs.sign(b"", "GET", "/p", []), "GET", "/p", [])


def test_a_verifier_picks_up_a_secret_that_arrives_late() -> None:
    secrets = [""]
    verifier = rs.RedirectVerifier(lambda: secrets[0])
    value = rs.sign(KEY, "GET", "/p", [])
    assert not verifier.verify(value, "GET", "/p", [])
    secrets[0] = "cluster-secret"
    assert verifier.verify(value, "GET", "/p", [])
    assert verifier.key() == KEY
