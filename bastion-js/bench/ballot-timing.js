// How long ballot.js takes to build and to parse and verify a 3-option, exactly-one-choice ballot
// (docs/ballots.md, "Cost"), printed per round: wall clock and this process's CPU time. Not a
// test and not a benchmark (no isolation). Usage: node bench/ballot-timing.js [--ballots 20] [--rounds 5]
import { p256 } from '@noble/curves/nist.js';
import { ballotFromJson, ballotToJson, buildBallot, electionParameters, generateCredential, verifyBallot } from '../src/ballot.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const count = option('ballots', 20);
const rounds = option('rounds', 5);

const parameters = electionParameters({ electionId: 3, options: 3, minChoices: 1, maxChoices: 1,
  publicKey: p256.getPublicKey(p256.utils.randomSecretKey(), true) });
const credential = await generateCredential();
const cpuMillis = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
for (let round = 0; round < rounds; round++) {
  let wall = performance.now();
  let cpu = cpuMillis();
  const ballots = [];
  for (let i = 0; i < count; i++) {
    const choices = [0, 0, 0];
    choices[i % 3] = 1;
    ballots.push(ballotToJson(await buildBallot(parameters, choices, credential)));
  }
  const build = [(performance.now() - wall) / count, (cpuMillis() - cpu) / count];
  wall = performance.now();
  cpu = cpuMillis();
  for (const json of ballots) {
    const why = await verifyBallot(parameters, ballotFromJson(json));
    if (why !== null) throw new Error(why);
  }
  const verify = [(performance.now() - wall) / count, (cpuMillis() - cpu) / count];
  console.log(`round ${round}: build ${build[0].toFixed(1)} ms/ballot (${build[1].toFixed(1)} ms CPU), `
    + `parse+verify ${verify[0].toFixed(1)} ms/ballot (${verify[1].toFixed(1)} ms CPU), ${ballots[0].length} JSON characters`);
}
