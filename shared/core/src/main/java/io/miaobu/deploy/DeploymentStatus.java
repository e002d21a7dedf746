package io.miaobu.deploy;

public enum DeploymentStatus {
    QUEUED, BUILDING, UPLOADING, READY, FAILED, CANCELED;

    public boolean isFinal() {
        return this == READY || this == FAILED || this == CANCELED;
    }
}
