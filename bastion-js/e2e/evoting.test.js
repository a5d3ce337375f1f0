// End to end in headless Chromium: `bastion demo` (four replica processes running the e-voting
// service, each serving this page). A voter enrolls this browser with the demo code, votes with a
// ballot encrypted in the page, finds its tracker in the public ballot box and verifies the ballot
// there, votes again (the first ballot is marked replaced); the admin closes the election and the
// page shows the counts and the winner once the replicas have jointly decrypted the sum. Once with
// every replica healthy, once with a replica that signs wrong answers to reads: the page must show
// exactly the same, and flag that replica. Once more over HTTPS and WSS (demo --https): Chromium
// trusts exactly the replicas' web certificates (their public keys, --ignore-certificate-errors-spki-list),
// so the page must open wss:// itself. In the healthy run, two of the four replicas are then killed:
// within seconds the page says voting is paused and why, and refuses at once what cannot be ordered;
// once the demo restarts them, the page notices by itself and works again. A replica whose
// decryption shares fail their proofs is named beside the same results. Last, on a 390 × 844
// phone screen, the admin creates an election from the page and a voter votes in it with
// checkboxes; nothing scrolls sideways.
// Screenshots go to bastion-js/target/e2e/. Needs /usr/bin/chromium (or BASTION_CHROMIUM) and
// playwright-core, else skipped with a message; with them, the built bastion-cli jar is required.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo } from './demo.js';
import {
  DEMO_CODES, STEP_MS, afterLog, ballotBox, checkTracker, closeElection, results, scrollsSideways, signIn,
  signInRefused, signOut, vote, votedFor,
} from './page-steps.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..', '..');
const jar = join(root, 'bastion-cli', 'target', 'bastion.jar');
const browserPath = process.env.BASTION_CHROMIUM ?? '/usr/bin/chromium';
const shots = join(root, 'bastion-js', 'target', 'e2e');

const missing = !existsSync(browserPath) ? `no browser at ${browserPath} (apt-get install chromium)`
  : !existsSync(join(root, 'bastion-js', 'node_modules', 'playwright-core')) ? 'no playwright-core (npm ci in bastion-js)'
    : null;
if (missing) console.log(`# browser test skipped: ${missing}`);

/** base64 SHA-256 of each web certificate's public key: what Chromium is told to accept, and nothing else. */
function webCertificateKeys(dir) {
  return readdirSync(dir).filter((f) => /^replica-\d+-web\.crt$/.test(f)).map((f) => {
    const spki = new X509Certificate(readFileSync(join(dir, f))).publicKey.export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(spki).digest('base64');
  });
}

/** Starts the demo and a browser on it; runs steps(page, demo); stops both. */
async function withDemo(basePort, extra, options, steps) {
  // with a browser at hand the test runs: an unbuilt bastion is a failure, not a reason to skip
  assert.ok(existsSync(jar), `no ${jar}: build first (./bastion build)`);
  const { chromium } = await import('playwright-core');
  const demo = await startDemo(basePort, extra);
  const args = ['--no-sandbox'];
  if (demo.url.startsWith('https:')) args.push(`--ignore-certificate-errors-spki-list=${webCertificateKeys(demo.dir).join(',')}`);
  const browser = await chromium.launch({ executablePath: browserPath, args });
  mkdirSync(shots, { recursive: true });
  try {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    page.on('pageerror', (e) => assert.fail(`the page threw: ${e.stack ?? e}`));
    await page.goto(demo.url);
    await steps(page, demo);
    const scheme = demo.url.startsWith('https:') ? 'wss:' : 'ws:';
    assert.ok(sockets.length >= 4 && sockets.every((u) => u.startsWith(scheme)), `WebSockets ${sockets} use ${scheme}`);
  } finally {
    await browser.close();
    await demo.stop();
  }
}

