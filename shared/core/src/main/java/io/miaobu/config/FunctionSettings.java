package io.miaobu.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How deployments' functions run (issue 15), in local mode and on Function Compute alike.
 *
 * @param timeout a request running longer is cut off with a 504 (locally its worker is killed)
 * @param memoryMb memory one function instance (a local worker) may use
 * @param idle local mode: a worker that answered nothing this long is stopped (the next request starts it again)
 * @param runtimesDir local mode: where the runtimes are ({@code node/server.mjs}, {@code python/server.py});
 *                    empty: the {@code runtimes/} folder of the Miaobu checkout this runs from
 */
public record FunctionSettings(Duration timeout, int memoryMb, Duration idle, Optional<Path> runtimesDir) {
    public static final FunctionSettings DEFAULTS = new FunctionSettings(Duration.ofSeconds(10), 512, Duration.ofSeconds(300),
            Optional.empty());
}
