// The e-voting page. It talks to every replica through bastion-js and shows only answers that
// enough replicas signed; the replica list flags any replica whose signed answers disagreed. A voter
// signs in with a credential this browser holds (enrolled once with a code, app/signin.js), and
// ballots are built and encrypted here (app/election.js): no code, key or choice leaves the browser.
import { connect, BastionError } from '../src/bastion.js';
import { wireNewElection } from './admin.js';
import { checkBallot } from './check.js';
import { renderElection } from './election.js';
import { clusterName, remembered } from './memory.js';
import { SignInError, signIn, storedCredential } from './signin.js';
import { $, log } from './ui.js';

/** How often the page asks again while an open election's key is being made. */
const KEY_POLL_MS = 2_000;

let client = null;
let cluster = null;
/**
 * The signed-in voter: {voter, admin}, or null. admin is what the replicas say the caller's role is
 * (listElections' "role"), never guessed from the voter id: the page shows admin controls by it.
 */
let signedIn = null;
/** The election cards shown, by id: {json (what they show), node}. */
let cards = new Map();
let keyPoll = null;

function renderReplicas(replicas) {
  const list = $('replica-list');
  list.replaceChildren(...replicas.map((r) => {
    const li = document.createElement('li');
    const flagged = r.disagreed > 0 || r.invalid > 0;
    li.className = `replica ${flagged ? 'flagged' : r.connected ? 'ok' : 'down'}`;
    li.dataset.replica = String(r.id);
    li.dataset.flagged = String(flagged);
    li.dataset.state = r.state;
    li.textContent = `replica ${r.id}: ${r.state}, ${r.answered} agreed`
      + (r.disagreed ? `, ${r.disagreed} disagreed` : '') + (r.invalid ? `, ${r.invalid} badly signed` : '');
    return li;
  }));
}

/** "Voting paused: 2 of 4 servers unreachable, 3 needed", or null while enough servers are reachable. */
function pausedText(q) {
  return q.paused ? `Voting paused: ${q.unreachable} of ${q.n} servers unreachable, ${q.needed} needed` : null;
}

/** The banner over the page: shown while ordering is paused, gone when enough servers are back. */
function renderQuorum(q) {
  const text = pausedText(q);
  const banner = $('quorum');
  banner.hidden = text === null;
  banner.dataset.paused = String(text !== null);
  if (text) {
    banner.textContent = `${text}. Nothing is lost: votes and sign-ins can go on as soon as enough of them are back;`
      + ' this page notices by itself.';
  }
}

/** Refuses at once, with the reason, what would otherwise wait for servers that cannot be reached. */
function requireQuorum() {
  const text = pausedText(client.quorum());
  if (text) throw new BastionError(`${text}: try again when they are back.`);
}

/** Sends an operation: writes are ordered (f+1 signatures), reads answered at once (2f+1). */
async function call(op, fields = {}, { write = false } = {}) {
  requireQuorum();
  const body = JSON.stringify({ op, ...fields });
  const outcome = write ? await client.invoke(body) : await client.invokeReadOnly(body);
  const reply = JSON.parse(outcome.text);
  renderReplicas(client.replicaStatus());
  if (reply.error) throw Object.assign(new BastionError(reply.error), { outcome });
  return { reply, outcome };
}

/** What the election cards and the ballot check need of the page. */
const page = {
  get voter() { return signedIn?.voter; },
  get admin() { return signedIn?.admin ?? false; },
  get cluster() { return cluster; },
  call,
  refresh: () => refresh(),
  async credential() {
    const credential = signedIn && await storedCredential(signedIn.voter);
    if (!credential) throw new BastionError('this browser holds no credential for you: sign in again');
    return credential;
  },
  check: (tracker) => {
    $('check-tracker').value = tracker;
    $('check').scrollIntoView({ block: 'nearest' });
    return checkBallot(page, tracker, $('check-result'));
  },
};

