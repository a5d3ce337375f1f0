package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.client.BastionClient;
import io.bastion.client.BastionException;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.PublicKeys;
import io.bastion.crypto.SigningKey;
import io.bastion.evoting.EnrollmentCode;
import io.bastion.evoting.JoinCredentials;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.threshold.P256Group;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * A voter of the e-voting service on the command line ({@code bastion client --voter}): their
 * credential, an ECDSA P-256 key kept in a PEM file of theirs (made when they enroll), the Join
 * credentials that enroll it or sign in with it, and ballots encrypted here: a
 * {@code castBallot} with {@code "choices"} (option names) instead of a {@code "ballot"} is turned
 * into an encrypted ballot under the election's key before it leaves (docs/evoting.md).
 */
final class EvotingVoter {
    private final String voter;
    private final KeyPair credential;
    private final ObjectMapper json = new ObjectMapper();

    private EvotingVoter(String voter, SigningKey credentialKey) {
        this.voter = voter;
        this.credential = keyPair(credentialKey);
    }

    /**
     * The voter whose credential is in {@code file}; to enroll ({@code code} given), a new credential
     * is made and written there (owner-only) when the file does not exist yet.
     */
    static EvotingVoter open(String voter, Path file, String code) throws IOException, io.bastion.crypto.KeyFileException {
        if (code != null && !Files.exists(file)) {
            SigningKey made = EcdsaP256SigningKey.generate(new SecureRandom());
            KeyFiles.writePrivateKey(file, made);
            System.out.println("made a new credential for " + voter + " in " + file + " (keep it: it is how you sign in)");
            return new EvotingVoter(voter, made);
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("--credential " + file + " does not exist: enroll first with --enroll CODE"
                    + " (the one-time code your admin gave you)");
        }
        SigningKey key = KeyFiles.readPrivateKey(file);
        if (key.publicKey().algorithm() != PublicKeyRef.Algorithm.ECDSA_P256) {
            throw new IllegalArgumentException("--credential " + file + " is not an ECDSA P-256 key");
        }
        return new EvotingVoter(voter, key);
    }

    /** The Join credentials for session key {@code sessionKey}: an enrollment with {@code code}, or a sign-in. */
    byte[] joinCredentials(String code, PublicKeyRef sessionKey) {
        if (code == null) {
            return JoinCredentials.signIn(voter, credential, sessionKey.raw());
        }
        System.out.println("deriving the enrollment key from the code (scrypt, a moment)");
        return JoinCredentials.enroll(voter, EnrollmentCode.keyPair(voter, code), credential, sessionKey.raw());
    }

    /**
     * {@code operation}, or for {@code {"op":"castBallot","electionId":N,"choices":[…]}} the same
     * request with the ballot encrypted here under election N's key, which is read from the cluster.
     */
    byte[] prepare(String operation, BastionClient client) throws IOException, BastionException {
        JsonNode request;
        try {
            request = json.readTree(operation);
        } catch (IOException notJson) {
            return operation.getBytes(StandardCharsets.UTF_8);
        }
        if (request == null || !request.isObject() || !"castBallot".equals(request.path("op").asText())
                || !request.has("choices")) {
            return operation.getBytes(StandardCharsets.UTF_8);
        }
        long electionId = request.path("electionId").asLong();
        byte[] reply = client.invoke(("{\"op\":\"election\",\"electionId\":" + electionId + "}")
                .getBytes(StandardCharsets.UTF_8));
        JsonNode election = json.readTree(reply);
        if (election.has("error") || election.path("publicKey").isNull()) {
            throw new IllegalArgumentException("cannot encrypt a ballot for election " + electionId + ": "
                    + (election.has("error") ? election.get("error").asText() : "it has no key yet; try again shortly"));
        }
        EncryptedBallot ballot = BallotBuilder.build(parameters(election), choices(election, request.get("choices")),
                credential, new SecureRandom());
        System.out.println("encrypted here, tracker " + ballot.tracker());
        ObjectNode cast = json.createObjectNode();
        cast.put("op", "castBallot");
        cast.put("electionId", electionId);
        cast.set("ballot", BallotJson.toNode(ballot, BallotJson.Points.UNCOMPRESSED));
        return json.writeValueAsBytes(cast);
    }

    private static BallotParameters parameters(JsonNode election) {
        return new BallotParameters(election.get("id").asLong(), election.get("options").size(),
                election.get("minChoices").asInt(), election.get("maxChoices").asInt(),
                P256Group.INSTANCE.decode(Base64.getUrlDecoder().decode(election.get("publicKey").asText())));
    }

    private static int[] choices(JsonNode election, JsonNode chosen) {
        List<String> options = new java.util.ArrayList<>();
        election.get("options").forEach(o -> options.add(o.asText()));
        int[] marks = new int[options.size()];
        if (!chosen.isArray()) {
            throw new IllegalArgumentException("\"choices\" lists option names, e.g. [\"" + options.get(0) + "\"]");
        }
        for (JsonNode name : chosen) {
            int position = options.indexOf(name.asText());
            if (position < 0) {
                throw new IllegalArgumentException("\"" + name.asText() + "\" is not an option; the options are "
                        + options);
            }
            marks[position] = 1;
        }
        return marks;
    }

    private static KeyPair keyPair(SigningKey key) {
        try {
            return new KeyPair(PublicKeys.toJdk(key.publicKey()),
                    KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(key.toPkcs8())));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a usable ECDSA P-256 credential: " + e.getMessage(), e);
        }
    }
}
