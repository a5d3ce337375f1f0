package io.bastion.bench.matrix;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --matrix-filter}: parameters, alternatives, text, and refusals that say what there is. */
class MatrixFilterTest {
    private static List<MatrixEntry> select(String filter) {
        return MatrixFilter.parse(filter).select(Matrix.SEED);
    }

    @Test
    void noFilterKeepsEverything() {
        assertThat(select(null)).isEqualTo(Matrix.SEED.entries());
        assertThat(select("  ")).isEqualTo(Matrix.SEED.entries());
    }

    @Test
    void parametersMustAllHoldAndTakeAlternatives() {
        assertThat(select("figure=figure5")).hasSize(12).allMatch(e -> e.figure() == Figure.FIGURE_5);
        List<MatrixEntry> kept = select("figure=table1, batching=off,clients=1|50");
        assertThat(kept).hasSize(16 * ClientAuthentication.values().length)
                .allMatch(e -> e.batching() == Batching.OFF && (e.clients() == 1 || e.clients() == 50));
        assertThat(select("sql-mode=no-acid,clients-kind=dynamic")).extracting(MatrixEntry::clients)
                .containsExactly(1, 12, 50);
        assertThat(select("figure=table1,request-bytes=4096,clients=12,clients-kind=static,batching=on"))
                .hasSize(ClientAuthentication.values().length);
    }

    @Test
    void otherTextIsLookedForInTheDescription() {
        assertThat(select("4096/0")).hasSize(12 * ClientAuthentication.values().length)
                .allMatch(e -> e.requestBytes() == 4096);
        assertThat(select("NO-ACID,50 clients")).hasSize(2).allMatch(e -> e.clients() == 50);
    }

    @Test
    void anUnknownParameterIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> select("size=256")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--matrix-filter size=256: no parameter size")
                .hasMessageContaining("request-bytes").hasMessageContaining("clients-kind");
    }

    @Test
    void aFilterThatKeepsNothingIsRefusedWithTheValuesThereAre() {
        assertThatThrownBy(() -> select("clients=13")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--matrix-filter clients=13 keeps none of the " + Matrix.SEED.entries().size()
                        + " configurations of --matrix seed (clients is one of 1, 12, 50)");
        assertThatThrownBy(() -> select("figure=figure5,batching=off"))
                .hasMessageContaining("keeps none of the").hasMessageNotContaining("is one of");
    }

    @Test
    void malformedTermsAreRefused() {
        assertThatThrownBy(() -> MatrixFilter.parse("clients=")).hasMessageContaining("clients= is not key=value");
        assertThatThrownBy(() -> MatrixFilter.parse("clients=1,,batching=on")).hasMessageContaining("an empty term");
    }
}
