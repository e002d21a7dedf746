package io.miaobu.build.git;

import io.miaobu.build.BuildCanceled;
import io.miaobu.build.BuildFailure;
import io.miaobu.build.BuildOutput;
import io.miaobu.build.SourceFetcher;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.CanceledException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheCheckout;
import org.eclipse.jgit.errors.AmbiguousObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Clones a Git repository with JGit: https/http URLs (credentials in the URL are used but never
 * shown nor stored), {@code file://} URLs and plain paths to local repositories. SSH URLs are
 * refused with a message (no SSH transport is bundled).
 *
 * <p>A branch head is cloned with depth 1 where the transport allows it; a specific commit is
 * found in the branch's history (then in all branches) and checked out detached.
 *
 * <p>Cancellation: the port carries no cancel signal, so interrupting the calling thread cancels
 * the fetch ({@link BuildCanceled} is thrown; the interrupt flag is left set).
 */
public final class JGitSourceFetcher implements SourceFetcher {
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{4,40}");
    private static final Pattern SCP_LIKE = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.*");
    private static final int MAX_LISTED_BRANCHES = 20;

    private final int timeoutSeconds;

    /** Network operations give up after 2 minutes without progress. */
    public JGitSourceFetcher() {
        this(Duration.ofMinutes(2));
    }

    /** @param networkTimeout how long a network read or connect may stall before the clone fails */
    public JGitSourceFetcher(Duration networkTimeout) {
        this.timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, networkTimeout.toSeconds()));
    }

    @Override
    public FetchedSource fetch(String gitUrl, Credentials given, String branch, String commit, Path into,
                               BuildOutput output) throws BuildFailure, BuildCanceled {
        Objects.requireNonNull(into, "into");
        Objects.requireNonNull(output, "output");
        if (gitUrl == null || gitUrl.isBlank()) {
            throw new BuildFailure("The project has no Git URL. Set the repository URL in the project settings.");
        }
        return new Fetch(gitUrl, given, blankToNull(branch), blankToNull(commit), into, output).run();
    }

    private final class Fetch {
        private final String shownUrl;
        private final String cloneUrl;
        private final CredentialsProvider credentials;
        private final List<String> secrets = new ArrayList<>();
        private final String branch;
        private final String commit;
        private final Path into;
        private final BuildOutput output;
        private final Thread caller = Thread.currentThread();

        Fetch(String gitUrl, Credentials given, String branch, String commit, Path into, BuildOutput output) {
            String normalized = GitUrls.normalize(gitUrl);
            GitUrls.Split split = GitUrls.split(normalized);
            this.cloneUrl = split.url();
            if (given != null) {
                // Explicit credentials (a GitHub token) win over any in the URL, and are masked like them.
                secrets.add(given.password());
                credentials = new UsernamePasswordCredentialsProvider(given.username(), given.password());
            } else if (split.hasCredentials()) {
                secrets.add(split.user());
                if (!split.password().isEmpty()) {
                    secrets.add(split.password());
                }
                credentials = new UsernamePasswordCredentialsProvider(split.user(), split.password());
            } else {
                credentials = null;
            }
            this.shownUrl = mask(gitUrl.strip());
            this.branch = branch == null ? null : stripPrefix(branch, Constants.R_HEADS);
            this.commit = commit;
            this.into = into;
            this.output = output;
        }

        FetchedSource run() throws BuildFailure, BuildCanceled {
            prepareDirectory();
            if (commit != null && !SHA.matcher(commit).matches()) {
                throw new BuildFailure("`" + mask(commit) + "` is not a valid commit SHA. Use the 40-character SHA of the commit to deploy.");
            }
            if (cloneUrl.startsWith("ssh://") || cloneUrl.startsWith("git+ssh://") || SCP_LIKE.matcher(cloneUrl).matches()) {
                throw new BuildFailure("Could not clone " + shownUrl + ": SSH Git URLs are not supported. "
                        + "Use the repository's https:// URL instead.");
            }
            checkCanceled();
            output.system("Cloning " + shownUrl
                    + (branch != null ? " (branch " + branch + ")" : "")
                    + (commit != null ? " at " + abbreviate(commit) : ""));

            Map<String, Ref> remote = lsRemote();
            List<String> branches = remote.keySet().stream()
                    .filter(name -> name.startsWith(Constants.R_HEADS))
                    .map(name -> name.substring(Constants.R_HEADS.length()))
                    .sorted()
                    .toList();
            if (branches.isEmpty()) {
                throw new BuildFailure("Repository " + shownUrl + " is empty. Push a commit to it, then deploy again.");
            }
            if (branch != null && !branches.contains(branch)) {
                throw new BuildFailure("Branch `" + mask(branch) + "` does not exist in " + shownUrl
                        + ". Set the production branch to one of: " + listBranches(branches));
            }
            String target = branch != null ? branch : defaultBranch(remote, branches);
            checkCanceled();

            try (Git git = commit == null ? cloneBranchHead(target) : cloneCommit(target, remote)) {
                stripCredentials(git.getRepository());
                return describeHead(git.getRepository());
            }
        }

        private Git cloneBranchHead(String target) throws BuildFailure, BuildCanceled {
            Git git = cloneWithShallowFallback(target, false);
            try {
                checkCanceled();
                return git;
            } catch (BuildCanceled e) {
                git.close();
                throw e;
            }
        }

        private Git cloneCommit(String target, Map<String, Ref> remote) throws BuildFailure, BuildCanceled {
            Ref tip = remote.get(Constants.R_HEADS + target);
            boolean isTip = tip != null && tip.getObjectId() != null
                    && tip.getObjectId().getName().equalsIgnoreCase(commit);
            Git git = isTip ? cloneWithShallowFallback(target, true) : clone(branch, false, true);
            try {
                ObjectId id = resolveCommit(git.getRepository());
                if (id == null && branch != null) {
                    checkCanceled();
                    output.system("Commit " + abbreviate(commit) + " is not on branch " + branch + "; fetching all branches");
                    fetchAllBranches(git);
                    id = resolveCommit(git.getRepository());
                }
                if (id == null) {
                    throw new BuildFailure("Commit `" + commit + "` does not exist in " + shownUrl
                            + (branch != null ? " (searched all branches, including " + branch + ")" : "")
                            + ". It may have been removed by a force-push; deploy a newer commit instead.");
                }
                checkCanceled();
                checkoutDetached(git.getRepository(), id);
                checkCanceled();
                return git;
            } catch (BuildFailure | BuildCanceled e) {
                git.close();
                throw e;
            } catch (Exception e) {
                git.close();
                throw failure("Could not check out commit " + abbreviate(commit) + " of " + shownUrl, e);
            }
        }

        /** Fills the (never checked out) working tree with {@code id} and detaches HEAD there. */
        private void checkoutDetached(Repository repo, ObjectId id) throws IOException {
            RevCommit target;
            try (RevWalk walk = new RevWalk(repo)) {
                target = walk.parseCommit(id);
            }
            DirCache index = repo.lockDirCache();
            try {
                DirCacheCheckout checkout = new DirCacheCheckout(repo, index, target.getTree());
                checkout.setFailOnConflict(true);
                checkout.setProgressMonitor(new CancelMonitor(caller));
                checkout.checkout();
            } finally {
                index.unlock();
            }
            RefUpdate head = repo.updateRef(Constants.HEAD, true);
            head.setNewObjectId(target);
            head.setRefLogMessage("checkout: moving to " + target.getName(), false);
            RefUpdate.Result result = head.forceUpdate();
            if (result != RefUpdate.Result.FORCED && result != RefUpdate.Result.NEW
                    && result != RefUpdate.Result.NO_CHANGE && result != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("could not detach HEAD at " + target.getName() + ": " + result);
            }
        }

        private Git cloneWithShallowFallback(String target, boolean noCheckout) throws BuildFailure, BuildCanceled {
            try {
                return clone(target, true, noCheckout);
            } catch (BuildFailure shallowFailed) {
                checkCanceled();
                // Some transports and servers cannot serve shallow clones: take the whole history.
                output.system("Shallow clone failed (" + shallowFailed.getMessage() + "); trying a full clone");
                emptyDirectory();
                return clone(target, false, noCheckout);
            }
        }

        /** Clones {@code target} only (or every branch when null). */
        private Git clone(String target, boolean shallow, boolean noCheckout) throws BuildFailure, BuildCanceled {
            CloneCommand clone = Git.cloneRepository()
                    .setURI(cloneUrl)
                    .setDirectory(into.toFile())
                    .setNoCheckout(noCheckout)
                    .setProgressMonitor(new CancelMonitor(caller))
                    .setTimeout(timeoutSeconds)
                    .setCredentialsProvider(credentials);
            if (target != null) {
                clone.setBranch(Constants.R_HEADS + target)
                        .setCloneAllBranches(false)
                        .setBranchesToClone(List.of(Constants.R_HEADS + target));
            } else {
                clone.setCloneAllBranches(true);
            }
            if (shallow) {
                clone.setDepth(1);
            }
            try {
                return clone.call();
            } catch (Exception e) {
                throw failure("Could not clone " + shownUrl, e);
            }
        }

        private void fetchAllBranches(Git git) throws BuildFailure, BuildCanceled {
            try {
                git.fetch()
                        .setRemote(Constants.DEFAULT_REMOTE_NAME)
                        .setRefSpecs(new RefSpec("+refs/heads/*:refs/remotes/origin/*"))
                        .setProgressMonitor(new CancelMonitor(caller))
                        .setTimeout(timeoutSeconds)
                        .setCredentialsProvider(credentials)
                        .call();
            } catch (Exception e) {
                throw failure("Could not fetch the branches of " + shownUrl, e);
            }
        }

        private ObjectId resolveCommit(Repository repo) throws BuildFailure {
            try {
                ObjectId id = repo.resolve(commit + "^{commit}");
                if (id == null) {
                    return null;
                }
                try (RevWalk walk = new RevWalk(repo)) {
                    walk.parseCommit(id);
                }
                return id;
            } catch (AmbiguousObjectException e) {
                throw new BuildFailure("Commit `" + commit + "` is ambiguous in " + shownUrl
                        + ". Use the full 40-character SHA.");
            } catch (MissingObjectException e) {
                return null;
            } catch (IOException | RuntimeException e) {
                // e.g. the abbreviation names a non-commit object
                return null;
            }
        }

        private Map<String, Ref> lsRemote() throws BuildFailure, BuildCanceled {
            try {
                return Git.lsRemoteRepository()
                        .setRemote(cloneUrl)
                        .setTimeout(timeoutSeconds)
                        .setCredentialsProvider(credentials)
                        .callAsMap();
            } catch (Exception e) {
                checkCanceled(e);
                Throwable network = networkCause(e);
                if (network instanceof UnknownHostException) {
                    throw new BuildFailure("Could not clone " + shownUrl + ": the host " + host()
                            + " was not found. Check the Git URL.", masked(e));
                }
                if (network != null) {
                    throw new BuildFailure("Could not clone " + shownUrl + ": could not connect to " + host()
                            + " (" + mask(network.getMessage()) + "). Check the Git URL or try again later.",
                            masked(e));
                }
                if (hasCause(e, NotSupportedException.class) && !cloneUrl.startsWith("file:")) {
                    throw new BuildFailure("Could not clone " + shownUrl
                            + ": this kind of Git URL is not supported. Use the repository's https:// URL.", masked(e));
                }
                throw new BuildFailure("Could not clone " + shownUrl + ": repository not found or not accessible. "
                        + "Check the Git URL and that the repository is public (or connect GitHub).", masked(e));
            }
        }

        private String defaultBranch(Map<String, Ref> remote, List<String> branches) {
            Ref head = remote.get(Constants.HEAD);
            if (head != null && head.isSymbolic() && head.getTarget().getName().startsWith(Constants.R_HEADS)) {
                String name = head.getTarget().getName().substring(Constants.R_HEADS.length());
                if (branches.contains(name)) {
                    return name;
                }
            }
            if (head != null && head.getObjectId() != null) {
                for (String name : branches) {
                    Ref ref = remote.get(Constants.R_HEADS + name);
                    if (head.getObjectId().equals(ref.getObjectId())) {
                        return name;
                    }
                }
            }
            for (String preferred : List.of("main", "master")) {
                if (branches.contains(preferred)) {
                    return preferred;
                }
            }
            return branches.get(0);
        }

        private FetchedSource describeHead(Repository repo) throws BuildFailure {
            try (RevWalk walk = new RevWalk(repo)) {
                ObjectId head = repo.resolve(Constants.HEAD);
                if (head == null) {
                    throw new BuildFailure("Could not clone " + shownUrl + ": nothing was checked out.");
                }
                RevCommit c = walk.parseCommit(head);
                String message = c.getShortMessage();
                String author = c.getAuthorIdent() == null ? "" : c.getAuthorIdent().getName();
                output.system("Checked out " + c.abbreviate(7).name() + " \"" + message + "\"");
                return new FetchedSource(c.getName(), message, author);
            } catch (IOException e) {
                throw new BuildFailure("Could not read the checked-out commit of " + shownUrl, masked(e));
            }
        }

        /** The remote URL is stored without credentials (JGit was never given any in the URL). */
        private void stripCredentials(Repository repo) throws BuildFailure {
            try {
                StoredConfig config = repo.getConfig();
                config.setString("remote", Constants.DEFAULT_REMOTE_NAME, "url", cloneUrl);
                config.save();
            } catch (IOException e) {
                throw new BuildFailure("Could not write the Git configuration of the checkout", masked(e));
            }
        }

        private void prepareDirectory() {
            try {
                Files.createDirectories(into);
                try (Stream<Path> entries = Files.list(into)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("checkout directory is not empty: " + into);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void emptyDirectory() {
            try (Stream<Path> walk = Files.walk(into)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(into)) {
                        Files.deleteIfExists(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private BuildFailure failure(String what, Exception e) throws BuildCanceled {
            checkCanceled(e);
            Throwable network = networkCause(e);
            String reason = network != null ? network.getMessage() : rootMessage(e);
            return new BuildFailure(what + ": " + mask(reason), masked(e));
        }

        private void checkCanceled() throws BuildCanceled {
            if (caller.isInterrupted()) {
                throw new BuildCanceled();
            }
        }

        private void checkCanceled(Throwable e) throws BuildCanceled {
            if (caller.isInterrupted()
                    || hasCause(e, CanceledException.class)
                    || hasCause(e, InterruptedException.class)
                    || hasCause(e, ClosedByInterruptException.class)) {
                throw new BuildCanceled();
            }
        }

        private String host() {
            try {
                String host = URI.create(cloneUrl).getHost();
                return host == null ? shownUrl : host;
            } catch (IllegalArgumentException e) {
                return shownUrl;
            }
        }

        private String mask(String text) {
            String masked = GitUrls.mask(text);
            if (masked == null) {
                return null;
            }
            for (String secret : secrets) {
                if (secret.length() >= 3) {
                    masked = masked.replace(secret, "***");
                }
            }
            return masked;
        }

        /** A stand-in for a JGit exception whose message may contain the credentials. */
        private Exception masked(Throwable e) {
            Exception copy = new GitError(e.getClass().getName() + ": " + mask(String.valueOf(e.getMessage())));
            copy.setStackTrace(e.getStackTrace());
            if (e.getCause() != null && e.getCause() != e) {
                copy.initCause(masked(e.getCause()));
            }
            return copy;
        }
    }

    /** A JGit error, with credentials masked in its message. */
    static final class GitError extends Exception {
        GitError(String message) {
            super(message);
        }
    }

    private static final class CancelMonitor implements ProgressMonitor {
        private final Thread caller;

        CancelMonitor(Thread caller) {
            this.caller = caller;
        }

        @Override public void start(int totalTasks) {}
        @Override public void beginTask(String title, int totalWork) {}
        @Override public void update(int completed) {}
        @Override public void endTask() {}
        @Override public void showDuration(boolean enabled) {}

        @Override
        public boolean isCancelled() {
            return caller.isInterrupted();
        }
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return t;
            }
            if (t instanceof InterruptedIOException && !(t instanceof ClosedByInterruptException)
                    && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
                return t;
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                if (t instanceof NoRemoteRepositoryException) {
                    break;
                }
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static String listBranches(List<String> branches) {
        List<String> ordered = new ArrayList<>(branches);
        for (String preferred : List.of("master", "main")) {
            if (ordered.remove(preferred)) {
                ordered.add(0, preferred);
            }
        }
        if (ordered.size() <= MAX_LISTED_BRANCHES) {
            return String.join(", ", ordered);
        }
        return String.join(", ", ordered.subList(0, MAX_LISTED_BRANCHES))
                + " (and " + (ordered.size() - MAX_LISTED_BRANCHES) + " more)";
    }

    private static String abbreviate(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    private static String stripPrefix(String s, String prefix) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
