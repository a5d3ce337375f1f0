// ballot.js on its own: ballots made with WebCrypto credentials verify, the builder refuses what it
// could not prove, tampering is refused, the strict JSON reader refuses what Jackson refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  ballotBytes, ballotFromJson, ballotFromValue, ballotToJson, BallotError, buildBallot, drawRandomness,
  electionParameters, equationWeights, generateCredential, tracker, verifyBallot, webCryptoCredential, toBase64url,
} from '../src/ballot.js';
import { generateClientKey } from '../src/keys.js';

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const secretKey = p256.utils.randomSecretKey();

function election(electionId, options, minChoices, maxChoices) {
  return electionParameters({ electionId, options, minChoices, maxChoices, publicKey: p256.getPublicKey(secretKey, true) });
}

function refusalOf(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    assert.ok(e instanceof BallotError, String(e));
    return e.message;
  }
}

test('ballots made with a WebCrypto credential verify, round-trip through JSON and decrypt to the choices', async () => {
  const credential = await generateCredential();
  for (const [k, min, max, choices] of [[3, 1, 1, [0, 1, 0]], [4, 0, 4, [0, 0, 0, 0]], [5, 2, 3, [1, 0, 1, 0, 1]]]) {
    const parameters = election(11, k, min, max);
    const ballot = await buildBallot(parameters, choices, credential);
    assert.equal(await verifyBallot(parameters, ballot), null);
    assert.equal(ballotBytes(ballot).length, 75 + 326 * k + 1 + 130 * (max - min + 1));
    assert.equal(tracker(ballot), toHex(sha256(ballotBytes(ballot))));
    const json = ballotToJson(ballot);
    assert.equal(ballotToJson(ballotFromJson(json)), json);
    assert.equal(await verifyBallot(parameters, ballotFromJson(json)), null);
    const x = BigInt(`0x${toHex(secretKey)}`);
    ballot.choices.forEach(({ alpha, beta }, j) => {
      const m = beta.subtract(alpha.multiply(x));
      assert.ok(choices[j] === 1 ? m.equals(p256.Point.BASE) : m.is0(), `option ${j}`);
    });
  }
  const clientKey = await generateClientKey('ECDSA_P256'); // the key bastion.js signs in with works too
  const parameters = election(12, 2, 1, 1);
  assert.equal(await verifyBallot(parameters, await buildBallot(parameters, [1, 0], webCryptoCredential(clientKey))), null);
});

test('the builder refuses choices it could not prove', async () => {
  const parameters = election(3, 3, 1, 2);
  const credential = await generateCredential();
  await assert.rejects(buildBallot(parameters, [1, 1, 1], credential), /3 options chosen; this election allows 1..2/);
  await assert.rejects(buildBallot(parameters, [0, 0, 0], credential), /0 options chosen/);
  await assert.rejects(buildBallot(parameters, [2, 0, 0], credential), /each choice is 0 or 1, not 2/);
  await assert.rejects(buildBallot(parameters, [1, 0], credential), /2 choices for 3 options/);
  assert.throws(() => election(3, 1, 1, 1), /2..64 options/);
  assert.throws(() => election(3, 3, 2, 1), /0 <= min <= max/);
  assert.throws(() => election(3, 3, 0, 0), /max >= 1/);
  assert.throws(() => election(2 ** 53, 3, 1, 1), /an election id/);
});

test('uniform scalars come by rejection sampling: values out of range are drawn again', () => {
  const parameters = election(3, 2, 1, 1);
  const q = p256.Point.Fn.ORDER;
  const stream = [new Uint8Array(32).fill(0xff), new Uint8Array(32), Uint8Array.of(...new Uint8Array(31), 5)];
  let calls = 0;
  const bytes = () => stream[Math.min(calls++, stream.length - 1)];
  const randomness = drawRandomness(parameters, bytes);
  assert.equal(randomness.options[0].r, 5n, '2^256 − 1 (>= q) and 0 (r must be >= 1) were refused');
  assert.ok(randomness.options.every((o) => o.r > 0n && o.r < q));
  // r₀ took three draws; then w, c and s for option 0, r, w, c, s for option 1, w for the overall proof.
  assert.equal(calls, 3 + 3 + 4 + 1, 'every other scalar took one draw');
});

test('tampering is refused: another election, a changed signature, a ballot re-signed under another credential', async () => {
  const parameters = election(3, 3, 1, 1);
  const credential = await generateCredential();
  const ballot = await buildBallot(parameters, [1, 0, 0], credential);
  assert.equal(await verifyBallot(election(4, 3, 1, 1), ballot), 'ballot is for election 3, not 4');
  assert.equal(await verifyBallot(election(3, 4, 1, 1), ballot), 'ballot has 3 options, the election has 4');
  assert.equal(await verifyBallot(election(3, 3, 0, 1), ballot),
    'the overall proof must have 2 (A, B, c, s) branches for 0..1 choices, not 1');
  const signature = ballot.signature.slice();
  signature[3] ^= 1;
  assert.equal(await verifyBallot(parameters, { ...ballot, signature }), 'signature does not verify under the credential');
  const thief = await generateCredential();
  const copied = { ...ballot, credential: thief.raw };
  copied.signature = await thief.sign(ballotBytes(copied));
  assert.equal(await verifyBallot(parameters, copied), 'option 0: the 0/1 proof does not verify');
  const swapped = { ...ballot, choices: [ballot.choices[1], ballot.choices[0], ballot.choices[2]] };
  swapped.signature = await credential.sign(ballotBytes(swapped));
  assert.equal(await verifyBallot(parameters, swapped), 'option 0: the 0/1 proof does not verify');
  const lifted = { ...ballot, overall: [{ ...ballot.overall[0], s: ballot.overall[0].s + p256.Point.Fn.ORDER }] };
  assert.equal(await verifyBallot(parameters, { ...lifted, signature: await credential.sign(ballotBytes(lifted)) }),
    'the overall proof does not verify: the number of choices must be 1..1');
});

