// The client's protocol logic against four in-memory replicas that sign like real ones (Ed25519
// batch signatures over one-leaf Merkle trees), one of which can be told to lie.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  connect, generateClientKey, BastionError, ConflictError, JoinRefusedError, SessionEndedError, TimeoutError,
  SESSION_ENDED,
} from '../src/bastion.js';
import {
  KIND, STATUS, concat, frame, fromBase64, keyDigest, leafHash, rootSignedBytes, toBase64, toUtf8,
} from '../src/codec.js';

const ED25519 = { name: 'Ed25519' };

function i32(v) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v);
  return b;
}

function i64(v) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(v));
  return b;
}

function bytes(b) {
  return concat(i32(b.length), b);
}

/** Reads a request frame as the replicas' codec would (no signature check: the fake trusts it). */
function parseRequest(f) {
  const view = new DataView(f.buffer, f.byteOffset);
  const length = view.getInt32(18);
  return { clientId: view.getBigInt64(1), number: view.getBigInt64(9), kind: f[17], operation: f.slice(22, 22 + length) };
}

/** Four replicas behind fake sockets; {lie: id} makes one sign a different result. */
async function fakeCluster() {
  const replicas = [];
  for (let id = 0; id < 4; id++) {
    const pair = await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify']);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    replicas.push({ id, pair, raw, silent: false });
  }
  const cluster = { f: 1, n: 4, replicas: replicas.map((r) => ({ id: r.id, host: 'fake', webPort: 1 + r.id,
    publicKey: { alg: 'ED25519', raw: toBase64(r.raw) } })) };
  const state = { lie: -1, garbageChallenges: -1, counter: 0n, nextId: 1n << 40n, sessions: new Map(), ended: new Set(),
    seen: new Map(), joins: 0, joinTexts: [] };

  async function reply(r, request, status, result) {
    const leaf = await leafHash(concat(i64(request.clientId), i64(request.number), Uint8Array.of(status), result));
    const seq = request.kind === KIND.READ ? -1n : 7n;
    const signature = new Uint8Array(await crypto.subtle.sign(ED25519, r.pair.privateKey,
      rootSignedBytes(r.id, 0, seq, 1, leaf)));
    const encoding = concat(Uint8Array.of(0x06), i32(r.id), i32(0), i64(seq), i64(request.clientId), i64(request.number),
      Uint8Array.of(status), bytes(result), i32(0), i32(1), i32(0), bytes(signature));
    return JSON.stringify({ type: 'reply', frame: toBase64(frame(encoding, new Uint8Array(0))) });
  }

  async function challenge(r, hello) {
    const key = { alg: hello.key.alg, raw: fromBase64(hello.key.raw) };
    const encoding = concat(Uint8Array.of(0x10), i32(r.id), await keyDigest(key), bytes(fromBase64(hello.nonce)),
      i64(Date.now() + 60_000));
    const signer = state.garbageChallenges === r.id ? replicas[(r.id + 1) % 4] : r;
    const signature = new Uint8Array(await crypto.subtle.sign(ED25519, signer.pair.privateKey, encoding));
    return JSON.stringify({ type: 'challenge', replica: r.id, frame: toBase64(frame(encoding, signature)) });
  }

  /** What the service answers; sessions as the real engine keeps them (ids from 2^40, ended ones refused). */
  function execute(request) {
    const key = `${request.clientId}:${request.number}`;
    if (state.seen.has(key)) return state.seen.get(key);
    let answer;
    if (request.kind === KIND.JOIN) {
      const text = new TextDecoder().decode(request.operation);
      state.joinTexts.push(text);
      const who = text.includes('nobody') ? null : 'joined';
      if (who === null) answer = [STATUS.REFUSED, toUtf8('unknown voter')];
      else {
        const id = state.nextId++;
        state.sessions.set(id, true);
        state.joins++;
        answer = [STATUS.OK, concat(Uint8Array.of(0x83), i64(id), bytes(toUtf8('voter')))];
      }
    } else if (!state.sessions.has(request.clientId)) {
      answer = [STATUS.REFUSED, toUtf8(SESSION_ENDED)];
    } else if (request.kind === KIND.LEAVE) {
      state.sessions.delete(request.clientId);
      answer = [STATUS.OK, toUtf8('left')];
    } else if (request.kind === KIND.WRITE) {
      state.counter += 1n;
      answer = [STATUS.OK, toUtf8(`count ${state.counter}`)];
    } else {
      answer = [STATUS.OK, toUtf8(`count ${state.counter}`)];
    }
    state.seen.set(key, answer);
    return answer;
  }

  const sockets = new Set();

  class FakeSocket {
    constructor(url) {
      this.replica = replicas[Number(url.split(':')[2].split('/')[0]) - 1];
      if (this.replica.down) {
        setTimeout(() => this.onclose?.(), 1); // connection refused: it never opens
        return;
      }
      sockets.add(this);
      setTimeout(() => this.onopen?.(), 1);
    }
    send(text) {
      const r = this.replica;
      if (r.silent || r.down) return;
      const message = JSON.parse(text);
      setTimeout(async () => {
        if (message.type === 'hello') {
          this.onmessage?.({ data: await challenge(r, message) });
          return;
        }
        const request = parseRequest(fromBase64(message.frame));
        if (request.kind === KIND.WRITE && state.slowWrites === r.id) return; // has not executed it yet
        let [status, result] = execute(request);
        if (state.lie === r.id) result = toUtf8('a lie');
        if (request.kind === KIND.READ && state.readSkew === r.id) result = toUtf8('stale');
        this.onmessage?.({ data: await reply(r, request, status, result) });
      }, 1);
    }
    close() {
      sockets.delete(this);
      this.onclose?.();
    }
  }

  /** The replica's process dies: its connections close and new ones are refused until revive. */
  function kill(id) {
    replicas[id].down = true;
    for (const socket of [...sockets]) if (socket.replica.id === id) socket.close();
  }
  function revive(id) {
    replicas[id].down = false;
  }
  /** Every replica closes every connection at once, as idle connections opened together are. */
  function dropAll() {
    for (const socket of [...sockets]) socket.close();
  }
  return { cluster, replicas, state, FakeSocket, kill, revive, dropAll };
}

