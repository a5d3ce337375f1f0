package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.evoting.SimParticipant.Answer;
import io.bastion.evoting.SimParticipant.Await;
import io.bastion.evoting.SimParticipant.Call;
import io.bastion.evoting.SimParticipant.Join;
import io.bastion.evoting.SimParticipant.Note;
import io.bastion.evoting.SimParticipant.Send;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.BallotRandomness;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.EncryptedChoice;
import io.bastion.sim.ClientProgram;
import io.bastion.sim.ReplicaService;
import io.bastion.sim.SimOptions;
import io.bastion.sim.SimulatedKeys;
import io.bastion.sim.Workload;
import io.bastion.sql.SqlDatabase;
import io.bastion.sql.SqlStateMachine;
import io.bastion.threshold.ThresholdAccess;
import io.bastion.threshold.ThresholdSqlService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A whole election played in the simulator on the service {@code bastion replica --service
 * evoting} runs: {@link EvotingService#withDemoData()} inside a {@link ThresholdSqlService} (clients
 * may not ask the ledger for anything themselves) in a {@link SqlStateMachine} per replica, in the
 * replica's own directory, with the replica's threshold agent (which the simulator wires). The demo
 * data holds the admin, alice, bob, carol and dave, and election 1 (three options, one choice, open
 * until the admin closes it).
 *
 * <p>The participants ({@link SimParticipant}s), all at once from the start:
 * <ul>
 *   <li>the admin enrolls with its code, registers erin, frank and mallory and makes them eligible,
 *       waits until every honest voter has voted and mallory has made her attacks, closes the
 *       election, asks for the results until the replicas' decryption is done, and reads the box;</li>
 *   <li>the honest voters (the demo four and, once registered, erin and frank) enroll with their
 *       codes, wait for the election's key, cast encrypted ballots — some vote again, some of
 *       those after signing in again with their credential — and read their own ballots;</li>
 *   <li>mallory, eligible, sends malformed JSON, a ballot with a tampered proof, one signed with
 *       another key than its credential, a ballot copied from the public box (another voter's
 *       credential), one valid ballot, the identical signed request again (a replay), that ballot
 *       in a new request (a double vote), an oversized request, and, after the close, another
 *       ballot;</li>
 *   <li>trudy tries to enroll as carol without her code, to sign in as alice without her
 *       credential, and to join with malformed credentials.</li>
 * </ul>
 * What each of them saw is kept here for the test to check, with the truth: each voter's last
 * accepted ballot. Every choice, key and signature follows from the seed.
 */
final class SimElection {
    /**
     * The simulator's protocol settings, but with state chunks of one SQLite page: a database's state
     * is served page by page, and a replica refuses a chunk longer than {@code stateChunkBytes}.
     */
    static final ProtocolSettings SETTINGS = SimOptions.SIM_SETTINGS.withStateChunkBytes(SqlDatabase.PAGE_BYTES);
    static final long ELECTION = 1;
    static final List<String> DEMO_VOTERS = List.of("alice", "bob", "carol", "dave");
    /** The voters the admin registers during the run, in that order. */
    static final List<String> REGISTERED = List.of("erin", "frank", "mallory");
    /** The codes the admin hands them. */
    private static final Map<String, String> CODES = Map.of("erin", "ERIN-SIMU-LATE-DVOT-ER22",
            "frank", "FRNK-SIMU-LATE-DVOT-ER22", "mallory", "MLRY-SIMU-LATE-DVOT-ER22");
    /** The attacks whose refusals the test reads, by name. */
    static final String MALFORMED = "malformed JSON";
    static final String TAMPERED = "a tampered proof";
    static final String FORGED = "a ballot signed with another key";
    static final String COPIED = "another voter's ballot";
    static final String DOUBLE = "the same ballot again";
    static final String AFTER_CLOSE = "a ballot after the close";
    static final String WRONG_CODE = "enrolling as carol without her code";
    static final String BAD_SIGN_IN = "signing in as alice without her credential";
    static final String BAD_CREDENTIALS = "malformed credentials";
    private static final int OPTIONS = DemoData.OPTIONS.size();
    private static final long KEY_IDS_PER_PARTICIPANT = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long seed;
    private final int requestBytesMax;
    private final SplittableRandom random;
    private final List<SimParticipant> participants = new ArrayList<>();
    private final List<String> honest = new ArrayList<>();

