package io.miaobu.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./miaobu deploy DIR [--project NAME] [--prod]}: hash every file, tell the server, upload only
 * the content it lacks, complete; prints the URLs, what was uploaded and reused, and every rules
 * warning with its file and line.
 */
final class DeployCommand {
    private static final int UPLOADS_IN_PARALLEL = 4;
    private static final long BATCH_BYTES = 4L * 1024 * 1024;
    private static final int BATCH_FILES = 500;

    record Options(Path dir, String project, boolean production) {}

    private final MiaobuApi api;
    private final PrintStream out;

    DeployCommand(MiaobuApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    static Options parse(List<String> args) throws UsageException {
        Path dir = null;
        String project = null;
        boolean production = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--prod", "--production" -> production = true;
                case "--project" -> {
                    if (i + 1 >= args.size() || args.get(i + 1).isBlank()) {
                        throw new UsageException("--project needs a project name");
                    }
                    project = args.get(++i);
                }
                default -> {
                    if (arg.startsWith("--project=")) {
                        project = arg.substring("--project=".length());
                    } else if (arg.startsWith("-") || dir != null) {
                        throw new UsageException("unexpected argument `" + arg + "`");
                    } else {
                        dir = Path.of(arg);
                    }
                }
            }
        }
        if (dir == null) {
            throw new UsageException("which folder? e.g. ./miaobu deploy dist --project my-site");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException(dir + " is not a folder");
        }
        if (project == null) {
            Path name = dir.toAbsolutePath().normalize().getFileName();
            project = name == null ? "site" : name.toString();
        }
        return new Options(dir, project, production);
    }

    /** Returns the completed deployment as the server described it. */
    JsonNode run(Options options) throws ApiException, IOException {
        List<LocalFolder.LocalFile> files = LocalFolder.scan(options.dir());
        if (files.isEmpty()) {
            throw new ApiException(0, options.dir() + " has no files to deploy.");
        }
        JsonNode project = findOrCreateProject(options.project());
        out.printf("Deploying %s to %s (%s): %d files, %s%n", options.dir(), project.get("name").asText(),
                options.production() ? "production" : "preview", files.size(), bytes(files.stream().mapToLong(LocalFolder.LocalFile::size).sum()));

        List<Map<String, Object>> manifest = new ArrayList<>(files.size());
        Map<String, LocalFolder.LocalFile> bySha = new HashMap<>();
        for (LocalFolder.LocalFile f : files) {
            manifest.add(Map.of("path", f.path(), "sha256", f.sha256(), "size", f.size()));
            bySha.putIfAbsent(f.sha256(), f);
        }
        JsonNode started = api.post("/api/v1/projects/" + project.get("id").asText() + "/deployments/folder",
                Map.of("files", manifest, "production", options.production()));
        String id = started.get("deployment").get("id").asText();
        List<String> missing = new ArrayList<>();
        started.get("missing").forEach(m -> missing.add(m.asText()));
        upload(id, missing, bySha);

        JsonNode done = api.post("/api/v1/deployments/" + id + "/complete", null);
        JsonNode deployment = done.get("deployment");
        JsonNode stats = deployment.get("stats");
        long uploadedFiles = stats.get("uploadedFiles").asLong();
        long uploadedBytes = stats.get("uploadedBytes").asLong();
        out.printf("Uploaded %d files (%s), reused %d files (%s)%n", uploadedFiles, bytes(uploadedBytes),
                stats.get("files").asLong() - uploadedFiles, bytes(stats.get("bytes").asLong() - uploadedBytes));
        for (JsonNode w : done.get("warnings")) {
            out.println("Warning: " + w.get("file").asText() + (w.get("line").asInt() > 0 ? ":" + w.get("line").asInt() : "")
                    + ": " + w.get("message").asText());
        }
        out.println("Ready:      " + deployment.get("url").asText());
        if (!done.path("productionUrl").isNull() && done.has("productionUrl")) {
            out.println("Production: " + done.get("productionUrl").asText());
        }
        return done;
    }

    private JsonNode findOrCreateProject(String name) throws ApiException {
        for (JsonNode p : api.get("/api/v1/projects")) {
            if (p.get("name").asText().equals(name) || p.get("slug").asText().equals(name)) {
                return p;
            }
        }
        JsonNode created = api.post("/api/v1/projects", Map.of("name", name));
        out.println("Created project " + created.get("name").asText() + " (" + created.get("url").asText() + ")");
        return created;
    }

    /**
     * Small files travel many to a request (the API's framed upload), large ones one per request,
     * several requests at a time.
     */
    private void upload(String deploymentId, List<String> missing, Map<String, LocalFolder.LocalFile> bySha)
            throws ApiException {
        if (missing.isEmpty()) {
            return;
        }
        List<List<LocalFolder.LocalFile>> batches = new ArrayList<>();
        List<LocalFolder.LocalFile> batch = new ArrayList<>();
        long batchBytes = 0;
        for (String sha : missing) {
            LocalFolder.LocalFile file = bySha.get(sha);
            if (file == null) {
                throw new ApiException(0, "the server asked for content this folder does not have (" + sha + ")");
            }
            if (file.size() > BATCH_BYTES) {
                batches.add(List.of(file));
                continue;
            }
            if (batchBytes + file.size() > BATCH_BYTES || batch.size() >= BATCH_FILES) {
                batches.add(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(file);
            batchBytes += file.size();
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(UPLOADS_IN_PARALLEL, batches.size()));
        try {
            List<Future<?>> uploads = new ArrayList<>();
            for (List<LocalFolder.LocalFile> files : batches) {
                uploads.add(pool.submit(() -> {
                    if (files.size() == 1 && files.get(0).size() > BATCH_BYTES) {
                        api.putFile("/api/v1/deployments/" + deploymentId + "/files/" + files.get(0).sha256(), files.get(0).file());
                    } else {
                        api.postBytes("/api/v1/deployments/" + deploymentId + "/files", frames(files));
                    }
                    return null;
                }));
            }
            for (Future<?> upload : uploads) {
                upload.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(0, "upload failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code <sha256> <length>\n} and the bytes, for each file. */
    private static byte[] frames(List<LocalFolder.LocalFile> files) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (LocalFolder.LocalFile f : files) {
            byte[] content = Files.readAllBytes(f.file());
            if (content.length != f.size()) {
                throw new IOException(f.file() + " changed while it was being deployed; deploy again.");
            }
            body.write((f.sha256() + " " + content.length + "\n").getBytes(StandardCharsets.US_ASCII));
            body.write(content);
        }
        return body.toByteArray();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
