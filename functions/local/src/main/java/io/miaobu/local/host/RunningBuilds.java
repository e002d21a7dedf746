package io.miaobu.local.host;

import io.miaobu.build.FileTrees;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builds this local host is running: one marker file per build under the data directory
 * ({@code running-builds/{deploymentId}}, holding the build's workspace), written when a worker takes
 * the build and removed when it ends. A marker still there at start is a build that died with a
 * crashed Miaobu: its deployment is failed at once instead of waiting for the reaper, and its
 * workspace is removed.
 */
final class RunningBuilds {
    static final String STOPPED = "Miaobu stopped during the build; deploy again.";
    private static final Logger LOG = LoggerFactory.getLogger(RunningBuilds.class);
    private static final Set<DeploymentStatus> UNFINISHED =
            EnumSet.of(DeploymentStatus.QUEUED, DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING);
    /**
     * What builds leave in the build directory: a deployment's workspace (its id, see Ids), the user entries
     * its sandbox wrote beside it ({@code {id}.etc}), or a detection clone.
     */
    private static final Pattern SCRATCH = Pattern.compile("d[0-9a-z]{15}(\\.etc)?|detect-.+");

    private final Path dir;

    RunningBuilds(Path dir) {
        this.dir = dir;
    }

    /** A worker took the build of {@code deploymentId}, which will run in {@code workspace}. */
    void started(String deploymentId, Path workspace) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(deploymentId), workspace.toAbsolutePath().toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the running build " + deploymentId + " in " + dir, e);
        }
    }

    void ended(String deploymentId) {
        try {
            Files.deleteIfExists(dir.resolve(deploymentId));
        } catch (IOException e) {
            LOG.warn("could not remove the marker of build {}", deploymentId, e);
        }
    }

    /**
     * Fails every build with a marker that has not finished. At shutdown the builders see it within a
     * second and kill their processes; at start they are builds that died with the previous process.
     */
    int fail(DeploymentStore deployments, Instant now) {
        int failed = 0;
        for (String id : markers()) {
            Optional<Deployment> d = deployments.findById(id);
            if (d.isPresent() && UNFINISHED.contains(d.get().status())
                    && deployments.finish(id, UNFINISHED, DeploymentStatus.FAILED, STOPPED, d.get().stats(), now)) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * At start, before any worker runs: fails the builds the previous process was running, removes
     * their workspaces and markers, and any other build scratch left in {@code buildDir}.
     */
    int recover(DeploymentStore deployments, Path buildDir, Instant now) throws IOException {
        int failed = fail(deployments, now);
        for (String id : markers()) {
            Path marker = dir.resolve(id);
            Path workspace = Path.of(Files.readString(marker, StandardCharsets.UTF_8).trim());
            if (workspace.getFileName() != null && workspace.getFileName().toString().equals(id)) {
                removeScratch(workspace);
            }
            Files.delete(marker);
        }
        if (Files.isDirectory(buildDir)) {
            try (Stream<Path> children = Files.list(buildDir)) {
                children.filter(p -> SCRATCH.matcher(p.getFileName().toString()).matches()).forEach(RunningBuilds::removeScratch);
            }
        }
        if (failed > 0) {
            LOG.warn("failed {} build(s) that were running when Miaobu stopped", failed);
        }
        return failed;
    }

    private List<String> markers() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the running builds in " + dir, e);
        }
    }

    private static void removeScratch(Path path) {
        if (!FileTrees.delete(path)) {
            LOG.warn("could not remove the build workspace {}", path);
        }
    }
}
