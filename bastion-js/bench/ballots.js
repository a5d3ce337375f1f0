// Encrypted ballots per second through the WebSocket path: N voters (default 50), each its own
// bastion-js session to every replica, cast ballots in a closed loop against a running e-voting
// cluster (`bastion demo`), and every replica verifies each one (docs/ballots.md). Not a test.
//
//   node bench/ballots.js http://127.0.0.1:7008/cluster.json [--clients 50] [--seconds 20] [--warmup 5]
//       [--ballots N | --expect 300] [--options 3] [--workers W] [--faulty-voters 0]
//       [--admin admin] [--admin-code ADMN-DEMO-DEMO-DEMO-DEMO] [--admin-credential FILE]
//
// Phases, each announced as it starts; only the last is timed:
//  1. the admin signs in: with the credential in --admin-credential (a PEM "PRIVATE KEY", the kind
//     `bastion client --voter admin --credential FILE` reads and writes), else by enrolling a new one,
//     written there, with --admin-code (by default a file per cluster in the temporary directory);
//  2. codes: the bench makes up an enrollment code per voter and derives its enrollment key (scrypt);
//  3. the admin registers the voters with those keys, finds or creates the elections (3 options, one
//     choice), makes the voters eligible, and waits for each election's threshold key;
//  4. every voter enrolls a new credential with its code (scrypt again, as on the voter's device)
//     and signs in over WebSocket;
//  5. every voter's ballots are built and signed in advance (--ballots each; worker threads, one per
//     core by default): a voter's device is not the cluster's machine, so the cluster's cores must
//     not build them during the measurement;
//  6. timed: every voter casts its ballots one after the other, each as soon as the previous one is
//     accepted (f+1 matching signed replies, whose tracker must be the ballot's), for --warmup
//     seconds and then --seconds measured.
//
// --faulty-voters K makes the first K voters faulty: each of their ballots has one proof's response
// moved by one and is signed again, so its signature and challenges pass and its equations do not;
// the replicas must refuse every one ("option 0: the 0/1 proof does not verify") and accept the
// others as usual. The report counts errors by reason.
//
// A voter may cast at most 20 ballots per election (the service's limit, re-votes included), so a
// voter's ballots go to 20 in the first election, 20 in the next, and so on: --ballots B needs
// ceil(B / 20) elections. The service holds 64 elections in all, ever; open elections an earlier
// run of this bench made (same title) are used again, with this run's new voters, and only the
// missing ones are created. Without --ballots, B is what --expect ballots/s (a guess of the
// cluster's rate) over warm-up and measurement would give each voter, plus a quarter. A voter that
// runs out before the end stops, and the report says so: run again with a larger --ballots.
import { createHash, createPrivateKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JoinRefusedError, connect, generateClientKey } from '../src/bastion.js';
import { toBase64url } from '../src/ballot.js';
import { enrollCredentials, signInCredentials } from '../src/voter.js';

