package io.miaobu.deploy;

import java.time.Instant;

/** One line of a build's output. {@code n} counts from 1 per deployment; stream is stdout, stderr or system. */
public record LogLine(long n, Instant ts, String stream, String text) {}
