package io.miaobu.testkit.memory;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.LogLine;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;

/** Each deployment's lines by number; a number already stored keeps its first line, as ON CONFLICT DO NOTHING does. */
public final class InMemoryBuildLogStore implements BuildLogStore {
    private final Map<String, NavigableMap<Long, LogLine>> lines = new HashMap<>();
    private final Map<String, Long> lastLines = new HashMap<>();

    @Override
    public synchronized void append(String deploymentId, List<LogLine> batch) {
        NavigableMap<Long, LogLine> log = lines.computeIfAbsent(deploymentId, k -> new TreeMap<>());
        for (LogLine line : batch) {
            log.putIfAbsent(line.n(), new LogLine(line.n(), Micros.of(line.ts()), line.stream(), line.text()));
        }
    }

    @Override
    public synchronized List<LogLine> after(String deploymentId, long after, int limit) {
        NavigableMap<Long, LogLine> log = lines.get(deploymentId);
        if (log == null || limit <= 0) {
            return List.of();
        }
        return log.tailMap(after, false).values().stream().limit(limit).toList();
    }

    /** The last line only moves forward, as GREATEST(last_line, :lastLine) keeps it. */
    @Override
    public synchronized void end(String deploymentId, long lastLine, Instant at) {
        lastLines.merge(deploymentId, lastLine, Math::max);
    }

    @Override
    public synchronized OptionalLong lastLine(String deploymentId) {
        Long last = lastLines.get(deploymentId);
        return last == null ? OptionalLong.empty() : OptionalLong.of(last);
    }
}
