package io.miaobu.deploy;

import java.util.List;
import java.util.OptionalLong;

/** A deployment's log as its readers see it: lines after a cursor, and whether its writer has ended it. */
public interface LogSource {
    /** Lines with n greater than {@code after}, in order, at most {@code limit}. */
    List<LogLine> after(String deploymentId, long after, int limit);

    /** The last line's number once the writer has ended the log; empty while it may still write. */
    OptionalLong lastLine(String deploymentId);
}
