"""Fixtures of the browser tests: one chat stack and one Chromium for the whole folder.

Starting a Rasa server costs half a minute; each test opens its own browser contexts
(their own storage), so tests do not see each other's conversations.
"""
from __future__ import annotations

from typing import Iterator, List, Optional

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, sync_playwright

from tests.browser.chat_page import CHROMIUM, CHROMIUM_ARGS, SHOTS, ChatStack, OpenPage, Watched


@pytest.fixture(scope="package")
def stack(action_server: str, trained_model: str, tmp_path_factory) -> Iterator[ChatStack]:
    chat = ChatStack(action_server, trained_model, tmp_path_factory.mktemp("chat"))
    try:
        chat.start()
        yield chat
    finally:
        chat.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Opens pages in fresh browser contexts; all are closed after the test, pass or fail."""
    contexts: List[BrowserContext] = []

    def opener(viewport: dict, context: Optional[BrowserContext] = None) -> Watched:
        if context is None:
            context = browser.new_context(viewport=viewport, locale="ja-JP")
            contexts.append(context)
        watched = Watched(context.new_page())

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watched.errors.append(message.text)

        watched.page.on("console", on_console)
        watched.page.on("pageerror", lambda error: watched.errors.append(str(error)))
        watched.page.on("request", lambda request: watched.requested.append(request.url))
        watched.page.on("response", lambda response: response.status >= 400
                        and watched.bad_responses.append(f"{response.status} {response.url}"))
        return watched

    try:
        yield opener
    finally:
        for context in contexts:
            context.close()


