package io.miaobu.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.jspecify.annotations.Nullable;

/**
 * A project in the projects list: its fields, then its newest and its live deployment, so the dashboard
 * draws the list with one request.
 *
 * @param latestDeployment the newest deployment, or null when it was never deployed
 * @param liveDeployment   what visitors see: after a rollback it is not the newest
 */
@ApiSchema("ProjectListItem")
public record ProjectListItemView(@JsonUnwrapped ProjectView project, @Nullable DeploymentView latestDeployment,
                                  @Nullable DeploymentView liveDeployment) {}
