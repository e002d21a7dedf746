package io.miaobu.edge.rules;

import io.miaobu.build.BuildOutput;
import io.miaobu.edge.RouteConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a deployment's rules files ({@code _redirects}, {@code _headers}, and {@code miaobu.json}
 * or else {@code vercel.json}) into the route config the edge evaluates (DESIGN §5). Nothing here
 * fails a deployment: whatever cannot be honoured is a warning naming its file and line, and the
 * rest applies. Rule order: miaobu.json redirects (forced, as on Vercel), then {@code _redirects} in
 * file order, then miaobu.json rewrites (after the filesystem); header rules from {@code _headers},
 * then miaobu.json.
 */
public final class RulesCompiler {
    /** Cloudflare Pages' limits, with the same message style when a site goes past them. */
    public static final int MAX_STATIC_REDIRECTS = 2000;
    public static final int MAX_DYNAMIC_REDIRECTS = 100;
    public static final int MAX_HEADER_RULES = 100;

    /** The files read here; they configure the site and are not published as pages. */
    public static final Set<String> FILES = Set.of(RedirectsFile.NAME, HeadersFile.NAME, ConfigFile.MIAOBU, ConfigFile.VERCEL);

    /** The compiled config, every warning, and which files were read. */
    public record Result(RouteConfig config, List<RuleWarning> warnings, List<String> files) {}

    private RulesCompiler() {}

    /** Whether a deployment path is one of the rules files (only at the top of the deployment). */
    public static boolean isRulesFile(String path) {
        return FILES.contains(path);
    }

    /** Compiles and writes a summary line and every warning (with file and line) to the build log. */
    public static Result compile(RulesSource source, BuildOutput log) throws IOException {
        Result result = compile(source);
        if (!result.files().isEmpty()) {
            log.system("Routing rules from " + String.join(", ", result.files()) + ": "
                    + result.config().redirects().size() + " redirect/rewrite rules, "
                    + result.config().headers().size() + " header rules");
        }
        for (RuleWarning warning : result.warnings()) {
            log.system("Warning: " + warning);
        }
        return result;
    }

    public static Result compile(RulesSource source) throws IOException {
        List<RuleWarning> warnings = new ArrayList<>();
        List<String> read = new ArrayList<>();
        List<ParsedRedirect> fromFile = List.of();
        List<ParsedHeaders> headersFile = List.of();
        Optional<String> redirects = text(source, RedirectsFile.NAME, warnings, read);
        if (redirects.isPresent()) {
            fromFile = RedirectsFile.parse(redirects.get(), warnings);
        }
        Optional<String> headers = text(source, HeadersFile.NAME, warnings, read);
        if (headers.isPresent()) {
            headersFile = HeadersFile.parse(headers.get(), warnings);
        }
        ConfigFile.Result json = ConfigFile.Result.EMPTY;
        Optional<String> ours = text(source, ConfigFile.MIAOBU, warnings, read);
        if (ours.isPresent()) {
            json = ConfigFile.parse(ConfigFile.MIAOBU, ours.get(), warnings);
            if (source.read(ConfigFile.VERCEL).isPresent()) {
                warnings.add(new RuleWarning(ConfigFile.VERCEL, 0, "ignored because " + ConfigFile.MIAOBU + " exists; "
                        + "move its settings into " + ConfigFile.MIAOBU + "."));
            }
        } else {
            Optional<String> vercel = text(source, ConfigFile.VERCEL, warnings, read);
            if (vercel.isPresent()) {
                json = ConfigFile.parse(ConfigFile.VERCEL, vercel.get(), warnings);
            }
        }

        List<ParsedRedirect> ordered = new ArrayList<>(json.redirects());
        ordered.addAll(fromFile);
        ordered.addAll(json.rewrites());
        List<ParsedHeaders> headerRules = new ArrayList<>(headersFile);
        headerRules.addAll(json.headers());

        RouteConfig config = new RouteConfig(json.spa(), json.cleanUrls(), json.trailingSlash(), json.notFound(),
                limitRedirects(ordered, warnings), limitHeaders(headerRules, warnings));
        return new Result(config, List.copyOf(warnings), List.copyOf(read));
    }

    private static Optional<String> text(RulesSource source, String name, List<RuleWarning> warnings, List<String> read)
            throws IOException {
        Optional<byte[]> bytes = source.read(name);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        read.add(name);
        if (bytes.get().length > RulesSource.MAX_BYTES) {
            warnings.add(new RuleWarning(name, 0, "larger than " + (RulesSource.MAX_BYTES >> 20) + " MiB; it is ignored."));
            return Optional.empty();
        }
        return Optional.of(RulesSource.text(bytes.get()));
    }

    private static List<RedirectRule> limitRedirects(List<ParsedRedirect> rules, List<RuleWarning> warnings) {
        List<RedirectRule> kept = new ArrayList<>();
        int statics = 0;
        int dynamics = 0;
        ParsedRedirect firstStaticDropped = null;
        ParsedRedirect firstDynamicDropped = null;
        int staticDropped = 0;
        int dynamicDropped = 0;
        for (ParsedRedirect r : rules) {
            if (r.dynamic() ? ++dynamics > MAX_DYNAMIC_REDIRECTS : ++statics > MAX_STATIC_REDIRECTS) {
                if (r.dynamic()) {
                    dynamicDropped++;
                    firstDynamicDropped = firstDynamicDropped == null ? r : firstDynamicDropped;
                } else {
                    staticDropped++;
                    firstStaticDropped = firstStaticDropped == null ? r : firstStaticDropped;
                }
                continue;
            }
            kept.add(r.rule());
        }
        if (firstStaticDropped != null) {
            warnings.add(new RuleWarning(firstStaticDropped.file(), firstStaticDropped.line(), String.format(
                    "more than %,d static redirect rules (the limit, as on Cloudflare Pages); this rule and the %,d after it "
                            + "are ignored. Combine rules with placeholders or splats, like `/blog/:slug`.",
                    MAX_STATIC_REDIRECTS, staticDropped - 1)));
        }
        if (firstDynamicDropped != null) {
            warnings.add(new RuleWarning(firstDynamicDropped.file(), firstDynamicDropped.line(), String.format(
                    "more than %,d redirect rules with placeholders or splats (the limit, as on Cloudflare Pages); "
                            + "this rule and the %,d after it are ignored.", MAX_DYNAMIC_REDIRECTS, dynamicDropped - 1)));
        }
        return kept;
    }

    private static List<HeaderRule> limitHeaders(List<ParsedHeaders> rules, List<RuleWarning> warnings) {
        if (rules.size() > MAX_HEADER_RULES) {
            ParsedHeaders first = rules.get(MAX_HEADER_RULES);
            warnings.add(new RuleWarning(first.file(), first.line(), String.format(
                    "more than %,d header rules (the limit, as on Cloudflare Pages); this rule and the %,d after it are ignored.",
                    MAX_HEADER_RULES, rules.size() - MAX_HEADER_RULES - 1)));
        }
        return rules.stream().limit(MAX_HEADER_RULES).map(ParsedHeaders::rule).toList();
    }
}
