package io.miaobu.functions.scheduler;

import io.miaobu.Platform;
import io.miaobu.acme.AcmeCertificateIssuer;
import io.miaobu.alidns.AlidnsDnsChallenges;
import io.miaobu.domains.DomainJobs;
import io.miaobu.cas.CasCertificateStore;
import io.miaobu.cdn.CdnCachePurger;
import io.miaobu.dns.DnsJavaLookup;
import io.miaobu.fc.FcFunctionHost;
import io.miaobu.functions.FunctionAdapters;
import io.miaobu.oss.OssArtifactStore;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.functions.events.FcEvents;
import io.miaobu.http.Handler;
import io.miaobu.http.Router;
import io.miaobu.ops.Reaper;
import io.miaobu.ops.Retention;
import java.time.Clock;
import java.util.Map;

/** FC timer function: each tick ({@code POST /invoke} with the timer event) runs the periodic jobs. */
public final class SchedulerFunction {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SchedulerFunction.class);

    /**
     * The reaper needs only PostgreSQL; domain jobs check DNS, issue, store certificates and publish custom hosts;
     * retention deletes old deployments' files (OSS) and functions (FC). The scheduler is the function that talks to
     * the ACME CA (DESIGN §1): issuance and renewal run here, with challenge answers and certificates where the edge
     * reads them (edge KV and CAS on Aliyun), and wildcard names validated through Alidns when MIAOBU_ALIDNS=on.
     */
    public static final FunctionAdapters ADAPTERS = FunctionAdapters.none("scheduler")
            .cachePurger(CdnCachePurger::from)
            .artifactStore(OssArtifactStore::from)
            .domains(DnsJavaLookup::create, CasCertificateStore::from)
            .certificateIssuer((settings, accountKeys, challenges, credentials, dns) -> AcmeCertificateIssuer.fromSettings(
                    settings, accountKeys, challenges, AlidnsDnsChallenges.from(settings, credentials), dns, Clock.systemUTC()))
            .functionHost(FcFunctionHost::from);

    private SchedulerFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main(ADAPTERS, SchedulerFunction::handler);
    }

    public static Handler handler(Platform platform) {
        Reaper reaper = platform.reaper();
        DomainJobs domains = platform.domainJobs().orElseThrow(() -> new IllegalStateException(
                "the scheduler's platform was built without custom domains (SchedulerFunction.ADAPTERS carries them)"));
        Retention retention = platform.retention();
        return new Router().post("/invoke", req -> {
            FcEvents.TimerEvent tick = FcEvents.timer(req.body());
            try {
                int reaped = reaper.reap();
                DomainJobs.Tick done = domains.run();
                int deleted = retention.run();
                return FcEvents.succeeded(Map.of("trigger", String.valueOf(tick.triggerName()), "reapedDeployments", reaped,
                        "domains", done, "deletedDeployments", deleted));
            } catch (RuntimeException e) {
                // FC's event contract: a failed tick is 404 with x-fc-status, so FC records a function error (a 500 is off-contract).
                LOG.error("scheduler tick {} failed", tick.triggerName(), e);
                return FcEvents.failed(Map.of("trigger", String.valueOf(tick.triggerName()),
                        "error", e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage())));
            }
        });
    }
}
