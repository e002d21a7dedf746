package io.miaobu.envvars;

import java.time.Instant;

/** One stored environment variable of a project: its value only ever as ciphertext. */
public record EnvVar(String key, EnvTarget target, String encryptedValue, Instant updatedAt) {}
