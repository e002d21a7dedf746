package io.miaobu.api;

import io.miaobu.deploy.DeployHook;
import java.time.Instant;

/** A deploy hook as listed: never its secret URL, of which only a hash is stored. */
@ApiSchema("DeployHook")
public record DeployHookView(String id, String projectId, String name, String branch, Instant createdAt) {

    public static DeployHookView of(DeployHook hook) {
        return new DeployHookView(hook.id(), hook.projectId(), hook.name(), hook.branch(), hook.createdAt());
    }
}
