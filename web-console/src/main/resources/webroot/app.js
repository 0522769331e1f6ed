// The Vela console: login, then one page per hash (#overview, #clients, ...), refreshed every few seconds.
import { api, setCsrf, enc } from './api.js';
import { LineChart, format } from './chart.js';
import { el, rows } from './dom.js';
import { initMqttPage, wireMqttPage } from './mqtt-page.js';

const REFRESH_MS = 2000;
const pages = ['overview', 'clients', 'subscriptions', 'retained', 'bans', 'bridges', 'mqtt'];
let me = null;
let timer = null;
let last = null;
const charts = {};

const $ = id => document.getElementById(id);
const isAdmin = () => me && me.role === 'admin';

function show(id) {
  for (const p of document.querySelectorAll('main > section')) p.hidden = p.id !== id;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.getAttribute('href') === '#' + id);
}

async function start() {
  try {
    me = await api('GET', '/me');
    setCsrf(me.csrfToken);
    loggedIn();
  } catch (e) {
    loggedOut();
  }
}

function loggedOut() {
  me = null;
  api('GET', '/auth-methods').then(m => { $('oidc').hidden = !m.oidc; }).catch(() => {});
  clearInterval(timer);
  $('nav').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  show('login');
}

function loggedIn() {
  $('nav').hidden = false;
  $('logout').hidden = me.auth !== 'session';
  $('who').textContent = `${me.username} (${me.role})`;
  route();
}

function route() {
  const page = pages.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'overview';
  show(page);
  clearInterval(timer);
  const refresh = views[page];
  const run = () => refresh().catch(err => {
    if (err.status === 401) loggedOut();
  });
  run();
  if (page !== 'mqtt') timer = setInterval(run, REFRESH_MS);
}

async function overview() {
  const s = await api('GET', '/stats');
  const drops = Object.values(s.drops).reduce((a, b) => a + b, 0);
  const cards = [['Connections', s.connections], ['Sessions', s.sessions], ['Subscriptions', s.subscriptions],
    ['Retained', s.retained], ['Messages in', s.messagesIn], ['Messages out', s.messagesOut],
    ['Bytes in', s.bytesIn], ['Bytes out', s.bytesOut], ['Dropped', drops], ['Auth failures', s.authFailures],
    ['Uptime', `${Math.floor(s.uptimeSeconds / 3600)}h ${Math.floor(s.uptimeSeconds / 60) % 60}m`]];
  $('cards').replaceChildren(...cards.map(([k, v]) =>
    el('div', { class: 'card', 'data-stat': k }, el('div', { class: 'v' }, typeof v === 'number' ? format(v) : v),
      el('div', { class: 'k' }, k))));
  if (!charts.connections) {
    charts.connections = new LineChart($('chart-connections'), ['now']);
    charts.messages = new LineChart($('chart-messages'), ['in', 'out']);
    charts.bytes = new LineChart($('chart-bytes'), ['in', 'out']);
    charts.drops = new LineChart($('chart-drops'), ['drops']);
  }
  const now = Date.now();
  if (last) {
    const dt = Math.max(0.001, (now - last.at) / 1000);
    const rate = (a, b) => (a - b) / dt;
    charts.messages.push(rate(s.messagesIn, last.s.messagesIn), rate(s.messagesOut, last.s.messagesOut));
    charts.bytes.push(rate(s.bytesIn, last.s.bytesIn), rate(s.bytesOut, last.s.bytesOut));
    charts.drops.push(rate(drops, last.drops));
  }
  charts.connections.push(s.connections);
  const listeners = (await api('GET', '/listeners')).data;
  rows(document.querySelector('#listeners tbody'), listeners,
    l => [l.name, l.type + (l.path ? ' ' + l.path : ''), `${l.bind}:${l.port}`, l.state, String(l.connections),
      format(l.messagesIn), format(l.messagesOut), format(l.bytesIn), format(l.bytesOut)]);
  const shown = listeners.filter(l => l.state === 'running').slice(0, 4);
  if (!charts.listeners || charts.listenerNames !== shown.map(l => l.name).join()) {
    charts.listeners = new LineChart($('chart-listeners'), shown.map(l => l.name));
    charts.listenerMessages = new LineChart($('chart-listener-messages'), shown.map(l => l.name));
    charts.listenerNames = shown.map(l => l.name).join();
  }
  charts.listeners.push(...shown.map(l => l.connections));
  const traffic = Object.fromEntries(listeners.map(l => [l.name, l.messagesIn + l.messagesOut]));
  if (last && last.traffic) {
    const dt = Math.max(0.001, (now - last.at) / 1000);
    charts.listenerMessages.push(...shown.map(l => Math.max(0, (traffic[l.name] - (last.traffic[l.name] ?? traffic[l.name])) / dt)));
  }
  last = { at: now, s, drops, traffic };
}

async function clients() {
  const q = $('client-search').value.trim();
  const offline = $('client-offline').checked;
  const page = await api('GET', (offline ? '/sessions' : '/clients') + '?limit=500&q=' + enc(q));
  rows(document.querySelector('#client-table tbody'), page.data, c => [
    c.clientId, c.username || '', c.remoteAddress || '', c.protocol || '',
    c.connectedAt ? new Date(c.connectedAt).toLocaleString() : '', String(c.subscriptionCount), String(c.queued),
    actions(c)], c => ({ 'data-client-id': c.clientId, class: c.connected ? '' : 'muted' }));
  $('client-count').textContent = `${page.meta.count} ${offline ? 'sessions' : 'connected clients'}`
    + (page.meta.count > page.data.length ? ` (first ${page.data.length} shown)` : '');
}

