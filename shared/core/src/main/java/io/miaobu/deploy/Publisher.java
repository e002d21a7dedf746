package io.miaobu.deploy;

import io.miaobu.edge.CachePurger;
import io.miaobu.edge.Hosts;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteTable;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points hostnames at deployments. Promote writes the route first and only then records the live
 * deployment, so the database never claims a site is live that the edge does not serve. Route
 * writes are idempotent: a promote that failed halfway is repaired by running it again. Cache
 * purges come last and never fail a change: the route entry is what serves, and a purge that did
 * not happen costs at most stale cached copies until they expire, where failing would leave the
 * database behind a route that already moved.
 */
public final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    private final RouteTable routes;
    private final CachePurger purger;
    private final ProjectStore projects;
    private final Hosts hosts;
    private final Clock clock;
    private final CustomHosts customHosts;

    /** A project's custom domains that are ACTIVE: they follow its live deployment like its own host. */
    @FunctionalInterface
    public interface CustomHosts {
        List<String> active(String projectId);

        CustomHosts NONE = projectId -> List.of();
    }

    public Publisher(RouteTable routes, CachePurger purger, ProjectStore projects, Hosts hosts, Clock clock) {
        this(routes, purger, projects, hosts, clock, CustomHosts.NONE);
    }

    public Publisher(RouteTable routes, CachePurger purger, ProjectStore projects, Hosts hosts, Clock clock,
                     CustomHosts customHosts) {
        this.customHosts = customHosts;
        this.routes = routes;
        this.purger = purger;
        this.projects = projects;
        this.hosts = hosts;
        this.clock = clock;
    }

    /**
     * The deployment's file list ({@code paths} relative to its prefix), for the edge to decide from
     * without asking storage; written once its files are stored, before any host points at it.
     */
    public void publishFiles(Deployment deployment, Collection<String> paths) {
        routes.putManifest(deployment.id(), paths);
    }

    /** The deployment's files are being deleted: the edge's list of them goes too. */
    public void unpublishFiles(Deployment deployment) {
        routes.deleteManifest(deployment.id());
    }

    /** The deployment's own permanent host, written when it becomes READY. */
    public void publishPermanentHost(Project project, Deployment deployment) {
        routes.put(hosts.deployment(deployment.id(), project.slug()), entry(deployment));
    }

    public void promote(Project project, Deployment deployment) {
        if (deployment.status() != DeploymentStatus.READY) {
            throw new IllegalStateException("only READY deployments go live, " + deployment.id() + " is " + deployment.status());
        }
        String host = hosts.production(project.slug());
        RouteEntry entry = entry(deployment);
        routes.put(host, entry);
        List<String> purged = new ArrayList<>(List.of(host));
        for (String custom : customHosts.active(project.id())) {
            routes.put(custom, entry);
            purged.add(custom);
        }
        projects.setLiveDeployment(project.id(), deployment.id());
        purge(purged);
    }

    /** Removes every host of a project that is being deleted, and its deployments' file lists (their functions: {@link io.miaobu.dynamic.FunctionCleanup}). */
    public void unpublishAll(Project project, List<Deployment> deployments) {
        routes.delete(hosts.production(project.slug()));
        Set<String> branchHosts = new LinkedHashSet<>();
        for (Deployment d : deployments) {
            routes.delete(hosts.deployment(d.id(), project.slug()));
            routes.deleteManifest(d.id());
            if (d.branch() != null) {
                branchHosts.add(hosts.branch(d.branch(), project.slug()));
            }
        }
        branchHosts.forEach(routes::delete);
        List<String> purged = new ArrayList<>(List.of(hosts.production(project.slug())));
        purged.addAll(branchHosts);
        for (String custom : customHosts.active(project.id())) {
            routes.delete(custom);
            purged.add(custom);
        }
        purge(purged);
    }

    /**
     * Points the branch host at the branch's newest READY deployment ({@code newestReady}, read by
     * the caller just before), or removes it when there is none.
     */
    public void pointBranchHost(Project project, String branch, Optional<Deployment> newestReady) {
        String host = hosts.branch(branch, project.slug());
        if (newestReady.isPresent()) {
            routes.put(host, entry(newestReady.get()));
        } else {
            routes.delete(host);
        }
        purge(List.of(host));
    }

    /** The branch was deleted: its preview host goes (its deployments keep their own hosts). */
    public void removeBranchHost(Project project, String branch) {
        pointBranchHost(project, branch, Optional.empty());
    }

    /** A custom domain became ACTIVE: it serves what the project's own host serves (nothing yet, if nothing is live). */
    public void publishCustomHost(Project project, String hostname) {
        Optional<RouteEntry> live = routes.get(hosts.production(project.slug()));
        if (live.isPresent()) {
            routes.put(hostname, live.get());
            purge(List.of(hostname));
        }
    }

    public void unpublishCustomHost(String hostname) {
        routes.delete(hostname);
        purge(List.of(hostname));
    }

    public void unpublishPermanentHost(Project project, Deployment deployment) {
        routes.delete(hosts.deployment(deployment.id(), project.slug()));
    }

    private void purge(List<String> hosts) {
        try {
            purger.purgeHosts(hosts);
        } catch (RuntimeException e) {
            LOG.warn("cache purge of {} failed; the routes are updated, cached copies expire on their own", hosts, e);
        }
    }

    private RouteEntry entry(Deployment deployment) {
        RouteConfig config = deployment.routeConfig() == null ? RouteConfig.DEFAULTS : deployment.routeConfig();
        return new RouteEntry(deployment.id(), deployment.prefix(), config, clock.instant(), deployment.backends());
    }
}
