// The voters' devices of bench/ballots.js: a worker thread that holds the credentials of the voters
// given to it and does their slow cryptography before the timed phase, so that the bench can use
// every core for it. Each message is one task {task, ...}, and the next comes only after the reply,
// {result} or {error}. Tasks:
//   enrollmentKey {voter, code}                → the enrollment public key (65 bytes), what the admin registers
//   joinCredentials {voter, code, sessionKey}  → {enroll, signIn}: Join credentials (UTF-8 JSON bytes) that
//       enroll a new credential (made here, kept here) with the code, and that sign in with it afterwards
//   ballots {voter, voterIndex, elections, perElection, first, count, faulty} → [{electionId, tracker, request}]:
//       the castBallot requests of this voter's ballots number first .. first+count-1, ballot n in
//       elections[n / perElection], choosing one option (a different one from ballot to ballot and voter to
//       voter), built under the election's key and signed with the voter's credential; when faulty, option
//       0's first response is moved by one before signing (a false proof whose challenges add up)
// Not a test.
import { parentPort } from 'node:worker_threads';
import {
  ballotBytes, ballotToJson, buildBallot, electionParameters, fromBase64url, generateCredential, tracker,
} from '../src/ballot.js';
import { enrollCredentials, enrollmentKey, signInCredentials } from '../src/voter.js';

/** The order of P-256's group: responses are scalars mod this. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const credentials = new Map(); // voter id → {raw, sign}: the device's credential, never leaves this thread
const parameters = new Map(); // election id → electionParameters

const tasks = {
  enrollmentKey({ voter, code }) {
    return enrollmentKey(voter, code).publicKey;
  },

  async joinCredentials({ voter, code, sessionKey }) {
    const credential = await generateCredential();
    credentials.set(voter, credential);
    return {
      enroll: await enrollCredentials(voter, code, credential, sessionKey),
      signIn: await signInCredentials(voter, credential, sessionKey),
    };
  },

  async ballots({ voter, voterIndex, elections, perElection, first, count, faulty = false }) {
    const credential = credentials.get(voter);
    if (!credential) throw new Error(`no credential for ${voter} in this worker: joinCredentials first`);
    const out = [];
    for (let number = first; number < first + count; number++) {
      const election = parametersOf(elections[Math.floor(number / perElection)]);
      const choices = new Array(election.options).fill(0);
      choices[(voterIndex + number) % election.options] = 1;
      const ballot = await buildBallot(election, choices, credential);
      if (faulty) {
        const branch = ballot.choices[0].proof[0];
        branch.s = (branch.s + 1n) % P256_ORDER;
        ballot.signature = Uint8Array.from(await credential.sign(ballotBytes(ballot)));
      }
      out.push({ electionId: election.electionId, tracker: tracker(ballot),
        request: `{"op":"castBallot","electionId":${election.electionId},"ballot":${ballotToJson(ballot, { points: 'uncompressed' })}}` });
    }
    return out;
  },
};

/**
 * The parameters of an election as the service describes it. Multiples of its key are precomputed
 * (noble's precompute): this thread builds many ballots under the same key, which that makes about
 * 40 % faster; the ballots are the same as without it. The page does not do this.
 */
function parametersOf(election) {
  let p = parameters.get(election.id);
  if (!p) {
    p = electionParameters({ electionId: election.id, options: election.options.length,
      minChoices: election.minChoices, maxChoices: election.maxChoices, publicKey: fromBase64url(election.publicKey) });
    p.point.precompute(8, false);
    parameters.set(election.id, p);
  }
  return p;
}

parentPort.on('message', async ({ task, ...input }) => {
  try {
    parentPort.postMessage({ result: await tasks[task](input) });
  } catch (e) {
    parentPort.postMessage({ error: e.stack ?? String(e) });
  }
});
