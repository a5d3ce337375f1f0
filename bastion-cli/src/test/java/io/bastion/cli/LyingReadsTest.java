package io.bastion.cli;

import io.bastion.sql.SqlService;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The lying-reads fault wraps an honest service and passes on every call of {@link SqlService} but unordered reads. */
class LyingReadsTest {
    @Test
    void everyCallIsPassedOn() {
        assertThat(Arrays.stream(SqlService.class.getMethods()).filter(m -> !declared(m)).map(Method::getName))
                .as("a call left to SqlService's default would not reach the honest service").isEmpty();
    }

    private static boolean declared(Method method) {
        try {
            LyingReads.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
