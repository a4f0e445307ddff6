/* Loket web widget. Plain JavaScript, no dependencies.
 *
 * Embed it in any site with one line:
 *   <script src="https://ASSISTANT/chat/loket.js" defer></script>
 * Options on that tag: data-language="nl|pap|en", data-mode="page" with
 * data-target="ELEMENT-ID" to fill an element instead of a chat button.
 *
 * Everything from the user and from the bot is put on the page as text
 * (textContent), never as HTML. Messages wait in an outbox in localStorage until
 * the assistant has answered them; a resent message keeps its id, so the server
 * answers it once.
 */
(function () {
  "use strict";

  var CONFIG = "__LOKET_LABELS__";
  var LANGUAGES = ["nl", "pap", "en"];
  var MAX_CHARS = 2000;
  var REQUEST_TIMEOUT_MS = 30000;
  var MAX_RETRY_MS = 30000;
  // A reply's links are "[label](https://…)" (the source, the page to go to); bare
  // addresses ("toeslagen.nl") become links too.
  var URL_PATTERN = /\[([^\]]+)\]\((https:\/\/[^\s)]+)\)|(https?:\/\/[^\s;,()]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:nl|com|org|eu|gov)(?:\/[^\s;,()]*)?)/gi;

  var script = document.currentScript;
  if (!script || window.__loketLoaded) { return; }
  window.__loketLoaded = true;
  var base = new URL(".", script.src).href;
  var pageMode = script.getAttribute("data-mode") === "page";

  var store = (function () {
    try {
      var probe = "loket:probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      var memory = {};
      return {
        getItem: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
        setItem: function (key, value) { memory[key] = String(value); },
        removeItem: function (key) { delete memory[key]; }
      };
    }
  })();

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function startLanguage() {
    var asked = [script.getAttribute("data-language"), store.getItem("loket:language"),
      document.documentElement.lang, navigator.language];
    for (var i = 0; i < asked.length; i++) {
      var code = String(asked[i] || "").toLowerCase().split("-")[0];
      if (LANGUAGES.indexOf(code) >= 0) { return code; }
    }
    return "nl";
  }

  var state = {
    conversation: store.getItem("loket:conversation") || newId(),
    language: startLanguage(),
    outbox: readOutbox(),
    retryMs: 1000,
    retryTimer: null,
    sending: false
  };
  store.setItem("loket:conversation", state.conversation);

  function readOutbox() {
    try {
      var saved = JSON.parse(store.getItem("loket:outbox") || "[]");
      return Array.isArray(saved) ? saved.filter(function (m) { return m && m.message_id && m.text; }) : [];
    } catch (error) { return []; }
  }
  function saveOutbox() { store.setItem("loket:outbox", JSON.stringify(state.outbox)); }
  function label(key) { return CONFIG.labels[state.language][key]; }

  /* ---- building the widget ---- */

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attributes.text; } else { node.setAttribute(name, attributes[name]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var host = pageMode && document.getElementById(script.getAttribute("data-target") || "loket");
  if (!host) { host = el("div", { "data-loket": "" }); document.body.appendChild(host); }
  if (pageMode) { document.documentElement.classList.add("loket-page"); }
  var shadow = host.attachShadow({ mode: "open" });
  shadow.appendChild(el("link", { rel: "stylesheet", href: base + "loket.css" }));

  var ui = {};
  ui.root = el("div", { "class": "root " + (pageMode ? "page" : "embed") });
  ui.title = el(pageMode ? "h1" : "h2", { id: "loket-title", "data-label": "title" });
  ui.subtitle = el("p", { "class": "subtitle", "data-label": "subtitle" });
  ui.languages = el("div", { "class": "languages", role: "group" });
  ui.languageButtons = LANGUAGES.map(function (code) {
    var button = el("button", { type: "button", lang: code, "data-language": code });
    button.addEventListener("click", function () { chooseLanguage(code); });
    ui.languages.appendChild(button);
    return button;
  });
  ui.newConversation = el("button", { type: "button", "class": "new", "data-label": "new" });
  ui.top = el("div", { "class": "top" }, [el("div", { "class": "heading" }, [ui.title, ui.subtitle]), ui.newConversation]);
  ui.header = el("header", {}, [ui.top, ui.languages]);
  ui.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    tabindex: "0" });
  ui.status = el("p", { "class": "status", role: "status", "aria-live": "polite", "data-state": "" });
  ui.retry = el("button", { type: "button", "class": "retry", "data-label": "retry", hidden: "" });
  ui.input = el("textarea", { id: "loket-input", rows: "2", maxlength: String(MAX_CHARS), autocomplete: "off",
    enterkeyhint: "send" });
  ui.inputLabel = el("label", { "for": "loket-input", "data-label": "input" });
  ui.send = el("button", { type: "submit", "class": "send", "data-label": "send" });
  ui.form = el("form", {}, [el("div", { "class": "field" }, [ui.inputLabel, ui.input]), ui.send]);
  // What is kept and how to delete it: the privacy statement and "delete this conversation".
  ui.privacy = el("button", { type: "button", "class": "tool", "data-label": "privacy" });
  ui.forget = el("button", { type: "button", "class": "tool", "data-label": "forget" });
  ui.tools = el("div", { "class": "tools" }, [ui.privacy, ui.forget]);
  ui.panel = el("section", { "class": "panel", "aria-labelledby": "loket-title" },
    [ui.header, ui.log, ui.status, ui.retry, ui.form, ui.tools]);

  if (!pageMode) {
    ui.close = el("button", { type: "button", "class": "close", "data-label-aria": "close", text: "\u00d7" });
    ui.top.appendChild(ui.close);
    ui.launcher = el("button", { type: "button", "class": "launcher", "aria-expanded": "false",
      "aria-controls": "loket-panel", "data-label": "open" });
    ui.panel.id = "loket-panel";
    ui.panel.hidden = true;
    ui.root.appendChild(ui.launcher);
    ui.launcher.addEventListener("click", function () { setOpen(ui.panel.hidden); });
    ui.close.addEventListener("click", function () { setOpen(false); });
    ui.panel.addEventListener("keydown", function (event) { if (event.key === "Escape") { setOpen(false); } });
  }
  ui.root.appendChild(ui.panel);
  shadow.appendChild(ui.root);

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    (open ? ui.input : ui.launcher).focus();
    if (open) { scrollToEnd(); }
  }

  function applyLabels() {
    ui.root.setAttribute("lang", state.language);
    shadow.querySelectorAll("[data-label]").forEach(function (node) { node.textContent = label(node.getAttribute("data-label")); });
    shadow.querySelectorAll("[data-label-aria]").forEach(function (node) {
      node.setAttribute("aria-label", label(node.getAttribute("data-label-aria")));
    });
    ui.languages.setAttribute("aria-label", label("language"));
    ui.log.setAttribute("aria-label", label("log"));
    ui.languageButtons.forEach(function (button) {
      var code = button.getAttribute("data-language");
      button.textContent = CONFIG.labels[code].language_name;
      button.setAttribute("aria-pressed", String(code === state.language));
    });
    shadow.querySelectorAll(".choices").forEach(function (group) { group.setAttribute("aria-label", label("options")); });
    shadow.querySelectorAll(".who").forEach(function (who) { who.textContent = label(who.getAttribute("data-who")) + ": "; });
    if (ui.welcome) { ui.welcome.querySelector("p").textContent = label("welcome"); }
    if (pageMode) { document.documentElement.lang = state.language; document.title = label("title") + " \u2013 " + label("subtitle"); }
    if (ui.status.getAttribute("data-state")) { setStatus(ui.status.getAttribute("data-state")); }
  }

  /* ---- messages ---- */

  function textWithLinks(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, linkLabel, linkUrl, bare, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var href = linkUrl || (/^https?:\/\//i.test(bare) ? bare : "https://" + bare);
      parent.appendChild(el("a", { href: href, target: "_blank", rel: "noopener noreferrer",
        text: linkLabel || bare }));
      last = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(kind, extraClass) {
    var node = el("div", { "class": "msg " + kind + (extraClass ? " " + extraClass : "") });
    node.appendChild(el("span", { "class": "sr-only who", "data-who": kind === "user" ? "you" : "bot",
      text: label(kind === "user" ? "you" : "bot") + ": " }));
    return node;
  }

  function addUser(message, pending) {
    var node = bubble("user", pending ? "pending" : "");
    node.setAttribute("data-id", message.message_id || "");
    node.appendChild(el("p", { text: message.shown_as || message.text }));
    ui.log.appendChild(node);
    return node;
  }

  function addBot(message, withChoices) {
    var node = bubble("bot");
    String(message.text || "").split(/\n{2,}/).forEach(function (paragraph) {
      var isSource = LANGUAGES.some(function (code) { return paragraph.indexOf(CONFIG.labels[code].source + ":") === 0; });
      var p = el("p", isSource ? { "class": "source" } : {});
      textWithLinks(p, paragraph);
      node.appendChild(p);
    });
    if (withChoices && message.buttons && message.buttons.length) {
      var group = el("div", { "class": "choices", role: "group", "aria-label": label("options") });
      message.buttons.forEach(function (choice) {
        var button = el("button", { type: "button", text: choice.title });
        button.addEventListener("click", function () { send(choice.payload, choice.title); });
        group.appendChild(button);
      });
      node.appendChild(group);
    }
    ui.log.appendChild(node);
    return node;
  }

  function dropChoices() {
    var hadFocus = shadow.activeElement && shadow.activeElement.closest && shadow.activeElement.closest(".choices");
    shadow.querySelectorAll(".choices").forEach(function (group) { group.remove(); });
    if (hadFocus) { ui.input.focus(); }
  }

  function scrollToEnd() { ui.log.scrollTop = ui.log.scrollHeight; }
  // A long answer is read from its start, so that is what comes into view.
  function showFrom(node) { ui.log.scrollTop = Math.max(0, node.offsetTop - 8); }

  function showWelcome() {
    ui.welcome = addBot({ text: label("welcome") }, false);
  }

  function setStatus(kind) {
    ui.status.setAttribute("data-state", kind);
    ui.status.className = "status" + (kind === "offline" || kind === "failed" ? " error" : "");
    ui.status.textContent = kind ? label(kind) : "";
    if (kind === "typing") { ui.status.appendChild(el("span", { "class": "dots", "aria-hidden": "true" })); }
    ui.retry.hidden = !(kind === "offline" || kind === "failed");
  }

  /* ---- talking to the assistant ---- */

  function request(path, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, REQUEST_TIMEOUT_MS);
    options = options || {};
    if (controller) { options.signal = controller.signal; }
    return fetch(base + path, options).finally(function () { clearTimeout(timer); });
  }

  function send(text, shownAs) {
    text = String(text).trim();
    if (!text) { return; }
    if (text.length > MAX_CHARS) { setStatus("too_long"); return; }
    var message = { conversation_id: state.conversation, message_id: newId(), text: text };
    if (shownAs) { message.shown_as = shownAs; }
    state.outbox.push(message);
    saveOutbox();
    dropChoices();
    addUser(message, true);
    scrollToEnd();
    flush();
  }

  function flush() {
    if (state.sending || !state.outbox.length) { return; }
    clearTimeout(state.retryTimer);
    state.sending = true;
    var message = state.outbox[0];
    setStatus("typing");
    request("webhook", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(message) })
      .then(function (response) {
        if (response.status === 400) { return { rejected: true }; }
        if (response.status === 429) {  // too many messages: keep this one and send it again later
          var error = new Error("rate limited");
          error.waitSeconds = Number(response.headers.get("Retry-After")) || 60;
          throw error;
        }
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (answer) {
        state.outbox.shift();
        saveOutbox();
        state.sending = false;
        state.retryMs = 1000;
        var sent = ui.log.querySelector('[data-id="' + message.message_id + '"]');
        if (sent) { sent.classList.remove("pending"); }
        if (answer.rejected) {
          if (sent) { sent.remove(); }
          setStatus("too_long");
        } else {
          var first = null;
          (answer.messages || []).forEach(function (reply) { var node = addBot(reply, true); first = first || node; });
          setStatus("");
          if (first) { showFrom(first); } else { scrollToEnd(); }
          if (answer.forgotten) { forgetLocally(); }
        }
        flush();
      })
      .catch(function (error) {
        state.sending = false;
        if (error && error.waitSeconds) {
          setStatus("rate_limited");
          state.retryTimer = setTimeout(flush, error.waitSeconds * 1000);
          return;
        }
        setStatus(navigator.onLine === false ? "offline" : "failed");
        state.retryTimer = setTimeout(flush, state.retryMs);
        state.retryMs = Math.min(state.retryMs * 2, MAX_RETRY_MS);
      });
  }

  function loadHistory() {
    ui.log.setAttribute("aria-busy", "true");
    return request("history?conversation_id=" + encodeURIComponent(state.conversation))
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (history) {
        var entries = history.messages || [];
        var lastUser = -1;
        entries.forEach(function (entry, index) { if (entry.from === "user") { lastUser = index; } });
        var handled = {};
        entries.forEach(function (entry, index) {
          if (entry.from === "user") {
            handled[entry.message_id] = true;
            addUser(entry, false);
          } else {
            addBot(entry, index > lastUser);
          }
        });
        state.outbox = state.outbox.filter(function (message) {
          return !handled[message.message_id] && message.conversation_id === state.conversation;
        });
        saveOutbox();
      })
      .catch(function () { setStatus(navigator.onLine === false ? "offline" : "failed"); })
      .then(function () {
        state.outbox.forEach(function (message) { addUser(message, true); });
        ui.log.removeAttribute("aria-busy");
        scrollToEnd();
        flush();
      });
  }

  function chooseLanguage(code) {
    if (code === state.language) { return; }
    state.language = code;
    store.setItem("loket:language", code);
    applyLabels();
    send(CONFIG.switch[code], CONFIG.labels[code].language_name);
  }

  // The server deleted the conversation: keep its goodbye on screen, but nothing of it
  // in this browser (a shared library computer), and go on with a new conversation.
  function forgetLocally() {
    state.conversation = newId();
    store.setItem("loket:conversation", state.conversation);
    state.outbox = [];
    saveOutbox();
  }

  function startNewConversation() {
    state.conversation = newId();
    store.setItem("loket:conversation", state.conversation);
    state.outbox = [];
    saveOutbox();
    clearTimeout(state.retryTimer);
    ui.log.textContent = "";
    showWelcome();
    setStatus("");
    ui.input.focus();
  }

  ui.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = ui.input.value;
    if (!text.trim()) { ui.input.focus(); return; }
    ui.input.value = "";
    send(text);
    ui.input.focus();
  });
  ui.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.form.requestSubmit ? ui.form.requestSubmit() : ui.send.click();
    }
  });
  ui.retry.addEventListener("click", function () { state.retryMs = 1000; flush(); ui.input.focus(); });
  ui.newConversation.addEventListener("click", startNewConversation);
  ui.privacy.addEventListener("click", function () { send(CONFIG.commands.privacy, label("privacy")); });
  ui.forget.addEventListener("click", function () { send(CONFIG.commands.forget, label("forget")); });
  window.addEventListener("online", function () { state.retryMs = 1000; flush(); });

  showWelcome();
  applyLabels();
  loadHistory();
})();
