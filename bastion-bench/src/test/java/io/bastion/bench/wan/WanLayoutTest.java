package io.bastion.bench.wan;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WanLayoutTest {
    private final WanLayout layout = new WanLayout("bastion-wan-4321", 4);

    @Test
    void eachReplicaSeesItsOwnNameAtItsOwnAddressAndTheOthersAtTheRelay() {
        assertThat(layout.hostsOfReplica(1)).contains("10.77.0.11 r1.bastion.test\n")
                .contains("10.77.0.100 r0.bastion.test\n").contains("10.77.0.102 r2.bastion.test\n")
                .contains("10.77.0.103 r3.bastion.test\n").doesNotContain("10.77.0.101");
        assertThat(layout.hostsOfClients()).contains("10.77.0.100 r0.bastion.test\n")
                .contains("10.77.0.103 r3.bastion.test\n").doesNotContain("10.77.0.1 ").doesNotContain("10.77.0.13 ");
    }

    @Test
    void addressesAreDistinctAndNamesFitTheirLimits() {
        WanLayout largest = new WanLayout("bastion-wan-4194304", WanLayout.REPLICAS_MAX);
        List<String> addresses = new java.util.ArrayList<>();
        for (int id = 0; id < largest.replicas(); id++) {
            addresses.add(largest.replicaAddress(id));
            addresses.add(largest.relayAddress(id));
            assertThat(largest.bridgePort(largest.replicaNamespace(id)).length()).isLessThanOrEqualTo(15);
        }
        addresses.add(largest.clientAddress());
        assertThat(addresses).doesNotHaveDuplicates().allMatch(a -> Integer.parseInt(a.substring(a.lastIndexOf('.') + 1)) < 255);
        assertThat(largest.bridgePort(largest.clientNamespace())).isEqualTo("client");
        assertThat(largest.namespaces()).hasSize(WanLayout.REPLICAS_MAX + 2).doesNotHaveDuplicates();
    }

    @Test
    void theOwnerOfANamespaceIsReadFromItsName() {
        assertThat(WanLayout.ownerOf("bastion-wan-4321-r0")).isEqualTo(OptionalLong.of(4321));
        assertThat(WanLayout.ownerOf("bastion-wan-4321-client")).isEqualTo(OptionalLong.of(4321));
        assertThat(WanLayout.ownerOf("bastion-wan-x-r0")).isEmpty();
        assertThat(WanLayout.ownerOf("docker-1234-r0")).isEmpty();
        assertThat(layout.namespaces()).allMatch(n -> WanLayout.ownerOf(n).equals(OptionalLong.of(4321)));
    }

    @Test
    void badLayoutsAreRefused() {
        assertThatThrownBy(() -> new WanLayout("wan-1", 4)).hasMessageContaining("bastion-wan-");
        assertThatThrownBy(() -> new WanLayout("bastion-wan-1", 0)).hasMessageContaining("1..64");
        assertThatThrownBy(() -> layout.hostName(4)).hasMessageContaining("not in 0..3");
    }

    @Test
    void onlyRootWithIpMayMakeANetwork() {
        assertThat(WanNetwork.unavailableReason(0, true)).isNull();
        assertThat(WanNetwork.unavailableReason(1000, true)).contains("needs root").contains("uid 1000");
        assertThat(WanNetwork.unavailableReason(0, false)).contains("ip command");
    }
}
