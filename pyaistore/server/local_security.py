"""Auth and TLS for a cluster the launcher runs (`serve --auth --tls`, LocalCluster in tests).

The launcher owns every data dir, so it provisions what the nodes share and starts the AuthN
service beside them:

- TLS: a certificate (given, or a self-signed pair made once in `<data>/tls/`) for every
  listener; nodes verify each other with it as their CA, and so does the launcher;
- auth: the token signing secret (`<data>/auth_secret`, made once, mode 0600), given to the AuthN
  service and the proxy; `PYAISTORE_AUTH=true` on every node; the AuthN service's state in
  `<data>/authn/`; on its first start the administrator's password (AIS_AUTHN_SU_PASS, else a
  random one) is kept in `first_admin_password` for the launcher to print once;
- the launcher's own requests to the cluster carry the cluster secret (it is a member).
"""

import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Final

from pyaistore.auth import tokens
from pyaistore.auth.claims import Claims
from pyaistore.cluster import cluster_secret, tls
from pyaistore.server import tls_files
from pyaistore.server.authn_daemon import SECRET_ENV
from pyaistore.server.lifeline import Lifeline
from pyaistore.wire import authn, headers, paths

__all__ = ["AUTH_SECRET_FILE", "LocalSecurity"]

AUTH_SECRET_FILE: Final = "auth_secret"
AUTHN_DIR: Final = "authn"
_READY_TIMEOUT: Final = 30.0


class LocalSecurity:
    """What a launched cluster needs for auth and TLS.

    Args:
        data_dir: the cluster's data dir.
        host: the address the nodes listen on.
        auth: run the AuthN service and turn client auth on.
        tls: serve HTTPS everywhere.
        cert, key: the certificate to use (None: a self-signed pair in the data dir).
        authn_port: the AuthN service's port (0: a free one).
    """

    def __init__(
        self,
        data_dir: Path,
        host: str,
        auth: bool = False,
        tls_on: bool = False,
        cert: str = "",
        key: str = "",
        authn_port: int = 0,
    ) -> None:
        self.data_dir = data_dir
        self.host = host
        self.auth = auth
        self.tls = tls_on or bool(cert)
        self.cert, self.key = cert, key
        self.authn_port = authn_port
        self.authn: subprocess.Popen[bytes] | None = None
        self.first_admin_password = ""
        self.secret = ""
        if self.tls and not cert:
            cert_path, key_path = tls_files.ensure_self_signed(data_dir, host)
            self.cert, self.key = str(cert_path), str(key_path)
        if auth:
            self.secret = _load_or_create(data_dir)

    @property
    def scheme(self) -> str:
        """http or https."""
        return "https" if self.tls else "http"

    @property
    def ca(self) -> str:
        """The CA bundle clients verify the nodes with ("" without TLS)."""
        return self.cert if self.tls else ""

    @property
    def authn_url(self) -> str:
        """The AuthN service's URL ("" without auth)."""
        return f"{self.scheme}://{self.host}:{self.authn_port}" if self.auth else ""

    def node_env(self) -> dict[str, str]:
        """Environment for every node."""
        env: dict[str, str] = {}
        if self.tls:
            env.update(PYAISTORE_TLS_CERT=self.cert, PYAISTORE_TLS_KEY=self.key, PYAISTORE_TLS_CA=self.ca)
        if self.auth:
            env.update(PYAISTORE_AUTH="true", PYAISTORE_AUTH_SECRET=self.secret)
        return env

    def ssl_context(self) -> ssl.SSLContext | None:
        """The launcher's client context (verifies the nodes' certificate)."""
        return tls.client_context(self.ca) if self.tls else None

    def member_headers(self, proxy_dir: Path) -> dict[str, str]:
        """Headers that make the launcher's requests a member's (the proxy's cluster secret)."""
        secret = cluster_secret.load(proxy_dir)
        return {headers.CLUSTER_SECRET: secret} if secret and self.auth else {}

    def admin_token(self, ttl: float = 300.0) -> str:
        """A short-lived administrator's token signed with the shared secret."""
        now = time.time()
        return tokens.sign(Claims("launcher", now + ttl, now, admin=True), self.secret)

    def start_authn(self, lifeline: Lifeline, log_dir: Path) -> None:
        """Start the AuthN service and wait until it answers."""
        if not self.auth:
            return
        state_dir = self.data_dir / AUTHN_DIR
        env = {**os.environ, SECRET_ENV: self.secret}
        self.first_admin_password = ""
        if not (state_dir / "authn.json").exists():
            self.first_admin_password = os.environ.get(authn.ENV_ADMIN_PASS) or secrets.token_urlsafe(12)
            env[authn.ENV_ADMIN_PASS] = self.first_admin_password
        if not self.authn_port:
            with socket.socket() as sock:
                sock.bind((self.host, 0))
                self.authn_port = int(sock.getsockname()[1])
        args = ["--data", str(state_dir), "--host", self.host, "--port", str(self.authn_port)]
        if self.tls:
            args += ["--tls-cert", self.cert, "--tls-key", self.key, "--tls-ca", self.ca]
        log_dir.mkdir(parents=True, exist_ok=True)
        with open(log_dir / "authn.log", "ab") as log:
            self.authn = subprocess.Popen(
                [sys.executable, "-m", "pyaistore.server.authn_daemon", *args, *lifeline.args()],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(lifeline.fd,),
                env=env,
            )
        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.authn.poll() is not None:
                raise RuntimeError(
                    f"the AuthN service exited with {self.authn.returncode}; see {log_dir}/authn.log"
                )
            try:
                self.call("GET", f"{self.authn_url}{paths.url_path(paths.HEALTH)}")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        raise TimeoutError(f"the AuthN service did not answer on {self.authn_url}")

    def register(self, cluster_uuid: str, alias: str, endpoint: str) -> None:
        """Register the cluster with the AuthN service (revocations reach it from then on)."""
        listing = self.call("GET", f"{self.authn_url}{paths.url_path(authn.CLUSTERS)}")
        if isinstance(listing, dict) and cluster_uuid in (listing.get("clusters") or {}):
            return
        body = {"id": cluster_uuid, "alias": alias, "urls": [endpoint]}
        self.call("POST", f"{self.authn_url}{paths.url_path(authn.CLUSTERS)}", body, token=self.admin_token())

    def call(self, method: str, url: str, body: Any = None, token: str = "", timeout: float = 10.0) -> Any:
        """One JSON request from the launcher (its TLS context; a token if given)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header(headers.CONTENT_TYPE, headers.JSON_TYPE)
        if token:
            request.add_header(headers.AUTHORIZATION, f"{authn.BEARER} {token}")
        with urllib.request.urlopen(request, timeout=timeout, context=self.ssl_context()) as reply:
            raw = reply.read()
        return json.loads(raw) if raw.strip() else None

    def stop(self) -> None:
        """Stop the AuthN service."""
        if self.authn is not None and self.authn.poll() is None:
            self.authn.terminate()
            try:
                self.authn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.authn.kill()
                self.authn.wait()
        self.authn = None


def _load_or_create(data_dir: Path) -> str:
    """The signing secret kept in `<data>/auth_secret` (made on the first `serve --auth`)."""
    path = data_dir / AUTH_SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return secret
