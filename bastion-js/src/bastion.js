// bastion-js: a Bastion client for browsers and Node. It connects to every replica's WebSocket,
// signs its requests with a WebCrypto key, checks every reply's signature, and accepts a result
// only when f+1 replicas signed it (2f+1 for reads answered without ordering). No dependencies.
//
//   const client = await connect('http://127.0.0.1:7200/cluster.json');
//   const session = await client.join(credentials);   // e-voting: voter.js signInCredentials
//   const reply = await client.invokeReadOnly('{"op":"ballotBox","electionId":1}');
//   client.leave(); client.close();
//
// Wire format: docs/web-protocol.md. The codec lives in codec.js, keys in keys.js.

import {
  KIND, STATUS, decodeChallenge, decodeJoinResult, decodeReply, claimedRootBytes, encodeJoin, encodeRequest,
  equalBytes, frame, fromBase64, fromUtf8Bytes, keyDigest, provisionalClientId, toBase64, toHex, toUtf8,
} from './codec.js';
import { generateClientKey, importVerifyKey, sign, storedClientKey, verify, hasEd25519 } from './keys.js';

export * as codec from './codec.js';
export { generateClientKey, storedClientKey, hasEd25519 };

/** The reply text of a request whose session is no longer live (SessionRequests.SESSION_ENDED). */
export const SESSION_ENDED = 'session ended: join again';

/** Errors a caller can tell apart. */
export class BastionError extends Error {}
export class TimeoutError extends BastionError {}
export class RefusedError extends BastionError {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}
export class JoinRefusedError extends RefusedError {}
export class SessionEndedError extends RefusedError {}
export class ConflictError extends BastionError {
  constructor(message, groups) {
    super(message);
    this.groups = groups;
  }
}

const DEFAULTS = Object.freeze({
  requestTimeoutMillis: 20_000,
  unreachableAfterMillis: 2_000,
  retransmitInitialMillis: 500,
  retransmitMaxMillis: 4_000,
  reconnectInitialMillis: 250,
  reconnectMaxMillis: 5_000,
  challengeLifetimeMaxMillis: 5 * 60_000,
});

/**
 * Fetches the cluster description (a URL of /cluster.json, or the object itself), opens a
 * WebSocket to every replica and returns a client. Options: {key} (from generateClientKey /
 * storedClientKey; default: a stored ECDSA P-256 key in browsers, a fresh one elsewhere),
 * {WebSocket} (the constructor, default globalThis.WebSocket; in Node, the `ws` package's),
 * {ca} (Node only: the cluster CA's PEM, ca.crt; /cluster.json and every WebSocket are then
 * checked against it, names included, instead of the system's CAs), {url: replica => ws url},
 * and the timing fields of DEFAULTS (unreachableAfterMillis: how long a replica whose connection
 * dropped may take to reconnect before it counts as unreachable; one whose connection attempt
 * fails counts at once).
 *
 * The scheme follows the replicas: wss:// when the description says its web ports speak TLS
 * ("tls": true), ws:// when it says they do not, and otherwise what the page itself came over
 * (an https page can only open wss://).
 */
export async function connect(cluster, options = {}) {
  const description = typeof cluster === 'string' ? await fetchJson(cluster, options) : cluster;
  const key = options.key ?? await storedClientKey();
  const client = new BastionClient(description, key, { ...DEFAULTS, ...options });
  await client.start();
  return client;
}

/** GETs JSON; in Node with options.ca, over node:https trusting that CA only. */
async function fetchJson(url, options) {
  if (!options.ca) return (await fetch(url)).json();
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca: options.ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new BastionError(`${url}: HTTP ${response.statusCode}`));
        else {
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new BastionError(`${url}: not JSON (${e.message})`));
          }
        }
      });
    });
    request.on('error', (e) => reject(new BastionError(`${url}: ${e.message}`)));
  });
}

/** Whether WebSockets to the replicas use TLS: what the description says, else what the page came over. */
export function webSocketScheme(description, location = globalThis.location) {
  if (typeof description.tls === 'boolean') return description.tls ? 'wss' : 'ws';
  return location?.protocol === 'https:' ? 'wss' : 'ws';
}

