// The canonical binary encodings Bastion signs and checks, as docs/web-protocol.md defines them
// (the Java side is io.bastion.core.message.Codec). Everything here is pure and synchronous: bytes in,
// bytes out; SHA-256 is @noble/hashes' (signatures are WebCrypto's, in keys.js).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** Message type codes and domain tags (Codec, MessageType). */
export const TYPE = Object.freeze({ REQUEST: 0x01, REPLY: 0x06, CHALLENGE: 0x10 });
const JOIN_TAG = 0x82;
const JOIN_RESULT_TAG = 0x83;
const ROOT_TAG = 0x80;

/** Request kinds, in the order of their codes. */
export const KIND = Object.freeze({ WRITE: 0, READ: 1, ORDERED_READ: 2, JOIN: 3, LEAVE: 4 });

/** Reply statuses. */
export const STATUS = Object.freeze({ OK: 0, REFUSED: 1 });

/** Key algorithms by code (PublicKeyRef.Algorithm order) and their raw key sizes. */
export const ALGORITHMS = Object.freeze(['ED25519', 'ECDSA_P256']);
const KEY_BYTES = Object.freeze({ ED25519: 32, ECDSA_P256: 65 });

/** Limits checked while decoding (Codec's). */
const SIGNATURE_BYTES_MAX = 96;
const PROOF_DEPTH_MAX = 32;
const NONCE_BYTES_MIN = 16;
const NONCE_BYTES_MAX = 64;

export class CodecError extends Error {}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export function toUtf8(text) {
  return utf8.encode(text);
}

export function fromUtf8Bytes(bytes) {
  return fromUtf8.decode(bytes);
}

// ------------------------------------------------------------------ base64 and hex

export function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

export function fromBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new CodecError('not base64');
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text) {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new CodecError('not hex');
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ------------------------------------------------------------------ writer and reader

class Writer {
  constructor() {
    this.parts = [];
  }
  u8(v) {
    this.parts.push(Uint8Array.of(v & 0xff));
    return this;
  }
  i32(v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v);
    this.parts.push(b);
    return this;
  }
  i64(v) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v));
    this.parts.push(b);
    return this;
  }
  raw(bytes) {
    this.parts.push(bytes);
    return this;
  }
  bytes(bytes) {
    return this.i32(bytes.length).raw(bytes);
  }
  toBytes() {
    return concat(...this.parts);
  }
}

