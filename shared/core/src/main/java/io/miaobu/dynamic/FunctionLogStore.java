package io.miaobu.dynamic;

import io.miaobu.deploy.LogSource;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a deployment's functions print while they run (local mode; on Function Compute it goes to the
 * project's SLS logstore). Many workers write at once, so the store numbers the lines: a line's n only
 * grows within a deployment, and readers page with it as with build logs. The log never ends while the
 * deployment exists.
 */
public interface FunctionLogStore extends LogSource {
    /** One line as a worker printed it. Stream: stdout, stderr or system. */
    record Line(Instant ts, String stream, String text) {}

    void append(String deploymentId, List<Line> lines);

    @Override
    default OptionalLong lastLine(String deploymentId) {
        return OptionalLong.empty();
    }
}
