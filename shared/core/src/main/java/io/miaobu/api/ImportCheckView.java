package io.miaobu.api;

import io.miaobu.build.detect.ImportCheck;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What would go wrong importing a repository, per field; nothing is created.
 *
 * @param nameTaken whether another project has this name's address, so this one gets a suffix (-2)
 * @param errors    per request field (name, gitUrl, productionBranch, rootDirectory, ..., env), what to fix
 */
@ApiSchema("ImportCheck")
public record ImportCheckView(@Nullable String slug, @Nullable String url, boolean nameTaken, Map<String, String> errors) {

    public static ImportCheckView of(ImportCheck.Result result) {
        return new ImportCheckView(result.slug(), result.url(), result.nameTaken(), result.errors());
    }
}
