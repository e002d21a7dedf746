package io.miaobu.local.functions;

import io.miaobu.build.CommandRunner;
import io.miaobu.config.FunctionSettings;
import io.miaobu.deploy.Deployment;
import io.miaobu.dynamic.FunctionHost;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.projects.Project;
import io.miaobu.secrets.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's {@link FunctionHost}: a deployment's functions are stored under the data directory and run
 * by worker processes of this host, started by their first request (through the {@link FunctionGateway}
 * the local edge proxies to), each in a build sandbox. Backends are {@code local:{deploymentId}/{runtime}}.
 */
public final class LocalFunctionHost implements FunctionHost, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFunctionHost.class);
    public static final String BACKEND_PREFIX = "local:";

    private final StoredFunctions stored;
    private final Workers workers;
    private final FunctionGateway gateway;

    private LocalFunctionHost(StoredFunctions stored, Workers workers, FunctionGateway gateway) {
        this.stored = stored;
        this.workers = workers;
        this.gateway = gateway;
    }

    /**
     * @param dataDir functions are kept in {@code {dataDir}/functions}
     * @param runner the sandboxes workers run in (the build's, with the function memory limit)
     * @param workspaceRoot where workers get their folders (the runner's build workspace root)
     * @param secrets encrypts the deployments' variables at rest
     * @param path PATH for the runtimes (node, python3)
     * @param output where the workers' output goes (the function log)
     */
    public static LocalFunctionHost start(Path dataDir, CommandRunner runner, Path workspaceRoot, Secrets secrets,
                                          FunctionSettings settings, String path, FunctionOutput output) throws IOException {
        StoredFunctions stored = new StoredFunctions(dataDir.resolve("functions"), secrets);
        Path runtimes = settings.runtimesDir().orElseGet(LocalFunctionHost::checkoutRuntimes);
        Workers workers = new Workers(stored, runner, workspaceRoot, runtimes, path, output, settings.idle());
        return new LocalFunctionHost(stored, workers, new FunctionGateway(workers, settings.timeout()));
    }

    /** The runtimes/ folder of the checkout this runs from (the jar's or the classes' folder, or the working directory, upwards). */
    static Path checkoutRuntimes() {
        for (Path start : new Path[] {codeLocation().orElse(null), Path.of("").toAbsolutePath()}) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isDirectory(dir.resolve("runtimes")) && Files.isRegularFile(dir.resolve("miaobu"))) {
                    return dir.resolve("runtimes");
                }
            }
        }
        return Path.of("runtimes").toAbsolutePath();
    }

    private static Optional<Path> codeLocation() {
        try {
            return Optional.of(Path.of(LocalFunctionHost.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir, FunctionManifest manifest,
                                      Map<String, String> env) throws IOException {
        stored.store(deployment.id(), bundleDir, env);
        Map<String, String> backends = new LinkedHashMap<>();
        for (String runtime : manifest.runtimes()) {
            backends.put(runtime, BACKEND_PREFIX + deployment.id() + "/" + runtime);
        }
        return backends;
    }

    /** Workers run this machine's node and python3, as builds do. */
    @Override
    public boolean runsOnBuildMachine() {
        return true;
    }

    @Override
    public void delete(Deployment deployment) {
        try {
            workers.stopDeployment(deployment.id());
            stored.delete(deployment.id());
        } catch (RuntimeException e) {
            LOG.warn("could not delete the functions of deployment {}", deployment.id(), e);
        }
    }

    /** Where the local edge sends function requests, and the token it must send along. */
    public String gatewayUrl() {
        return gateway.url();
    }

    public String gatewayToken() {
        return gateway.token();
    }

    /** How many workers run now. */
    public int runningWorkers() {
        return workers.count();
    }

    /** No new requests; every worker is stopped (nothing of theirs outlives the host). */
    @Override
    public void close() {
        gateway.close();
        workers.close();
    }
}
