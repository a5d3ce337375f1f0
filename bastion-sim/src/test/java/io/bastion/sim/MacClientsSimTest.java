package io.bastion.sim;

import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.service.CounterService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MAC client mode in the simulator (docs/protocol.md, "MAC client mode"): a request whose tag one
 * replica cannot check, the primary included, is still ordered without a view change; clients
 * whose replicas crash and restart (losing their keys) still finish.
 */
class MacClientsSimTest {
    private static final long CLIENT = Simulation.FIRST_CLIENT_ID;

    /** A cluster with one registered MAC-mode client that sends nothing itself: the test sends for it. */
    private static Simulation idle(long seed) {
        return new Simulation(SimOptions.reliable(1).withClients(1, 0).withMacClients(true), seed);
    }

    private static Envelope<Request> spoiledFor(Simulation sim, int spoiledMask) {
        Envelope<Request> request = Envelope.authenticate(new Request(CLIENT, 1, false, CounterService.add(5)),
                encoding -> sim.macs().authenticator(CLIENT, encoding, spoiledMask));
        sim.checker().onInvoke(request);
        return request;
    }

    private static boolean executedEverywhere(Simulation sim) {
        for (int i = 0; i < sim.replicaCount(); i++) {
            if (sim.replica(i).core().clientTable().getOrDefault(CLIENT, 0L) < 1) {
                return false;
            }
        }
        return true;
    }

    private static void assertNoViewChange(Simulation sim) {
        for (int i = 0; i < sim.replicaCount(); i++) {
            assertThat(sim.replica(i).core().view()).as("view of replica %d", i).isZero();
        }
    }

    @ParameterizedTest(name = "bad tag for replica {0}")
    @ValueSource(ints = {0, 1, 3})
    void aRequestOneReplicaCannotAuthenticateIsStillOrderedWithoutAViewChange(int spoiled) {
        Simulation sim = idle(11);
        sim.broadcastFromClient(sim.replicaCount(), spoiledFor(sim, 1 << spoiled));
        assertThat(sim.runUntil(() -> executedEverywhere(sim), 20_000)).isTrue();
        assertNoViewChange(sim);
        assertThat(sim.replica(spoiled).core().stats().get(Counter.REQUESTS_VOUCHED))
                .as("replica %d took the request on its peers' word, not its own tag", spoiled).isPositive();
    }

    @Test
    void aRequestWithGoodTagsForFewerThanFPlusOneReplicasIsNeverOrderedNorTriggersAViewChange() {
        Simulation sim = idle(12);
        int goodOnlyForReplica2 = 0b1011;
        sim.broadcastFromClient(sim.replicaCount(), spoiledFor(sim, goodOnlyForReplica2));
        assertThat(sim.runUntil(() -> sim.replica(0).core().clientTable().getOrDefault(CLIENT, 0L) >= 1, 10_000))
                .as("one voucher is not f+1").isFalse();
        assertNoViewChange(sim);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void macClientsFinishDespiteLossCrashesPartitionsAndByzantineReplicas(long seed) {
        SimOptions options = SimOptions.hostile(1).withMacClients(true);
        Simulation sim = new Simulation(options, seed);
        SimResult result = sim.run();
        assertThat(result.requestsAccepted()).isEqualTo((long) options.clients() * options.requestsPerClient());
        assertThat(sim.taggedRequestsAccepted()).as("requests the replicas took on their tags").isPositive();
        Simulation signing = new Simulation(SimOptions.hostile(1), seed);
        signing.run();
        assertThat(signing.taggedRequestsAccepted()).as("without MAC clients").isZero();
    }

    /** A client tagging badly for random replicas, against MAC-mode clients, under the hostile faults. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void aBadTagsClientNeitherStallsNorBreaksMacClientsUnderHostileFaults(long seed) {
        SimOptions options = SimOptions.hostile(1).withMacClients(true).withFaultyClients(1, ClientBehaviour.BAD_TAGS);
        SimResult result = new Simulation(options, seed).run();
        assertThat(result.requestsAccepted()).isGreaterThanOrEqualTo((long) options.clients() * options.requestsPerClient());
    }
}
