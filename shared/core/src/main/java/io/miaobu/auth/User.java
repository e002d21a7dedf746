package io.miaobu.auth;

import java.time.Instant;

/** A person who signs in to Miaobu. {@code passwordHash} is a bcrypt hash, never the password; null for an account made by GitHub sign-in. */
public record User(String id, String email, String passwordHash, Instant createdAt) {}
