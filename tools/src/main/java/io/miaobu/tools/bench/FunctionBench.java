package io.miaobu.tools.bench;

import io.miaobu.config.MiaobuConfig;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.dynamic.FunctionBuild;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.local.FileRouteTable;
import io.miaobu.local.host.LocalHost;
import io.miaobu.projects.Project;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/**
 * A function's latency in local mode as a visitor sees it, through the local host, the local edge and the
 * function gateway to a sandboxed worker of the Node runtime: cold (the first request of a deployment, which
 * starts its worker) and warm (a worker already running), next to a static file of the same deployment
 * through the same path. Then what functions add to a deploy: deploy-to-live (the API's "create deployment"
 * until the project's live deployment is the new one) of a Git site with three functions ({@code api/hello.ts},
 * {@code api/users/[id].js}, {@code api/echo.py}) against the same site without them, built alternately on
 * the same host. {@code ./miaobu bench functions [cold rounds=5] [warm requests=300] [deploy rounds=5]}.
 */
public final class FunctionBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final FunctionManifest MANIFEST = new FunctionManifest(1, List.of(new FunctionManifest.Function(
            "api/hello", "/api/hello", "api/hello.js", FunctionManifest.NODE, "node/api/hello.mjs")), null);

    private FunctionBench() {}

    public static void main(String[] args) throws Exception {
        int coldRounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warmRequests = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int deployRounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path work = Files.createTempDirectory("miaobu-bench-functions");
        try {
            run(work, coldRounds, warmRequests, deployRounds);
        } finally {
            Bench.deleteTree(work);
        }
    }

    static void run(Path work, int coldRounds, int warmRequests, int deployRounds) throws Exception {
        Path bundle = Files.createDirectories(work.resolve("bundle/node/api"));
        Files.writeString(bundle.resolve("hello.mjs"), "export default () => Response.json({ hello: 'world' })\n");
        MANIFEST.write(work.resolve("bundle"));
        Map<String, String> env = new HashMap<>(Map.of("MIAOBU_PORT", "0", "MIAOBU_DATA_DIR", work.resolve("data").toString()));
        for (String name : List.of("MIAOBU_DATABASE_URL", "MIAOBU_FUNCTION_RUNTIMES_DIR", "MIAOBU_BUILD_SANDBOX")) {
            if (System.getenv(name) != null) {
                env.put(name, System.getenv(name));
            }
        }
        try (LocalHost local = LocalHost.start(MiaobuConfig.fromEnv(env))) {
            String base = "http://127.0.0.1:" + local.port();
            String token = Bench.post(base + "/api/v1/auth/register", null,
                    "{\"email\":\"bench@example.com\",\"password\":\"benchmark-password\"}").get("token").asText();
            String projectId = Bench.post(base + "/api/v1/projects", token,
                    "{\"name\":\"functions\",\"gitUrl\":\"https://example.com/functions.git\"}").get("id").asText();
            Project project = local.platform().database().projects().findById(projectId).orElseThrow();
            String host = local.platform().hosts().production(project.slug());
            FileRouteTable routes = new FileRouteTable(work.resolve("data/routes"));
            List<Double> cold = new ArrayList<>();
            Deployment deployment = null;
            for (int round = 0; round <= coldRounds; round++) {
                deployment = new Deployment("dpl_bench" + round, projectId, DeploymentStatus.READY, Deployment.PRODUCTION, "main",
                        null, null, null, null, null, null, Instant.now(), null, null, null);
                local.platform().database().deployments().insert(deployment);
                Map<String, String> backends = local.functions().deploy(project, deployment, work.resolve("bundle"), MANIFEST, Map.of());
                Path site = Files.createDirectories(work.resolve("data/artifacts").resolve(deployment.prefix()));
                Files.writeString(site.resolve("index.html"), "<h1>static</h1>");
                routes.put(host, new RouteEntry(deployment.id(), deployment.prefix(), FunctionBuild.routes(RouteConfig.DEFAULTS, MANIFEST),
                        Instant.now(), backends));
                double ms = time(base, host, "/api/hello");
                if (round > 0) { // the first warms up the JVM, the edge and the page cache
                    cold.add(ms);
                }
            }
            List<Double> warm = new ArrayList<>();
            List<Double> files = new ArrayList<>();
            for (int i = 0; i < warmRequests; i++) {
                warm.add(time(base, host, "/api/hello"));
                files.add(time(base, host, "/"));
            }
            System.out.printf("function latency through the local edge (%s, %d cold rounds, %d warm requests): cold median %.0f ms; "
                            + "warm p50 %.1f ms, p95 %.1f ms; a static file of the same deployment p50 %.1f ms, p95 %.1f ms%n",
                    local.functions().runningWorkers() > 0 ? "node runtime, sandboxed worker" : "no worker?", coldRounds, warmRequests,
                    percentile(cold, 50), percentile(warm, 50), percentile(warm, 95), percentile(files, 50), percentile(files, 95));
            deployToLive(base, token, work, deployRounds);
        }
    }

    private static void deployToLive(String base, String token, Path work, int rounds) throws Exception {
        Path plainRepo = work.resolve("site-plain");
        Path functionsRepo = work.resolve("site-functions");
        for (Path repo : List.of(plainRepo, functionsRepo)) {
            Files.createDirectories(repo.resolve("assets"));
            Files.writeString(repo.resolve("assets/style.css"), "body { font-family: sans-serif }\n");
        }
        Files.createDirectories(functionsRepo.resolve("api/users"));
        Files.writeString(functionsRepo.resolve("api/hello.ts"),
                "export default (request: Request): Response => Response.json({ host: new URL(request.url).host });\n");
        Files.writeString(functionsRepo.resolve("api/users/[id].js"),
                "export default function handler(req, res) { res.status(200).json({ id: req.query.id }); }\n");
        Files.writeString(functionsRepo.resolve("api/echo.py"), """
                def app(environ, start_response):
                    start_response('200 OK', [('Content-Type', 'text/plain')])
                    return [environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))]
                """);
        try (Git plain = Git.init().setDirectory(plainRepo.toFile()).setInitialBranch("main").call();
             Git functions = Git.init().setDirectory(functionsRepo.toFile()).setInitialBranch("main").call()) {
            String plainProject = Bench.post(base + "/api/v1/projects", token,
                    "{\"name\":\"plain site\",\"gitUrl\":\"" + plainRepo + "\"}").get("id").asText();
            String functionsProject = Bench.post(base + "/api/v1/projects", token,
                    "{\"name\":\"site with functions\",\"gitUrl\":\"" + functionsRepo + "\"}").get("id").asText();
            List<Double> withoutFunctions = new ArrayList<>();
            List<Double> withFunctions = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) { // round 0 warms the JVM, JGit and the runtimes' files
                double a = deployRound(base, token, plain, plainProject, round);
                double b = deployRound(base, token, functions, functionsProject, round);
                if (round > 0) {
                    withoutFunctions.add(a);
                    withFunctions.add(b);
                }
            }
            double without = Bench.median(withoutFunctions);
            double with = Bench.median(withFunctions);
            System.out.printf("deploy-to-live of a Git site, median of %d: with 3 functions (ts, js, py) %.2fs; "
                    + "the same site without them %.2fs; x%.2f%n", rounds, with, without, with / without);
        }
    }

    /** Commits a changed page and deploys it; seconds from the API request until the deployment is live. */
    private static double deployRound(String base, String token, Git repo, String projectId, int round) throws Exception {
        Files.writeString(repo.getRepository().getWorkTree().toPath().resolve("index.html"), "<h1>round " + round + "</h1>");
        Bench.commitAll(repo, "round " + round);
        long start = System.nanoTime();
        String id = Bench.post(base + "/api/v1/projects/" + projectId + "/deployments", token, "{}").get("id").asText();
        Bench.awaitLive(base, token, projectId, id);
        return (System.nanoTime() - start) / 1e9;
    }

    private static double time(String base, String host, String path) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("host", host)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        double ms = (System.nanoTime() - start) / 1e6;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return ms;
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
