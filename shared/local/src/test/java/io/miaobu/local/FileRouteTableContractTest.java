package io.miaobu.local;

import io.miaobu.edge.RouteTable;
import io.miaobu.testkit.RouteTableContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Local mode's route files pass the contract every RouteTable passes. */
class FileRouteTableContractTest extends RouteTableContract {
    @TempDir
    Path dir;

    private FileRouteTable table;

    @Override
    protected RouteTable table() {
        if (table == null) {
            try {
                table = new FileRouteTable(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return table;
    }
}
