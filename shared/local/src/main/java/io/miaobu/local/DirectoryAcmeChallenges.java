package io.miaobu.local;

import io.miaobu.domains.AcmeChallenges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** HTTP-01 answers as files {@code {dir}/{token}}, which the local edge serves at /.well-known/acme-challenge/{token}. */
public final class DirectoryAcmeChallenges implements AcmeChallenges {
    private final Path dir;

    public DirectoryAcmeChallenges(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public void put(String token, String keyAuthorization) {
        Path target = dir.resolve(AcmeChallenges.checkToken(token));
        try {
            Path tmp = Files.createTempFile(dir, ".challenge-", ".tmp");
            Files.writeString(tmp, keyAuthorization, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ACME challenge " + token, e);
        }
    }

    @Override
    public void delete(String token) {
        try {
            Files.deleteIfExists(dir.resolve(AcmeChallenges.checkToken(token)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the ACME challenge " + token, e);
        }
    }
}
