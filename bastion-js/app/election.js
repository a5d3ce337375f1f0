// One election on the page: its ballot, made and encrypted in this browser; the voter's own ballot
// as this browser remembers it, with its tracker; the public ballot box; turnout and results; and,
// for an admin, adding voters and closing it. What the replicas answer comes through page.call,
// which accepts only answers enough replicas signed.
import { ballotToJson, buildBallot, electionParameters, fromBase64url, toBase64url, tracker } from '../src/ballot.js';
import { remember, remembered } from './memory.js';
import { button, clock, el, log, trackerView } from './ui.js';

/** How long the Results button waits for the replicas' joint decryption before leaving it to a later click. */
const TALLY_WAIT_MS = 90_000;
const TALLY_POLL_MS = 1_500;

/**
 * The card of election e (as listElections describes it). page: {voter, admin, cluster, credential()
 * (the browser's credential, as ballot.js signs with it), call(op, fields, {write}), refresh(),
 * check(tracker)}.
 */
export function renderElection(e, page) {
  const details = el('div', { className: 'details' });
  const box = el('article', { className: 'election', dataset: { election: String(e.id), state: e.state } },
    el('h3', {}, el('span', { className: 'title' }, e.title), ' ', el('span', { className: 'state' }, e.state)));
  const mine = remembered(page.cluster, page.voter, e.id);
  if (e.voted) box.append(votedNote(e, mine, page));
  if (e.state === 'open' && !e.publicKey) {
    box.append(el('p', { className: 'key-pending' }, 'The election key is being made: the replicas create it '
      + 'together, so that none of them alone can read a ballot. Voting starts as soon as it exists; this page '
      + 'notices by itself.'));
  }
  if (e.state === 'open' && e.eligible && e.publicKey) box.append(ballotForm(e, page, mine));
  const actions = el('div', { className: 'actions' });
  if (e.state !== 'closed') actions.append(button('Turnout', () => showTurnout(e, page, details), 'turnout'));
  actions.append(button('Ballot box', () => showBallotBox(e, page, details), 'ballot-box'));
  if (e.state === 'closed') actions.append(button('Results', () => showResults(e, page, details), 'results'));
  if (page.admin && e.state !== 'closed') {
    actions.append(button('Add voters', () => showAddVoters(e, page, details), 'add-voters'));
    actions.append(button('Close election', async () => {
      const { outcome } = await page.call('closeElection', { electionId: e.id }, { write: true });
      log(`Closed "${e.title}": the replicas now decrypt the sum of its ballots, and only that.`, 'info', outcome);
      await page.refresh();
    }, 'close'));
  }
  box.append(actions, details);
  return box;
}

/** "Choose one option", "Choose 2 options", "Choose 1 to 3 options", "Choose up to 2 options". */
export function choiceRule({ minChoices, maxChoices }) {
  if (minChoices === maxChoices) return minChoices === 1 ? 'Choose one option' : `Choose ${minChoices} options`;
  return minChoices === 0 ? `Choose up to ${maxChoices} options` : `Choose ${minChoices} to ${maxChoices} options`;
}

function votedNote(e, mine, page) {
  if (!mine) {
    return el('p', { className: 'voted' }, 'You have voted, from another browser or device: this one does not know '
      + 'your choice (no one else does either; your ballot is encrypted).');
  }
  return el('div', { className: 'voted' },
    el('p', {}, 'You voted for ', el('strong', { className: 'choice' }, listOf(mine.options) || 'no option'), '.',
      el('span', { className: 'aside' }, ' (Only this browser remembers that.)')),
    el('p', {}, 'Your tracker: ', trackerView(mine.tracker), ' ',
      button('Check it', () => page.check(mine.tracker), 'check-mine', 'small')));
}

