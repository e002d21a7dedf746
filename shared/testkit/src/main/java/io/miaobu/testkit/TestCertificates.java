package io.miaobu.testkit;

import java.time.Instant;

/**
 * Two self-signed certificates for www.example.org with their keys (PEM, EC P-256), made once with
 * openssl and valid for a century, so a certificate store's test needs no certificate library: the
 * second one is what a renewal would bring. Nothing trusts them: the keys are published here on purpose.
 */
public final class TestCertificates {
    private TestCertificates() {}

    /** A certificate chain, its private key and the certificate's notAfter. */
    public record Pem(String chain, String privateKey, Instant notAfter) {}

    public static final String HOSTNAME = "www.example.org";

    public static final Pem FIRST = new Pem(
            "-----BEGIN CERTIFICATE-----\n" +
            "MIIBijCCATGgAwIBAgIUASpgVSKr7EVurRxE3s49gdoQ0rQwCgYIKoZIzj0EAwIw\n" +
            "GjEYMBYGA1UEAwwPd3d3LmV4YW1wbGUub3JnMCAXDTI2MTIwMzA3MDYwNVoYDzIx\n" +
            "MjYxMjA5MDcwNjA1WjAaMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5vcmcwWTATBgcq\n" +
            "hkjOPQIBBggqhkjOPQMBBwNCAARFxhbs0QLOkR1vc1pI8Ezdi64g6DOE/fYJLR/T\n" +
            "8k/ZxPxz7YHC4b/jHYwdI1TFHh7cP3SjlDKRWCq/RxooKgmXo1MwUTAdBgNVHQ4E\n" +
            "FgQUDH8CufFUdGBIUzvmM0MPvcdlm74wHwYDVR0jBBgwFoAUDH8CufFUdGBIUzvm\n" +
            "M0MPvcdlm74wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAxxhx4\n" +
            "lw1OUidM2URN2pcS4p0ISvBqQOaNpzcO7DbJ+gIgaaYovvjdhMjGpBMSMfsAi880\n" +
            "9oLixD9j11yvMSWQKVY=\n" +
            "-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\n" +
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4d/JvUXI1Hcv74xv\n" +
            "tVSLL1c9vqOipSJycyHnBsArnmuhRANCAARFxhbs0QLOkR1vc1pI8Ezdi64g6DOE\n" +
            "/fYJLR/T8k/ZxPxz7YHC4b/jHYwdI1TFHh7cP3SjlDKRWCq/RxooKgmX\n" +
            "-----END PRIVATE KEY-----\n",
            Instant.parse("2126-12-09T07:06:05Z"));

    public static final Pem RENEWED = new Pem(
            "-----BEGIN CERTIFICATE-----\n" +
            "MIIBijCCATGgAwIBAgIUPwCL/KebpahnnPbgSYrVqHDlxQ8wCgYIKoZIzj0EAwIw\n" +
            "GjEYMBYGA1UEAwwPd3d3LmV4YW1wbGUub3JnMCAXDTI2MTIwMzA3MDYwNVoYDzIx\n" +
            "MjcwMTA4MDcwNjA1WjAaMRgwFgYDVQQDDA93d3cuZXhhbXBsZS5vcmcwWTATBgcq\n" +
            "hkjOPQIBBggqhkjOPQMBBwNCAAREM4LbOQFWvMNuhzUW85DTR9TEibfTXdKy9Q+U\n" +
            "wFJWRpl4r7ifB6V78qdW2FCZkd5LMGnkClIU5RDCU0V9dUOlo1MwUTAdBgNVHQ4E\n" +
            "FgQUCvUPYMqDaTrswfECbJEj3Q0GNx0wHwYDVR0jBBgwFoAUCvUPYMqDaTrswfEC\n" +
            "bJEj3Q0GNx0wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAXPs9H\n" +
            "w4MeG4bx2o8251Zcdygh4e9ADAg0s4JTkXxVUAIgGcq6OuR9SJ0zZszoJHQ1d1qe\n" +
            "VVk+CLjgI2XGFqdChs4=\n" +
            "-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\n" +
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBeK0IdX8FqbociTU\n" +
            "IOpBBAYyVi80cRfkDplAHnfVtH6hRANCAAREM4LbOQFWvMNuhzUW85DTR9TEibfT\n" +
            "XdKy9Q+UwFJWRpl4r7ifB6V78qdW2FCZkd5LMGnkClIU5RDCU0V9dUOl\n" +
            "-----END PRIVATE KEY-----\n",
            Instant.parse("2127-01-08T07:06:05Z"));
}
