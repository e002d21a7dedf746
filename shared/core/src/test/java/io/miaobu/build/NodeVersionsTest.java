package io.miaobu.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeVersionsTest {
    @TempDir
    Path root;
    NodeVersions versions;

    @BeforeEach
    void installed() throws Exception {
        for (String major : new String[] {"18", "20", "22"}) {
            Path node = Files.createDirectories(root.resolve(major).resolve("bin")).resolve("node");
            Files.writeString(node, "#!/bin/sh\n");
            Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        versions = new NodeVersions(root);
    }

    private Optional<String> major(String requested) {
        return versions.select(requested).map(bin -> bin.getParent().getFileName().toString());
    }

    @Test
    void the_requested_major_is_picked_from_nvmrc_style_versions_and_ranges() {
        assertThat(major("18")).contains("18");
        assertThat(major("v20.11.1")).contains("20");
        assertThat(major("20.x")).contains("20");
        assertThat(major("^18.17.0")).contains("18");
        assertThat(major(">=19")).contains("22");
        assertThat(major("lts/*")).contains("22");
    }

    @Test
    void a_version_not_installed_or_nothing_requested_keeps_the_default_node() {
        assertThat(major("16")).isEmpty();
        assertThat(major(null)).isEmpty();
        assertThat(new NodeVersions(null).select("20")).isEmpty();
    }
}
