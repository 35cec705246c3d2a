"""scripts/serve_web.py over real HTTP: HTTP/1.1, gzip, cache validators, HEAD, no listings.

Only the page server runs here (its Rasa URL points nowhere): serving needs no bot.
"""
from __future__ import annotations

import gzip
import http.client
import json
import sys
from typing import Dict, Iterator, Optional, Tuple

import pytest

from common.renderer import render
from tests.browser.chat_page import PAGE_TEXT
from tests.helpers import LOGS, ROOT, Server, free_port

PAGE_FILES = ["/", "/index.html", "/chat.js", "/a11y.js", "/no-webfont.js", "/style.css", "/favicon.svg",
              "/config.js", "/node_modules/rasa-webchat/lib/index.js"]
NOT_SERVED = ["/node_modules/", "/node_modules", "/node_modules/rasa-webchat/",
              "/node_modules/axe-core/axe.min.js",
              "/node_modules/rasa-webchat/package.json", "/package.json", "/package-lock.json", "/page.yml",
              "/../README.md", "/%2e%2e/README.md", "/node_modules/rasa-webchat/lib/../package.json",
              "/missing.js"]

Response = Tuple[int, int, Dict[str, str], bytes]


@pytest.fixture(scope="module")
def page_server() -> Iterator[int]:
    port = free_port()
    server = Server("chat_page_serving", [
        sys.executable, str(ROOT / "scripts" / "serve_web.py"), "--host", "127.0.0.1", "--port", str(port),
        "--rasa-url", f"http://127.0.0.1:{free_port()}"], LOGS / "chat_page_serving.log").start()
    try:
        server.wait_until(f"http://127.0.0.1:{port}/", timeout=30)
        yield port
    finally:
        server.stop()


def fetch(conn: http.client.HTTPConnection, path: str, method: str = "GET",
          headers: Optional[Dict[str, str]] = None) -> Response:
    """(HTTP version, status, headers without Date, body) of one request on ``conn``."""
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    found = {name.lower(): value for name, value in response.getheaders() if name.lower() != "date"}
    return response.version, response.status, found, body


@pytest.mark.parametrize("path", PAGE_FILES)
def test_files_come_over_http11_gzipped_with_validators(page_server: int, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", page_server, timeout=10)
    try:
        version, status, plain_headers, plain = fetch(conn, path)
        socket = conn.sock
        _, _, headers, zipped = fetch(conn, path, headers={"Accept-Encoding": "gzip, deflate"})
        assert conn.sock is socket, "the connection was not kept alive"
        assert (version, status) == (11, 200)
        assert "no-cache" in headers["cache-control"] and headers["etag"]
        assert "content-encoding" not in plain_headers
        if len(plain) >= 512:
            assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
            assert gzip.decompress(zipped) == plain and len(zipped) < len(plain)
            assert headers["etag"] != plain_headers["etag"]  # one validator per encoding
        assert int(headers["content-length"]) == len(zipped)

        _, status, revalidated, body = fetch(conn, path, headers={"Accept-Encoding": "gzip",
                                                                 "If-None-Match": headers["etag"]})
        assert (status, body) == (304, b"") and revalidated["etag"] == headers["etag"]
        assert fetch(conn, path, headers={"Accept-Encoding": "gzip;q=0"})[3] == plain
    finally:
        conn.close()


@pytest.mark.parametrize("path", PAGE_FILES[:3] + ["/config.js", "/package.json", "/node_modules/"])
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_head_answers_as_get_without_a_body(page_server: int, path: str, encoding: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", page_server, timeout=10)
    try:
        _, get_status, get_headers, _ = fetch(conn, path, headers={"Accept-Encoding": encoding})
        _, head_status, head_headers, head_body = fetch(conn, path, "HEAD", {"Accept-Encoding": encoding})
    finally:
        conn.close()
    assert (head_status, head_headers, head_body) == (get_status, get_headers, b"")


@pytest.mark.parametrize("path", NOT_SERVED)
def test_no_listing_and_nothing_but_the_page(page_server: int, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", page_server, timeout=10)
    try:
        _, status, _, body = fetch(conn, path)
    finally:
        conn.close()
    assert status == 404
    assert b"Directory listing" not in body and b"rasa-webchat" not in body


def test_config_js_carries_the_knowledge_files_contact_paths(page_server: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", page_server, timeout=10)
    try:
        _, _, headers, body = fetch(conn, "/config.js")
    finally:
        conn.close()
    assert headers["content-type"].startswith("application/javascript")
    prefix = "window.CHAT_CONFIG = "
    config = json.loads(body.decode().strip()[len(prefix):].rstrip(";"))
    assert config["offline"]["headline"] == PAGE_TEXT["offline"]["headline"]
    rendered = [m["text"] for answer in PAGE_TEXT["offline"]["answers"] for m in render(answer)]
    assert all(text in config["offline"]["messages"] for text in rendered)
    assert any("「カスタマーサービスに連絡」" in text for text in config["offline"]["messages"])
