package io.miaobu.local;

import io.miaobu.domains.AcmeChallenges;
import io.miaobu.testkit.AcmeChallengesContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The local edge's directory of answers passes the contract every AcmeChallenges passes. */
class DirectoryAcmeChallengesContractTest extends AcmeChallengesContract {
    @TempDir
    Path dir;

    private AcmeChallenges challenges;

    @Override
    protected AcmeChallenges challenges() {
        if (challenges == null) {
            try {
                challenges = new DirectoryAcmeChallenges(dir.resolve("acme"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return challenges;
    }

    @Override
    protected Optional<String> served(String token) {
        try {
            Path answer = dir.resolve("acme").resolve(token);
            return Files.exists(answer) ? Optional.of(Files.readString(answer)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