/** A host as it goes into a URL: IPv6 literals in brackets. */
function urlHost(host) {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Whether a replica can be reached: 'connecting' (first attempt under way), 'connected',
 * 'reconnecting' (its connection dropped a moment ago; a replica closes idle connections, and the
 * client reconnects at once) and 'unreachable' (an attempt failed, or reconnecting took longer than
 * unreachableAfterMillis). Only 'unreachable' counts against the quorum.
 */
export const LINK = Object.freeze({
  CONNECTING: 'connecting', CONNECTED: 'connected', RECONNECTING: 'reconnecting', UNREACHABLE: 'unreachable',
});

/** One replica as the client sees it: its socket, its key, and what it answered lately. */
class ReplicaLink {
  constructor(info, verifyKey) {
    this.id = info.id;
    this.info = info;
    this.alg = info.publicKey.alg;
    this.verifyKey = verifyKey;
    this.socket = null;
    this.connected = false;
    this.state = LINK.CONNECTING;
    this.graceTimer = null;
    this.reconnectDelay = 0;
    this.answered = 0;
    this.disagreed = 0;
    /** Reads in a row whose answer from this replica differed from the 2f+1 that decided them. */
    this.readDissents = 0;
    this.invalid = 0;
    this.lastSeen = 0;
  }
}

export class BastionClient {
  constructor(cluster, key, options) {
    this.cluster = cluster;
    this.f = cluster.f;
    this.n = cluster.replicas.length;
    this.key = key;
    this.options = options;
    this.WebSocket = options.WebSocket ?? globalThis.WebSocket;
    if (!this.WebSocket) throw new BastionError('no WebSocket implementation: pass options.WebSocket');
    this.links = [];
    this.session = null;
    this.credentials = null;
    this.clientId = null;
    this.nextNumber = 1n;
    this.pending = null; // the one outstanding request
    this.queue = Promise.resolve();
    this.listeners = new Set();
    this.closed = false;
    this.hello = null; // the join attempt collecting challenges
    this.decided = null; // the last decided request: late replies to it are still checked
    this.lastOrdered = null; // the last decided ordered request, and the replicas that answered it
    this.lastQuorum = null; // what the last 'quorum' event said, to emit only changes
  }

  async start() {
    for (const info of this.cluster.replicas) {
      const link = new ReplicaLink(info, await importVerifyKey(info.publicKey.alg, fromBase64(info.publicKey.raw)));
      this.links.push(link);
      this.setLinkState(link, LINK.CONNECTING);
      this.open(link);
    }
  }

  /**
   * Listeners get {type: 'replicas'|'quorum'|'session', ...} events: replica health for a UI,
   * whether enough replicas are reachable to order requests (see quorum(), sent when it changes),
   * session changes.
   */
  onEvent(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event) {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  /**
   * Per replica: connected, its LINK state, replies answered, replies that disagreed with the
   * accepted one, bad signatures.
   */
  replicaStatus() {
    return this.links.map((l) => ({ id: l.id, connected: l.connected, state: l.state, answered: l.answered,
      disagreed: l.disagreed, invalid: l.invalid }));
  }

  /**
   * Whether requests can be ordered now: {n, f, needed (2f+1), unreachable, reachable, paused}.
   * Ordering a request, reading without ordering and joining each need 2f+1 replicas; with more
   * than f unreachable, requests wait (until they are back or requestTimeoutMillis has passed)
   * and paused is true. A replica that is only reconnecting still counts as reachable.
   */
  quorum() {
    const unreachable = this.links.filter((l) => l.state === LINK.UNREACHABLE).length;
    const needed = 2 * this.f + 1;
    return { n: this.n, f: this.f, needed, unreachable, reachable: this.n - unreachable,
      paused: this.n - unreachable < needed };
  }

  /** Sends the replica states, and a 'quorum' event when the quorum picture changed. */
  emitHealth() {
    this.emit({ type: 'replicas', replicas: this.replicaStatus() });
    const q = this.quorum();
    if (!this.lastQuorum || this.lastQuorum.unreachable !== q.unreachable) {
      this.lastQuorum = q;
      this.emit({ type: 'quorum', ...q });
    }
  }

  /** Moves {@code link} to {@code state}; leaving 'connected' arms the grace timer for unreachability. */
  setLinkState(link, state) {
    clearTimeout(link.graceTimer);
    link.graceTimer = null;
    link.state = state;
    if (state === LINK.RECONNECTING || state === LINK.CONNECTING) {
      link.graceTimer = setTimeout(() => {
        if (link.state === LINK.RECONNECTING || link.state === LINK.CONNECTING) {
          link.state = LINK.UNREACHABLE;
          this.emitHealth();
        }
      }, this.options.unreachableAfterMillis);
    }
  }

  /**
   * Signs from now on with {@code key} (from generateClientKey / storedClientKey): for a page
   * that connects before it knows who signs in. Only without a session (before join, after leave).
   */
  useKey(key) {
    if (this.clientId !== null || this.hello) throw new BastionError('a session is live: leave before changing keys');
    this.key = key;
  }

  // ------------------------------------------------------------------ sockets

  url(info) {
    if (this.options.url) return this.options.url(info);
    return `${webSocketScheme(this.cluster)}://${urlHost(info.host)}:${info.webPort}/ws`;
  }

  open(link) {
    if (this.closed) return;
    let socket;
    try {
      socket = this.options.ca ? new this.WebSocket(this.url(link.info), { ca: this.options.ca })
        : new this.WebSocket(this.url(link.info));
    } catch {
      if (link.state !== LINK.UNREACHABLE) { // a URL the platform refuses: as unreachable as a refused connection
        this.setLinkState(link, LINK.UNREACHABLE);
        this.emitHealth();
      }
      this.reconnect(link);
      return;
    }
    link.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      link.connected = true;
      link.reconnectDelay = 0;
      this.setLinkState(link, LINK.CONNECTED);
      this.emitHealth();
      if (this.hello) this.sendTo(link, this.hello.message);
      if (this.pending) this.sendTo(link, this.pending.message);
    };
    socket.onmessage = (event) => this.onMessage(link, event.data);
    socket.onclose = () => {
      link.connected = false;
      link.socket = null;
      if (this.closed) return;
      // a connection that was up may just have been closed for idling: reconnecting gets a grace
      // period; an attempt that never opened means the replica cannot be reached now
      if (opened) this.setLinkState(link, LINK.RECONNECTING);
      else if (link.state !== LINK.UNREACHABLE) this.setLinkState(link, LINK.UNREACHABLE);
      this.emitHealth();
      this.reconnect(link);
    };
    socket.onerror = () => {}; // onclose follows
  }

  reconnect(link) {
    if (this.closed) return;
    link.reconnectDelay = Math.min(Math.max(link.reconnectDelay * 2, this.options.reconnectInitialMillis),
      this.options.reconnectMaxMillis);
    setTimeout(() => this.open(link), link.reconnectDelay);
  }

  sendTo(link, message) {
    if (link.connected && link.socket) {
      try {
        link.socket.send(message);
      } catch {
        // the close handler reconnects
      }
    }
  }

  broadcast(message) {
    for (const link of this.links) this.sendTo(link, message);
  }

  async onMessage(link, data) {
    let message;
    try {
      message = JSON.parse(typeof data === 'string' ? data : fromUtf8Bytes(new Uint8Array(data)));
    } catch {
      link.invalid++;
      return;
    }
    link.lastSeen = Date.now();
    try {
      if (message.type === 'challenge') await this.onChallenge(link, fromBase64(message.frame));
      else if (message.type === 'reply') await this.onReply(link, fromBase64(message.frame));
    } catch {
      link.invalid++; // a malformed frame: that replica's problem, not ours
    }
  }

  // ------------------------------------------------------------------ requests

  /** Runs {@code task} after every earlier call: one request at a time, as the protocol wants. */
  serial(task) {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * An ordered request: resolves to {result (Uint8Array), text, agreeing, dissenting} once f+1
   * replicas signed the same result. A session that ended under it is joined again, then the
   * request fails with SessionEndedError: whether it ran before the end is unknown.
   */
  invoke(operation) {
    return this.serial(() => this.request(bytesOf(operation), KIND.WRITE));
  }

  /**
   * A read answered at once by every replica: 2f+1 matching signed answers, or, when they
   * disagree, the same read ordered (f+1). Reads are retried after a re-join. Resolves as invoke
   * does, plus behind: replicas whose different answer may be older than this client's last
   * ordered request (see behind()), which are not counted as dissenting.
   */
  invokeReadOnly(operation) {
    return this.serial(() => this.read(bytesOf(operation)));
  }

  async read(operation) {
    try {
      return await this.request(operation, KIND.READ);
    } catch (e) {
      if (e instanceof ConflictError) return this.request(operation, KIND.ORDERED_READ);
      throw e;
    }
  }

  async request(operation, kind, retried = false) {
    if (this.clientId === null) throw new SessionEndedError('no session: call join first');
    const number = this.nextNumber++;
    try {
      return await this.exchange(this.clientId, number, kind, operation);
    } catch (e) {
      if (!(e instanceof RefusedError) || e.reason !== SESSION_ENDED || this.credentials === null || retried) throw e;
      const ended = this.session;
      this.session = null;
      this.clientId = null;
      this.emit({ type: 'session', kind: 'ended', previous: ended, reason: e.reason });
      const renewed = await this.joinWith(this.credentials);
      this.emit({ type: 'session', kind: 'rejoined', previous: ended, session: renewed });
      if (kind === KIND.WRITE) {
        throw new SessionEndedError(`${SESSION_ENDED}; joined again as client ${renewed.clientId}, but whether this `
          + 'write ran before the session ended is unknown');
      }
      return this.request(operation, kind, true);
    }
  }

  /** Sends one signed request to all replicas until enough matching signed replies arrive. */
  async exchange(clientId, number, kind, operation) {
    const encoding = encodeRequest(clientId, number, kind, operation);
    const signature = await sign(this.key, encoding);
    const message = JSON.stringify({ type: 'request', frame: toBase64(frame(encoding, signature)) });
    const needed = kind === KIND.READ ? 2 * this.f + 1 : this.f + 1;
    return new Promise((resolve, reject) => {
      const pending = { clientId, number, kind, message, needed, replies: new Map(), resolve, reject };
      this.pending = pending;
      let delay = this.options.retransmitInitialMillis;
      const retransmit = () => {
        if (this.pending !== pending) return;
        this.broadcast(message);
        delay = Math.min(delay * 2, this.options.retransmitMaxMillis);
        pending.timer = setTimeout(retransmit, delay);
      };
      pending.deadline = setTimeout(() => this.finish(pending, null,
        new TimeoutError(`no ${needed} matching signed replies within ${this.options.requestTimeoutMillis} ms`
          + this.pausedNote())),
      this.options.requestTimeoutMillis);
      retransmit();
    });
  }

  finish(pending, value, error) {
    if (this.pending !== pending) return;
    this.pending = null;
    clearTimeout(pending.timer);
    clearTimeout(pending.deadline);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  async onReply(link, bytes) {
    const reply = decodeReply(bytes);
    const pending = this.pending;
    const late = this.decided;
    const ordered = this.lastOrdered;
    const forPending = pending && reply.clientId === pending.clientId && reply.requestNumber === pending.number;
    const forDecided = late && reply.clientId === late.clientId && reply.requestNumber === late.number;
    const forOrdered = ordered && reply.clientId === ordered.clientId && reply.requestNumber === ordered.number;
    if (reply.replicaId !== link.id || (!forPending && !forDecided && !forOrdered)) return;
    const signed = claimedRootBytes(reply);
    if (signed === null || !(await verify(link.alg, link.verifyKey, reply.batchSignature, signed))) {
      link.invalid++;
      this.emit({ type: 'replicas', replicas: this.replicaStatus() });
      return;
    }
    const answered = this.lastOrdered; // an ordered request may have been decided while this reply was checked
    if (answered && reply.clientId === answered.clientId && reply.requestNumber === answered.number) {
      answered.answered.add(link.id);
    }
    if (!forPending && !forDecided) return;
    const key = `${reply.status}:${toHex(reply.result)}`;
    const decided = this.decided; // the decision may have come while this reply was being checked
    if (this.pending !== pending || !forPending) {
      if (!decided || reply.clientId !== decided.clientId || reply.requestNumber !== decided.number) return;
      // a reply after the decision: a replica that signed something else is flagged all the same, unless
      // it is a read's answer from a replica still behind this client's last ordered request
      if (key !== decided.key && !decided.flagged.has(link.id) && !this.behind(decided.kind, link.id)) {
        decided.flagged.add(link.id);
        if (this.countsAsDissent(link, decided.kind)) {
          link.disagreed++;
          this.emit({ type: 'replicas', replicas: this.replicaStatus(), dissenting: [link.id] });
        }
      }
      return;
    }
    pending.replies.set(link.id, { status: reply.status, result: reply.result, key });
    this.decide(pending);
  }

  decide(pending) {
    const groups = new Map();
    for (const [replica, r] of pending.replies) {
      if (!groups.has(r.key)) groups.set(r.key, { status: r.status, result: r.result, replicas: [] });
      groups.get(r.key).replicas.push(replica);
    }
    for (const group of groups.values()) {
      if (group.replicas.length >= pending.needed) {
        const others = [...pending.replies.keys()].filter((id) => !group.replicas.includes(id));
        const behind = others.filter((id) => this.behind(pending.kind, id));
        const dissenting = others.filter((id) => !behind.includes(id));
        this.decided = { clientId: pending.clientId, number: pending.number, kind: pending.kind,
          key: pending.replies.get(group.replicas[0]).key, flagged: new Set([...dissenting, ...group.replicas]) };
        if (pending.kind !== KIND.READ) {
          this.lastOrdered = { clientId: pending.clientId, number: pending.number,
            answered: new Set(pending.replies.keys()) };
        }
        for (const link of this.links) {
          if (group.replicas.includes(link.id)) {
            link.answered++;
            if (pending.kind === KIND.READ) link.readDissents = 0;
          }
          if (dissenting.includes(link.id) && this.countsAsDissent(link, pending.kind)) link.disagreed++;
        }
        this.emit({ type: 'replicas', replicas: this.replicaStatus(), agreeing: group.replicas, dissenting });
        const outcome = { status: group.status, result: group.result, text: safeText(group.result),
          agreeing: group.replicas, dissenting, behind };
        if (group.status === STATUS.REFUSED) this.finish(pending, null, new RefusedError(outcome.text));
        else this.finish(pending, outcome, null);
        return;
      }
    }
    const largest = Math.max(0, ...[...groups.values()].map((g) => g.replicas.length));
    if (largest + (this.n - pending.replies.size) < pending.needed) {
      this.finish(pending, null, new ConflictError('replicas signed different results',
        [...groups.values()].map((g) => g.replicas)));
    }
  }

  /**
   * Whether a replica's different answer counts against it. An ordered request's result is the same
   * at every correct replica, so one different answer does. A read is answered from whatever the
   * replica has executed, and a correct replica ahead of the 2f+1 that decided it (it executed another
   * client's request first) answers differently once; so a read counts from the second read in a row
   * on which the replica differed. A replica that lies on reads differs on every one.
   */
  countsAsDissent(link, kind) {
    if (kind !== KIND.READ) return true;
    link.readDissents++;
    return link.readDissents >= 2;
  }

  /**
   * Whether replica id's different answer to a read of this kind may just be older: it has not yet
   * answered this client's last ordered request (a write, an ordered read or the Join), so it may
   * not have executed it. Replies on one connection arrive in the order the replica sent them, so
   * a replica that answered it had executed it before it answered the read. Such a replica is not
   * flagged; a read still needs 2f+1 matching answers.
   */
  behind(kind, id) {
    return kind === KIND.READ && this.lastOrdered !== null && !this.lastOrdered.answered.has(id);
  }

  // ------------------------------------------------------------------ sessions

  /**
   * Joins with {@code credentials} (bytes or a string): a Hello to every replica, the challenges
   * that check out, then an ordered Join. Resolves to {clientId, identity}; JoinRefusedError
   * carries the service's reason. When the session ends, the client joins again with
   * {@code options.rejoin} if given, else with the same credentials: a service whose first Join
   * does something once (enrolls a key, say) takes other credentials for the next ones.
   */
  join(credentials, options = {}) {
    return this.serial(async () => {
      const session = await this.joinWith(bytesOf(credentials));
      if (options.rejoin !== undefined) this.credentials = bytesOf(options.rejoin);
      return session;
    });
  }

  async joinWith(credentials) {
    const nonce = crypto.getRandomValues(new Uint8Array(32));
    const key = { alg: this.key.alg, raw: this.key.raw };
    const digest = keyDigest(key);
    const challenges = await new Promise((resolve, reject) => {
      const hello = {
        message: JSON.stringify({ type: 'hello', key: { alg: key.alg, raw: toBase64(key.raw) }, nonce: toBase64(nonce),
          credentials: toBase64(credentials) }),
        nonce, digest, frames: new Map(), resolve,
      };
      this.hello = hello;
      let delay = this.options.retransmitInitialMillis;
      const again = () => {
        if (this.hello !== hello) return;
        this.broadcast(hello.message);
        delay = Math.min(delay * 2, this.options.retransmitMaxMillis);
        hello.timer = setTimeout(again, delay);
      };
      hello.deadline = setTimeout(() => {
        if (this.hello === hello) {
          this.hello = null;
          clearTimeout(hello.timer);
          reject(new TimeoutError(`no ${2 * this.f + 1} valid challenges within ${this.options.requestTimeoutMillis} ms`
            + this.pausedNote()));
        }
      }, this.options.requestTimeoutMillis);
      hello.finish = () => {
        clearTimeout(hello.timer);
        clearTimeout(hello.deadline);
      };
      again();
    });
    const provisional = provisionalClientId(key);
    const operation = encodeJoin(key, nonce, credentials, challenges);
    let outcome;
    try {
      outcome = await this.exchange(provisional, BigInt(Date.now()) * 1000n, KIND.JOIN, operation);
    } catch (e) {
      if (e instanceof RefusedError) throw new JoinRefusedError(e.reason);
      throw e;
    }
    const result = decodeJoinResult(outcome.result);
    this.clientId = result.clientId;
    this.nextNumber = 1n; // a new id: its numbers start afresh
    this.credentials = credentials;
    this.session = { clientId: result.clientId, identity: result.identity };
    this.emit({ type: 'session', kind: 'joined', session: this.session });
    return this.session;
  }

  async onChallenge(link, bytes) {
    const hello = this.hello;
    if (!hello) return;
    const c = decodeChallenge(bytes);
    const now = Date.now();
    const expires = Number(c.expiresMillis);
    if (c.replicaId !== link.id || !equalBytes(c.keyDigest, hello.digest) || !equalBytes(c.nonce, hello.nonce)
        || expires < now || expires - now > this.options.challengeLifetimeMaxMillis
        || !(await verify(link.alg, link.verifyKey, c.signature, c.encoding))) {
      link.invalid++; // a lying or confused replica: its challenge does not count
      this.emit({ type: 'replicas', replicas: this.replicaStatus() });
      return;
    }
    if (this.hello !== hello) return;
    hello.frames.set(link.id, bytes);
    if (hello.frames.size >= 2 * this.f + 1) {
      this.hello = null;
      hello.finish();
      hello.resolve([...hello.frames.values()]);
    }
  }

  /** Ends the session (no re-join afterwards). */
  leave() {
    return this.serial(async () => {
      if (this.clientId === null) return;
      const clientId = this.clientId;
      const number = this.nextNumber++;
      this.credentials = null;
      try {
        await this.exchange(clientId, number, KIND.LEAVE, new Uint8Array(0));
      } catch (e) {
        if (!(e instanceof RefusedError)) throw e; // already ended: what leaving wanted
      } finally {
        this.emit({ type: 'session', kind: 'left', previous: this.session });
        this.session = null;
        this.clientId = null;
      }
    });
  }

  /** Why a request may have timed out: too few replicas reachable (empty when enough were). */
  pausedNote() {
    const q = this.quorum();
    return q.paused ? ` (${q.unreachable} of ${q.n} replicas unreachable, ${q.needed} needed)` : '';
  }

  close() {
    this.closed = true;
    for (const link of this.links) {
      clearTimeout(link.graceTimer);
      if (link.socket) link.socket.close();
    }
    if (this.pending) this.finish(this.pending, null, new BastionError('client closed'));
  }
}

function bytesOf(value) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return toUtf8(value);
  throw new TypeError('an operation is a string or a Uint8Array');
}

function safeText(bytes) {
  try {
    return fromUtf8Bytes(bytes);
  } catch {
    return null;
  }
}
