package io.miaobu.envvars;

import java.util.List;

/** Outgoing persistence port for project environment variables (values encrypted by the caller). */
public interface EnvVarStore {
    /** The project's variables ordered by key then target; empty when it has none. */
    List<EnvVar> list(String projectId);

    /** Replaces the project's whole set in one transaction. */
    void replaceAll(String projectId, List<EnvVar> vars);
}
