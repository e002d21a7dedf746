package io.miaobu.functions.builder;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.build.detect.FrameworkCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * build-image/ cannot be built here (no Docker engine), so it is linted: the Dockerfile parses
 * into instructions, installs every tool the framework catalog names, several Node.js LTS
 * versions, corepack, pnpm, yarn and bun, creates the unprivileged build user the builder
 * switches to, and starts the builder jar through an entry script that exists and parses.
 */
class BuildImageTest {
    private static final Path IMAGE = Path.of("../../build-image").toAbsolutePath().normalize();
    private static List<String[]> instructions;
    private static String runs;

    @BeforeAll
    static void parse() throws Exception {
        String text = Files.readString(IMAGE.resolve("Dockerfile"));
        instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.endsWith("\\")) {
                current.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            current.append(t);
            String[] parts = current.toString().strip().split("\\s+", 2);
            assertThat(parts[0]).as("instruction in: %s", current).matches("FROM|RUN|ENV|ARG|COPY|EXPOSE|ENTRYPOINT|WORKDIR|USER|CMD|LABEL");
            instructions.add(new String[] {parts[0], parts.length > 1 ? parts[1] : ""});
            current.setLength(0);
        }
        assertThat(current.toString()).as("a continuation line at the end of the Dockerfile").isEmpty();
        runs = instructions.stream().filter(i -> i[0].equals("RUN")).map(i -> i[1]).collect(Collectors.joining("\n"));
    }

    private static String all(String instruction) {
        return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).collect(Collectors.joining("\n"));
    }

    @Test
    void it_starts_from_one_base_and_ends_with_the_entry_script_running_the_builder_jar() throws Exception {
        assertThat(instructions.get(0)[0]).isEqualTo("FROM");
        assertThat(all("COPY")).contains("functions/builder/target/miaobu-builder.jar", "build-image/entrypoint.sh");
        assertThat(all("ENTRYPOINT")).contains("/opt/miaobu/entrypoint.sh");
        Path entry = IMAGE.resolve("entrypoint.sh");
        assertThat(Files.isExecutable(entry)).isTrue();
        assertThat(Files.readString(entry)).contains("-jar /opt/miaobu/miaobu-builder.jar");
        Process sh = new ProcessBuilder("/bin/sh", "-n", entry.toString()).redirectErrorStream(true).start();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as(new String(sh.getInputStream().readAllBytes())).isZero();
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>miaobu-builder</finalName>");
    }

    @Test
    void every_tool_the_framework_catalog_needs_is_installed() {
        Set<String> tools = new TreeSet<>();
        FrameworkCatalog.standard().frameworks().forEach(f -> tools.addAll(f.tools()));
        assertThat(tools).contains("node", "hugo", "python3", "mkdocs", "ruby", "bundler", "jekyll");
        for (String tool : tools) {
            String evidence = switch (tool) {
                case "node" -> "node-v";
                case "bundler" -> "ruby-bundler";
                default -> tool;
            };
            assertThat(Pattern.compile("(^|[\\s/\"])" + Pattern.quote(evidence)).matcher(runs).find())
                    .as("the image installs %s (a RUN line mentions %s)", tool, evidence).isTrue();
        }
        for (String tool : List.of("git", "tar", "gzip", "util-linux", "openjdk-17-jre-headless", "corepack enable", "pnpm@", "yarn@", "bun@")) {
            assertThat(runs).as("the image installs %s", tool).contains(tool);
        }
    }

    @Test
    void the_image_bundles_node_functions_with_the_esbuild_version_the_miaobu_script_installs() throws Exception {
        Matcher image = Pattern.compile("ESBUILD_VERSION=(\\d+\\.\\d+\\.\\d+)").matcher(all("ARG"));
        Matcher script = Pattern.compile("ESBUILD_VERSION=\"(\\d+\\.\\d+\\.\\d+)\"")
                .matcher(Files.readString(IMAGE.resolveSibling("miaobu")));
        assertThat(image.find()).isTrue();
        assertThat(script.find()).isTrue();
        assertThat(image.group(1)).isEqualTo(script.group(1));
        assertThat(runs).contains("\"esbuild@$ESBUILD_VERSION\"");
    }

    @Test
    void several_node_lts_versions_are_installed_side_by_side_where_the_builder_looks_for_them() {
        Matcher m = Pattern.compile("NODE_VERSIONS=\"([^\"]+)\"").matcher(all("ARG"));
        assertThat(m.find()).isTrue();
        Set<Integer> majors = new TreeSet<>();
        for (String v : m.group(1).split("\\s+")) {
            assertThat(v).matches("\\d+\\.\\d+\\.\\d+");
            majors.add(Integer.parseInt(v.split("\\.")[0]));
        }
        assertThat(majors).hasSizeGreaterThanOrEqualTo(3).allMatch(major -> major % 2 == 0 && major >= 18);
        assertThat(all("ENV")).contains("MIAOBU_NODE_VERSIONS_DIR=/opt/node");
        assertThat(runs).contains("/opt/node/$major", "sha256sum -c");
    }

    @Test
    void the_image_has_the_sandboxs_tools_and_the_builder_stays_root_to_give_each_build_its_own_uid() {
        assertThat(runs).containsPattern("apt-get install [^&]*\\bbubblewrap\\b").containsPattern("apt-get install [^&]*\\butil-linux\\b");
        assertThat(all("ENV")).doesNotContain("MIAOBU_BUILD_USER");
        assertThat(all("USER")).as("the builder stays root to switch users; only builds are unprivileged").isEmpty();
    }
}
