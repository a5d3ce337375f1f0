// "Check a ballot": anyone signed in can fetch a ballot from the public ballot box by its tracker
// and verify it here, in the browser, with public data only: that its bytes hash to the tracker,
// that the credential it names signed it, and that its proofs show every option holds 0 or 1 and
// the number chosen is allowed, under the election's key. Nothing is decrypted.
import { ballotFromValue, toBase64url, tracker as trackerOf, verifyBallot } from '../src/ballot.js';
import { parametersOf } from './election.js';
import { clock, el, log, shortTracker, trackerView } from './ui.js';

const TRACKER = /^[0-9a-f]{64}$/;

/**
 * Checks the ballot whose tracker was typed or picked, and shows the verdict in view:
 * data-verdict "valid", "invalid" or "error". page: {call, credential()}.
 */
export async function checkBallot(page, typed, view) {
  const wanted = typed.trim().toLowerCase();
  const show = (verdict, ...lines) => {
    view.dataset.verdict = verdict;
    view.dataset.tracker = wanted;
    view.replaceChildren(...lines.map((line) => el('p', {}, ...[line].flat())));
  };
  if (!TRACKER.test(wanted)) {
    show('error', 'A tracker is 64 hex digits (0-9, a-f): paste the whole one, or pick one in a ballot box.');
    return;
  }
  view.dataset.verdict = 'checking';
  view.replaceChildren(el('p', {}, 'Fetching the ballot…'));
  let found;
  let election;
  try {
    ({ reply: found } = await page.call('ballot', { tracker: wanted }));
    ({ reply: election } = await page.call('election', { electionId: found.electionId }));
  } catch (e) {
    show('error', `Cannot check ${shortTracker(wanted)}: ${e.message}`);
    log(`Checking ballot ${shortTracker(wanted)}: ${e.message}`, 'error', e.outcome);
    return;
  }
  const problem = await problemWith(found, election, wanted);
  const place = [`It is #${found.number} in the ballot box of "${election.title}", cast at ${clock(found.castAt)}, `,
    el('strong', {}, found.counted ? 'counted' : 'replaced by a later ballot of the same voter'), '.'];
  const credential = await page.credential().catch(() => null);
  const yours = credential !== null && toBase64url(credential.raw) === found.credential;
  if (problem) {
    show('invalid', [el('strong', {}, 'This ballot does not verify: '), problem, '.'], place);
    log(`Ballot ${shortTracker(wanted)} does NOT verify: ${problem}.`, 'error');
    return;
  }
  show('valid', [el('strong', {}, 'Valid. '), 'Ballot ', trackerView(wanted), ` is signed by the credential `
    + `${found.credential.slice(0, 10)}…${yours ? ' (yours)' : ''}, and its proofs show that each option holds 0 or 1 and `
    + `that it chooses an allowed number of options, under election ${election.id}'s key. What it chooses stays secret.`],
  place);
  log(`Ballot ${shortTracker(wanted)} verified in this browser: signature and proofs hold; `
    + `${found.counted ? 'counted' : 'replaced'}.`);
}

/** Why the fetched ballot is not the valid ballot with that tracker, or null when it is. */
async function problemWith(found, election, wanted) {
  let ballot;
  try {
    ballot = ballotFromValue(found.ballot);
  } catch (e) {
    return `it is not a ballot in the JSON form (${e.message})`;
  }
  if (trackerOf(ballot) !== wanted) return `its bytes hash to ${trackerOf(ballot)}, not to the tracker asked for`;
  if (toBase64url(ballot.credential) !== found.credential) return 'it names another credential than its box entry';
  if (ballot.electionId !== found.electionId) return `it is for election ${ballot.electionId}, not ${found.electionId}`;
  try {
    return await verifyBallot(parametersOf(election), ballot);
  } catch (e) {
    return e.message;
  }
}
