package io.miaobu.fc;

import io.miaobu.dynamic.FunctionManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The ZIP a runtime's function is created from: what FC unpacks to {@code /code}. It holds the bundle's
 * {@code functions.json}, the runtime's own folder of the bundle ({@code node/...} or {@code python/...}) and
 * the runtime's server ({@code runtimes/node/...}), so the bootstrap is {@code node /code/runtimes/node/server.mjs /code}.
 * Entries are sorted and dated 1980, so the same bundle makes the same bytes (a retried deploy uploads
 * what the first attempt did).
 */
final class CodePackage {
    private static final FileTime EPOCH = FileTime.fromMillis(315532800000L + 86400000L); // 1980-01-02, inside ZIP's range

    private CodePackage() {}

    /** Writes the package of {@code runtime} to {@code zip}; answers its size in bytes. */
    static long write(Path bundleDir, Path runtimesDir, String runtime, Path zip) throws IOException {
        Path server = runtimesDir.resolve(runtime);
        if (!Files.isDirectory(server)) {
            throw new IOException("the " + runtime + " runtime is not at " + server + " (MIAOBU_FUNCTION_RUNTIMES_DIR): the function "
                    + "package needs its server");
        }
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            add(z, bundleDir.resolve(FunctionManifest.FILE), FunctionManifest.FILE);
            addTree(z, bundleDir.resolve(runtime), runtime);
            addTree(z, server, "runtimes/" + runtime);
        }
        return Files.size(zip);
    }

    private static void addTree(ZipOutputStream z, Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path file : files) {
            add(z, file, prefix + "/" + dir.relativize(file).toString().replace('\\', '/'));
        }
    }

    private static void add(ZipOutputStream z, Path file, String name) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(EPOCH);
        z.putNextEntry(entry);
        Files.copy(file, z);
        z.closeEntry();
    }
}
