package io.miaobu.postgres;

import io.miaobu.deploy.DeploymentFileStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

/** Folder deployments' file lists and each project's stored content, in PostgreSQL. */
public final class PostgresDeploymentFileStore implements DeploymentFileStore {
    private final FileDao dao;

    public PostgresDeploymentFileStore(FileDao dao) {
        this.dao = dao;
    }

    @Override
    public Map<String, Long> storedSizes(String projectId, Collection<String> digests) {
        return digests.isEmpty() ? Map.of() : sizes(dao.stored(projectId, distinct(digests)));
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
    public Map<String, Long> listedSizes(String deploymentId, Collection<String> digests) {
        return digests.isEmpty() ? Map.of() : sizes(dao.listed(deploymentId, distinct(digests)));
    }

    private static String[] distinct(Collection<String> digests) {
        return digests.stream().distinct().toArray(String[]::new);
    }

    private static Map<String, Long> sizes(List<Blob> blobs) {
        Map<String, Long> sizes = new HashMap<>();
        blobs.forEach(b -> sizes.put(b.sha256(), b.size()));
        return sizes;
    }

    @Override
    public List<FileEntry> files(String deploymentId) {
        return dao.files(deploymentId);
    }
}