/** The service's limits (examples/evoting: Ballots.BALLOTS_PER_VOTER_MAX, Elections.ELECTIONS_MAX). */
const BALLOTS_PER_VOTER_PER_ELECTION = 20;
const ELECTIONS_MAX = 64;
/** Most voters one addVoters request may name (AdminOperations.VOTERS_PER_REQUEST_MAX). */
const VOTERS_PER_REQUEST_MAX = 1_000;
/** How long the replicas may take to make an election's threshold key. */
const KEY_WAIT_MILLIS = 120_000;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const args = process.argv.slice(2);
const url = args.find((a) => /^https?:/.test(a));
const text = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const number = (name, fallback) => {
  const value = text(name, undefined);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} takes a number, not ${value}`);
  return n;
};
if (!url) {
  fail('usage: node bench/ballots.js <cluster.json url> [--clients 50] [--seconds 20] [--warmup 5] [--ballots N | --expect 300] '
    + '[--options 3] [--workers W] [--faulty-voters 0] [--admin admin] [--admin-code CODE] [--admin-credential FILE]');
}
const clients = number('clients', 50);
const seconds = number('seconds', 20);
const warmup = number('warmup', 5);
const expect = number('expect', 300);
const options = number('options', 3);
const workerCount = Math.max(1, number('workers', availableParallelism()));
const faultyVoters = number('faulty-voters', 0);
const adminId = text('admin', 'admin');
const adminCode = text('admin-code', 'ADMN-DEMO-DEMO-DEMO-DEMO');
const ballotsPerVoter = number('ballots', Math.ceil((expect * (warmup + seconds) / Math.max(1, clients)) * 1.25));
const electionsNeeded = Math.ceil(ballotsPerVoter / BALLOTS_PER_VOTER_PER_ELECTION);
const title = `bastion-js bench: ${options} options, one choice`;
if (!Number.isInteger(clients) || clients < 1) fail(`--clients must be a positive integer, not ${clients}`);
if (!Number.isInteger(faultyVoters) || faultyVoters > clients) fail(`--faulty-voters must be an integer 0..${clients}, not ${faultyVoters}`);
if (!Number.isInteger(options) || options < 2 || options > 20) fail(`--options must be 2..20, not ${options}`);
if (!Number.isInteger(ballotsPerVoter) || ballotsPerVoter < 1) fail(`--ballots must be a positive integer, not ${ballotsPerVoter}`);
if (seconds <= 0) fail('--seconds must be more than 0');
if (electionsNeeded > ELECTIONS_MAX - 1) {
  fail(`${ballotsPerVoter} ballots per voter need ${electionsNeeded} elections (at most ${BALLOTS_PER_VOTER_PER_ELECTION} `
    + `per voter in each), more than the service can ever hold (${ELECTIONS_MAX}, the demo's included): ask for fewer --ballots`);
}

const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;
const cluster = await (await fetch(url)).json();
const connectOptions = { WebSocket };
const run = Date.now().toString(36);
const began = performance.now();
const phase = (what) => console.log(`[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${what}`);

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
phase(`${clients} voters, ${ballotsPerVoter} ballots each (${plural(electionsNeeded, 'election')} of ${options} options), `
  + `${warmup} s warm-up + ${seconds} s measured; ${workerCount} worker threads for the voters' cryptography`);

/**
 * The worker threads of ballot-worker.js. Voter i's tasks always go to worker i mod W, which holds
 * its credential; each worker gets one task at a time, the rest wait here in order.
 */
class WorkerPool {
  constructor(size) {
    this.workers = Array.from({ length: size }, () => {
      const state = { worker: new Worker(new URL('./ballot-worker.js', import.meta.url)), queue: [], pending: null };
      state.worker.on('message', ({ result, error }) => {
        const { resolve, reject } = state.pending;
        state.pending = null;
        if (error) reject(new Error(`worker: ${error}`));
        else resolve(result);
        this.pump(state);
      });
      state.worker.on('error', (e) => fail(`a worker thread failed: ${e.stack ?? e}`));
      return state;
    });
  }

  /** Runs task (a message of ballot-worker.js) on voter voterIndex's worker; resolves to its result. */
  run(voterIndex, task) {
    return new Promise((resolve, reject) => {
      const state = this.workers[voterIndex % this.workers.length];
      state.queue.push({ task, resolve, reject });
      this.pump(state);
    });
  }

  pump(state) {
    if (state.pending || state.queue.length === 0) return;
    const { task, resolve, reject } = state.queue.shift();
    state.pending = { resolve, reject };
    state.worker.postMessage(task);
  }

  close() {
    for (const { worker } of this.workers) worker.terminate();
  }
}

// 1. the admin ------------------------------------------------------------------------------------
const adminFile = text('admin-credential', join(tmpdir(), `bastion-bench-${adminId}-${clusterTag(cluster)}.key`));
phase(`admin: signing in as ${adminId} (credential ${adminFile})`);
const admin = await signInAdmin();
const ask = async (request) => {
  const reply = JSON.parse((await admin.invoke(JSON.stringify(request))).text);
  if (reply.error) throw new Error(`${request.op}: ${reply.error}`);
  return reply;
};

