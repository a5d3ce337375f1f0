package io.bastion.core.util;

import java.util.HexFormat;

/** Lower-case hexadecimal for digests and keys in logs, traces and files. */
public final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {}

    public static String of(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    public static byte[] parse(String hex) {
        return FORMAT.parseHex(hex);
    }
}
