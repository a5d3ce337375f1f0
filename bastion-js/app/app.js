// The e-voting page. It talks to every replica through bastion-js and shows only answers that
// enough replicas signed; the replica list flags any replica whose signed answers disagreed.
import { connect, storedClientKey, JoinRefusedError, BastionError } from '../src/bastion.js';

const $ = (id) => document.getElementById(id);
let client = null;
let identity = null;

function log(text, kind = 'info', signed = null) {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  if (signed) {
    const s = document.createElement('span');
    s.className = 'signed';
    s.textContent = ` (signed by replicas ${signed.agreeing.join(', ')}`
      + (signed.dissenting.length ? `; replica ${signed.dissenting.join(', ')} signed something else` : '') + ')';
    li.append(s);
  }
  $('log').prepend(li);
}

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

async function signIn(event) {
  event.preventDefault();
  const voter = $('voter').value.trim();
  const secret = $('secret').value;
  $('signin-button').disabled = true;
  try {
    await connected();
    requireQuorum();
    client.useKey(await storedClientKey(`voter:${voter}`));
    const session = await client.join(JSON.stringify({ voter, secret }));
    identity = session.identity;
    $('identity').textContent = identity;
    $('signin').hidden = true;
    $('session').hidden = false;
    $('elections').hidden = false;
    log(`Signed in as ${identity} (client ${session.clientId}).`);
    await refresh();
  } catch (e) {
    log(e instanceof JoinRefusedError ? `Sign-in refused: ${e.reason}` : `Sign-in failed: ${e.message}`, 'error');
  } finally {
    $('signin-button').disabled = false;
  }
}

async function signOut() {
  await client.leave();
  identity = null;
  $('signin').hidden = false;
  $('session').hidden = true;
  $('elections').hidden = true;
  $('election-list').replaceChildren();
  log('Signed out.');
}

function button(text, handler, name) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (name) b.name = name;
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await handler();
    } catch (e) {
      log(e.message, 'error', e.outcome);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

function chart(results) {
  const max = Math.max(1, ...results.map((r) => r.votes));
  const div = document.createElement('div');
  div.className = 'chart';
  for (const r of results) {
    const row = document.createElement('div');
    row.className = 'bar';
    row.dataset.option = r.option;
    row.dataset.votes = String(r.votes);
    const label = Object.assign(document.createElement('span'), { className: 'label', textContent: r.option });
    const fill = Object.assign(document.createElement('span'), { className: 'fill' });
    fill.style.width = `${(r.votes / max) * 20}rem`;
    const count = Object.assign(document.createElement('span'), { className: 'count', textContent: String(r.votes) });
    row.append(label, fill, count);
    div.append(row);
  }
  return div;
}

function renderElection(e) {
  const box = document.createElement('article');
  box.className = 'election';
  box.dataset.election = String(e.id);
  const h = document.createElement('h3');
  h.textContent = e.title;
  const state = Object.assign(document.createElement('span'), { className: 'state', textContent: e.state });
  h.append(state);
  const details = document.createElement('div');
  details.className = 'details';
  box.append(h);
  if (e.state === 'open' && e.eligible) {
    const options = document.createElement('div');
    options.className = 'options';
    for (const option of e.options) {
      options.append(button(`Vote ${option}`, async () => {
        const { reply, outcome } = await call('castBallot', { electionId: e.id, option }, { write: true });
        log(`Ballot for ${option} cast${reply.replaced ? ', replacing your earlier one' : ''}. Receipt ${reply.receipt}`,
          'info', outcome);
        await refresh();
      }, 'vote'));
    }
    box.append(options);
  }
  if (e.voted || e.eligible) {
    box.append(button('My receipt', async () => {
      const { reply, outcome } = await call('myReceipt', { electionId: e.id });
      const counted = reply.ballots.find((b) => b.counted);
      const p = Object.assign(document.createElement('p'), { className: 'receipt' });
      p.textContent = counted ? `Counted: ${counted.option}, receipt ${counted.receipt}` : 'No ballot counted yet.';
      details.replaceChildren(p);
      log(counted ? `Your counted ballot: ${counted.option}, receipt ${counted.receipt}` : 'No ballot of yours counted.',
        'info', outcome);
    }, 'receipt'));
  }
  if (e.state !== 'closed') {
    box.append(button('Turnout', async () => {
      const { reply, outcome } = await call('turnout', { electionId: e.id });
      details.replaceChildren(Object.assign(document.createElement('p'),
        { className: 'turnout', textContent: `${reply.voted} of ${reply.eligible} eligible voters have voted.` }));
      log(`Turnout: ${reply.voted} of ${reply.eligible}.`, 'info', outcome);
    }, 'turnout'));
  }
  if (e.state === 'closed') {
    box.append(button('Results', async () => {
      const { reply, outcome } = await call('results', { electionId: e.id });
      const p = Object.assign(document.createElement('p'),
        { className: 'turnout', textContent: `${reply.voted} of ${reply.eligible} voted.` });
      details.replaceChildren(p, chart(reply.results));
      log(`Results of "${reply.title}": ${reply.results.map((r) => `${r.option} ${r.votes}`).join(', ')}.`, 'info',
        outcome);
    }, 'results'));
  }
  if (identity === 'admin' && e.state !== 'closed') {
    box.append(button('Close election', async () => {
      const { outcome } = await call('closeElection', { electionId: e.id }, { write: true });
      log(`Closed "${e.title}".`, 'info', outcome);
      await refresh();
    }, 'close'));
  }
  box.append(details);
  return box;
}

async function refresh() {
  const { reply } = await call('listElections');
  $('election-list').replaceChildren(...reply.elections.map(renderElection));
}

/** Connects to every replica as the page opens, so that its state shows before anyone signs in. */
async function connectToReplicas() {
  client = await connect(new URL('/cluster.json', location.href).href);
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
$('signin-form').addEventListener('submit', signIn);
$('signout').addEventListener('click', () => signOut().catch((e) => log(e.message, 'error')));
$('refresh').addEventListener('click', () => refresh().catch((e) => log(e.message, 'error', e.outcome)));
