/*
 * Loan scam check: an embeddable, accessible chat widget for the assistant's Rasa socketio channel.
 *
 * Embed with one tag and a div (plain JS, no build step, no request to any other host):
 *   <div id="scamguard-chat"></div>
 *   <script src="https://chat.example.org/widget.js" data-rasa-url="https://bot.example.org" defer></script>
 *
 * Script attributes (all optional):
 *   data-rasa-url      where Rasa runs (default: this page's host, port 5005)
 *   data-socket-path   Socket.IO path (default /socket.io)
 *   data-target        CSS selector of the container (default #scamguard-chat)
 *   data-language      first UI language, "en" or "zh" (default: the browser's language)
 *   data-max-chars     longest message accepted (default 2000; keep equal to the channel's)
 *   data-heading-level heading level of the widget title, 1-6 (default 2)
 *   data-expiry-minutes forget the conversation after this much inactivity (default 60, the
 *                      bot's session_expiration_time, so both forget it together)
 *
 * Privacy: the conversation id (128 random bits from crypto.getRandomValues) and the transcript
 * are kept in this browser's localStorage, so the conversation survives a reload and a closed
 * tab; both are forgotten after data-expiry-minutes without a message, and "Start over" deletes
 * them at once. Nothing else is stored.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptUrl = new URL(script ? script.src : "widget.js", document.baseURI);
  var config = readConfig(script ? script.dataset : {});
  var STORAGE_KEY = "scamguard.v1";
  var PREFS_KEY = "scamguard.v1.prefs";   // text size only: kept after the conversation expires
  var EXPIRY_MS = config.expiryMinutes * 60 * 1000;
  var MAX_TRANSCRIPT_ITEMS = 300;
  var SLOW_REPLY_MS = 20000;

  var STRINGS = {
    en: {
      title: "Loan scam check",
      subtitle: "Tell me about a loan offer and I will check it for scam warning signs. " +
        "I am an automated assistant, not the police.",
      languageGroup: "Language",
      largerText: "Larger text",
      startOver: "Start over",
      confirmStartOver: "Delete this conversation from this device and start again?",
      conversation: "Conversation",
      you: "You said:",
      assistant: "Assistant said:",
      inputLabel: "Your message",
      inputHint: "Press Enter to send, Shift+Enter for a new line.",
      send: "Send",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      reconnecting: "Connection lost. Trying to reconnect… Your conversation is kept on this device.",
      reconnected: "Connected again.",
      notConnected: "Not connected right now, so your message was not sent. It is still in the box: " +
        "press Send again when the connection is back.",
      slow: "This is taking longer than usual. Please wait a moment.",
      empty: "Please type a message first.",
      tooLong: "Your message is {length} characters long; the limit is {limit}. Please shorten it " +
        "or send it in two parts.",
      counter: "{length} of {limit} characters",
      suggestions: "Suggested replies",
      risk: { high: "High risk", medium: "Medium risk", low: "No known warning signs" },
      riskLead: {
        high: "This has strong signs of a scam.",
        medium: "There are warning signs. Check carefully before you do anything.",
        low: "I found no known warning signs in what you told me. That does not prove it is safe: " +
          "check through the lender's official app or website that you open yourself."
      },
      score: "Score {score} out of 100",
      flagsHeading: "Warning signs",
      youSaid: "You said:",
      patternsHeading: "It resembles",
      stepsHeading: "What to do now",
      call: "Call {number}",
      verdict: "Check result"
    },
    zh: {
      title: "贷款诈骗自查",
      subtitle: "告诉我你收到的贷款邀约，我会帮你检查有没有诈骗的警示信号。我是自动助手，不是警察。",
      languageGroup: "语言",
      largerText: "放大文字",
      startOver: "重新开始",
      confirmStartOver: "要从这台设备上删除这段对话并重新开始吗？",
      conversation: "对话",
      you: "你说：",
      assistant: "助手说：",
      inputLabel: "输入你的消息",
      inputHint: "按回车发送，Shift+回车换行。",
      send: "发送",
      typing: "助手正在输入…",
      connecting: "正在连接…",
      reconnecting: "连接已断开，正在重新连接……对话仍保存在这台设备上。",
      reconnected: "已重新连接。",
      notConnected: "现在没有连接，消息没有发出。内容还在输入框里，连接恢复后请再按一次发送。",
      slow: "回复比平时慢，请稍等。",
      empty: "请先输入消息。",
      tooLong: "你的消息有 {length} 个字符，上限是 {limit} 个。请缩短一些，或分两次发送。",
      counter: "{length} / {limit} 个字符",
      suggestions: "建议的回复",
      risk: { high: "高风险", medium: "中等风险", low: "未发现已知警示信号" },
      riskLead: {
        high: "这有明显的诈骗特征。",
        medium: "存在警示信号。做任何事之前请先仔细核实。",
        low: "根据你告诉我的内容，没有发现已知的警示信号。但这不能证明它是安全的：" +
          "请通过你自己打开的官方应用或官网核实。"
      },
      score: "风险分数 {score}/100",
      flagsHeading: "警示信号",
      youSaid: "你说：",
      patternsHeading: "类似的骗局",
      stepsHeading: "现在该怎么做",
      call: "拨打 {number}",
      verdict: "检查结果"
    }
  };
  var LANG_TAGS = { en: "en", zh: "zh-Hans" };

  function readConfig(data) {
    var defaultRasa = location.protocol + "//" + location.hostname + ":5005";
    var level = parseInt(data.headingLevel || "2", 10);
    return {
      rasaUrl: data.rasaUrl || defaultRasa,
      socketPath: data.socketPath || "/socket.io",
      target: data.target || "#scamguard-chat",
      language: data.language === "zh" || data.language === "en" ? data.language
        : (/^zh/i.test(navigator.language || "") ? "zh" : "en"),
      maxChars: parseInt(data.maxChars || "2000", 10) || 2000,
      headingLevel: level >= 1 && level <= 6 ? level : 2,
      expiryMinutes: parseFloat(data.expiryMinutes || "60") || 60
    };
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  // ---------------------------------------------------------------- storage (best effort)
  var storage = {
    load: function () {
      try {
        var saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
        if (saved && saved.sessionId && Date.now() - saved.savedAt < EXPIRY_MS) { return saved; }
      } catch (e) { /* storage blocked or corrupt: start afresh */ }
      return null;
    },
    save: function (state) {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify({
          sessionId: state.sessionId, savedAt: Date.now(), language: state.language,
          items: state.items.slice(-MAX_TRANSCRIPT_ITEMS)
        }));
      } catch (e) { /* storage full or blocked: the conversation still works */ }
    },
    clear: function () {
      try { localStorage.removeItem(STORAGE_KEY); } catch (e) { /* nothing to clear */ }
    },
    largeText: function (value) {
      try {
        if (value === undefined) { return localStorage.getItem(PREFS_KEY) === "large"; }
        localStorage.setItem(PREFS_KEY, value ? "large" : "normal");
      } catch (e) { /* preference not kept */ }
      return Boolean(value);
    }
  };

  /** 128 random bits as 32 hex characters: the conversation id nobody else can guess. */
  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // ---------------------------------------------------------------- text helpers
  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/g;
  var LATIN = /[A-Za-z]/g;

  /** "zh" when the text is mostly Chinese characters, "en" when mostly Latin letters. */
  function languageOf(text) {
    var cjk = (String(text).match(CJK) || []).length;
    var latin = (String(text).match(LATIN) || []).length;
    if (cjk === 0 && latin === 0) { return null; }
    return cjk * 3 >= latin ? "zh" : "en";   // one Chinese character carries about a word
  }

  // A phone number right after "call", "拨打" and the like (so amounts such as "5000" stay text).
  // Only the bot's own words are linked, never the user's; web addresses are never made links,
  // so nothing a scammer wrote can become clickable.
  var CALL_CONTEXT = new RegExp(
    "((?:\\b(?:call|dial|ring|hotline|helpline)\\b|拨打|致电|热线|报警)[^0-9+\\n]{0,16}?)" +
    "(\\+?(?:\\(\\d{1,4}\\)[ -]?)?\\d(?:[ -]?\\d){2,14})(?![\\dA-Za-z-])", "gi");

  function telHref(number) {
    return "tel:" + String(number).replace(/[^\d+]/g, "");
  }

  /** [start, end, number] spans: the step's own phone numbers, then numbers after "call". */
  function findPhones(text, phones) {
    var spans = [];
    (phones || []).forEach(function (phone) {
      phone = String(phone || "").trim();
      if (!/\d/.test(phone)) { return; }
      var from = 0;
      var at;
      while ((at = text.indexOf(phone, from)) !== -1) {
        var before = text.charAt(at - 1);
        var after = text.charAt(at + phone.length);
        if (!/\d/.test(before) && !/\d/.test(after)) { spans.push([at, at + phone.length, phone]); }
        from = at + phone.length;
      }
    });
    var match;
    CALL_CONTEXT.lastIndex = 0;
    while ((match = CALL_CONTEXT.exec(text)) !== null) {
      var start = match.index + match[1].length;
      if (match[2].replace(/\D/g, "").length >= 3) {
        spans.push([start, start + match[2].length, match[2]]);
      }
    }
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var kept = [];
    var end = -1;
    spans.forEach(function (span) {
      if (span[0] >= end) { kept.push(span); end = span[1]; }
    });
    return kept;
  }

  /** The bot's text as DOM nodes (never HTML), with phone numbers as tap-to-call links. */
  function linkedText(text, phones, strings) {
    text = String(text == null ? "" : text);
    var fragment = document.createDocumentFragment();
    var position = 0;
    findPhones(text, phones).forEach(function (span) {
      fragment.appendChild(document.createTextNode(text.slice(position, span[0])));
      var link = document.createElement("a");
      link.textContent = text.slice(span[0], span[1]);
      link.href = telHref(span[2]);
      link.className = "sg-tel";
      link.setAttribute("aria-label", format(strings.call, { number: span[2] }));
      fragment.appendChild(link);
      position = span[1];
    });
    fragment.appendChild(document.createTextNode(text.slice(position)));
    return fragment;
  }

  /**
   * Split a card message's text into what goes above and below the card's structured parts,
   * leaving out lines the card already shows (a flag's "why", an advice step) and a
   * "Heading:" line whose list moved into the card. Nothing else is dropped.
   */
  function textAroundCard(text, covered) {
    covered = covered.filter(function (c) { return typeof c === "string" && c.trim().length >= 6; });
    var blocks = String(text || "").split(/\n\s*\n/);
    var firstCovered = -1;
    var kept = blocks.map(function (block, index) {
      var lines = block.split("\n");
      var isCovered = lines.map(function (line) {
        return covered.some(function (c) { return line.indexOf(c.trim()) !== -1; });
      });
      if (firstCovered === -1 && isCovered.indexOf(true) !== -1) { firstCovered = index; }
      return lines.filter(function (line, j) {
        if (isCovered[j] || !line.trim()) { return false; }
        var headsMovedList = /[:：]\s*$/.test(line) && j > 0 && isCovered[j + 1];
        return !headsMovedList;
      }).join("\n");
    });
    var above = [];
    var below = [];
    kept.forEach(function (part, index) {
      if (!part) { return; }
      (firstCovered === -1 || index <= firstCovered ? above : below).push(part);
    });
    return { above: above, below: below };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // ---------------------------------------------------------------- the widget
  function Widget(host) {
    this.host = host;
    var saved = storage.load();
    this.state = {
      sessionId: saved ? saved.sessionId : newSessionId(),
      language: saved && STRINGS[saved.language] ? saved.language : config.language,
      largeText: storage.largeText(),
      items: saved && Array.isArray(saved.items) ? saved.items : []
    };
    this.greetedSession = null;
    this.waitingTimer = null;
    this.statusTimer = null;
    this.build();
    this.renderAll();
    this.connect();
  }

  Widget.prototype.t = function () { return STRINGS[this.state.language]; };

  Widget.prototype.build = function () {
    var root = this.host.shadowRoot || this.host.attachShadow({ mode: "open" });
    root.textContent = "";
    var style = el("link");
    style.rel = "stylesheet";
    style.href = new URL("widget.css", scriptUrl).toString();
    var frame = el("div", "sg-root sg-loading");
    var widget = this;
    style.addEventListener("load", function () {
      frame.classList.remove("sg-loading");
      widget.scrollToAnchor();
    });
    style.addEventListener("error", function () { frame.classList.remove("sg-loading"); });
    root.appendChild(style);
    root.appendChild(frame);
    this.frame = frame;

    var header = el("header", "sg-header");
    this.title = el("h" + config.headingLevel, "sg-title");
    this.title.id = "sg-title";
    this.subtitle = el("p", "sg-subtitle");
    var controls = el("div", "sg-controls");
    this.languageGroup = el("div", "sg-language");
    this.languageGroup.setAttribute("role", "group");
    this.languageButtons = {};
    var self = this;
    [["en", "English"], ["zh", "中文"]].forEach(function (pair) {
      var button = el("button", "sg-button sg-lang-button", pair[1]);
      button.type = "button";
      button.lang = LANG_TAGS[pair[0]];
      button.dataset.language = pair[0];
      button.addEventListener("click", function () { self.chooseLanguage(pair[0]); });
      self.languageButtons[pair[0]] = button;
      self.languageGroup.appendChild(button);
    });
    this.largerButton = el("button", "sg-button sg-larger");
    this.largerButton.type = "button";
    this.largerButton.addEventListener("click", function () { self.toggleLargeText(); });
    this.clearButton = el("button", "sg-button sg-clear");
    this.clearButton.type = "button";
    this.clearButton.addEventListener("click", function () { self.startOver(); });
    controls.appendChild(this.languageGroup);
    controls.appendChild(this.largerButton);
    controls.appendChild(this.clearButton);
    header.appendChild(this.title);
    header.appendChild(this.subtitle);
    header.appendChild(controls);

    this.connection = el("p", "sg-connection");
    this.connection.setAttribute("role", "status");
    this.connection.setAttribute("aria-live", "assertive");   // a dropped line matters now
    this.connection.hidden = true;

    this.log = el("div", "sg-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-relevant", "additions");
    this.log.tabIndex = 0;

    this.typing = el("p", "sg-typing");
    this.typing.setAttribute("role", "status");
    this.typingDots = el("span", "sg-dots");
    this.typingDots.setAttribute("aria-hidden", "true");
    this.typingDots.appendChild(el("span"));
    this.typingDots.appendChild(el("span"));
    this.typingDots.appendChild(el("span"));
    this.typingText = el("span", "sg-typing-text");
    this.typing.appendChild(this.typingDots);
    this.typing.appendChild(this.typingText);
    this.typing.hidden = true;

    var form = el("form", "sg-form");
    form.noValidate = true;
    this.inputLabel = el("label", "sg-label");
    this.inputLabel.htmlFor = "sg-input";
    this.input = el("textarea", "sg-input");
    this.input.id = "sg-input";
    this.input.rows = 2;
    this.input.setAttribute("aria-describedby", "sg-hint sg-notice");
    this.hint = el("p", "sg-hint");
    this.hint.id = "sg-hint";
    this.sendButton = el("button", "sg-button sg-send");
    this.sendButton.type = "submit";
    this.notice = el("p", "sg-notice");
    this.notice.id = "sg-notice";
    this.notice.setAttribute("aria-live", "assertive");
    var row = el("div", "sg-input-row");
    row.appendChild(this.input);
    row.appendChild(this.sendButton);
    form.appendChild(this.inputLabel);
    form.appendChild(row);
    form.appendChild(this.hint);
    form.appendChild(this.notice);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.sendTyped();
    });
    this.input.addEventListener("keydown", function (event) {
      // Not while an input method (pinyin etc.) is composing: Enter then picks a word.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing &&
          event.keyCode !== 229) {
        event.preventDefault();
        self.sendTyped();
      }
    });
    this.input.addEventListener("input", function () { self.updateCounter(); });

    frame.appendChild(header);
    frame.appendChild(this.connection);
    frame.appendChild(this.log);
    frame.appendChild(this.typing);
    frame.appendChild(form);
    this.applyLanguage();
    this.applyTextSize();
    this.setNotice("");
  };

  /** Put every fixed label in the current language. */
  Widget.prototype.applyLanguage = function () {
    var s = this.t();
    this.frame.lang = LANG_TAGS[this.state.language];
    this.title.textContent = s.title;
    this.subtitle.textContent = s.subtitle;
    this.languageGroup.setAttribute("aria-label", s.languageGroup);
    var current = this.state.language;
    Object.keys(this.languageButtons).forEach(function (code) {
      this.languageButtons[code].setAttribute("aria-pressed", String(code === current));
    }, this);
    this.largerButton.textContent = s.largerText;
    this.clearButton.textContent = s.startOver;
    this.log.setAttribute("aria-label", s.conversation);
    this.typingText.textContent = s.typing;
    this.inputLabel.textContent = s.inputLabel;
    this.hint.textContent = s.inputHint;
    this.sendButton.textContent = s.send;
    if (this.connectionKey) { this.connection.textContent = s[this.connectionKey]; }
    this.updateCounter();
  };

  Widget.prototype.applyTextSize = function () {
    this.frame.classList.toggle("sg-large", this.state.largeText);
    this.largerButton.setAttribute("aria-pressed", String(this.state.largeText));
  };

  Widget.prototype.toggleLargeText = function () {
    this.state.largeText = storage.largeText(!this.state.largeText);
    this.applyTextSize();
  };

  /** The visible switch: change the UI now and ask the bot to continue in that language. */
  Widget.prototype.chooseLanguage = function (language) {
    if (!STRINGS[language]) { return; }
    this.setLanguage(language);
    if (this.socket && this.socket.emit("set_language", {
      language: language, session_id: this.state.sessionId
    })) {
      this.showTyping();
    }
  };

  Widget.prototype.setLanguage = function (language) {
    if (!STRINGS[language] || language === this.state.language) { return; }
    this.state.language = language;
    this.applyLanguage();
    storage.save(this.state);
  };

  Widget.prototype.startOver = function () {
    if (!window.confirm(this.t().confirmStartOver)) { return; }
    storage.clear();
    this.state.sessionId = newSessionId();
    this.state.items = [];
    this.renderAll();
    this.setNotice("");
    if (this.socket) {
      this.socket.emit("session_request", { session_id: this.state.sessionId });
    }
    this.input.focus();
  };

  // ---------------------------------------------------------------- connection
  Widget.prototype.connect = function () {
    var self = this;
    this.socket = new window.ScamGuardSocket({
      url: config.rasaUrl,
      path: config.socketPath,
      onConnect: function () {
        self.socket.emit("session_request", { session_id: self.state.sessionId });
      },
      onEvent: function (name, data) { self.onEvent(name, data); },
      onStatus: function (status) { self.onStatus(status); }
    });
    this.socket.open();
  };

  Widget.prototype.onStatus = function (status) {
    clearTimeout(this.statusTimer);
    if (status === "connected") {
      this.frame.classList.remove("sg-offline");
      if (this.connectionKey === "reconnecting") {
        this.showConnection("reconnected");
        var self = this;
        this.statusTimer = setTimeout(function () { self.showConnection(null); }, 4000);
      } else {
        this.showConnection(null);
      }
    } else if (status === "reconnecting") {
      this.frame.classList.add("sg-offline");
      this.hideTyping();
      this.showConnection("reconnecting");
    } else if (status === "connecting") {
      var widget = this;   // say "Connecting…" only if it takes a while
      this.statusTimer = setTimeout(function () { widget.showConnection("connecting"); }, 1500);
    }
  };

  Widget.prototype.showConnection = function (key) {
    this.connectionKey = key;
    this.connection.hidden = !key;
    this.connection.className = "sg-connection" + (key === "reconnecting" ? " sg-alert" : "");
    this.connection.textContent = key ? this.t()[key] : "";
  };

  Widget.prototype.onEvent = function (name, data) {
    if (name === "session_confirm") {
      if (typeof data === "string" && data && data !== this.state.sessionId) {
        this.state.sessionId = data;   // the server replaced an id it did not accept
        storage.save(this.state);
      }
      if (this.state.items.length === 0 && this.greetedSession !== this.state.sessionId) {
        this.greetedSession = this.state.sessionId;
        this.socket.emit("start_conversation", { language: this.state.language });
        this.showTyping();
      }
    } else if (name === "bot_uttered" && data && typeof data === "object") {
      this.receiveBotMessage(data);
    }
  };

  // ---------------------------------------------------------------- sending
  Widget.prototype.sendTyped = function () {
    var s = this.t();
    var text = this.input.value.trim();
    if (!text) { this.setNotice(s.empty); return; }
    if (text.length > config.maxChars) {
      this.setNotice(format(s.tooLong, { length: text.length, limit: config.maxChars }));
      return;
    }
    if (this.send(text, text)) {
      this.input.value = "";
      this.updateCounter();
    }
  };

  /** Send `message` to the bot and show `shown` as the user's bubble; false if not connected. */
  Widget.prototype.send = function (message, shown) {
    var sent = this.socket && this.socket.emit("user_uttered", {
      message: message,
      session_id: this.state.sessionId,
      metadata: { language: this.state.language }
    });
    if (!sent) {
      this.setNotice(this.t().notConnected);
      return false;
    }
    this.setNotice("");
    this.retireQuickReplies();
    var guess = languageOf(shown);
    this.addItem({ kind: "user", text: shown, lang: guess || this.state.language });
    this.showTyping();
    return true;
  };

  Widget.prototype.setNotice = function (text) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
  };

  Widget.prototype.updateCounter = function () {
    var length = this.input ? this.input.value.length : 0;
    if (!this.hint) { return; }
    var counting = length > config.maxChars * 0.8;
    this.hint.textContent = counting
      ? format(this.t().counter, { length: length, limit: config.maxChars })
      : this.t().inputHint;
    this.hint.classList.toggle("sg-counting", counting);
    this.hint.classList.toggle("sg-over", length > config.maxChars);
  };

  // ---------------------------------------------------------------- receiving
  Widget.prototype.receiveBotMessage = function (data) {
    this.hideTyping();
    var custom = data.custom && typeof data.custom === "object" ? data.custom : null;
    var text = typeof data.text === "string" ? data.text : "";
    var language = languageOf(text);
    if (language) { this.setLanguage(language); }
    if (custom && cardData(custom)) {
      var a = custom.assessment;
      var cardLanguage = a && STRINGS[a.language] ? a.language : language;
      if (cardLanguage) { this.setLanguage(cardLanguage); }
      this.addItem({ kind: "card", custom: custom, text: text,
        lang: cardLanguage || this.state.language });
      return;
    }
    if (!text) { return; }
    var buttons = (data.quick_replies || data.buttons || []).filter(function (b) {
      return b && typeof b.title === "string";
    }).map(function (b) {
      return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title };
    });
    var parts = text.split(/\n\s*\n/).filter(function (p) { return p.trim(); });
    parts.forEach(function (part, index) {
      var last = index === parts.length - 1;
      this.addItem({ kind: "bot", text: part, lang: languageOf(part) || this.state.language,
        buttons: last ? buttons : [], answered: false });
    }, this);
  };

  /** The parts of a custom payload the widget can draw as a card, or null. */
  function cardData(custom) {
    var a = custom.assessment && typeof custom.assessment === "object" ? custom.assessment : null;
    var steps = custom.advice_steps || (a && a.advice_steps) || [];
    steps = Array.isArray(steps) ? steps.filter(function (s) {
      return typeof s === "string" || (s && typeof s.text === "string");
    }) : [];
    if (!a && !steps.length) { return null; }
    return { assessment: a, steps: steps };
  }

  Widget.prototype.showTyping = function () {
    var self = this;
    this.typing.hidden = false;
    clearTimeout(this.waitingTimer);
    this.waitingTimer = setTimeout(function () {
      if (!self.typing.hidden) { self.setNotice(self.t().slow); }
    }, SLOW_REPLY_MS);
  };

  Widget.prototype.hideTyping = function () {
    clearTimeout(this.waitingTimer);
    if (this.notice.textContent === this.t().slow) { this.setNotice(""); }
    this.typing.hidden = true;
  };

  // ---------------------------------------------------------------- transcript
  Widget.prototype.addItem = function (item) {
    this.state.items.push(item);
    if (this.state.items.length > MAX_TRANSCRIPT_ITEMS) { this.state.items.shift(); }
    storage.save(this.state);
    var node = this.renderItem(item);
    this.log.appendChild(node);
    if (item.kind === "user" || !this.anchor) { this.anchor = node; }
    this.scrollToAnchor();
  };

  Widget.prototype.retireQuickReplies = function () {
    var changed = false;
    this.state.items.forEach(function (item) {
      if (item.buttons && item.buttons.length && !item.answered) { item.answered = true; changed = true; }
    });
    if (changed) {
      var groups = this.log.querySelectorAll(".sg-quick");
      Array.prototype.forEach.call(groups, function (group) { group.remove(); });
    }
  };

  Widget.prototype.renderAll = function () {
    this.log.textContent = "";
    this.anchor = null;
    this.state.items.forEach(function (item) {
      var node = this.renderItem(item);
      this.log.appendChild(node);
      if (item.kind === "user" || !this.anchor) { this.anchor = node; }
    }, this);
    this.scrollToAnchor();
  };

  /**
   * Show the user's latest message and as much of the reply as fits, so a long verdict card is
   * read from its top (the risk) rather than its end; short replies simply scroll to the end.
   */
  Widget.prototype.scrollToAnchor = function () {
    var log = this.log;
    var bottom = log.scrollHeight - log.clientHeight;
    var top = bottom;
    if (this.anchor && this.anchor.parentNode === log) {
      top = this.anchor.getBoundingClientRect().top - log.getBoundingClientRect().top +
        log.scrollTop - 8;
    }
    log.scrollTop = Math.max(0, Math.min(bottom, top));
  };

  Widget.prototype.renderItem = function (item) {
    var strings = STRINGS[item.lang === "zh" ? "zh" : "en"];
    var wrapper = el("div", "sg-msg sg-" + (item.kind === "user" ? "user" : "bot"));
    wrapper.lang = LANG_TAGS[item.lang] || LANG_TAGS.en;
    if (item.kind === "card") {
      wrapper.appendChild(this.renderCard(item.custom, item.text || "", strings));
      return wrapper;
    }
    var bubble = el("div", "sg-bubble");
    bubble.appendChild(el("span", "sg-visually-hidden", item.kind === "user" ? strings.you : strings.assistant));
    var text = el("p", "sg-text");
    if (item.kind === "user") {
      text.textContent = item.text;           // user text is always text, never HTML
    } else {
      text.appendChild(linkedText(item.text, [], strings));
    }
    bubble.appendChild(text);
    wrapper.appendChild(bubble);
    if (item.buttons && item.buttons.length && !item.answered) {
      wrapper.appendChild(this.renderQuickReplies(item.buttons, strings));
    }
    return wrapper;
  };

  Widget.prototype.renderQuickReplies = function (buttons, strings) {
    var self = this;
    var group = el("div", "sg-quick");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", strings.suggestions);
    buttons.forEach(function (b) {
      var button = el("button", "sg-button sg-quick-button", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        if (self.send(b.payload, b.title)) { self.input.focus(); }
      });
      group.appendChild(button);
    });
    return group;
  };

  /**
   * The verdict card: risk in words and colour, each red flag with why, the advice steps with
   * tap-to-call links, and the rest of the bot's text for that message (what real lenders do...).
   */
  Widget.prototype.renderCard = function (custom, text, strings) {
    var data = cardData(custom) || { assessment: null, steps: [] };
    var a = data.assessment;
    var risk = a && strings.risk[a.risk] ? a.risk : null;
    var card = el("section", "sg-card " + (risk ? "sg-risk-" + risk : "sg-advice"));
    this.cardCount = (this.cardCount || 0) + 1;
    var headingId = "sg-card-" + this.cardCount;
    card.setAttribute("aria-labelledby", headingId);
    var level = Math.min(config.headingLevel + 1, 6);
    var sub = Math.min(level + 1, 6);
    var heading = el("h" + level, "sg-card-title");
    heading.id = headingId;
    if (risk) {
      heading.appendChild(el("span", "sg-visually-hidden", strings.verdict + ": "));
      var badge = el("span", "sg-badge");
      var icon = el("span", "sg-badge-icon", risk === "low" ? "i" : "!");
      icon.setAttribute("aria-hidden", "true");
      badge.appendChild(icon);
      badge.appendChild(document.createTextNode(strings.risk[risk]));
      heading.appendChild(badge);
    } else {
      heading.textContent = strings.stepsHeading;
    }
    card.appendChild(heading);
    if (a && typeof a.score === "number") {
      card.appendChild(el("p", "sg-score", format(strings.score, { score: Math.round(a.score) })));
    }

    var flags = a && Array.isArray(a.red_flags) ? a.red_flags.filter(function (f) {
      return f && typeof f === "object";
    }) : [];
    var covered = flags.map(function (f) { return f.why; }).concat(data.steps.map(function (s) {
      return typeof s === "string" ? s : s.text;
    }));
    var around = textAroundCard(text, covered);
    var paragraphs = function (parts, className) {
      parts.forEach(function (part) {
        var p = el("p", className);
        p.appendChild(linkedText(part, [], strings));
        card.appendChild(p);
      });
    };
    if (around.above.length) {
      paragraphs(around.above, "sg-lead");
    } else if (risk) {
      card.appendChild(el("p", "sg-lead", strings.riskLead[risk]));
    }

    if (flags.length) {
      card.appendChild(el("h" + sub, "sg-card-sub", strings.flagsHeading));
      var list = el("ul", "sg-flags");
      flags.forEach(function (flag) {
        var li = el("li");
        li.appendChild(el("strong", "sg-flag-label", String(flag.label || flag.id || "")));
        if (flag.why) { li.appendChild(el("span", "sg-flag-why", String(flag.why))); }
        var evidence = Array.isArray(flag.evidence) ? flag.evidence.filter(Boolean) : [];
        if (evidence.length) {
          var quote = el("span", "sg-evidence");
          quote.appendChild(document.createTextNode(strings.youSaid + " "));
          evidence.slice(0, 3).forEach(function (e, i) {
            if (i) { quote.appendChild(document.createTextNode(", ")); }
            quote.appendChild(el("q", null, String(e)));   // the user's words: text only
          });
          li.appendChild(quote);
        }
        list.appendChild(li);
      });
      card.appendChild(list);
    }

    var patterns = a && Array.isArray(a.patterns) ? a.patterns : [];
    if (patterns.length && !text) {   // with text, the bot's own sentence names them
      card.appendChild(el("h" + sub, "sg-card-sub", strings.patternsHeading));
      var plist = el("ul", "sg-patterns");
      patterns.forEach(function (p) {
        if (p && (p.name || p.id)) { plist.appendChild(el("li", null, String(p.name || p.id))); }
      });
      card.appendChild(plist);
    }

    if (data.steps.length) {
      if (risk) { card.appendChild(el("h" + sub, "sg-card-sub", strings.stepsHeading)); }
      var olist = el("ol", "sg-steps");
      data.steps.forEach(function (step) {
        var li = el("li");
        var phones = typeof step === "string" || !Array.isArray(step.phones) ? [] : step.phones;
        li.appendChild(linkedText(typeof step === "string" ? step : step.text, phones, strings));
        olist.appendChild(li);
      });
      card.appendChild(olist);
    }
    paragraphs(around.below, "sg-card-more");
    return card;
  };

  // ---------------------------------------------------------------- start
  function start() {
    var host = document.querySelector(config.target);
    if (!host) {
      if (window.console) { console.error("Loan scam check: no element matches " + config.target); }
      return;
    }
    if (host.dataset.scamguardStarted) { return; }
    host.dataset.scamguardStarted = "1";
    var begin = function () { host.scamguard = new Widget(host); };
    if (window.ScamGuardSocket) { begin(); return; }
    var client = document.createElement("script");
    client.src = new URL("sio-client.js", scriptUrl).toString();
    client.addEventListener("load", begin);
    document.head.appendChild(client);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
