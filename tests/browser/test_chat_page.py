"""The chat page end to end: a conversation, reload, a Rasa restart, markup as text, origins.

Screenshots go to results/browser/.
"""
from __future__ import annotations

from urllib.parse import urlparse

import requests
from playwright.sync_api import expect

from tests.browser.chat_page import (
    SHOTS,
    VIEWPORTS,
    ChatStack,
    OpenPage,
    open_chat,
    quick_reply,
    send,
)

CANCEL_STEP = "「注文履歴」から「注文をキャンセル」"
XSS = "<img src=x onerror=alert(1)>"
# Records whether the "answering…" dots were ever shown, however briefly: polling for a
# state that may last a few milliseconds would make the test depend on timing.
RECORD_AWAITING = """() => {
  window.__awaitingSeen = false;
  const chat = document.getElementById('webchat');
  new MutationObserver(() => { if (chat.classList.contains('rw-awaiting')) window.__awaitingSeen = true; })
    .observe(chat, { attributes: true, attributeFilter: ['class'] });
}"""


def test_cancel_flow_survives_reload_and_restart(stack: ChatStack, open_page: OpenPage) -> None:
    watched = open_chat(open_page, stack, VIEWPORTS["phone"])
    page = watched.page
    expect(quick_reply(page, "注文をキャンセルしたい")).to_be_visible()
    page.screenshot(path=str(SHOTS / "01_greeting.png"))

    page.evaluate(RECORD_AWAITING)
    send(page, "注文をキャンセルしたい")
    quick_reply(page, "出荷準備前").click()
    expect(page.get_by_text(CANCEL_STEP)).to_be_visible(timeout=30_000)
    assert page.evaluate("window.__awaitingSeen"), "no 'answering…' indicator after the message"
    expect(page.locator("#webchat.rw-awaiting")).to_have_count(0)
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

    stack.rasa.restart()
    send(page, "返品したいです")
    expect(page.get_by_text("どこから購入しましたか")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SHOTS / "04_after_rasa_restart.png"), full_page=True)

    # Nothing is fetched from outside the machine: the widget's web-font import is
    # dropped before the browser sees it (web/no-webfont.js).
    outside = [url for url in watched.requested
               if urlparse(url).hostname not in ("127.0.0.1", "localhost") and not url.startswith("data:")]
    assert outside == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling


def test_markup_typed_by_the_user_is_shown_as_text(stack: ChatStack, open_page: OpenPage) -> None:
    page = open_chat(open_page, stack, VIEWPORTS["phone"]).page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    send(page, XSS)
    expect(page.get_by_text(XSS)).to_be_visible(timeout=10_000)
    # Markup has no kana or kanji: the bot answers with its Japanese-only notice (channels/guard.py).
    expect(page.get_by_text("日本語でのご案内のみです")).to_be_visible(timeout=30_000)
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


def test_feedback_buttons_under_an_answer(stack: ChatStack, open_page: OpenPage) -> None:
    """「この回答で解決しましたか？」 comes with its two buttons under an answer (issue #18), and
    「解決した」 gets the short thanks."""
    page = open_chat(open_page, stack, VIEWPORTS["phone"]).page
    send(page, "キャンセルを何度もするとペナルティはありますか")
    expect(page.get_by_text("この回答で解決しましたか？")).to_be_visible(timeout=30_000)
    expect(quick_reply(page, "解決しない")).to_be_visible()
    page.screenshot(path=str(SHOTS / "06_feedback_buttons.png"), full_page=True)
    quick_reply(page, "解決した").click()
    expect(page.get_by_text("解決してよかったです")).to_be_visible(timeout=30_000)


def test_did_you_mean_offers_the_likely_topic(stack: ChatStack, open_page: OpenPage) -> None:
    """A message the NLU is unsure of gets 「もしかして」 with the likely topic as a button and
    「どれでもない」 (issue #18); the button goes straight to the topic."""
    page = open_chat(open_page, stack, VIEWPORTS["phone"]).page
    send(page, "お金のこと")
    expect(page.get_by_text("もしかして")).to_be_visible(timeout=30_000)
    expect(quick_reply(page, "どれでもない")).to_be_visible()
    page.screenshot(path=str(SHOTS / "07_did_you_mean.png"), full_page=True)
    quick_reply(page, "返金について").click()
    expect(page.get_by_text("お支払い方法を教えてください")).to_be_visible(timeout=30_000)
