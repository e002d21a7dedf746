package io.miaobu.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.rules.HeaderRule;
import io.miaobu.edge.rules.RedirectRule;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to route files (names, format, confinement); the behaviour is RouteTableContract's. */
class FileRouteTableTest {
    private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");

    @TempDir
    Path dir;

    FileRouteTable table;

    @BeforeEach
    void open() throws IOException {
        table = new FileRouteTable(dir);
    }

    private static RouteEntry entry(String deploymentId) {
        RouteConfig config = new RouteConfig(true, false, true, "404.html",
                List.of(new RedirectRule("/old", List.of(List.of("id", ":id")), "/new/:id", 301, true)),
                List.of(new HeaderRule("/*", Map.of("x-frame-options", "DENY"), List.of("x-powered-by"))));
        return new RouteEntry(deploymentId, "sites/p1/" + deploymentId + "/", config, T);
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void the_file_is_named_by_the_encoded_route_key() throws IOException {
        table.put("d123--My_Site.localhost:8080", entry("d123"));

        String expected = RouteKeys.fileName(RouteKeys.encode("d123--My_Site.localhost:8080")) + ".json";
        assertThat(expected).isEqualTo("d123--my~f~psite_localhost.json");
        assertThat(fileNames()).containsExactly(expected);
    }

    @Test
    void putting_a_host_again_replaces_its_entry_and_leaves_one_file() throws IOException {
        table.put("my-site.localhost", entry("d1"));
        table.put("my-site.localhost", entry("d2"));

        assertThat(table.get("my-site.localhost")).map(RouteEntry::deploymentId).contains("d2");
        assertThat(fileNames()).containsExactly("my-site_localhost.json");
    }

    @Test
    void delete_removes_the_entry_and_its_file_and_is_idempotent() throws IOException {
        table.put("my-site.localhost", entry("d1"));
        table.put("other.localhost", entry("d9"));

        table.delete("my-site.localhost");
        table.delete("my-site.localhost");

        assertThat(table.get("my-site.localhost")).isEmpty();
        assertThat(table.get("other.localhost")).isPresent();
        assertThat(fileNames()).containsExactly("other_localhost.json");
    }

    @Test
    void the_file_is_the_json_the_edge_reads() throws IOException {
        table.put("my-site.localhost", entry("d1"));
        String json = Files.readString(dir.resolve("my-site_localhost.json"));
        assertThat(json).contains("\"deploymentId\":\"d1\"").contains("\"prefix\":\"sites/p1/d1/\"")
                .contains("\"spa\":true").contains("\"updatedAt\":\"2024-05-01T12:00:00Z\"");
    }

    @Test
    void a_host_cannot_write_outside_the_route_directory() throws IOException {
        table.put("../../etc/passwd", entry("d1"));
        assertThat(fileNames()).hasSize(1).allSatisfy(name -> assertThat(name).doesNotContain("/").endsWith(".json"));
        assertThat(dir.getParent().resolve("etc")).doesNotExist();
    }
}
