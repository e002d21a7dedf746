package io.miaobu.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.miaobu.deploy.DeployHooks;

/** A deploy hook just created, with its secret URL: shown this once, as only its hash is stored. */
@ApiSchema("CreatedDeployHook")
public record CreatedDeployHookView(@JsonUnwrapped DeployHookView hook, String url) {

    public static CreatedDeployHookView of(DeployHooks.Created created) {
        return new CreatedDeployHookView(DeployHookView.of(created.hook()), created.url());
    }
}
