package io.miaobu.build;

import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.rules.RulesCompiler;
import io.miaobu.edge.rules.RulesSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A build's routing rules: {@code _redirects}, {@code _headers} and {@code miaobu.json} or
 * {@code vercel.json} in the output directory, where Netlify and Cloudflare Pages look for them;
 * a {@code miaobu.json} or {@code vercel.json} that is not there is also looked for in the
 * project's root directory, where Vercel keeps it. The rules files themselves are not published.
 */
final class BuildRules {
    private BuildRules() {}

    /** Compiles the rules (warnings go to the build log) into the deployment's route config. */
    static RouteConfig compile(List<OutputFiles.OutputFile> files, Path projectRoot, BuildOutput log) throws IOException {
        RulesSource root = RulesSource.directory(projectRoot);
        RulesSource source = name -> {
            Optional<OutputFiles.OutputFile> file = files.stream().filter(f -> f.path().equals(name)).findFirst();
            if (file.isPresent()) {
                try (var in = Files.newInputStream(file.get().source())) {
                    return Optional.of(in.readNBytes(RulesSource.MAX_BYTES + 1));
                }
            }
            return name.endsWith(".json") ? root.read(name) : Optional.empty();
        };
        return RulesCompiler.compile(source, log).config();
    }

    /** The output without its rules files: what the site serves. */
    static List<OutputFiles.OutputFile> siteFiles(List<OutputFiles.OutputFile> files) {
        return files.stream().filter(f -> !RulesCompiler.isRulesFile(f.path())).toList();
    }
}
