// End to end in headless Chromium: `bastion demo` (four replica processes running the e-voting
// service, each serving this page), a voter signs in, votes, checks the receipt; the administrator
// closes the election; the page shows the result. Once with every replica healthy, once with a
// replica that signs wrong answers to reads: the page must still show the right result and flag it.
// Screenshots go to bastion-js/target/e2e/. Needs /usr/bin/chromium (or BASTION_CHROMIUM) and the
// built bastion-cli jar; skipped with a message when the browser is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..', '..');
const jar = join(root, 'bastion-cli', 'target', 'bastion.jar');
const browserPath = process.env.BASTION_CHROMIUM ?? '/usr/bin/chromium';
const shots = join(root, 'bastion-js', 'target', 'e2e');
const launcher = join(root, 'bastion'); // finds a JDK >= 21 by itself
const STEP_MS = 30_000;

const missing = !existsSync(browserPath) ? `no browser at ${browserPath} (apt-get install chromium)`
  : !existsSync(join(root, 'bastion-js', 'node_modules', 'playwright-core')) ? 'no playwright-core (npm ci in bastion-js)'
    : !existsSync(jar) ? `no ${jar} (build first)` : null;
if (missing) console.log(`# browser test skipped: ${missing}`);

/** Starts `bastion demo` and resolves to {url, stop} once it printed the page's address. */
function startDemo(basePort, extra) {
  const dir = mkdtempSync(join(tmpdir(), 'bastion-e2e-'));
  const child = spawn(launcher, ['demo', '--dir', join(dir, 'cluster'), '--base-port', String(basePort), ...extra],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => { child.kill('SIGKILL'); r(); }, 15_000);
        child.on('exit', () => { clearTimeout(t); r(); });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`demo did not start within 120 s:\n${output}`)); }, 120_000);
    const onData = (chunk) => {
      output += chunk;
      const m = output.match(/Open (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m && output.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        resolveStart({ url: m[1], stop, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { output += c; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited (${code}):\n${output}`)); });
  });
}

async function signIn(page, voter, secret) {
  await page.fill('#voter', voter);
  await page.fill('#secret', secret);
  await page.click('#signin-button');
  await page.waitForSelector('#elections:not([hidden]) article.election', { timeout: STEP_MS });
}

async function scenario(name, basePort, extra, lyingReplica) {
  const { chromium } = await import('playwright-core');
  const demo = await startDemo(basePort, extra);
  const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
  try {
    const page = await browser.newPage();
    await page.goto(demo.url);
    await signIn(page, 'alice', 'alice-demo');
    await page.screenshot({ path: join(shots, `${name}-1-signed-in.png`), fullPage: true });

    await page.click('article.election button[name="vote"]:has-text("Lisbon")');
    await page.waitForSelector('#log li:has-text("Ballot for Lisbon cast")', { timeout: STEP_MS });
    await page.click('article.election button[name="receipt"]');
    const receipt = await page.waitForSelector('.receipt:has-text("Counted: Lisbon")', { timeout: STEP_MS });
    assert.match(await receipt.textContent(), /receipt [0-9a-f]{64}/);
    await page.screenshot({ path: join(shots, `${name}-2-receipt.png`), fullPage: true });

    await page.click('#signout');
    await page.waitForSelector('#signin:not([hidden])', { timeout: STEP_MS });
    await signIn(page, 'admin', 'admin-demo');
    await page.click('article.election button[name="close"]');
    await page.waitForSelector('article.election .state:has-text("closed")', { timeout: STEP_MS });
    await page.click('article.election button[name="results"]');
    await page.waitForSelector('.chart .bar[data-option="Lisbon"]', { timeout: STEP_MS });
    const votes = await page.$$eval('.chart .bar', (bars) => Object.fromEntries(
      bars.map((b) => [b.dataset.option, Number(b.dataset.votes)])));
    assert.deepEqual(votes, { Lisbon: 1, 'Kraków': 0, Tallinn: 0 }, 'the page shows the counted result');

    if (lyingReplica !== null) {
      await page.waitForSelector(`li.replica[data-replica="${lyingReplica}"][data-flagged="true"]`, { timeout: STEP_MS });
    }
    const flagged = await page.$$eval('li.replica[data-flagged="true"]', (items) => items.map((i) => Number(i.dataset.replica)));
    assert.deepEqual(flagged, lyingReplica === null ? [] : [lyingReplica], 'exactly the lying replica is flagged');
    await page.screenshot({ path: join(shots, `${name}-3-results.png`), fullPage: true });
  } finally {
    await browser.close();
    await demo.stop();
  }
}

test('a voter votes and the result shows, all replicas healthy', { skip: missing ?? false, timeout: 300_000 }, async () => {
  await scenario('healthy', 17400, [], null);
});

test('a replica that signs wrong answers cannot change what the page shows, and is flagged',
  { skip: missing ?? false, timeout: 300_000 }, async () => {
    await scenario('lying-replica', 17500, ['--lying-replica', '3'], 3);
  });
