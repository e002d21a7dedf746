package io.miaobu.testkit.memory;

import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/** Build logs in memory, with PostgreSQL's rule that re-appending a stored line number is ignored. */
public final class InMemoryBuildLogStore implements BuildLogStore {
    private final Map<String, TreeMap<Long, LogLine>> lines = new HashMap<>();
    private final Map<String, Long> ends = new HashMap<>();

    @Override
    public synchronized void append(String deploymentId, List<LogLine> appended) {
        TreeMap<Long, LogLine> log = lines.computeIfAbsent(deploymentId, k -> new TreeMap<>());
        appended.forEach(l -> log.putIfAbsent(l.n(), new LogLine(l.n(), Micros.of(l.ts()), l.stream(), l.text())));
    }

    @Override
    public synchronized List<LogLine> after(String deploymentId, long after, int limit) {
        TreeMap<Long, LogLine> log = lines.getOrDefault(deploymentId, new TreeMap<>());
        return new ArrayList<>(log.tailMap(after, false).values()).stream().limit(Math.max(0, limit)).toList();
    }

    @Override
    public synchronized void end(String deploymentId, long lastLine, Instant at) {
        ends.merge(deploymentId, lastLine, Math::max);
    }

    @Override
    public synchronized OptionalLong lastLine(String deploymentId) {
        Long last = ends.get(deploymentId);
        return last == null ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /** Every line's text, in order (for assertions). */
    public synchronized List<String> texts(String deploymentId) {
        return lines.getOrDefault(deploymentId, new TreeMap<>()).values().stream().map(LogLine::text).toList();
    }
}
