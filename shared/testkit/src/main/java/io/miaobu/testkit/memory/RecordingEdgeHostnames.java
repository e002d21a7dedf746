package io.miaobu.testkit.memory;

import io.miaobu.domains.EdgeHostnames;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The edge's custom hostnames as a list of what was asked of them: "attach host", "detach host". */
public final class RecordingEdgeHostnames implements EdgeHostnames {
    public final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void attach(String hostname) {
        calls.add("attach " + hostname);
    }

    @Override
    public void detach(String hostname) {
        calls.add("detach " + hostname);
    }
}