function actions(c) {
  if (!isAdmin()) return '';
  const span = el('span');
  if (c.connected) {
    span.append(el('button', { class: 'danger', 'data-action': 'kick', onclick: async () => {
      await api('POST', `/clients/${enc(c.clientId)}/kick`);
      clients();
    } }, 'Kick'));
  }
  span.append(' ', el('button', { class: 'danger', onclick: async () => {
    if (confirm(`End the session of ${c.clientId}? Its subscriptions and queued messages are dropped.`)) {
      await api('DELETE', `/sessions/${enc(c.clientId)}`);
      clients();
    }
  } }, 'Delete session'));
  return span;
}

async function subscriptions() {
  const q = $('sub-search').value.trim();
  const page = await api('GET', '/subscriptions?limit=1000&q=' + enc(q));
  rows(document.querySelector('#sub-table tbody'), page.data, s => [s.filter, s.clientId, String(s.qos)]);
  const root = {};
  for (const s of page.data) {
    let node = root;
    for (const level of s.filter.split('/')) {
      node[level] = node[level] || { children: {}, count: 0 };
      node[level].count++;
      node = node[level].children;
    }
  }
  const render = n => Object.keys(n).sort().map(k =>
    el('li', {}, k === '' ? '(empty)' : k, el('span', { class: 'count' }, String(n[k].count)),
      Object.keys(n[k].children).length ? el('ul', {}, ...render(n[k].children)) : ''));
  $('topic-tree').replaceChildren(...render(root));
}

async function retained() {
  const q = $('ret-search').value.trim();
  const page = await api('GET', '/retained?limit=1000&q=' + enc(q));
  rows(document.querySelector('#ret-table tbody'), page.data, m => [m.topic, String(m.qos), String(m.size),
    m.publisherId || '', el('span', {},
      el('button', { onclick: async () => {
        const full = await api('GET', '/retained/' + enc(m.topic));
        const p = $('ret-payload');
        p.hidden = false;
        p.textContent = `${m.topic}\n\n${full.payloadText !== null ? full.payloadText : '(binary) ' + full.payloadBase64}`;
      } }, 'Show'), ' ',
      isAdmin() ? el('button', { class: 'danger', onclick: async () => {
        await api('DELETE', '/retained/' + enc(m.topic));
        retained();
      } }, 'Clear') : '')]);
}

async function bans() {
  const page = await api('GET', '/bans?limit=1000');
  rows(document.querySelector('#ban-table tbody'), page.data, b => [b.kind, b.value,
    b.expiresAt ? new Date(b.expiresAt).toLocaleString() : 'until lifted', b.reason || '',
    isAdmin() ? el('button', { onclick: async () => {
      await api('DELETE', `/bans/${enc(b.kind)}/${enc(b.value)}`);
      bans();
    } }, 'Lift') : '']);
  $('ban-form').hidden = !isAdmin();
}

async function bridges() {
  const page = await api('GET', '/bridges');
  $('bridge-empty').hidden = page.data.length > 0;
  rows(document.querySelector('#bridge-table tbody'), page.data, b => {
    const status = Object.entries(b.status).filter(([k]) => k !== 'state').map(([k, v]) => `${k}: ${v}`).join(', ');
    const lifecycle = action => el('button', { onclick: async () => {
      await api('POST', `/bridges/${enc(b.name)}/${action}`);
      bridges();
    } }, action === 'start' ? 'Start' : 'Stop');
    return [b.name, b.kind, b.state, status,
      isAdmin() ? (b.state === 'running' ? lifecycle('stop') : lifecycle('start')) : ''];
  });
}

const views = { overview, clients, subscriptions, retained, bans, bridges, mqtt: initMqttPage };

$('login-form').addEventListener('submit', async e => {
  e.preventDefault();
  const f = new FormData(e.target);
  $('login-error').textContent = '';
  try {
    const r = await api('POST', '/login', { username: f.get('username'), password: f.get('password') });
    setCsrf(r.csrfToken);
    me = { username: r.username, role: r.role, auth: 'session' };
    e.target.reset();
    loggedIn();
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});
$('logout').addEventListener('click', async () => {
  await api('POST', '/logout').catch(() => {});
  loggedOut();
});
$('ban-form').addEventListener('submit', async e => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = { kind: f.get('kind'), value: f.get('value') };
  if (f.get('durationSeconds')) body.durationSeconds = Number(f.get('durationSeconds'));
  if (f.get('reason')) body.reason = f.get('reason');
  try {
    await api('POST', '/bans', body);
    e.target.reset();
    bans();
  } catch (err) {
    alert(err.message);
  }
});
for (const id of ['client-search', 'sub-search', 'ret-search']) {
  $(id).addEventListener('input', () => views[location.hash.slice(1) || 'overview']().catch(() => {}));
}
$('client-offline').addEventListener('change', () => clients());
window.addEventListener('hashchange', () => { if (me) route(); });
wireMqttPage();
start();
