// Ballots across the two implementations (docs/ballots.md, "Cross-implementation vectors"):
// - ballot-vectors.json, written by the Java builder (BallotVectorsTest): every ballot is rebuilt
//   here from the same keys and randomness, byte for byte, signature included (both sides sign with
//   RFC 6979), gets the same weights for its equations, and verifies; every tampered one is refused
//   with the same words as in Java.
// - ballot-vectors-js.json, written here: ballots built by ballot.js with injected randomness, which
//   the Java test JsBallotVectorsTest verifies and rebuilds. BASTION_WRITE_VECTORS=1 writes it anew;
//   otherwise this test fails when it is stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import {
  ballotBytes, ballotFromJson, ballotToJson, BallotError, buildBallot, drawRandomness, electionParameters,
  equationWeights, tracker, verifyBallot,
} from '../src/ballot.js';

const javaVectors = JSON.parse(readFileSync(new URL('./ballot-vectors.json', import.meta.url), 'utf8'));
const JS_FILE = new URL('./ballot-vectors-js.json', import.meta.url);
const q = p256.Point.Fn.ORDER;

const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const scalarHex = (x) => x.toString(16).padStart(64, '0');

/** A credential signing deterministically (RFC 6979, no low-S), as the Java vectors' voters do. */
function deterministicCredential(secretKeyHex) {
  const secretKey = fromHex(secretKeyHex);
  return { raw: p256.getPublicKey(secretKey, false), sign: async (bytes) => p256.sign(bytes, secretKey, { lowS: false }) };
}

function parametersOf(e) {
  return electionParameters({ electionId: e.electionId, options: e.options, minChoices: e.minChoices,
    maxChoices: e.maxChoices, publicKey: fromHex(e.publicKey) });
}

function proofRandomnessOf(r) {
  return { w: BigInt(`0x${r.w}`), simulated: r.simulated.map(([c, s]) => [BigInt(`0x${c}`), BigInt(`0x${s}`)]) };
}

function randomnessOf(r) {
  return { options: r.options.map((o) => ({ r: BigInt(`0x${o.r}`), proof: proofRandomnessOf(o.proof) })),
    overall: proofRandomnessOf(r.overall) };
}

async function refusal(parameters, json) {
  try {
    return await verifyBallot(parameters, ballotFromJson(json));
  } catch (e) {
    if (e instanceof BallotError) return e.message;
    throw e;
  }
}

test('every Java ballot is rebuilt byte for byte from the same keys and randomness, has the same weights, and verifies', async () => {
  assert.equal(javaVectors.ballots.length, 6);
  for (const [i, v] of javaVectors.ballots.entries()) {
    const election = javaVectors.elections[v.election];
    const parameters = parametersOf(election);
    assert.equal(toHex(p256.getPublicKey(fromHex(election.secretKey), true)), election.publicKey);
    const voter = javaVectors.voters[v.voter];
    const credential = deterministicCredential(voter.secretKey);
    assert.equal(toHex(credential.raw), voter.credential);
    const ballot = await buildBallot(parameters, v.choices, credential, randomnessOf(v.randomness));
    assert.equal(toHex(ballotBytes(ballot)), v.bytes, `ballot ${i}: bytes`);
    assert.equal(tracker(ballot), v.tracker, `ballot ${i}: tracker`);
    assert.equal(ballotToJson(ballot), v.json, `ballot ${i}: JSON, signature included`);
    assert.deepEqual(equationWeights(parameters, ballot).map((z) => z.toString(16).padStart(32, '0')), v.weights,
      `ballot ${i}: the weights of its equations`);
    assert.equal(await verifyBallot(parameters, ballotFromJson(v.json)), null, `ballot ${i} verifies`);
    assert.equal(ballotToJson(ballot, { points: 'uncompressed' }), v.jsonUncompressed, `ballot ${i}: JSON to send`);
    assert.equal(ballotToJson(ballotFromJson(v.jsonUncompressed)), v.json, `ballot ${i}: read uncompressed, written canonical`);
    assert.equal(await verifyBallot(parameters, ballotFromJson(v.jsonUncompressed)), null, `ballot ${i} sent uncompressed verifies`);
  }
});

