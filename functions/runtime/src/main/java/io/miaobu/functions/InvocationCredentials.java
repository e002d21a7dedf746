package io.miaobu.functions;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.http.Request;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The function role's STS credentials as FC hands them to this instance: in the
 * {@code x-fc-access-key-id}, {@code x-fc-access-key-secret} and {@code x-fc-security-token} headers of
 * every invocation (HTTP triggers and {@code POST /invoke} alike) on {@code custom.debian10}. Every
 * request replaces them with the ones it brought, so adapters, which ask this supplier for each call
 * they sign, always use the newest (STS credentials expire and FC rotates them). The same role signs
 * every invocation of an instance, so work that outlives its request (a build's uploads on other
 * threads) may use the credentials of a later one.
 *
 * <p>From {@code custom.debian11} on, FC no longer sends {@code x-fc-security-token} (FC custom runtime
 * docs): the role's credentials are then in the instance's {@code ALIBABA_CLOUD_ACCESS_KEY_ID},
 * {@code ALIBABA_CLOUD_ACCESS_KEY_SECRET} and {@code ALIBABA_CLOUD_SECURITY_TOKEN} variables, which serve
 * whenever the headers do not carry a complete set.
 */
public final class InvocationCredentials implements Supplier<AliyunCredentials> {
    private final AtomicReference<AliyunCredentials> latest = new AtomicReference<>();
    private final Optional<AliyunCredentials> environment;

    /** Falls back to FC's {@code ALIBABA_CLOUD_*} variables of this process. */
    public InvocationCredentials() {
        this(System::getenv);
    }

    /** @param env the environment variables to fall back to (tests pass their own) */
    public InvocationCredentials(Function<String, String> env) {
        Optional<String> id = variable(env, "ALIBABA_CLOUD_ACCESS_KEY_ID");
        Optional<String> secret = variable(env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        this.environment = id.isPresent() && secret.isPresent()
                ? Optional.of(new AliyunCredentials(id.get(), secret.get(), variable(env, "ALIBABA_CLOUD_SECURITY_TOKEN")))
                : Optional.empty();
    }

    private static Optional<String> variable(Function<String, String> env, String name) {
        return Optional.ofNullable(env.apply(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** Takes the credentials of this invocation, when it carries them. */
    public void capture(Request request) {
        Optional<String> id = request.header("x-fc-access-key-id").filter(v -> !v.isBlank());
        Optional<String> secret = request.header("x-fc-access-key-secret").filter(v -> !v.isBlank());
        Optional<String> token = request.header("x-fc-security-token").filter(v -> !v.isBlank());
        if (token.isEmpty() && environment.isPresent()) {
            return; // custom.debian11+: the headers lack the token, the environment has the whole set
        }
        if (id.isPresent() && secret.isPresent()) {
            latest.set(new AliyunCredentials(id.get(), secret.get(), token));
        }
    }

    /**
     * @throws IllegalStateException when neither an invocation nor the environment has brought credentials:
     *                               the function has no role
     */
    @Override
    public AliyunCredentials get() {
        AliyunCredentials c = latest.get();
        if (c != null) {
            return c;
        }
        return environment.orElseThrow(() -> new IllegalStateException("no invocation has carried Aliyun credentials "
                + "(x-fc-access-key-id) and ALIBABA_CLOUD_ACCESS_KEY_ID is not set; give the function a RAM role in "
                + "serverless.yaml (role: ...) so FC passes its STS credentials"));
    }
}
