package io.miaobu.build;

import io.miaobu.store.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build cache through the ArtifactStore (for builders without a disk that outlives them, as
 * on FC): the cached paths are archived (tar + gzip, made and unpacked by the build user, never by
 * the platform) under {@code cache/{projectId}/}. The newest archive with the build's key is
 * restored: the deployment's own scope first, then production's. A project's archives are capped
 * in total size, oldest evicted first. A damaged or missing archive means a clean install, with
 * one log line.
 */
public final class ArchiveBuildCache implements BuildCache {
    public static final String PREFIX = "cache/";
    // One folder per archive (a store deletes by folder): {scope}--{key}--{savedAtMillis}--{bytes}/cache.tgz
    private static final Pattern NAME = Pattern.compile("([a-z0-9-]+)--([0-9a-f]+)--(\\d+)--(\\d+)/cache\\.tgz");
    private static final String RESTORE_FILE = "cache-restore.tgz";
    private static final String SAVE_FILE = "cache-save.tgz";

    private final ArtifactStore store;
    private final long maxBytes;
    private final Duration timeout;
    private final Clock clock;

    /** One stored archive, parsed from its object name. */
    record Entry(String object, String scope, String hash, long savedAt, long bytes) {}

    public ArchiveBuildCache(ArtifactStore store, long maxBytes, Duration timeout, Clock clock) {
        this.store = store;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public boolean restore(Key key, Path workspace, BuildSandbox runner, Map<String, String> env, BuildOutput log,
                           BooleanSupplier canceled) throws BuildCanceled {
        long start = System.nanoTime();
        List<Entry> entries;
        try {
            entries = list(key);
        } catch (IOException | RuntimeException e) {
            log.system("Build cache unavailable (" + e.getMessage() + "): installing from scratch.");
            return false;
        }
        Optional<Entry> found = newest(entries, key.scope(), key.hash());
        if (found.isEmpty() && !key.scope().equals("production")) {
            found = newest(entries, "production", key.hash());
        }
        if (found.isEmpty()) {
            log.system("Build cache: none for this lockfile and Node.js version yet: installing from scratch.");
            return false;
        }
        Entry entry = found.get();
        Path archive = workspace.resolve(RESTORE_FILE);
        try {
            Optional<InputStream> in = store.open(entry.object());
            if (in.isEmpty()) {
                log.system("Build cache is missing from storage: installing from scratch.");
                return false;
            }
            try (InputStream stream = in.get()) {
                Files.copy(stream, archive, StandardCopyOption.REPLACE_EXISTING);
            }
            runner.prepare(archive);
            List<String> tail = new ArrayList<>();
            int exit = runner.run("tar -xzf " + RESTORE_FILE + " -- " + ShellWords.quote(key.paths()), workspace, env, timeout,
                    (stream, text) -> keepTail(tail, text), canceled);
            if (exit != 0) {
                runner.run("rm -rf -- " + ShellWords.quote(key.paths()), workspace, env, timeout, (stream, text) -> { }, canceled);
                log.system("Build cache could not be restored (" + (tail.isEmpty() ? "tar exited with " + exit : tail.get(tail.size() - 1))
                        + "): installing from scratch.");
                return false;
            }
            log.system(String.format("Build cache restored from the %s build (%s) in %.1fs.",
                    entry.scope().equals(key.scope()) ? "previous" : entry.scope(), BuildCache.human(entry.bytes()),
                    (System.nanoTime() - start) / 1e9));
            return true;
        } catch (BuildFailure | IOException | RuntimeException e) {
            log.system("Build cache could not be restored (" + e.getMessage() + "): installing from scratch.");
            return false;
        } finally {
            deleteQuietly(archive);
        }
    }

    @Override
    public void save(Key key, Path workspace, BuildSandbox runner, Map<String, String> env, BuildOutput log,
                     BooleanSupplier canceled) throws BuildCanceled {
        long start = System.nanoTime();
        Path archive = workspace.resolve(SAVE_FILE);
        try {
            List<String> tail = new ArrayList<>();
            // Every path is archived, empty when the build made none, so a restore can name them all.
            int exit = runner.run("mkdir -p -- " + ShellWords.quote(key.paths()) + " && tar -cf - -- " + ShellWords.quote(key.paths())
                    + " | gzip -1 > " + SAVE_FILE, workspace, env, timeout, (stream, text) -> keepTail(tail, text), canceled);
            if (exit != 0 || !Files.isRegularFile(archive)) {
                log.system("Build cache not saved (" + (tail.isEmpty() ? "tar exited with " + exit : tail.get(tail.size() - 1)) + ").");
                return;
            }
            long bytes = Files.size(archive);
            if (bytes > maxBytes) {
                log.system("Build cache not saved: " + BuildCache.human(bytes) + " is over the limit of " + BuildCache.human(maxBytes) + ".");
                return;
            }
            String object = prefix(key) + key.scope() + "--" + key.hash() + "--" + clock.millis() + "--" + bytes + "/cache.tgz";
            store.put(object, archive, "application/gzip");
            int evicted = evict(key, object);
            log.system(String.format("Build cache saved (%s) in %.1fs%s.", BuildCache.human(bytes), (System.nanoTime() - start) / 1e9,
                    evicted > 0 ? "; " + evicted + " older archive(s) removed" : ""));
        } catch (BuildFailure | IOException | RuntimeException e) {
            log.system("Build cache not saved (" + e.getMessage() + ").");
        } finally {
            deleteQuietly(archive);
        }
    }

    /** Removes archives replaced by {@code kept} (same scope and key), then the oldest until the project fits the cap. */
    private int evict(Key key, String kept) throws IOException {
        List<Entry> entries = new ArrayList<>(list(key));
        entries.sort(Comparator.comparingLong(Entry::savedAt).reversed());
        long total = 0;
        int removed = 0;
        for (Entry e : entries) {
            boolean replaced = !e.object().equals(kept) && e.scope().equals(key.scope()) && e.hash().equals(key.hash());
            if (replaced || (!e.object().equals(kept) && total + e.bytes() > maxBytes)) {
                store.deletePrefix(e.object().substring(0, e.object().lastIndexOf('/') + 1));
                removed++;
            } else {
                total += e.bytes();
            }
        }
        return removed;
    }

    private static String prefix(Key key) {
        return PREFIX + key.projectId() + "/";
    }

    private List<Entry> list(Key key) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String object : store.list(prefix(key))) {
            Matcher m = NAME.matcher(object.substring(prefix(key).length()));
            if (m.matches()) {
                entries.add(new Entry(object, m.group(1), m.group(2), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
            }
        }
        return entries;
    }

    private static Optional<Entry> newest(List<Entry> entries, String scope, String hash) {
        return entries.stream().filter(e -> e.scope().equals(scope) && e.hash().equals(hash))
                .max(Comparator.comparingLong(Entry::savedAt));
    }

    private static void keepTail(List<String> tail, String text) {
        synchronized (tail) {
            tail.add(text);
            if (tail.size() > 5) {
                tail.remove(0);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the workspace is removed after the build anyway
        }
    }
}