    // what participants tell each other
    private boolean registered;
    private int votersDone;
    private boolean attacksBeforeCloseDone;
    private Long closedAtMillis;

    // what they saw
    private final Map<String, int[]> counted = new TreeMap<>();
    private final Map<String, List<String>> trackers = new TreeMap<>();
    private final Map<String, JsonNode> myBallots = new TreeMap<>();
    private final Map<String, String> refusals = new LinkedHashMap<>();
    private int accepted;
    private JsonNode results;
    private JsonNode box;
    private Envelope<Request> replayed;
    private byte[] replayedAnswer;
    private Envelope<Request> oversized;
    private SimParticipant admin;
    private SimParticipant mallory;

    /** The election of the run of {@code seed} in a cluster whose requests may be {@code requestBytesMax} long. */
    SimElection(long seed, int requestBytesMax) {
        this.seed = seed;
        this.requestBytesMax = requestBytesMax;
        this.random = new SplittableRandom(seed);
        addAdmin();
        for (String voter : DEMO_VOTERS) {
            addVoter(voter, demoCode(voter), false);
        }
        for (String voter : List.of("erin", "frank")) {
            addVoter(voter, CODES.get(voter), true);
        }
        addMallory();
        addTrudy();
    }

    /** What the replicas run and the participants, as a workload of the simulator; {@code replay} names the test. */
    Workload workload(Path directory, LongFunction<String> replay) {
        return new Workload(SimElection::boot, directory, List.<ClientProgram>copyOf(participants), replay);
    }

    /**
     * One replica's boot, as {@code bastion replica --service evoting} builds it (demo data, no key
     * file), but without fsync ({@link SqlDatabase.Mode#NO_ACID}): a simulated crash loses the
     * replica's memory, never what it handed the operating system, so fsync would change nothing
     * in the run and only cost time (most of it, measured).
     */
    static ReplicaService.Booted boot(ReplicaService.Boot boot) {
        ClusterConfig config = boot.config();
        EvotingService evoting = EvotingService.withDemoData();
        ThresholdSqlService hosted = new ThresholdSqlService(config.n(), config.f(), ThresholdAccess.SERVICE_ONLY,
                threshold -> {
                    evoting.useThreshold(threshold);
                    return evoting;
                });
        SqlStateMachine machine = new SqlStateMachine(boot.replicaId(), boot.signer(), hosted, boot.directory(),
                SqlDatabase.Mode.NO_ACID, config.settings().checkpointInterval(), boot.sessions());
        return new ReplicaService.Booted(machine, hosted::ledger);
    }

    private static String demoCode(String voter) {
        return DemoData.accounts().stream().filter(a -> a.voter().equals(voter)).findFirst().orElseThrow().code();
    }

    private SimParticipant participant(String name) {
        SimParticipant p = new SimParticipant(name, KEY_IDS_PER_PARTICIPANT * (participants.size() + 1), seed);
        participants.add(p);
        return p;
    }

    // ------------------------------------------------------------------ the participants' scripts

