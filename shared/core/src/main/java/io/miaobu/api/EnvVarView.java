package io.miaobu.api;

import io.miaobu.envvars.EnvVar;
import java.time.Instant;

/** An environment variable's key and target: values go in, never come out. */
@ApiSchema("EnvVar")
public record EnvVarView(String key, String target, Instant updatedAt) {

    public static EnvVarView of(EnvVar v) {
        return new EnvVarView(v.key(), v.target().wire(), v.updatedAt());
    }
}
