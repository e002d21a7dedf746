package io.miaobu.envvars;

import java.util.Locale;

/** Which deployments a variable reaches: production builds, preview builds, or both. */
public enum EnvTarget {
    PRODUCTION, PREVIEW, ALL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a build for {@code deploymentTarget} ("production" or "preview") sees this variable. */
    public boolean reaches(String deploymentTarget) {
        return this == ALL || wire().equals(deploymentTarget);
    }

    public static EnvTarget parse(String value) {
        if (value == null) {
            return ALL;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "production" -> PRODUCTION;
            case "preview" -> PREVIEW;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException(value);
        };
    }
}
