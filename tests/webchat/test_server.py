"""The web chat's static server: fixed routes, strict CSP, the Rasa URL filled in safely."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.client import HTTPConnection

import pytest

from webchat.server import content_security_policy, make_server

RASA_URL = "http://127.0.0.1:15005"


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    httpd = make_server("127.0.0.1", 0, RASA_URL)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[:2]
    httpd.shutdown()
    httpd.server_close()


def get(address: tuple[str, int], path: str, method: str = "GET"):
    connection = HTTPConnection(*address, timeout=5)
    connection.request(method, path)
    reply = connection.getresponse()
    body = reply.read()
    connection.close()
    return reply, body


def test_the_page_names_the_rasa_url_and_loads_only_local_files(server) -> None:
    reply, body = get(server, "/")

    assert reply.status == 200
    assert reply.getheader("Content-Type") == "text/html; charset=utf-8"
    html = body.decode()
    assert f'data-rasa-url="{RASA_URL}"' in html
    assert 'src="/widget.js"' in html
    assert "http://" not in html.replace(RASA_URL, "")  # no other host anywhere in the page


def test_pages_carry_a_strict_content_security_policy(server) -> None:
    reply, _ = get(server, "/")

    policy = reply.getheader("Content-Security-Policy")
    assert policy == content_security_policy(RASA_URL)
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "connect-src ws://127.0.0.1:15005 http://127.0.0.1:15005" in policy
    assert "frame-ancestors 'none'" in policy
    assert reply.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("path", ["/widget.js", "/sio-client.js", "/widget.css"])
def test_the_embeddable_files_can_be_loaded_by_other_sites(server, path: str) -> None:
    reply, body = get(server, path)

    assert reply.status == 200 and body
    assert reply.getheader("Cross-Origin-Resource-Policy") == "cross-origin"


@pytest.mark.parametrize(
    "path", ["/../server.py", "/static/widget.js", "/server.py", "/%2e%2e/server.py", "/.git"]
)
def test_nothing_outside_the_route_list_is_served(server, path: str) -> None:
    reply, body = get(server, path)

    assert reply.status == 404
    assert b"import" not in body


def test_head_requests_get_headers_only(server) -> None:
    reply, body = get(server, "/widget.js", method="HEAD")

    assert reply.status == 200
    assert int(reply.getheader("Content-Length")) > 1000
    assert body == b""


def test_a_hostile_rasa_url_is_escaped_in_the_page() -> None:
    httpd = make_server("127.0.0.1", 0, 'http://x.example/"><script>alert(1)</script>')
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        _, body = get(httpd.server_address[:2], "/")
    finally:
        httpd.shutdown()
        httpd.server_close()

    assert b"<script>alert(1)</script>" not in body
    assert b"&quot;&gt;&lt;script&gt;" in body


def test_a_rasa_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        make_server("127.0.0.1", 0, "javascript:alert(1)")