test('every tampered Java ballot is refused with the words Java uses', async () => {
  const parameters = javaVectors.elections.map(parametersOf);
  assert.ok(javaVectors.tampered.length >= 55);
  for (const t of javaVectors.tampered) {
    const why = await refusal(parameters[t.election], t.json);
    if (t.refusalIsPrefix) {
      assert.ok(why?.startsWith(t.refusal), `${t.what}: ${why}`);
    } else {
      assert.equal(why, t.refusal, t.what);
    }
  }
});

/** Deterministic "random" bytes for the JS vectors: SHA-256(label ‖ counter), 32 bytes at a time. */
function byteStream(label) {
  let counter = 0;
  return (length) => {
    assert.equal(length, 32);
    return sha256(new TextEncoder().encode(`${label}/${counter++}`));
  };
}

/** A scalar in [1, q − 1] fixed by a label, as BallotVectorsTest derives its keys. */
function labelScalar(label) {
  const digest = sha512(new TextEncoder().encode(`bastion-ballot-vectors-js/${label}`));
  return (BigInt(`0x${toHex(digest)}`) % (q - 1n)) + 1n;
}

const JS_ELECTIONS = [
  { electionId: 5, options: 3, minChoices: 1, maxChoices: 1 },
  { electionId: 21, options: 6, minChoices: 0, maxChoices: 3 },
  { electionId: 8, options: 2, minChoices: 1, maxChoices: 2 },
];
const JS_BALLOTS = [[0, [1, 0, 0]], [0, [0, 0, 1]], [1, [0, 1, 0, 1, 0, 1]], [1, [0, 0, 0, 0, 0, 0]], [2, [1, 1]]];

async function jsVectors() {
  const elections = JS_ELECTIONS.map((e, i) => {
    const secretKey = labelScalar(`election-${i}`);
    return { ...e, secretKey: scalarHex(secretKey), publicKey: toHex(p256.Point.BASE.multiply(secretKey).toBytes(true)) };
  });
  const voterKey = scalarHex(labelScalar('voter-0'));
  const credential = deterministicCredential(voterKey);
  const ballots = [];
  for (const [i, [e, choices]] of JS_BALLOTS.entries()) {
    const parameters = parametersOf(elections[e]);
    const randomness = drawRandomness(parameters, byteStream(`ballot-${i}`));
    const ballot = await buildBallot(parameters, choices, credential, randomness);
    assert.equal(await verifyBallot(parameters, ballot), null);
    const proofJson = (r) => ({ w: scalarHex(r.w), simulated: r.simulated.map(([c, s]) => [scalarHex(c), scalarHex(s)]) });
    ballots.push({
      election: e, choices,
      randomness: { options: randomness.options.map((o) => ({ r: scalarHex(o.r), proof: proofJson(o.proof) })),
        overall: proofJson(randomness.overall) },
      bytes: toHex(ballotBytes(ballot)), tracker: tracker(ballot), json: ballotToJson(ballot),
      jsonUncompressed: ballotToJson(ballot, { points: 'uncompressed' }),
    });
  }
  return { about: 'docs/ballots.md; written by test/ballot-vectors.test.js; checked by JsBallotVectorsTest (bastion-evoting)',
    elections, voter: { secretKey: voterKey, credential: toHex(credential.raw) }, ballots };
}

test('the JavaScript ballots for the Java side are what ballot.js builds now', async () => {
  const expected = `${JSON.stringify(await jsVectors(), null, 2)}\n`;
  if (process.env.BASTION_WRITE_VECTORS === '1') writeFileSync(JS_FILE, expected);
  assert.equal(readFileSync(JS_FILE, 'utf8'), expected,
    'test/ballot-vectors-js.json is stale: rerun with BASTION_WRITE_VECTORS=1');
});
