package io.miaobu.postgres;

import io.miaobu.deploy.DeploymentFileStore.Blob;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** SQL for folder deployments: the content each project has, and each deployment's file list. */
@RegisterConstructorMapper(FileEntry.class)
public interface FileDao {
    @SqlQuery("SELECT sha256, size FROM blobs WHERE project_id = :projectId AND sha256 = ANY(:digests)")
    @RegisterConstructorMapper(Blob.class)
    List<Blob> stored(@Bind("projectId") String projectId, @Bind("digests") String[] digests);

    @SqlBatch("INSERT INTO blobs (project_id, sha256, size, created_at) VALUES (:projectId, :sha256, :size, :at)"
            + " ON CONFLICT (project_id, sha256) DO NOTHING")
    void recordBlobs(@Bind("projectId") String projectId, @BindMethods Iterable<Blob> blobs, @Bind("at") Instant at);

    @SqlBatch("INSERT INTO deployment_files (deployment_id, path, sha256, size) VALUES (:deploymentId, :path, :sha256, :size)")
    void recordFiles(@Bind("deploymentId") String deploymentId, @BindMethods Iterable<FileEntry> files);

    @SqlQuery("SELECT DISTINCT sha256, size FROM deployment_files WHERE deployment_id = :deploymentId AND sha256 = ANY(:digests)")
    @RegisterConstructorMapper(Blob.class)
    List<Blob> listed(@Bind("deploymentId") String deploymentId, @Bind("digests") String[] digests);

    @SqlQuery("SELECT path, sha256, size FROM deployment_files WHERE deployment_id = :deploymentId ORDER BY path")
    List<FileEntry> files(@Bind("deploymentId") String deploymentId);
}
