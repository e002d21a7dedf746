package io.miaobu.deploy;

import io.miaobu.Sha256;
import io.miaobu.build.ContentTypes;
import io.miaobu.deploy.DeploymentFileStore.Blob;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A project's file contents, each stored once by its SHA-256 under {@code sites/{projectId}/_blobs/{sha256}}
 * (DESIGN §2), and copied server-side into a deployment's prefix (OSS CopyObject, a hard link on disk):
 * a redeploy stores only the contents that changed, Git builds and folder deployments alike. Scoped to
 * the project, so no tenant can learn whether another has a file by asking for its digest.
 *
 * <p>Chosen over a content-addressed layout the edge would read through a manifest because the edge,
 * the route entry and rollbacks keep working with one plain prefix per deployment.
 */
public final class ContentStore {
    private static final int THREADS = 8;

    /** A file of a build's output on this machine. */
    public record LocalFile(String path, Path source, long size) {}

    /** What storing a build's output did: every file's entry, and the contents that were new to the project. */
    public record Stored(List<FileEntry> files, Map<String, Path> sources, int newContents, long newBytes, int reusedFiles) {
        public DeploymentStats stats() {
            return new DeploymentStats(files.size(), files.stream().mapToLong(FileEntry::size).sum(), newContents, newBytes);
        }
    }

    /** Content that is not what its sender declared; the message says what to do. */
    public static final class Mismatch extends IllegalArgumentException {
        private final String code;

        Mismatch(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final ArtifactStore artifacts;
    private final DeploymentFileStore records;
    private final Clock clock;

    public ContentStore(ArtifactStore artifacts, DeploymentFileStore records, Clock clock) {
        this.artifacts = artifacts;
        this.records = records;
        this.clock = clock;
    }

    public static String key(String projectId, String sha256) {
        return "sites/" + projectId + "/_blobs/" + sha256;
    }

    /**
     * Of the declared contents (digest -&gt; length), the digests the project has not stored yet. A digest
     * stored with another length is refused: no file can have two lengths, so the declaration is wrong.
     */
    public List<String> missing(String projectId, Map<String, Long> declared) {
        Map<String, Long> stored = records.storedSizes(projectId, declared.keySet());
        List<String> missing = new ArrayList<>();
        for (var e : declared.entrySet()) {
            Long size = stored.get(e.getKey());
            if (size == null) {
                missing.add(e.getKey());
            } else if (size.longValue() != e.getValue()) {
                throw new Mismatch("size_mismatch", "Content " + e.getKey() + " is " + size + " bytes long, not "
                        + e.getValue() + " as declared; list each file's exact size.");
            }
        }
        return missing;
    }

    /**
     * Stores one piece of uploaded content after checking it is exactly what was declared: its SHA-256
     * and its length. Content the project already has is not stored again.
     */
    public void storeUpload(String projectId, String sha256, long declaredSize, byte[] content) throws IOException {
        if (content.length != declaredSize) {
            throw new Mismatch("size_mismatch", "The content sent for " + sha256 + " is " + content.length
                    + " bytes, but the deployment lists it as " + declaredSize + " bytes; send the file's exact bytes.");
        }
        String actual = Sha256.hex(content);
        if (!actual.equals(sha256)) {
            throw new Mismatch("digest_mismatch", "The content sent for " + sha256 + " hashes to " + actual
                    + "; send the file's exact bytes.");
        }
        if (!records.storedSizes(projectId, List.of(sha256)).isEmpty()) {
            return; // a retry, or stored meanwhile by another deployment
        }
        Path tmp = Files.createTempFile("miaobu-upload-", ".blob");
        try {
            Files.write(tmp, content);
            artifacts.put(key(projectId, sha256), tmp, "application/octet-stream");
        } finally {
            Files.deleteIfExists(tmp);
        }
        records.recordBlobs(projectId, List.of(new Blob(sha256, content.length)), clock.instant());
    }

    /** Hashes a build's output files, stores the contents the project does not have yet, and lists every file. */
    public Stored storeFiles(String projectId, List<LocalFile> files) throws IOException {
        ExecutorService pool = pool(files.size());
        try {
            List<Future<String>> hashing = new ArrayList<>(files.size());
            for (LocalFile file : files) {
                hashing.add(pool.submit(() -> sha256(file.source())));
            }
            List<FileEntry> entries = new ArrayList<>(files.size());
            Map<String, Path> sources = new LinkedHashMap<>();
            Map<String, Long> declared = new LinkedHashMap<>();
            for (int i = 0; i < files.size(); i++) {
                LocalFile file = files.get(i);
                String digest = await(hashing.get(i));
                entries.add(new FileEntry(file.path(), digest, file.size()));
                sources.putIfAbsent(digest, file.source());
                declared.putIfAbsent(digest, file.size());
            }
            Map<String, Long> stored = records.storedSizes(projectId, declared.keySet());
            List<String> fresh = declared.keySet().stream().filter(d -> !stored.containsKey(d)).toList();
            runAll(pool, fresh, digest -> artifacts.put(key(projectId, digest), sources.get(digest), "application/octet-stream"));
            records.recordBlobs(projectId, fresh.stream().map(d -> new Blob(d, declared.get(d))).toList(), clock.instant());
            var freshSet = java.util.Set.copyOf(fresh);
            int reused = (int) entries.stream().filter(e -> !freshSet.contains(e.sha256())).count();
            return new Stored(entries, sources, fresh.size(), fresh.stream().mapToLong(declared::get).sum(), reused);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Puts every file into the deployment's prefix as a copy of its stored content. Content recorded but
     * no longer stored (removed by hand) is stored again from {@code sources} when this machine has it.
     */
    public void copyInto(String projectId, String prefix, List<FileEntry> files, Map<String, Path> sources) throws IOException {
        ExecutorService pool = pool(files.size());
        try {
            runAll(pool, files, e -> {
                String blob = key(projectId, e.sha256());
                String target = prefix + e.path();
                try {
                    artifacts.copy(blob, target, ContentTypes.of(e.path()));
                } catch (NoSuchFileException missing) {
                    Path source = sources.get(e.sha256());
                    if (source == null) {
                        throw missing;
                    }
                    artifacts.put(blob, source, "application/octet-stream");
                    artifacts.copy(blob, target, ContentTypes.of(e.path()));
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /** The stored content's bytes, at most {@code max}. */
    public byte[] read(String projectId, String sha256, int max) throws IOException {
        var in = artifacts.open(key(projectId, sha256));
        if (in.isEmpty()) {
            throw new NoSuchFileException("stored content " + sha256);
        }
        try (InputStream stream = in.get()) {
            return stream.readNBytes(max);
        }
    }

    private interface Task<T> {
        void run(T item) throws IOException;
    }

    /** Runs one task per item on the pool and waits for all; the first failure is thrown. */
    private static <T> void runAll(ExecutorService pool, Collection<T> items, Task<T> task) throws IOException {
        List<Future<String>> running = new ArrayList<>(items.size());
        for (T item : items) {
            running.add(pool.submit(() -> {
                task.run(item);
                return "";
            }));
        }
        for (Future<String> f : running) {
            await(f);
        }
    }

    private static String await(Future<String> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing files", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    private static ExecutorService pool(int tasks) {
        return Executors.newFixedThreadPool(Math.min(THREADS, Math.max(1, tasks)));
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(in, null);
        }
    }
}
