package io.miaobu.config;

import java.time.Duration;

/**
 * How deployments' functions run (issue 15), in local mode and on Function Compute alike.
 *
 * @param timeout a request running longer is cut off with a 504 (locally its worker is killed)
 * @param memoryMb memory one function instance (a local worker) may use
 * @param idle local mode: a worker that answered nothing this long is stopped (the next request starts it again)
 */
public record FunctionSettings(Duration timeout, int memoryMb, Duration idle) {
    public static final FunctionSettings DEFAULTS = new FunctionSettings(Duration.ofSeconds(10), 512, Duration.ofSeconds(300));
}
