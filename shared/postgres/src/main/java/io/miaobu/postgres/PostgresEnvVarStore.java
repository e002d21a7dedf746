package io.miaobu.postgres;

import io.miaobu.envvars.EnvVar;
import io.miaobu.envvars.EnvVarStore;
import java.util.List;

/** Environment variables in PostgreSQL; a project's whole set is replaced in one transaction. */
public final class PostgresEnvVarStore implements EnvVarStore {
    private final EnvVarDao dao;

    public PostgresEnvVarStore(EnvVarDao dao) {
        this.dao = dao;
    }

    @Override
    public List<EnvVar> list(String projectId) {
        return dao.list(projectId);
    }

    @Override
    public void replaceAll(String projectId, List<EnvVar> vars) {
        dao.replaceAll(projectId, vars);
    }
}
