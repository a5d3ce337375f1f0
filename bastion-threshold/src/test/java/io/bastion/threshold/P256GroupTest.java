package io.bastion.threshold;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The uncompressed SEC1 form P-256 elements may also be read in: the same elements, checked as strictly. */
class P256GroupTest {
    private static final P256Group GROUP = P256Group.INSTANCE;

    @Test
    void anElementReadUncompressedIsTheElementItsCompressedFormNames() {
        Random random = new Random(11);
        for (int i = 0; i < 32; i++) {
            Element e = GROUP.base(new BigInteger(256, random).mod(GROUP.order().subtract(BigInteger.ONE)).add(BigInteger.ONE));
            byte[] uncompressed = GROUP.encodeUncompressed(e);
            assertThat(uncompressed).hasSize(P256Group.UNCOMPRESSED_BYTES).startsWith(0x04);
            assertThat(Arrays.copyOfRange(uncompressed, 1, 33)).isEqualTo(Arrays.copyOfRange(e.encode(), 1, 33));
            Element read = GROUP.decodeUncompressed(uncompressed);
            assertThat(read).isEqualTo(e).isEqualTo(GROUP.decode(e.encode()));
            assertThat(read.encode()).isEqualTo(e.encode());
        }
    }

    @Test
    void theGeneratorHasItsPublishedCoordinates() {
        // SEC 2, §2.4.2: G = (6b17d1f2…, 4fe342e2…)
        byte[] g = HexFormat.of().parseHex("04"
                + "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                + "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
        assertThat(GROUP.encodeUncompressed(GROUP.generator())).isEqualTo(g);
        assertThat(GROUP.decodeUncompressed(g)).isEqualTo(GROUP.generator());
    }

    @Test
    void pointsOffTheCurveOutOfTheFieldOrInAnotherFormAreRefused() {
        byte[] g = GROUP.encodeUncompressed(GROUP.generator());
        byte[] offCurve = g.clone();
        offCurve[64] ^= 1;
        assertThatThrownBy(() -> GROUP.decodeUncompressed(offCurve)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a point of P-256");
        byte[] allOnes = new byte[65]; // x and y beyond the field prime
        Arrays.fill(allOnes, (byte) 0xFF);
        allOnes[0] = 0x04;
        assertThatThrownBy(() -> GROUP.decodeUncompressed(allOnes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a point of P-256");
        byte[] hybrid = g.clone();
        hybrid[0] = 0x07;
        assertThatThrownBy(() -> GROUP.decodeUncompressed(hybrid)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an uncompressed SEC1 point");
        assertThatThrownBy(() -> GROUP.decodeUncompressed(GROUP.generator().encode())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an uncompressed P-256 point is 65 bytes, not 33");
        assertThatThrownBy(() -> GROUP.decodeUncompressed(new byte[65])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GROUP.encodeUncompressed(GROUP.identity())).isInstanceOf(IllegalArgumentException.class);
    }
}