/** Kills replicas 2 and 3 of {@code demo}: the page must say voting paused, then recover after "restart". */
async function pauseAndResume(page, demo, name) {
  for (const id of [2, 3]) process.kill(demo.pids.get(id), 'SIGKILL');
  const killed = Date.now();
  const banner = await page.waitForSelector('#quorum[data-paused="true"]', { timeout: 5_000 });
  assert.match(await banner.textContent(), /^Voting paused: 2 of 4 servers unreachable, 3 needed\./);
  assert.ok(Date.now() - killed < 5_000, 'the page says so within seconds');
  await page.screenshot({ path: join(shots, `${name}-4-paused.png`), fullPage: true });
  // an action is refused at once with the reason, not after the request timeout
  const clicked = Date.now();
  await page.click('article.election button[name="results"]');
  await page.waitForSelector('#log li.error:has-text("Voting paused: 2 of 4 servers unreachable, 3 needed")',
    { timeout: 2_000 });
  assert.ok(Date.now() - clicked < 2_000);
  await waitFor(() => /VOTING HAS STOPPED: only 2 of 4 replicas run/.test(demo.output()), 'the demo says voting stopped');

  demo.type('restart');
  await page.waitForSelector('#quorum[data-paused="false"]', { state: 'attached', timeout: 90_000 });
  assert.equal(await page.isHidden('#quorum'), true);
  await afterLog(page, 'Results of', () => page.click('article.election button[name="results"]'));
}

async function waitFor(condition, what, bound = 10_000) {
  const deadline = Date.now() + bound;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} within ${bound} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the demo election's results must show, whichever replica lies. */
const DEMO_RESULTS = { votes: { Lisbon: 0, 'Kraków': 0, Tallinn: 1 }, winner: 'Tallinn', tie: null,
  outcome: 'Winner: Tallinn, 1 vote.' };

/**
 * Alice enrolls, votes Lisbon, finds and checks her ballot, votes Tallinn instead; the admin closes
 * the election and reads the results; alice signs in again without a code and sees the same.
 * lyingReplica: the replica that must be the only one flagged, null for none, undefined not to check;
 * refusals: first try the sign-ins that must fail; pause: then kill two replicas and check the page
 * pauses and resumes.
 */
