package io.miaobu.build.process;

import io.miaobu.build.BuildOutput;
import io.miaobu.config.SandboxSettings;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells the build's log, once per limit, when a build hit one of its sandbox's limits: from the
 * cgroup's counters where there is one, else from how the command ended and what it printed (a
 * process refused by an rlimit only sees an error, and usually says so).
 */
final class LimitNotices implements BuildOutput {
    enum Limit { PROCESSES, MEMORY, CPU, FILE_SIZE }

    private static final Pattern PROCESSES = Pattern.compile(
            "(?i)cannot fork|fork: (retry: )?resource temporarily unavailable|spawn .*EAGAIN|uv_thread_create|pthread_create.*(resource|EAGAIN)");
    private static final Pattern MEMORY = Pattern.compile(
            "(?i)heap out of memory|cannot allocate memory|allocation failed|could not allocate memory|ENOMEM|MemoryError|out of memory");
    private static final Pattern FILE_SIZE = Pattern.compile("(?i)EFBIG|file too large|file size limit exceeded");
    private static final Pattern CPU = Pattern.compile("(?i)CPU time limit exceeded");
    /** The shell's exit status for a command killed by SIGXCPU and SIGXFSZ. */
    private static final int SIGXCPU_EXIT = 128 + 24;
    private static final int SIGXFSZ_EXIT = 128 + 25;

    private final BuildOutput log;
    private final SandboxSettings settings;
    private final boolean processLimit;
    private final Set<Limit> seen = EnumSet.noneOf(Limit.class);
    private final Set<Limit> told;

    /**
     * @param told limits already reported for this build (shared by all its commands)
     * @param processLimit whether the build has a process limit of its own (a uid or cgroup)
     */
    LimitNotices(BuildOutput log, SandboxSettings settings, boolean processLimit, Set<Limit> told) {
        this.log = log;
        this.settings = settings;
        this.processLimit = processLimit;
        this.told = told;
    }

    @Override
    public synchronized void line(String stream, String text) {
        log.line(stream, text);
        if (!stream.equals("system")) {
            if (processLimit && PROCESSES.matcher(text).find()) {
                seen.add(Limit.PROCESSES);
            } else if (MEMORY.matcher(text).find()) {
                seen.add(Limit.MEMORY);
            } else if (FILE_SIZE.matcher(text).find()) {
                seen.add(Limit.FILE_SIZE);
            } else if (CPU.matcher(text).find()) {
                seen.add(Limit.CPU);
            }
        }
    }

    /** After the command: reports the limits it hit (none when it succeeded and no counter says otherwise). */
    synchronized void finished(int exit, boolean memoryKilled, boolean processesRefused) {
        Set<Limit> hit = EnumSet.noneOf(Limit.class);
        if (memoryKilled) {
            hit.add(Limit.MEMORY);
        }
        if (processesRefused) {
            hit.add(Limit.PROCESSES);
        }
        if (exit == SIGXCPU_EXIT) {
            hit.add(Limit.CPU);
        }
        if (exit == SIGXFSZ_EXIT) {
            hit.add(Limit.FILE_SIZE);
        }
        if (exit != 0) {
            hit.addAll(seen);
        }
        for (Limit limit : hit) {
            if (told.add(limit)) {
                log.system(message(limit));
            }
        }
    }

    private String message(Limit limit) {
        return switch (limit) {
            case PROCESSES -> "The build hit the process limit (MIAOBU_BUILD_MAX_PROCESSES=" + settings.maxProcesses()
                    + "): a build may run at most " + settings.maxProcesses() + " processes and threads at once.";
            case MEMORY -> "The build hit the memory limit (MIAOBU_BUILD_MEMORY_MB=" + settings.memoryMb()
                    + "): use less memory (for Node.js, a smaller --max-old-space-size) or ask the operator for more.";
            case CPU -> "A build process hit the CPU time limit (MIAOBU_BUILD_CPU_SECONDS=" + settings.cpuSeconds()
                    + ") and was stopped.";
            case FILE_SIZE -> "The build tried to write a file over the file size limit (MIAOBU_BUILD_MAX_FILE_MB="
                    + settings.maxFileMb() + ").";
        };
    }
}
