package io.miaobu.config;

import java.time.Duration;

/**
 * How much work one client, or everybody at once, may make the platform do (docs/api.md "Limits").
 *
 * @param requestTimeout a request's line, headers and body must all arrive within this, else the connection is
 *                       closed: a client sending one byte a minute cannot hold a thread
 * @param maxConnections open connections to one server; past it new ones are closed at once (read once per JVM)
 * @param maxThreads threads that read requests and run handlers; a slow client holds one until its timeout,
 *                   so this is the number of slow clients the server outlasts before answering 503
 * @param maxActive handlers running at once (the work behind a request: database, hashing); past it a request
 *                  waits up to {@code queueWait}, then gets 503 with Retry-After
 * @param queueWait how long a request waits for one of the {@code maxActive} slots
 * @param loginAttempts failed sign-ins per account, and per client address, within {@code loginWindow}
 * @param loginWindow the window failed sign-ins are counted in
 * @param registrations accounts created per client address within an hour
 * @param hookTriggers calls of one deploy hook URL within a minute (each queues a build)
 */
public record LimitSettings(Duration requestTimeout, int maxConnections, int maxThreads, int maxActive,
                            Duration queueWait, int loginAttempts, Duration loginWindow, int registrations,
                            int hookTriggers) {

    public static final LimitSettings DEFAULTS = new LimitSettings(Duration.ofSeconds(30), 4096, 2048, 64,
            Duration.ofSeconds(2), 10, Duration.ofMinutes(15), 20, 60);
}
