"""WCAG 2.2 AA on the chat page, phone and desktop: axe-core, and a keyboard-only conversation.

axe-core (pinned in web/package.json) runs every rule it runs by default, WCAG A/AA and
best practices (`region`: all content inside landmarks), before and after a
conversation. What axe cannot judge is checked directly: quick replies work with Tab,
Enter and Space alone; new bot messages land in a polite live log; focus is visible;
the placeholder has 4.5:1 contrast.
"""
from __future__ import annotations

import re
from typing import Tuple

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chat_page import (
    GREETING,
    PAGE_TEXT,
    SHOTS,
    VIEWPORTS,
    ChatStack,
    OpenPage,
    axe_violations,
    bot_messages,
    focused_text,
    open_chat,
    tab_to,
    wait_for_reply,
)

LABELS = PAGE_TEXT["labels"]


def relative_luminance(rgb: Tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two opaque CSS ``rgb(…)`` colours."""
    fg, bg = (tuple(float(v) for v in re.findall(r"[\d.]+", c)[:3]) for c in (foreground, background))
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def assert_focus_visible(page: Page) -> None:
    outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert outline[0] != "none" and outline[1] >= 2, f"no visible focus on {focused_text(page)!r}: {outline}"


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_axe_and_a_keyboard_only_cancel_conversation(stack: ChatStack, open_page: OpenPage,
                                                      device: str) -> None:
    page = open_chat(open_page, stack, VIEWPORTS[device]).page
    assert axe_violations(page) == []

    log = page.get_by_role("log", name=LABELS["log"])
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log.get_by_text(GREETING)).to_be_visible()  # bot messages are announced
    box = page.get_by_role("textbox", name=LABELS["input"])
    expect(page.get_by_role("button", name=LABELS["send"])).to_have_count(1)
    expect(page.locator(".page-header p")).to_be_visible()  # a tall screen keeps the whole header

    placeholder = page.evaluate("""() => { const box = document.querySelector('.rw-new-message');
        return [getComputedStyle(box, '::placeholder').color, getComputedStyle(box).backgroundColor]; }""")
    assert contrast(*placeholder) >= 4.5, placeholder

    tab_to(page, "注文をキャンセルしたい")
    assert_focus_visible(page)
    bots = len(bot_messages(page))
    page.keyboard.press("Enter")
    wait_for_reply(page, bots)
    # The chosen reply is gone with its buttons; the focus waits in the text box, and
    # the new quick replies are just before it.
    expect(box).to_be_focused()
    assert_focus_visible(page)
    tab_to(page, "出荷準備前", backwards=True)
    assert_focus_visible(page)
    page.keyboard.press(" ")
    expect(page.get_by_text("「注文履歴」から「注文をキャンセル」")).to_be_visible(timeout=30_000)
    expect(box).to_be_focused()

    bots = len(bot_messages(page))
    page.keyboard.type("ありがとうございました")
    page.keyboard.press("Enter")
    wait_for_reply(page, bots)
    expect(page.locator(".rw-client").last).to_have_text("ありがとうございました")
    expect(log.locator(".rw-response").last).to_be_visible()

    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"{device}_conversation.png"))
