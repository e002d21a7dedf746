package io.miaobu.envvars;

import io.miaobu.api.EnvVarView;
import io.miaobu.auth.User;
import io.miaobu.errors.ApiError;
import io.miaobu.http.RequestBody;
import io.miaobu.projects.ProjectService;
import io.miaobu.secrets.Secrets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * A project's environment variables: set by its owner, stored encrypted, listed without values,
 * and decrypted only into the environment of a build of the matching target.
 */
public final class EnvVarService {
    public static final int MAX_VARIABLES = 200;
    public static final int MAX_VALUE_CHARS = 64 * 1024;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    /** Set by Miaobu itself for every build; a project cannot replace them. */
    private static final Set<String> RESERVED = Set.of("PATH", "HOME", "CI", "USER", "LOGNAME", "SHELL", "PWD", "MIAOBU");

    private final ProjectService projects;
    private final EnvVarStore store;
    private final Secrets secrets;
    private final Clock clock;

    public EnvVarService(ProjectService projects, EnvVarStore store, Secrets secrets, Clock clock) {
        this.projects = projects;
        this.store = store;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * What is wrong with a variable's name, in the words the dashboard shows under the field (the
     * import screen checks names before it creates a project); empty when the name can be used.
     */
    public static Optional<String> keyProblem(String key) {
        if (key == null || key.isBlank()) {
            return Optional.of("A variable needs a name");
        }
        if (!KEY.matcher(key).matches()) {
            return Optional.of("`" + key + "` cannot be a variable name: use letters, digits and _, not starting with a digit");
        }
        String upper = key.toUpperCase(Locale.ROOT);
        if (RESERVED.contains(upper) || upper.startsWith("MIAOBU_")) {
            return Optional.of("`" + key + "` is set by Miaobu for every build; choose another name");
        }
        return Optional.empty();
    }

    /** A variable as the caller sends it; a null value keeps the stored one. */
    public record Input(String key, String value, String target) {}

    /** Keys and targets of the caller's project; values are never returned. */
    public List<EnvVarView> list(User user, String projectId) {
        projects.owned(user, projectId);
        return store.list(projectId).stream().map(EnvVarView::of).toList();
    }

    /** Replaces the whole set; every problem in the request is reported at once (400). */
    public List<EnvVarView> replace(User user, String projectId, byte[] body) {
        projects.owned(user, projectId);
        Input[] inputs = RequestBody.read(body, Input[].class);
        Map<String, EnvVar> existing = new HashMap<>();
        for (EnvVar v : store.list(projectId)) {
            existing.put(v.key() + "\u0000" + v.target(), v);
        }
        List<String> problems = new ArrayList<>();
        // Each problem also under the entry's field it is about (`[2].key`), for forms that show it beside that input.
        Map<String, String> fields = new LinkedHashMap<>();
        BiConsumer<String, String> problem = (field, text) -> {
            problems.add(text);
            fields.put(field, text);
        };
        if (inputs.length > MAX_VARIABLES) {
            problems.add("at most " + MAX_VARIABLES + " variables per project");
        }
        Set<String> seen = new HashSet<>();
        List<EnvVar> next = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < inputs.length; i++) {
            Input in = inputs[i];
            String entry = "[" + i + "]";
            if (in == null) {
                problem.accept(entry, "variable " + entry + " is empty");
                continue;
            }
            String keyProblem = keyProblem(in.key()).orElse(null);
            if (keyProblem != null) {
                problem.accept(entry + ".key", keyProblem);
                continue;
            }
            String key = in.key();
            String where = "`" + key + "`";
            EnvTarget target;
            try {
                target = EnvTarget.parse(in.target());
            } catch (IllegalArgumentException e) {
                problem.accept(entry + ".target", where + ".target must be production, preview or all");
                continue;
            }
            if (!seen.add(key + "\u0000" + target)) {
                problem.accept(entry + ".key", where + " appears twice for target " + target.wire());
                continue;
            }
            if (in.value() == null) {
                EnvVar kept = existing.get(key + "\u0000" + target);
                if (kept == null) {
                    problem.accept(entry + ".value", where + " is new: give it a value");
                    continue;
                }
                next.add(kept);
                continue;
            }
            if (in.value().length() > MAX_VALUE_CHARS || in.value().indexOf('\0') >= 0) {
                problem.accept(entry + ".value", where + ".value must be at most " + MAX_VALUE_CHARS + " characters, without NUL");
                continue;
            }
            String ciphertext = secrets.encrypt(in.value(), context(projectId, key, target));
            next.add(new EnvVar(key, target, ciphertext, now));
        }
        if (!problems.isEmpty()) {
            throw ApiError.invalid("invalid_env", "Fix these environment variables: " + String.join("; ", problems) + ".", fields);
        }
        store.replaceAll(projectId, next);
        return store.list(projectId).stream().map(EnvVarView::of).toList();
    }

    /**
     * The plaintext variables a build of {@code deploymentTarget} gets; a variable set for that
     * target wins over the same key set for all.
     */
    public Map<String, String> forBuild(String projectId, String deploymentTarget) {
        Map<String, String> all = new LinkedHashMap<>();
        Map<String, String> specific = new LinkedHashMap<>();
        for (EnvVar v : store.list(projectId)) {
            if (v.target().reaches(deploymentTarget)) {
                String value = secrets.decrypt(v.encryptedValue(), context(projectId, v.key(), v.target()));
                (v.target() == EnvTarget.ALL ? all : specific).put(v.key(), value);
            }
        }
        all.putAll(specific);
        return all;
    }

    private static String context(String projectId, String key, EnvTarget target) {
        return "env:" + projectId + ":" + key + ":" + target.wire();
    }
}
