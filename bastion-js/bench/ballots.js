// Ballots per second through the WebSocket path: N Node clients (default 50), each signed in as
// its own voter, cast ballots in a closed loop against a running e-voting cluster (`bastion demo`).
// Not a test. Usage:
//   node --experimental-websocket bench/ballots.js http://127.0.0.1:7008/cluster.json [--clients 50] [--seconds 20] [--warmup 5]
// The administrator (demo secret) first registers the voters and opens enough elections that no
// voter reaches the per-election ballot limit; then every client joins and votes.
import { connect, generateClientKey } from '../src/bastion.js';

const args = process.argv.slice(2);
const url = args.find((a) => a.startsWith('http'));
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const clients = option('clients', 50);
const seconds = option('seconds', 20);
const warmup = option('warmup', 5);
const BALLOTS_PER_VOTER_PER_ELECTION = 20; // the service's limit
if (!url) {
  console.error('usage: node --experimental-websocket bench/ballots.js <cluster.json url> [--clients N] [--seconds S] [--warmup S]');
  process.exit(2);
}

const cluster = await (await fetch(url)).json();
const run = Date.now().toString(36);
const admin = await connect(cluster, { key: await generateClientKey() });
await admin.join(JSON.stringify({ voter: 'admin', secret: 'admin-demo' }));
const voters = Array.from({ length: clients }, (_, i) => `b${run}x${i}`);
for (const voter of voters) {
  await admin.invoke(JSON.stringify({ op: 'registerVoter', voter, name: voter, secret: `${voter}-secret`, role: 'voter' }));
}
// enough elections that a voter casting at ~50/s for the whole run stays under the per-election limit
const expectedPerVoter = Math.ceil((seconds + warmup) * 60);
const electionsNeeded = Math.max(1, Math.ceil(expectedPerVoter / BALLOTS_PER_VOTER_PER_ELECTION));
const elections = [];
for (let e = 0; e < electionsNeeded; e++) {
  const created = JSON.parse((await admin.invoke(JSON.stringify({ op: 'createElection', title: `bench ${run} ${e}`,
    options: ['yes', 'no'] }))).text);
  if (created.error) throw new Error(created.error);
  for (let from = 0; from < voters.length; from += 1000) {
    await admin.invoke(JSON.stringify({ op: 'addVoters', electionId: created.id, voters: voters.slice(from, from + 1000) }));
  }
  elections.push(created.id);
}
admin.close();

const sessions = await Promise.all(voters.map(async (voter) => {
  const c = await connect(cluster, { key: await generateClientKey() });
  await c.join(JSON.stringify({ voter, secret: `${voter}-secret` }));
  return c;
}));

let measuring = false;
let stop = false;
const latencies = [];
let errors = 0;
await Promise.all(sessions.map(async (c, i) => {
  let cast = 0;
  while (!stop) {
    const electionId = elections[Math.floor(cast / BALLOTS_PER_VOTER_PER_ELECTION) % elections.length];
    const started = performance.now();
    try {
      const reply = JSON.parse((await c.invoke(JSON.stringify({ op: 'castBallot', electionId,
        option: (cast + i) % 2 ? 'yes' : 'no' }))).text);
      if (reply.error) errors++;
      else if (measuring) latencies.push(performance.now() - started);
    } catch {
      errors++;
    }
    cast++;
  }
}).concat((async () => {
  await new Promise((r) => setTimeout(r, warmup * 1000));
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  stop = true;
})()));
sessions.forEach((c) => c.close());

latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(1);
console.log(JSON.stringify({ clients, seconds, ballots: latencies.length, ballotsPerSecond: +(latencies.length / seconds).toFixed(1),
  p50Millis: +at(0.5), p99Millis: +at(0.99), errors, elections: elections.length }));
