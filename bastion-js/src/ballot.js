// Encrypted, verifiable ballots, exactly as docs/ballots.md defines them (the Java side is
// io.bastion.evoting.ballot): exponential ElGamal on P-256 under the election's threshold key, a
// disjunctive Chaum–Pedersen proof per option (it encrypts 0 or 1) and one for the number of
// choices, bound to the voter's credential (an ECDSA P-256 key) and signed with it. The proofs carry
// their commitments, so a verifier checks all their equations as one weighted sum. Group arithmetic
// and hashing come from @noble/curves and @noble/hashes, signatures from WebCrypto.
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concat, toHex } from './codec.js';

const Point = p256.Point;
const Fn = Point.Fn;
const G = Point.BASE;
const q = Fn.ORDER;

export const BALLOT_VERSION = 2;
/** The largest election id: 2^53 − 1, so that a JavaScript number carries every id exactly. */
export const ELECTION_ID_MAX = Number.MAX_SAFE_INTEGER;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 64;
/** The statement index of the overall proof; option j's is j. */
export const OVERALL_INDEX = 0xffffffff;
const BRANCHES_MAX = OPTIONS_MAX + 1;
const PROOF_BRANCHES = 2;
const POINT_BYTES = 33;
const UNCOMPRESSED_POINT_BYTES = 65;
const SCALAR_BYTES = 32;
const CREDENTIAL_BYTES = 65;
const SIGNATURE_BYTES = 64;
/** The tag of the context and of the proofs' hash: the construction of version 1, which version 2 keeps. */
const DOMAIN = 'bastion-ballot-v1';
const WEIGHTS_DOMAIN = 'bastion-ballot-v2/weights';
/** Bytes of a weight z_e: a false equation gets through the weighted sum with probability about 2^-128. */
const WEIGHT_BYTES = 16;
const BALLOT_KEYS = Object.freeze(['version', 'electionId', 'credential', 'choices', 'overall', 'signature']);
const CHOICE_KEYS = Object.freeze(['alpha', 'beta', 'proof']);
const ECDSA_IMPORT = { name: 'ECDSA', namedCurve: 'P-256' };
const ECDSA_SIGN = { name: 'ECDSA', hash: 'SHA-256' };

/** A ballot that is not in the JSON form; the message names the field, in the Java reader's words. */
export class BallotError extends Error {}

const utf8 = new TextEncoder();

// ------------------------------------------------------------------ bytes

function u32(value) {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** lp(x) = u32be(length of x) ‖ x. */
function lp(bytes) {
  return concat(u32(bytes.length), bytes);
}

function scalarBytes(value) {
  const out = new Uint8Array(SCALAR_BYTES);
  let v = value;
  for (let i = SCALAR_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function bytesToBigInt(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Hq(parts…): SHA-512 over the length-prefixed parts, as an unsigned big-endian integer, mod q. */
function hashToScalar(parts) {
  const hash = sha512.create();
  for (const part of parts) hash.update(u32(part.length)).update(part);
  return bytesToBigInt(hash.digest()) % q;
}

// ------------------------------------------------------------------ base64url, strict

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >>> (18 - 6 * c)) & 63];
  }
  return out;
}

/** The bytes of unpadded base64url in its one canonical spelling (unused bits zero); null otherwise. */
export function fromBase64url(text) {
  if (typeof text !== 'string' || text.length % 4 === 1 || !BASE64URL.test(text)) return null;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (const ch of text) {
    acc = (acc << 6) | ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >>> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  return acc === 0 ? out : null; // leftover bits must be zero
}

// ------------------------------------------------------------------ election parameters

/**
 * The parameters a ballot is checked against: {electionId, options (k), minChoices, maxChoices,
 * publicKey (33-byte compressed P-256 point)}. Validated here; frozen.
 */
export function electionParameters({ electionId, options, minChoices, maxChoices, publicKey }) {
  if (!Number.isSafeInteger(electionId) || electionId < 0) {
    throw new RangeError(`an election id is in 0..${ELECTION_ID_MAX}, not ${electionId}`);
  }
  if (!Number.isInteger(options) || options < OPTIONS_MIN || options > OPTIONS_MAX) {
    throw new RangeError(`an election has ${OPTIONS_MIN}..${OPTIONS_MAX} options, not ${options}`);
  }
  if (!Number.isInteger(minChoices) || !Number.isInteger(maxChoices) || minChoices < 0 || minChoices > maxChoices
      || maxChoices > options || maxChoices < 1) {
    throw new RangeError(`choices must satisfy 0 <= min <= max <= ${options} and max >= 1, not ${minChoices}..${maxChoices}`);
  }
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== POINT_BYTES) {
    throw new RangeError('the public key is a 33-byte compressed point');
  }
  const point = Point.fromBytes(publicKey); // refuses the identity and points off the curve
  return Object.freeze({ electionId, options, minChoices, maxChoices, publicKey: Uint8Array.from(publicKey), point });
}

