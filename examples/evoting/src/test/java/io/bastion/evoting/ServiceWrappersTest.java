package io.bastion.evoting;

import io.bastion.sql.SqlService;
import io.bastion.threshold.ThresholdSqlService;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services that wrap another pass on every call of {@link SqlService}, the defaults included: a
 * wrapper that kept a default (say {@code prepareBatch}, which does nothing) would quietly take from
 * the wrapped service what it does there.
 */
class ServiceWrappersTest {
    static List<String> notPassedOn(Class<? extends SqlService> wrapper) {
        return Arrays.stream(SqlService.class.getMethods()).filter(m -> !declares(wrapper, m)).map(Method::getName).toList();
    }

    private static boolean declares(Class<?> type, Method method) {
        try {
            type.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Test
    void everyCallIsPassedOn() {
        assertThat(notPassedOn(EvotingServiceFromKeyFile.class)).isEmpty();
        assertThat(notPassedOn(ThresholdSqlService.class)).isEmpty();
    }
}
