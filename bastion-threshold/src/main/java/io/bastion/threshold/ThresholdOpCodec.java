package io.bastion.threshold;

import io.bastion.threshold.ThresholdOp.*;

import java.util.List;

/** Encodes and decodes {@link ThresholdOp}s; each operation's layout is written once, both directions side by side. */
final class ThresholdOpCodec {
    private static final int ENROLL = 1, KEYGEN = 2, DEAL = 3, VERDICT = 4, RESHARE = 5, DECRYPT = 6, COIN = 7,
            SIGN = 8, SHARES = 9, FROST_COMMIT = 10, FROST_SHARE = 11, KEY_QUERY = 12, RESULT_QUERY = 13, CONTRIBUTIONS = 14, NUDGE = 15;
    private static final int CONTRIBUTION_BYTES_MAX = 1 << 20;
    private static final int BOX_BYTES_MAX = 128;
    private static final int COMMITMENTS_MAX = ThresholdOp.REPLICAS_MAX;

    private ThresholdOpCodec() {}

    static byte[] encode(ThresholdOp op) {
        Wire.Writer w = new Wire.Writer();
        for (byte b : ThresholdOp.MAGIC) {
            w.u8(b);
        }
        Group p256 = P256Group.INSTANCE;
        switch (op) {
            case Enroll e -> schnorr(w.u8(ENROLL).element(e.encryptionKey()), p256, e.proof());
            case KeyGen k -> w.u8(KEYGEN).string(k.name()).u8(k.suite().ordinal());
            case Deal d -> {
                Group g = d.suite().group();
                w.u8(DEAL).string(d.name()).u8(d.suite().ordinal()).i32(d.epoch())
                        .list(d.commitments(), Wire.Writer::element).element(d.ephemeral())
                        .list(d.boxes(), Wire.Writer::bytes).bool(d.proof() != null);
                if (d.proof() != null) {
                    schnorr(w, g, d.proof());
                }
            }
            case Verdict v -> w.u8(VERDICT).string(v.name()).i32(v.epoch()).list(v.complaints(), (x, c) ->
                    dleq(x.i32(c.dealer()).element(c.sharedPoint()), p256, c.proof()));
            case Reshare r -> w.u8(RESHARE).string(r.name());
            case Decrypt d -> w.u8(DECRYPT).string(d.name()).u8(Suite.P256.ordinal())
                    .list(d.ciphertexts(), (x, c) -> x.element(c.c1()).element(c.c2()));
            case Coin c -> w.u8(COIN).string(c.name()).bytes(c.input());
            case Sign s -> w.u8(SIGN).string(s.name()).bytes(s.message());
            case Shares s -> {
                Group g = s.shares().isEmpty() ? p256 : s.shares().get(0).share().group();
                w.u8(SHARES).i64(s.operation()).i32(s.epoch()).u8(g == p256 ? 0 : 1)
                        .list(s.shares(), (x, p) -> dleq(x.element(p.share()), g, p.proof()));
            }
            case FrostCommit c -> w.u8(FROST_COMMIT).i64(c.operation()).i32(c.round())
                    .u8(suiteOf(c.hiding().group()).ordinal()).element(c.hiding()).element(c.binding());
            case Contributions c -> w.u8(CONTRIBUTIONS).list(c.ops(), (x, one) -> x.bytes(encode(one)));
            case Nudge nudge -> w.u8(NUDGE);
            case KeyQuery q -> w.u8(KEY_QUERY).string(q.name());
            case ResultQuery q -> w.u8(RESULT_QUERY).i64(q.operation());
            case FrostShare s -> w.u8(FROST_SHARE).i64(s.operation()).i32(s.round()).u8(s.suite().ordinal())
                    .scalar(s.suite().group(), s.share());
        }
        return w.toBytes();
    }

