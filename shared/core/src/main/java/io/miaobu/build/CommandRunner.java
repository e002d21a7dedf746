package io.miaobu.build;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where user commands (install and build) run: each build gets a {@link BuildSandbox} of its own
 * (DESIGN §6). An adapter decides how strong that sandbox is; the platform only opens it before the
 * first command of a build and closes it after the last.
 */
public interface CommandRunner {
    /**
     * The sandbox of one build, whose files live under {@code workspace}. Closing it ends every
     * process the build started.
     */
    BuildSandbox open(Path workspace) throws IOException;

    /**
     * Where build workspaces are made: {@code configured} when builds can reach it, else a place
     * they can. Called once, when the builder is created.
     */
    default Path workspaceRoot(Path configured) throws IOException {
        return configured;
    }
}
