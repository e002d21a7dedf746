package io.miaobu.deploy;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a folder deployment holds (path, SHA-256, size) and which content each project already has,
 * so a redeploy uploads only what changed.
 */
public interface DeploymentFileStore {
    /** One file of a deployment. */
    record FileEntry(String path, String sha256, long size) {}

    /** Content a project has stored, by its SHA-256. */
    record Blob(String sha256, long size) {}

    /** Of {@code digests}, those the project has stored, with the size each was stored with. */
    Map<String, Long> storedSizes(String projectId, Collection<String> digests);

    /** Records that the project now has this content stored; recording it again is a no-op. */
    void recordBlobs(String projectId, List<Blob> blobs, Instant at);

    void recordFiles(String deploymentId, List<FileEntry> files);

    /**
     * Of {@code digests}, those that one of the deployment's files has, with the size its manifest
     * declared (one size per digest: the manifest is refused otherwise).
     */
    Map<String, Long> listedSizes(String deploymentId, Collection<String> digests);

    /** The deployment's files, by path. */
    List<FileEntry> files(String deploymentId);
}