function listOf(items) {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Radio buttons for exactly one choice, checkboxes otherwise; the ballot is built and encrypted here. */
function ballotForm(e, page, mine) {
  const single = e.minChoices === 1 && e.maxChoices === 1;
  const status = el('p', { className: 'ballot-status', role: 'status' });
  const choices = e.options.map((option, j) => el('label', { className: 'choice-option' },
    el('input', { type: single ? 'radio' : 'checkbox', name: `choice-${e.id}`, value: String(j) }), ' ', option));
  const submit = el('button', { type: 'submit', name: 'vote' }, e.voted ? 'Replace my ballot' : 'Cast encrypted ballot');
  const form = el('form', { className: 'ballot', dataset: { election: String(e.id) } },
    el('fieldset', {}, el('legend', {}, choiceRule(e)), ...choices),
    submit, status);
  if (mine) form.append(el('p', { className: 'aside' }, 'Voting again replaces your earlier ballot; only the last one counts.'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...form.querySelectorAll('input:checked')].map((i) => Number(i.value));
    if (chosen.length < e.minChoices || chosen.length > e.maxChoices) {
      status.textContent = `${choiceRule(e)}; you chose ${chosen.length}.`;
      status.className = 'ballot-status error';
      return;
    }
    submit.disabled = true;
    status.className = 'ballot-status';
    try {
      await cast(e, page, chosen, (text) => { status.textContent = text; });
    } catch (err) {
      status.textContent = err.message;
      status.className = 'ballot-status error';
      log(`Your ballot was not cast: ${err.message}`, 'error', err.outcome);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function cast(e, page, chosen, status) {
  const credential = await page.credential();
  const parameters = parametersOf(e);
  status('Encrypting your ballot in this browser…');
  const ballot = await buildBallot(parameters, e.options.map((_, j) => (chosen.includes(j) ? 1 : 0)), credential);
  const expected = tracker(ballot);
  status('Sending the encrypted ballot to the replicas…');
  const { reply, outcome } = await page.call('castBallot',
    { electionId: e.id, ballot: JSON.parse(ballotToJson(ballot, { points: 'uncompressed' })) }, { write: true });
  if (reply.tracker !== expected) {
    throw new Error(`the replicas answered tracker ${reply.tracker}, but your ballot's is ${expected}`);
  }
  const options = chosen.map((j) => e.options[j]);
  remember(page.cluster, page.voter, e.id, { options, tracker: expected, castAt: reply.castAt });
  log(`Your encrypted ballot is in the ballot box of "${e.title}"${reply.replaced ? ', replacing your earlier one' : ''}`
    + `: tracker ${expected}. Keep it to find your ballot there.`, 'info', outcome);
  await page.refresh();
}

/** What ballot.js checks a ballot of election e against; throws when e has no key yet. */
export function parametersOf(e) {
  const publicKey = e.publicKey ? fromBase64url(e.publicKey) : null;
  if (!publicKey) throw new Error(`election ${e.id} has no key yet: the replicas are still making it`);
  return electionParameters({ electionId: e.id, options: e.options.length, minChoices: e.minChoices,
    maxChoices: e.maxChoices, publicKey });
}

async function showTurnout(e, page, details) {
  const { reply, outcome } = await page.call('turnout', { electionId: e.id });
  details.replaceChildren(el('p', { className: 'turnout' }, `${reply.voted} of ${reply.eligible} eligible voters have voted.`));
  log(`Turnout in "${e.title}": ${reply.voted} of ${reply.eligible}.`, 'info', outcome);
}

/** The public ballot box: every ballot cast, encrypted, in order; replaced ones marked so. */
async function showBallotBox(e, page, details) {
  const list = el('ol', { className: 'ballot-box' });
  const more = el('div');
  details.replaceChildren(el('p', { className: 'box-heading' }), list, more);
  const mineCredential = toBase64url((await page.credential()).raw);
  const load = async (after) => {
    const { reply, outcome } = await page.call('ballotBox', { electionId: e.id, after });
    details.querySelector('.box-heading').textContent = `Ballot box of "${e.title}": ${reply.total} `
      + `ballot${reply.total === 1 ? '' : 's'}, encrypted; the counted one of each voter is marked.`;
    for (const b of reply.ballots) {
      const yours = b.credential === mineCredential;
      list.append(el('li', { className: `ballot-entry${yours ? ' yours' : ''}`,
        dataset: { tracker: b.tracker, counted: String(b.counted), number: String(b.number) } },
      el('span', { className: 'number' }, `#${b.number}`), ' ', trackerView(b.tracker), ' ',
      el('span', { className: 'when' }, clock(b.castAt)), ' ',
      el('span', { className: 'counted' }, b.counted ? 'counted' : 'replaced'),
      yours ? el('span', { className: 'yours-mark' }, ' · yours') : null, ' ',
      button('Check', () => page.check(b.tracker), 'check', 'small')));
    }
    more.replaceChildren(reply.next === null ? '' : button('More', () => load(reply.next), 'more', 'small'));
    const shown = reply.ballots.length;
    log(`Ballot box of "${e.title}": ${shown} ballot${shown === 1 ? '' : 's'} shown, ${reply.total} in all.`, 'info',
      outcome);
  };
  await load(0);
}

/** The results, once the replicas have jointly decrypted the sums: waits for them while they work. */
async function showResults(e, page, details) {
  const deadline = Date.now() + TALLY_WAIT_MS;
  let { reply, outcome } = await page.call('results', { electionId: e.id });
  while (reply.tally === 'tallying') {
    details.replaceChildren(el('p', { className: 'tallying' }, 'The replicas are decrypting the sum of the ballots '
      + '(only the sum: no single ballot is ever decrypted)…'));
    if (Date.now() > deadline) {
      log(`The tally of "${e.title}" is still under way; press Results again in a moment.`, 'info', outcome);
      return;
    }
    await new Promise((r) => setTimeout(r, TALLY_POLL_MS));
    // ordered, so that the replicas also ask again for a decryption they could not start before
    ({ reply, outcome } = await page.call('results', { electionId: e.id }, { write: true }));
  }
  details.replaceChildren(resultsView(reply));
  log(`Results of "${reply.title}": ${outcomeText(reply)} ${(reply.results ?? []).map((r) => `${r.option} ${r.votes}`)
    .join(', ')}.`, 'info', outcome);
}

/** "Winner: Lisbon, 2 votes." or "Tie: Lisbon and Tallinn, 1 vote each." */
export function outcomeText(reply) {
  if (reply.tally === 'failed') return `The tally failed: ${reply.error}.`;
  const votes = (n) => `${n} vote${n === 1 ? '' : 's'}`;
  const of = (option) => reply.results.find((r) => r.option === option).votes;
  if (reply.winner !== undefined) return `Winner: ${reply.winner}, ${votes(of(reply.winner))}.`;
  return `Tie: ${listOf(reply.tie)}, ${votes(of(reply.tie[0]))} each.`;
}

function resultsView(reply) {
  const view = el('div', { className: 'results', dataset: { tally: reply.tally } });
  if (reply.winner !== undefined) view.dataset.winner = reply.winner;
  if (reply.tie) view.dataset.tie = reply.tie.join('\n');
  view.append(el('p', { className: 'outcome' }, outcomeText(reply)));
  if (reply.results) view.append(chart(reply.results, reply.winner !== undefined ? [reply.winner] : reply.tie ?? []));
  view.append(el('p', { className: 'turnout' }, `${reply.voted} of ${reply.eligible} eligible voters voted.`));
  if (reply.decryptedBy?.length) {
    view.append(el('p', { className: 'decrypted' }, `Decrypted jointly by replicas ${listOf(reply.decryptedBy.map(String))}`
      + ': no replica alone could decrypt any ballot.'));
  }
  for (const f of reply.faulty ?? []) {
    view.append(el('p', { className: 'faulty', dataset: { replica: String(f.replica) } },
      `Replica ${f.replica} sent a decryption share that does not check out, and was left out: ${f.reason}.`));
  }
  return view;
}

/** One row per option, counts in one column (0 included), bars relative to the largest count. */
function chart(results, leaders) {
  const max = Math.max(1, ...results.map((r) => r.votes));
  return el('div', { className: 'chart' }, ...results.map((r) => {
    const fill = el('span', { className: 'fill' });
    fill.style.width = `${(r.votes / max) * 100}%`;
    return el('div', { className: `bar${leaders.includes(r.option) ? ' leader' : ''}`,
      dataset: { option: r.option, votes: String(r.votes) } },
    el('span', { className: 'label' }, r.option), el('span', { className: 'track' }, fill),
    el('span', { className: 'count' }, String(r.votes)));
  }));
}

function showAddVoters(e, page, details) {
  const field = el('input', { name: 'voters', placeholder: 'alice, bob', autocomplete: 'off' });
  const form = el('form', { className: 'add-voters' },
    el('label', {}, 'Voter ids, separated by commas or spaces', field),
    el('button', { type: 'submit', name: 'add' }, 'Add'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const voters = field.value.split(/[\s,]+/).filter(Boolean);
    if (voters.length === 0) return;
    try {
      const { reply, outcome } = await page.call('addVoters', { electionId: e.id, voters }, { write: true });
      log(`"${e.title}": ${reply.added} voter${reply.added === 1 ? '' : 's'} added, ${reply.eligible} eligible.`, 'info',
        outcome);
      field.value = '';
    } catch (err) {
      log(err.message, 'error', err.outcome);
    }
  });
  details.replaceChildren(form);
  field.focus();
}
