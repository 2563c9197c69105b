"""TCP ports of the three servers, and finding free ones."""

from __future__ import annotations

import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Ports:
    """TCP ports of the three servers."""

    actions: int = 5055
    rasa: int = 5005
    web: int = 8080


RUN_PORTS = Ports()
TEST_PORTS = Ports(actions=15055, rasa=15005, web=18080)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on `host:port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) != 0


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (chosen by the OS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def available_ports(preferred: Ports, host: str = "127.0.0.1") -> Ports:
    """`preferred`, with any port that is already taken replaced by a free one."""
    def pick(port: int) -> int:
        return port if port_is_free(port, host) else free_port(host)

    return Ports(pick(preferred.actions), pick(preferred.rasa), pick(preferred.web))