    static ThresholdOp decode(byte[] bytes) {
        if (!ThresholdOp.isThresholdOperation(bytes)) {
            throw new Wire.MalformedException("not a threshold operation");
        }
        Wire.Reader r = new Wire.Reader(bytes);
        for (int i = 0; i < ThresholdOp.MAGIC.length; i++) {
            r.u8();
        }
        Group p256 = P256Group.INSTANCE;
        int type = r.u8();
        ThresholdOp op = switch (type) {
            case ENROLL -> new Enroll(r.element(p256, "encryption key"), schnorr(r, p256));
            case KEYGEN -> new KeyGen(name(r), Suite.byCode(r.u8()));
            case DEAL -> {
                String name = name(r);
                Suite suite = Suite.byCode(r.u8());
                Group g = suite.group();
                int epoch = r.i32();
                var commitments = r.list(COMMITMENTS_MAX, "commitments", x -> x.element(g, "commitment"));
                Element ephemeral = r.element(p256, "ephemeral key");
                var boxes = r.list(ThresholdOp.REPLICAS_MAX, "boxes", x -> x.bytes(BOX_BYTES_MAX, "box"));
                SchnorrProof proof = r.bool() ? schnorr(r, g) : null;
                yield new Deal(name, suite, epoch, commitments, ephemeral, boxes, proof);
            }
            case VERDICT -> new Verdict(name(r), r.i32(), r.list(ThresholdOp.COMPLAINTS_MAX, "complaints",
                    x -> new Complaint(x.i32(), x.element(p256, "shared point"), dleq(x, p256))));
            case RESHARE -> new Reshare(name(r));
            case DECRYPT -> {
                String name = name(r);
                Group g = Suite.byCode(r.u8()).group();
                yield new Decrypt(name, r.list(ThresholdOp.CIPHERTEXTS_MAX, "ciphertexts",
                        x -> new ElGamal.Ciphertext(x.element(g, "c1"), x.element(g, "c2"))));
            }
            case COIN -> new Coin(name(r), r.bytes(ThresholdOp.INPUT_BYTES_MAX, "coin input"));
            case SIGN -> new Sign(name(r), r.bytes(ThresholdOp.INPUT_BYTES_MAX, "message"));
            case SHARES -> {
                long operation = r.i64();
                int epoch = r.i32();
                Group g = Suite.byCode(r.u8()).group();
                yield new Shares(operation, epoch, r.list(ThresholdOp.CIPHERTEXTS_MAX, "shares",
                        x -> new ProvenShare(x.element(g, "share"), dleq(x, g))));
            }
            case FROST_COMMIT -> {
                long operation = r.i64();
                int round = r.i32();
                Group g = Suite.byCode(r.u8()).group();
                yield new FrostCommit(operation, round, r.element(g, "hiding commitment"), r.element(g, "binding commitment"));
            }
            case FROST_SHARE -> {
                long operation = r.i64();
                int round = r.i32();
                Suite suite = Suite.byCode(r.u8());
                yield new FrostShare(operation, round, suite, r.scalar(suite.group(), "signature share"));
            }
            case CONTRIBUTIONS -> {
                List<byte[]> nested = r.list(Contributions.OPS_MAX, "contributions",
                        x -> x.bytes(CONTRIBUTION_BYTES_MAX, "contribution"));
                List<ThresholdOp> ops = new java.util.ArrayList<>(nested.size());
                for (byte[] one : nested) {
                    ThresholdOp contribution = decode(one);
                    if (contribution instanceof Contributions) {
                        throw new Wire.MalformedException("contributions do not nest");
                    }
                    ops.add(contribution);
                }
                yield new Contributions(ops);
            }
            case NUDGE -> new Nudge();
            case KEY_QUERY -> new KeyQuery(name(r));
            case RESULT_QUERY -> new ResultQuery(r.i64());
            default -> throw new Wire.MalformedException("unknown threshold operation " + type);
        };
        r.end("threshold operation");
        return op;
    }

    static Suite suiteOf(Group group) {
        return group == P256Group.INSTANCE ? Suite.P256 : Suite.ED25519;
    }

    private static String name(Wire.Reader r) {
        String name = r.string(ThresholdOp.NAME_BYTES_MAX, "key name");
        try {
            return ThresholdOp.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new Wire.MalformedException(e.getMessage());
        }
    }

    private static Wire.Writer schnorr(Wire.Writer w, Group g, SchnorrProof p) {
        return w.scalar(g, p.challenge()).scalar(g, p.response());
    }

    private static SchnorrProof schnorr(Wire.Reader r, Group g) {
        return new SchnorrProof(r.scalar(g, "proof challenge"), r.scalar(g, "proof response"));
    }

    private static Wire.Writer dleq(Wire.Writer w, Group g, DleqProof p) {
        return w.scalar(g, p.challenge()).scalar(g, p.response());
    }

    private static DleqProof dleq(Wire.Reader r, Group g) {
        return new DleqProof(r.scalar(g, "proof challenge"), r.scalar(g, "proof response"));
    }
}