function overallBranches(parameters) {
  return parameters.maxChoices - parameters.minChoices + 1;
}

/** ctx: what every proof of a ballot cast with this credential is bound to. */
function context(parameters, credential) {
  return concat(lp(utf8.encode(DOMAIN)), lp(u64(parameters.electionId)), lp(parameters.publicKey), lp(credential),
    lp(Uint8Array.of(parameters.options)), lp(Uint8Array.of(parameters.minChoices)),
    lp(Uint8Array.of(parameters.maxChoices)));
}

// ------------------------------------------------------------------ the disjunctive proof

/** β − v_k·G for every branch k, by repeated subtraction. */
function shiftedBetas(statement) {
  const out = [];
  let current = statement.lowest === 0 ? statement.beta : statement.beta.subtract(G.multiply(BigInt(statement.lowest)));
  for (let k = 0; k < statement.values; k++) {
    out.push(current);
    current = current.subtract(G);
  }
  return out;
}

/** c = Hq(domain, ctx, u32 index, α, β, A₀, B₀, A₁, B₁, …): what the challenges must add up to. */
function challenge(statement, commitments) {
  return hashToScalar([utf8.encode(`${DOMAIN}/proof`), statement.context, u32(statement.index),
    statement.alpha.toBytes(true), statement.beta.toBytes(true), ...commitments.map((p) => p.toBytes(true))]);
}

/** k·P in constant time (noble's multiply), where k may be 0. */
function times(point, k) {
  return k === 0n ? Point.ZERO : point.multiply(k);
}

/**
 * Proves the statement for the ciphertext made with randomness r whose value is lowest + trueIndex:
 * the branches [{a, b, c, s}] (commitments A_k, B_k, challenge, response). Every multiplication is
 * noble's constant-time one, and the same work is done in the same order whichever value is true
 * (the true branch first, then the simulated ones), so the running time does not tell what the
 * ciphertext holds.
 */
function prove(statement, trueIndex, r, { w, simulated }) {
  if (simulated.length !== statement.values - 1) throw new RangeError('one simulated branch per false value');
  if (w <= 0n || w >= q) throw new RangeError('w is in [1, q − 1]');
  const shifted = shiftedBetas(statement);
  const commitments = new Array(2 * statement.values);
  const branches = new Array(statement.values);
  commitments[2 * trueIndex] = G.multiply(w);
  commitments[2 * trueIndex + 1] = statement.publicKey.multiply(w);
  let others = 0n;
  for (let k = 0, s = 0; k < statement.values; k++) {
    if (k === trueIndex) continue;
    const [c, resp] = simulated[s++];
    if (c < 0n || c >= q || resp < 0n || resp >= q) throw new RangeError('simulated scalars are in [0, q − 1]');
    commitments[2 * k] = times(G, resp).subtract(times(statement.alpha, c));
    commitments[2 * k + 1] = times(statement.publicKey, resp).subtract(times(shifted[k], c));
    branches[k] = [c, resp];
    others += c;
  }
  if (commitments.some((p) => p.is0())) throw new RangeError('a commitment is the identity');
  const c = Fn.create(challenge(statement, commitments) - others);
  branches[trueIndex] = [c, Fn.create(w + c * r)];
  return branches.map(([ck, sk], k) => ({ a: commitments[2 * k], b: commitments[2 * k + 1], c: ck, s: sk }));
}

/** The Fiat–Shamir check: one branch per value, canonical scalars, Σ c_k ≡ Hq(…, A₀, B₀, …). No group arithmetic. */
function challengesAddUp(statement, branches) {
  if (branches.length !== statement.values) return false;
  let sum = 0n;
  for (const { c, s } of branches) {
    if (c < 0n || c >= q || s < 0n || s >= q) return false;
    sum += c;
  }
  return Fn.create(sum) === challenge(statement, branches.flatMap(({ a, b }) => [a, b]));
}

