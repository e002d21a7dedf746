package io.miaobu.api;

import io.miaobu.deploy.CommitAuthor;
import io.miaobu.deploy.Deployment;
import io.miaobu.deploy.DeploymentStats;
import io.miaobu.deploy.DeploymentStatus;
import io.miaobu.deploy.Initiator;
import io.miaobu.domains.DnsRecord;
import io.miaobu.domains.Domain;
import io.miaobu.domains.DomainStatus;
import io.miaobu.dynamic.FunctionManifest;
import io.miaobu.edge.Hosts;
import io.miaobu.projects.Project;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Domain objects as a real database would hold them, for the response records' tests. */
final class Samples {
    static final Instant T = Instant.parse("2026-12-03T09:30:00Z");
    static final Hosts HOSTS = new Hosts("miaobu.app", "https", Optional.empty());

    private Samples() {}

    static Project project(String liveDeploymentId) {
        return new Project("prj_1", "usr_1", "My Site", "my-site", "https://github.com/octo/site.git", "octo/site", "main",
                null, null, "npm run build", "dist", true, liveDeploymentId, T, T.plusSeconds(60));
    }

    static Deployment deployment(String id, DeploymentStatus status, String target, String branch) {
        FunctionManifest functions = new FunctionManifest(1,
                List.of(new FunctionManifest.Function("api/hello", "/api/hello", "api/hello.ts", "node", "api/hello.mjs")),
                new FunctionManifest.App("python", "main:app", "asgi", null, List.of("static/"), "3.12"));
        return new Deployment(id, "prj_1", status, target, branch, null, "0123456789abcdef0123456789abcdef01234567",
                "Fix the header", null, new DeploymentStats(10, 2048, 3, 512), null, T, T.plusSeconds(1), T.plusSeconds(30),
                CommitAuthor.of("Octo Cat", "octocat", null), Deployment.BY_MANUAL,
                Initiator.user("usr_1", "octocat", "https://avatars.example/octocat"), functions,
                Map.of("api/hello", "mem:secret-backend"));
    }

    static Deployment failedPush(String id) {
        return new Deployment(id, "prj_1", DeploymentStatus.FAILED, Deployment.PREVIEW, "feature/x", "abc1234", null,
                null, "Output directory `dist` not found", null, null, T, null, T.plusSeconds(5), null, Deployment.BY_PUSH,
                null, null, null);
    }

    static Domain domain(String hostname, String certStatus) {
        return new Domain("dom_1", "prj_1", hostname, false, DomainStatus.PENDING_DNS, null, "tok",
                List.of(new DnsRecord("CNAME", hostname, "edge.miaobu.app", "routing", null, null),
                        new DnsRecord("TXT", "_miaobu." + hostname, "miaobu-verify=tok", "ownership", DnsRecord.WRONG, "other")),
                0, T, T.plusSeconds(300), certStatus, certStatus == null ? null : "Let's Encrypt", null, null, null, 0, T, T);
    }
}
