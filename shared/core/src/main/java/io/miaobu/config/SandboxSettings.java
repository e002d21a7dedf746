package io.miaobu.config;

/**
 * How builds are contained (DESIGN §6, docs/builds.md "The sandbox").
 *
 * @param mode "auto" (namespaces when bubblewrap works here, else uid), "namespaces" (refuse to start
 *             without them) or "uid" (never use namespaces)
 * @param firstUid first of the uids builds run as, one per running build (when Miaobu runs as root)
 * @param uidCount how many uids, from {@code firstUid}, builds may take
 * @param maxProcesses processes (and threads) one build may have at once
 * @param memoryMb memory of one build: all its processes together where cgroups allow, else each process
 * @param cpuSeconds CPU time of each process of a build
 * @param maxFileMb largest file a build may write
 */
public record SandboxSettings(String mode, int firstUid, int uidCount, int maxProcesses, int memoryMb, int cpuSeconds,
                              int maxFileMb) {
    public static final String DEFAULT_UIDS = "2000000000-2000000999";

    /** Parses MIAOBU_BUILD_UIDS: {@code FIRST-LAST}, both above 1000 and below 2^31. */
    static int[] uidRange(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{4,10})-(\\d{4,10})").matcher(value.strip());
        if (m.matches()) {
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            if (first > 1000 && last >= first && last < Integer.MAX_VALUE) {
                return new int[] {(int) first, (int) (last - first + 1)};
            }
        }
        throw new ConfigException("MIAOBU_BUILD_UIDS must be a range FIRST-LAST of uids that no account on this machine uses, "
                + "above 1000 (for example " + DEFAULT_UIDS + "), got \"" + value + "\"");
    }

    /** These settings with another memory limit (function workers have their own, MIAOBU_FUNCTION_MEMORY_MB). */
    public SandboxSettings withMemoryMb(int memory) {
        return new SandboxSettings(mode, firstUid, uidCount, maxProcesses, memory, cpuSeconds, maxFileMb);
    }
}
