"""Readable answers and the page's looks: start of a long answer, line height, 「」 labels,
whole quick-reply labels, a header that gives way on short screens, Japanese fonts from
the machine, a favicon, and a clean console.
"""
from __future__ import annotations

from typing import Set
from urllib.parse import urlparse

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.chat_page import (
    SHOTS,
    VIEWPORTS,
    ChatStack,
    OpenPage,
    open_chat,
    quick_reply,
    send,
)

JAPANESE_FONT = "Noto Sans CJK JP"  # Debian's fonts-noto-cjk, first in the page's stack
# Short enough that the cancel procedure (three bubbles) is taller than the message area.
SHORT = {"phone": {"width": 390, "height": 520}, "desktop": {"width": 1366, "height": 480}}

# Where the first message of the bot's latest turn is, seen from the message list.
ANSWER_START = """() => {
  const log = document.querySelector('.rw-messages-container');
  const groups = log.querySelectorAll('.rw-group-message');
  const first = groups[groups.length - 1].querySelector('.rw-message');
  return { offset: first.getBoundingClientRect().top - log.getBoundingClientRect().top,
           height: log.clientHeight, atBottom: log.scrollTop + log.clientHeight >= log.scrollHeight - 1 };
}"""


def reply_lines(page: Page) -> list:
    """How many lines each quick-reply label takes."""
    return page.evaluate("""() => [...document.querySelectorAll('.rw-reply')].map(reply => {
        const range = document.createRange(); range.selectNodeContents(reply);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")


def fonts_of(page: Page, selector: str) -> Set[str]:
    """The platform fonts Chromium used for the text of the first element ``selector`` matches."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {font["familyName"] for font in fonts}
    finally:
        cdp.detach()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_a_long_answer_opens_at_its_start_on_a_short_screen(stack: ChatStack, open_page: OpenPage,
                                                            device: str) -> None:
    page = open_chat(open_page, stack, SHORT[device]).page
    header = page.locator(".page-header")
    expect(header.locator("p")).to_be_hidden()
    assert header.bounding_box()["height"] <= 40

    assert max(reply_lines(page)) == 1, "a quick-reply label is broken over two lines"
    send(page, "注文をキャンセルしたい")
    quick_reply(page, "出荷準備前").click()
    # The buttons come with the turn's last message.
    expect(quick_reply(page, "キャンセルのペナルティ")).to_be_visible(timeout=30_000)
    start = page.evaluate(ANSWER_START)
    assert not start["atBottom"], f"the answer fits the view, the test shows nothing: {start}"
    assert 0 <= start["offset"] < start["height"] / 4, f"the answer's start is not in view: {start}"

    line_height = page.evaluate("""() => {
        const s = getComputedStyle(document.querySelector('.rw-response .rw-message-text'));
        return parseFloat(s.lineHeight) / parseFloat(s.fontSize); }""")
    assert line_height >= 1.6
    labels = page.evaluate("[...(CSS.highlights.get('ja-label') || [])].map(range => range.toString())")
    assert "「注文履歴」" in labels and "「注文をキャンセル」" in labels
    page.screenshot(path=str(SHOTS / f"{device}_short_screen_answer.png"))


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_fonts_favicon_and_a_clean_console(stack: ChatStack, open_page: OpenPage, device: str) -> None:
    watched = open_chat(open_page, stack, VIEWPORTS[device])
    page = watched.page
    send(page, "電話で問い合わせたい")
    expect(page.get_by_text("電話での問い合わせ方法です")).to_be_visible(timeout=30_000)

    # Latin and Japanese letters from one Japanese font ("Amazon" no longer in DejaVu Sans).
    assert fonts_of(page, ".page-header h1") == {JAPANESE_FONT}
    assert fonts_of(page, ".rw-response .rw-markdown p") == {JAPANESE_FONT}
    assert fonts_of(page, ".rw-reply") == {JAPANESE_FONT}

    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    response = requests.get(icon, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/svg+xml"

    assert watched.errors == []  # no CSP report, no script error
    assert watched.bad_responses == []  # no 404 (favicon), nothing refused
    hosts = {urlparse(url).hostname for url in watched.requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}