/**
 * Whether every commitment is exactly what its challenge and response make it: A_k = s_k·G − c_k·α
 * and B_k = s_k·PK − c_k·(β − v_k·G), two products per branch. Names the failing proof once a
 * ballot's weighted sum has failed.
 */
function equationsHold(statement, branches) {
  if (branches.length !== statement.values) return false;
  const shifted = shiftedBetas(statement);
  return branches.every(({ a, b, c, s }, k) => {
    const minusC = Fn.neg(c);
    return G.mulAddUnsafe(s, statement.alpha, minusC).equals(a) // public values only: variable time is fine
      && statement.publicKey.mulAddUnsafe(s, shifted[k], minusC).equals(b);
  });
}

/** Whether the branches prove the statement on their own. */
function verifies(statement, branches) {
  return challengesAddUp(statement, branches) && equationsHold(statement, branches);
}

/**
 * The weights z_0, z_1, … of a ballot's equations: z_e is the first 16 bytes of
 * SHA-512(lp("bastion-ballot-v2/weights") ‖ lp(ctx) ‖ lp(ballot bytes) ‖ u32be(e)), or 1 if that is 0.
 */
function weightsOf(ctx, bytes) {
  const prefix = sha512.create();
  for (const part of [utf8.encode(WEIGHTS_DOMAIN), ctx, bytes]) prefix.update(u32(part.length)).update(part);
  let index = 0;
  return () => {
    const z = bytesToBigInt(prefix.clone().update(u32(index++)).digest().subarray(0, WEIGHT_BYTES));
    return z === 0n ? 1n : z;
  };
}

/**
 * Whether every equation of every proof holds, checked as one weighted sum with one multi-scalar
 * multiplication: Σ z·(A_k + c_k·α − s_k·G) + z'·(B_k + c_k·(β − v_k·G) − s_k·PK) over all branches,
 * coefficients collected per point, the overall proof's α and β spread onto the α_j and β_j they
 * add up from. Exactly the Java verifier's sum, so both accept the same ballots.
 */
function equationsHoldTogether(parameters, ballot, weight) {
  const points = [];
  const scalars = [];
  let onG = 0n;
  let onPublicKey = 0n;
  const add = (branches, lowest) => {
    let onAlpha = 0n;
    let onBeta = 0n;
    branches.forEach(({ a, b, c, s }, k) => {
      const zA = weight();
      const zB = weight();
      points.push(a, b);
      scalars.push(zA, zB);
      onAlpha += zA * c;
      onBeta += zB * c;
      onG -= zA * s + zB * c * BigInt(lowest + k);
      onPublicKey -= zB * s;
    });
    return [onAlpha, onBeta];
  };
  const options = ballot.choices.map(({ proof }) => add(proof, 0));
  const [overallAlpha, overallBeta] = add(ballot.overall, parameters.minChoices);
  ballot.choices.forEach(({ alpha, beta }, j) => {
    points.push(alpha, beta);
    scalars.push(options[j][0] + overallAlpha, options[j][1] + overallBeta);
  });
  points.push(G, parameters.point);
  scalars.push(onG, onPublicKey);
  return mulAddUnsafe(Point, points, scalars.map((x) => Fn.create(x))).is0();
}

/**
 * The weights z_e of a ballot's equations under the election's parameters, in order (two per
 * branch: options 0.., then the overall proof): what docs/ballots.md defines, for tests and for
 * anyone checking another implementation.
 */
export function equationWeights(parameters, ballot) {
  const weight = weightsOf(context(parameters, ballot.credential), ballotBytes(ballot));
  const branches = ballot.choices.reduce((n, { proof }) => n + proof.length, 0) + ballot.overall.length;
  return Array.from({ length: 2 * branches }, weight);
}

function statementOf(ctx, index, parameters, alpha, beta, lowest, values) {
  return { context: ctx, index, publicKey: parameters.point, alpha, beta, lowest, values };
}

function sumOf(points) {
  return points.reduce((acc, p) => acc.add(p), Point.ZERO);
}

// ------------------------------------------------------------------ randomness

function defaultRandomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** Uniform in [lowest, q − 1], by rejection sampling over 32 random bytes. */
function uniformScalar(randomBytes, lowest) {
  for (;;) {
    const x = bytesToBigInt(randomBytes(SCALAR_BYTES));
    if (x >= lowest && x < q) return x;
  }
}