async function scenario(name, basePort, extra, lyingReplica, { refusals = false, pause = false } = {}) {
  await withDemo(basePort, extra, { permissions: ['clipboard-read', 'clipboard-write'] }, async (page, demo) => {
    if (refusals) {
      assert.match(await signInRefused(page, 'carol'), /This browser is not enrolled as carol yet/);
      assert.match(await signInRefused(page, 'bob', 'BOBB-DEMO'), /That is not an enrollment code/);
      assert.match(await signInRefused(page, 'bob', DEMO_CODES.alice), /That enrollment code is not bob's/);
      assert.match(await signInRefused(page, 'zoe', DEMO_CODES.alice), /or there is no voter zoe/);
    }
    await signIn(page, 'alice', DEMO_CODES.alice);
    await page.screenshot({ path: join(shots, `${name}-1-signed-in.png`), fullPage: true });

    const first = await vote(page, 1, ['Lisbon']);
    assert.equal(await votedFor(page, 1), 'Lisbon');
    assert.deepEqual((await ballotBox(page, 1)).map(({ tracker, counted, yours }) => ({ tracker, counted, yours })),
      [{ tracker: first, counted: true, yours: true }], 'her ballot is in the public box, counted');
    const checked = await checkTracker(page, first);
    assert.equal(checked.verdict, 'valid', checked.text);
    assert.match(checked.text, /counted/);
    await page.click('article.election .voted button[name="copy"]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'Copy copies the whole tracker');

    const second = await vote(page, 1, ['Tallinn']);
    assert.match(await page.$eval('#log li', (li) => li.textContent), /replacing your earlier one/);
    assert.notEqual(second, first);
    assert.equal(await votedFor(page, 1), 'Tallinn');
    assert.deepEqual((await ballotBox(page, 1)).map(({ tracker, counted }) => ({ tracker, counted })),
      [{ tracker: first, counted: false }, { tracker: second, counted: true }], 'the first one is replaced, not gone');
    const replaced = await checkTracker(page, first);
    assert.equal(replaced.verdict, 'valid', replaced.text);
    assert.match(replaced.text, /replaced by a later ballot/);
    await page.screenshot({ path: join(shots, `${name}-2-ballot-box.png`), fullPage: true });

    await signOut(page);
    await signIn(page, 'admin', DEMO_CODES.admin);
    await closeElection(page, 1);
    const shown = await results(page, 1);
    assert.deepEqual({ votes: shown.votes, winner: shown.winner, tie: shown.tie, outcome: shown.outcome }, DEMO_RESULTS);
    assert.equal(shown.countColumns.length, 1, 'every count, 0 included, in one column');
    assert.match(shown.decrypted, /^Decrypted jointly by replicas /);
    await page.screenshot({ path: join(shots, `${name}-3-results.png`), fullPage: true });

    await signOut(page);
    await signIn(page, 'alice'); // this browser is enrolled: no code
    assert.equal(await votedFor(page, 1), 'Tallinn', 'remembered by this browser');
    const again = await results(page, 1);
    assert.deepEqual(again.votes, DEMO_RESULTS.votes);

    if (lyingReplica !== null && lyingReplica !== undefined) {
      await page.waitForSelector(`li.replica[data-replica="${lyingReplica}"][data-flagged="true"]`, { timeout: STEP_MS });
    }
    const flagged = await page.$$eval('li.replica[data-flagged="true"]', (items) => items.map((i) => Number(i.dataset.replica)));
    if (lyingReplica !== undefined) {
      assert.deepEqual(flagged, lyingReplica === null ? [] : [lyingReplica], 'exactly the lying replica is flagged');
    }
    if (pause) await pauseAndResume(page, demo, name);
  });
}

test('a voter enrolls, votes encrypted, finds her ballot, votes again; the result shows, all replicas healthy',
  { skip: missing ?? false, timeout: 400_000 }, async () => {
    await scenario('healthy', 17400, [], null, { refusals: true, pause: true });
  });

test('a replica that signs wrong answers changes nothing the page shows, and is flagged',
  { skip: missing ?? false, timeout: 400_000 }, async () => {
    await scenario('lying-replica', 17500, ['--lying-replica', '3'], 3);
  });

test('a replica whose decryption shares are bad is named with the results, and the results stay the same',
  { skip: missing ?? false, timeout: 400_000 }, async () => {
    await withDemo(17900, ['--faulty-replica', '3:threshold-bad-shares'], {}, async (page) => {
      await signIn(page, 'alice', DEMO_CODES.alice);
      await vote(page, 1, ['Tallinn']);
      await signOut(page);
      await signIn(page, 'admin', DEMO_CODES.admin);
      await closeElection(page, 1);
      const shown = await results(page, 1);
      assert.deepEqual({ votes: shown.votes, winner: shown.winner, tie: shown.tie, outcome: shown.outcome }, DEMO_RESULTS);
      assert.doesNotMatch(shown.decrypted, /3/, 'its shares were not used');
      // a share that came after the decryption is checked all the same: ask again until it is named
      const deadline = Date.now() + STEP_MS;
      let named = shown.faulty;
      while (named.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1_000));
        named = (await results(page, 1)).faulty;
      }
      assert.deepEqual(named, [3], 'the page names the replica whose shares failed their proofs');
      await page.screenshot({ path: join(shots, 'bad-shares-results.png'), fullPage: true });
    });
  });

// What this one checks is the transport: the page, /cluster.json and every WebSocket over TLS, and
// the same result. It does not check flags: a healthy replica that answers a read before it has
// executed the write just before it signs an older answer and is flagged, and the two runs above
// already check that only a lying replica is (once in three full-suite runs a slow replica was).
test('over HTTPS and WSS the page works the same', { skip: missing ?? false, timeout: 400_000 }, async () => {
  await scenario('https', 17600, ['--https'], undefined);
});

