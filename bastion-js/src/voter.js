// A voter's credentials for the e-voting service (docs/evoting.md, "Enrollment" and "Signing in"):
// the one-time enrollment code the admin hands out, the enrollment key derived from it, and the Join
// credentials that enroll a device's credential or sign in with it. No code or private key ever
// leaves the browser; the replicas hold only public keys. The formats are those of the Java side
// (io.bastion.evoting.EnrollmentCode and JoinCredentials).

import { p256 } from '@noble/curves/nist.js';
import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js';
import { concat, toUtf8 } from './codec.js';
import { toBase64url } from './ballot.js';

/** What an enrollment signature covers first; the voter id and the credential follow. */
export const ENROLL_DOMAIN = 'bastion-evoting-enroll-v1';
/** What a sign-in signature covers first; the session's public key follows. */
export const SIGN_IN_DOMAIN = 'bastion-evoting-signin-v1';
/** The scrypt salt's prefix; the voter id follows. */
export const SALT_PREFIX = 'bastion-evoting-enroll-v1:';
/** scrypt's cost: some 32 MiB and a second or so in a browser, once per enrollment. */
export const SCRYPT = Object.freeze({ N: 1 << 15, r: 8, p: 1, dkLen: 48 });
/** Characters of a code: RFC 4648 base32 (100 bits), handed out in groups of four. */
export const CODE_CHARS = 20;

const CODE = /^[A-Z2-7]{20}$/;

/** Thrown for a code or an id that cannot be one; the message says what it must be. */
export class EnrollmentError extends Error {}

/** The code as derivation reads it: hyphens and spaces dropped, upper case; throws unless 20 base32 characters. */
export function normalizeCode(typed) {
  const code = String(typed).replace(/[-\s]/g, '').toUpperCase();
  if (!CODE.test(code)) {
    throw new EnrollmentError(`an enrollment code is ${CODE_CHARS} characters A-Z and 2-7 (hyphens and spaces aside)`);
  }
  return code;
}

/**
 * The enrollment key of voterId with code: scrypt(code, "bastion-evoting-enroll-v1:" ‖ id) read as a
 * big-endian integer, mod (q − 1), plus one. Returns {secretKey (32 bytes), publicKey (65 bytes,
 * uncompressed, what the admin registers)}. Slow on purpose; options.scrypt lets tests lower the cost.
 */
export function enrollmentKey(voterId, code, options = {}) {
  return keyPairOf(scrypt(toUtf8(normalizeCode(code)), toUtf8(SALT_PREFIX + voterId), options.scrypt ?? SCRYPT));
}

/**
 * enrollmentKey, computed in slices that let a page repaint: options.onProgress(fraction) is called
 * as scrypt advances, from 0 to 1.
 */
export async function enrollmentKeyAsync(voterId, code, options = {}) {
  const cost = { ...(options.scrypt ?? SCRYPT), ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  return keyPairOf(await scryptAsync(toUtf8(normalizeCode(code)), toUtf8(SALT_PREFIX + voterId), cost));
}

function keyPairOf(derived) {
  const q = p256.Point.CURVE().n;
  let d = 0n;
  for (const b of derived) d = (d << 8n) | BigInt(b);
  d = (d % (q - 1n)) + 1n;
  const secretKey = scalarBytes(d);
  return { secretKey, publicKey: p256.getPublicKey(secretKey, false) };
}

function scalarBytes(d) {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, d >>= 8n) out[i] = Number(d & 0xffn);
  return out;
}

/** "bastion-evoting-enroll-v1" ‖ voter id (UTF-8) ‖ credential (65 bytes). */
export function enrollmentMessage(voterId, credentialRaw) {
  return concat(toUtf8(ENROLL_DOMAIN), toUtf8(voterId), credentialRaw);
}

/** "bastion-evoting-signin-v1" ‖ the session's public key bytes. */
export function signInMessage(sessionKeyRaw) {
  return concat(toUtf8(SIGN_IN_DOMAIN), sessionKeyRaw);
}

/**
 * Join credentials that sign voterId in: credential ({raw, sign}, e.g. ballot.js's
 * webCryptoCredential) signs the session's public key. Returns the UTF-8 JSON bytes.
 */
export async function signInCredentials(voterId, credential, sessionKeyRaw) {
  const signature = await credential.sign(signInMessage(sessionKeyRaw));
  return toUtf8(JSON.stringify({ voter: voterId, signature: toBase64url(signature) }));
}

/**
 * Join credentials that enroll credential for voterId and sign in at once: the enrollment key from
 * the code signs the credential, and the credential signs the session's public key. The code's
 * scrypt runs in slices (enrollmentKeyAsync); options.onProgress(fraction) follows it.
 */
export async function enrollCredentials(voterId, code, credential, sessionKeyRaw, options = {}) {
  const { secretKey } = await enrollmentKeyAsync(voterId, code, options);
  const enrollSignature = p256.sign(enrollmentMessage(voterId, credential.raw), secretKey); // SHA-256, r ‖ s
  const signature = await credential.sign(signInMessage(sessionKeyRaw));
  return toUtf8(JSON.stringify({
    voter: voterId,
    enroll: { credential: toBase64url(credential.raw), signature: toBase64url(enrollSignature) },
    signature: toBase64url(signature),
  }));
}
