package io.miaobu.build.process;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.BuildSandbox;
import io.miaobu.build.FileTrees;
import io.miaobu.config.SandboxSettings;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One build's sandbox (see {@link BuildSandboxes}): its uid, its cgroup, the launcher of its commands. */
final class Sandbox implements BuildSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /** Where a build without a private /tmp may leave files behind; swept when a uid-only build starts and ends. */
    private static final List<Path> SHARED_TEMPORARY = List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"),
            Path.of("/run/lock"));
    private static final String USER_NAME = "miaobu-build";
    /** What a build with namespaces gets empty and its own instead of the machine's (bubblewrap tmpfs mounts). */
    private static final List<Path> PRIVATE_MOUNTS = List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/run"));
    private static final List<Path> NAME_SERVICE_FILES = List.of(Path.of("/etc/resolv.conf"), Path.of("/etc/hosts"),
            Path.of("/etc/nsswitch.conf"));
    /** Joins the cgroup directories given as arguments, then becomes the rest of the command line. */
    private static final String JOIN_CGROUPS = "n=$1; shift; while [ \"$n\" -gt 0 ]; do echo $$ > \"$1/cgroup.procs\" || exit 125; "
            + "shift; n=$((n-1)); done; exec \"$@\"";

    private final BuildSandboxes owner;
    private final SandboxSettings settings;
    private final Path workspace;
    private final int uid;
    private final Path etc;
    private final Set<LimitNotices.Limit> told = EnumSet.noneOf(LimitNotices.Limit.class);
    private Optional<Cgroups.Group> group = Optional.empty();
    private boolean closed;

    Sandbox(BuildSandboxes owner, Path workspace, int uid) {
        this.owner = owner;
        this.settings = owner.settings();
        this.workspace = workspace;
        this.uid = uid;
        this.etc = workspace.resolveSibling(workspace.getFileName() + ".etc");
    }

    /** Clears what a crashed predecessor with this uid may have left, and makes the build's cgroup and user entry. */
    void start() throws IOException {
        if (owner.root()) {
            killAll(uid);
            if (owner.mode() != BuildSandboxes.Mode.NAMESPACES) {
                removeTemporaryFiles(uid);
            }
        }
        group = owner.cgroups().flatMap(c -> c.create("build-" + uid, (long) settings.memoryMb() << 20, settings.maxProcesses()));
        if (owner.mode() == BuildSandboxes.Mode.NAMESPACES) {
            writeUserEntries();
        }
    }

    @Override
    public int run(String command, Path workDir, Map<String, String> env, Duration timeout, BuildOutput output,
                   BooleanSupplier canceled) throws BuildFailure, BuildCanceled {
        Map<String, String> environment = new LinkedHashMap<>(env);
        if (owner.root() && environment.containsKey("PATH")) {
            environment.put("PATH", enterable(environment.get("PATH")));
        }
        if (owner.mode() != BuildSandboxes.Mode.NAMESPACES) {
            // No private /tmp: temporary files go to the workspace, which is the build's alone and removed with it.
            Path tmp = workspace.resolve("tmp");
            try {
                if (!Files.isDirectory(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(tmp);
                    prepare(tmp);
                }
            } catch (IOException e) {
                throw new BuildFailure("Could not prepare the build's temporary directory: " + e.getMessage(), e);
            }
            environment.put("TMPDIR", tmp.toString());
        }
        LimitNotices notices = new LimitNotices(output, settings, owner.root() || group.isPresent(), told);
        int exit;
        try {
            exit = owner.processes().run(launcher(workDir, environment.getOrDefault("PATH", "")), command, workDir, environment,
                    timeout, notices, canceled);
        } finally {
            if (owner.root() && owner.mode() == BuildSandboxes.Mode.UID) {
                killAll(uid); // nothing a command started outlives it, as a PID namespace would ensure
            }
        }
        notices.finished(exit, group.map(Cgroups.Group::memoryHit).orElse(false),
                group.map(Cgroups.Group::processesHit).orElse(false));
        return exit;
    }

    /** Everything before {@code sh -c command}: cgroup, rlimits, uid, namespaces. */
    private List<String> launcher(Path workDir, String path) {
        List<String> argv = new ArrayList<>();
        group.ifPresent(g -> {
            argv.addAll(List.of("/bin/sh", "-c", JOIN_CGROUPS, "miaobu-sandbox", Integer.toString(g.dirs().size())));
            g.dirs().forEach(d -> argv.add(d.toString()));
        });
        argv.add(BuildSandboxes.PRLIMIT.toString());
        argv.add("--cpu=" + settings.cpuSeconds() + ":" + (settings.cpuSeconds() + 5)); // SIGXCPU first, SIGKILL 5 s later
        argv.add("--fsize=" + ((long) settings.maxFileMb() << 20));
        argv.add("--core=0");
        if (group.isEmpty()) {
            // The cgroup, where there is one, holds both limits and counts when they are hit.
            if (owner.root()) {
                argv.add("--nproc=" + settings.maxProcesses()); // counts this build's uid only
            }
            // Per process, and RLIMIT_DATA rather than RLIMIT_AS: V8 reserves address space it never uses.
            argv.add("--data=" + ((long) settings.memoryMb() << 20));
        }
        argv.add("--");
        if (owner.root()) {
            argv.addAll(List.of(BuildSandboxes.SETPRIV.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"));
        }
        if (owner.mode() == BuildSandboxes.Mode.NAMESPACES) {
            argv.addAll(List.of(BuildSandboxes.BWRAP.toString(), "--unshare-user", "--unshare-pid", "--unshare-ipc",
                    "--unshare-uts", "--unshare-cgroup-try", "--hostname", "miaobu-build", "--die-with-parent", "--new-session",
                    "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
            for (Path p : PRIVATE_MOUNTS.subList(1, PRIVATE_MOUNTS.size())) {
                hide(argv, p);
            }
            // Tools on the build's PATH that live below those (a checkout in /tmp with its own .tools/): shown
            // again, read-only, before the platform's paths are hidden, so a tool folder can never uncover them.
            for (Path tools : toolFolders(path)) {
                argv.addAll(List.of("--ro-bind", tools.toString(), tools.toString()));
            }
            // With systemd-resolved, /etc/resolv.conf links into /run: the build still needs DNS.
            for (Path p : NAME_SERVICE_FILES) {
                try {
                    Path real = p.toRealPath();
                    if (real.startsWith("/run")) {
                        argv.addAll(List.of("--ro-bind", real.toString(), real.toString()));
                    }
                } catch (IOException e) {
                    // not on this machine
                }
            }
            List<Path> hidden = owner.hidden();
            for (Path p : hidden) {
                // Below another hidden path it is gone already; a mount for it would only add an empty folder there.
                if (hidden.stream().noneMatch(other -> !other.equals(p) && p.startsWith(other))) {
                    hide(argv, p);
                }
            }
            argv.addAll(List.of("--bind", workspace.toString(), workspace.toString()));
            if (Files.isRegularFile(etc.resolve("passwd"))) {
                argv.addAll(List.of("--ro-bind", etc.resolve("passwd").toString(), "/etc/passwd",
                        "--ro-bind", etc.resolve("group").toString(), "/etc/group"));
            }
            argv.addAll(List.of("--chdir", workDir.toAbsolutePath().toString(), "--"));
        }
        return argv;
    }

    /**
     * The folders of PATH entries that the private mounts cover: a {@code .../bin} entry's parent (its
     * prefix, where its links point: {@code lib/node_modules/...}), else the entry itself; never a mount
     * root itself.
     */
    private static List<Path> toolFolders(String path) {
        List<Path> folders = new ArrayList<>();
        for (String entry : path.split(":")) {
            if (entry.isEmpty() || !entry.startsWith("/")) {
                continue;
            }
            Path dir = Path.of(entry).normalize();
            Optional<Path> mount = PRIVATE_MOUNTS.stream().filter(dir::startsWith).findFirst();
            if (mount.isEmpty() || !Files.isDirectory(dir)) {
                continue;
            }
            Path prefix = dir.getFileName() != null && dir.getFileName().toString().equals("bin") ? dir.getParent() : dir;
            Path folder = prefix.equals(mount.get()) ? dir : prefix;
            if (!folder.equals(mount.get()) && !folders.contains(folder)) {
                folders.add(folder);
            }
        }
        return folders;
    }

    /**
     * PATH without the folders the build's uid cannot enter (the operator's own {@code ~/.local/bin}, a
     * tool folder below a private directory): the shell stops at the first it cannot search and reports
     * "yarn: Permission denied" where the truth is that yarn is not installed. Its own folders (the
     * corepack shims in its HOME) it enters as their owner.
     */
    String enterable(String path) {
        List<String> kept = new ArrayList<>();
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && enterableByBuild(Path.of(entry))) {
                kept.add(entry);
            }
        }
        return String.join(":", kept);
    }

    private boolean enterableByBuild(Path dir) {
        if (!dir.isAbsolute()) {
            return false; // relative to wherever the command runs: never the platform's meaning
        }
        try {
            for (Path p = dir.toRealPath(); p != null; p = p.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                int owner = (Integer) Files.getAttribute(p, "unix:uid");
                int group = (Integer) Files.getAttribute(p, "unix:gid");
                boolean enters = owner == uid ? perms.contains(PosixFilePermission.OWNER_EXECUTE)
                        : group == uid ? perms.contains(PosixFilePermission.GROUP_EXECUTE)
                        : perms.contains(PosixFilePermission.OTHERS_EXECUTE);
                if (!enters) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false; // missing: nothing to find there
        }
    }

    private static void hide(List<String> argv, Path p) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            argv.addAll(List.of("--tmpfs", p.toString()));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            argv.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
        }
    }

    /** The build's own name in /etc/passwd and /etc/group inside its namespace: tools ask who they are. */
    private void writeUserEntries() throws IOException {
        Files.createDirectories(etc);
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        String home = workspace.resolve("home").toString();
        writeWith(Path.of("/etc/passwd"), etc.resolve("passwd"), USER_NAME + ":x:" + uid + ":" + uid + ":Miaobu build:" + home + ":/bin/sh");
        writeWith(Path.of("/etc/group"), etc.resolve("group"), USER_NAME + ":x:" + uid + ":");
    }

    private void writeWith(Path system, Path copy, String entry) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean present = false;
        if (Files.isRegularFile(system)) {
            for (String line : Files.readAllLines(system)) {
                String[] f = line.split(":");
                present |= f.length > 2 && f[2].equals(Integer.toString(uid));
                text.append(line).append('\n');
            }
        }
        if (!present) {
            text.append(entry).append('\n');
        }
        Files.writeString(copy, text);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Override
    public void prepare(Path path) throws IOException {
        if (!owner.root() || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
        if (path.equals(workspace) && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Override
    public String describe() {
        return owner.summary().replace("a uid of its own", "uid " + uid);
    }

    @Override
    public String cacheIdentity() {
        return "sandbox " + owner.mode() + (owner.root() ? " own-uid" : " as " + uid);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (owner.root()) {
                killAll(uid);
                if (owner.mode() != BuildSandboxes.Mode.NAMESPACES) {
                    removeTemporaryFiles(uid);
                }
            }
            group.ifPresent(Cgroups.Group::remove);
            FileTrees.delete(etc);
        } catch (RuntimeException e) {
            LOG.error("could not clean up the sandbox of uid {}", uid, e);
        } finally {
            owner.release(uid);
        }
    }

    /**
     * SIGKILL to every process of {@code uid}, sent as that uid to all it may signal ({@code kill -1}), until
     * none is left: whatever it forked, setsid'd or daemonized.
     */
    static void killAll(int uid) {
        for (int pass = 0; pass < 50 && !pidsOf(uid).isEmpty(); pass++) {
            try {
                ProcessBuilder kill = new ProcessBuilder(BuildSandboxes.SETPRIV.toString(), "--reuid=" + uid, "--regid=" + uid,
                        "--clear-groups", "--", "/bin/sh", "-c", "kill -9 -1")
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
                kill.environment().clear();
                Process p = kill.start();
                p.getOutputStream().close();
                p.waitFor(5, TimeUnit.SECONDS);
                Thread.sleep(pass < 5 ? 10 : 100);
            } catch (IOException e) {
                LOG.error("could not kill the processes of build uid {}: {}", uid, e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!pidsOf(uid).isEmpty()) {
            LOG.error("processes of build uid {} survived SIGKILL: {}", uid, pidsOf(uid));
        }
    }

    /** Processes whose real, effective or saved uid is {@code uid}. */
    static List<Long> pidsOf(int uid) {
        List<Long> pids = new ArrayList<>();
        processUids().forEach((pid, uids) -> {
            if (uids.contains(uid)) {
                pids.add(pid);
            }
        });
        return pids;
    }

    /** Every live (not zombie) process's real, effective and saved uids, from /proc. */
    static Map<Long, Set<Integer>> processUids() {
        Map<Long, Set<Integer>> table = new java.util.HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    for (String line : Files.readAllLines(proc.resolve("status"))) {
                        if (line.startsWith("State:") && line.contains("Z")) {
                            break; // a zombie runs nothing; its parent reaps it
                        }
                        if (line.startsWith("Uid:")) {
                            String[] ids = line.substring(4).trim().split("\\s+");
                            Set<Integer> uids = new java.util.HashSet<>();
                            for (int i = 0; i < Math.min(3, ids.length); i++) {
                                uids.add((int) Long.parseLong(ids[i]));
                            }
                            table.put(Long.parseLong(name), uids);
                            break;
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list /proc: {}", e.getMessage());
        }
        return table;
    }

    /** Removes whatever {@code uid} left in the machine's shared temporary directories. */
    static void removeTemporaryFiles(int uid) {
        for (Path root : SHARED_TEMPORARY) {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (!dir.equals(root) && ownedBy(dir, uid)) {
                            FileTrees.delete(dir);
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        // The build can only have written into folders anyone may write to (or its own, removed above).
                        return dir.equals(root) || worldWritable(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (ownedBy(file, uid)) {
                            Files.deleteIfExists(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                LOG.warn("could not sweep {} for build uid {}: {}", root, uid, e.getMessage());
            }
        }
    }

    private static boolean worldWritable(Path dir) {
        try {
            return Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean ownedBy(Path p, int uid) {
        try {
            return Integer.valueOf(uid).equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
