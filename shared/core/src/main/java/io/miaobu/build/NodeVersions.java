package io.miaobu.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Picks the Node.js a build runs on from the versions installed side by side (the build image
 * keeps them in {@code MIAOBU_NODE_VERSIONS_DIR/{major}/bin}): the major the project asks for
 * ({@code NODE_VERSION}, {@code .nvmrc}, {@code engines.node}), the newest installed one for a
 * lower bound such as {@code >=18}, and otherwise the default on PATH.
 */
public final class NodeVersions {
    private static final Pattern FIRST_NUMBER = Pattern.compile("(\\d+)");

    private final Path root;

    /** @param root directory of installed versions, or null when only the default Node.js exists */
    public NodeVersions(Path root) {
        this.root = root;
    }

    /** The {@code bin} directory to put first on PATH for {@code requested}, or empty for the default. */
    public Optional<Path> select(String requested) {
        if (root == null || requested == null || requested.isBlank() || !Files.isDirectory(root)) {
            return Optional.empty();
        }
        List<Integer> installed = installedMajors();
        if (installed.isEmpty()) {
            return Optional.empty();
        }
        String spec = requested.strip().toLowerCase(java.util.Locale.ROOT);
        Integer pick = null;
        if (spec.startsWith("lts") || spec.equals("node") || spec.equals("latest") || spec.equals("*")) {
            pick = installed.get(installed.size() - 1);
        } else {
            Matcher m = FIRST_NUMBER.matcher(spec);
            if (m.find()) {
                int major = Integer.parseInt(m.group(1));
                if (spec.startsWith(">")) {
                    pick = installed.stream().filter(v -> v >= major).reduce((a, b) -> b).orElse(null);
                } else if (installed.contains(major)) {
                    pick = major;
                }
            }
        }
        return pick == null ? Optional.empty() : Optional.of(root.resolve(pick.toString()).resolve("bin"));
    }

    private List<Integer> installedMajors() {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .filter(n -> Files.isExecutable(root.resolve(n).resolve("bin/node")))
                    .map(Integer::parseInt).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
