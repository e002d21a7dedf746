package io.miaobu.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Files and folders only Miaobu's own user may read (builds run as other users, or cannot see them):
 * secrets kept in the data directory, the build cache. Owner-only from the moment they exist where the
 * file system has POSIX permissions; elsewhere the data directory's own permissions apply.
 */
public final class PrivateFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateFiles() {}

    /** {@code dir}, made if missing, owner-only (0700). */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, ownerOnly("rwx------"));
        }
        setOwnerOnly(dir, "rwx------");
        return dir;
    }

    /**
     * The secret kept in {@code file} (32 random bytes, Base64), made on first use and written whole or
     * not at all; the file is owner-only (0600).
     */
    public static String secret(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            Path partial = Files.createTempFile(file.getParent(), file.getFileName() + "-", ".tmp", ownerOnly("rw-------"));
            Files.writeString(partial, Base64.getEncoder().encodeToString(fresh), StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        }
        setOwnerOnly(file, "rw-------");
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return isPosix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    private static void setOwnerOnly(Path path, String permissions) throws IOException {
        if (isPosix()) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private static boolean isPosix() {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
