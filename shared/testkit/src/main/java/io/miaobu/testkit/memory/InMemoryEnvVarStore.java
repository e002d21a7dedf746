package io.miaobu.testkit.memory;

import io.miaobu.envvars.EnvVar;
import io.miaobu.envvars.EnvVarStore;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Each project's variables as one list, replaced whole as the transaction does. */
public final class InMemoryEnvVarStore implements EnvVarStore {
    private static final Comparator<EnvVar> BY_KEY_THEN_TARGET =
            Comparator.comparing(EnvVar::key).thenComparing(v -> v.target().name());

    private final Map<String, List<EnvVar>> byProject = new HashMap<>();

    @Override
    public synchronized List<EnvVar> list(String projectId) {
        return byProject.getOrDefault(projectId, List.of());
    }

    @Override
    public synchronized void replaceAll(String projectId, List<EnvVar> vars) {
        byProject.put(projectId, vars.stream()
                .map(v -> new EnvVar(v.key(), v.target(), v.encryptedValue(), Micros.of(v.updatedAt())))
                .sorted(BY_KEY_THEN_TARGET).toList());
    }
}
