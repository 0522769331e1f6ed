// The built-in MQTT client: MQTT.js (served from /vendor, pinned by the build) over the broker's WebSocket listener.
import mqtt from './vendor/mqtt.esm.js';
import { api } from './api.js';
import { el, rows } from './dom.js';

let client = null;
const messages = [];
const MAX_MESSAGES = 200;

export async function initMqttPage() {
  const url = document.getElementById('mqtt-url');
  if (!url.value) {
    try {
      const listeners = (await api('GET', '/listeners')).data;
      const ws = listeners.find(l => (l.type === 'ws' || l.type === 'wss') && l.state === 'running');
      if (ws) {
        const scheme = ws.type === 'wss' ? 'wss' : 'ws';
        url.value = `${scheme}://${location.hostname}:${ws.port}${ws.path || '/mqtt'}`;
      }
    } catch (e) { /* the user types the URL */ }
  }
  const id = document.getElementById('mqtt-client-id');
  if (!id.value) id.value = 'console-' + Math.random().toString(16).slice(2, 10);
}

function state(text, cls) {
  const s = document.getElementById('mqtt-state');
  s.textContent = text;
  s.className = 'badge ' + (cls || '');
  document.getElementById('mqtt-disconnect').disabled = !client;
}

export function wireMqttPage() {
  document.getElementById('mqtt-connect').addEventListener('submit', e => {
    e.preventDefault();
    const f = new FormData(e.target);
    if (client) client.end(true);
    state('connecting…');
    client = mqtt.connect(f.get('url'), {
      clientId: f.get('clientId') || undefined,
      username: f.get('username') || undefined,
      password: f.get('password') || undefined,
      protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10000,
    });
    client.on('connect', () => state('connected', 'ok'));
    client.on('error', err => state('error: ' + err.message, 'bad'));
    client.on('close', () => { if (client) state('disconnected', 'bad'); });
    client.on('message', (topic, payload, packet) => {
      messages.unshift({ time: new Date().toLocaleTimeString(), topic, qos: packet.qos,
        payload: new TextDecoder().decode(payload) });
      if (messages.length > MAX_MESSAGES) messages.pop();
      rows(document.querySelector('#mqtt-messages tbody'), messages,
        m => [m.time, m.topic, String(m.qos), m.payload]);
    });
  });
  document.getElementById('mqtt-disconnect').addEventListener('click', () => {
    if (client) client.end();
    client = null;
    state('disconnected');
  });
  document.getElementById('mqtt-subscribe').addEventListener('submit', e => {
    e.preventDefault();
    const f = new FormData(e.target);
    if (!client) return state('connect first', 'bad');
    const filter = f.get('filter');
    client.subscribe(filter, { qos: Number(f.get('qos')) }, (err, granted) => {
      if (err) return state('subscribe failed: ' + err.message, 'bad');
      const code = granted && granted[0] ? granted[0].qos : '?';
      document.getElementById('mqtt-subs').append(el('li', {}, `${filter} (granted ${code})`));
    });
  });
  document.getElementById('mqtt-publish').addEventListener('submit', e => {
    e.preventDefault();
    const f = new FormData(e.target);
    if (!client) return state('connect first', 'bad');
    client.publish(f.get('topic'), f.get('payload') || '', { qos: Number(f.get('qos')), retain: f.get('retain') === 'on' },
      err => { if (err) state('publish failed: ' + err.message, 'bad'); });
  });
}
