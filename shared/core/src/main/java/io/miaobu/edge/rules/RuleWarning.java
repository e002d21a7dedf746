package io.miaobu.edge.rules;

/** Something in a rules file that was ignored, and why; {@code line} is 1-based (0 = the whole file). */
public record RuleWarning(String file, int line, String message) {
    /** {@code _redirects:12: message}, the form the build log and the command line print. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