    private void addAdmin() {
        SimVoterKeys keys = SimVoterKeys.of("admin", DemoData.ADMIN.code(), seed);
        admin = participant("admin").then(new Join("enroll", keys::enroll, SimElection::joined));
        for (String voter : REGISTERED) {
            String key = Base64Url.encode(SimVoterKeys.of(voter, CODES.get(voter), seed).enrollmentKey().bytes());
            admin.then(new Call("register " + voter, () -> "{\"op\":\"registerVoter\",\"voter\":\"" + voter
                    + "\",\"name\":\"" + voter + "\",\"role\":\"voter\",\"enrollmentKey\":\"" + key + "\"}",
                    ok("registering " + voter)));
        }
        admin.then(new Call("make them eligible", () -> "{\"op\":\"addVoters\",\"electionId\":" + ELECTION
                        + ",\"voters\":[\"erin\",\"frank\",\"mallory\"]}", ok("addVoters")))
                .then(new Note("they are registered", () -> registered = true))
                .then(new Await("every voter voted and mallory attacked",
                        () -> votersDone == honest.size() && attacksBeforeCloseDone))
                .then(new Call("close the election", () -> "{\"op\":\"closeElection\",\"electionId\":" + ELECTION + "}",
                        answer -> {
                            if (!ok("closeElection").test(answer)) {
                                return false;
                            }
                            closedAtMillis = answer.json().get("closesAt").longValue();
                            return true;
                        }))
                .then(new Call("the results", () -> "{\"op\":\"results\",\"electionId\":" + ELECTION + "}", answer -> {
                    if (!ok("results").test(answer) || answer.json().get("tally").textValue().equals("tallying")) {
                        return false; // the replicas are still decrypting
                    }
                    results = answer.json();
                    return true;
                }))
                .then(new Call("the ballot box", () -> "{\"op\":\"ballotBox\",\"electionId\":" + ELECTION + "}", answer -> {
                    if (!ok("ballotBox").test(answer)) {
                        return false;
                    }
                    box = answer.json();
                    return true;
                }));
    }

    /** An honest voter: one ballot, or two (with a sign-in before the second, sometimes). */
    private void addVoter(String name, String code, boolean registeredDuringTheRun) {
        honest.add(name);
        SimVoterKeys keys = SimVoterKeys.of(name, code, seed);
        SimParticipant voter = participant(name);
        if (registeredDuringTheRun) {
            voter.then(new Await("being registered", () -> registered));
        }
        JsonNode[] election = new JsonNode[1];
        voter.then(new Join("enroll", keys::enroll, SimElection::joined))
                .then(awaitKey(election));
        int ballots = name.equals("alice") ? 2 : 1 + random.nextInt(2); // alice always votes again
        boolean signsInAgain = random.nextBoolean();
        for (int b = 1; b <= ballots; b++) {
            int[] choices = oneHot(random.nextInt(OPTIONS));
            String which = name + "'s ballot " + b;
            if (b > 1 && signsInAgain) {
                voter.then(new Join("sign in again", keys::signIn, SimElection::joined));
            }
            voter.then(new Call("cast ballot " + b, () -> cast(build(keys, election[0], choices, which)), answer -> {
                if (!ok(which).test(answer)) {
                    return false;
                }
                counted(name, choices, answer);
                return true;
            }));
        }
        voter.then(new Call("my ballots", () -> "{\"op\":\"myBallots\",\"electionId\":" + ELECTION + "}", answer -> {
            if (!ok("myBallots").test(answer)) {
                return false;
            }
            myBallots.put(name, answer.json());
            return true;
        })).then(new Note("voted", () -> votersDone++));
    }

    private void addMallory() {
        SimVoterKeys keys = SimVoterKeys.of("mallory", CODES.get("mallory"), seed);
        JsonNode[] election = new JsonNode[1];
        String[] copied = new String[1];
        String[] valid = new String[1];
        int[] choices = oneHot(random.nextInt(OPTIONS));
        mallory = participant("mallory")
                .then(new Await("being registered", () -> registered))
                .then(new Join("enroll", keys::enroll, SimElection::joined))
                .then(awaitKey(election))
                .then(refused(MALFORMED, () -> "{not json"))
                .then(refused(TAMPERED, () -> cast(tampered(keys, election[0]))))
                .then(refused(FORGED, () -> cast(signedByAnother(keys, election[0]))))
                .then(new Call("find a ballot in the box", () -> "{\"op\":\"ballotBox\",\"electionId\":" + ELECTION
                        + ",\"limit\":1}", answer -> {
                            if (!ok("ballotBox").test(answer) || answer.json().get("ballots").isEmpty()) {
                                return false; // nobody has voted yet
                            }
                            copied[0] = answer.json().get("ballots").get(0).get("tracker").textValue();
                            return true;
                        }))
                .then(new Call("read it", () -> "{\"op\":\"ballot\",\"tracker\":\"" + copied[0] + "\"}", answer -> {
                    if (!ok("ballot").test(answer)) {
                        return false;
                    }
                    copied[0] = cast(answer.json().get("ballot"));
                    return true;
                }))
                .then(refused(COPIED, () -> copied[0]))
                .then(new Call("cast a valid ballot", () -> valid[0] = cast(build(keys, election[0], choices, "mallory")),
                        answer -> {
                            if (!ok("mallory's valid ballot").test(answer)) {
                                return false;
                            }
                            counted("mallory", choices, answer);
                            replayedAnswer = answer.result();
                            return true;
                        }))
                .then(new Send("replay that request", p -> replayed = p.previous()))
                .then(refused(DOUBLE, () -> valid[0]))
                .then(new Send("an oversized request", p -> oversized = p.abandoned(oversizedOperation())))
                .then(new Note("attacks before the close done", () -> attacksBeforeCloseDone = true))
                .then(new Await("the close", () -> closedAtMillis != null))
                .then(refused(AFTER_CLOSE, () -> cast(build(keys, election[0], choices, "mallory after the close"))));
    }

