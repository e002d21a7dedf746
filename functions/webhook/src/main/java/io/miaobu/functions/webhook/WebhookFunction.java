package io.miaobu.functions.webhook;

import io.miaobu.Platform;
import io.miaobu.cdn.CdnCachePurger;
import io.miaobu.functions.FunctionAdapters;
import io.miaobu.functions.FunctionRuntime;
import io.miaobu.mns.MnsJobQueue;

/** FC HTTP function: webhook and deploy-hook intake (its routes join the shared router with the GitHub integration). Serves the one shared router, so every path answers as in local mode. */
public final class WebhookFunction {
    /** Pushes and deploy hooks enqueue builds; a deleted branch unpublishes its host (and purges the caches). */
    public static final FunctionAdapters ADAPTERS = FunctionAdapters.none("webhook")
            .jobQueue(MnsJobQueue::from)
            .cachePurger(CdnCachePurger::from);

    private WebhookFunction() {}

    public static void main(String[] args) {
        FunctionRuntime.main(ADAPTERS, Platform::router);
    }
}
