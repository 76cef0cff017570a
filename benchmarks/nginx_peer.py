"""nginx as the reference peer: a private instance on loopback serving a temp root with sendfile."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from loopback import LOOPBACK, free_port, wait_for_http_ok
from process_tree import descendants

CONFIG_TEMPLATE = """\
{user}
worker_processes auto;
daemon off;
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 4096;
}}

http {{
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
{temp_paths}
    server {{
        listen {host}:{port} reuseport;
        root {root};
        location / {{
{dav}
        }}
    }}
}}
"""

DAV_BLOCK = """\
            dav_methods PUT DELETE;
            create_full_put_path on;
            client_max_body_size 0;
"""


class NginxPeer:
    """A private nginx started from a generated config; files live in `root`, URLs are /<name>."""

    label = "nginx"
    path_prefix = "/"
    path_suffix = ""

    def __init__(self, nginx: str = "nginx", work_dir: Path | None = None) -> None:
        """Prepare (but do not start) an nginx instance under a fresh temp dir."""
        self.nginx = nginx
        self.prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-", dir=work_dir))
        self.root = self.prefix / "root"
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.supports_put = False
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Write the config, start nginx in the foreground and wait until it answers."""
        self.root.mkdir(parents=True)
        (self.prefix / "temp").mkdir()
        (self.root / "ready").write_bytes(b"ok")
        build_info = self._build_info()
        self.supports_put = "--with-http_dav_module" in build_info
        config_path = self.prefix / "nginx.conf"
        config_path.write_text(self._config(build_info))
        self.process = subprocess.Popen(
            [self.nginx, "-c", str(config_path), "-p", str(self.prefix)],
            stdout=subprocess.DEVNULL,
            stderr=(self.prefix / "stderr.log").open("wb"),
            start_new_session=True,
        )
        try:
            wait_for_http_ok(f"{self.url}/ready", 15, alive=self._poll_alive)
        except Exception as exc:
            raise RuntimeError(f"nginx failed to start: {self.error_log_tail()}") from exc

    def store(self, name: str, data: bytes) -> None:
        """Write one object straight into the served root."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def remove_prefix(self, prefix: str) -> None:
        """Delete every object under a directory-like prefix (used after PUT runs to free disk)."""
        shutil.rmtree(self.root / prefix, ignore_errors=True)

    def cpu_pids(self) -> list[int]:
        """Return the pids of nginx's master and worker processes."""
        if self.process is None:
            return []
        return [self.process.pid, *descendants(self.process.pid)]

    def error_log_tail(self, lines: int = 10) -> str:
        """Return the last lines of nginx's error log and stderr, for diagnostics."""
        text = ""
        for name in ("error.log", "stderr.log"):
            path = self.prefix / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        """Stop nginx (SIGQUIT, then SIGKILL of its own process group) and remove the temp dir."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.prefix, ignore_errors=True)

    def _poll_alive(self) -> bool:
        """Tell whether the nginx master is still running."""
        return self.process is not None and self.process.poll() is None

    def _build_info(self) -> str:
        """Return `nginx -V` output (configure arguments tell which modules are built in)."""
        result = subprocess.run([self.nginx, "-V"], capture_output=True, text=True, check=True)
        return result.stdout + result.stderr

    def _config(self, build_info: str) -> str:
        """Render nginx.conf with every temp path inside our prefix."""
        temp_dir = self.prefix / "temp"
        lines = [f"    client_body_temp_path {temp_dir}/body;"]
        for module in ("proxy", "fastcgi", "uwsgi", "scgi"):
            if f"--without-http_{module}_module" not in build_info:
                lines.append(f"    {module}_temp_path {temp_dir}/{module};")
        return CONFIG_TEMPLATE.format(
            user="user root;" if os.geteuid() == 0 else "",
            prefix=self.prefix,
            host=LOOPBACK,
            port=self.port,
            root=self.root,
            temp_paths="\n".join(lines),
            dav=DAV_BLOCK if self.supports_put else "",
        )
