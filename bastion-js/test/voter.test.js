// Voter credentials in the browser (voter.js): scrypt against RFC 7914's vectors, codes as typed,
// the enrollment key and the Join credentials whose signatures the replicas check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { p256 } from '@noble/curves/nist.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { toHex } from '../src/codec.js';
import { generateCredential } from '../src/ballot.js';
import {
  EnrollmentError, SCRYPT, enrollCredentials, enrollmentKey, enrollmentKeyAsync, enrollmentMessage, normalizeCode, signInCredentials,
  signInMessage,
} from '../src/voter.js';

const utf8 = (text) => new TextEncoder().encode(text);
const fromB64url = (text) => new Uint8Array(Buffer.from(text, 'base64url'));
const CHEAP = { scrypt: { N: 16, r: 1, p: 1, dkLen: 48 } };
const CODE = 'ABCD-EFGH-IJKL-MNOP-QR23';
// WebCrypto's ECDSA signatures have either s; the replicas accept both, as noble does with lowS off
const ANY_S = { lowS: false };

test('scrypt gives RFC 7914 section 12 vectors 1 and 2', () => {
  assert.equal(toHex(scrypt(utf8(''), utf8(''), { N: 16, r: 1, p: 1, dkLen: 64 })),
    '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442'
    + 'fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906');
  assert.equal(toHex(scrypt(utf8('password'), utf8('NaCl'), { N: 1024, r: 8, p: 16, dkLen: 64 })),
    'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162'
    + '2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640');
});

test('a code is read as typed: groups, spaces and lower case; anything else is refused', () => {
  assert.equal(normalizeCode('abcd-efgh ijkl-mnop-qr23'), 'ABCDEFGHIJKLMNOPQR23');
  for (const bad of ['', 'ABCD-EFGH', 'ABCD-EFGH-IJKL-MNOP-QR21', 'ABCD-EFGH-IJKL-MNOP-QR234', 'ÄBCDEFGHIJKLMNOPQR23']) {
    assert.throws(() => normalizeCode(bad), EnrollmentError, bad);
  }
});

test('the enrollment key depends on the code and the voter, and is a P-256 key pair', () => {
  const a = enrollmentKey('alice', CODE, CHEAP);
  assert.deepEqual(enrollmentKey('alice', CODE.toLowerCase(), CHEAP), a);
  assert.notDeepEqual(enrollmentKey('bob', CODE, CHEAP).publicKey, a.publicKey);
  assert.notDeepEqual(enrollmentKey('alice', 'ABCD-EFGH-IJKL-MNOP-QR24', CHEAP).publicKey, a.publicKey);
  assert.equal(a.publicKey.length, 65);
  assert.deepEqual(p256.getPublicKey(a.secretKey, false), a.publicKey);
  assert.deepEqual(SCRYPT, { N: 1 << 15, r: 8, p: 1, dkLen: 48 });
});

test('the full-cost enrollment key is what the cheap one is not', () => {
  const full = enrollmentKey('alice', CODE);
  assert.notDeepEqual(full.publicKey, enrollmentKey('alice', CODE, CHEAP).publicKey);
  assert.deepEqual(p256.getPublicKey(full.secretKey, false), full.publicKey);
});

test('the key computed in slices is the same, and reports its progress up to 1', async () => {
  const seen = [];
  const sliced = await enrollmentKeyAsync('alice', CODE, { scrypt: { N: 1024, r: 8, p: 1, dkLen: 48 },
    onProgress: (fraction) => seen.push(fraction) });
  assert.deepEqual(sliced, enrollmentKey('alice', CODE, { scrypt: { N: 1024, r: 8, p: 1, dkLen: 48 } }));
  assert.ok(seen.length >= 2, `${seen.length} progress calls`);
  assert.deepEqual([...seen].sort((a, b) => a - b), seen, 'progress only advances');
  assert.equal(seen.at(-1), 1);
});

test('enrolling: the enrollment key signs the credential, the credential signs the session key', async () => {
  const credential = await generateCredential();
  const session = await generateCredential();
  const json = JSON.parse(new TextDecoder().decode(await enrollCredentials('alice', CODE, credential, session.raw, CHEAP)));
  assert.deepEqual(Object.keys(json).sort(), ['enroll', 'signature', 'voter']);
  assert.equal(json.voter, 'alice');
  assert.deepEqual(fromB64url(json.enroll.credential), credential.raw);
  const { publicKey } = enrollmentKey('alice', CODE, CHEAP);
  const enrollSignature = fromB64url(json.enroll.signature);
  assert.ok(p256.verify(enrollSignature, enrollmentMessage('alice', credential.raw), publicKey));
  assert.ok(!p256.verify(enrollSignature, enrollmentMessage('bob', credential.raw), publicKey), 'bound to the voter');
  assert.ok(!p256.verify(enrollSignature, enrollmentMessage('alice', session.raw), publicKey), 'bound to the credential');
  const signature = fromB64url(json.signature);
  assert.ok(p256.verify(signature, signInMessage(session.raw), credential.raw, ANY_S));
  assert.ok(!p256.verify(signature, signInMessage(credential.raw), credential.raw, ANY_S), 'bound to the session key');
});

test('signing in: the credential signs the session key, nothing else is sent', async () => {
  const credential = await generateCredential();
  const session = await generateCredential();
  const json = JSON.parse(new TextDecoder().decode(await signInCredentials('alice', credential, session.raw)));
  assert.deepEqual(Object.keys(json).sort(), ['signature', 'voter']);
  assert.ok(p256.verify(fromB64url(json.signature), signInMessage(session.raw), credential.raw, ANY_S));
});
