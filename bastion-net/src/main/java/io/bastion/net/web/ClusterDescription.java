package io.bastion.net.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What {@code GET /cluster.json} answers: everything a web client needs to talk to the cluster
 * and check what it hears, taken from the cluster file.
 *
 * <pre>
 * {"f":1,"n":4,"tls":true,"replicas":[{"id":0,"host":"127.0.0.1","webPort":7200,
 *                           "publicKey":{"alg":"ED25519","raw":"&lt;base64 of the raw key&gt;"}}, ...]}
 * </pre>
 *
 * {@code tls} says whether the web ports speak HTTPS and WSS (a client opens {@code wss://}) or
 * plain HTTP ({@code ws://}, behind {@code --insecure-plaintext}). Replicas appear in id order;
 * {@code webPort} 0 means that replica serves no web endpoint.
 * {@code alg} is the {@link io.bastion.core.crypto.PublicKeyRef.Algorithm} name, {@code raw} the
 * key's raw bytes (32 for Ed25519). Stateless.
 */
public final class ClusterDescription {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterDescription() {}

    /** The description of {@code config} as UTF-8 JSON; {@code tls}: whether the web ports speak TLS. */
    public static byte[] json(ClusterConfig config, boolean tls) {
        ObjectNode root = JSON.createObjectNode().put("f", config.f()).put("n", config.n()).put("tls", tls);
        ArrayNode replicas = root.putArray("replicas");
        for (ReplicaInfo replica : config.replicas()) {
            ObjectNode entry = replicas.addObject()
                    .put("id", replica.id())
                    .put("host", replica.host())
                    .put("webPort", replica.webPort());
            entry.putObject("publicKey")
                    .put("alg", replica.publicKey().algorithm().name())
                    .put("raw", Base64.getEncoder().encodeToString(replica.publicKey().rawUnsafe()));
        }
        try {
            return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
