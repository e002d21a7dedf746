package io.miaobu.local;

import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteKeys;
import io.miaobu.edge.RouteTable;
import io.miaobu.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Optional;

/**
 * RouteTable as one JSON file per host ({@code {dir}/{RouteKeys.fileName(RouteKeys.encode(host))}.json}), which the local
 * edge reads. Writes go to a temp file and are renamed into place, so a reader sees old or new, never half.
 * File manifests are not kept: the local edge sees the deployment's files on disk, which is the
 * manifest itself (and needs nothing invalidated when files go).
 */
public final class FileRouteTable implements RouteTable {
    private final Path dir;

    public FileRouteTable(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public void put(String host, RouteEntry entry) {
        Path target = file(host);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".route-", ".tmp");
            Files.write(tmp, Json.write(entry));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write route for " + host, e);
        }
    }

    @Override
    public Optional<RouteEntry> get(String host) {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readAllBytes(file(host)), RouteEntry.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read route for " + host, e);
        }
    }

    @Override
    public void delete(String host) {
        try {
            Files.deleteIfExists(file(host));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete route for " + host, e);
        }
    }

    /** Nothing to do: the local edge reads the deployment's directory, which lists its files. */
    @Override
    public void putManifest(String deploymentId, Collection<String> paths) {}

    @Override
    public void deleteManifest(String deploymentId) {}

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; that error is the one reported
            }
        }
    }

    private Path file(String host) {
        return dir.resolve(RouteKeys.fileName(RouteKeys.encode(host)) + ".json");
    }
}
