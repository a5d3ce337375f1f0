// The JavaScript codec against vectors the Java codec produced (bastion-client's JsVectorsTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  claimedRootBytes, decodeChallenge, decodeJoinResult, decodeReply, encodeJoin, encodeRequest, fromHex,
  keyDigest, provisionalClientId, toHex, CodecError, STATUS,
} from '../src/codec.js';
import { importVerifyKey, verify } from '../src/keys.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));
const clientKey = { alg: 'ED25519', raw: fromHex(vectors.clientKey) };

test('requests of every kind encode to the bytes the replicas verify', () => {
  assert.equal(vectors.requests.length, 5);
  for (const r of vectors.requests) {
    const encoding = encodeRequest(BigInt(r.clientId), BigInt(r.requestNumber), r.kind, fromHex(r.operation));
    assert.equal(toHex(encoding), r.encoding, `kind ${r.kind}`);
  }
});

test('a challenge decodes, binds the key and verifies with its replica key', async () => {
  const c = decodeChallenge(fromHex(vectors.challenge.frame));
  assert.equal(c.replicaId, vectors.challenge.replicaId);
  assert.equal(toHex(c.keyDigest), vectors.challenge.keyDigest);
  assert.equal(toHex(await keyDigest(clientKey)), vectors.challenge.keyDigest);
  assert.equal(toHex(c.nonce), vectors.challenge.nonce);
  assert.equal(c.expiresMillis, BigInt(vectors.challenge.expiresMillis));
  const replicaKey = await importVerifyKey('ED25519', fromHex(vectors.replicaKey));
  assert.equal(await verify('ED25519', replicaKey, c.signature, c.encoding), true);
  const tampered = c.encoding.slice();
  tampered[5] ^= 1;
  assert.equal(await verify('ED25519', replicaKey, c.signature, tampered), false);
});

test('a join encodes like the Java codec and its provisional id matches', async () => {
  const frame = fromHex(vectors.challenge.frame);
  const nonce = fromHex(vectors.challenge.nonce);
  const op = encodeJoin(clientKey, nonce, fromHex(vectors.join.credentials), [frame, frame]);
  assert.equal(toHex(op), vectors.join.operation);
  assert.equal(await provisionalClientId(clientKey), BigInt(vectors.join.provisionalClientId));
  assert.ok((await provisionalClientId(clientKey)) < 0n);
});

test('a join result decodes; trailing bytes are refused', () => {
  const bytes = fromHex(vectors.joinResult.bytes);
  const result = decodeJoinResult(bytes);
  assert.equal(result.clientId, BigInt(vectors.joinResult.clientId));
  assert.equal(result.identity, vectors.joinResult.identity);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.throws(() => decodeJoinResult(longer), CodecError);
});

test('every reply of a signed batch checks out against the batch signature, and a changed one does not', async () => {
  const replicaKey = await importVerifyKey('ED25519', fromHex(vectors.replicaKey));
  for (const v of vectors.replies) {
    const reply = decodeReply(fromHex(v.frame));
    assert.equal(reply.clientId, BigInt(v.clientId));
    assert.equal(reply.requestNumber, BigInt(v.requestNumber));
    assert.equal(reply.status, v.status);
    assert.equal(toHex(reply.result), v.result);
    assert.equal(reply.leafCount, v.leafCount);
    const signed = await claimedRootBytes(reply);
    assert.ok(signed, 'the proof fits its position');
    assert.equal(await verify('ED25519', replicaKey, reply.batchSignature, signed), true, `leaf ${v.leafIndex}`);

    const lie = { ...reply, result: Uint8Array.from([...reply.result, 33]) };
    assert.equal(await verify('ED25519', replicaKey, lie.batchSignature, await claimedRootBytes(lie)), false);
    const flipped = { ...reply, status: reply.status === STATUS.OK ? STATUS.REFUSED : STATUS.OK };
    assert.equal(await verify('ED25519', replicaKey, flipped.batchSignature, await claimedRootBytes(flipped)),
      false, 'the status is signed too');
  }
});

test('malformed frames are refused with a reason, not half-read', () => {
  const frame = fromHex(vectors.replies[0].frame);
  assert.throws(() => decodeReply(frame.slice(0, frame.length - 3)), /truncated/);
  const extra = new Uint8Array(frame.length + 2);
  extra.set(frame);
  assert.throws(() => decodeReply(extra), /after/);
  assert.throws(() => decodeReply(fromHex(vectors.challenge.frame)), /expected a REPLY/);
  const badStatus = frame.slice();
  badStatus[1 + 4 + 4 + 8 + 8 + 8] = 7;
  assert.throws(() => decodeReply(badStatus), /status/);
});
