package io.miaobu.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.miaobu.projects.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildPlanTest {
    private static final String WITH_BUILD = "{\"name\":\"site\",\"scripts\":{\"build\":\"vite build\",\"dev\":\"vite\"}}";

    @TempDir
    Path repo;

    private void file(String name, String content) throws IOException {
        Files.createDirectories(repo.resolve(name).getParent());
        Files.writeString(repo.resolve(name), content);
    }

    private static Project project(String install, String build, String output) {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");
        return new Project("p1", "u1", "Site", "site", "https://example.com/r.git", null, "main", null,
                install, build, output, true, null, now, now);
    }

    @Test
    void a_build_script_with_a_package_lock_runs_npm_ci_then_npm_run_build() throws Exception {
        file("package.json", WITH_BUILD);
        file("package-lock.json", "{}");

        BuildPlan plan = BuildPlan.forProject(project(null, null, null), repo);

        assertThat(plan.installCommand()).isEqualTo("npm ci");
        assertThat(plan.buildCommand()).isEqualTo("npm run build");
    }

    @Test
    void an_npm_shrinkwrap_counts_as_a_lockfile() throws Exception {
        file("package.json", WITH_BUILD);
        file("npm-shrinkwrap.json", "{}");
        assertThat(BuildPlan.forProject(project(null, null, null), repo).installCommand()).isEqualTo("npm ci");
    }

    @Test
    void a_build_script_without_a_lockfile_runs_npm_install() throws Exception {
        file("package.json", WITH_BUILD);

        BuildPlan plan = BuildPlan.forProject(project(null, null, null), repo);

        assertThat(plan.installCommand()).isEqualTo("npm install");
        assertThat(plan.buildCommand()).isEqualTo("npm run build");
    }

    @Test
    void without_package_json_nothing_runs_and_the_repository_is_published_as_it_is() throws Exception {
        file("index.html", "<h1>static</h1>");

        BuildPlan plan = BuildPlan.forProject(project(null, null, null), repo);

        assertThat(plan.installCommand()).isNull();
        assertThat(plan.buildCommand()).isNull();
        assertThat(plan.outputDirectory()).isEqualTo(".");
        assertThat(plan.resolveOutputDirectory(repo)).isEqualTo(".");
    }

    @Test
    void a_package_json_without_a_build_script_is_published_as_it_is() throws Exception {
        file("package.json", "{\"name\":\"site\",\"scripts\":{\"start\":\"serve\"}}");

        BuildPlan plan = BuildPlan.forProject(project(null, null, null), repo);

        assertThat(plan.buildCommand()).isNull();
        assertThat(plan.installCommand()).isNull();
        assertThat(plan.outputDirectory()).isEqualTo(".");
    }

    @Test
    void an_invalid_package_json_fails_the_build_saying_what_to_fix() throws Exception {
        file("package.json", "{\"name\": \"site\",, }");

        BuildFailure e = catchThrowableOfType(BuildFailure.class, () -> BuildPlan.forProject(project(null, null, null), repo));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("package.json is not valid JSON").contains("fix package.json");
    }

    @Test
    void a_build_of_no_known_framework_publishes_the_first_of_dist_build_out_public_that_exists() throws Exception {
        file("package.json", WITH_BUILD);
        BuildPlan plan = BuildPlan.forProject(project(null, null, null), repo);
        assertThat(plan.outputDirectory()).isNull();

        assertThat(plan.resolveOutputDirectory(repo)).isEqualTo("dist");
        Files.createDirectories(repo.resolve("out"));
        assertThat(plan.resolveOutputDirectory(repo)).isEqualTo("out");
        Files.createDirectories(repo.resolve("build"));
        assertThat(plan.resolveOutputDirectory(repo)).isEqualTo("build");
        Files.createDirectories(repo.resolve("dist"));
        assertThat(plan.resolveOutputDirectory(repo)).isEqualTo("dist");
    }

    @Test
    void project_settings_win_over_detection() throws Exception {
        file("package.json", WITH_BUILD);
        file("package-lock.json", "{}");

        BuildPlan plan = BuildPlan.forProject(project("pnpm install", "pnpm run export", "public"), repo);

        assertThat(plan.installCommand()).isEqualTo("pnpm install");
        assertThat(plan.buildCommand()).isEqualTo("pnpm run export");
        assertThat(plan.outputDirectory()).isEqualTo("public");
        assertThat(plan.resolveOutputDirectory(repo)).isEqualTo("public");
    }

    @Test
    void unset_project_settings_fall_back_to_detection_one_by_one() throws Exception {
        file("package.json", WITH_BUILD);

        BuildPlan plan = BuildPlan.forProject(project(null, "npm run build:prod", null), repo);

        assertThat(plan.installCommand()).isEqualTo("npm install");
        assertThat(plan.buildCommand()).isEqualTo("npm run build:prod");
        assertThat(plan.outputDirectory()).isNull();
    }
}
