package io.bastion.sql.bench;

import io.bastion.core.service.Authorization;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL benchmark's service lets dynamic clients join, as the null service does. */
class InsertBenchServiceTest {
    @Test
    void credentialsNameTheIdentityOfAJoiningClientAndBlankOnesAreRefused() throws Exception {
        InsertBenchService service = new InsertBenchService();
        assertThat(service.authorize("bench-load-3-ab".getBytes(StandardCharsets.UTF_8), null, null, null))
                .isEqualTo(Authorization.accept("bench-load-3-ab"));
        assertThat(service.authorize(new byte[0], null, null, null)).isInstanceOf(Authorization.Refused.class);
    }
}
