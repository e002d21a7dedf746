package io.miaobu.postgres;

import io.miaobu.store.DuplicateKeyException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.function.Supplier;

/** Small helpers shared by the stores. */
final class Sql {
    static final String UNIQUE_VIOLATION = "23505";

    private Sql() {}

    /** Runs {@code work}, turning a unique-constraint violation anywhere in the cause chain into DuplicateKeyException. */
    static <T> T translatingDuplicates(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            SQLException unique = uniqueViolation(e);
            if (unique != null) {
                throw new DuplicateKeyException(what + ": " + unique.getMessage(), e);
            }
            throw e;
        }
    }

    static void translatingDuplicates(String what, Runnable work) {
        translatingDuplicates(what, () -> {
            work.run();
            return null;
        });
    }

    private static SQLException uniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(s.getSQLState())) {
                        return s;
                    }
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    static <E extends Enum<E>> String[] names(Collection<E> values) {
        return values.stream().map(Enum::name).distinct().toArray(String[]::new);
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
