package io.miaobu.functions.builder;

import io.miaobu.Platform;
import io.miaobu.build.Builder;
import io.miaobu.build.git.JGitSourceFetcher;
import io.miaobu.build.process.BuildSandboxes;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.cdn.CdnCachePurger;
import io.miaobu.fc.FcFunctionHost;
import io.miaobu.functions.FunctionAdapters;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.oss.OssArtifactStore;
import io.miaobu.functions.events.FcEvents;
import io.miaobu.http.Handler;
import io.miaobu.http.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FC event function on the builder's container: each {@code POST /invoke} carries MNS build jobs
 * (through EventBridge) and builds them one after another (see {@link #invoke}).
 */
public final class BuilderFunction {
    private static final Logger LOG = LoggerFactory.getLogger(BuilderFunction.class);

    /**
     * A build stores its files and build cache and publishes them; its jobs arrive by EventBridge, not from the queue.
     * It holds JGit, so it also answers POST /api/v1/detect and /api/v1/import/check when an HTTP trigger routes them here.
     */
    public static final FunctionAdapters ADAPTERS = FunctionAdapters.none("builder")
            .artifactStore(OssArtifactStore::from)
            .cachePurger(CdnCachePurger::from)
            .functionHost(FcFunctionHost::from)
            .sourceFetcher(JGitSourceFetcher::new);

    private BuilderFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main(ADAPTERS, BuilderFunction::handler);
    }

    public static Handler handler(Platform platform) {
        Builder builder;
        try {
            MiaobuConfig config = MiaobuConfig.fromEnv(System.getenv());
            builder = platform.builder(new JGitSourceFetcher(), BuildSandboxes.create(config.sandbox(), List.of(config.buildDir())),
                    System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot prepare the build directory", e);
        }
        return platform.detectionRouter().post("/invoke", req -> invoke(platform, builder, req.body()));
    }

    /**
     * Builds every job of one EventBridge delivery, and answers under FC's event handler contract
     * ({@link FcEvents#succeeded}, {@link FcEvents#failed}). The invocation succeeds only when every job is
     * settled (its deployment READY, FAILED or CANCELED, gone, or the message unreadable). A job another
     * builder is still running is not settled: the invocation fails (404, {@code x-fc-status: 404}), and
     * EventBridge retries it per the trigger's retryStrategy (settled jobs are acknowledged then without
     * being rebuilt); once the retries are spent it drops the event, as the trigger has no dead-letter
     * queue (serverless.yaml says why). Nothing is lost by that: the other builder settles the job, and a
     * build whose builder died is failed, with a reason, by the scheduler's reaper once it is past the
     * build timeout.
     */
    static Response invoke(Platform platform, Builder builder, byte[] body) {
        List<Map<String, Object>> results = new ArrayList<>();
        List<FcEvents.QueueMessage> messages;
        try {
            messages = FcEvents.queueMessages(body);
        } catch (java.io.IOException e) {
            // Not an EventBridge delivery at all: it will never parse, so retrying it would only loop.
            LOG.error("dropping an unreadable event ({} bytes): {}", body.length, e.getMessage());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("messageId", null);
            result.put("status", "DROPPED");
            result.put("error", "the event is not JSON");
            return FcEvents.succeeded(Map.of("results", List.of(result)));
        }
        boolean settled = true;
        for (FcEvents.QueueMessage message : messages) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("messageId", message.messageId());
            try {
                String deploymentId = FcEvents.deploymentId(message.body());
                result.put("deploymentId", deploymentId);
                DeploymentStatus status = builder.build(deploymentId);
                if (!status.isFinal()) {
                    // Running elsewhere, or its builder died: the reaper fails it once it is past the build timeout.
                    platform.reaper().reap();
                    status = platform.database().deployments().findById(deploymentId)
                            .map(d -> d.status()).orElse(DeploymentStatus.CANCELED);
                }
                result.put("status", status);
                LOG.info("message {}: deployment {} is {}", message.messageId(), deploymentId, status);
                if (!status.isFinal()) {
                    settled = false;
                    LOG.info("deployment {} is {} in another builder; failing the invocation so that EventBridge retries message {}",
                            deploymentId, status, message.messageId());
                }
            } catch (java.io.IOException e) {
                LOG.error("dropping unreadable build message {}: {}", message.messageId(), e.getMessage());
                result.put("status", "DROPPED");
                result.put("error", e.getMessage());
            }
            results.add(result);
        }
        Map<String, Object> answer = Map.of("results", results);
        return settled ? FcEvents.succeeded(answer) : FcEvents.failed(answer);
    }
}