    private void addTrudy() {
        participant("trudy")
                .then(refusedJoin(WRONG_CODE, SimVoterKeys.impostor("carol", seed)::enroll))
                .then(refusedJoin(BAD_SIGN_IN, SimVoterKeys.impostor("alice", seed)::signIn))
                .then(refusedJoin(BAD_CREDENTIALS, key -> "{}".getBytes(StandardCharsets.UTF_8)));
    }

    /** Asks for the election until its key exists; keeps its description in {@code election[0]}. */
    private static Call awaitKey(JsonNode[] election) {
        return new Call("wait for the key", () -> "{\"op\":\"election\",\"electionId\":" + ELECTION + "}", answer -> {
            if (!ok("election").test(answer) || answer.json().get("publicKey").isNull()) {
                return false;
            }
            election[0] = answer.json();
            return true;
        });
    }

    /** An attack whose answer must be a refusal: keeps its text (null if it was accepted) under {@code name}. */
    private Call refused(String name, Supplier<String> operation) {
        return new Call(name, operation, answer -> {
            if (answer.json() == null) {
                return false; // not the service's answer (a session ended, say): try again
            }
            refusals.put(name, answer.error());
            return true;
        });
    }

    private Join refusedJoin(String name, Function<byte[], byte[]> credentials) {
        return new Join(name, credentials, answer -> {
            refusals.put(name, answer.status() == Reply.Status.REFUSED ? answer.text() : null);
            return true;
        });
    }

    /** An honest participant's Join: done once accepted, else tried again (with a new Hello). */
    private static boolean joined(Answer answer) {
        return answer.status() == Reply.Status.OK;
    }

    /** An honest participant's request: a refusal fails the run; a non-JSON answer is tried again. */
    private static Predicate<Answer> ok(String what) {
        return answer -> {
            if (answer.error() != null) {
                throw new IllegalStateException(what + " was refused: " + answer.error());
            }
            return answer.ok();
        };
    }

    private void counted(String voter, int[] choices, Answer answer) {
        counted.put(voter, choices);
        trackers.computeIfAbsent(voter, v -> new ArrayList<>()).add(answer.json().get("tracker").textValue());
        accepted++;
    }

    // ------------------------------------------------------------------ ballots

    private static int[] oneHot(int option) {
        int[] choices = new int[OPTIONS];
        choices[option] = 1;
        return choices;
    }

    private EncryptedBallot build(SimVoterKeys keys, JsonNode election, int[] choices, String which) {
        BallotParameters parameters = TestVoter.parameters(election);
        return BallotBuilder.build(parameters, choices, keys.credentialKey(),
                BallotRandomness.draw(parameters, SimVoterKeys.seeded("ballot " + which, seed)), keys.signer());
    }

