package io.miaobu.domains;

/** PENDING_DNS -> VERIFIED -> ISSUING -> ACTIVE, or ERROR with a message saying what to fix. */
public enum DomainStatus {
    PENDING_DNS, VERIFIED, ISSUING, ACTIVE, ERROR
}
