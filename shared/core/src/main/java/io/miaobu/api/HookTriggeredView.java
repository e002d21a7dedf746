package io.miaobu.api;

import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeployHooks;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.edge.Hosts;

/**
 * What calling a deploy hook's URL answers: whoever holds the URL learns what was queued, not the
 * project's settings or history.
 */
@ApiSchema("HookTriggered")
public record HookTriggeredView(Queued deployment) {

    public record Queued(String id, DeploymentStatus status, String branch, String url) {}

    public static HookTriggeredView of(DeployHooks.Triggered triggered, Hosts hosts) {
        Deployment d = triggered.deployment();
        return new HookTriggeredView(new Queued(d.id(), d.status(), d.branch(),
                hosts.url(hosts.deployment(d.id(), triggered.project().slug()))));
    }
}
