package io.miaobu.postgres;

import io.miaobu.deploy.DeploymentFileStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Folder deployments' file lists and each project's stored content, in PostgreSQL. */
public final class PostgresDeploymentFileStore implements DeploymentFileStore {
    private final FileDao dao;

    public PostgresDeploymentFileStore(FileDao dao) {
        this.dao = dao;
    }

    @Override
    public Set<String> knownDigests(String projectId, Collection<String> digests) {
        return digests.isEmpty() ? Set.of() : dao.knownDigests(projectId, digests.stream().distinct().toArray(String[]::new));
    }

    @Override
    public void recordBlobs(String projectId, List<Blob> blobs, Instant at) {
        dao.recordBlobs(projectId, blobs, at);
    }

    @Override
    public void recordFiles(String deploymentId, List<FileEntry> files) {
        dao.recordFiles(deploymentId, files);
    }

    @Override
    public Set<String> listedDigests(String deploymentId, Collection<String> digests) {
        return digests.isEmpty() ? Set.of() : dao.listedDigests(deploymentId, digests.stream().distinct().toArray(String[]::new));
    }

    @Override
    public List<FileEntry> files(String deploymentId) {
        return dao.files(deploymentId);
    }
}