test('on a 390 px phone an admin creates an election, a voter chooses two options, and nothing scrolls sideways',
  { skip: missing ?? false, timeout: 400_000 }, async () => {
    await withDemo(17800, [], { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      async (page) => {
        const fits = async (step) => {
          await page.screenshot({ path: join(shots, `phone-${step}.png`), fullPage: true });
          assert.equal(await scrollsSideways(page), false, `${step}: the page is no wider than the phone`);
        };
        await fits('0-start');
        await signIn(page, 'admin', DEMO_CODES.admin);
        assert.equal(await page.isVisible('#new-election-form'), true, 'the replicas say admin: the admin controls show');
        await page.fill('#new-election-form [name="title"]', 'Team lunch');
        await page.fill('#new-election-form [name="options"]', 'Pizza\nSushi\nTacos');
        await page.fill('#new-election-form [name="minChoices"]', '1');
        await page.fill('#new-election-form [name="maxChoices"]', '2');
        await page.fill('#new-election-form [name="voters"]', 'bob, carol');
        const said = await afterLog(page, '2 voters added', () => page.click('#new-election-form button[type="submit"]'));
        assert.match(said, /"Team lunch": 2 voters added, 2 eligible/);
        const created = await page.waitForSelector('article.election:has(.title:text-is("Team lunch"))', { timeout: STEP_MS });
        const id = Number(await created.getAttribute('data-election'));
        await fits('1-created');

        await signOut(page);
        await signIn(page, 'bob', DEMO_CODES.bob);
        assert.equal(await page.isHidden('#admin'), true, 'the replicas say voter: no new-election form');
        assert.equal(await page.$$eval('article.election button[name="close"], article.election button[name="add-voters"]',
          (buttons) => buttons.length), 0, 'nor any election\'s Close or Add voters');
        const form = `article.election[data-election="${id}"] form.ballot`;
        await page.waitForSelector(form, { timeout: 120_000 });
        assert.deepEqual(await page.$$eval(`${form} input`, (inputs) => [...new Set(inputs.map((i) => i.type))]),
          ['checkbox'], 'up to two choices: checkboxes');
        assert.match(await page.textContent(`${form} legend`), /Choose 1 to 2 options/);
        for (const option of ['Pizza', 'Sushi', 'Tacos']) await page.check(`${form} label:has-text("${option}") input`);
        await page.click(`${form} button[name="vote"]`);
        await page.waitForSelector(`${form} .ballot-status.error:has-text("you chose 3")`, { timeout: STEP_MS });
        await page.uncheck(`${form} label:has-text("Tacos") input`);
        const tracker = await vote(page, id, []);
        assert.equal(await votedFor(page, id), 'Pizza and Sushi');
        await fits('2-voted');
        assert.deepEqual((await ballotBox(page, id)).map((b) => b.tracker), [tracker]);
        assert.equal((await checkTracker(page, tracker)).verdict, 'valid');
        await fits('3-checked');

        await signOut(page);
        await signIn(page, 'admin');
        await closeElection(page, id);
        const shown = await results(page, id);
        assert.deepEqual(shown.votes, { Pizza: 1, Sushi: 1, Tacos: 0 });
        assert.deepEqual(shown.tie, ['Pizza', 'Sushi']);
        assert.equal(shown.outcome, 'Tie: Pizza and Sushi, 1 vote each.');
        assert.equal(shown.countColumns.length, 1, 'every count, 0 included, in one column');
        await fits('4-results');
        const times = await page.$$eval('#log li time', (items) => items.map((t) => t.textContent));
        assert.ok(times.length > 3);
        assert.match(await page.$eval('#log li', (li) => li.textContent), /Results of "Team lunch"/, 'the newest first');
      });
  });
