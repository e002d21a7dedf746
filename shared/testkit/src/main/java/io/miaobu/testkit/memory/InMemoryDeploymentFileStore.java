package io.miaobu.testkit.memory;

import io.miaobu.deploy.DeploymentFileStore;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Each project's stored sizes by digest and each deployment's files by path. A batch is checked
 * whole before any of it is kept, as the table's CHECKs and keys refuse a statement: a digest that
 * is not SHA-256 hex, a negative size or a path listed twice leaves nothing recorded.
 */
public final class InMemoryDeploymentFileStore implements DeploymentFileStore {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Map<String, Map<String, Long>> blobsByProject = new HashMap<>();
    private final Map<String, TreeMap<String, FileEntry>> filesByDeployment = new HashMap<>();

    @Override
    public synchronized Map<String, Long> storedSizes(String projectId, Collection<String> digests) {
        return sizesOf(blobsByProject.getOrDefault(projectId, Map.of()), digests);
    }

    /** The first size recorded for a digest is the one kept (ON CONFLICT DO NOTHING). */
    @Override
    public synchronized void recordBlobs(String projectId, List<Blob> blobs, Instant at) {
        blobs.forEach(b -> check(b.sha256(), b.size()));
        Map<String, Long> stored = blobsByProject.computeIfAbsent(projectId, k -> new HashMap<>());
        blobs.forEach(b -> stored.putIfAbsent(b.sha256(), b.size()));
    }

    @Override
    public synchronized void recordFiles(String deploymentId, List<FileEntry> files) {
        TreeMap<String, FileEntry> stored = filesByDeployment.getOrDefault(deploymentId, new TreeMap<>());
        Set<String> paths = new HashSet<>(stored.keySet());
        for (FileEntry f : files) {
            check(f.sha256(), f.size());
            if (!paths.add(f.path())) {
                throw new IllegalArgumentException("deployment " + deploymentId + " already lists " + f.path());
            }
        }
        files.forEach(f -> stored.put(f.path(), f));
        filesByDeployment.put(deploymentId, stored);
    }

    @Override
    public synchronized Map<String, Long> listedSizes(String deploymentId, Collection<String> digests) {
        Map<String, Long> listed = new HashMap<>();
        filesByDeployment.getOrDefault(deploymentId, new TreeMap<>()).values()
                .forEach(f -> listed.put(f.sha256(), f.size()));
        return sizesOf(listed, digests);
    }

    @Override
    public synchronized List<FileEntry> files(String deploymentId) {
        return List.copyOf(filesByDeployment.getOrDefault(deploymentId, new TreeMap<>()).values());
    }

    private static Map<String, Long> sizesOf(Map<String, Long> known, Collection<String> digests) {
        Map<String, Long> sizes = new HashMap<>();
        digests.stream().filter(known::containsKey).forEach(d -> sizes.put(d, known.get(d)));
        return sizes;
    }

    private static void check(String sha256, long size) {
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches() || size < 0) {
            throw new IllegalArgumentException("not a SHA-256 in lowercase hex with a size of 0 or more: "
                    + sha256 + " (" + size + ")");
        }
    }
}
