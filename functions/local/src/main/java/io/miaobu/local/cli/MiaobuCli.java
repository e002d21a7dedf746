package io.miaobu.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user's command line, run by the {@code ./miaobu} script: {@code deploy} and {@code login}.
 * A Java main in the local jar rather than a Node script, so it shares the platform's JSON handling
 * and is tested in-process against a real local host; the script builds the jar when needed anyway.
 * Exit codes: 0 done, 1 the server (or the network) said no, with its message; 2 wrong usage.
 */
public final class MiaobuCli {
    private static final String USAGE = """
            usage: ./miaobu deploy DIR [--project NAME] [--prod]
                   ./miaobu login [--email EMAIL] [--register]
            Settings: MIAOBU_API_URL (default http://localhost:8080), MIAOBU_TOKEN (or the token saved by login).""";

    private MiaobuCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.in, System.out, System.err));
    }

    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        Credentials credentials = new Credentials(env);
        try {
            switch (args.length == 0 ? "" : args[0]) {
                case "deploy" -> {
                    DeployCommand.Options options = DeployCommand.parse(rest);
                    Optional<String> token = credentials.token();
                    if (token.isEmpty()) {
                        err.println("miaobu: not signed in to " + credentials.apiUrl() + "; run ./miaobu login, or set MIAOBU_TOKEN.");
                        return 1;
                    }
                    new DeployCommand(new MiaobuApi(credentials.apiUrl(), token.get()), out).run(options);
                    return 0;
                }
                case "login" -> {
                    return login(rest, credentials, in, out, err);
                }
                default -> {
                    err.println(USAGE);
                    return 2;
                }
            }
        } catch (UsageException e) {
            err.println("miaobu: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (ApiException e) {
            err.println("miaobu: " + e.getMessage() + (e.status() == 401 ? " (./miaobu login)" : ""));
            return 1;
        } catch (IOException e) {
            err.println("miaobu: " + e.getMessage());
            return 1;
        }
    }

    private static int login(List<String> args, Credentials credentials, InputStream in, PrintStream out, PrintStream err)
            throws UsageException, ApiException, IOException {
        String email = null;
        boolean register = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--register" -> register = true;
                case "--email" -> {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--email needs an address");
                    }
                    email = args.get(++i);
                }
                default -> throw new UsageException("unexpected argument `" + args.get(i) + "`");
            }
        }
        Console console = System.console();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        if (email == null) {
            out.print("Email: ");
            out.flush();
            email = console != null ? console.readLine() : stdin.readLine();
        }
        String password;
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? null : new String(typed);
        } else {
            password = stdin.readLine(); // piped: `echo "$PASSWORD" | ./miaobu login --email me@example.com`
        }
        if (email == null || email.isBlank() || password == null || password.isEmpty()) {
            throw new UsageException("an email and a password are needed");
        }
        MiaobuApi api = new MiaobuApi(credentials.apiUrl(), null);
        JsonNode answer = api.post(register ? "/api/v1/auth/register" : "/api/v1/auth/login",
                Map.of("email", email.strip(), "password", password));
        var file = credentials.save(answer.get("token").asText());
        out.println((register ? "Registered and signed in" : "Signed in") + " to " + api.base() + " as "
                + answer.path("user").path("email").asText(email.strip()) + "; token saved in " + file);
        return 0;
    }
}
