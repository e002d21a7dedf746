package io.miaobu.testkit.memory;

import io.miaobu.auth.UserStore;
import io.miaobu.deploy.BuildLogStore;
import io.miaobu.deploy.DeployHookStore;
import io.miaobu.deploy.DeploymentFileStore;
import io.miaobu.deploy.DeploymentStore;
import io.miaobu.domains.AcmeChallenges;
import io.miaobu.domains.CertificateStore;
import io.miaobu.domains.DomainStore;
import io.miaobu.deploy.JobQueue;
import io.miaobu.edge.RouteTable;
import io.miaobu.envvars.EnvVarStore;
import io.miaobu.github.GitHubStore;
import io.miaobu.limits.RateLimitStore;
import io.miaobu.projects.ProjectStore;
import io.miaobu.store.ArtifactStore;
import io.miaobu.testkit.ArtifactStoreContract;
import io.miaobu.testkit.AcmeChallengesContract;
import io.miaobu.testkit.BuildLogStoreContract;
import io.miaobu.testkit.CertificateStoreContract;
import io.miaobu.testkit.DeployHookStoreContract;
import io.miaobu.testkit.DeploymentFileStoreContract;
import io.miaobu.testkit.DeploymentStoreContract;
import io.miaobu.testkit.DomainStoreContract;
import io.miaobu.testkit.EnvVarStoreContract;
import io.miaobu.testkit.GitHubStoreContract;
import io.miaobu.testkit.JobQueueContract;
import io.miaobu.testkit.ProjectStoreContract;
import io.miaobu.testkit.RateLimitStoreContract;
import io.miaobu.testkit.RouteTableContract;
import io.miaobu.testkit.StoreFixtures;
import io.miaobu.testkit.TestClock;
import io.miaobu.testkit.UserStoreContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;

/** The in-memory adapters pass the same contracts as PostgreSQL, MNS, ESA, OSS, CAS, disk, the route files and the local edge's directories. */
class InMemoryStoresContractTest {
    @Nested
    class Projects extends ProjectStoreContract {
        final InMemoryProjectStore store = new InMemoryProjectStore();

        @Override
        protected ProjectStore projects() {
            return store;
        }

        @Override
        protected String newOwnerId() {
            return StoreFixtures.id("usr");
        }

        @Override
        protected String newDeploymentOf(String projectId) {
            return StoreFixtures.id("dpl");
        }
    }

    @Nested
    class Deployments extends DeploymentStoreContract {
        final InMemoryDeploymentStore store = new InMemoryDeploymentStore();

        @Override
        protected DeploymentStore deployments() {
            return store;
        }

        @Override
        protected String newProjectId() {
            return StoreFixtures.id("prj");
        }
    }

    @Nested
    class EnvVars extends EnvVarStoreContract {
        final InMemoryEnvVarStore store = new InMemoryEnvVarStore();

        @Override
        protected EnvVarStore envVars() {
            return store;
        }

        @Override
        protected String newProjectId() {
            return StoreFixtures.id("prj");
        }
    }

    /** Visibility timeouts pass on a TestClock: the contract's waits take no time. */
    @Nested
    class Jobs extends JobQueueContract {
        final TestClock clock = TestClock.startingNow();
        final InMemoryJobQueue queue = new InMemoryJobQueue(clock);

        @Override
        protected void letTimePass(Duration duration) {
            clock.advance(duration);
        }

        @Override
        protected JobQueue queue() {
            return queue;
        }

        @Override
        protected String newDeploymentId() {
            return StoreFixtures.id("dpl");
        }
    }

    @Nested
    class Artifacts extends ArtifactStoreContract {
        final InMemoryArtifactStore store = new InMemoryArtifactStore();

        @Override
        protected ArtifactStore store() {
            return store;
        }
    }

    @Nested
    class Users extends UserStoreContract {
        final InMemoryUserStore store = new InMemoryUserStore();

        @Override
        protected UserStore users() {
            return store;
        }
    }

    @Nested
    class RateLimits extends RateLimitStoreContract {
        final InMemoryRateLimitStore store = new InMemoryRateLimitStore();

        @Override
        protected RateLimitStore rateLimits() {
            return store;
        }
    }

    @Nested
    class Routes extends RouteTableContract {
        final InMemoryRouteTable table = new InMemoryRouteTable();

        @Override
        protected RouteTable table() {
            return table;
        }
    }

    @Nested
    class Logs extends BuildLogStoreContract {
        final InMemoryBuildLogStore store = new InMemoryBuildLogStore();

        @Override
        protected BuildLogStore logs() {
            return store;
        }

        @Override
        protected String newDeploymentId() {
            return StoreFixtures.id("dpl");
        }
    }

    @Nested
    class DeployHooks extends DeployHookStoreContract {
        final InMemoryDeployHookStore store = new InMemoryDeployHookStore();

        @Override
        protected DeployHookStore hooks() {
            return store;
        }

        @Override
        protected String newProjectId() {
            return StoreFixtures.id("prj");
        }
    }

    @Nested
    class Files extends DeploymentFileStoreContract {
        final InMemoryDeploymentFileStore store = new InMemoryDeploymentFileStore();

        @Override
        protected DeploymentFileStore files() {
            return store;
        }

        @Override
        protected String newProjectId() {
            return StoreFixtures.id("prj");
        }

        @Override
        protected String newDeploymentOf(String projectId) {
            return StoreFixtures.id("dpl");
        }
    }

    @Nested
    class GitHub extends GitHubStoreContract {
        final InMemoryGitHubStore store = new InMemoryGitHubStore();

        @Override
        protected GitHubStore github() {
            return store;
        }

        @Override
        protected String newUserId() {
            return StoreFixtures.id("usr");
        }

        @Override
        protected String newProjectId() {
            return StoreFixtures.id("prj");
        }
    }

    @Nested
    class Domains extends DomainStoreContract {
        final InMemoryDomainStore store = new InMemoryDomainStore();

        @Override
        protected DomainStore domains() {
            return store;
        }

        @Override
        protected String newProjectId() {
            return StoreFixtures.id("prj");
        }
    }

    @Nested
    class Certificates extends CertificateStoreContract {
        final InMemoryCertificateStore store = new InMemoryCertificateStore();

        @Override
        protected CertificateStore certificates() {
            return store;
        }
    }

    @Nested
    class Challenges extends AcmeChallengesContract {
        final InMemoryAcmeChallenges challenges = new InMemoryAcmeChallenges();

        @Override
        protected AcmeChallenges challenges() {
            return challenges;
        }

        @Override
        protected Optional<String> served(String token) {
            return challenges.served(token);
        }
    }
}