    /** A valid ballot of {@code keys} for the first option, its first two options swapped and signed again. */
    private EncryptedBallot tampered(SimVoterKeys keys, JsonNode election) {
        EncryptedBallot honest = build(keys, election, oneHot(0), "mallory's tampered one");
        List<EncryptedChoice> swapped = new ArrayList<>(honest.choices());
        swapped.set(0, honest.choices().get(1));
        swapped.set(1, honest.choices().get(0));
        EncryptedBallot unsigned = new EncryptedBallot(ELECTION, honest.credential(), swapped, honest.overall(),
                honest.signature());
        return unsigned.withSignature(keys.signer().sign(unsigned.bytes()));
    }

    /** A valid ballot of {@code keys}, signed with another key than its credential's. */
    private EncryptedBallot signedByAnother(SimVoterKeys keys, JsonNode election) {
        EncryptedBallot ballot = build(keys, election, oneHot(1), "mallory's forged one");
        SimVoterKeys other = SimVoterKeys.impostor("mallory", seed);
        return ballot.withSignature(other.signer().sign(ballot.bytes()));
    }

    /** Sent with points compressed or uncompressed, by the first digit of its tracker: both forms in every run. */
    private static String cast(EncryptedBallot ballot) {
        return cast(BallotJson.toNode(ballot, ballot.tracker().hex().charAt(0) < '8'
                ? BallotJson.Points.UNCOMPRESSED : BallotJson.Points.COMPRESSED));
    }

    private static String cast(JsonNode ballot) {
        return Replicas.castBallot(ELECTION, ballot);
    }

    /** A castBallot one byte longer than a request may be. */
    private byte[] oversizedOperation() {
        String head = "{\"op\":\"castBallot\",\"electionId\":" + ELECTION + ",\"ballot\":{},\"padding\":\"";
        String tail = "\"}";
        return (head + "x".repeat(requestBytesMax + 1 - head.length() - tail.length()) + tail)
                .getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ what happened

    /** The admin (whose session reads the replicas' databases after the run). */
    SimParticipant admin() {
        return admin;
    }

    SimParticipant mallory() {
        return mallory;
    }

    List<String> honestVoters() {
        return List.copyOf(honest);
    }

    /** Each voter's last accepted ballot, by voter: the truth the counts must match. */
    Map<String, int[]> counted() {
        return counted;
    }

    /** The true count of each option: every voter's last accepted ballot. */
    List<Long> trueCounts() {
        long[] counts = new long[OPTIONS];
        for (int[] choices : counted.values()) {
            for (int j = 0; j < OPTIONS; j++) {
                counts[j] += choices[j];
            }
        }
        return java.util.Arrays.stream(counts).boxed().toList();
    }

    /** The trackers each voter's accepted ballots got, oldest first. */
    Map<String, List<String>> trackers() {
        return trackers;
    }

    /** Ballots the box accepted (re-votes included). */
    int accepted() {
        return accepted;
    }

    Map<String, JsonNode> myBallots() {
        return myBallots;
    }

    /** What each attack got back: the refusal's text, or {@code null} if it was accepted. */
    Map<String, String> refusals() {
        return refusals;
    }

    JsonNode results() {
        return results;
    }

    JsonNode box() {
        return box;
    }

    long closedAtMillis() {
        return closedAtMillis;
    }

    /** Mallory's valid cast, which she sent again unchanged, and the answer it first got. */
    Envelope<Request> replayed() {
        return replayed;
    }

    byte[] replayedAnswer() {
        return replayedAnswer;
    }

    Envelope<Request> oversized() {
        return oversized;
    }

    /** The results as a correct replica answers them to the admin, read from its database. */
    JsonNode resultsAt(SqlStateMachine machine) {
        long[] session = admin.sessionIds();
        byte[] operation = ("{\"op\":\"results\",\"electionId\":" + ELECTION + "}").getBytes(StandardCharsets.UTF_8);
        Reply reply = machine.query(Envelope.sign(new Request(session[0], 1, Request.Kind.READ, operation),
                SimulatedKeys.signer(session[1])), 0);
        if (reply.status() != Reply.Status.OK) {
            throw new IllegalStateException("the admin's read was refused: " + new String(reply.result(),
                    StandardCharsets.UTF_8));
        }
        try {
            return JSON.readTree(reply.result());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