function drawProofRandomness(values, randomBytes) {
  const simulated = [];
  for (let k = 0; k < values - 1; k++) simulated.push([uniformScalar(randomBytes, 0n), uniformScalar(randomBytes, 0n)]);
  return { w: uniformScalar(randomBytes, 1n), simulated };
}

/**
 * Everything random in a ballot: {options: [{r, proof: {w, simulated: [[c, s]]}}], overall: {w,
 * simulated}}, bigints. Secret: r_j decrypts option j. randomBytes(n) defaults to
 * crypto.getRandomValues.
 */
export function drawRandomness(parameters, randomBytes = defaultRandomBytes) {
  const options = [];
  for (let j = 0; j < parameters.options; j++) {
    options.push({ r: uniformScalar(randomBytes, 1n), proof: drawProofRandomness(PROOF_BRANCHES, randomBytes) });
  }
  return { options, overall: drawProofRandomness(overallBranches(parameters), randomBytes) };
}

// ------------------------------------------------------------------ building

/**
 * A credential that signs with a WebCrypto ECDSA P-256 key pair (as keys.js's generateClientKey
 * makes): {raw: the 65-byte public key, sign(bytes) → 64-byte r ‖ s}.
 */
export function webCryptoCredential({ raw, privateKey }) {
  return {
    raw: Uint8Array.from(raw),
    sign: async (bytes) => new Uint8Array(await crypto.subtle.sign(ECDSA_SIGN, privateKey, bytes)),
  };
}