async function onSignIn(event) {
  event.preventDefault();
  const voter = $('voter').value.trim();
  const code = $('code').value.trim();
  const progress = $('enroll-progress');
  $('signin-button').disabled = true;
  try {
    await connected();
    requireQuorum();
    if (code) {
      progress.hidden = false;
      progress.value = 0;
    }
    const { session, enrolled } = await signIn(client, voter, code, (fraction) => { progress.value = fraction; });
    $('code').value = '';
    signedIn = { voter: session.identity, admin: false }; // until listElections says the role
    $('identity').textContent = session.identity;
    for (const id of ['session', 'elections', 'check']) $(id).hidden = false;
    $('signin').hidden = true;
    log(enrolled ? `This browser is now enrolled as ${session.identity}: its credential never leaves it. Signed in.`
      : `Signed in as ${session.identity} with this browser's credential.`);
    await refresh();
  } catch (e) {
    log(e instanceof SignInError ? e.message : `Sign-in failed: ${e.message}`, 'error');
  } finally {
    progress.hidden = true;
    $('signin-button').disabled = false;
  }
}

async function signOut() {
  clearTimeout(keyPoll);
  keyPoll = null;
  await client.leave();
  signedIn = null;
  cards = new Map();
  $('signin').hidden = false;
  for (const id of ['session', 'elections', 'check', 'admin']) $(id).hidden = true;
  $('election-list').replaceChildren();
  $('check-tracker').value = '';
  $('check-result').replaceChildren();
  delete $('check-result').dataset.verdict;
  log('Signed out.');
}

/**
 * Shows the elections, redrawing only the cards whose election changed (a half-filled ballot on
 * another card stays as it is). ordered: send listElections ordered, which also lets the replicas
 * ask for an election key that is due.
 */
async function refresh({ ordered = false } = {}) {
  const { reply } = await call('listElections', {}, { write: ordered });
  if (!signedIn) return;
  signedIn.admin = reply.role === 'admin';
  $('admin').hidden = !signedIn.admin;
  const next = new Map();
  for (const e of reply.elections) {
    // what the card shows: the election, and the voter's ballot as this browser remembers it
    const json = JSON.stringify([e, remembered(cluster, signedIn.voter, e.id)]);
    const kept = cards.get(e.id);
    next.set(e.id, kept && kept.json === json ? kept : { json, node: renderElection(e, page) });
  }
  cards = next;
  $('election-list').replaceChildren(...[...next.values()].map((c) => c.node));
  $('no-elections').hidden = next.size > 0;
  clearTimeout(keyPoll);
  keyPoll = reply.elections.some((e) => e.state === 'open' && !e.publicKey)
    ? setTimeout(() => refresh({ ordered: true }).catch((e) => log(e.message, 'error', e.outcome)), KEY_POLL_MS)
    : null;
}

/** Connects to every replica as the page opens, so that its state shows before anyone signs in. */
async function connectToReplicas() {
  const response = await fetch(new URL('/cluster.json', location.href));
  if (!response.ok) throw new BastionError(`/cluster.json: HTTP ${response.status}`);
  const description = await response.json();
  cluster = await clusterName(description);
  client = await connect(description);
  client.onEvent((e) => {
    if (e.type === 'replicas') renderReplicas(e.replicas);
    if (e.type === 'quorum') renderQuorum(e);
    if (e.type === 'session' && e.kind === 'ended') log('Your session ended (signed in elsewhere?); signing in again.');
  });
  renderReplicas(client.replicaStatus());
  renderQuorum(client.quorum());
}

let connecting = null;

/** The one connection of the page, made once (again after a failure). */
function connected() {
  connecting ??= connectToReplicas().catch((e) => {
    connecting = null;
    throw e;
  });
  return connecting;
}

connected().catch((e) => log(`Cannot reach the servers: ${e.message}`, 'error'));
$('signin-form').addEventListener('submit', onSignIn);
$('signout').addEventListener('click', () => signOut().catch((e) => log(e.message, 'error')));
$('refresh').addEventListener('click', () => refresh().catch((e) => log(e.message, 'error', e.outcome)));
$('check-form').addEventListener('submit', (event) => {
  event.preventDefault();
  checkBallot(page, $('check-tracker').value, $('check-result')).catch((e) => log(e.message, 'error', e.outcome));
});
wireNewElection(page);
