package io.miaobu.deploy;

import java.util.List;
import java.util.Optional;

public interface DeployHookStore {
    void insert(DeployHook hook);

    Optional<DeployHook> findByTokenHash(String tokenHash);

    /** Oldest first. */
    List<DeployHook> listByProject(String projectId);

    /** False when the project has no such hook. */
    boolean delete(String projectId, String hookId);
}