async function client(fake) {
  return connect(fake.cluster, { WebSocket: fake.FakeSocket, key: await generateClientKey('ECDSA_P256'),
    requestTimeoutMillis: 3_000, retransmitInitialMillis: 100 });
}

/** Waits until {@code condition} holds, at most {@code bound} ms. */
async function until(what, condition, bound = 3_000) {
  const deadline = Date.now() + bound;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} within ${bound} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('joins, invokes and flags a replica that signs a different result', async () => {
  const fake = await fakeCluster();
  fake.state.lie = 2;
  const c = await client(fake);
  const session = await c.join('alice');
  assert.equal(session.clientId, 1n << 40n);
  let replicasEvent;
  c.onEvent((e) => {
    if (e.type === 'replicas' && e.agreeing) replicasEvent = e;
  });
  const outcome = await c.invoke('add');
  assert.equal(outcome.text, 'count 1');
  assert.ok(outcome.agreeing.length >= 2 && !outcome.agreeing.includes(2));
  assert.deepEqual(replicasEvent.agreeing.sort(), outcome.agreeing.sort());
  // the liar's reply may arrive after the decision: it is checked and flagged all the same
  await until('replica 2 is flagged', () => c.replicaStatus().find((s) => s.id === 2).disagreed >= 1);
  assert.equal(c.replicaStatus().find((s) => s.id === 0).disagreed, 0);
  const read = await c.invokeReadOnly('get');
  assert.equal(read.text, 'count 1', 'three honest replicas agree on the read');
  c.close();
});

test('a replica that answers Hellos with bad signatures, and one that is silent, cannot stop a join', async () => {
  const fake = await fakeCluster();
  fake.state.garbageChallenges = 0;
  const c = await client(fake);
  const session = await c.join('bob');
  assert.equal(typeof session.clientId, 'bigint');
  assert.ok(c.replicaStatus().find((s) => s.id === 0).invalid >= 1, 'the bad challenge was noticed');
  c.close();
  const silent = await fakeCluster();
  silent.replicas[3].silent = true;
  const d = await client(silent);
  assert.equal((await d.join('carol')).clientId, 1n << 40n);
  assert.equal((await d.invoke('add')).text, 'count 1');
  d.close();
});

test('a refused join reaches the caller with the reason', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  await assert.rejects(c.join('nobody'), (e) => e instanceof JoinRefusedError && e.reason === 'unknown voter');
  c.close();
});

