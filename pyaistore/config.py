"""Typed, frozen node configuration. Precedence: defaults < environment (PYAISTORE_*) < flags."""

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from pyaistore.wire.promote import PROMOTE_ROOT

PROXY: Final = "proxy"
TARGET: Final = "target"
ENV_PREFIX: Final = "PYAISTORE_"


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """Everything one daemon needs to start."""

    role: str
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    # Empty for the primary proxy; the primary's URL for every other node.
    primary_url: str = ""
    # Target disks; empty means one mountpath at <data_dir>/mp0.
    mountpaths: tuple[Path, ...] = field(default_factory=tuple)
    keepalive_interval: float = 1.0
    keepalive_timeout: float = 6.0
    # How long a restarted primary waits for the targets of its persisted map to register again
    # before it gives up on the missing ones and becomes ready; None: twice keepalive_timeout.
    startup_grace: float | None = None
    # fsync every object before it becomes visible (durable acknowledgements).
    fsync: bool = True
    # With fsync: a small create on a target's event loop is acknowledged after one flush of the
    # mountpath's write journal instead of two (storage/write_journal.py); False: two flushes.
    write_journal: bool = True
    # Target processes accepting on the public port (1 = the main process only); see server/http_workers.
    http_workers: int = 1
    # "asyncio" (default: zero-copy sendfile) or "uvloop" (faster small requests, no sendfile);
    # see docs/performance.md for the measurements behind the default.
    event_loop: str = "asyncio"
    # A lean HTTP front before aiohttp answers plain small-object GETs on a target and plain GET/HEAD
    # redirects on a proxy (web/fast_http.py); False serves every request through aiohttp alone.
    fast_get: bool = True
    # With the front on, a target's front also takes plain small PUTs (web/fast_put.py); False
    # leaves every PUT to aiohttp (for comparison: docs/performance.md).
    fast_put: bool = True
    # Seconds a request body may stall before the request is answered 408 (e.g. a client that
    # announced more bytes than it sends and waits).
    body_timeout: float = 60.0
    # The only tree files may be promoted from (`promote` action); AIS's fixed root by default.
    promote_root: str = PROMOTE_ROOT
    # Seconds between two probes of a target's mountpaths (a failing one is disabled: FSHC).
    disk_check_interval: float = 2.0
    # Transfers a target's rebalance keeps in flight: more moves objects faster, fewer leaves more
    # CPU to client requests meanwhile (docs/performance.md has the measurements).
    rebalance_workers: int = 8
    # Multipart uploads idle (no part stored) for this many seconds are aborted by a sweep that
    # runs every `multipart_sweep_interval` seconds on each target (docs/architecture.md, "S3 API").
    multipart_idle_expiry: float = 7 * 24 * 3600.0
    multipart_sweep_interval: float = 600.0
    # The S3 endpoint (proxy): the key pair SigV4 signatures are checked against (both empty:
    # anonymous requests are accepted and signatures are not checked), whether S3 is also served
    # at the root (besides /s3), and the domains under which a Host of "<bucket>.<domain>" names
    # the bucket (virtual-hosted-style addressing), comma-separated.
    s3_access_key: str = ""
    s3_secret_key: str = field(default="", repr=False)
    s3_at_root: bool = False
    s3_domains: str = "localhost"
    # Seconds a finished multi-object copy, transform or archive job stays listed as running
    # (idle) before it ends, as AIS keeps demand-based jobs until their idle timer fires (1 minute).
    job_idle_linger: float = 60.0
    log_level: str = "INFO"
    # The primary admits a node without the cluster secret (a fresh one) once it has checked that
    # a node with that ID answers at the address it gave; False: only nodes given the secret out
    # of band (its file copied into their data dir) may join. See docs/architecture.md.
    open_join: bool = True
    # Client auth (docs/architecture.md, "Security"): every client request to a proxy needs a valid
    # token (`auth_secret` is the HMAC key the AuthN service signs tokens with), and targets serve
    # only requests the proxy signed. Set on every node of the cluster. With auth on, joins need
    # the cluster secret (open_join is off).
    auth: bool = False
    auth_secret: str = field(default="", repr=False)
    # TLS on every listener of the node (PEM files), and the CA bundle it verifies other nodes'
    # certificates with (empty: the system's; a self-signed certificate is its own CA).
    tls_cert: str = ""
    tls_key: str = ""
    tls_ca: str = ""

    @property
    def s3_auth(self) -> bool:
        """Whether S3 requests must carry a valid signature of the configured key pair."""
        return bool(self.s3_access_key or self.s3_secret_key)

    @property
    def tls(self) -> bool:
        """Whether the node's listeners speak HTTPS."""
        return bool(self.tls_cert)

    @property
    def scheme(self) -> str:
        """The scheme of the node's URLs."""
        return "https" if self.tls else "http"

    @property
    def is_primary(self) -> bool:
        """True for the primary proxy."""
        return self.role == PROXY and not self.primary_url

    @property
    def startup_grace_seconds(self) -> float:
        """The startup grace period in effect (the configured one, or twice the keepalive timeout)."""
        return self.startup_grace if self.startup_grace is not None else 2 * self.keepalive_timeout

    @property
    def disk_roots(self) -> tuple[Path, ...]:
        """The target's mountpaths, defaulting to one under the data dir."""
        return self.mountpaths or (self.data_dir / "mp0",)


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def with_environment(config: NodeConfig, env: dict[str, str] | None = None) -> NodeConfig:
    """Override fields from PYAISTORE_<FIELD> environment variables."""
    source = os.environ if env is None else env
    changes: dict[str, object] = {}
    for name, kind in (
        ("host", str),
        ("keepalive_interval", float),
        ("keepalive_timeout", float),
        ("startup_grace", float),
        ("log_level", str),
        ("event_loop", str),
        ("body_timeout", float),
        ("disk_check_interval", float),
        ("rebalance_workers", int),
        ("multipart_idle_expiry", float),
        ("multipart_sweep_interval", float),
        ("s3_access_key", str),
        ("s3_secret_key", str),
        ("s3_domains", str),
        ("job_idle_linger", float),
        ("auth_secret", str),
        ("tls_cert", str),
        ("tls_key", str),
        ("tls_ca", str),
        ("promote_root", str),
    ):
        raw = source.get(ENV_PREFIX + name.upper())
        if raw:
            changes[name] = kind(raw)
    for flag in ("fsync", "write_journal", "open_join", "s3_at_root", "fast_get", "fast_put", "auth"):
        raw_flag = source.get(ENV_PREFIX + flag.upper())
        if raw_flag:
            changes[flag] = _env_bool(raw_flag)
    return replace(config, **changes) if changes else config  # type: ignore[arg-type]
