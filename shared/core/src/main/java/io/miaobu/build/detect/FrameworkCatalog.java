package io.miaobu.build.detect;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.miaobu.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The framework catalog, read from the {@code frameworks.json} resource into records. Its format
 * is documented at the top of that file; adding a framework means adding an entry and a fixture test.
 */
public record FrameworkCatalog(List<Framework> frameworks) {
    public static final String RESOURCE = "frameworks.json";
    private static volatile FrameworkCatalog standard;

    /** A condition on the source: a dependency, a file, or a file whose content matches. */
    public record Matcher(@JsonProperty("package") String dependency, String file, String contains) {}

    /** Every one of {@code every} and, when given, at least one of {@code some}. */
    public record Detectors(List<Matcher> every, List<Matcher> some) {}

    /** A command used when its condition (and its {@code and} condition, when given) holds. */
    public record Conditional(Matcher when, Matcher and, String command) {}

    /** A framework publishable as a static site only under some conditions. */
    public record StaticRule(Detectors when, Detectors unless, List<String> config, String reason) {
        public StaticRule {
            config = config == null ? List.of() : List.copyOf(config);
        }
    }

    /**
     * A place the output directory may be set: a config file, the build script, or a named strategy. {@code key}: the
     * JavaScript config's setting, evaluated statically when {@code pattern} finds no literal ({@link ConfigExpressions}).
     */
    public record OutputSource(String file, Boolean script, String pattern, String template, String strategy, String key) {}

    /**
     * One catalog entry; see frameworks.json for what each field means ({@code prerendered}: a page per route, so unknown
     * paths get a 404; {@code app}: the runtime of a web app, {@code python}, rather than a static site).
     */
    public record Framework(String id, String name, int rank, List<String> tools, Detectors detectors,
                            List<String> excludedPackages, List<String> scripts, String build,
                            List<Conditional> install, List<Conditional> buildWhen, String outputDirectory,
                            List<OutputSource> outputFrom, @JsonProperty("static") StaticRule staticRule,
                            List<String> cacheDirectories, String devCommand, Boolean prerendered, Detectors singlePageWhen,
                            String app) {
        public Framework {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detectors, "detectors of " + id);
            tools = tools == null ? List.of() : tools;
            excludedPackages = excludedPackages == null ? List.of() : excludedPackages;
            scripts = scripts == null ? List.of("build") : scripts;
            install = install == null ? List.of() : install;
            buildWhen = buildWhen == null ? List.of() : buildWhen;
            outputFrom = outputFrom == null ? List.of() : outputFrom;
            cacheDirectories = cacheDirectories == null ? List.of() : cacheDirectories;
            prerendered = Boolean.TRUE.equals(prerendered);
        }

        /** True for frameworks built with Node.js tools (installed and run through a package manager). */
        public boolean node() {
            return tools.contains("node");
        }
    }

    private record File(@JsonProperty("_doc") List<String> doc, List<Framework> frameworks) {}

    /** The catalog shipped with Miaobu, loaded once. */
    public static FrameworkCatalog standard() {
        FrameworkCatalog c = standard;
        if (c == null) {
            try (InputStream in = FrameworkCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the classpath");
                }
                c = parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            standard = c;
        }
        return c;
    }

    /** Parses and checks a catalog: unique ids, compilable patterns, a reason for every static rule. */
    public static FrameworkCatalog parse(InputStream in) throws IOException {
        File file = Json.MAPPER.readValue(in, File.class);
        Set<String> ids = new HashSet<>();
        for (Framework f : file.frameworks()) {
            if (!ids.add(f.id())) {
                throw new IllegalArgumentException("framework id '" + f.id() + "' appears twice in the catalog");
            }
            for (OutputSource o : f.outputFrom()) {
                if (o.pattern() != null) {
                    Pattern.compile(o.pattern());
                } else if (o.strategy() == null && (o.file() == null || o.template() == null)) {
                    throw new IllegalArgumentException("framework '" + f.id() + "' has an outputFrom entry with neither a pattern, "
                            + "a strategy, nor a file and template");
                }
            }
            if (f.staticRule() != null && (f.staticRule().reason() == null || f.staticRule().reason().isBlank())) {
                throw new IllegalArgumentException("framework '" + f.id() + "' has a static rule without a reason");
            }
        }
        return new FrameworkCatalog(List.copyOf(file.frameworks()));
    }

    public Framework byId(String id) {
        return frameworks.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no framework '" + id + "' in the catalog"));
    }
}
