// How long a voter waits in the browser, on a slow CPU: headless Chromium loads ballot.js and voter.js
// as the page does (index.html's import map, the vendored @noble modules, nothing from node_modules)
// and times, under DevTools CPU throttling (Emulation.setCPUThrottlingRate: 4 and 6 are the usual
// stand-ins for a mid-range and a low-end phone, 1 is this machine):
//   - the enrollment key from a code (enrollmentKeyAsync: scrypt, N = 2^15, r = 8, p = 1), which a
//     voter waits for once per device, when signing in the first time;
//   - buildBallot for a 3-option, exactly-one-choice election: the first build in a fresh page (what a
//     voter who opens the page and votes waits for) and later ones.
// Each run is a fresh browser context; medians over the runs. Not a test; throttling slows the
// page's main thread only (WebCrypto's signature runs elsewhere, and is a small part). Usage:
//   node bench/ballot-browser-timing.js [--rates 1,4,6] [--runs 5] [--builds 5]
// Needs Chromium (/usr/bin/chromium, or BASTION_CHROMIUM) and playwright-core (npm ci), as e2e/ does.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { p256 } from '@noble/curves/nist.js';

const webRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const browserPath = process.env.BASTION_CHROMIUM ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };
/** The page of this script: index.html's import map, and nothing else. */
const TIMING_PAGE = '/ballot-timing.html';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rates = option('rates', '1,4,6').split(',').map(Number);
const runs = Number(option('runs', 5));
const builds = Number(option('builds', 5));
if (rates.some((r) => !(r >= 1)) || !(runs >= 1) || !(builds >= 1)) {
  console.error('usage: node bench/ballot-browser-timing.js [--rates 1,4,6] [--runs 5] [--builds 5] (rates >= 1)');
  process.exit(2);
}
const missing = !existsSync(browserPath) ? `no browser at ${browserPath} (apt-get install chromium, or set BASTION_CHROMIUM)`
  : !existsSync(join(webRoot, 'node_modules', 'playwright-core')) ? 'no playwright-core (npm ci in bastion-js)' : null;
if (missing) {
  console.error(`ballot-browser-timing: ${missing}`);
  process.exit(2);
}

const importMap = readFileSync(join(webRoot, 'index.html'), 'utf8').match(/<script type="importmap">[\s\S]*?<\/script>/);
if (!importMap) {
  console.error('ballot-browser-timing: index.html has no <script type="importmap">');
  process.exit(2);
}
const page = `<!doctype html><html><head><meta charset="utf-8">${importMap[0]}</head><body>ballot timing</body></html>`;

/** Serves the web root as the replicas do, except node_modules, plus the timing page. */
function serve() {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (path === TIMING_PAGE) {
      response.writeHead(200, { 'content-type': TYPES['.html'] }).end(page);
      return;
    }
    const file = join(webRoot, path);
    if (!file.startsWith(webRoot) || file.includes('node_modules') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/**
 * In the page: the timings of one run, in milliseconds, in the order a voter meets them: signing in
 * (the enrollment key, the first time on a device), then voting. publicKey is the election's key,
 * made outside the page, so that nothing before the first build uses the curve: the page itself only
 * decodes the election's key before it builds a ballot.
 */
async function timeInPage({ builds, publicKey }) {
  const ballots = await import('./src/ballot.js');
  const { enrollmentKeyAsync } = await import('./src/voter.js');
  let started = performance.now();
  await enrollmentKeyAsync('alice', 'ABCD-EFGH-IJKL-MNOP-QRST');
  const scryptMillis = performance.now() - started;
  const parameters = ballots.electionParameters({ electionId: 1, options: 3, minChoices: 1, maxChoices: 1,
    publicKey: Uint8Array.from(publicKey) });
  const credential = await ballots.generateCredential();
  const buildMillis = [];
  for (let i = 0; i < builds; i++) {
    const choices = [0, 0, 0];
    choices[i % 3] = 1;
    started = performance.now();
    await ballots.buildBallot(parameters, choices, credential);
    buildMillis.push(performance.now() - started);
  }
  return { buildMillis, scryptMillis };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${Math.round(value)} ms`;

const { chromium } = await import('playwright-core');
const server = await serve();
const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
console.log(`Chromium ${browser.version()} (headless) on ${cpus().length} cores (${cpus()[0]?.model.trim()}), `
  + `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${runs} runs per rate, ${builds} builds per run`);
try {
  for (const rate of rates) {
    const first = [];
    const later = [];
    const scrypt = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      const errors = [];
      tab.on('pageerror', (e) => errors.push(e));
      await tab.goto(`http://127.0.0.1:${server.address().port}${TIMING_PAGE}`);
      const devtools = await context.newCDPSession(tab);
      await devtools.send('Emulation.setCPUThrottlingRate', { rate });
      const timing = await tab.evaluate(timeInPage, { builds, publicKey: [...p256.getPublicKey(p256.utils.randomSecretKey(), true)] });
      if (errors.length) throw errors[0];
      first.push(timing.buildMillis[0]);
      later.push(...timing.buildMillis.slice(1));
      scrypt.push(timing.scryptMillis);
      await context.close();
    }
    console.log(`CPU slowed ${rate}×: build a ballot ${ms(median(first))} the first time in a page, `
      + `${later.length ? ms(median(later)) : '-'} after; enrollment key (scrypt) ${ms(median(scrypt))}`
      + `   (first builds ${first.map(Math.round).join(', ')} ms; scrypt ${scrypt.map(Math.round).join(', ')} ms)`);
  }
} finally {
  await browser.close();
  server.close();
}
