package io.miaobu.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.http.Handler;
import io.miaobu.http.Response;
import io.miaobu.http.SimpleRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class FcInvocationsTest {
    private static SimpleRequest request(Map<String, String> headers) {
        Map<String, List<String>> multi = new java.util.HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return new SimpleRequest("POST", "/invoke", multi, new byte[0]);
    }

    @Test
    void each_invocation_replaces_the_credentials_with_the_ones_it_carries() throws Exception {
        InvocationCredentials credentials = new InvocationCredentials();
        Handler handler = FcInvocations.wrap(req -> Response.noContent(), credentials);

        handler.handle(request(Map.of("x-fc-access-key-id", "STS.a", "x-fc-access-key-secret", "sa", "x-fc-security-token", "ta")));
        assertThat(credentials.get()).isEqualTo(new AliyunCredentials("STS.a", "sa", Optional.of("ta")));

        handler.handle(request(Map.of("x-fc-access-key-id", "STS.b", "x-fc-access-key-secret", "sb", "x-fc-security-token", "tb")));
        assertThat(credentials.get()).isEqualTo(new AliyunCredentials("STS.b", "sb", Optional.of("tb")));

        handler.handle(request(Map.of())); // a request without credentials keeps the last ones
        assertThat(credentials.get().accessKeyId()).isEqualTo("STS.b");
    }

    @Test
    void without_any_invocation_credentials_the_adapters_are_told_to_give_the_function_a_role() {
        assertThatThrownBy(() -> new InvocationCredentials(name -> null).get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("role");
    }

    @Test
    void on_debian11_without_a_security_token_header_the_alibaba_cloud_variables_serve() throws Exception {
        Map<String, String> env = Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.env", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "senv",
                "ALIBABA_CLOUD_SECURITY_TOKEN", "tenv");
        InvocationCredentials credentials = new InvocationCredentials(env::get);
        assertThat(credentials.get()).isEqualTo(new AliyunCredentials("STS.env", "senv", Optional.of("tenv")));

        Handler handler = FcInvocations.wrap(req -> Response.noContent(), credentials);
        handler.handle(request(Map.of("x-fc-access-key-id", "STS.h", "x-fc-access-key-secret", "sh"))); // no token header
        assertThat(credentials.get()).isEqualTo(new AliyunCredentials("STS.env", "senv", Optional.of("tenv")));
    }

    @Test
    void on_debian10_the_headers_win_over_the_variables() throws Exception {
        Map<String, String> env = Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.env", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "senv",
                "ALIBABA_CLOUD_SECURITY_TOKEN", "tenv");
        InvocationCredentials credentials = new InvocationCredentials(env::get);
        FcInvocations.wrap(req -> Response.noContent(), credentials)
                .handle(request(Map.of("x-fc-access-key-id", "STS.h", "x-fc-access-key-secret", "sh", "x-fc-security-token", "th")));
        assertThat(credentials.get()).isEqualTo(new AliyunCredentials("STS.h", "sh", Optional.of("th")));
        assertThatThrownBy(() -> new InvocationCredentials(Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "only-id")::get).get())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ALIBABA_CLOUD_ACCESS_KEY_ID");
    }

    @Test
    void the_fc_request_id_is_in_the_logging_context_while_the_request_is_handled() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Handler handler = FcInvocations.wrap(req -> {
            seen.set(MDC.get("requestId"));
            return Response.noContent();
        }, new InvocationCredentials());

        handler.handle(request(Map.of("x-fc-request-id", "1-abc-req")));

        assertThat(seen.get()).isEqualTo("1-abc-req");
        assertThat(MDC.get("requestId")).isNull();
    }
}
