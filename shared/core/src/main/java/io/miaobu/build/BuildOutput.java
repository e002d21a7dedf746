package io.miaobu.build;

/** Receives a build's output line by line, as it is produced. Stream: "stdout", "stderr" or "system". */
@FunctionalInterface
public interface BuildOutput {
    void line(String stream, String text);

    default void system(String text) {
        line("system", text);
    }
}
