package io.miaobu.aliyun;

import java.util.Objects;
import java.util.Optional;

/**
 * One set of Aliyun credentials. On FC these are the function role's STS credentials, which arrive
 * with every invocation in the {@code x-fc-access-key-id}, {@code x-fc-access-key-secret} and
 * {@code x-fc-security-token} headers; they are never read from the environment or a file.
 */
public record AliyunCredentials(String accessKeyId, String accessKeySecret, Optional<String> securityToken) {
    public AliyunCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accessKeySecret, "accessKeySecret");
        Objects.requireNonNull(securityToken, "securityToken");
    }

    @Override
    public String toString() {
        return "AliyunCredentials[" + accessKeyId + ", secret hidden]";
    }
}
