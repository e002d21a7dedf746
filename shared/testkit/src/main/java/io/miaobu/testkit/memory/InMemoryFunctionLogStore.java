package io.miaobu.testkit.memory;

import io.miaobu.deploy.LogLine;
import io.miaobu.dynamic.FunctionLogStore;
import java.util.ArrayList;
import java.util.List;

/** Function logs in memory, numbered by one counter across deployments as PostgreSQL's sequence does. */
public final class InMemoryFunctionLogStore implements FunctionLogStore {
    private final List<String> owners = new ArrayList<>();
    private final List<LogLine> lines = new ArrayList<>();

    @Override
    public synchronized void append(String deploymentId, List<Line> appended) {
        for (Line l : appended) {
            lines.add(new LogLine(lines.size() + 1, Micros.of(l.ts()), l.stream(), l.text()));
            owners.add(deploymentId);
        }
    }

    @Override
    public synchronized List<LogLine> after(String deploymentId, long after, int limit) {
        List<LogLine> found = new ArrayList<>();
        for (int i = (int) Math.max(0, after); i < lines.size() && found.size() < limit; i++) {
            if (owners.get(i).equals(deploymentId)) {
                found.add(lines.get(i));
            }
        }
        return found;
    }
}
