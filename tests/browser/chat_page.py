"""What the browser tests share: the chat page's servers, page helpers, axe-core.

Debian's /usr/bin/chromium is driven by Playwright for Python; setup installs it
(scripts/ensure_debian_packages.sh). One Rasa server for the whole folder: starting one
costs half a minute, and each test opens its own browser context (its own storage), so
tests do not see each other's conversations.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, List

import yaml
from playwright.sync_api import Page, expect

from tests.helpers import LOGS, RESULTS, ROOT, RasaServer, Server, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = RESULTS / "browser"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
GREETING = "どのようなご用件でしょうか"
INPUT_HINT = "メッセージを入力…"
# The page's own wording (web/page.yml), as the page gets it through config.js.
PAGE_TEXT = yaml.safe_load((ROOT / "web" / "page.yml").read_text(encoding="utf-8"))
# A phone (iPhone 12–15 class) and a common laptop screen.
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


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
            "--port", str(self.web_port), "--rasa-url", self.rasa_url], LOGS / "chat_page.log")

    def start(self) -> None:
        self.web.start()
        self.web.wait_until(self.page_url, timeout=30)
        self.rasa.start()

    def rasa_running(self) -> bool:
        return self.rasa.process is not None and self.rasa.process.poll() is None

    def stop(self) -> None:
        self.web.stop()
        self.rasa.stop()


@dataclass
class Watched:
    """A page with what went wrong on it: console errors, failed or refused requests."""

    page: Page
    errors: List[str] = field(default_factory=list)
    bad_responses: List[str] = field(default_factory=list)
    requested: List[str] = field(default_factory=list)


OpenPage = Callable[..., Watched]


def open_chat(open_page: OpenPage, stack: ChatStack, viewport: dict) -> Watched:
    watched = open_page(viewport)
    watched.page.goto(stack.page_url)
    expect(watched.page.get_by_text(GREETING)).to_be_visible(timeout=60_000)
    return watched


def axe_violations(page: Page) -> List[str]:
    """axe-core's violations (every rule it runs by default: WCAG 2.x A/AA and best practices).

    The script is evaluated through the DevTools protocol, which the page's CSP does not
    govern, so the page is checked exactly as it is served.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => (await axe.run(document)).violations.map(v =>
        `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)""")
    return list(violations)


def send(page: Page, text: str) -> None:
    box = page.get_by_placeholder(INPUT_HINT)
    box.fill(text)
    box.press("Enter")


def quick_reply(page: Page, title: str):
    """A quick reply of the latest bot message (the widget draws them as .rw-reply)."""
    return page.locator(".rw-reply", has_text=title).last


def client_messages(page: Page) -> List[str]:
    return [text.strip() for text in page.locator(".rw-client").all_inner_texts()]


def bot_messages(page: Page) -> List[str]:
    return [text.strip() for text in page.locator(".rw-response .rw-message-text").all_inner_texts()]


def focused_text(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.textContent.trim() : ''")


def tab_to(page: Page, text: str, backwards: bool = False, limit: int = 60) -> None:
    """Moves the keyboard focus with Tab (or Shift+Tab) until it is on ``text``'s control."""
    for _ in range(limit):
        if focused_text(page) == text:
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{text!r} is not reachable with the keyboard (focus on {focused_text(page)!r})")


def wait_for_reply(page: Page, bots_before: int) -> None:
    """Waits until a bot message more than ``bots_before`` is shown (a hang bound, not a measure)."""
    # A function, not an expression: Playwright would eval() an expression, which the CSP forbids.
    page.wait_for_function(
        "(before) => document.querySelectorAll('.rw-response .rw-message-text').length > before",
        arg=bots_before, timeout=60_000)
