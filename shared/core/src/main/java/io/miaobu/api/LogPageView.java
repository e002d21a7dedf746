package io.miaobu.api;

import io.miaobu.deploy.LogLine;
import java.time.Instant;
import java.util.List;

/**
 * One page of a build or function log.
 *
 * @param done whether no line will ever follow the last one on this page
 */
@ApiSchema("LogPage")
public record LogPageView(List<Line> lines, boolean done) {

    /** One line: {@code n} counts from 1 per deployment, {@code stream} is stdout, stderr or system. */
    public record Line(long n, Instant ts, String stream, String text) {}

    public static LogPageView of(List<LogLine> lines, boolean done) {
        return new LogPageView(lines.stream().map(l -> new Line(l.n(), l.ts(), l.stream(), l.text())).toList(), done);
    }
}
