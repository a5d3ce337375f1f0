package io.bastion.bench.wan;

import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names and addresses of a wide-area network on one machine: a network namespace per replica,
 * one for the clients, and one (the "wan" namespace) holding the bridge that joins them and the
 * relay that delays their traffic. Replica i is known everywhere as {@code r<i>.bastion.test}:
 * in its own namespace the name is its own address (so it can listen there), everywhere else it
 * is the address at which the relay stands for it, so every byte between two hosts passes the
 * relay once. Pure: computes names and file contents, creates nothing ({@link WanNetwork} does).
 *
 * <pre>
 *  namespace &lt;name&gt;-r0     eth0 10.77.0.10 ──┐
 *  namespace &lt;name&gt;-r1     eth0 10.77.0.11 ──┤   namespace &lt;name&gt;-wan: bridge br0 with
 *  ...                                        ├── 10.77.0.100.. (the relay, standing for r0..),
 *  namespace &lt;name&gt;-client eth0 10.77.0.200 ─┘   the relay process, and the loss rules
 * </pre>
 *
 * @param name     prefix of every namespace ({@code bastion-wan-<pid>} for the process that owns it)
 * @param replicas how many replica namespaces
 */
public record WanLayout(String name, int replicas) {
    /** Every namespace a layout names starts with this, followed by the owning process's PID. */
    public static final String NAME_PREFIX = "bastion-wan-";
    /** Replica i is {@code r<i>.} followed by this (a name reserved for testing, RFC 2606). */
    public static final String DOMAIN = "bastion.test";
    /** Most replicas a layout holds (their addresses must fit below the relay's). */
    public static final int REPLICAS_MAX = 64;
    /** The interface of every replica and client namespace (its veth end). */
    public static final String LEAF_INTERFACE = "eth0";
    /** The bridge in the wan namespace. */
    public static final String BRIDGE = "br0";
    static final String SUBNET = "10.77.0.";
    static final int PREFIX_LENGTH = 24;
    private static final int FIRST_REPLICA_ADDRESS = 10;
    private static final int FIRST_RELAY_ADDRESS = 100;
    private static final int CLIENT_ADDRESS = 200;
    private static final Pattern OWNED = Pattern.compile(Pattern.quote(NAME_PREFIX) + "(\\d+)-.+");

    public WanLayout {
        Check.argument(name.startsWith(NAME_PREFIX) && name.matches("[a-z0-9-]+"),
                "a WAN layout's name starts with " + NAME_PREFIX + " and holds only a-z, 0-9 and -, got " + name);
        Check.argument(replicas >= 1 && replicas <= REPLICAS_MAX,
                "a WAN layout holds 1.." + REPLICAS_MAX + " replicas, got " + replicas);
    }

    /** The layout owned by this process: {@code bastion-wan-<pid>}. */
    public static WanLayout ofThisProcess(int replicas) {
        return new WanLayout(NAME_PREFIX + ProcessHandle.current().pid(), replicas);
    }

    public String replicaNamespace(int id) {
        checkReplica(id);
        return name + "-r" + id;
    }

    public String clientNamespace() {
        return name + "-client";
    }

    public String wanNamespace() {
        return name + "-wan";
    }

    /** The replica namespaces in id order, then the client's, then the wan namespace. */
    public List<String> namespaces() {
        List<String> all = new ArrayList<>();
        for (int id = 0; id < replicas; id++) {
            all.add(replicaNamespace(id));
        }
        all.add(clientNamespace());
        all.add(wanNamespace());
        return all;
    }

    /** The host name of replica {@code id} in the cluster file, the certificates and the browser. */
    public String hostName(int id) {
        checkReplica(id);
        return "r" + id + "." + DOMAIN;
    }

    /** Replica {@code id}'s own address, in its namespace. */
    public String replicaAddress(int id) {
        checkReplica(id);
        return SUBNET + (FIRST_REPLICA_ADDRESS + id);
    }

    /** The address at which the relay stands for replica {@code id}, in the wan namespace. */
    public String relayAddress(int id) {
        checkReplica(id);
        return SUBNET + (FIRST_RELAY_ADDRESS + id);
    }

    public String clientAddress() {
        return SUBNET + CLIENT_ADDRESS;
    }

    /** The wan namespace's end of the veth pair leading to {@code namespace}. */
    String bridgePort(String namespace) {
        Check.argument(namespace.startsWith(name + "-"), namespace + " is not of " + name);
        return namespace.substring(name.length() + 1); // r0, r1, ..., client: short enough for an interface name
    }

    /** The {@code /etc/hosts} of replica {@code id}'s namespace: its own name at its own address, the others' at the relay. */
    public String hostsOfReplica(int id) {
        StringBuilder hosts = new StringBuilder(localhost());
        for (int other = 0; other < replicas; other++) {
            String address = other == id ? replicaAddress(other) : relayAddress(other);
            hosts.append(address).append(' ').append(hostName(other)).append('\n');
        }
        return hosts.toString();
    }

    /** The {@code /etc/hosts} of the client namespace: every replica at the relay. */
    public String hostsOfClients() {
        StringBuilder hosts = new StringBuilder(localhost());
        for (int id = 0; id < replicas; id++) {
            hosts.append(relayAddress(id)).append(' ').append(hostName(id)).append('\n');
        }
        return hosts.toString();
    }

    /** The command prefix that runs a program in {@code namespace} (with that namespace's /etc/hosts). */
    public static List<String> inNamespace(String namespace) {
        return List.of("ip", "netns", "exec", namespace);
    }

    /**
     * The PID of the process that owns a namespace of this form, if {@code namespace} is one:
     * leftovers of an owner that died are removed by the next {@link WanNetwork#create}.
     */
    static OptionalLong ownerOf(String namespace) {
        Matcher m = OWNED.matcher(namespace);
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static String localhost() {
        return "127.0.0.1 localhost\n::1 localhost\n";
    }

    private void checkReplica(int id) {
        Check.argument(id >= 0 && id < replicas, "replica " + id + " is not in 0.." + (replicas - 1));
    }
}
