package io.bastion.core.service;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replicated string map for demos and tests. Operations are UTF-8 text:
 * {@code put <key> <value>}, {@code get <key>}, {@code del <key>}, {@code size}. Replies are text:
 * the previous or current value, {@code (nil)}, a count, or {@code error: ...}.
 */
public final class KeyValueService implements Service {
    private final TreeMap<String, String> map = new TreeMap<>();

    @Override
    public byte[] execute(byte[] operation, ServiceContext context) {
        return text(apply(new String(operation, StandardCharsets.UTF_8), true));
    }

    @Override
    public byte[] query(byte[] operation, ServiceContext context) {
        return text(apply(new String(operation, StandardCharsets.UTF_8), false));
    }

    private String apply(String command, boolean mayWrite) {
        String[] parts = command.strip().split(" ", 3);
        String verb = parts[0];
        return switch (verb) {
            case "get" -> parts.length == 2 ? orNil(map.get(parts[1])) : "error: usage: get <key>";
            case "size" -> Integer.toString(map.size());
            case "put" -> !mayWrite ? "error: put is not read-only"
                    : parts.length == 3 ? orNil(map.put(parts[1], parts[2])) : "error: usage: put <key> <value>";
            case "del" -> !mayWrite ? "error: del is not read-only"
                    : parts.length == 2 ? orNil(map.remove(parts[1])) : "error: usage: del <key>";
            default -> "error: unknown operation '" + verb + "' (put, get, del, size)";
        };
    }

    private static String orNil(String s) {
        return s == null ? "(nil)" : s;
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(map.size());
            for (Map.Entry<String, String> e : map.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void restore(byte[] snapshot) {
        map.clear();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(snapshot))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                map.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a key-value snapshot", e);
        }
    }

    /** Anyone may join; the credentials name the identity (one live session each). */
    @Override
    public Authorization authorize(byte[] credentials, io.bastion.core.crypto.PublicKeyRef key, ServiceContext context) {
        return Authorization.credentialsAsIdentity(credentials);
    }
}