// which elections this run casts in: open ones of earlier runs, and new ones where they fall short
const listed = (await ask({ op: 'listElections' })).elections;
const reusable = listed.filter((e) => e.title === title && e.state === 'open' && e.options.length === options
  && e.minChoices === 1 && e.maxChoices === 1).sort((a, b) => a.id - b.id).slice(0, electionsNeeded);
const room = ELECTIONS_MAX - Math.max(0, ...listed.map((e) => e.id));
if (reusable.length + room < electionsNeeded) {
  admin.close();
  fail(`this run needs ${electionsNeeded} elections (${ballotsPerVoter} ballots per voter, at most `
    + `${BALLOTS_PER_VOTER_PER_ELECTION} per voter in each), but the cluster has ${reusable.length} open bench elections `
    + `of ${options} options to use again and room for ${room} new ones (the service holds ${ELECTIONS_MAX} elections in all): ask for fewer `
    + '--ballots (or a lower --expect), or start a new cluster (bastion demo --fresh)');
}

// 2. codes and enrollment keys ----------------------------------------------------------------------
const pool = new WorkerPool(workerCount);
const voters = Array.from({ length: clients }, (_, i) => ({ index: i, id: `bench-${run}-${i}`, code: makeCode() }));
phase(`codes: deriving ${clients} enrollment keys from the codes (scrypt, what the admin's tool does)`);
await Promise.all(voters.map(async (v) => {
  v.enrollmentKey = await pool.run(v.index, { task: 'enrollmentKey', voter: v.id, code: v.code });
}));

// 3. registration and elections --------------------------------------------------------------------
phase(`admin: registering ${clients} voters`);
for (const v of voters) {
  await ask({ op: 'registerVoter', voter: v.id, name: `Bench voter ${v.index}`, role: 'voter',
    enrollmentKey: toBase64url(v.enrollmentKey) });
}
const elections = [...reusable];
for (let e = elections.length; e < electionsNeeded; e++) {
  elections.push(await ask({ op: 'createElection', title,
    options: Array.from({ length: options }, (_, j) => `option ${j + 1}`), minChoices: 1, maxChoices: 1 }));
}
phase(`admin: elections ${ranges(elections.map((e) => e.id))} (${reusable.length} used again, `
  + `${electionsNeeded - reusable.length} new); making the voters eligible and waiting for the elections' keys`);
for (const election of elections) {
  for (let from = 0; from < voters.length; from += VOTERS_PER_REQUEST_MAX) {
    await ask({ op: 'addVoters', electionId: election.id,
      voters: voters.slice(from, from + VOTERS_PER_REQUEST_MAX).map((v) => v.id) });
  }
}
for (let i = 0; i < elections.length; i++) elections[i] = await withKey(elections[i]);

// 4. enrollment and sign-in -------------------------------------------------------------------------
phase(`voters: enrolling ${clients} credentials with their codes (scrypt on each voter's "device") and signing in`);
const sessions = await Promise.all(voters.map(async (v) => {
  const key = await generateClientKey('ECDSA_P256');
  const { enroll, signIn } = await pool.run(v.index, { task: 'joinCredentials', voter: v.id, code: v.code,
    sessionKey: key.raw });
  const client = await connect(cluster, { ...connectOptions, key });
  await client.join(enroll, { rejoin: signIn });
  return client;
}));

