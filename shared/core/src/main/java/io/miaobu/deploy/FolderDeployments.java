package io.miaobu.deploy;

import io.miaobu.Ids;
import io.miaobu.auth.User;
import io.miaobu.build.BuildLogWriter;
import io.miaobu.deploy.DeploymentFileStore.FileEntry;
import io.miaobu.edge.rules.RuleWarning;
import io.miaobu.edge.rules.RulesCompiler;
import io.miaobu.edge.rules.RulesSource;
import io.miaobu.errors.ApiError;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectService;
import io.miaobu.store.ArtifactStore;
import io.miaobu.store.Database;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploying a folder that was built elsewhere ({@code ./miaobu deploy DIR}), in three calls:
 * <ol>
 *   <li>{@link #start}: the client lists every file's path, SHA-256 and size; the deployment is
 *   created (UPLOADING) and the answer names the digests the project does not have yet;</li>
 *   <li>{@link #upload}: the client sends the content of each of those, checked against its digest;</li>
 *   <li>{@link #complete}: the deployment's files are copied from the stored content (no bytes pass
 *   through again), its rules compiled, and it becomes READY (and live when asked for production).</li>
 * </ol>
 * Content is stored once per project ({@code sites/{projectId}/_blobs/{sha256}}), so a redeploy
 * uploads only what changed, and one tenant can never learn what another has stored.
 */
public final class FolderDeployments {
    private static final Logger LOG = LoggerFactory.getLogger(FolderDeployments.class);
    /** One file's upload is one request body; the HTTP servers in front accept 32 MiB. */
    public static final long MAX_FILE_BYTES = 32L * 1024 * 1024;
    private static final int MAX_PATH = 1024;
    private static final int COPY_THREADS = 8;
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    /** One file as the client lists it. */
    public record ManifestFile(String path, String sha256, Long size) {}

    /** The request that starts a folder deployment; {@code production} makes it go live when complete. */
    public record NewFolderDeployment(List<ManifestFile> files, Boolean production) {}

    public record Started(Project project, Deployment deployment, List<String> missing) {}

    public record Completed(Project project, Deployment deployment, List<RuleWarning> warnings) {}

    private final DeploymentService deploymentService;
    private final ProjectService projectService;
    private final Database database;
    private final DeploymentStore deployments;
    private final DeploymentFileStore files;
    private final ContentStore content;
    private final Release release;
    private final int maxFiles;
    private final long maxBytes;
    private final Clock clock;

    public FolderDeployments(DeploymentService deploymentService, ProjectService projectService, Database database,
                             ArtifactStore artifacts, Publisher publisher, int maxFiles, long maxBytes, Clock clock) {
        this.deploymentService = deploymentService;
        this.projectService = projectService;
        this.database = database;
        this.deployments = database.deployments();
        this.files = database.files();
        this.content = new ContentStore(artifacts, database.files(), clock);
        this.release = new Release(database, artifacts, content, publisher, clock);
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    public Started start(User user, String projectId, NewFolderDeployment request) {
        Project project = projectService.owned(user, projectId);
        List<FileEntry> entries = validate(request);
        Map<String, Long> sizes = new HashMap<>();
        long bytes = 0;
        for (FileEntry e : entries) {
            Long seen = sizes.putIfAbsent(e.sha256(), e.size());
            if (seen != null && seen != e.size()) {
                throw ApiError.badRequest("invalid_manifest", "`" + e.path() + "` has the SHA-256 of another file but a different size; "
                        + "hash the files again.");
            }
            bytes += e.size();
        }
        if (bytes > maxBytes) {
            throw new ApiError(413, "too_large", "The folder holds " + bytes / (1024 * 1024) + " MiB; the limit is "
                    + maxBytes / (1024 * 1024) + " MiB. Deploy fewer or smaller files.");
        }
        List<String> missing;
        try {
            missing = new ArrayList<>(content.missing(project.id(), sizes));
        } catch (ContentStore.Mismatch e) {
            throw ApiError.badRequest(e.code(), e.getMessage());
        }
        Collections.sort(missing);
        long uploadBytes = missing.stream().mapToLong(sizes::get).sum();
        boolean production = Boolean.TRUE.equals(request.production());
        var now = clock.instant();
        Deployment deployment = new Deployment(Ids.deployment(), project.id(), DeploymentStatus.UPLOADING,
                production ? Deployment.PRODUCTION : Deployment.PREVIEW, null, null, null, null, null,
                new DeploymentStats(entries.size(), bytes, missing.size(), uploadBytes), null, now, now, null, null,
                Deployment.BY_CLI, deploymentService.initiator(user));
        deployments.insert(deployment);
        files.recordFiles(deployment.id(), entries);
        return new Started(project, deployment, missing);
    }

    /** One file's content as uploaded, with the SHA-256 the client says it has. */
    public record Upload(String sha256, byte[] content) {}

    /**
     * Stores uploaded content: each piece must be one the deployment lists and must hash to the
     * digest it came with; nothing is stored unless all of them do.
     */
    public void upload(User user, String deploymentId, List<Upload> uploads) {
        var owned = uploading(user, deploymentId);
        Map<String, byte[]> byDigest = new LinkedHashMap<>();
        for (Upload upload : uploads) {
            String digest = upload.sha256().toLowerCase(Locale.ROOT);
            if (!SHA256.matcher(digest).matches()) {
                throw ApiError.badRequest("invalid_digest", "`" + upload.sha256() + "` is not a SHA-256 (64 hexadecimal characters).");
            }
            byDigest.put(digest, upload.content());
        }
        Map<String, Long> listed = files.listedSizes(deploymentId, byDigest.keySet());
        for (String digest : byDigest.keySet()) {
            if (!listed.containsKey(digest)) {
                throw ApiError.badRequest("unknown_digest", "No file of this deployment has the SHA-256 " + digest
                        + "; upload only the content the deployment asked for.");
            }
        }
        String projectId = owned.project().id();
        try {
            for (var e : byDigest.entrySet()) {
                content.storeUpload(projectId, e.getKey(), listed.get(e.getKey()), e.getValue());
            }
        } catch (ContentStore.Mismatch e) {
            throw ApiError.badRequest(e.code(), e.getMessage());
        } catch (IOException e) {
            LOG.error("storing an upload for deployment {} failed", deploymentId, e);
            throw new ApiError(503, "storage_unavailable", "The files could not be stored; upload them again.");
        }
    }

    /**
     * Builds the deployment from stored content; READY, and live when it was started for production. The
     * first call claims the deployment before any file moves: a second call while it runs answers 409 and
     * touches nothing, one after it answers the deployment as it is.
     */
    public Completed complete(User user, String deploymentId) {
        var owned = deploymentService.owned(user, deploymentId);
        Project project = owned.project();
        Deployment deployment = owned.deployment();
        List<FileEntry> entries = files.files(deploymentId);
        if (entries.isEmpty()) {
            throw ApiError.conflict("not_a_folder_deployment", "This deployment is being built from Git; only folder deployments are completed.");
        }
        if (deployment.status() == DeploymentStatus.READY) {
            return completed(project, deployment, List.of());
        }
        uploading(owned);
        Map<String, Long> sizes = new HashMap<>();
        entries.forEach(e -> sizes.put(e.sha256(), e.size()));
        Set<String> notStored = new HashSet<>(content.missing(project.id(), sizes));
        List<FileEntry> notUploaded = entries.stream().filter(e -> notStored.contains(e.sha256())).toList();
        if (!notUploaded.isEmpty()) {
            throw ApiError.conflict("files_missing", notUploaded.size() + " file(s) have not been uploaded yet, e.g. `"
                    + notUploaded.get(0).path() + "`; upload them, then complete the deployment again.");
        }
        if (!deployments.claimRelease(deploymentId, clock.instant())) {
            Deployment now = deployments.findById(deploymentId).orElseThrow(() -> ApiError.notFound("Deployment not found."));
            if (now.status() == DeploymentStatus.READY) {
                return completed(project, now, List.of());
            }
            throw ApiError.conflict("already_completing", now.status() == DeploymentStatus.UPLOADING
                    ? "This deployment is already being completed by another request; wait for it to be READY."
                    : "This deployment is " + now.status() + "; start a new one.");
        }
        try (BuildLogWriter log = new BuildLogWriter(deploymentId, database.logs(), clock)) {
            DeploymentStats stats = deployment.stats();
            log.system(String.format("Deploying a folder: %d files, %d bytes (%d uploaded, %d bytes; %d reused)",
                    stats.files(), stats.bytes(), stats.uploadedFiles(), stats.uploadedBytes(), stats.files() - stats.uploadedFiles()));
            RulesCompiler.Result rules;
            DeploymentStatus released;
            try {
                rules = RulesCompiler.compile(rulesSource(project, entries), log);
                List<FileEntry> site = entries.stream().filter(e -> !RulesCompiler.isRulesFile(e.path())).toList();
                released = release.release(project, deployment, new Release.Contents(site, Map.of(), rules.config(), stats),
                        Deployment.PRODUCTION.equals(deployment.target()) ? Release.GoLive.YES : Release.GoLive.NO, log);
            } catch (Exception e) {
                LOG.error("completing folder deployment {} failed", deploymentId, e);
                log.line("stderr", "Error: the files could not be stored; deploy again.");
                deployments.finish(deploymentId, EnumSet.of(DeploymentStatus.UPLOADING), DeploymentStatus.FAILED,
                        "The files could not be stored; deploy again.", stats, clock.instant());
                throw new ApiError(503, "storage_unavailable", "The files could not be stored; deploy again.");
            }
            if (released != DeploymentStatus.READY) {
                throw ApiError.conflict("not_uploading", "This deployment was canceled or deleted while it was completing.");
            }
            Deployment ready = deployments.findById(deploymentId).orElseThrow(() -> ApiError.notFound("Deployment not found."));
            return completed(project, ready, rules.warnings());
        }
    }

    private Completed completed(Project project, Deployment deployment, List<RuleWarning> warnings) {
        return new Completed(database.projects().findById(project.id()).orElse(project), deployment, warnings);
    }

    private DeploymentService.Owned uploading(User user, String deploymentId) {
        return uploading(deploymentService.owned(user, deploymentId));
    }

    private static DeploymentService.Owned uploading(DeploymentService.Owned owned) {
        if (owned.deployment().status() != DeploymentStatus.UPLOADING) {
            throw ApiError.conflict("not_uploading", "This deployment is " + owned.deployment().status()
                    + ", not a folder deployment waiting for its files; start a new one.");
        }
        return owned;
    }

    private RulesSource rulesSource(Project project, List<FileEntry> entries) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (FileEntry e : entries) {
            if (RulesCompiler.isRulesFile(e.path())) {
                digests.put(e.path(), e.sha256());
            }
        }
        return name -> {
            String digest = digests.get(name);
            if (digest == null) {
                return Optional.empty();
            }
            return Optional.of(content.read(project.id(), digest, RulesSource.MAX_BYTES + 1));
        };
    }

    private List<FileEntry> validate(NewFolderDeployment request) {
        if (request.files() == null || request.files().isEmpty()) {
            throw ApiError.badRequest("invalid_manifest", "`files` must list the folder's files; the folder is empty.");
        }
        if (request.files().size() > maxFiles) {
            throw new ApiError(413, "too_many_files", "The folder has " + request.files().size() + " files; the limit is "
                    + maxFiles + ". Deploy fewer files.");
        }
        Set<String> paths = new HashSet<>();
        List<FileEntry> entries = new ArrayList<>(request.files().size());
        for (ManifestFile f : request.files()) {
            if (f == null) {
                throw ApiError.badRequest("invalid_manifest", "`files` must hold objects {path, sha256, size}.");
            }
            String path = checkPath(f.path());
            String digest = f.sha256() == null ? "" : f.sha256().toLowerCase(Locale.ROOT);
            if (!SHA256.matcher(digest).matches()) {
                throw ApiError.badRequest("invalid_manifest", "`" + path + "`: sha256 must be 64 hexadecimal characters.");
            }
            if (f.size() == null || f.size() < 0) {
                throw ApiError.badRequest("invalid_manifest", "`" + path + "`: size must be the file's length in bytes.");
            }
            if (f.size() > MAX_FILE_BYTES) {
                throw new ApiError(413, "file_too_large", "`" + path + "` is larger than " + MAX_FILE_BYTES / (1024 * 1024)
                        + " MiB, the most one file can be.");
            }
            if (!paths.add(path)) {
                throw ApiError.badRequest("invalid_manifest", "`" + path + "` is listed twice.");
            }
            entries.add(new FileEntry(path, digest, f.size()));
        }
        for (String path : paths) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String folder = path.substring(0, slash);
                if (paths.contains(folder)) {
                    throw ApiError.badRequest("invalid_manifest", "`" + folder + "` is listed as a file, but `" + path
                            + "` puts it in a folder of that name; one path cannot be both. Rename one of them.");
                }
            }
        }
        entries.sort(java.util.Comparator.comparing(FileEntry::path));
        return entries;
    }

    /** A relative path inside the deployment: no empty, `.` or `..` segments, no `\`, no control characters. */
    private static String checkPath(String path) {
        String shown = path == null ? "" : path;
        boolean bad = path == null || path.isEmpty() || path.length() > MAX_PATH || path.startsWith("/") || path.endsWith("/")
                || path.contains("\\") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        if (!bad) {
            for (String seg : path.split("/", -1)) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                    bad = true;
                    break;
                }
            }
        }
        if (bad) {
            throw ApiError.badRequest("invalid_path", "`" + shown + "` is not a file path inside the folder; paths are relative, "
                    + "separated by `/`, without `.` or `..` segments.");
        }
        return path;
    }
}
