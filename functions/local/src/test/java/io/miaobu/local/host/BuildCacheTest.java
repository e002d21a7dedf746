package io.miaobu.local.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.miaobu.build.ArchiveBuildCache;
import io.miaobu.build.BuildCache;
import io.miaobu.build.DirectoryBuildCache;
import io.miaobu.build.process.ProcessCommandRunner;
import io.miaobu.local.DiskArtifactStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import java.nio.file.LinkOption;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both build cache stores with real tar and a real disk store: what a build saves comes back in
 * the next one, a preview starts from production's, a damaged archive costs a clean install (and
 * one log line), and the size cap evicts the oldest.
 */
class BuildCacheTest {
    private static final List<String> PATHS = List.of("home/.npm", "repo/node_modules");
    private static final Map<String, String> ENV = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

    @TempDir
    Path tmp;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private final StringBuilder log = new StringBuilder();
    private int workspaces;

    private Path workspace(boolean withFiles) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w" + (++workspaces)));
        Files.createDirectories(w.resolve("home"));
        Files.createDirectories(w.resolve("repo"));
        if (withFiles) {
            Files.createDirectories(w.resolve("home/.npm/_cacache"));
            Files.writeString(w.resolve("home/.npm/_cacache/index"), "downloaded");
            Files.createDirectories(w.resolve("repo/node_modules/vite/bin"));
            Files.writeString(w.resolve("repo/node_modules/vite/bin/vite.js"), "console.log('vite')");
            Files.createDirectories(w.resolve("repo/node_modules/.bin"));
            Files.createSymbolicLink(w.resolve("repo/node_modules/.bin/vite"), Path.of("../vite/bin/vite.js"));
        }
        return w;
    }

    private BuildCache.Key key(String scope) throws Exception {
        return BuildCache.key("p1", scope, tmp, List.of(), "v20", "npm ci", PATHS, "");
    }

    private void assertRestored(Path w) throws Exception {
        assertThat(w.resolve("home/.npm/_cacache/index")).hasContent("downloaded");
        assertThat(w.resolve("repo/node_modules/vite/bin/vite.js")).exists();
        assertThat(Files.readSymbolicLink(w.resolve("repo/node_modules/.bin/vite"))).isEqualTo(Path.of("../vite/bin/vite.js"));
    }

    private ArchiveBuildCache archives(long maxBytes) throws Exception {
        return new ArchiveBuildCache(new DiskArtifactStore(tmp.resolve("artifacts")), maxBytes, Duration.ofMinutes(1),
                Clock.systemUTC());
    }

    private List<Path> archivesOnDisk() throws Exception {
        Path dir = tmp.resolve("artifacts/cache/p1");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void an_archived_cache_comes_back_in_the_next_build_and_a_preview_starts_from_productions() throws Exception {
        ArchiveBuildCache cache = archives(1 << 30);
        cache.save(key("production"), workspace(true), runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);
        assertThat(log).contains("Build cache saved");

        Path next = workspace(false);
        assertThat(cache.restore(key("production"), next, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false)).isTrue();
        assertRestored(next);

        Path preview = workspace(false);
        assertThat(cache.restore(key("preview-feature"), preview, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false)).isTrue();
        assertRestored(preview);
        assertThat(log).contains("Build cache restored from the production build");
        assertThat(cache.restore(BuildCache.key("p1", "production", tmp, List.of(), "v22", "npm ci", PATHS, ""), workspace(false), runner, ENV,
                (s, t) -> log.append(t).append('\n'), () -> false)).as("another Node.js version is another key").isFalse();
    }

    @Test
    void a_damaged_archive_means_a_clean_install_with_one_log_line() throws Exception {
        ArchiveBuildCache cache = archives(1 << 30);
        cache.save(key("production"), workspace(true), runner, ENV, (s, t) -> { }, () -> false);
        Files.writeString(archivesOnDisk().get(0), "not a tar.gz at all");

        Path next = workspace(false);
        boolean restored = cache.restore(key("production"), next, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);

        assertThat(restored).isFalse();
        assertThat(log.toString().lines().filter(l -> l.startsWith("Build cache could not be restored"))).hasSize(1);
        assertThat(log).contains("installing from scratch");
        assertThat(next.resolve("repo/node_modules")).doesNotExist();
    }

    @Test
    void past_the_size_cap_the_oldest_archive_is_evicted() throws Exception {
        archives(1 << 30).save(key("production"), workspace(true), runner, ENV, (s, t) -> { }, () -> false);
        long size = Files.size(archivesOnDisk().get(0));
        ArchiveBuildCache capped = archives(size + size / 2);
        Thread.sleep(5);
        capped.save(key("preview-feature"), workspace(true), runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);

        assertThat(archivesOnDisk()).hasSize(1);
        assertThat(archivesOnDisk().get(0).toString()).contains("preview-feature--");
        assertThat(log).contains("1 older archive(s) removed");

        archives(10).save(key("production"), workspace(true), runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);
        assertThat(log).contains("Build cache not saved", "over the limit");
    }

    private static final BuildCache.Key NEXT_CACHE = new BuildCache.Key("p1", "production", "0123456789abcdef0123", List.of("repo/.next/cache"));

    /** A directory cache holding what a Next.js build left in .next/cache. */
    private DirectoryBuildCache directoryWithNextCache(BuildSandbox sandbox) throws Exception {
        DirectoryBuildCache cache = new DirectoryBuildCache(tmp.resolve("build-cache"), 1 << 30, Clock.systemUTC());
        Path first = workspace(false);
        Files.createDirectories(first.resolve("repo/.next/cache/webpack"));
        Files.writeString(first.resolve("repo/.next/cache/webpack/0.pack"), "packed");
        cache.save(NEXT_CACHE, first, sandbox, ENV, (s, t) -> { }, () -> false);
        return cache;
    }

    @Test
    void folders_a_restore_makes_above_a_cached_path_belong_to_the_build_so_it_can_write_beside_it() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "handing files to another uid takes root");
        int buildUid = 4_000_123;
        BuildSandbox chowning = new BuildSandbox() {
            @Override
            public int run(String command, Path workDir, Map<String, String> env, Duration timeout, BuildOutput output,
                           BooleanSupplier canceled) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void prepare(Path path) throws java.io.IOException {
                try (Stream<Path> walk = Files.walk(path)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Files.setAttribute(p, "unix:uid", buildUid, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        };
        BuildCache.Key key = NEXT_CACHE;
        DirectoryBuildCache cache = directoryWithNextCache(chowning);

        Path next = workspace(false);
        assertThat(cache.restore(key, next, chowning, ENV, (s, t) -> log.append(t).append('\n'), () -> false)).isTrue();
        assertThat(next.resolve("repo/.next/cache/webpack/0.pack")).hasContent("packed");
        assertThat(Files.getAttribute(next.resolve("repo/.next"), "unix:uid")).as("where the build writes .next/trace").isEqualTo(buildUid);
    }

    @Test
    void a_checkout_whose_cached_folder_is_a_link_elsewhere_gets_no_cache_there() throws Exception {
        BuildCache.Key key = NEXT_CACHE;
        DirectoryBuildCache cache = directoryWithNextCache(runner);

        Path elsewhere = Files.createDirectories(tmp.resolve("platform-files"));
        Path next = workspace(false);
        Files.createSymbolicLink(next.resolve("repo/.next"), elsewhere);
        assertThat(cache.restore(key, next, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false)).isFalse();
        assertThat(elsewhere.resolve("cache")).doesNotExist();
        assertThat(log).contains("Build cache discarded (`repo/.next` in the checkout is not a folder)");

        Files.createDirectories(elsewhere.resolve("cache"));
        Files.writeString(elsewhere.resolve("cache/secret"), "the platform's");
        cache.save(key, next, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);
        assertThat(elsewhere.resolve("cache/secret")).as("never moved into the cache through the build's link").hasContent("the platform's");
    }

    @Test
    void over_the_limit_the_directory_cache_keeps_node_modules_without_the_download_cache() throws Exception {
        Path first = workspace(true);
        Files.write(first.resolve("home/.npm/_cacache/big"), new byte[64 * 1024]);
        DirectoryBuildCache cache = new DirectoryBuildCache(tmp.resolve("build-cache"), 16 * 1024, Clock.systemUTC());
        cache.save(key("production"), first, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);
        assertThat(log).contains("without the package manager's download cache");

        Path next = workspace(false);
        assertThat(cache.restore(key("production"), next, runner, ENV, (s, t) -> { }, () -> false)).isTrue();
        assertThat(next.resolve("repo/node_modules/vite/bin/vite.js")).exists();
        assertThat(next.resolve("home/.npm")).doesNotExist();
    }

    @Test
    void the_directory_cache_moves_entries_in_and_out_and_a_preview_gets_a_copy_production_keeps() throws Exception {
        DirectoryBuildCache cache = new DirectoryBuildCache(tmp.resolve("build-cache"), 1 << 30, Clock.systemUTC());
        Path first = workspace(true);
        cache.save(key("production"), first, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false);
        assertThat(first.resolve("repo/node_modules")).as("moved, not copied").doesNotExist();

        Path preview = workspace(false);
        assertThat(cache.restore(key("preview-feature"), preview, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false)).isTrue();
        assertRestored(preview);
        assertThat(log).contains("restored from the production build (copied)");

        Path production = workspace(false);
        assertThat(cache.restore(key("production"), production, runner, ENV, (s, t) -> log.append(t).append('\n'), () -> false)).isTrue();
        assertRestored(production);
        assertThat(cache.restore(key("production"), workspace(false), runner, ENV, (s, t) -> { }, () -> false))
                .as("taken by the build that restored it, until it saves again").isFalse();
    }
}