test('reads whose answers disagree fall back to an ordered read', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  await c.join('dave');
  await c.invoke('add');
  fake.state.readSkew = 1;
  fake.state.lie = 3;
  const read = await c.invokeReadOnly('get');
  assert.equal(read.text, 'count 1');
  c.close();
});

test('when the session ends the client joins again: reads are retried, writes report an unknown outcome', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  const events = [];
  c.onEvent((e) => e.type === 'session' && events.push(e.kind));
  const first = await c.join('erin');
  fake.state.sessions.delete(first.clientId); // signed in elsewhere
  await assert.rejects(c.invoke('add'), (e) => e instanceof SessionEndedError && /unknown/.test(e.message));
  assert.deepEqual(events, ['joined', 'ended', 'joined', 'rejoined']);
  assert.notEqual(c.session.clientId, first.clientId);
  fake.state.sessions.delete(c.session.clientId);
  const read = await c.invokeReadOnly('get');
  assert.equal(read.text, 'count 0', 'the read ran in the new session');
  await c.leave();
  assert.equal(c.session, null);
  await assert.rejects(c.invoke('add'), SessionEndedError);
  c.close();
});

test('after a join that enrolls, the client joins again with the credentials it was given for that', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  const first = await c.join('enroll-frank', { rejoin: 'sign-in-frank' });
  fake.state.sessions.delete(first.clientId);
  assert.equal((await c.invokeReadOnly('get')).text, 'count 0');
  const joins = fake.state.joinTexts; // each join once: the fake answers a repeated request from its cache
  assert.equal(joins.length, 2);
  assert.ok(joins[0].includes('enroll-frank') && joins[1].includes('sign-in-frank'), 'the second join signs in');
  c.close();
});

test('a replica that has not answered the last write is behind, not flagged, when its read answer is older', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  await c.join('gina');
  fake.state.slowWrites = 1;
  fake.state.readSkew = 1; // its reads answer the state before the write
  await c.invoke('add');
  const read = await c.invokeReadOnly('get');
  assert.equal(read.text, 'count 1');
  assert.deepEqual(read.dissenting, []);
  await new Promise((r) => setTimeout(r, 50)); // its answer may come after the decision: not flagged then either
  assert.equal(c.replicaStatus().find((s) => s.id === 1).disagreed, 0);
  // once it has answered a write, an older answer to the next read is its own
  fake.state.slowWrites = -1;
  await c.invoke('add');
  await until('replica 1 answered the write', () => c.lastOrdered.answered.has(1));
  await c.invokeReadOnly('get'); // one different read answer may be a replica ahead of the others: not yet
  await c.invokeReadOnly('get'); // two in a row count
  await until('replica 1 is flagged', () => c.replicaStatus().find((s) => s.id === 1).disagreed === 1);
  c.close();
});

test('replies with a broken signature are not counted', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  await c.join('frank');
  // replica 1 now signs with replica 2's key: its replies fail verification
  const [one, two] = [fake.replicas[1], fake.replicas[2]];
  const answeredBefore = c.replicaStatus().find((s) => s.id === 1).answered;
  one.pair = { privateKey: two.pair.privateKey, publicKey: one.pair.publicKey };
  const outcome = await c.invoke('add');
  assert.ok(!outcome.agreeing.includes(1));
  await until('replica 1\'s reply is refused', () => c.replicaStatus().find((s) => s.id === 1).invalid >= 1);
  assert.equal(c.replicaStatus().find((s) => s.id === 1).answered, answeredBefore, 'nothing of it counted');
  c.close();
});

test('the WebSocket scheme follows the replicas, else the page: wss for TLS, never ws from an https page', async () => {
  const { webSocketScheme } = await import('../src/bastion.js');
  assert.equal(webSocketScheme({ tls: true }, { protocol: 'http:' }), 'wss');
  assert.equal(webSocketScheme({ tls: false }, { protocol: 'http:' }), 'ws');
  assert.equal(webSocketScheme({}, { protocol: 'https:' }), 'wss');
  assert.equal(webSocketScheme({}, { protocol: 'http:' }), 'ws');
  assert.equal(webSocketScheme({}, undefined), 'ws');
});

