// What a voter and an admin do on the e-voting page, as steps for the browser tests (a helper, not a
// test file): each step acts as a person would (typing, clicking) and waits for what the page shows.
import assert from 'node:assert/strict';

export const STEP_MS = 30_000;
/** The election key is made by the replicas together once the cluster runs: allow for a slow start. */
export const KEY_MS = 120_000;
/** The tally: the replicas' joint decryption of the sums. */
export const TALLY_MS = 120_000;

/** The demo's enrollment codes (io.bastion.evoting.DemoData): public, for trying the system only. */
export const DEMO_CODES = Object.freeze({
  admin: 'ADMN-DEMO-DEMO-DEMO-DEMO',
  alice: 'ALIC-DEMO-DEMO-DEMO-DEMO',
  bob: 'BOBB-DEMO-DEMO-DEMO-DEMO',
  carol: 'CARL-DEMO-DEMO-DEMO-DEMO',
  dave: 'DAVE-DEMO-DEMO-DEMO-DEMO',
});

const card = (electionId) => `article.election[data-election="${electionId}"]`;

/** How many log entries contain text. */
function logCount(page, text) {
  return page.$$eval('#log li', (items, t) => items.filter((i) => i.textContent.includes(t)).length, text);
}

/** Runs action, then waits for one more log entry containing text; returns that entry's text. */
export async function afterLog(page, text, action, timeout = STEP_MS) {
  const before = await logCount(page, text);
  await action();
  await page.waitForFunction(([t, n]) => [...document.querySelectorAll('#log li')]
    .filter((i) => i.textContent.includes(t)).length > n, [text, before], { timeout });
  return page.$eval('#log li', (li) => li.textContent); // the newest is first
}

/** Signs in; with a code, enrolls this browser first. Waits for the elections. */
export async function signIn(page, voter, code = '') {
  await page.fill('#voter', voter);
  await page.fill('#code', code);
  await page.click('#signin-button');
  await page.waitForSelector('#elections:not([hidden]) article.election', { timeout: STEP_MS });
}

/** Tries to sign in and expects a refusal: returns the page's message. */
export async function signInRefused(page, voter, code = '') {
  await page.fill('#voter', voter);
  await page.fill('#code', code);
  const said = await afterLog(page, '', () => page.click('#signin-button'));
  assert.equal(await page.$eval('#log li', (li) => li.className), 'error', said);
  assert.equal(await page.isHidden('#elections'), true, 'not signed in');
  return said;
}

export async function signOut(page) {
  await page.click('#signout');
  await page.waitForSelector('#signin:not([hidden])', { timeout: STEP_MS });
}

/** Waits until the election's key exists (the ballot shows), then chooses options and casts; returns the tracker. */
export async function vote(page, electionId, options) {
  const form = `${card(electionId)} form.ballot`;
  await page.waitForSelector(form, { timeout: KEY_MS });
  for (const option of options) await page.check(`${form} label.choice-option:has-text("${option}") input`);
  const said = await afterLog(page, 'Your encrypted ballot is in the ballot box',
    () => page.click(`${form} button[name="vote"]`));
  const tracker = said.match(/tracker ([0-9a-f]{64})/)?.[1];
  assert.ok(tracker, said);
  const shown = await page.waitForSelector(`${card(electionId)} .voted .tracker[data-tracker="${tracker}"]`,
    { timeout: STEP_MS });
  assert.equal(await shown.getAttribute('title'), tracker, 'the whole tracker on hover');
  assert.equal(await shown.textContent(), `${tracker.slice(0, 8)}…${tracker.slice(-4)}`, 'shown short');
  return tracker;
}

/** What the election's card says the voter chose ("Lisbon", "yes and no"). */
export function votedFor(page, electionId) {
  return page.$eval(`${card(electionId)} .voted .choice`, (e) => e.textContent);
}

/** The public ballot box as the page lists it: [{number, tracker, counted, yours}]. */
export async function ballotBox(page, electionId) {
  await afterLog(page, 'Ballot box of', () => page.click(`${card(electionId)} button[name="ballot-box"]`));
  return page.$$eval(`${card(electionId)} .ballot-entry`, (rows) => rows.map((r) => ({
    number: Number(r.dataset.number), tracker: r.dataset.tracker, counted: r.dataset.counted === 'true',
    yours: r.classList.contains('yours') })));
}

/** Checks a ballot by its tracker, typed into "Check a ballot"; returns {verdict, text}. */
export async function checkTracker(page, tracker) {
  await page.fill('#check-tracker', tracker);
  await page.click('#check-button');
  await page.waitForSelector(`#check-result[data-tracker="${tracker}"]:is([data-verdict="valid"], [data-verdict="invalid"],`
    + ' [data-verdict="error"])', { timeout: STEP_MS });
  return page.$eval('#check-result', (r) => ({ verdict: r.dataset.verdict, text: r.textContent }));
}

export async function closeElection(page, electionId) {
  await page.click(`${card(electionId)} button[name="close"]`);
  await page.waitForSelector(`${card(electionId)}[data-state="closed"]`, { timeout: STEP_MS });
}

/**
 * Asks for the results and waits for the tally: {votes: {option: n}, outcome, winner, tie, decrypted (the
 * sentence), faulty (replicas named), countColumns (where the counts end, one value when aligned)}.
 */
export async function results(page, electionId) {
  await afterLog(page, 'Results of', () => page.click(`${card(electionId)} button[name="results"]`), TALLY_MS);
  const view = await page.waitForSelector(`${card(electionId)} .results[data-tally="done"]`, { timeout: STEP_MS });
  return view.evaluate((v) => ({
    votes: Object.fromEntries([...v.querySelectorAll('.bar')].map((b) => [b.dataset.option, Number(b.dataset.votes)])),
    outcome: v.querySelector('.outcome').textContent,
    winner: v.dataset.winner ?? null,
    tie: v.dataset.tie ? v.dataset.tie.split('\n') : null,
    decrypted: v.querySelector('.decrypted')?.textContent ?? null,
    faulty: [...v.querySelectorAll('.faulty')].map((f) => Number(f.dataset.replica)),
    countColumns: [...new Set([...v.querySelectorAll('.bar .count')].map((c) => Math.round(c.getBoundingClientRect().right)))],
  }));
}

/** Whether the page is wider than the window (it must not be, on a phone). */
export function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
