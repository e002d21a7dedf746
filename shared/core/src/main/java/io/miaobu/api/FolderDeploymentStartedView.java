package io.miaobu.api;

import io.miaobu.deploy.FolderDeployments;
import io.miaobu.edge.Hosts;
import java.util.List;

/** A folder deployment just started: the SHA-256 of each file content still to upload. */
@ApiSchema("FolderDeploymentStarted")
public record FolderDeploymentStartedView(DeploymentView deployment, List<String> missing) {

    public static FolderDeploymentStartedView of(FolderDeployments.Started started, Hosts hosts) {
        return new FolderDeploymentStartedView(DeploymentView.of(started.project(), started.deployment(), hosts),
                started.missing());
    }
}