test('a client opens wss:// URLs when the cluster description says its web ports speak TLS', async () => {
  const opened = [];
  class RecordingSocket {
    constructor(url) {
      opened.push(url);
    }

    close() {}
  }
  const key = await generateClientKey();
  const cluster = { f: 0, n: 2, tls: true, replicas: [
    { id: 0, host: '127.0.0.1', webPort: 7200, publicKey: { alg: 'ED25519', raw: toBase64(new Uint8Array(32).fill(7)) } },
    { id: 1, host: '::1', webPort: 7201, publicKey: { alg: 'ED25519', raw: toBase64(new Uint8Array(32).fill(9)) } }] };
  const client = await connect(cluster, { key, WebSocket: RecordingSocket });
  client.close();
  assert.deepEqual(opened, ['wss://127.0.0.1:7200/ws', 'wss://[::1]:7201/ws']);
});

/** A client that notices lost replicas quickly, as the tests below want. */
async function watchfulClient(fake, extra = {}) {
  return connect(fake.cluster, { WebSocket: fake.FakeSocket, key: await generateClientKey('ECDSA_P256'),
    requestTimeoutMillis: 3_000, retransmitInitialMillis: 100, reconnectInitialMillis: 20, reconnectMaxMillis: 100,
    unreachableAfterMillis: 400, ...extra });
}

test('with more than f replicas unreachable the client says ordering is paused within moments, and resumes', async () => {
  const fake = await fakeCluster();
  const c = await watchfulClient(fake, { requestTimeoutMillis: 800 });
  const events = [];
  c.onEvent((e) => e.type === 'quorum' && events.push(e));
  await until('every replica connected', () => c.replicaStatus().every((r) => r.connected));
  assert.deepEqual(c.quorum(), { n: 4, f: 1, needed: 3, unreachable: 0, reachable: 4, paused: false });

  fake.kill(3);
  await until('replica 3 unreachable', () => c.quorum().unreachable === 1, 1_000);
  assert.equal(c.quorum().paused, false, 'f = 1 down: ordering goes on');
  assert.equal(c.replicaStatus()[3].state, 'unreachable');
  const killed = Date.now();
  fake.kill(2);
  await until('ordering paused', () => c.quorum().paused, 1_000);
  assert.ok(Date.now() - killed < 1_000, 'noticed well before any request timeout');
  assert.deepEqual(events.at(-1), { type: 'quorum', n: 4, f: 1, needed: 3, unreachable: 2, reachable: 2, paused: true });
  await assert.rejects(c.join('grace'), (e) => e instanceof TimeoutError
    && /no 3 valid challenges within 800 ms \(2 of 4 replicas unreachable, 3 needed\)/.test(e.message));

  fake.revive(2);
  await until('ordering resumed', () => !c.quorum().paused, 1_000);
  assert.deepEqual(events.at(-1), { type: 'quorum', n: 4, f: 1, needed: 3, unreachable: 1, reachable: 3, paused: false });
  assert.equal((await c.join('heidi')).clientId, 1n << 40n, 'three replicas carry a join again');
  c.close();
});

test('connections closed for idling and reopened at once never count as unreachable', async () => {
  const fake = await fakeCluster();
  const c = await watchfulClient(fake);
  const states = [];
  c.onEvent((e) => e.type === 'quorum' && states.push(e.unreachable));
  await until('every replica connected', () => c.replicaStatus().every((r) => r.connected));
  fake.dropAll();
  assert.ok(c.replicaStatus().every((r) => r.state === 'reconnecting'));
  assert.equal(c.quorum().paused, false, 'reconnecting replicas still count');
  await until('every replica connected again', () => c.replicaStatus().every((r) => r.connected));
  await new Promise((r) => setTimeout(r, 500)); // past unreachableAfterMillis: no late verdict either
  assert.deepEqual(states, [0], 'the only quorum event was the first: nothing became unreachable');
  c.close();
});

test('a page can connect first and choose the key when someone signs in, not while a session is live', async () => {
  const fake = await fakeCluster();
  const c = await client(fake);
  const voterKey = await generateClientKey('ECDSA_P256');
  c.useKey(voterKey);
  await c.join('ivan');
  assert.throws(() => c.useKey(voterKey), BastionError);
  await c.leave();
  c.useKey(await generateClientKey('ECDSA_P256'));
  c.close();
});
