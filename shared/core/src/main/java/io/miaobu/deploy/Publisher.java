package io.miaobu.deploy;

import io.miaobu.edge.CachePurger;
import io.miaobu.edge.Hosts;
import io.miaobu.edge.RouteConfig;
import io.miaobu.edge.RouteEntry;
import io.miaobu.edge.RouteTable;
import io.miaobu.projects.Project;
import io.miaobu.projects.ProjectStore;
import java.time.Clock;
import java.util.List;

/**
 * Points hostnames at deployments. Promote writes the route first, purges, and only then records
 * the live deployment, so the database never claims a site is live that the edge does not serve.
 * Route writes are idempotent: a promote that failed halfway is repaired by running it again.
 */
public final class Publisher {
    private final RouteTable routes;
    private final CachePurger purger;
    private final ProjectStore projects;
    private final Hosts hosts;
    private final Clock clock;

    public Publisher(RouteTable routes, CachePurger purger, ProjectStore projects, Hosts hosts, Clock clock) {
        this.routes = routes;
        this.purger = purger;
        this.projects = projects;
        this.hosts = hosts;
        this.clock = clock;
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
        routes.put(host, entry(deployment));
        purger.purgeHosts(List.of(host));
        projects.setLiveDeployment(project.id(), deployment.id());
    }

    /** Removes every host of a project that is being deleted. */
    public void unpublishAll(Project project, List<Deployment> deployments) {
        routes.delete(hosts.production(project.slug()));
        for (Deployment d : deployments) {
            routes.delete(hosts.deployment(d.id(), project.slug()));
        }
        purger.purgeHosts(List.of(hosts.production(project.slug())));
    }

    public void unpublishPermanentHost(Project project, Deployment deployment) {
        routes.delete(hosts.deployment(deployment.id(), project.slug()));
    }

    private RouteEntry entry(Deployment deployment) {
        RouteConfig config = deployment.routeConfig() == null ? RouteConfig.DEFAULTS : deployment.routeConfig();
        return new RouteEntry(deployment.id(), deployment.prefix(), config, clock.instant());
    }
}
