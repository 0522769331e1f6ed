// The conformance scenarios, written once against velaClients and run identically in every engine.
// The Java side calls vela.start(client, scenario, params), polls vela.state() (a JSON string) until phase is
// "ready" (the scenario waits for the Java side, e.g. to close or hide the page) or "done", and may call
// vela.signal(name) to let a waiting scenario go on.
(() => {
  const NOT_APPLICABLE = Symbol('not applicable');

  class NotApplicable extends Error {
    constructor(reason) { super(reason); this[NOT_APPLICABLE] = true; }
  }

  function pattern(n) {
    // every byte value 0..255, repeated; deterministic so both sides know what to expect
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
    return b;
  }

  function sameBytes(a, b) {
    if (a.length !== b.length) return `length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} != ${b[i]}`;
    return null;
  }

  const text = (m) => new TextDecoder().decode(m.payload);

  const scenarios = {
    async 'connect'(t) {
      const c = await t.connect({});
      t.check(c.connack.reasonCode === 0, `CONNACK reason code ${c.connack.reasonCode}`);
      t.check(c.connack.sessionPresent !== true, 'a clean session reported session present');
      const s = t.socket();
      t.check(s.protocol === 'mqtt', `negotiated subprotocol "${s.protocol}", expected "mqtt"`);
      t.observe('subprotocol offered/chosen', `${s.offered.join(',')} / ${s.protocol}`);
      t.observe('WebSocket extensions', s.extensions || '(none)');
      if (t.v5) t.observe('CONNACK properties', Object.keys(c.connack.properties).sort().join(', ') || '(none)');
      await c.end();
      const close = await t.waitFor(() => s.close, 10000, 'the WebSocket close event after DISCONNECT');
      // the broker closes TCP only after both Close frames (RFC 6455 7.1.1), so wasClean is compared too
      t.observe('close code after DISCONNECT', close.code);
      t.observe('wasClean after DISCONNECT', close.wasClean);
    },

    async 'takeover'(t) {
      const id = t.clientId('same');
      const first = await t.connect({ clientId: id });
      const old = t.socket();
      const second = await t.connect({ clientId: id });
      const close = await t.waitFor(() => old.close, 10000, 'the broker to close the taken-over connection');
      await t.waitFor(() => first.state.closed, 10000, 'the client to notice it lost its connection');
      t.check(!second.state.closed, 'the new connection was closed too');
      await second.subscribe(`${t.prefix}/after`, 1);
      await second.publish(`${t.prefix}/after`, 'still works', { qos: 1 });
      await second.inbox.until((ms) => ms.length > 0, 10000, 'a message on the new connection');
      t.observe('close code of the taken-over connection', close.code);
      t.observe('wasClean of the taken-over connection', close.wasClean);
    },

    async 'wildcards'(t) {
      const plus = await t.connect({});
      const hash = await t.connect({});
      const pub = await t.connect({});
      t.check(await plus.subscribe(`${t.prefix}/+/temp`, 1) === 1, '+ subscription not granted QoS 1');
      t.check(await hash.subscribe(`${t.prefix}/#`, 1) === 1, '# subscription not granted QoS 1');
      const topics = ['room1/temp', 'room2/humidity', 'room1/sub/temp', 'end/temp'];
      for (const topic of topics) await pub.publish(`${t.prefix}/${topic}`, topic, { qos: 1 });
      const done = (ms) => ms.some((m) => m.topic === `${t.prefix}/end/temp`);
      const gotPlus = (await plus.inbox.until(done, 10000, '+ subscriber end marker')).map((m) => m.topic);
      const gotHash = (await hash.inbox.until(done, 10000, '# subscriber end marker')).map((m) => m.topic);
      t.checkEqual(gotPlus, [`${t.prefix}/room1/temp`, `${t.prefix}/end/temp`], '+ matched');
      t.checkEqual(gotHash, topics.map((x) => `${t.prefix}/${x}`), '# matched');
    },

    async 'qos-0-1-2'(t) {
      const sub = await t.connect({});
      const pub = await t.connect({});
      t.check(await sub.subscribe(`${t.prefix}/q/#`, 2) === 2, 'subscription not granted QoS 2');
      for (const qos of [0, 1, 2]) {
        await pub.publish(`${t.prefix}/q/${qos}`, `qos ${qos}`, { qos });
        const [m] = (await sub.inbox.until((ms) => ms.some((x) => x.topic === `${t.prefix}/q/${qos}`), 10000,
          `the QoS ${qos} message`)).filter((x) => x.topic === `${t.prefix}/q/${qos}`);
        t.check(m.qos === qos, `QoS ${qos} message arrived at QoS ${m.qos}`);
        t.check(text(m) === `qos ${qos}`, `QoS ${qos} payload "${text(m)}"`);
      }
      t.check(sub.inbox.messages.length === 3, `${sub.inbox.messages.length} messages for 3 publishes`);
    },

    async 'retained'(t) {
      const pub = await t.connect({});
      await pub.publish(`${t.prefix}/status`, 'online', { qos: 1, retain: true });
      const late = await t.connect({});
      await late.subscribe(`${t.prefix}/status`, 1);
      const [m] = await late.inbox.until((ms) => ms.length > 0, 10000, 'the retained message');
      t.check(m.retain === true, 'retained message delivered without the retain flag');
      t.check(text(m) === 'online', `retained payload "${text(m)}"`);
      await pub.publish(`${t.prefix}/status`, '', { qos: 1, retain: true }); // clear it
    },

    async 'will'(t) {
      const c = await t.connect({ keepalive: 30, will: { topic: `${t.prefix}/will`, payload: `gone ${t.clientId(0)}`, qos: 1 } });
      t.check(c.connack.reasonCode === 0, `CONNACK reason code ${c.connack.reasonCode}`);
      // the Java side now closes the page and checks, as another client, that the will arrives
      t.ready({ willTopic: `${t.prefix}/will`, willPayload: `gone ${t.clientId(0)}` });
      await t.waitSignal('never', 120000);
    },

    async 'binary-payloads'(t) {
      const sub = await t.connect({});
      const pub = await t.connect({});
      await sub.subscribe(`${t.prefix}/bin/#`, 1);
      const all = new Uint8Array(256).map((_, i) => i);
      const big = pattern(256 * 1024);
      await pub.publish(`${t.prefix}/bin/all-bytes`, all, { qos: 1 });
      await pub.publish(`${t.prefix}/bin/256k`, big, { qos: 1 });
      const got = await sub.inbox.until((ms) => ms.length >= 2, 30000, 'both binary messages');
      const byTopic = Object.fromEntries(got.map((m) => [m.topic.split('/').pop(), m.payload]));
      const d1 = sameBytes(byTopic['all-bytes'], all);
      const d2 = sameBytes(byTopic['256k'], big);
      t.check(!d1, `256 byte values: ${d1}`);
      t.check(!d2, `256 KiB payload: ${d2}`);
      t.observe('256 KiB round trip', 'byte-exact');
    },

    async 'ordering-1000-qos1'(t) {
      const n = 1000;
      const sub = await t.connect({});
      const pub = await t.connect({});
      await sub.subscribe(`${t.prefix}/seq`, 1);
      const sends = [];
      for (let i = 0; i < n; i++) sends.push(pub.publish(`${t.prefix}/seq`, String(i), { qos: 1 }));
      await velaClients.withTimeout(Promise.all(sends), 60000, `PUBACKs for ${n} messages`);
      const got = await sub.inbox.until((ms) => ms.length >= n, 60000, `${n} messages`);
      const seq = got.map((m) => Number(text(m)));
      const wrong = seq.findIndex((v, i) => v !== i);
      t.check(wrong < 0, `message ${wrong} was ${seq[wrong]}`);
      t.check(got.every((m) => m.qos === 1), 'a message arrived below QoS 1');
    },

    async 'persistent-session'(t) {
      const id = t.clientId('persistent');
      const first = await t.connect({ clientId: id, clean: false, sessionExpiry: 300 });
      await first.subscribe(`${t.prefix}/queued`, 1);
      await first.end();
      const pub = await t.connect({});
      for (let i = 0; i < 5; i++) await pub.publish(`${t.prefix}/queued`, `queued ${i}`, { qos: 1 });
      const again = await t.connect({ clientId: id, clean: false, sessionExpiry: 300 });
      if (again.connack.sessionPresent === null) t.observe('session present flag', 'not exposed by the client');
      else t.check(again.connack.sessionPresent === true, 'resumed session not reported as present');
      const got = await again.inbox.until((ms) => ms.length >= 5, 15000, 'the 5 queued messages');
      t.checkEqual(got.map(text), [0, 1, 2, 3, 4].map((i) => `queued ${i}`), 'queued messages');
      await again.end();
      // leave nothing behind: a clean connect discards the session
      await (await t.connect({ clientId: id, clean: true, sessionExpiry: 0 })).end();
    },

    async 'user-properties'(t) {
      if (!t.v5) t.notApplicable('user properties are MQTT 5');
      const sub = await t.connect({});
      const pub = await t.connect({});
      await sub.subscribe(`${t.prefix}/props`, 1);
      const userProperties = { region: 'eu-west', tag: ['a', 'b'], 'ünïcode': 'välue' };
      await pub.publish(`${t.prefix}/props`, 'with properties', { qos: 1, properties: { userProperties,
        contentType: 'text/plain', payloadFormatIndicator: true } });
      const [m] = await sub.inbox.until((ms) => ms.length > 0, 10000, 'the message with user properties');
      t.checkEqual(m.properties.userProperties, userProperties, 'user properties');
      t.check(m.properties.contentType === 'text/plain', `content type ${m.properties.contentType}`);
    },

    async 'request-response'(t) {
      if (!t.v5) t.notApplicable('response topic and correlation data are MQTT 5');
      const responder = await t.connect({});
      const requester = await t.connect({});
      await responder.subscribe(`${t.prefix}/service/request`, 1);
      const replyTo = `${t.prefix}/service/reply/${t.clientId(1)}`;
      await requester.subscribe(replyTo, 1);
      responder.inbox.until((ms) => ms.length > 0, 15000, 'the request').then(([req]) => responder.publish(
        req.properties.responseTopic, `answer to ${text(req)}`,
        { qos: 1, properties: { correlationData: req.properties.correlationData } }));
      const correlation = new Uint8Array([0, 1, 2, 250, 255]);
      await requester.publish(`${t.prefix}/service/request`, 'question', { qos: 1, properties: {
        responseTopic: replyTo, correlationData: mqtt.Buffer ? mqtt.Buffer.from(correlation) : correlation } });
      const [resp] = await requester.inbox.until((ms) => ms.length > 0, 15000, 'the response');
      t.check(text(resp) === 'answer to question', `response "${text(resp)}"`);
      const cd = sameBytes(new Uint8Array(resp.properties.correlationData || []), correlation);
      t.check(!cd, `correlation data: ${cd}`);
    },

    async 'wss'(t) {
      const sub = await t.connect({ url: t.p.wss });
      const pub = await t.connect({ url: t.p.wss });
      const s = t.socket();
      t.check(s.url.startsWith('wss://'), `socket ${s.url} is not wss`);
      t.check(s.protocol === 'mqtt', `negotiated subprotocol "${s.protocol}"`);
      await sub.subscribe(`${t.prefix}/secure`, 1);
      await pub.publish(`${t.prefix}/secure`, 'over TLS', { qos: 1 });
      const [m] = await sub.inbox.until((ms) => ms.length > 0, 10000, 'the message over wss');
      t.check(text(m) === 'over TLS', `payload "${text(m)}"`);
    },

    async 'background-page'(t) {
      const keepalive = t.p.keepalive || 10;
      const c = await t.connect({ keepalive });
      await c.subscribe(`${t.prefix}/pong`, 1);
      const s = t.socket();
      t.ready({ ping: `${t.prefix}/ping`, pong: `${t.prefix}/pong` });
      // the Java side puts another tab in front; timers of a background page are throttled
      const hiddenAt = await t.waitFor(() => (document.visibilityState === 'hidden' ? performance.now() : null), 30000,
        'the page to become hidden');
      // stay hidden for twice the keep-alive (a silent client is dropped after 1.5 x keep-alive), timing how often
      // a 100 ms timer really fires meanwhile: that is what the clients' keep-alive timers get in the background
      let ticks = 0;
      await t.waitFor(() => { ticks++; return performance.now() - hiddenAt >= 2000 * keepalive ? true : null; }, 60000,
        `${2 * keepalive} s in the background`);
      const interval = (performance.now() - hiddenAt) / Math.max(ticks, 1);
      t.observe('100 ms timer in a background page', interval < 250 ? 'not throttled'
        : interval < 2500 ? 'throttled to about 1 s' : 'throttled to more than 2.5 s');
      t.check(!s.close && !c.state.closed, `connection lost in the background: ${JSON.stringify(s.close)}`);
      await c.publish(`${t.prefix}/ping`, 'still here', { qos: 1 });
      await c.inbox.until((ms) => ms.length > 0, 30000, 'the answer from the Java peer while hidden');
      t.observe('visibilityState in the background', document.visibilityState);
    },

    // ---- authentication (listener ws-auth: tokens of the class's identity provider, ACL from the mqtt_acl claim)

    async 'token-auth'(t) {
      const refused = await t.connect({ url: t.p.wsAuth, username: 'browser', password: 'not-a-token' })
        .then(() => null, (e) => String((e && e.message) || e));
      t.check(refused !== null, 'a bogus token was accepted on the authenticated listener');
      t.observe('bogus token refused with', refused);
      const token = await fetchToken(t);
      const c = await t.connect({ url: t.p.wsAuth, username: 'browser', password: token });
      t.check(c.connack.reasonCode === 0, `CONNACK reason code ${c.connack.reasonCode} with a valid token`);
      await c.subscribe(`${t.prefix}/mine`, 1);
      await c.publish(`${t.prefix}/mine`, 'with a token', { qos: 1 });
      const got = await c.inbox.until((ms) => ms.length > 0, 10000, 'the message published with the token');
      t.checkEqual(text(got[0]), 'with a token', 'payload');
    },

    async 'acl-denied'(t) {
      const token = await fetchToken(t);
      const c = await t.connect({ url: t.p.wsAuth, username: 'browser', password: token });
      // the token's claim denies <prefix>/secret: the SUBACK says so (0x80 / 0x87), which each client reports its way
      const denied = await c.subscribe(`${t.prefix}/secret`, 1).then((qos) => ({ qos }), (e) => ({ error: String(e.message) }));
      t.check(!c.state.closed, 'the connection closed after a denied SUBSCRIBE');
      t.check(denied.error !== undefined || denied.qos >= 0x80,
        `a denied SUBSCRIBE looked granted to the app: ${JSON.stringify(denied)}`);
      t.observe('denied SUBSCRIBE seen by the app as', denied.error !== undefined ? `error: ${denied.error}`
        : `granted QoS ${denied.qos} (0x${denied.qos.toString(16)})`);
      const granted = await c.subscribe(`${t.prefix}/open`, 1);
      t.check(granted === 1, `allowed SUBSCRIBE granted QoS ${granted}`);
      if (t.v5) {
        // MQTT 5: a denied QoS 1 PUBLISH gets PUBACK 0x87, which the client reports as a failed publish
        const pub = await c.publish(`${t.prefix}/secret`, 'not allowed', { qos: 1 }).then(() => 'acknowledged',
          (e) => `refused: ${e.message}`);
        t.check(pub.startsWith('refused'), 'a denied MQTT 5 PUBLISH was acknowledged as delivered');
        t.observe('denied PUBLISH seen by the app as', pub);
      }
      await c.publish(`${t.prefix}/open`, 'allowed', { qos: 1 });
      const got = await c.inbox.until((ms) => ms.length > 0, 10000, 'the message on the allowed topic');
      t.checkEqual(got.map((m) => m.topic), [`${t.prefix}/open`], 'topics received');
    },
  };

  // A real access token from the identity provider's token endpoint (client credentials), fetched by the page.
  async function fetchToken(t) {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'browser-page',
      client_secret: 'page-secret', scope: 'mqtt' });
    const r = await velaClients.withTimeout(fetch(t.p.tokenUrl, { method: 'POST', body }), 15000, 'the token request');
    t.check(r.ok, `the token endpoint answered HTTP ${r.status}`);
    const answer = await r.json();
    t.check(typeof answer.access_token === 'string' && answer.access_token.split('.').length === 3,
      'the token endpoint gave no JWT access token');
    return answer.access_token;
  }

  let current = { phase: 'idle' };
  const signals = {};

  function context(kind, name, params) {
    const connections = [];
    const observations = {};
    const base = `vela-${params.run}-${kind.replace(/\W/g, '')}-${name.replace(/\W/g, '')}`;
    const t = {
      kind, p: params, prefix: params.prefix, v5: velaClients.protocolVersion(kind) === 5, connections, observations,
      clientId: (i) => `${base}-${i}`.slice(0, 64),
      async connect(o) {
        const c = await velaClients.connect(kind, { url: params.ws, clientId: t.clientId(connections.length), ...o });
        connections.push(c);
        return c;
      },
      socket: () => window.velaSockets[window.velaSockets.length - 1],
      observe(key, value) { observations[key] = String(value); },
      check(ok, message) { if (!ok) throw new Error(message); },
      checkEqual(actual, expected, what) {
        const a = JSON.stringify(actual); const e = JSON.stringify(expected);
        if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
      },
      notApplicable(reason) { throw new NotApplicable(reason); },
      ready(data) { current = { ...current, phase: 'ready', ready: data || {} }; },
      waitSignal(signal, ms) {
        return velaClients.withTimeout(new Promise((resolve) => { signals[signal] = resolve; }), ms, `signal ${signal}`);
      },
      waitFor(probe, ms, what) {
        return new Promise((resolve, reject) => {
          const until = performance.now() + ms;
          const tick = () => {
            let v;
            try { v = probe(); } catch (e) { reject(e); return; }
            if (v) resolve(v);
            else if (performance.now() > until) reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
            else setTimeout(tick, 100);
          };
          tick();
        });
      },
    };
    return t;
  }

  window.vela = {
    scenarios: Object.keys(scenarios),
    start(kind, name, params) {
      if (!scenarios[name]) throw new Error(`unknown scenario ${name}`);
      const started = performance.now();
      current = { phase: 'running', client: kind, scenario: name };
      const t = context(kind, name, params);
      (async () => {
        let result;
        try {
          await velaClients.withTimeout(scenarios[name](t), 150000, `scenario ${name}`);
          result = { status: 'pass', detail: '' };
        } catch (e) {
          result = e && e[NOT_APPLICABLE] ? { status: 'n/a', detail: e.message }
            : { status: 'fail', detail: String((e && e.message) || e) };
        }
        await Promise.all(t.connections.map((c) => (c.state.closed ? null
          : velaClients.withTimeout(c.end(), 5000, 'end').catch(() => null))));
        current = { ...current, phase: 'done', ...result, ms: Math.round(performance.now() - started),
          observations: t.observations, sockets: window.velaSockets };
      })();
      return 'started';
    },
    signal(name) { if (signals[name]) signals[name](); return 'ok'; },
    state() { return JSON.stringify(current); },
  };
})();
