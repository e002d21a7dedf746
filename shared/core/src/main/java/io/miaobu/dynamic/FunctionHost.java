package io.miaobu.dynamic;

import io.miaobu.deploy.Deployment;
import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a deployment's functions run: Function Compute in the cloud, worker processes of the local host in
 * local mode. A deployment's functions are a version that never changes: {@link #deploy} is called once,
 * before the deployment is READY, and what it returns is what the deployment's hosts proxy to for as long
 * as the deployment exists.
 */
public interface FunctionHost {
    /**
     * Makes the bundle runnable with {@code env} (the project's variables for the deployment's target, the
     * platform's never) and returns, per runtime of the manifest, the backend the edge proxies that
     * runtime's requests to. Users never see these values.
     */
    Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir, FunctionManifest manifest,
                               Map<String, String> env) throws IOException;

    /**
     * Whether functions run on this machine, with the interpreters the build has (local mode): then what the
     * build's Python already provides is not packaged again. Function Compute runs its own Python: false.
     */
    default boolean runsOnBuildMachine() {
        return false;
    }

    /**
     * The Python (X.Y) functions run on when they do not run on the build machine (Function Compute's layer): Python
     * dependencies are installed for it, as wheels for Linux x86_64, and a project asking for another fails its build.
     * Empty: the build's own interpreter decides.
     */
    default Optional<String> pythonVersion() {
        return Optional.empty();
    }

    /** Frees everything {@link #deploy} made for the deployment; does nothing when it made nothing. Never throws. */
    void delete(Deployment deployment);

    /** An installation that runs no functions: a deployment with functions fails with this message. */
    FunctionHost NONE = new FunctionHost() {
        @Override
        public Map<String, String> deploy(Project project, Deployment deployment, Path bundleDir,
                                          FunctionManifest manifest, Map<String, String> env) {
            throw new UnsupportedOperationException("this installation runs no functions");
        }

        @Override
        public void delete(Deployment deployment) {}
    };
}
