package io.bastion.server.observe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict reader the metrics tests check the exposition with: it must refuse what is broken. */
class ExpositionParserTest {
    @Test
    void theStrictParserRefusesBrokenText() {
        for (String broken : List.of(
                "bastion_x 1\n",
                "# TYPE bastion_x gauge\nbastion_x 1",
                "# TYPE bastion_x gauge\nbastion_x 1\n# TYPE bastion_y gauge\nbastion_y 1\nbastion_x 2\n",
                "# TYPE bastion_x gauge\nbastion_x{a=\"1\"} 1\nbastion_x{a=\"1\"} 2\n",
                "# TYPE bastion_x gauge\nbastion_x{a=\"\\q\"} 1\n",
                "# TYPE bastion_x gauge\nbastion_x one\n",
                "# TYPE bastion_x histogram\nbastion_x_bucket{le=\"1\"} 2\nbastion_x_bucket{le=\"+Inf\"} 1\nbastion_x_count 1\n")) {
            assertThatThrownBy(() -> ExpositionParser.parse(broken)).as(broken).isInstanceOf(AssertionError.class);
        }
    }

    @Test
    void itReadsFamiliesLabelsAndFloats() {
        var families = ExpositionParser.parse("""
                # HELP bastion_x_total Things \\\\ and\\nmore.
                # TYPE bastion_x_total counter
                bastion_x_total{reason="a\\"b"} 1.2345678E7
                # TYPE bastion_y gauge
                bastion_y 3.0
                """);
        assertThat(families.keySet()).containsExactly("bastion_x_total", "bastion_y");
        assertThat(families.get("bastion_x_total").help()).isEqualTo("Things \\ and\nmore.");
        ExpositionParser.Sample sample = families.get("bastion_x_total").samples().get(0);
        assertThat(sample.labels()).containsEntry("reason", "a\"b");
        assertThat(sample.value()).isEqualTo(12_345_678.0);
    }
}
