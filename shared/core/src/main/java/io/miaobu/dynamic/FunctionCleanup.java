package io.miaobu.dynamic;

import io.miaobu.deploy.DeploymentStore;
import io.miaobu.projects.ProjectService;

/** A deleted project's deployments take their functions with them, wherever they run. */
public final class FunctionCleanup {
    private FunctionCleanup() {}

    public static void onProjectDelete(ProjectService projects, DeploymentStore deployments, FunctionHost host) {
        projects.onDelete(project -> {
            // A release still running has no backends recorded yet: it finds its deployment gone and deletes its own.
            deployments.listByProject(project.id(), Integer.MAX_VALUE).stream()
                    .filter(d -> d.backends() != null).forEach(host::delete);
        });
    }
}
