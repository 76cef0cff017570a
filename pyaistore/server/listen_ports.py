"""Ports for a launched cluster's listeners: a free one to pick, and the check that the proxy's
own port is free before anything starts (server/local_cluster.py).
"""

import errno
import socket

__all__ = ["PortInUse", "check_port", "free_port"]


class PortInUse(RuntimeError):
    """The proxy's port is taken: the cluster does not start at all."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """PortInUse when `host:port` cannot be bound now (another program listens there)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise PortInUse(f"port {port} on {host} cannot be bound: {exc.strerror or exc}") from exc
            raise PortInUse(
                f"port {port} on {host} is already in use: another pyaistore cluster or another "
                f"program listens there; stop it or choose another --port"
            ) from exc
