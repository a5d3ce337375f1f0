// A voter across a wide-area network (a helper run by WanBrowserTest, not a test file of its own):
// this process and its headless Chromium run in the client's network namespace, and every replica
// is a host name (r<i>.bastion.test) whose traffic passes a relay that delays it. Chromium maps the
// names to the relay's addresses (--host-resolver-rules) and accepts exactly the replicas' web
// certificates (--ignore-certificate-errors-spki-list), so the page, /cluster.json and every WebSocket
// go over HTTPS and WSS to non-loopback names. The voter enrolls with the demo code, casts an
// encrypted ballot in the demo election and finds it counted in the public ballot box; with
// `results`, the administrator then closes the election and the page must show exactly those
// counts. Replicas listed as `unreachable` (cut off) must not answer.
// Exits 0 when all of it held, 1 (saying what failed) otherwise.
//
//   node e2e/wan-browser.js '{"url":"https://r0.bastion.test:7008/","hosts":{"r0.bastion.test":"10.77.0.100",...},
//     "clusterDir":"...","voter":"alice","option":"Lisbon","results":null,
//     "shots":"target/e2e-wan","name":"healthy","awaitAll":true,"waitSeconds":90,
//     "unreachable":["r3.bastion.test:7011"]}'
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { DEMO_CODES, ballotBox, closeElection, results, signIn, signOut, vote } from './page-steps.js';

const browserPath = process.env.BASTION_CHROMIUM ?? '/usr/bin/chromium';
const run = JSON.parse(process.argv[2]);
const started = Date.now();
const say = (what) => console.log(`${run.name} (+${((Date.now() - started) / 1000).toFixed(1)} s): ${what}`);

/** base64 SHA-256 of each web certificate's public key: what Chromium accepts, and nothing else. */
function webCertificateKeys(dir) {
  return readdirSync(dir).filter((f) => /^replica-\d+-web\.crt$/.test(f)).map((f) => {
    const spki = new X509Certificate(readFileSync(join(dir, f))).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('base64');
  });
}

function fetchJson(url, ca) {
  return new Promise((resolve, reject) => {
    get(url, { ca, timeout: 5_000 }, (response) => {
      let body = '';
      response.on('data', (c) => { body += c; });
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(body))
        : reject(new Error(`${url}: HTTP ${response.statusCode}`))));
    }).on('error', reject).on('timeout', function onTimeout() { this.destroy(new Error(`${url}: no answer`)); });
  });
}

/**
 * The page's replica answers /cluster.json over HTTPS through the relay, and with `awaitAll` every
 * replica it lists does too (they start in parallel, some later).
 */
async function awaitReplicas(ca) {
  const seconds = run.waitSeconds ?? 90;
  const deadline = Date.now() + seconds * 1000;
  const pending = [new URL('/cluster.json', run.url).href];
  const answered = new Set();
  while (pending.length > 0) {
    const url = pending[0];
    try {
      const cluster = await fetchJson(url, ca);
      answered.add(url);
      pending.shift();
      for (const r of run.awaitAll ? cluster.replicas : []) {
        const other = `https://${r.host}:${r.webPort}/cluster.json`;
        if (!answered.has(other) && !pending.includes(other)) pending.push(other);
      }
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s: ${e.message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Each of `run.unreachable` (replicas cut off) must not answer: the fault is real. */
async function checkUnreachable(ca) {
  for (const host of run.unreachable ?? []) {
    const url = `https://${host}/cluster.json`;
    await assert.rejects(fetchJson(url, ca), `${url} answers although it was cut off`);
    say(`${host} does not answer (cut off)`);
  }
}

async function main() {
  const ca = readFileSync(join(run.clusterDir, 'ca.crt'));
  await awaitReplicas(ca);
  say(`${run.awaitAll ? 'every replica answers' : 'the page\'s replica answers'} over HTTPS through the relay`);
  await checkUnreachable(ca);
  const { chromium } = await import('playwright-core');
  const rules = Object.entries(run.hosts).map(([name, address]) => `MAP ${name} ${address}`).join(',');
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', `--host-resolver-rules=${rules}`,
      `--ignore-certificate-errors-spki-list=${webCertificateKeys(run.clusterDir).join(',')}`],
  });
  mkdirSync(run.shots, { recursive: true });
  try {
    const page = await browser.newPage();
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(run.url);
    assert.equal(await page.evaluate(() => window.isSecureContext), true, 'the page is a secure context');
    await signIn(page, run.voter, DEMO_CODES[run.voter]);
    const tracker = await vote(page, 1, [run.option]);
    const box = await ballotBox(page, 1);
    assert.ok(box.some((b) => b.tracker === tracker && b.counted), `ballot ${tracker} counted in the box`);
    await page.screenshot({ path: join(run.shots, `${run.name}-ballot-box.png`), fullPage: true });
    say(`${run.voter}'s encrypted ballot is counted in the ballot box (tracker ${tracker})`);
    if (run.results) {
      await signOut(page);
      await signIn(page, 'admin', DEMO_CODES.admin);
      await closeElection(page, 1);
      const { votes } = await results(page, 1);
      assert.deepEqual(votes, run.results, 'the page shows the counted result');
      await page.screenshot({ path: join(run.shots, `${run.name}-results.png`), fullPage: true });
      say(`the closed election shows ${JSON.stringify(votes)}`);
    }
    const hosts = Object.keys(run.hosts);
    assert.ok(sockets.length >= 1 && sockets.every((u) => u.startsWith('wss://') && hosts.includes(new URL(u).hostname)),
      `WebSockets ${sockets} are wss:// to the replicas' names`);
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`${run.name}: FAILED: ${e.stack ?? e}`);
  process.exit(1);
});
