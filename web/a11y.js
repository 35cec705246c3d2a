// Makes rasa-webchat 1.0.1 usable by keyboard and screen reader, and guards its input,
// without forking its bundle. The widget (React) redraws its DOM whenever it likes, so a
// MutationObserver gives each newly drawn element what the widget leaves out:
// - the message list becomes a polite live log, so new bot messages are read out;
// - quick replies (plain <div>s) become buttons with a tab stop, Enter and Space;
// - the text box and the icon-only send button get names (labels from config.js).
// Capturing listeners on window run before the widget's own handlers and stop
// whitespace-only messages and the Enter that ends an IME composition.
(function () {
  "use strict";
  var labels = (window.CHAT_CONFIG || {}).labels || {};
  var root = document.getElementById("webchat");

  function setOnce(element, name, value) {
    if (element && value && !element.hasAttribute(name)) element.setAttribute(name, value);
  }

  function enhance() {
    var log = root.querySelector(".rw-messages-container");
    setOnce(log, "role", "log");
    setOnce(log, "aria-live", "polite");
    setOnce(log, "aria-label", labels.log);
    setOnce(log, "tabindex", "0"); // a scrolling region must be reachable to scroll by keyboard
    root.querySelectorAll("div.rw-reply").forEach(function (reply) {
      setOnce(reply, "role", "button");
      setOnce(reply, "tabindex", "0");
    });
    setOnce(root.querySelector(".rw-new-message"), "aria-label", labels.input);
    setOnce(root.querySelector(".rw-send"), "aria-label", labels.send);
    root.querySelectorAll(".rw-send svg").forEach(function (icon) {
      setOnce(icon, "aria-hidden", "true"); // the button's name says it all
      setOnce(icon, "focusable", "false");
    });
    setOnce(root.querySelector(".rw-loading"), "role", "status");
  }

  function focusInput() {
    var input = root.querySelector(".rw-new-message");
    if (input && !input.disabled) input.focus();
  }

  // A chosen quick reply disappears with its message's buttons; focus would fall back
  // to the top of the page, so it goes to the text box (Shift+Tab reaches the new replies).
  function choose(reply) {
    reply.click();
    window.setTimeout(focusInput, 0);
  }

  root.addEventListener("keydown", function (event) {
    var reply = event.target.closest && event.target.closest('div.rw-reply[role="button"]');
    if (!reply) return;
    if (event.key === "Enter") {
      event.preventDefault();
      choose(reply);
    } else if (event.key === " ") {
      event.preventDefault(); // no page scroll; the button acts on release, as a <button> does
    }
  });
  root.addEventListener("keyup", function (event) {
    var reply = event.target.closest && event.target.closest('div.rw-reply[role="button"]');
    if (reply && event.key === " ") choose(reply);
  });

  function isInput(element) {
    return element && element.classList && element.classList.contains("rw-new-message");
  }

  // Enter that confirms an IME conversion (isComposing, or keyCode 229 in Chromium and
  // Safari) belongs to the IME; the widget would send the half-typed message.
  window.addEventListener("keydown", function (event) {
    if (isInput(event.target) && (event.isComposing || event.keyCode === 229)) {
      event.stopImmediatePropagation();
    }
  }, true);

  // Spaces only (U+3000 included: String.prototype.trim removes it) are not a message.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("rw-sender")) return;
    var input = form.querySelector(".rw-new-message");
    if (input && input.value.trim() === "") {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  new MutationObserver(enhance).observe(root, { childList: true, subtree: true });
  enhance();
})();
