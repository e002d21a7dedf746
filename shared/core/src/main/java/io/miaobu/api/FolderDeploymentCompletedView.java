package io.miaobu.api;

import io.miaobu.deploy.FolderDeployments;
import io.miaobu.edge.Hosts;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A folder deployment completed.
 *
 * @param productionUrl the production address when the deployment went live, else null
 * @param warnings      rules in _redirects, _headers or vercel.json that were skipped
 */
@ApiSchema("FolderDeploymentCompleted")
public record FolderDeploymentCompletedView(DeploymentView deployment, @Nullable String productionUrl,
                                            List<Warning> warnings) {

    public record Warning(String file, int line, String message) {}

    public static FolderDeploymentCompletedView of(FolderDeployments.Completed completed, Hosts hosts) {
        boolean live = completed.deployment().id().equals(completed.project().liveDeploymentId());
        return new FolderDeploymentCompletedView(
                DeploymentView.of(completed.project(), completed.deployment(), hosts),
                live ? hosts.url(hosts.production(completed.project().slug())) : null,
                completed.warnings().stream().map(w -> new Warning(w.file(), w.line(), w.message())).toList());
    }
}
