// Records what the engine did with every WebSocket the page opens (subprotocol offered and chosen, extensions, close
// code and reason), so the matrix can show where engines differ. The clients use the page's WebSocket unchanged.
(() => {
  const Native = window.WebSocket;
  const sockets = [];
  class ProbedWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const rec = { url: String(url), offered: protocols == null ? [] : [].concat(protocols), protocol: null,
        extensions: null, errors: 0, close: null };
      sockets.push(rec);
      this.addEventListener('open', () => { rec.protocol = this.protocol; rec.extensions = this.extensions; });
      this.addEventListener('error', () => { rec.errors++; });
      this.addEventListener('close', (e) => { rec.close = { code: e.code, reason: e.reason, wasClean: e.wasClean }; });
    }
  }
  window.WebSocket = ProbedWebSocket;
  window.velaSockets = sockets;
})();
