package io.miaobu.doctor;

import java.util.function.Supplier;

/**
 * One line of {@code ./miaobu cloud check}: what was checked, whether it is as Miaobu needs it, what
 * was found and, when it is not, how to fix it.
 */
public record CheckResult(String name, boolean ok, String detail, String fix) {
    public static CheckResult ok(String name, String detail) {
        return new CheckResult(name, true, detail, "");
    }

    public static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, false, detail, fix);
    }

    /** {@code OK   oss bucket: ...}, or {@code FAIL ...} with the fix on the next line. */
    public String render() {
        return ok ? "OK   " + name + ": " + detail : "FAIL " + name + ": " + detail + "\n     fix: " + fix;
    }

    /**
     * Runs one check; a call that throws (an API error, no network) fails it with the error's message
     * and the fix {@code onError} gives for it.
     */
    static CheckResult attempt(String name, Supplier<CheckResult> check, java.util.function.Function<RuntimeException, String> onError) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return fail(name, Fixes.describe(e), onError.apply(e));
        }
    }
}