// 5. the ballots, built in advance ------------------------------------------------------------------
const total = clients * ballotsPerVoter;
phase(`voters: building and signing ${total} encrypted ballots in advance (${workerCount} threads)`);
let built = 0;
const buildStarted = performance.now();
const progress = setInterval(() => phase(`  ${built} of ${total} built (${(built / ((performance.now() - buildStarted) / 1000)).toFixed(0)}/s)`), 10_000);
const ballots = await Promise.all(voters.map(async (v) => {
  const mine = [];
  for (let first = 0; first < ballotsPerVoter; first += BALLOTS_PER_VOTER_PER_ELECTION) {
    const count = Math.min(BALLOTS_PER_VOTER_PER_ELECTION, ballotsPerVoter - first);
    mine.push(...await pool.run(v.index, { task: 'ballots', voter: v.id, voterIndex: v.index, elections,
      perElection: BALLOTS_PER_VOTER_PER_ELECTION, first, count, faulty: v.index < faultyVoters }));
    built += count;
  }
  return mine;
}));
clearInterval(progress);
const buildSeconds = (performance.now() - buildStarted) / 1000;
pool.close();
phase(`  ${total} ballots built in ${buildSeconds.toFixed(1)} s (${(buildSeconds * 1000 * workerCount / total).toFixed(1)} ms `
  + 'per ballot per thread)');

// 6. timed: casting in a closed loop ---------------------------------------------------------------
phase(`casting: ${warmup} s warm-up, then ${seconds} s measured`);
let measuring = false;
let stop = false;
let castStarted = 0;
const latencies = [];
const errors = { warmup: new Map(), measured: new Map() };
const accepted = new Map(elections.map((e) => [e.id, 0]));
const ranOut = [];
const countError = (reason) => {
  const table = measuring ? errors.measured : errors.warmup;
  table.set(reason, (table.get(reason) ?? 0) + 1);
};
castStarted = performance.now();
await Promise.all(sessions.map(async (client, i) => {
  for (const ballot of ballots[i]) {
    if (stop) return;
    const started = performance.now();
    try {
      const reply = JSON.parse((await client.invoke(ballot.request)).text);
      if (reply.error) countError(reply.error);
      else if (reply.tracker !== ballot.tracker) countError(`the reply's tracker ${reply.tracker} is not the ballot's`);
      else {
        accepted.set(ballot.electionId, accepted.get(ballot.electionId) + 1);
        if (measuring) latencies.push(performance.now() - started);
      }
    } catch (e) {
      countError(`${e.constructor.name}: ${e.message}`);
    }
  }
  if (!stop) ranOut.push((performance.now() - castStarted) / 1000);
}).concat((async () => {
  await sleep(warmup * 1000);
  measuring = true;
  await sleep(seconds * 1000);
  measuring = false;
  stop = true;
})()));

phase('done: the voters leave');
await Promise.all(sessions.map((c) => withTimeout(c.leave(), 5_000).catch(() => {})));
sessions.forEach((c) => c.close());
await withTimeout(admin.leave(), 5_000).catch(() => {});
admin.close();

// the report ------------------------------------------------------------------------------------------
latencies.sort((a, b) => a - b);
const at = (p) => (latencies.length ? +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1) : null);
const sum = (table) => [...table.values()].reduce((a, b) => a + b, 0);
const summary = {
  clients, warmupSeconds: warmup, seconds, options, ballotsPerVoter,
  ballots: latencies.length, ballotsPerSecond: +(latencies.length / seconds).toFixed(1), p50Millis: at(0.5), p99Millis: at(0.99),
  errors: sum(errors.measured), warmupErrors: sum(errors.warmup),
  elections: Object.fromEntries(accepted), votersRanOut: ranOut.length,
  buildMillisPerBallotPerThread: +(buildSeconds * 1000 * workerCount / total).toFixed(1), workers: workerCount,
};
console.log(`${summary.ballotsPerSecond} ballots/s, p50 ${summary.p50Millis} ms, p99 ${summary.p99Millis} ms, `
  + `${summary.errors} errors (${summary.warmupErrors} in the warm-up); accepted per election (whole run): `
  + [...accepted].map(([id, n]) => `${id}: ${n}`).join(', '));