/** A fresh credential: a non-extractable WebCrypto ECDSA P-256 key pair. */
export async function generateCredential() {
  const pair = await crypto.subtle.generateKey(ECDSA_IMPORT, false, ['sign', 'verify']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return webCryptoCredential({ raw, privateKey: pair.privateKey });
}

/**
 * A signed ballot for choices (choices[j] is 1 when option j is chosen, else 0) under credential
 * ({raw, sign}). randomness (from drawRandomness) is fresh unless given; the same randomness and
 * choices give the same bytes as the Java builder. Refuses choices it could not prove.
 */
export async function buildBallot(parameters, choices, credential, randomness = drawRandomness(parameters)) {
  if (choices.length !== parameters.options) throw new RangeError(`${choices.length} choices for ${parameters.options} options`);
  let chosen = 0;
  for (const m of choices) {
    if (m !== 0 && m !== 1) throw new RangeError(`each choice is 0 or 1, not ${m}`);
    chosen += m;
  }
  if (chosen < parameters.minChoices || chosen > parameters.maxChoices) {
    throw new RangeError(`${chosen} options chosen; this election allows ${parameters.minChoices}..${parameters.maxChoices}`);
  }
  const ctx = context(parameters, credential.raw);
  const encrypted = [];
  let rSum = 0n;
  for (let j = 0; j < choices.length; j++) {
    const { r, proof } = randomness.options[j];
    if (r <= 0n || r >= q) throw new RangeError('r is in [1, q − 1]');
    const alpha = G.multiply(r);
    const masked = parameters.point.multiply(r);
    const beta = choices[j] === 1 ? masked.add(G) : masked;
    const statement = statementOf(ctx, j, parameters, alpha, beta, 0, PROOF_BRANCHES);
    encrypted.push({ alpha, beta, proof: prove(statement, choices[j], r, proof) });
    rSum += r;
  }
  const overallStatement = statementOf(ctx, OVERALL_INDEX, parameters, sumOf(encrypted.map((e) => e.alpha)),
    sumOf(encrypted.map((e) => e.beta)), parameters.minChoices, overallBranches(parameters));
  const overall = prove(overallStatement, chosen - parameters.minChoices, Fn.create(rSum), randomness.overall);
  const unsigned = { electionId: parameters.electionId, credential: Uint8Array.from(credential.raw), choices: encrypted,
    overall, signature: new Uint8Array(SIGNATURE_BYTES) };
  const signature = await credential.sign(ballotBytes(unsigned));
  if (signature.length !== SIGNATURE_BYTES) throw new RangeError('a signature is 64 bytes r ‖ s');
  return { ...unsigned, signature: Uint8Array.from(signature) };
}

// ------------------------------------------------------------------ bytes, tracker

/** The canonical bytes, which the credential signs and the tracker hashes (docs/ballots.md). */
export function ballotBytes(ballot) {
  const parts = [Uint8Array.of(BALLOT_VERSION), u64(ballot.electionId), ballot.credential,
    Uint8Array.of(ballot.choices.length)];
  const branches = (proof) => {
    for (const { a, b, c, s } of proof) parts.push(a.toBytes(true), b.toBytes(true), scalarBytes(c), scalarBytes(s));
  };
  for (const { alpha, beta, proof } of ballot.choices) {
    parts.push(alpha.toBytes(true), beta.toBytes(true));
    branches(proof);
  }
  parts.push(Uint8Array.of(ballot.overall.length));
  branches(ballot.overall);
  return concat(...parts);
}

/** SHA-256 of the ballot's bytes, 64 lowercase hex digits. */
export function tracker(ballot) {
  return toHex(sha256(ballotBytes(ballot)));
}

// ------------------------------------------------------------------ verification

/**
 * null when ballot is valid for the election of parameters, otherwise why not, in the words and
 * order of docs/ballots.md (the same as the Java verifier's). Deterministic.
 */
export async function verifyBallot(parameters, ballot) {
  if (ballot.electionId !== parameters.electionId) {
    return `ballot is for election ${ballot.electionId}, not ${parameters.electionId}`;
  }
  if (ballot.choices.length !== parameters.options) {
    return `ballot has ${ballot.choices.length} options, the election has ${parameters.options}`;
  }
  const range = `${parameters.minChoices}..${parameters.maxChoices}`;
  if (ballot.overall.length !== overallBranches(parameters)) {
    return `the overall proof must have ${overallBranches(parameters)} (A, B, c, s) branches for ${range} choices, not ${ballot.overall.length}`;
  }
  const bytes = ballotBytes(ballot);
  if (!(await signatureVerifies(ballot.credential, ballot.signature, bytes))) {
    return 'signature does not verify under the credential';
  }
  const ctx = context(parameters, ballot.credential);
  const statements = ballot.choices.map(({ alpha, beta }, j) => statementOf(ctx, j, parameters, alpha, beta, 0,
    PROOF_BRANCHES));
  statements.push(statementOf(ctx, OVERALL_INDEX, parameters, sumOf(ballot.choices.map((c) => c.alpha)),
    sumOf(ballot.choices.map((c) => c.beta)), parameters.minChoices, overallBranches(parameters)));
  const proofs = [...ballot.choices.map((c) => c.proof), ballot.overall];
  if (proofs.every((proof, i) => challengesAddUp(statements[i], proof))
      && equationsHoldTogether(parameters, ballot, weightsOf(ctx, bytes))) {
    return null;
  }
  const failing = proofs.findIndex((proof, i) => !verifies(statements[i], proof));
  if (failing < 0) throw new Error('unreachable: a ballot whose proofs each verify fails their weighted sum');
  return failing < ballot.choices.length ? `option ${failing}: the 0/1 proof does not verify`
    : `the overall proof does not verify: the number of choices must be ${range}`;
}

async function signatureVerifies(credential, signature, bytes) {
  try {
    const key = await crypto.subtle.importKey('raw', credential, ECDSA_IMPORT, false, ['verify']);
    return await crypto.subtle.verify(ECDSA_SIGN, key, signature, bytes);
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ the JSON form

/**
 * The JSON text: keys in the form's order, no whitespace. Points are compressed (33 bytes, the
 * canonical form, which the record holds) unless `points` is 'uncompressed' (65 bytes, 0x04 ‖ x ‖ y):
 * the form to send a ballot in, which spares every replica a square root per point. Readers accept
 * both and make the same ballot of them; what is signed and hashed is the compressed form.
 */
export function ballotToJson(ballot, { points = 'compressed' } = {}) {
  if (points !== 'compressed' && points !== 'uncompressed') throw new RangeError("points is 'compressed' or 'uncompressed'");
  const point = (p) => toBase64url(p.toBytes(points === 'compressed'));
  const branches = (proof) => proof.map(({ a, b, c, s }) => [point(a), point(b),
    toBase64url(scalarBytes(c)), toBase64url(scalarBytes(s))]);
  return JSON.stringify({
    version: BALLOT_VERSION,
    electionId: ballot.electionId,
    credential: toBase64url(ballot.credential),
    choices: ballot.choices.map(({ alpha, beta, proof }) => ({
      alpha: point(alpha), beta: point(beta), proof: branches(proof),
    })),
    overall: branches(ballot.overall),
    signature: toBase64url(ballot.signature),
  });
}

/** The ballot a JSON text holds; throws BallotError naming what is wrong (duplicate keys included). */
export function ballotFromJson(text) {
  return ballotFromValue(parseJson(text));
}

/**
 * The ballot a parsed JSON value holds. Strict: exact keys, types, lengths, canonical encodings (a
 * point in either SEC1 form).
 * (A value from JSON.parse has lost duplicate keys and the spelling of numbers, such as 3.0 for 3;
 * ballotFromJson keeps both.)
 */
export function ballotFromValue(value) {
  checkKeys(value, 'ballot', BALLOT_KEYS);
  if (value.version !== BALLOT_VERSION) throw new BallotError(`version: must be ${BALLOT_VERSION}`);
  const electionId = value.electionId;
  if (typeof electionId !== 'number' || !Number.isSafeInteger(electionId) || electionId < 0) {
    throw new BallotError(`electionId: must be an integer in 0..${ELECTION_ID_MAX}`);
  }
  const credential = bytesOf(value.credential, 'credential');
  checkLength(credential, CREDENTIAL_BYTES, 'credential');
  if (credential[0] !== 0x04) throw new BallotError('credential: not an uncompressed point (first byte 0x04)');
  try {
    Point.fromBytes(credential);
  } catch {
    throw new BallotError('credential: not a point on P-256');
  }
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length < OPTIONS_MIN || choices.length > OPTIONS_MAX) {
    throw new BallotError(`choices: must be an array of ${OPTIONS_MIN}..${OPTIONS_MAX} options`);
  }
  const encrypted = choices.map((choice, j) => choiceOf(choice, `choices[${j}]`));
  const overall = value.overall;
  if (!Array.isArray(overall) || overall.length < 1 || overall.length > BRANCHES_MAX) {
    throw new BallotError(`overall: must be an array of 1..${BRANCHES_MAX} (A, B, c, s) branches`);
  }
  const overallProof = branchesOf(overall, 'overall');
  const signature = bytesOf(value.signature, 'signature');
  checkLength(signature, SIGNATURE_BYTES, 'signature');
  return { electionId, credential, choices: encrypted, overall: overallProof, signature };
}

function choiceOf(value, path) {
  checkKeys(value, path, CHOICE_KEYS);
  const alpha = pointOf(value.alpha, `${path}.alpha`);
  const beta = pointOf(value.beta, `${path}.beta`);
  if (!Array.isArray(value.proof) || value.proof.length !== PROOF_BRANCHES) {
    throw new BallotError(`${path}.proof: must be an array of ${PROOF_BRANCHES} (A, B, c, s) branches`);
  }
  return { alpha, beta, proof: branchesOf(value.proof, `${path}.proof`) };
}

/** The branches of a proof array whose size was checked: each [A, B, c, s], read in that order. */
function branchesOf(branches, path) {
  return branches.map((branch, k) => {
    const at = `${path}[${k}]`;
    if (!Array.isArray(branch) || branch.length !== 4 || ![0, 1, 2, 3].every((i) => typeof branch[i] === 'string')) {
      throw new BallotError(`${at}: must be an array of four strings [A, B, c, s]`);
    }
    const a = pointOf(branch[0], `${at}[0]`);
    const b = pointOf(branch[1], `${at}[1]`);
    return { a, b, c: scalarOf(branch[2], `${at}[2]`), s: scalarOf(branch[3], `${at}[3]`) };
  });
}

/** Missing keys first (in the form's order), then the smallest unexpected one (UTF-16 order, as Java's). */
function checkKeys(value, path, keys) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof NonInteger) {
    throw new BallotError(`${path}: not a JSON object`);
  }
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) throw new BallotError(`${path}: missing key "${key}"`);
  }
  const unexpected = Object.keys(value).filter((k) => !keys.includes(k)).sort();
  if (unexpected.length > 0) throw new BallotError(`${path}: unexpected key "${unexpected[0]}"`);
}

