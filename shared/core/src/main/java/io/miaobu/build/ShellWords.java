package io.miaobu.build;

import java.util.List;
import java.util.stream.Collectors;

/** Words for a {@code sh -c} command line: each one single-quoted, so that the shell reads it back unchanged. */
public final class ShellWords {
    private ShellWords() {}

    public static String quote(String word) {
        return '\'' + word.replace("'", "'\\''") + '\'';
    }

    public static String quote(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }
}
