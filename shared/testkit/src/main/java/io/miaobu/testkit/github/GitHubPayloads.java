package io.miaobu.testkit.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook deliveries as GitHub sends them: the payloads are GitHub's documented shapes (push,
 * pull_request, ping; see {@code src/main/resources/github/}) with the repository, branch and
 * commits of a test filled in, and the headers GitHub adds, signed like GitHub signs them.
 */
public final class GitHubPayloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GitHubPayloads() {}

    /** A repository as webhook payloads name it. */
    public record Repo(long id, String fullName) {
        String name() {
            return fullName.substring(fullName.indexOf('/') + 1);
        }

        String owner() {
            return fullName.substring(0, fullName.indexOf('/'));
        }
    }

    /** One pushed commit and the files it touched. */
    public record Commit(String sha, String message, List<String> added, List<String> modified, List<String> removed) {
        public static Commit modifying(String sha, String message, String... files) {
            return new Commit(sha, message, List.of(), List.of(files), List.of());
        }
    }

    /** A delivery: its event, its id and its exact body bytes. */
    public record Delivery(String event, String id, byte[] body) {
        /** The headers GitHub sends with it, the body signed with {@code secret}. */
        public Map<String, List<String>> headers(String secret) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Content-Type", List.of("application/json"));
            headers.put("User-Agent", List.of("GitHub-Hookshot/5e3e1f2"));
            headers.put("X-GitHub-Event", List.of(event));
            headers.put("X-GitHub-Delivery", List.of(id));
            headers.put("X-GitHub-Hook-ID", List.of("480012345"));
            headers.put("X-GitHub-Hook-Installation-Target-Type", List.of("repository"));
            headers.put("X-Hub-Signature", List.of("sha1=" + hmac("HmacSHA1", secret, body)));
            headers.put("X-Hub-Signature-256", List.of(sign(secret, body)));
            return headers;
        }
    }

    public static Delivery push(Repo repo, String branch, String before, List<Commit> commits) {
        ObjectNode p = template("push.json");
        setRepository((ObjectNode) p.get("repository"), repo, true);
        String after = commits.get(commits.size() - 1).sha();
        p.put("ref", "refs/heads/" + branch);
        p.put("before", before);
        p.put("after", after);
        p.put("created", before.equals("0".repeat(40)));
        p.put("compare", "https://github.com/" + repo.fullName() + "/compare/" + before.substring(0, 12) + "..." + after.substring(0, 12));
        ArrayNode list = p.putArray("commits");
        ObjectNode sample = (ObjectNode) template("push.json").get("head_commit");
        for (Commit c : commits) {
            ObjectNode node = sample.deepCopy();
            node.put("id", c.sha());
            node.put("message", c.message());
            node.put("url", "https://github.com/" + repo.fullName() + "/commit/" + c.sha());
            strings(node.putArray("added"), c.added());
            strings(node.putArray("modified"), c.modified());
            strings(node.putArray("removed"), c.removed());
            list.add(node);
        }
        p.set("head_commit", list.get(list.size() - 1).deepCopy());
        return delivery("push", p);
    }

    /** {@code git push origin --delete branch}: deleted, {@code after} all zeros, no head commit. */
    public static Delivery branchDeleted(Repo repo, String branch, String before) {
        ObjectNode p = template("push.json");
        setRepository((ObjectNode) p.get("repository"), repo, true);
        p.put("ref", "refs/heads/" + branch);
        p.put("before", before);
        p.put("after", "0".repeat(40));
        p.put("created", false);
        p.put("deleted", true);
        p.put("compare", "https://github.com/" + repo.fullName() + "/compare/" + before.substring(0, 12) + "...000000000000");
        p.putArray("commits");
        p.putNull("head_commit");
        return delivery("push", p);
    }

    /** A pull request event; {@code headRepo} is the repository the branch lives in (a fork when it differs). */
    public static Delivery pullRequest(String action, Repo repo, int number, String headRef, String headSha, Repo headRepo) {
        ObjectNode p = template("pull_request.json");
        p.put("action", action);
        p.put("number", number);
        setRepository((ObjectNode) p.get("repository"), repo, false);
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("number", number);
        pr.put("html_url", "https://github.com/" + repo.fullName() + "/pull/" + number);
        pr.put("state", action.equals("closed") ? "closed" : "open");
        ObjectNode head = (ObjectNode) pr.get("head");
        head.put("ref", headRef);
        head.put("sha", headSha);
        head.put("label", headRepo.owner() + ":" + headRef);
        setRepository((ObjectNode) head.get("repo"), headRepo, false);
        ((ObjectNode) head.get("repo")).put("fork", !headRepo.equals(repo));
        setRepository((ObjectNode) ((ObjectNode) pr.get("base")).get("repo"), repo, false);
        return delivery("pull_request", p);
    }

    public static Delivery ping(Repo repo, long hookId) {
        ObjectNode p = template("ping.json");
        p.put("hook_id", hookId);
        ((ObjectNode) p.get("hook")).put("id", hookId);
        setRepository((ObjectNode) p.get("repository"), repo, false);
        return delivery("ping", p);
    }

    /** {@code sha256=} + hex HMAC-SHA256 of the body, as in X-Hub-Signature-256. */
    public static String sign(String secret, byte[] body) {
        return "sha256=" + hmac("HmacSHA256", secret, body);
    }

    private static String hmac(String algorithm, String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setRepository(ObjectNode r, Repo repo, boolean pushStyle) {
        r.put("id", repo.id());
        r.put("name", repo.name());
        r.put("full_name", repo.fullName());
        r.put("html_url", "https://github.com/" + repo.fullName());
        r.put("url", pushStyle ? "https://github.com/" + repo.fullName() : "https://api.github.com/repos/" + repo.fullName());
        r.put("clone_url", "https://github.com/" + repo.fullName() + ".git");
        r.put("git_url", "git://github.com/" + repo.fullName() + ".git");
        r.put("ssh_url", "git@github.com:" + repo.fullName() + ".git");
        ((ObjectNode) r.get("owner")).put("login", repo.owner());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static Delivery delivery(String event, JsonNode payload) {
        try {
            return new Delivery(event, UUID.randomUUID().toString(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode template(String name) {
        try (InputStream in = GitHubPayloads.class.getResourceAsStream("/github/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource github/" + name);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
