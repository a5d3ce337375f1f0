// Encrypted ballots in headless Chromium, loaded as the page loads them: index.html's import map
// resolves @noble/curves and @noble/hashes to the vendored copies, served from the web root (here by
// a small static server; bastion-net's WebEndpointTest checks the replicas serve those paths). In the
// page, ballot.js builds a ballot with a WebCrypto credential and verifies it, verifies a ballot the
// Java builder made, and refuses a tampered one. Needs /usr/bin/chromium (or BASTION_CHROMIUM) and
// playwright-core; skipped with a message otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const browserPath = process.env.BASTION_CHROMIUM ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css',
  '.json': 'application/json' };
const missing = !existsSync(browserPath) ? `no browser at ${browserPath}`
  : !existsSync(join(webRoot, 'node_modules', 'playwright-core')) ? 'no playwright-core (npm ci in bastion-js)' : null;
if (missing) console.log(`# ballot browser test skipped: ${missing}`);

/** Serves the web root, except node_modules: the page must get by with what a fresh clone has. */
function serve() {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(webRoot, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(webRoot) || file.includes('node_modules') || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

test('the page builds, verifies and refuses ballots with the vendored modules', { skip: missing ?? false }, async () => {
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const browser = await chromium.launch({ executablePath: browserPath });
  try {
    const page = await browser.newPage();
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => { if (r.status() === 404 && !r.url().endsWith('/cluster.json')) failed.push(r.url()); });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const vectors = JSON.parse(readFileSync(join(webRoot, 'test', 'ballot-vectors.json'), 'utf8'));
    const outcome = await page.evaluate(async (v) => {
      const ballots = await import('./src/ballot.js');
      const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
      const parametersOf = (e) => ballots.electionParameters({ electionId: e.electionId, options: e.options,
        minChoices: e.minChoices, maxChoices: e.maxChoices, publicKey: hex(e.publicKey) });
      const election = parametersOf(v.elections[0]);
      const credential = await ballots.generateCredential();
      const mine = await ballots.buildBallot(election, [0, 0, 1], credential);
      const java = v.ballots[0];
      const tampered = v.tampered.find((t) => t.what === 'two options chosen of 1..1');
      return {
        mine: await ballots.verifyBallot(election, ballots.ballotFromJson(ballots.ballotToJson(mine))),
        java: await ballots.verifyBallot(parametersOf(v.elections[java.election]), ballots.ballotFromJson(java.json)),
        tracker: ballots.tracker(ballots.ballotFromJson(java.json)) === java.tracker,
        tampered: await ballots.verifyBallot(election, ballots.ballotFromJson(tampered.json)),
      };
    }, vectors);
    assert.deepEqual(outcome, { mine: null, java: null, tracker: true,
      tampered: 'the overall proof does not verify: the number of choices must be 1..1' });
    assert.deepEqual(failed.filter((u) => u.includes('/vendor/') || u.includes('/src/')), []);
  } finally {
    await browser.close();
    server.close();
  }
});
