package io.miaobu.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A package index (PEP 503's simple API, as files pip reads through {@code PIP_INDEX_URL=file://…}) of wheels
 * (PEP 427) written by hand: the machine reaches no PyPI. Each wheel holds one module whose source the test gives.
 */
public final class PythonPackageIndex {
    private final Path root;

    /** An index in {@code root} (created when missing). */
    public PythonPackageIndex(Path root) {
        this.root = root;
    }

    /** What to set {@code PIP_INDEX_URL} to. */
    public String url() {
        return root.toUri().toString();
    }

    /**
     * Adds {@code name} {@code version} as a wheel for {@code tagSet} ({@code py3-none-any}, or a compressed set such as
     * {@code cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64}) holding {@code module}.py with {@code source}.
     */
    public PythonPackageIndex wheel(String name, String version, String tagSet, String module, String source) {
        try {
            Path project = Files.createDirectories(root.resolve(name));
            String file = module + "-" + version + "-" + tagSet + ".whl";
            String distInfo = module + "-" + version + ".dist-info/";
            Map<String, String> entries = new LinkedHashMap<>();
            entries.put(module + ".py", source);
            entries.put(distInfo + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
            entries.put(distInfo + "WHEEL", "Wheel-Version: 1.0\nGenerator: miaobu-test\nRoot-Is-Purelib: " + tagSet.endsWith("-any")
                    + "\n" + tags(tagSet).stream().map(t -> "Tag: " + t + "\n").collect(Collectors.joining()));
            entries.put(distInfo + "RECORD", entries.keySet().stream().map(k -> k + ",,\n").collect(Collectors.joining()) + distInfo + "RECORD,,\n");
            try (OutputStream out = Files.newOutputStream(project.resolve(file)); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (var e : entries.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
            writeProjectPage(project);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project's page: a link per wheel in its folder. */
    private static void writeProjectPage(Path project) throws IOException {
        List<String> wheels;
        try (var files = Files.list(project)) {
            wheels = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".whl")).sorted().toList();
        }
        Files.writeString(project.resolve("index.html"), "<!DOCTYPE html><html><body>"
                + wheels.stream().map(f -> "<a href=\"" + f + "\">" + f + "</a>").collect(Collectors.joining()) + "</body></html>");
    }

    /** The tags a compressed tag set stands for (PEP 425): {@code a.b-none-any} is {@code a-none-any} and {@code b-none-any}. */
    private static List<String> tags(String tagSet) {
        String[] parts = tagSet.split("-");
        List<String> out = new ArrayList<>();
        for (String py : parts[0].split("\\.")) {
            for (String abi : parts[1].split("\\.")) {
                for (String platform : parts[2].split("\\.")) {
                    out.add(py + "-" + abi + "-" + platform);
                }
            }
        }
        return out;
    }
}
