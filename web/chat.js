// Starts the widget and keeps the customer informed. Everything the page says comes from
// config.js (written by scripts/serve_web.py from web/page.yml and the knowledge file),
// so the page needs no build step and holds no wording of its own.
(function () {
  "use strict";
  var config = window.CHAT_CONFIG;
  var root = document.getElementById("webchat");
  var notice = document.getElementById("offline");
  var offlineTimer = null;

  // --- Connecting / offline -------------------------------------------------------
  // The widget shows config.widget.connecting while it has no connection. If none comes
  // within a few seconds, the customer also gets the other ways to reach customer
  // service. socket.io keeps retrying; the notice goes when the session is confirmed.
  function showOffline() {
    if (notice.childElementCount) return;
    var heading = document.createElement("h2");
    heading.textContent = config.offline.headline;
    notice.appendChild(heading);
    config.offline.messages.forEach(function (text) {
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      notice.appendChild(paragraph);
    });
    notice.setAttribute("tabindex", "0"); // it may scroll on a small screen
  }

  function hideOffline() {
    window.clearTimeout(offlineTimer);
    notice.replaceChildren();
    notice.removeAttribute("tabindex");
  }

  function waitForConnection() {
    window.clearTimeout(offlineTimer);
    offlineTimer = window.setTimeout(showOffline, config.offline.afterSeconds * 1000);
  }

  // --- Waiting for the answer ------------------------------------------------------
  // Bot messages are shown as they arrive (no artificial delay: a message held back by
  // the widget is lost if the page is reloaded meanwhile), so the page shows its own
  // "answering…" dots from the customer's message to the first reply.
  function awaiting(on) {
    root.classList.toggle("rw-awaiting", on);
    var log = root.querySelector(".rw-messages-container");
    if (on && log) log.scrollTop = log.scrollHeight;
  }
  window.addEventListener("submit", function (event) {
    if (event.target.classList && event.target.classList.contains("rw-sender")) awaiting(true);
  }); // bubbling phase: after a11y.js has stopped empty messages
  root.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("div.rw-reply")) awaiting(true);
  });

  // --- Reading long answers ---------------------------------------------------------
  // The widget scrolls to the bottom on every update; for an answer taller than the
  // view the customer would see its end first. Show the start of the bot's turn instead.
  function showStartOfAnswer(log) {
    var groups = log.querySelectorAll(".rw-group-message");
    var last = groups[groups.length - 1];
    if (!last || !last.classList.contains("rw-from-response")) return;
    var first = last.querySelector(".rw-message");
    var start = log.scrollTop + first.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    if (start < log.scrollTop) log.scrollTop = Math.max(start, 0);
  }

  // 「」 quotes screen labels and buttons to look for on Amazon's pages. The CSS Custom
  // Highlight API marks them without touching the DOM React owns.
  var LABEL = /「[^「」\n]{1,60}」/g;
  function markLabels() {
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    var ranges = [];
    root.querySelectorAll(".rw-response .rw-message-text").forEach(function (message) {
      var walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        LABEL.lastIndex = 0;
        for (var match = LABEL.exec(node.data); match; match = LABEL.exec(node.data)) {
          var range = new Range();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          ranges.push(range);
        }
      }
    });
    CSS.highlights.set("ja-label", new Highlight(...ranges));
  }

  new MutationObserver(function () {
    var log = root.querySelector(".rw-messages-container");
    if (log) showStartOfAnswer(log);
    markLabels();
  }).observe(root, { childList: true, subtree: true, characterData: true });

  // --- The widget -------------------------------------------------------------------
  waitForConnection();
  WebChat.default(
    {
      initPayload: config.widget.greeting_payload,
      socketUrl: config.socketUrl,
      socketPath: "/socket.io/",
      title: config.widget.title,
      subtitle: config.widget.subtitle,
      inputTextFieldHint: config.widget.input_hint,
      connectingText: config.widget.connecting,
      embedded: true,
      withRules: false, // otherwise the widget stays hidden until the server answers
      showCloseButton: false,
      showFullScreenButton: false,
      displayUnreadCount: false,
      hideWhenNotConnected: false,
      customMessageDelay: function () { return 0; },
      // One conversation per tab: two tabs sharing localStorage overwrote each other.
      // sessionStorage survives a reload of the tab.
      params: { storage: "session" },
      onSocketEvent: {
        session_confirm: hideOffline,
        disconnect: function () { awaiting(false); waitForConnection(); },
        bot_uttered: function () { awaiting(false); },
      },
    },
    root
  );
})();
