"""tooling/stack.py: the commands it runs and the endpoints file it writes for Rasa."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tooling.ports import TEST_PORTS, port_is_free
from tooling.processes import StackError
from tooling.stack import Stack, StackConfig, write_endpoints


def test_endpoints_point_at_the_chosen_action_port_and_keep_other_settings(
    tmp_path: Path,
) -> None:
    source = tmp_path / "endpoints.yml"
    source.write_text(
        "action_endpoint:\n  url: http://localhost:5055/webhook\n"
        "tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: build/trackers.db\n"
        "lock_store:\n  type: in_memory\n"
    )

    written = yaml.safe_load(
        write_endpoints(source, "http://127.0.0.1:15055/webhook", tmp_path / "out.yml",
                        tracker_db=tmp_path / "t.db").read_text()
    )

    assert written["action_endpoint"] == {"url": "http://127.0.0.1:15055/webhook"}
    assert written["tracker_store"] == {"type": "SQL", "dialect": "sqlite",
                                        "db": str(tmp_path / "t.db")}
    assert written["lock_store"] == {"type": "in_memory"}


def test_without_a_test_database_the_tracker_store_is_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "endpoints.yml"
    source.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: build/trackers.db\n")

    written = yaml.safe_load(
        write_endpoints(source, "http://127.0.0.1:5055/webhook", tmp_path / "o.yml").read_text()
    )

    assert written["tracker_store"]["db"] == "build/trackers.db"


def test_rasa_runs_without_the_http_api_and_with_explicit_cors_origins(tmp_path: Path) -> None:
    config = StackConfig(model=tmp_path / "m.tar.gz", ports=TEST_PORTS,
                         endpoints=tmp_path / "none.yml")
    stack = Stack(config)
    try:
        command = stack.rasa_command()
    finally:
        stack.close()

    assert "--enable-api" not in command
    origins = command[command.index("--cors") + 1:]
    assert origins and "*" not in origins
    assert all(o.startswith("http://") and o.endswith(":18080") for o in origins)
    assert command[command.index("--interface") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "15005"


def test_the_action_server_binds_to_loopback(tmp_path: Path) -> None:
    stack = Stack(StackConfig(model=tmp_path / "m", ports=TEST_PORTS,
                              endpoints=tmp_path / "none.yml"))
    try:
        command, health, env = stack._recipe("actions")
    finally:
        stack.close()

    assert command[-2:] == ["-p", "15055"]
    assert env == {"SANIC_HOST": "127.0.0.1"}
    assert health == "http://127.0.0.1:15055/health"


def test_starting_without_a_model_says_how_to_get_one(tmp_path: Path) -> None:
    stack = Stack(StackConfig(model=tmp_path / "missing.tar.gz", ports=TEST_PORTS,
                              endpoints=tmp_path / "none.yml"))
    try:
        with pytest.raises(StackError, match="make train"):
            stack.start()
        assert stack.processes == []
    finally:
        stack.close()


def test_port_probe_sees_a_listening_socket() -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not port_is_free(port)
    assert port_is_free(port)
