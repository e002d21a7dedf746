package io.miaobu.dynamic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.miaobu.build.BuildFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files of a project are functions, and the routes they answer (the contract's routes table). */
class FunctionSourcesTest {
    @TempDir Path root;

    private void files(String... paths) throws IOException {
        for (String path : paths) {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "export default () => new Response('x');\n");
        }
    }

    private List<String> routes() throws Exception {
        return FunctionSources.find(root, NodeFunctionBundler.EXTENSIONS).stream()
                .map(s -> s.source() + " -> " + s.route() + " (" + s.name() + ")").toList();
    }

    @Test
    void files_under_api_answer_their_path_with_index_as_the_folder_and_dynamic_segments_kept() throws Exception {
        files("api/index.js", "api/hello.ts", "api/users/index.mjs", "api/users/[id].js", "api/posts/[slug]/comments.tsx",
                "api/files/[...path].cjs", "api/docs/[[...page]].mts", "api/page.jsx");
        assertThat(routes()).containsExactly(
                "api/docs/[[...page]].mts -> /api/docs/[[...page]] (api/docs/[[...page]])",
                "api/files/[...path].cjs -> /api/files/[...path] (api/files/[...path])",
                "api/hello.ts -> /api/hello (api/hello)",
                "api/index.js -> /api (api/index)",
                "api/page.jsx -> /api/page (api/page)",
                "api/posts/[slug]/comments.tsx -> /api/posts/[slug]/comments (api/posts/[slug]/comments)",
                "api/users/[id].js -> /api/users/[id] (api/users/[id])",
                "api/users/index.mjs -> /api/users (api/users/index)");
    }

    @Test
    void helpers_tests_type_declarations_and_dependencies_are_not_functions() throws Exception {
        files("api/_util.js", "api/_lib/db.ts", "api/.hidden.js", "api/.cache/x.js", "api/types.d.ts", "api/hello.test.ts",
                "api/hello.spec.js", "api/node_modules/dep/index.js", "api/readme.md", "api/data.json", "api/echo.py",
                "src/api/client.js", "api/ok.js");
        assertThat(routes()).containsExactly("api/ok.js -> /api/ok (api/ok)");
    }

    @Test
    void netlify_functions_answer_under_dot_netlify_functions_in_each_of_netlifys_three_layouts() throws Exception {
        files("netlify/functions/hello.js", "netlify/functions/form/index.ts", "netlify/functions/mail/mail.mjs",
                "netlify/functions/mail/templates.js", "netlify/functions/_shared.js");
        assertThat(routes()).containsExactly(
                "netlify/functions/form/index.ts -> /.netlify/functions/form (netlify/functions/form)",
                "netlify/functions/hello.js -> /.netlify/functions/hello (netlify/functions/hello)",
                "netlify/functions/mail/mail.mjs -> /.netlify/functions/mail (netlify/functions/mail)");
    }

    @Test
    void two_files_for_one_route_fail_naming_both() throws Exception {
        files("api/users/[id].js", "api/users/[name].ts");
        assertThatThrownBy(this::routes).isInstanceOf(BuildFailure.class)
                .hasMessage("Two functions answer /api/users/[id]: api/users/[id].js and api/users/[name].ts. Remove or rename one of them.");
    }

    @Test
    void a_folder_index_and_a_file_of_the_same_name_are_one_route() throws Exception {
        files("api/users.js", "api/users/index.js");
        assertThatThrownBy(this::routes).hasMessageContaining("api/users.js and api/users/index.js");
    }

    @Test
    void a_netlify_function_in_two_layouts_fails() throws Exception {
        files("netlify/functions/hello.js", "netlify/functions/hello/index.js");
        assertThatThrownBy(this::routes).hasMessageContaining("Two functions answer /.netlify/functions/hello");
    }

    @Test
    void a_catch_all_that_is_not_the_last_segment_fails_saying_so() throws Exception {
        files("api/[...rest]/edit.js");
        assertThatThrownBy(this::routes).hasMessage("api/[...rest]/edit.js: a catch-all segment ([...rest]) must be the last part "
                + "of a function's path.");
    }

    @Test
    void a_path_that_cannot_be_a_url_segment_fails_saying_what_to_rename() throws Exception {
        files("api/post-[id].js");
        assertThatThrownBy(this::routes).hasMessageContaining("rename \"post-[id]\"");
        Files.delete(root.resolve("api/post-[id].js"));
        files("api/a b.js");
        assertThatThrownBy(this::routes).hasMessageContaining("rename \"a b\"");
    }

    @Test
    void a_link_to_a_file_outside_the_project_is_not_read() throws Exception {
        Path outside = Files.createTempFile("outside", ".js");
        try {
            Files.createDirectories(root.resolve("api"));
            Files.createSymbolicLink(root.resolve("api/leak.js"), outside);
            files("api/real.js");
            Files.createSymbolicLink(root.resolve("api/alias.js"), root.resolve("api/real.js"));
            assertThat(routes()).containsExactly("api/alias.js -> /api/alias (api/alias)", "api/real.js -> /api/real (api/real)");
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void a_project_without_api_has_no_functions() throws Exception {
        files("src/main.ts");
        assertThat(routes()).isEmpty();
    }
}
