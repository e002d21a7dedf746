package io.miaobu.ops;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.DeploymentStore;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;

/**
 * Fails deployments whose builder died: a build still BUILDING or UPLOADING well past the build
 * timeout, or a job that never started. Without it a crashed builder leaves a spinner forever.
 */
public final class Reaper {
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Duration QUEUE_LIMIT = Duration.ofHours(1);

    private final DeploymentStore deployments;
    private final Duration buildTimeout;
    private final Clock clock;

    public Reaper(DeploymentStore deployments, Duration buildTimeout, Clock clock) {
        this.deployments = deployments;
        this.buildTimeout = buildTimeout;
        this.clock = clock;
    }

    /** Returns how many deployments were failed. */
    public int reap() {
        int reaped = 0;
        var staleBuild = clock.instant().minus(buildTimeout).minus(GRACE);
        for (DeploymentStatus status : new DeploymentStatus[] {DeploymentStatus.BUILDING, DeploymentStatus.UPLOADING}) {
            for (Deployment d : deployments.listStale(status, staleBuild)) {
                if (deployments.finish(d.id(), EnumSet.of(status), DeploymentStatus.FAILED,
                        "The build stopped responding and was ended after " + buildTimeout.toMinutes()
                                + " minutes; deploy again.", d.stats(), clock.instant())) {
                    reaped++;
                }
            }
        }
        for (Deployment d : deployments.listStale(DeploymentStatus.QUEUED, clock.instant().minus(QUEUE_LIMIT))) {
            if (deployments.finish(d.id(), EnumSet.of(DeploymentStatus.QUEUED), DeploymentStatus.FAILED,
                    "The build waited more than an hour for a builder and was dropped; deploy again.",
                    d.stats(), clock.instant())) {
                reaped++;
            }
        }
        return reaped;
    }
}
