package io.miaobu.testkit.memory;

import io.miaobu.domains.AcmeChallenges;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** HTTP-01 answers by token, checked as every adapter checks them. */
public final class InMemoryAcmeChallenges implements AcmeChallenges {
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    @Override
    public void put(String token, String keyAuthorization) {
        answers.put(AcmeChallenges.checkToken(token), keyAuthorization);
    }

    @Override
    public void delete(String token) {
        answers.remove(AcmeChallenges.checkToken(token));
    }

    /** What the edge answers at /.well-known/acme-challenge/{token}. */
    public Optional<String> served(String token) {
        return Optional.ofNullable(answers.get(token));
    }
}
