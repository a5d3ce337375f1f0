package io.bastion.cli;

import io.bastion.core.service.CounterService;
import io.bastion.core.service.KeyValueService;
import io.bastion.core.service.NullService;
import io.bastion.core.service.Service;

/** The built-in services a replica can run, by the name used on the command line. */
enum Services {
    KV, COUNTER, NULL;

    Service create() {
        return switch (this) {
            case KV -> new KeyValueService();
            case COUNTER -> new CounterService();
            case NULL -> new NullService();
        };
    }
}
