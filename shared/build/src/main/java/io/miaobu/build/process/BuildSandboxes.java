package io.miaobu.build.process;

import io.miaobu.build.BuildSandbox;
import io.miaobu.build.CommandRunner;
import io.miaobu.config.ConfigException;
import io.miaobu.config.SandboxSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build sandbox (DESIGN §6, docs/builds.md "The sandbox"). Threat model: the build is hostile. Each build
 * gets, when Miaobu runs as root, a uid of its own from MIAOBU_BUILD_UIDS that no other build holds
 * while it runs, and with bubblewrap ({@link Mode#NAMESPACES}) its own user, PID, IPC and UTS
 * namespaces: it sees only its own processes, the system read-only, a private /tmp, and none of the
 * platform's paths (data directory, other workspaces, caches), and every process dies with it. Without
 * namespaces ({@link Mode#UID}, e.g. where a container forbids them) the uid alone separates builds:
 * every process of that uid is killed and its temporary files removed after each command. Rlimits
 * (processes, CPU time, file size, memory) always; memory and processes through a cgroup per build
 * where the host lets Miaobu make one.
 */
public final class BuildSandboxes implements CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BuildSandboxes.class);
    static final Path BWRAP = Path.of("/usr/bin/bwrap");
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    /** Credentials a build running as the operator's own user must not read (non-root local mode). */
    private static final List<String> HOME_SECRETS = List.of(".ssh", ".aws", ".gnupg", ".config", ".docker", ".kube", ".azure",
            ".aliyun", ".password-store", ".local/share/keyrings", ".m2", ".netrc", ".git-credentials", ".npmrc", ".pgpass",
            ".bash_history", ".zsh_history", ".python_history", ".node_repl_history", ".psql_history");

    /** How builds are contained on this machine. */
    public enum Mode {
        /** bubblewrap: own namespaces, own uid (as root), rlimits. */
        NAMESPACES,
        /** no namespaces available: own uid, rlimits, everything of the uid killed after each command. */
        UID,
        /** neither (not root, no user namespaces): rlimits and the process group only. */
        NONE
    }

    private final SandboxSettings settings;
    private final Mode mode;
    private final boolean root;
    private final BuildUids uids;
    private final Optional<Cgroups> cgroups;
    private final List<Path> hidden;
    /** Workspace roots handed out by {@link #workspaceRoot}: other builds' workspaces are in them. */
    private final List<Path> workspaceRoots = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ProcessCommandRunner processes = new ProcessCommandRunner();

    private BuildSandboxes(SandboxSettings settings, Mode mode, boolean root, Optional<Cgroups> cgroups, List<Path> hidden) {
        this.settings = settings;
        this.mode = mode;
        this.root = root;
        this.uids = root ? new BuildUids(settings.firstUid(), settings.uidCount(), BuildUids.lockDirectory()) : null;
        this.cgroups = cgroups;
        this.hidden = hidden;
    }

    /**
     * Finds out what this machine allows and says so in the log, once.
     *
     * @param hidden the platform's own paths no build may see (data directory, build and cache directories)
     * @throws ConfigException when MIAOBU_BUILD_SANDBOX=namespaces and bubblewrap cannot run here, or the
     *                         tools a root platform needs (setpriv, prlimit) are missing
     */
    public static BuildSandboxes create(SandboxSettings settings, List<Path> hidden) {
        boolean root = currentUid() == 0;
        for (Path tool : root ? List.of(SETPRIV, PRLIMIT) : List.of(PRLIMIT)) {
            if (!Files.isExecutable(tool)) {
                throw new ConfigException("builds need " + tool + " (Debian package util-linux); install it");
            }
        }
        List<Path> paths = new ArrayList<>();
        for (Path p : hidden) {
            paths.add(p.toAbsolutePath().normalize());
        }
        if (!root) {
            Path home = Path.of(System.getProperty("user.home"));
            HOME_SECRETS.forEach(s -> paths.add(home.resolve(s)));
        }
        Mode mode = Mode.UID;
        String why = "";
        if (!settings.mode().equals("uid")) {
            Optional<String> refused = probeNamespaces(root ? settings.firstUid() : -1);
            if (refused.isEmpty()) {
                mode = Mode.NAMESPACES;
            } else if (settings.mode().equals("namespaces")) {
                throw new ConfigException("MIAOBU_BUILD_SANDBOX=namespaces, but bubblewrap cannot run here: " + refused.get()
                        + ". Install the Debian package bubblewrap, allow user namespaces, or set MIAOBU_BUILD_SANDBOX=auto");
            } else {
                why = " (no namespaces: " + refused.get() + ")";
            }
        }
        if (mode == Mode.UID && !root) {
            mode = Mode.NONE;
        }
        Optional<Cgroups> cgroups = root ? Cgroups.detect() : Optional.empty();
        BuildSandboxes sandboxes = new BuildSandboxes(settings, mode, root, cgroups, List.copyOf(paths));
        (mode == Mode.NONE ? LOG.atWarn() : LOG.atInfo()).log("build sandbox: {}{}", sandboxes.summary(), why);
        if (root) {
            sandboxes.reclaimOrphans();
        }
        return sandboxes;
    }

    /**
     * Kills what builds of a Miaobu that died (kill -9, a crash) left running as build uids nobody holds
     * any more — in uid mode nothing else ends them — and removes their temporary files.
     */
    private void reclaimOrphans() {
        java.util.Set<Integer> orphaned = new java.util.TreeSet<>();
        Sandbox.processUids().values().forEach(ids -> ids.stream().filter(uids::inRange).forEach(orphaned::add));
        for (int uid : orphaned) {
            uids.ifFree(uid, () -> {
                LOG.info("killing processes left by an earlier build as uid {}", uid);
                Sandbox.killAll(uid);
                if (mode != Mode.NAMESPACES) {
                    Sandbox.removeTemporaryFiles(uid);
                }
            });
        }
    }

    public Mode mode() {
        return mode;
    }

    /** One line for the operator's log and each build's log. */
    public String summary() {
        String who = root ? "a uid of its own (MIAOBU_BUILD_UIDS " + settings.firstUid() + "-"
                + (settings.firstUid() + settings.uidCount() - 1) + ")" : "Miaobu's own user";
        String how = switch (mode) {
            case NAMESPACES -> "in its own namespaces (bubblewrap: own processes, read-only system, private /tmp, "
                    + "platform files hidden) as " + who;
            case UID -> "as " + who + ", without namespaces";
            case NONE -> "as Miaobu's own user without namespaces: NOT isolated from Miaobu (run Miaobu as root, or allow "
                    + "user namespaces for bubblewrap)";
        };
        return how + "; limits: " + (root ? settings.maxProcesses() + " processes, " : "")
                + settings.memoryMb() + " MiB memory" + (cgroups.isPresent() ? " (cgroup)" : " per process")
                + ", " + settings.cpuSeconds() + " s CPU per process, " + settings.maxFileMb() + " MiB per file";
    }

    @Override
    public BuildSandbox open(Path workspace) throws IOException {
        int uid = root ? uids.acquire() : currentUid();
        try {
            Sandbox sandbox = new Sandbox(this, workspace.toAbsolutePath().normalize(), uid);
            sandbox.start();
            return sandbox;
        } catch (IOException | RuntimeException e) {
            if (root) {
                uids.release(uid);
            }
            throw e;
        }
    }

    /**
     * The configured build directory when build uids can reach it (every parent searchable by others),
     * made searchable but not listable; otherwise a private directory under the system's temporary
     * directory, because loosening the parents would open them to every build.
     */
    @Override
    public Path workspaceRoot(Path configured) throws IOException {
        Files.createDirectories(configured);
        if (!root || searchableByOthers(configured.toAbsolutePath().normalize().getParent())) {
            if (root) {
                Files.setPosixFilePermissions(configured, PosixFilePermissions.fromString("rwx--x--x"));
            }
            workspaceRoots.add(configured.toAbsolutePath().normalize());
            return configured;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Path fallback = tmp.resolve("miaobu-builds");
        if (Files.exists(fallback, LinkOption.NOFOLLOW_LINKS) && (!Files.isDirectory(fallback, LinkOption.NOFOLLOW_LINKS)
                || !Integer.valueOf(0).equals(Files.getAttribute(fallback, "unix:uid", LinkOption.NOFOLLOW_LINKS)))) {
            fallback = Files.createTempDirectory(tmp, "miaobu-builds-");
        }
        Files.createDirectories(fallback);
        Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwx--x--x"));
        workspaceRoots.add(fallback);
        LOG.info("build directory {} is not reachable by build uids; building in {}", configured, fallback);
        return fallback;
    }

    /**
     * Local mode: the data directory (database, artifacts, build caches, secret key) becomes searchable
     * but not listable, and everything in it except the build directory private to Miaobu — so even
     * without namespaces a build cannot read it.
     */
    public void protectDataDirectory(Path dataDir, Path buildDir) throws IOException {
        if (!root || !Files.isDirectory(dataDir)) {
            return;
        }
        Path data = dataDir.toAbsolutePath().normalize();
        Path builds = buildDir.toAbsolutePath().normalize();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx--x--x"));
        try (var children = Files.list(data)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                if (builds.startsWith(child) || Files.isSymbolicLink(child)) {
                    continue;
                }
                Files.setPosixFilePermissions(child, PosixFilePermissions.fromString(
                        Files.isDirectory(child) ? "rwx------" : "rw-------"));
            }
        }
    }

    SandboxSettings settings() {
        return settings;
    }

    boolean root() {
        return root;
    }

    Optional<Cgroups> cgroups() {
        return cgroups;
    }

    List<Path> hidden() {
        List<Path> all = new ArrayList<>(hidden);
        all.addAll(workspaceRoots);
        return all;
    }

    ProcessCommandRunner processes() {
        return processes;
    }

    void release(int uid) {
        if (root) {
            uids.release(uid);
        }
    }

    /** Empty when bubblewrap gives a sandbox here (as {@code uid} when not -1); else why not. */
    private static Optional<String> probeNamespaces(int uid) {
        if (!Files.isExecutable(BWRAP)) {
            return Optional.of(BWRAP + " is not installed");
        }
        List<String> argv = new ArrayList<>();
        if (uid >= 0) {
            argv.addAll(List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
        }
        argv.addAll(List.of(BWRAP.toString(), "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--chdir", "/", "/bin/sh", "-c", "exit 7"));
        try {
            ProcessBuilder builder = new ProcessBuilder(argv).directory(Path.of("/").toFile()).redirectErrorStream(true);
            builder.environment().clear();
            Process p = builder.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("bubblewrap did not answer");
            }
            return p.exitValue() == 7 ? Optional.empty() : Optional.of(out.isEmpty() ? "bubblewrap exited with " + p.exitValue() : out);
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private static boolean searchableByOthers(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    /** The effective uid of this process: /proc/self belongs to it. */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}
