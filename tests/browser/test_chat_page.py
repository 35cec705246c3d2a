"""The chat page in a real (headless) Chromium, against the real servers.

Debian's /usr/bin/chromium is driven by Playwright for Python; setup installs it
(scripts/ensure_debian_packages.sh). Screenshots go to results/browser/.
"""
from __future__ import annotations

import sys
from typing import Iterator, List
from urllib.parse import urlparse

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.helpers import RESULTS, ROOT, RasaServer, Server, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = RESULTS / "browser"
GREETING = "どのようなご用件でしょうか"
CANCEL_STEP = "「注文履歴」から「注文をキャンセル」"
XSS = "<img src=x onerror=alert(1)>"


class ChatStack:
    """A Rasa server with the socket.io channel, and the chat page in front of it."""

    def __init__(self, action_server: str, model: str, workdir) -> None:
        self.web_port = free_port()
        self.page_url = f"http://127.0.0.1:{self.web_port}/"
        self.rasa = RasaServer("rasa_socketio", model, action_server, workdir, credentials_override={
            "channels.socketio.SocketIOChannel": {"cors_allowed_origins": [f"http://127.0.0.1:{self.web_port}"]}
        })
        self.rasa_url = self.rasa.url
        self.web = Server("chat_page", [
            sys.executable, str(ROOT / "scripts" / "serve_web.py"), "--host", "127.0.0.1",
            "--port", str(self.web_port), "--rasa-url", self.rasa_url], RESULTS / "logs")

    def start(self) -> None:
        self.web.start()
        self.rasa.start()
        self.web.wait_until(self.page_url, timeout=30)

    def restart_rasa(self) -> None:
        self.rasa.restart()

    def stop(self) -> None:
        self.web.stop()
        self.rasa.stop()


@pytest.fixture(scope="module")
def stack(action_server: str, trained_model: str, tmp_path_factory) -> Iterator[ChatStack]:
    chat = ChatStack(action_server, trained_model, tmp_path_factory.mktemp("chat"))
    chat.start()
    try:
        yield chat
    finally:
        chat.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()


def quick_reply(page: Page, title: str):
    """rasa-webchat renders a button of a bot message as a clickable .rw-reply."""
    return page.locator(".rw-reply", has_text=title).last


def send(page: Page, text: str) -> None:
    box = page.get_by_placeholder("メッセージを入力…")
    box.fill(text)
    box.press("Enter")


def test_cancel_flow_survives_reload_and_restart(stack: ChatStack, phone_page: Page) -> None:
    page = phone_page
    requested: List[str] = []
    blocked: List[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: request.failure == "csp" and blocked.append(request.url))

    page.goto(stack.page_url)
    expect(page.get_by_text(GREETING)).to_be_visible(timeout=30_000)
    expect(quick_reply(page, "注文をキャンセルしたい")).to_be_visible()
    page.screenshot(path=str(SHOTS / "01_greeting.png"))

    send(page, "注文をキャンセルしたい")
    expect(page.locator(".rw-typing-indication")).to_be_visible(timeout=10_000)
    quick_reply(page, "出荷準備前").click()
    expect(page.get_by_text(CANCEL_STEP)).to_be_visible(timeout=30_000)
    page.screenshot(path=str(SHOTS / "02_cancel_procedure.png"), full_page=True)
    # The long answer comes as short bubbles (the button route, the 「注文履歴」 route, the
    # note), each readable on the phone's screen without scrolling inside it.
    history_route = page.locator(".rw-response", has_text=CANCEL_STEP)
    expect(history_route).to_have_count(1)
    assert "「チェックした商品をキャンセルする」" not in history_route.inner_text()
    expect(page.locator(".rw-response", has_text="「チェックした商品をキャンセルする」")).to_have_count(1)
    for bubble in page.locator(".rw-response").all():
        assert bubble.bounding_box()["height"] < 844 / 2, bubble.inner_text()

    page.reload()
    expect(page.get_by_text(CANCEL_STEP)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("注文をキャンセルしたい", exact=True).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "03_after_reload.png"), full_page=True)

    stack.restart_rasa()
    send(page, "返品したいです")
    expect(page.get_by_text("どこから購入しましたか")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / "04_after_rasa_restart.png"), full_page=True)

    # The widget's bundle @imports a web font; the page's Content-Security-Policy makes
    # the browser drop it before it leaves the machine.
    outside = [url for url in requested
               if urlparse(url).hostname not in ("127.0.0.1", "localhost") and not url.startswith("data:")]
    assert all(url in blocked for url in outside), f"fetched from outside the machine: {outside}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling


def test_markup_typed_by_the_user_is_shown_as_text(stack: ChatStack, phone_page: Page) -> None:
    page = phone_page
    dialogs: List[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(stack.page_url)
    expect(page.get_by_text(GREETING)).to_be_visible(timeout=30_000)

    send(page, XSS)
    expect(page.get_by_text(XSS)).to_be_visible(timeout=10_000)
    expect(page.get_by_text("ご案内できます")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "05_markup_as_text.png"), full_page=True)
    assert dialogs == []
    assert page.locator("#webchat img[src='x']").count() == 0


def test_only_the_chat_page_origin_may_connect(stack: ChatStack) -> None:
    polling = f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    page_origin = f"http://127.0.0.1:{stack.web_port}"
    allowed = requests.get(polling, headers={"Origin": page_origin}, timeout=10)
    refused = requests.get(polling, headers={"Origin": "http://evil.example"}, timeout=10)
    assert allowed.status_code == 200
    assert allowed.headers.get("Access-Control-Allow-Origin") == page_origin
    assert refused.status_code >= 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    rest = requests.options(f"{stack.rasa_url}/webhooks/rest/webhook",
                            headers={"Origin": "http://evil.example",
                                     "Access-Control-Request-Method": "POST"}, timeout=10)
    assert rest.headers.get("Access-Control-Allow-Origin") in (None, "")
