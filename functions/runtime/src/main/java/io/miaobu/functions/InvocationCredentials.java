package io.miaobu.functions;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.http.Request;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The function role's STS credentials as FC hands them to this instance: in the
 * {@code x-fc-access-key-id}, {@code x-fc-access-key-secret} and {@code x-fc-security-token} headers of
 * every invocation (HTTP triggers and {@code POST /invoke} alike), never in the environment or a file.
 * Every request replaces them with the ones it brought, so adapters, which ask this supplier for each
 * call they sign, always use the newest (STS credentials expire and FC rotates them). The same role
 * signs every invocation of an instance, so work that outlives its request (a build's uploads on other
 * threads) may use the credentials of a later one.
 */
public final class InvocationCredentials implements Supplier<AliyunCredentials> {
    private final AtomicReference<AliyunCredentials> latest = new AtomicReference<>();

    /** Takes the credentials of this invocation, when it carries them. */
    public void capture(Request request) {
        Optional<String> id = request.header("x-fc-access-key-id").filter(v -> !v.isBlank());
        Optional<String> secret = request.header("x-fc-access-key-secret").filter(v -> !v.isBlank());
        if (id.isPresent() && secret.isPresent()) {
            latest.set(new AliyunCredentials(id.get(), secret.get(),
                    request.header("x-fc-security-token").filter(v -> !v.isBlank())));
        }
    }

    /**
     * @throws IllegalStateException when no invocation has brought credentials: the function has no role
     */
    @Override
    public AliyunCredentials get() {
        AliyunCredentials c = latest.get();
        if (c == null) {
            throw new IllegalStateException("no invocation has carried Aliyun credentials (x-fc-access-key-id); "
                    + "give the function a RAM role in serverless.yaml (role: ...) so FC passes its STS credentials");
        }
        return c;
    }
}
