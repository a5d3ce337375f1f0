package io.bastion.evoting;

import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodedPointsTest {
    private static final P256Group GROUP = P256Group.INSTANCE;

    @Test
    void itGivesWhatDecodingGivesWhetherItRemembersTheBytesOrNot() {
        DecodedPoints memo = new DecodedPoints(GROUP, 8);
        Random random = new Random(5);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            elements.add(GROUP.base(new BigInteger(200, random).add(BigInteger.ONE)));
        }
        for (int round = 0; round < 3; round++) {
            for (Element e : elements) {
                byte[] written = memo.encode(e);
                assertThat(written).isEqualTo(e.encode());
                assertThat(memo.decode(written)).isEqualTo(GROUP.decode(e.encode()));
                assertThat(memo.size()).isLessThanOrEqualTo(8);
            }
        }
        Element identity = GROUP.identity();
        assertThat(memo.decode(identity.encode())).isEqualTo(identity);
    }

    @Test
    void aRememberedElementIsFoundByItsBytesAndChangingTheBytesAfterwardsChangesNothing() {
        DecodedPoints memo = new DecodedPoints(GROUP, 4);
        Element e = GROUP.base(BigInteger.valueOf(12345));
        byte[] written = memo.encode(e);
        byte[] asked = written.clone();
        Element found = memo.decode(asked);
        asked[5] ^= 1; // the caller's array is not the key
        assertThat(memo.decode(written)).isSameAs(found).isEqualTo(e);
    }

    @Test
    void bytesThatNameNoPointAreRefusedAsDecodingRefusesThemAndNotRemembered() {
        DecodedPoints memo = new DecodedPoints(GROUP, 4);
        byte[] beyondTheField = new byte[33];
        java.util.Arrays.fill(beyondTheField, (byte) 0xFF);
        beyondTheField[0] = 0x02;
        assertThatThrownBy(() -> GROUP.decode(beyondTheField)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> memo.decode(beyondTheField)).isInstanceOf(IllegalArgumentException.class);
        assertThat(memo.size()).isZero();
    }
}
