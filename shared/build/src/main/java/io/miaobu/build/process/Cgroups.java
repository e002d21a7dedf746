package io.miaobu.build.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memory and process-count cgroup per build, below Miaobu's own cgroup (so the host's limits on
 * Miaobu still hold): cgroup v2 when its memory and pids controllers can be delegated there, else
 * the v1 memory and pids hierarchies. Only a root platform can make them; without, builds get
 * rlimits alone.
 */
final class Cgroups {
    private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final String PARENT = "miaobu-builds";

    private final boolean v2;
    /** v2: one directory; v1: the memory directory, then the pids directory. */
    private final List<Path> parents;

    private Cgroups(boolean v2, List<Path> parents) {
        this.v2 = v2;
        this.parents = parents;
    }

    /** One build's group. */
    final class Group {
        private final List<Path> dirs;

        private Group(List<Path> dirs) {
            this.dirs = dirs;
        }

        /** The directories whose cgroup.procs the build's first process joins. */
        List<Path> dirs() {
            return dirs;
        }

        boolean memoryHit() {
            // Only kills count: reaching the limit alone (v1's failcnt) also happens when page cache is reclaimed.
            return counter(dirs.get(0).resolve(v2 ? "memory.events" : "memory.oom_control"), "oom_kill") > 0;
        }

        boolean processesHit() {
            return counter(dirs.get(v2 ? 0 : 1).resolve("pids.events"), "max") > 0;
        }

        /** Kills what is still in the group, then removes it. */
        void remove() {
            for (int pass = 0; pass < 20; pass++) {
                List<Long> left = new ArrayList<>();
                for (Path dir : dirs) {
                    try {
                        for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                            if (!line.isBlank()) {
                                left.add(Long.parseLong(line.strip()));
                            }
                        }
                    } catch (IOException | NumberFormatException e) {
                        // gone already
                    }
                }
                if (left.isEmpty()) {
                    break;
                }
                left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                sleep(50);
            }
            for (Path dir : dirs) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    LOG.warn("could not remove cgroup {}: {}", dir, e.getMessage());
                }
            }
        }
    }

    /** Empty when this process cannot make child cgroups with a memory and a pids limit. */
    static Optional<Cgroups> detect() {
        try {
            Map<String, String> own = ownPaths();
            Path controllers = ROOT.resolve("cgroup.controllers");
            if (Files.isRegularFile(controllers) && own.containsKey("")) {
                String available = Files.readString(controllers);
                if (available.contains("memory") && available.contains("pids")) {
                    Path mine = ROOT.resolve(strip(own.get("")));
                    Path parent = mine.resolve(PARENT);
                    Files.createDirectories(parent);
                    // Controllers reach a child only through its parent's subtree_control; a cgroup with processes of
                    // its own cannot delegate (except the root), which is when this fails and v1 or rlimits remain.
                    Files.writeString(mine.resolve("cgroup.subtree_control"), "+memory +pids");
                    Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +pids");
                    return Optional.of(new Cgroups(true, List.of(parent)));
                }
            }
            if (own.containsKey("memory") && own.containsKey("pids")) {
                Path memory = ROOT.resolve("memory").resolve(strip(own.get("memory"))).resolve(PARENT);
                Path pids = ROOT.resolve("pids").resolve(strip(own.get("pids"))).resolve(PARENT);
                Files.createDirectories(memory);
                Files.createDirectories(pids);
                if (Files.isWritable(memory.resolve("cgroup.procs")) && Files.isWritable(pids.resolve("cgroup.procs"))) {
                    return Optional.of(new Cgroups(false, List.of(memory, pids)));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("no cgroup for builds here ({}); memory and processes are limited by rlimits", e.getMessage());
        }
        return Optional.empty();
    }

    /** A group named {@code name} with these limits; empty (rlimits only) when the kernel refuses. */
    Optional<Group> create(String name, long memoryBytes, int maxProcesses) {
        List<Path> dirs = new ArrayList<>();
        try {
            for (Path parent : parents) {
                Path dir = parent.resolve(name);
                Files.createDirectories(dir);
                dirs.add(dir);
            }
            if (v2) {
                Path dir = dirs.get(0);
                Files.writeString(dir.resolve("memory.max"), Long.toString(memoryBytes));
                writeIfPresent(dir.resolve("memory.swap.max"), "0");
                Files.writeString(dir.resolve("pids.max"), Integer.toString(maxProcesses));
            } else {
                Files.writeString(dirs.get(0).resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                writeIfPresent(dirs.get(0).resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
                Files.writeString(dirs.get(1).resolve("pids.max"), Integer.toString(maxProcesses));
            }
            return Optional.of(new Group(dirs));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not make cgroup {} ({}); this build has rlimits only", name, e.getMessage());
            new Group(dirs).remove();
            return Optional.empty();
        }
    }

    private static void writeIfPresent(Path file, String value) {
        try {
            if (Files.exists(file)) {
                Files.writeString(file, value);
            }
        } catch (IOException e) {
            // optional (swap accounting may be off)
        }
    }

    /** controller (or "" for v2) -> path, from /proc/self/cgroup. */
    private static Map<String, String> ownPaths() throws IOException {
        Map<String, String> paths = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3) {
                for (String controller : parts[1].split(",")) {
                    paths.put(controller, parts[2]);
                }
            }
        }
        return paths;
    }

    private static String strip(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static long counter(Path file, String name) {
        try {
            Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(Files.readString(file));
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
