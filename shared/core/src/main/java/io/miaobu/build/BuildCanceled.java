package io.miaobu.build;

/** Thrown out of a running step when the user canceled the deployment. */
public class BuildCanceled extends Exception {
    public BuildCanceled() {
        super("deployment canceled");
    }
}
