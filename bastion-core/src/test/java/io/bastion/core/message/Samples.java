package io.bastion.core.message;

import io.bastion.core.crypto.PublicKeyRef;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;

import java.util.List;

/** One example of every message type, with fixed contents, for codec tests. */
final class Samples {
    static final Signer SIGNER = message -> Digest.sha256(message).toBytes(); // 32 fixed bytes, test only

    static Digest digest(int i) {
        return Digest.sha256(new byte[] {(byte) i});
    }

    static Envelope<Request> request() {
        return Envelope.sign(new Request(7, 42, false, new byte[] {1, 2, 3}), SIGNER);
    }

    static List<Envelope<?>> all() {
        return List.of(
                request(),
                Envelope.sign(new PrePrepare(1, 9, 1_767_225_600_000L, -5, List.of(
                        new BatchEntry(7, 42, digest(1)), new BatchEntry(8, 1, digest(2)))), SIGNER),
                Envelope.sign(new Prepare(1, 2, 3, digest(3)), SIGNER),
                Envelope.unsigned(new Commit(2, 2, 3, digest(3))),
                Envelope.sign(new Checkpoint(3, 128, digest(4)), SIGNER),
                Envelope.unsigned(new Reply(1, 0, 9, 7, 42, new byte[] {9, 9}, 1, 2, List.of(digest(5)), new byte[64])),
                Envelope.unsigned(new Status(2, 0, false, 100, 64)),
                Envelope.unsigned(new FetchRequests(3, List.of(digest(6), digest(7)))),
                Envelope.unsigned(new RequestBodies(1, List.of(request()))),
                viewChange(),
                Envelope.sign(new NewView(5, List.of(viewChange()), List.of(prePrepare(5, 9))), SIGNER),
                Envelope.unsigned(new FetchState(2, 128, List.of(0, 7))),
                Envelope.unsigned(new StateManifest(3, 128, List.of(digest(8)))),
                Envelope.unsigned(new StateChunk(1, 128, 7, new byte[] {4, 5})),
                Envelope.unsigned(new Hello(new PublicKeyRef(PublicKeyRef.Algorithm.ED25519, filled(32, 0x11)),
                        filled(16, 0x22), new byte[] {'a', 'b', 'c'})),
                Envelope.sign(new Challenge(2, digest(9), filled(16, 0x22), 1_767_225_660_000L), SIGNER),
                macRequest(),
                Envelope.unsigned(new KeyNonce(2, filled(32, 0x44))),
                Envelope.sign(new SessionKey(7, 2, filled(32, 0x44), filled(32, 0x55)), SIGNER),
                Envelope.unsigned(new Vouch(3, List.of(new BatchEntry(7, 42, digest(6))))),
                Envelope.unsigned(new Decided(1, 9, digest(3))));
    }

    /** {@link #request()}'s content with four fixed tags instead of a signature (MAC client mode). */
    static Envelope<Request> macRequest() {
        return Envelope.authenticate(new Request(7, 42, false, new byte[] {1, 2, 3}), encoding -> filled(64, 0x33));
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    static Envelope<PrePrepare> prePrepare(int view, long seq) {
        return Envelope.sign(new PrePrepare(view, seq, 1_000, 2, List.of(new BatchEntry(7, 42, digest(1)))), SIGNER);
    }

    static Envelope<ViewChange> viewChange() {
        Envelope<PrePrepare> p = prePrepare(4, 9);
        Envelope<Prepare> prepare = Envelope.sign(new Prepare(2, 4, 9, Codec.batchDigest(p.message())), SIGNER);
        return Envelope.sign(new ViewChange(1, 5, 8, digest(4), List.of(Envelope.sign(new Checkpoint(3, 8, digest(4)), SIGNER)),
                List.of(new PreparedProof(p, List.of(prepare)))), SIGNER);
    }
}
