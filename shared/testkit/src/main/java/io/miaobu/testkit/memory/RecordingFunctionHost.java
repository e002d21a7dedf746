package io.miaobu.testkit.memory;

import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link FunctionHost} that runs nothing but remembers what it was asked: which deployments it made
 * runnable, with which manifest and environment, and which it deleted. Backends are {@code mem:<id>/<runtime>}.
 */
public final class RecordingFunctionHost implements FunctionHost {
    /** One {@link #deploy} call. */
    public record Deployed(String deploymentId, FunctionManifest manifest, Path bundleDir, Map<String, String> env) {}

    private final Map<String, Deployed> running = new LinkedHashMap<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    private volatile Consumer<Deployment> duringDeploy = d -> {};
    private volatile IOException failure;

    @Override
    public synchronized Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir,
                                                   FunctionManifest manifest, Map<String, String> env) throws IOException {
        // What a real host has made by the time it fails (a half-created function) is running until deleted.
        running.put(deployment.id(), new Deployed(deployment.id(), manifest, bundleDir, Map.copyOf(env)));
        duringDeploy.accept(deployment);
        if (failure != null) {
            throw failure;
        }
        Map<String, String> backends = new LinkedHashMap<>();
        manifest.runtimes().forEach(runtime -> backends.put(runtime, backend(deployment.id(), runtime)));
        return backends;
    }

    @Override
    public synchronized void delete(Deployment deployment) {
        if (running.remove(deployment.id()) != null) {
            deleted.add(deployment.id());
        }
    }

    public static String backend(String deploymentId, String runtime) {
        return "mem:" + deploymentId + "/" + runtime;
    }

    /** Deployments made runnable and not deleted since. */
    public synchronized Map<String, Deployed> running() {
        return Map.copyOf(running);
    }

    /** Deployments whose functions were deleted, in order. */
    public List<String> deleted() {
        return List.copyOf(deleted);
    }

    /** Every later deploy fails with {@code e} (after making what it made). */
    public void failWith(IOException e) {
        this.failure = e;
    }

    /** Runs {@code action} in the middle of every later deploy (a user canceling meanwhile). */
    public void duringDeploy(Consumer<Deployment> action) {
        this.duringDeploy = action;
    }
}
