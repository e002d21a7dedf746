package io.miaobu.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository's symbolic links cannot point a build's root or output directory at the machine's files. */
class RepositoryPathsTest {
    @TempDir
    Path tmp;

    @Test
    void a_root_directory_that_is_a_link_to_outside_the_repository_is_refused_with_what_to_do() throws Exception {
        Path secret = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(secret.resolve("secret.key"), "key");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createSymbolicLink(repo.resolve("site"), secret);
        Files.createDirectories(repo.resolve("app"));
        Files.createSymbolicLink(repo.resolve("app/up"), Path.of("../.."));

        for (String root : new String[] {"site", "app/up/data"}) {
            BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> RepositoryPaths.rootDirectory(repo, root));
            assertThat(e).as(root).isNotNull();
            assertThat(e.getMessage()).contains("Root directory `" + root + "`", "outside the repository", "set rootDirectory");
        }
    }

    @Test
    void a_root_directory_linked_inside_the_repository_is_fine() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createDirectories(repo.resolve("apps/web"));
        Files.createSymbolicLink(repo.resolve("web"), Path.of("apps/web"));

        assertThat(RepositoryPaths.rootDirectory(repo, "web")).isEqualTo(repo.resolve("web"));
        assertThat(RepositoryPaths.rootDirectory(repo, null)).isEqualTo(repo);
    }

    @Test
    void an_output_directory_inside_a_root_that_leaves_the_repository_is_not_published() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(outside.resolve("secret.key"), "key");
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.createSymbolicLink(repo.resolve("site"), outside);

        // The project root itself is the link: its real path is "inside" itself, but not inside the repository.
        BuildFailure e = catchThrowableOfType(BuildFailure.class,
                () -> OutputFiles.collect(repo, repo.resolve("site"), ".", 100, 1 << 20, Set.of()));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("outside the repository");
    }
}
