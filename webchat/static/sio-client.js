/*
 * A minimal Socket.IO v4 client (Engine.IO protocol 4) over a plain WebSocket.
 *
 * Enough for Rasa's socketio channel: connect to the default (or one) namespace, answer the
 * server's heartbeats, emit and receive JSON events, and reconnect with back-off when the
 * connection drops. No polling transport, no binary attachments, no acknowledgements.
 *
 * Protocol (https://socket.io/docs/v4/engine-io-protocol/ and /socket-io-protocol/):
 *   server -> "0{sid,pingInterval,pingTimeout,maxPayload}"  Engine.IO open
 *   client -> "40" (or "40/ns,")                             Socket.IO CONNECT
 *   server -> "40{sid}" | "44{message}"                      connected | refused
 *   server -> "2" ping, client -> "3" pong                   heartbeat (server pings in v4)
 *   both   -> '42["event",data]'                             an event
 *   server -> "41" | "1"                                     disconnect | close
 *
 * Usage:
 *   var socket = new ScamGuardSocket({url: "http://localhost:5005", path: "/socket.io",
 *     onConnect: fn(), onEvent: fn(name, data), onStatus: fn(status)});
 *   socket.open(); socket.emit("user_uttered", {...}); socket.close();
 *   status is one of "connecting", "connected", "reconnecting", "closed".
 */
(function (global) {
  "use strict";

  var MIN_DELAY_MS = 1000;
  var MAX_DELAY_MS = 10000;

  function webSocketUrl(baseUrl, path) {
    var url = new URL(baseUrl, global.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.pathname = (path || "/socket.io").replace(/\/?$/, "/");
    url.search = "?EIO=4&transport=websocket";
    url.hash = "";
    return url.toString();
  }

  /** Parse a Socket.IO packet "<type>[/ns,][ackId][json]" (the Engine.IO "4" already removed). */
  function parseSocketPacket(text) {
    var type = text.charAt(0);
    var rest = text.slice(1);
    var namespace = "/";
    if (rest.charAt(0) === "/") {
      var comma = rest.indexOf(",");
      namespace = comma === -1 ? rest : rest.slice(0, comma);
      rest = comma === -1 ? "" : rest.slice(comma + 1);
    }
    rest = rest.replace(/^\d+/, "");
    var data = null;
    if (rest) {
      try { data = JSON.parse(rest); } catch (e) { data = null; }
    }
    return { type: type, namespace: namespace, data: data };
  }

  function ScamGuardSocket(options) {
    this.options = options;
    this.namespace = options.namespace || "/";
    this.ws = null;
    this.status = "closed";
    this.wanted = false;
    this.attempts = 0;
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.heartbeatMs = 45000;
    var self = this;
    // Coming back online or to the tab: retry at once instead of waiting for the back-off.
    this.retryNow = function () {
      var visible = !global.document || global.document.visibilityState !== "hidden";
      if (self.wanted && self.status === "reconnecting" && visible) { self.connectSoon(0); }
    };
  }

  ScamGuardSocket.prototype.setStatus = function (status) {
    if (this.status === status) { return; }
    this.status = status;
    if (this.options.onStatus) { this.options.onStatus(status); }
  };

  ScamGuardSocket.prototype.open = function () {
    this.wanted = true;
    global.addEventListener("online", this.retryNow);
    global.document.addEventListener("visibilitychange", this.retryNow);
    this.connect();
  };

  ScamGuardSocket.prototype.close = function () {
    this.wanted = false;
    global.removeEventListener("online", this.retryNow);
    global.document.removeEventListener("visibilitychange", this.retryNow);
    clearTimeout(this.retryTimer);
    clearTimeout(this.heartbeatTimer);
    if (this.ws && this.ws.readyState === 1) { this.ws.send("41" + this.namespacePrefix()); }
    this.discardSocket();
    this.setStatus("closed");
  };

  ScamGuardSocket.prototype.connect = function () {
    var self = this;
    this.discardSocket();
    if (this.status !== "reconnecting") { this.setStatus("connecting"); }
    var ws;
    try {
      ws = new WebSocket(webSocketUrl(this.options.url, this.options.path));
    } catch (e) {
      this.dropped();
      return;
    }
    this.ws = ws;
    ws.onmessage = function (event) {
      if (ws === self.ws && typeof event.data === "string") { self.receive(event.data); }
    };
    ws.onclose = function () {
      if (ws === self.ws) { self.dropped(); }
    };
    ws.onerror = function () { /* onclose follows and handles it */ };
  };

  ScamGuardSocket.prototype.namespacePrefix = function () {
    return this.namespace === "/" ? "" : this.namespace + ",";
  };

  ScamGuardSocket.prototype.receive = function (text) {
    var kind = text.charAt(0);
    if (kind === "0") {                       // Engine.IO open
      var handshake = {};
      try { handshake = JSON.parse(text.slice(1)); } catch (e) { handshake = {}; }
      this.heartbeatMs = (handshake.pingInterval || 25000) + (handshake.pingTimeout || 20000);
      this.expectHeartbeat();
      this.ws.send("40" + this.namespacePrefix());
    } else if (kind === "2") {                // ping
      this.ws.send("3");
      this.expectHeartbeat();
    } else if (kind === "1") {                // Engine.IO close
      this.dropped();
    } else if (kind === "4") {                // message: a Socket.IO packet
      this.receivePacket(parseSocketPacket(text.slice(1)));
    }
  };

  ScamGuardSocket.prototype.receivePacket = function (packet) {
    if (packet.namespace !== this.namespace) { return; }
    if (packet.type === "0") {                // CONNECT accepted
      this.attempts = 0;
      this.setStatus("connected");
      if (this.options.onConnect) { this.options.onConnect(); }
    } else if (packet.type === "4" || packet.type === "1") {   // refused or disconnected
      this.dropped();
    } else if (packet.type === "2" && Array.isArray(packet.data) && packet.data.length) {
      if (this.options.onEvent) { this.options.onEvent(packet.data[0], packet.data[1]); }
    }
  };

  /** The server pings every pingInterval; silence beyond interval + timeout means a dead link. */
  ScamGuardSocket.prototype.expectHeartbeat = function () {
    var self = this;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(function () { self.dropped(); }, this.heartbeatMs);
  };

  ScamGuardSocket.prototype.discardSocket = function () {
    var old = this.ws;
    this.ws = null;
    if (old) {
      old.onclose = null;
      old.onmessage = null;
      try { old.close(); } catch (e) { /* already closing */ }
    }
  };

  ScamGuardSocket.prototype.dropped = function () {
    clearTimeout(this.heartbeatTimer);
    this.discardSocket();
    if (!this.wanted) { this.setStatus("closed"); return; }
    this.setStatus("reconnecting");
    var delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * Math.pow(2, this.attempts));
    this.attempts += 1;
    this.connectSoon(delay * (0.8 + Math.random() * 0.4));
  };

  ScamGuardSocket.prototype.connectSoon = function (delay) {
    var self = this;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(function () { self.connect(); }, delay);
  };

  /** Send an event; returns false when not connected (nothing is queued). */
  ScamGuardSocket.prototype.emit = function (name, data) {
    if (this.status !== "connected" || !this.ws) { return false; }
    this.ws.send("42" + this.namespacePrefix() + JSON.stringify([name, data]));
    return true;
  };

  global.ScamGuardSocket = ScamGuardSocket;
})(window);