class Reader {
  constructor(bytes) {
    this.data = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  need(n, what) {
    if (n < 0 || this.at + n > this.data.length) throw new CodecError(`truncated ${what}`);
  }
  u8(what = 'byte') {
    this.need(1, what);
    return this.data[this.at++];
  }
  i32(what = 'int') {
    this.need(4, what);
    const v = this.view.getInt32(this.at);
    this.at += 4;
    return v;
  }
  i64(what = 'long') {
    this.need(8, what);
    const v = this.view.getBigInt64(this.at);
    this.at += 8;
    return v;
  }
  raw(n, what) {
    this.need(n, what);
    const out = this.data.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  bytes(what) {
    const n = this.i32(`${what} length`);
    if (n < 0) throw new CodecError(`negative ${what} length`);
    return this.raw(n, what);
  }
  end(what) {
    if (this.at !== this.data.length) throw new CodecError(`${this.data.length - this.at} bytes after ${what}`);
  }
}

// ------------------------------------------------------------------ hashing

/**
 * SHA-256 of the parts, one after the other: @noble/hashes, synchronously. A reply's Merkle proof
 * takes a handful of short hashes; through WebCrypto each is a promise and a job of its own, which
 * cost a Node client more than the hashing (most of its CPU per reply before this).
 */
export function sha256(...parts) {
  return nobleSha256(concat(...parts));
}

/** Merkle leaf and node hashes, RFC 6962 prefixes (MerkleTree). */
export function leafHash(data) {
  return sha256(Uint8Array.of(0), data);
}

function nodeHash(left, right) {
  return sha256(Uint8Array.of(1), left, right);
}

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The root a proof leads to from {@code leaf} at {@code index} of {@code count} leaves, or null
 * when the proof does not fit that position. The proof lists siblings from the leaf upwards.
 */
export function rootFromProof(leaf, index, count, proof) {
  if (count < 1 || index < 0 || index >= count) return null;
  function climb(from, to, top) {
    const n = to - from;
    if (n === 1) return top === -1 ? leaf : null;
    if (top < 0) return null;
    const k = splitPoint(n);
    const sibling = proof[top];
    if (index < from + k) {
      const left = climb(from, from + k, top - 1);
      return left === null ? null : nodeHash(left, sibling);
    }
    const right = climb(from + k, to, top - 1);
    return right === null ? null : nodeHash(sibling, right);
  }
  return climb(0, count, proof.length - 1);
}

// ------------------------------------------------------------------ keys

/** SHA-256 of the algorithm code and the raw key: what a challenge binds. */
export function keyDigest(key) {
  return sha256(Uint8Array.of(algorithmCode(key.alg)), key.raw);
}

export function algorithmCode(alg) {
  const code = ALGORITHMS.indexOf(alg);
  if (code < 0) throw new CodecError(`unknown key algorithm ${alg}`);
  return code;
}

/** The negative id a joining client's requests carry (JoinRequest.provisionalClientId). */
export function provisionalClientId(key) {
  const digest = keyDigest(key);
  const bits = new DataView(digest.buffer, digest.byteOffset, digest.byteLength).getBigInt64(0);
  return -1n - (bits & 0x7fffffffffffffffn);
}

// ------------------------------------------------------------------ encoding

/** The signed encoding of a request: what the client signs. */
export function encodeRequest(clientId, requestNumber, kind, operation) {
  return new Writer().u8(TYPE.REQUEST).i64(clientId).i64(requestNumber).u8(kind).bytes(operation).toBytes();
}

/** A frame: encoding, signature length, signature. */
export function frame(encoding, signature) {
  if (signature.length > SIGNATURE_BYTES_MAX) throw new CodecError('signature too long');
  return concat(encoding, Uint8Array.of(signature.length), signature);
}

/** The operation of a Join: key, nonce, credentials and the challenge frames as received. */
export function encodeJoin(key, nonce, credentials, challengeFrames) {
  const w = new Writer().u8(JOIN_TAG).u8(algorithmCode(key.alg)).bytes(key.raw).bytes(nonce).bytes(credentials);
  w.i32(challengeFrames.length);
  for (const f of challengeFrames) w.bytes(f);
  return w.toBytes();
}

// ------------------------------------------------------------------ decoding

/** Splits a frame into its encoding and signature; the encoding starts with the type code. */
function splitFrame(bytes, decodeFields) {
  const r = new Reader(bytes);
  const type = r.u8('type');
  const fields = decodeFields(type, r);
  const encoding = bytes.slice(0, r.at);
  const signatureLength = r.u8('signature length');
  if (signatureLength > SIGNATURE_BYTES_MAX) throw new CodecError('signature too long');
  const signature = r.raw(signatureLength, 'signature');
  r.end('the frame');
  return { ...fields, encoding, signature };
}

export function decodeChallenge(bytes) {
  return splitFrame(bytes, (type, r) => {
    if (type !== TYPE.CHALLENGE) throw new CodecError(`expected a CHALLENGE, got type ${type}`);
    const replicaId = r.i32('replica');
    const digest = r.raw(32, 'key digest');
    const nonce = r.bytes('nonce');
    if (nonce.length < NONCE_BYTES_MIN || nonce.length > NONCE_BYTES_MAX) throw new CodecError('bad nonce length');
    const expiresMillis = r.i64('expiry');
    return { replicaId, keyDigest: digest, nonce, expiresMillis };
  });
}

export function decodeReply(bytes) {
  const reply = splitFrame(bytes, (type, r) => {
    if (type !== TYPE.REPLY) throw new CodecError(`expected a REPLY, got type ${type}`);
    const replicaId = r.i32('replica');
    const view = r.i32('view');
    const seq = r.i64('seq');
    const clientId = r.i64('client');
    const requestNumber = r.i64('request number');
    const status = r.u8('status');
    if (status !== STATUS.OK && status !== STATUS.REFUSED) throw new CodecError(`reply status ${status}`);
    const result = r.bytes('result');
    const leafIndex = r.i32('leaf index');
    const leafCount = r.i32('leaf count');
    const depth = r.i32('proof length');
    if (depth < 0 || depth > PROOF_DEPTH_MAX) throw new CodecError(`proof of depth ${depth}`);
    const proof = [];
    for (let i = 0; i < depth; i++) proof.push(r.raw(32, 'proof'));
    const batchSignature = r.bytes('batch signature');
    if (batchSignature.length > SIGNATURE_BYTES_MAX) throw new CodecError('batch signature too long');
    return { replicaId, view, seq, clientId, requestNumber, status, result, leafIndex, leafCount, proof,
      batchSignature };
  });
  if (reply.signature.length !== 0) throw new CodecError('a REPLY carries no envelope signature');
  return reply;
}

export function decodeJoinResult(bytes) {
  const r = new Reader(bytes);
  if (bytes.length === 0 || r.u8('tag') !== JOIN_RESULT_TAG) throw new CodecError('not a Join result');
  const clientId = r.i64('client id');
  const identity = fromUtf8Bytes(r.bytes('identity'));
  r.end('a Join result');
  return { clientId, identity };
}

// ------------------------------------------------------------------ reply verification

/** The bytes a replica signs for a batch of replies (ReplyProof.rootSignedBytes). */
export function rootSignedBytes(replicaId, view, seq, leafCount, root) {
  return new Writer().u8(ROOT_TAG).i32(replicaId).i32(view).i64(seq).i32(leafCount).raw(root).toBytes();
}

/** The Merkle leaf of a reply: client, request number, status, result. */
export function replyLeaf(reply) {
  return leafHash(new Writer().i64(reply.clientId).i64(reply.requestNumber).u8(reply.status).raw(reply.result).toBytes());
}

/** The signed bytes a reply claims, or null when its proof does not fit its position. */
export function claimedRootBytes(reply) {
  const root = rootFromProof(replyLeaf(reply), reply.leafIndex, reply.leafCount, reply.proof);
  return root === null ? null : rootSignedBytes(reply.replicaId, reply.view, reply.seq, reply.leafCount, root);
}
