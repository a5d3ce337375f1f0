// Signing a voter in on this device, and enrolling the device the first time (docs/evoting.md,
// "Signing in"). Two non-extractable WebCrypto keys per voter live in this browser's IndexedDB: the
// credential ("credential:<voter>"), which the voter enrolls once with the code the admin gave them
// and which signs their ballots, and the session key ("session:<voter>"), which signs the requests
// of a session. Neither private key, nor the code, ever leaves the browser: the Join carries
// signatures and the credential's public key only.
import { JoinRefusedError } from '../src/bastion.js';
import {
  forgetStoredClientKey, generateClientKey, loadStoredClientKey, storeClientKey, storedClientKey,
} from '../src/keys.js';
import { webCryptoCredential } from '../src/ballot.js';
import { EnrollmentError, enrollCredentials, normalizeCode, signInCredentials } from '../src/voter.js';

/** A sign-in that did not happen, with what to tell the voter. */
export class SignInError extends Error {}

// the service's refusals (io.bastion.evoting.SignIn)
const BAD_SIGNATURE = /^unknown voter or bad signature/;
const WRONG_CODE = /^unknown voter or wrong enrollment code/;
const ALREADY_ENROLLED = /is already enrolled/;

/** The IndexedDB names of a voter's keys. */
export const credentialName = (voter) => `credential:${voter}`;
const sessionName = (voter) => `session:${voter}`;

/** The credential this browser holds for voter, as ballot.js signs with it; null if none. */
export async function storedCredential(voter) {
  const key = await loadStoredClientKey(credentialName(voter));
  return key ? webCryptoCredential(key) : null;
}

/**
 * Signs voter in through client: with the credential this browser holds, else (or when the
 * replicas do not accept it) by enrolling one with code. progress(fraction) follows the code's
 * key derivation. Resolves to {session, enrolled}; throws SignInError with what to do.
 */
export async function signIn(client, voter, code, progress = () => {}) {
  if (code) {
    try {
      normalizeCode(code);
    } catch (e) {
      if (e instanceof EnrollmentError) throw new SignInError(`That is not an enrollment code: ${e.message}.`);
      throw e;
    }
  }
  const sessionKey = await storedClientKey(sessionName(voter));
  client.useKey(sessionKey);
  const held = await storedCredential(voter);
  if (held) {
    const credentials = await signInCredentials(voter, held, sessionKey.raw);
    try {
      return { session: await client.join(credentials), enrolled: false };
    } catch (e) {
      if (!(e instanceof JoinRefusedError) || !BAD_SIGNATURE.test(e.reason)) throw e;
      if (!code) {
        throw new SignInError(`The replicas do not accept ${voter}'s credential in this browser: there is no voter `
          + `${voter}, or an admin reset the credential. Enroll again with the new code you were given.`);
      }
    }
  } else if (!code) {
    throw new SignInError(`This browser is not enrolled as ${voter} yet. The first time on a device, type the `
      + 'enrollment code you were given.');
  }
  return { session: await enroll(client, voter, code, sessionKey, held, progress), enrolled: true };
}

/** Enrolls held (the browser's credential for voter) or a new one, kept only if the replicas take it. */
async function enroll(client, voter, code, sessionKey, held, progress) {
  const fresh = held === null;
  let credential = held;
  if (fresh) {
    const key = await generateClientKey('ECDSA_P256');
    await storeClientKey(credentialName(voter), key); // before the Join: a Join that times out may have enrolled it
    credential = webCryptoCredential(key);
  }
  const enrolling = await enrollCredentials(voter, code, credential, sessionKey.raw, { onProgress: progress });
  const signingIn = await signInCredentials(voter, credential, sessionKey.raw);
  try {
    return await client.join(enrolling, { rejoin: signingIn });
  } catch (e) {
    if (!(e instanceof JoinRefusedError)) throw e;
    if (fresh) await forgetStoredClientKey(credentialName(voter));
    if (WRONG_CODE.test(e.reason)) {
      throw new SignInError(`That enrollment code is not ${voter}'s (or there is no voter ${voter}). Check the code `
        + 'and the voter id; an admin can give you a new code.');
    }
    if (ALREADY_ENROLLED.test(e.reason)) {
      throw new SignInError(`${voter} is already enrolled on another device or browser: sign in there, or ask an `
        + 'admin to reset your credential, which gives you a new code.');
    }
    throw new SignInError(`Sign-in refused: ${e.reason}`);
  }
}