/** A point in either SEC1 form; the identity (33 zero bytes) is refused. */
function pointOf(value, path) {
  const bytes = bytesOf(value, path);
  if (bytes.length === UNCOMPRESSED_POINT_BYTES) {
    if (bytes[0] !== 0x04) throw new BallotError(`${path}: not an uncompressed point (first byte 0x04)`);
  } else if (bytes.length === POINT_BYTES) {
    if (bytes.every((b) => b === 0)) throw new BallotError(`${path}: the identity is not allowed`);
    if (bytes[0] !== 0x02 && bytes[0] !== 0x03) {
      throw new BallotError(`${path}: not a compressed point (first byte 0x02 or 0x03)`);
    }
  } else {
    throw new BallotError(`${path}: must be ${POINT_BYTES} bytes (compressed) or ${UNCOMPRESSED_POINT_BYTES} (uncompressed), not ${bytes.length}`);
  }
  try {
    return Point.fromBytes(bytes);
  } catch {
    throw new BallotError(`${path}: not a point on P-256`);
  }
}

function scalarOf(value, path) {
  const bytes = bytesOf(value, path);
  checkLength(bytes, SCALAR_BYTES, path);
  const scalar = bytesToBigInt(bytes);
  if (scalar >= q) throw new BallotError(`${path}: not below the group order`);
  return scalar;
}

