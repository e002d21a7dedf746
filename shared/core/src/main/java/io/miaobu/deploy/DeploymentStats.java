package io.miaobu.deploy;

/** What a deployment holds and how much of it had to be uploaded (the rest was reused). */
public record DeploymentStats(long files, long bytes, long uploadedFiles, long uploadedBytes) {
    public static final DeploymentStats EMPTY = new DeploymentStats(0, 0, 0, 0);
}
