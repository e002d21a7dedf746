package io.miaobu.postgres;

import io.miaobu.deploy.DeployHook;
import io.miaobu.deploy.DeployHookStore;
import java.util.List;
import java.util.Optional;

/** Deploy hooks in PostgreSQL; they go with their project (ON DELETE CASCADE). */
public final class PostgresDeployHookStore implements DeployHookStore {
    private final DeployHookDao dao;

    public PostgresDeployHookStore(DeployHookDao dao) {
        this.dao = dao;
    }

    @Override
    public void insert(DeployHook hook) {
        Sql.translatingDuplicates("deploy hook " + hook.id(), () -> dao.insert(hook));
    }

    @Override
    public Optional<DeployHook> findByTokenHash(String tokenHash) {
        return dao.findByTokenHash(tokenHash);
    }

    @Override
    public List<DeployHook> listByProject(String projectId) {
        return dao.listByProject(projectId);
    }

    @Override
    public boolean delete(String projectId, String hookId) {
        return dao.delete(projectId, hookId) > 0;
    }
}