for (const [when, table] of Object.entries(errors)) {
  for (const [reason, n] of [...table].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${when} error ×${n}: ${reason}`);
}
if (ranOut.length) {
  console.log(`WARNING: ${ranOut.length} of ${clients} voters ran out of ballots before the end (the first after `
    + `${Math.min(...ranOut).toFixed(1)} s of ${warmup + seconds} s), so the figures cover fewer voters than asked: run again with more --ballots `
    + `than ${ballotsPerVoter} (or a higher --expect)`);
}
console.log(JSON.stringify(summary));
process.exit(0);

// ---------------------------------------------------------------------------------------------------

/** Signs the admin in with the credential in adminFile, enrolling it with adminCode when the replicas do not know it. */
async function signInAdmin() {
  const fresh = !existsSync(adminFile);
  if (fresh) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // written before the Join: a Join that times out may have enrolled it
    writeFileSync(adminFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const credential = pemCredential(readFileSync(adminFile, 'utf8'));
  const key = await generateClientKey('ECDSA_P256');
  const client = await connect(cluster, { ...connectOptions, key });
  const signIn = await signInCredentials(adminId, credential, key.raw);
  if (!fresh) {
    try {
      await client.join(signIn);
      return client;
    } catch (e) {
      if (!(e instanceof JoinRefusedError) || !/^unknown voter or bad signature/.test(e.reason)) throw e;
    }
  }
  phase(`admin: enrolling the credential with the code ${adminCode} (scrypt)`);
  try {
    await client.join(await enrollCredentials(adminId, adminCode, credential, key.raw), { rejoin: signIn });
  } catch (e) {
    client.close();
    if (e instanceof JoinRefusedError && /already enrolled/.test(e.reason)) {
      fail(`${adminId} is already enrolled with another credential than ${adminFile}'s: give that one with `
        + '--admin-credential FILE (a PEM "PRIVATE KEY", as bastion client --credential writes), or use a new cluster');
    }
    if (e instanceof JoinRefusedError) fail(`${adminId} cannot enroll with ${adminCode}: ${e.reason} (--admin-code)`);
    throw e;
  }
  return client;
}

/** An ECDSA P-256 credential ({raw, sign} as ballot.js and voter.js take it) from a PEM "PRIVATE KEY". */
function pemCredential(pem) {
  const privateKey = createPrivateKey(pem);
  const { crv, x, y } = privateKey.export({ format: 'jwk' });
  if (crv !== 'P-256') fail(`${adminFile}: an ECDSA P-256 key is needed, not ${crv ?? privateKey.asymmetricKeyType}`);
  const raw = new Uint8Array([4, ...Buffer.from(x, 'base64url'), ...Buffer.from(y, 'base64url')]);
  return { raw, sign: async (bytes) => new Uint8Array(nodeSign('sha256', bytes, { key: privateKey, dsaEncoding: 'ieee-p1363' })) };
}

/** The election once the replicas have made its key (asked ordered, so that the service's upkeep runs). */
async function withKey(election) {
  const deadline = Date.now() + KEY_WAIT_MILLIS;
  for (;;) {
    const current = await ask({ op: 'election', electionId: election.id });
    if (current.publicKey) return current;
    if (Date.now() > deadline) fail(`election ${election.id} has no key after ${KEY_WAIT_MILLIS / 1000} s`);
    await sleep(500);
  }
}

/** A new enrollment code: 20 random base32 characters, in groups of four. */
function makeCode() {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => BASE32[b & 31]).join('').match(/.{4}/g).join('-');
}

/** A short name for the cluster, from its replicas' keys: one admin credential file per cluster. */
function clusterTag(description) {
  const keys = description.replicas.map((r) => `${r.id}:${r.publicKey.raw}`).join(',');
  return createHash('sha256').update(keys).digest('hex').slice(0, 12);
}

/** Ascending ids as "2-5, 9". */
function ranges(ids) {
  const out = [];
  for (const id of ids) {
    const last = out[out.length - 1];
    if (last && id === last[1] + 1) last[1] = id;
    else out.push([id, id]);
  }
  return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
}

function sleep(millis) {
  return new Promise((r) => setTimeout(r, millis));
}

function withTimeout(promise, millis) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), millis); })])
    .finally(() => clearTimeout(timer));
}

function fail(message) {
  console.error(`ballots: ${message}`);
  process.exit(2);
}
