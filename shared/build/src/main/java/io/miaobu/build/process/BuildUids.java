package io.miaobu.build.process;

import io.miaobu.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The uids builds run as: one per running build, handed out round-robin so a uid is taken again as
 * late as possible. A uid is held through a file lock in a root-only directory, so two Miaobu
 * processes on one machine (two `./miaobu dev`, two builder instances) never share one, and a crashed
 * holder's lock is gone with it: whoever takes the uid next may kill what is left of its build.
 */
final class BuildUids {
    private final int first;
    private final int count;
    private final Path locks;
    private final Map<Integer, FileLock> held = new HashMap<>();
    private int next;

    BuildUids(int first, int count, Path locks) {
        this.first = first;
        this.count = count;
        this.locks = locks;
    }

    /** The lock directory: {@code /run/miaobu-build-uids} where /run is writable, else under the temporary directory. */
    static Path lockDirectory() {
        Path run = Path.of("/run");
        Path base = Files.isDirectory(run) && Files.isWritable(run) ? run : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = base.resolve("miaobu-build-uids");
        try {
            Files.createDirectories(dir);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || !Integer.valueOf(0).equals(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                throw new ConfigException(dir + " must be a directory owned by root: it holds the build uids' locks; remove it");
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return dir;
        } catch (IOException e) {
            throw new ConfigException("cannot make " + dir + " for the build uids' locks: " + e.getMessage());
        }
    }

    synchronized int acquire() {
        for (int i = 0; i < count; i++) {
            int slot = (next + i) % count;
            int uid = first + slot;
            if (!held.containsKey(uid)) {
                Optional<FileLock> lock = tryLock(uid);
                if (lock.isPresent()) {
                    held.put(uid, lock.get());
                    next = (slot + 1) % count;
                    return uid;
                }
            }
        }
        throw new ConfigException("all " + count + " build uids (MIAOBU_BUILD_UIDS) are in use; give builds a larger range "
                + "than the builds that run at once on this machine");
    }

    synchronized void release(int uid) {
        FileLock lock = held.remove(uid);
        if (lock != null) {
            try {
                lock.channel().close();
            } catch (IOException e) {
                // the lock goes with the channel either way
            }
        }
    }

    /** Runs {@code action} for {@code uid} if no one (in any process) holds it, holding it meanwhile. */
    synchronized void ifFree(int uid, Runnable action) {
        if (held.containsKey(uid)) {
            return;
        }
        Optional<FileLock> lock = tryLock(uid);
        if (lock.isPresent()) {
            held.put(uid, lock.get());
            try {
                action.run();
            } finally {
                release(uid);
            }
        }
    }

    boolean inRange(int uid) {
        return uid >= first && uid < first + count;
    }

    private Optional<FileLock> tryLock(int uid) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(locks.resolve(Integer.toString(uid)), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(lock);
            }
        } catch (IOException | OverlappingFileLockException e) {
            // held by someone else
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
        return Optional.empty();
    }
}
