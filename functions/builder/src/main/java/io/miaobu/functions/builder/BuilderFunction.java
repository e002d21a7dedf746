package io.miaobu.functions.builder;

import io.miaobu.Platform;
import io.miaobu.build.Builder;
import io.miaobu.build.git.JGitSourceFetcher;
import io.miaobu.build.process.BuildUser;
import io.miaobu.build.process.ProcessCommandRunner;
import io.miaobu.config.MiaobuConfig;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.functions.events.FcEvents;
import io.miaobu.http.Handler;
import io.miaobu.http.Response;
import io.miaobu.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FC event function on the builder's container: each {@code POST /invoke} carries MNS build jobs
 * (through EventBridge) and builds them one after another. It answers 200 once every job reached a
 * final state, which is when EventBridge deletes the message; a message that can never be built
 * (no deployment id) is acknowledged too, so it cannot loop.
 */
public final class BuilderFunction {
    private static final Logger LOG = LoggerFactory.getLogger(BuilderFunction.class);

    private BuilderFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main("builder", BuilderFunction::handler);
    }

    public static Handler handler(Platform platform) {
        Builder builder;
        try {
            builder = platform.builder(new JGitSourceFetcher(),
                    new ProcessCommandRunner(BuildUser.resolve(MiaobuConfig.fromEnv(System.getenv()).buildUser())),
                    System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot prepare the build directory", e);
        }
        // The builder holds JGit, so it can also answer POST /api/v1/detect when an HTTP trigger routes it here.
        return platform.withDetect(new Router(), new JGitSourceFetcher()).post("/invoke", req -> {
            List<Map<String, Object>> results = new ArrayList<>();
            List<FcEvents.QueueMessage> messages;
            try {
                messages = FcEvents.queueMessages(req.body());
            } catch (java.io.IOException e) {
                // Not an EventBridge delivery at all: it will never parse, so retrying it would only loop.
                LOG.error("dropping an unreadable event ({} bytes): {}", req.body().length, e.getMessage());
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("messageId", null);
                result.put("status", "DROPPED");
                result.put("error", "the event is not JSON");
                return Response.ok(Map.of("results", List.of(result)));
            }
            for (FcEvents.QueueMessage message : messages) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("messageId", message.messageId());
                try {
                    String deploymentId = FcEvents.deploymentId(message.body());
                    result.put("deploymentId", deploymentId);
                    DeploymentStatus status = builder.build(deploymentId);
                    result.put("status", status);
                } catch (java.io.IOException e) {
                    LOG.error("dropping unreadable build message {}: {}", message.messageId(), e.getMessage());
                    result.put("status", "DROPPED");
                    result.put("error", e.getMessage());
                }
                results.add(result);
            }
            return Response.ok(Map.of("results", results));
        });
    }
}
