// MQTT.js over WebSocket against a running Vela broker; driven by io.vela.it.MqttJsIT.
// Usage: node mqttjs-test.mjs ws://127.0.0.1:PORT/mqtt
// Env MQTT_USERNAME / MQTT_PASSWORD (optional): credentials for CONNECT, e.g. an access token as the password.
// For MQTT 3.1.1 (protocolVersion 4) and 5: connect, subscribe, publish QoS 0/1/2 and get them back, publish a
// large (compressible) payload, publish one message for a TCP subscriber (js/<v>/to-tcp), then print "READY <v>"
// and wait for the message a TCP publisher sends to js/<v>/from-tcp. Prints "OK" and exits 0, or exits 1 saying why.
import mqtt from 'mqtt';

const url = process.argv[2];
const STEP_MS = 10000;

function fail(message) {
  console.error(`FAIL ${message}`);
  process.exit(1);
}

setTimeout(() => fail('the whole run took longer than 45 s'), 45000).unref();

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${STEP_MS} ms: ${what}`)), STEP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function nextMessages(client, count, filter) {
  return new Promise((resolve) => {
    const got = [];
    const onMessage = (topic, payload, packet) => {
      if (!filter(topic)) return;
      got.push({ topic, payload: payload.toString(), qos: packet.qos });
      if (got.length === count) {
        client.removeListener('message', onMessage);
        resolve(got);
      }
    };
    client.on('message', onMessage);
  });
}

async function run(version) {
  const client = mqtt.connect(url, {
    protocolVersion: version,
    clientId: `mqttjs-${version}-${process.pid}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: STEP_MS,
    ...(process.env.MQTT_USERNAME ? { username: process.env.MQTT_USERNAME } : {}),
    ...(process.env.MQTT_PASSWORD ? { password: process.env.MQTT_PASSWORD } : {}),
  });
  client.on('error', (e) => fail(`v${version} client error: ${e.message}`));
  await within(new Promise((resolve) => client.once('connect', resolve)), `v${version} CONNACK`);

  const base = `js/${version}`;
  const granted = await within(client.subscribeAsync(`${base}/echo/#`, { qos: 2 }), `v${version} SUBACK`);
  if (granted[0].qos !== 2) fail(`v${version} subscription granted QoS ${granted[0].qos}, wanted 2`);

  const echoes = nextMessages(client, 4, (t) => t.startsWith(`${base}/echo/`));
  const big = 'vela '.repeat(2000); // 10 kB: compressed when permessage-deflate was negotiated
  for (const qos of [0, 1, 2]) {
    await within(client.publishAsync(`${base}/echo/q${qos}`, `qos ${qos}`, { qos }), `v${version} publish QoS ${qos}`);
  }
  await within(client.publishAsync(`${base}/echo/big`, big, { qos: 1 }), `v${version} publish big`);
  const got = await within(echoes, `v${version} own messages back`);
  for (const qos of [0, 1, 2]) {
    const m = got.find((g) => g.topic === `${base}/echo/q${qos}`);
    if (!m || m.payload !== `qos ${qos}` || m.qos !== qos) fail(`v${version} QoS ${qos} echo wrong: ${JSON.stringify(m)}`);
  }
  const b = got.find((g) => g.topic === `${base}/echo/big`);
  if (!b || b.payload !== big) fail(`v${version} large payload did not come back intact`);

  await within(client.publishAsync(`${base}/to-tcp`, `hello tcp from mqtt.js v${version}`, { qos: 1 }),
    `v${version} publish to TCP`);

  await within(client.subscribeAsync(`${base}/from-tcp`, { qos: 1 }), `v${version} SUBACK from-tcp`);
  const fromTcp = nextMessages(client, 1, (t) => t === `${base}/from-tcp`);
  console.log(`READY ${version}`);
  const [m] = await within(fromTcp, `v${version} message from the TCP publisher`);
  if (m.payload !== `hello mqtt.js v${version} from tcp`) fail(`v${version} got '${m.payload}' from TCP`);
  console.log(`GOT ${version}`);
  await client.endAsync();
}

try {
  await run(4);
  await run(5);
  console.log('OK');
  process.exit(0);
} catch (e) {
  fail(e.message);
}
