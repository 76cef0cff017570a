"""The proxy's port check: a port something listens on is refused before anything starts."""

import socket

import pytest

from pyaistore.server.listen_ports import PortInUse, check_port, free_port


def test_a_free_port_passes_the_check() -> None:
    check_port("127.0.0.1", free_port())


def test_a_port_another_program_listens_on_is_in_use() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])
        with pytest.raises(PortInUse, match="already in use"):
            check_port("127.0.0.1", port)
