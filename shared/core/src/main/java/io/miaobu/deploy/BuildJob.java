package io.miaobu.deploy;

/** The message on the build queue: which deployment to build. */
public record BuildJob(String deploymentId) {}