test('the equations are checked weighted: errors that cancel in a plain sum are refused, the first proof named', async () => {
  const parameters = election(3, 3, 1, 1);
  const credential = await generateCredential();
  const ballot = await buildBallot(parameters, [0, 1, 0], credential);
  const weights = equationWeights(parameters, ballot);
  assert.equal(weights.length, 2 * (2 * 3 + 1), 'two equations a branch');
  assert.ok(weights.every((z) => z > 0n && z < 2n ** 128n));
  assert.equal(new Set(weights).size, weights.length);
  // s₀ of option 0 raised by 1 and of option 2 lowered by 1: the four equations err by −G, −PK, +G, +PK,
  // which add up to the identity; the challenges still add up (responses are not hashed).
  const shift = (choice, delta) => ({ ...choice,
    proof: [{ ...choice.proof[0], s: p256.Point.Fn.create(choice.proof[0].s + delta) }, choice.proof[1]] });
  const shifted = { ...ballot, choices: [shift(ballot.choices[0], 1n), ballot.choices[1], shift(ballot.choices[2], -1n)] };
  shifted.signature = await credential.sign(ballotBytes(shifted));
  assert.equal(await verifyBallot(parameters, shifted), 'option 0: the 0/1 proof does not verify');
  assert.notDeepEqual(equationWeights(parameters, shifted), weights, 'other bytes, other weights');
});

test('the JSON reader refuses what the Java reader refuses, in the same words', async () => {
  const parameters = election(3, 3, 1, 1);
  const json = ballotToJson(await buildBallot(parameters, [0, 0, 1], await generateCredential()));
  assert.equal(refusalOf(() => ballotFromJson('')), 'not valid JSON: no value');
  assert.match(refusalOf(() => ballotFromJson('{')), /^not valid JSON: /);
  assert.match(refusalOf(() => ballotFromJson(`${json} `)) ?? 'accepted', /accepted/);
  assert.match(refusalOf(() => ballotFromJson(`${json}x`)), /^not valid JSON: text after the value/);
  assert.match(refusalOf(() => ballotFromJson(json.replace('"electionId":3', '"electionId":03'))), /^not valid JSON: /);
  assert.equal(refusalOf(() => ballotFromJson(json.replace('{"alpha":', '{"beta":"x","alpha":'))), 'duplicate key "beta"');
  assert.equal(refusalOf(() => ballotFromJson(json.replace('{"version":2,', '{"version":2,"vers\\u0069on":2,'))),
    'duplicate key "version"');
  for (const number of ['3.0', '3e0', '3E+0', '-1', '9007199254740992', '18446744073709551621']) {
    assert.equal(refusalOf(() => ballotFromJson(json.replace('"electionId":3', `"electionId":${number}`))),
      'electionId: must be an integer in 0..9007199254740991', number);
  }
  assert.equal(refusalOf(() => ballotFromJson(json.replace('"version":2', '"version":2.0'))), 'version: must be 2');
  assert.equal(refusalOf(() => ballotFromJson(json.replace('{"version":2,', '{"version":2,"__proto__":{},'))),
    'ballot: unexpected key "__proto__"');
  assert.equal(refusalOf(() => ballotFromJson(json.replace('"electionId":3', '"electionId" : 3 '))), null);
  const nested = (n) => json.replace('"version":2', `"version":${'['.repeat(n)}${']'.repeat(n)}`);
  assert.equal(refusalOf(() => ballotFromJson(nested(999))), 'version: must be 2', 'depth 1000, as Jackson allows');
  assert.match(refusalOf(() => ballotFromJson(nested(1000))), /^not valid JSON: nested more than 1000 deep/);
  for (const [digits, refusal] of [[1000, /^version: must be 2$/], [1001, /^not valid JSON: a number of more than/]]) {
    for (const number of [`-${'1'.repeat(digits)}`, `1.${'1'.repeat(digits - 1)}`]) {
      assert.match(refusalOf(() => ballotFromJson(json.replace('"version":2', `"version":${number}`))), refusal);
    }
  }
  assert.equal(refusalOf(() => ballotFromValue(null)), 'ballot: not a JSON object');
  assert.equal(refusalOf(() => ballotFromValue([])), 'ballot: not a JSON object');
  const value = JSON.parse(json);
  value.signature = toBase64url(new Uint8Array(65));
  assert.equal(refusalOf(() => ballotFromValue(value)), 'signature: must be 64 bytes, not 65');
});

test('base64url is written without padding and read only in its canonical spelling', () => {
  for (let n = 0; n < 8; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => 251 - 37 * i);
    assert.equal(toBase64url(bytes), Buffer.from(bytes).toString('base64url'));
  }
});
