"""Connecting and offline: the page says so, gives the contact paths, and recovers by itself.

The Rasa server of the folder's stack is stopped for this test (and started again even if
it fails), the page is opened on a phone and on a desktop, then Rasa starts.
"""
from __future__ import annotations

from playwright.sync_api import expect

from common.renderer import render
from tests.browser.chat_page import (
    GREETING,
    PAGE_TEXT,
    SHOTS,
    VIEWPORTS,
    ChatStack,
    OpenPage,
    axe_violations,
    bot_messages,
    send,
    wait_for_reply,
)


def test_offline_notice_then_recovery_when_the_server_starts(stack: ChatStack, open_page: OpenPage) -> None:
    offline = PAGE_TEXT["offline"]
    stack.rasa.stop()
    try:
        pages = {device: open_page(VIEWPORTS[device]).page for device in VIEWPORTS}
        for device, page in pages.items():
            page.goto(stack.page_url)
            expect(page.get_by_text(PAGE_TEXT["widget"]["connecting"])).to_be_visible(timeout=10_000)
            notice = page.locator("#offline")
            expect(notice.get_by_role("heading", name=offline["headline"])).to_be_visible(timeout=30_000)
            # The contact paths are the bot's own answers, rendered from the knowledge file.
            shown = notice.inner_text()
            for answer in offline["answers"]:
                for message in render(answer):
                    for line in message["text"].splitlines():
                        assert line in shown, line
            assert "「カスタマーサービスに連絡」" in shown
            assert axe_violations(page) == []
            page.screenshot(path=str(SHOTS / f"{device}_offline.png"))

        stack.rasa.start()
        for page in pages.values():
            expect(page.get_by_text(GREETING)).to_be_visible(timeout=120_000)
            expect(page.locator("#offline")).to_be_empty()
            expect(page.get_by_text(PAGE_TEXT["widget"]["connecting"])).to_have_count(0)
            bots = len(bot_messages(page))
            send(page, "返品したいです")
            wait_for_reply(page, bots)
            expect(page.get_by_text("どこから購入しましたか")).to_be_visible()
    finally:
        if not stack.rasa_running():
            stack.rasa.start()
