package io.miaobu.build;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Masks the project's environment variable values in build output: a build that prints a secret
 * (by mistake or on purpose) logs {@code ***} instead. Values shorter than {@value #MIN_LENGTH}
 * characters are left alone, or "1" and "true" would blank out half the log.
 */
public final class SecretMasker implements BuildOutput {
    public static final int MIN_LENGTH = 6;
    private static final String MASK = "***";

    private final BuildOutput delegate;
    private final List<String> values;

    public SecretMasker(BuildOutput delegate, Collection<String> secretValues) {
        this.delegate = delegate;
        // Longest first, so a value containing another is masked whole.
        this.values = secretValues.stream().filter(v -> v != null && v.length() >= MIN_LENGTH).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    @Override
    public void line(String stream, String text) {
        delegate.line(stream, mask(text));
    }

    String mask(String text) {
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
