package io.miaobu.testkit.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** PostgreSQL's timestamptz precision, which the in-memory stores keep too. */
final class Micros {
    private Micros() {}

    static Instant of(Instant at) {
        return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
    }
}
