// One small interface over each browser MQTT client under test, so every scenario is written once:
//   const c = await velaClients.connect(kind, { url, clientId, clean, keepalive, will, sessionExpiry });
//   c.connack                 -> { sessionPresent, reasonCode }
//   await c.subscribe(filter, qos)            -> granted QoS
//   await c.publish(topic, bytesOrString, { qos, retain, properties })   resolves when the flow is complete
//   c.inbox.until(pred, ms, what)             -> the messages, once pred(messages) holds
//   await c.end()
// A message is { topic, payload: Uint8Array, qos, retain, properties }.
(() => {
  const encoder = new TextEncoder();
  const toBytes = (p) => (typeof p === 'string' ? encoder.encode(p) : p);

  function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([
      promise,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
    ]).finally(() => clearTimeout(timer));
  }

  // Runs one client operation: it fails when the connection closes first, and after 30 s at most, so a broker that
  // drops the connection gives a clear failure instead of a scenario that waits forever.
  function guarded(state, what, start) {
    if (state.closed) return Promise.reject(new Error(`${what}: the connection is closed`));
    let onClose;
    const closed = new Promise((_, reject) => { onClose = () => reject(new Error(`${what}: the connection closed first`)); });
    state.onClose.add(onClose);
    return withTimeout(Promise.race([new Promise(start), closed]), 30000, what).finally(() => state.onClose.delete(onClose));
  }

  function closeState(state) {
    state.closed = true;
    for (const f of [...state.onClose]) f();
  }

  class Inbox {
    constructor() { this.messages = []; this.waiters = []; }
    push(m) {
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (w.pred(this.messages)) { w.resolve(this.messages); return false; }
        return true;
      });
    }
    until(pred, ms, what) {
      if (pred(this.messages)) return Promise.resolve(this.messages);
      return withTimeout(new Promise((resolve) => this.waiters.push({ pred, resolve })), ms,
        `${what} (have ${this.messages.length} messages)`).catch((e) => {
        this.waiters = this.waiters.filter((w) => w.pred !== pred);
        throw e;
      });
    }
  }

  // ---- MQTT.js (protocolVersion 4 = MQTT 3.1.1, 5 = MQTT 5) ------------------------------------------------------
  function connectMqttJs(version, o) {
    const options = {
      protocolVersion: version, clientId: o.clientId, clean: o.clean !== false, keepalive: o.keepalive ?? 30,
      reconnectPeriod: 0, connectTimeout: 15000,
    };
    if (o.username) { options.username = o.username; options.password = o.password; }
    if (o.will) {
      options.will = { topic: o.will.topic, payload: mqtt.Buffer ? mqtt.Buffer.from(toBytes(o.will.payload)) : toBytes(o.will.payload),
        qos: o.will.qos ?? 1, retain: false };
    }
    if (version === 5 && o.sessionExpiry != null) options.properties = { sessionExpiryInterval: o.sessionExpiry };
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(o.url, options);
      const inbox = new Inbox();
      const state = { closed: false, errors: [], onClose: new Set() };
      client.on('message', (topic, payload, packet) => {
        inbox.push({ topic, payload: new Uint8Array(payload), qos: packet.qos, retain: packet.retain,
          properties: packet.properties || {} });
      });
      client.on('close', () => closeState(state));
      client.on('error', (e) => { state.errors.push(String(e && e.message)); reject(e); });
      client.once('connect', (connack) => {
        resolve({
          kind: version === 5 ? 'mqttjs-5' : 'mqttjs-3.1.1',
          connack: { sessionPresent: !!connack.sessionPresent, reasonCode: connack.reasonCode ?? connack.returnCode ?? 0,
            properties: connack.properties || {} },
          inbox, state,
          subscribe: (filter, qos) => guarded(state, `SUBSCRIBE ${filter}`, (ok, fail) => client.subscribe(filter, { qos },
            (err, granted) => { if (err) fail(err); else ok(granted[0].qos); })),
          publish: (topic, payload, po = {}) => guarded(state, `PUBLISH ${topic}`, (ok, fail) => {
            const bytes = toBytes(payload);
            const body = mqtt.Buffer ? mqtt.Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
            const opts = { qos: po.qos ?? 0, retain: !!po.retain };
            if (po.properties) opts.properties = po.properties;
            client.publish(topic, body, opts, (err) => (err ? fail(err) : ok()));
          }),
          end: () => new Promise((ok) => client.end(false, {}, () => ok())),
        });
      });
    });
  }

  // ---- Eclipse Paho JavaScript (MQTT 3.1.1) ----------------------------------------------------------------------
  function connectPaho(o) {
    return new Promise((resolve, reject) => {
      const client = new Paho.Client(o.url, o.clientId);
      const inbox = new Inbox();
      const state = { closed: false, errors: [], onClose: new Set() };
      const delivered = new Map();
      client.onMessageArrived = (m) => {
        inbox.push({ topic: m.destinationName, payload: new Uint8Array(m.payloadBytes), qos: m.qos, retain: m.retained,
          properties: {} });
      };
      client.onMessageDelivered = (m) => {
        const done = delivered.get(m);
        if (done) { delivered.delete(m); done(); }
      };
      client.onConnectionLost = (r) => {
        if (r && r.errorCode !== 0) state.errors.push(r.errorMessage);
        closeState(state);
      };
      const options = {
        mqttVersion: 4, cleanSession: o.clean !== false, keepAliveInterval: o.keepalive ?? 30, timeout: 15,
        onSuccess: (r) => resolve({
          kind: 'paho-3.1.1',
          // Paho reports only success (a refused CONNACK goes to onFailure) and does not expose session present
          connack: { sessionPresent: null, reasonCode: 0, properties: {} },
          inbox, state,
          subscribe: (filter, qos) => guarded(state, `SUBSCRIBE ${filter}`, (ok, fail) => client.subscribe(filter, {
            qos, timeout: 15, onSuccess: (s) => ok(typeof s.grantedQos === 'number' ? s.grantedQos : s.grantedQos[0]), onFailure: (e) => fail(new Error(e.errorMessage)),
          })),
          publish: (topic, payload, po = {}) => guarded(state, `PUBLISH ${topic}`, (ok, fail) => {
            const m = new Paho.Message(toBytes(payload));
            m.destinationName = topic;
            m.qos = po.qos ?? 0;
            m.retained = !!po.retain;
            delivered.set(m, ok);
            try { client.send(m); } catch (e) { delivered.delete(m); fail(e); }
          }),
          end: () => new Promise((ok) => {
            if (state.closed) { ok(); return; }
            const lost = client.onConnectionLost;
            client.onConnectionLost = (r) => { lost(r); ok(); };
            client.disconnect();
          }),
        }),
        onFailure: (e) => reject(new Error(`Paho connect failed: ${e.errorCode} ${e.errorMessage}`)),
      };
      if (o.username) { options.userName = o.username; options.password = o.password; }
      if (o.will) {
        const w = new Paho.Message(toBytes(o.will.payload));
        w.destinationName = o.will.topic;
        w.qos = o.will.qos ?? 1;
        options.willMessage = w;
      }
      client.connect(options);
    });
  }

  const kinds = {
    'mqttjs-3.1.1': { version: 4, connect: (o) => connectMqttJs(4, o) },
    'mqttjs-5': { version: 5, connect: (o) => connectMqttJs(5, o) },
    'paho-3.1.1': { version: 4, connect: connectPaho },
  };

  window.velaClients = {
    kinds: Object.keys(kinds),
    protocolVersion: (kind) => kinds[kind].version,
    connect: (kind, o) => {
      if (!kinds[kind]) throw new Error(`unknown client ${kind}`);
      return withTimeout(kinds[kind].connect(o), 20000, `${kind} connect to ${o.url}`);
    },
    withTimeout,
    toBytes,
  };
})();