function bytesOf(value, path) {
  const bytes = fromBase64url(value);
  if (bytes === null) throw new BallotError(`${path}: must be base64url without padding`);
  return bytes;
}

function checkLength(bytes, expected, path) {
  if (bytes.length !== expected) throw new BallotError(`${path}: must be ${expected} bytes, not ${bytes.length}`);
}

// ------------------------------------------------------------------ a strict JSON reader

/** A number written with a fraction or an exponent: never an integer of the form, even 3.0. */
class NonInteger {
  constructor(text) {
    this.text = text;
  }
}

const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
/** Jackson's default limit (StreamReadConstraints): objects and arrays nested at most this deep. */
const NESTING_MAX = 1000;
/** Jackson's default limit too: digits of a number, before and after the point. */
const NUMBER_DIGITS_MAX = 1000;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

/**
 * JSON.parse, but refusing duplicate keys and keeping whether a number was written as an integer:
 * what Jackson (with strict duplicate detection) reads on the Java side.
 */
function parseJson(text) {
  let at = 0;
  let depth = 0;
  const fail = (what) => {
    throw new BallotError(`not valid JSON: ${what} at offset ${at}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const token = (pattern) => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match === null) fail('unexpected character');
    at = pattern.lastIndex;
    return match;
  };
  const value = () => {
    space();
    const ch = text[at];
    if (ch === '{') return object();
    if (ch === '[') return array();
    if (ch === '"') return JSON.parse(token(STRING)[0]);
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const [raw, fraction, exponent] = token(NUMBER);
      const digits = raw.length - (raw[0] === '-' ? 1 : 0) - (exponent?.length ?? 0) - (fraction === undefined ? 0 : 1);
      if (digits > NUMBER_DIGITS_MAX) fail(`a number of more than ${NUMBER_DIGITS_MAX} digits`);
      if (fraction !== undefined || exponent !== undefined) return new NonInteger(raw);
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : BigInt(raw);
    }
    for (const [word, result] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    return fail(at >= text.length ? 'unexpected end' : 'unexpected character');
  };
  const nest = () => {
    at++;
    if (++depth > NESTING_MAX) fail(`nested more than ${NESTING_MAX} deep`);
  };
  const object = () => {
    nest();
    const out = Object.create(null);
    space();
    if (text[at] === '}') {
      at++;
      depth--;
      return out;
    }
    for (;;) {
      space();
      if (text[at] !== '"') fail('expected a key');
      const key = JSON.parse(token(STRING)[0]);
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new BallotError(`duplicate key "${key}"`);
      space();
      if (text[at] !== ':') fail("expected ':'");
      at++;
      out[key] = value();
      space();
      if (text[at] === ',') {
        at++;
      } else if (text[at] === '}') {
        at++;
        depth--;
        return out;
      } else {
        fail("expected ',' or '}'");
      }
    }
  };
  const array = () => {
    nest();
    const out = [];
    space();
    if (text[at] === ']') {
      at++;
      depth--;
      return out;
    }
    for (;;) {
      out.push(value());
      space();
      if (text[at] === ',') {
        at++;
      } else if (text[at] === ']') {
        at++;
        depth--;
        return out;
      } else {
        fail("expected ',' or ']'");
      }
    }
  };
  if (typeof text !== 'string' || /^[ \t\n\r]*$/.test(text)) throw new BallotError('not valid JSON: no value');
  const result = value();
  space();
  if (at !== text.length) fail('text after the value');
  return result;
}
