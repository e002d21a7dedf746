package io.miaobu.mns;

import com.aliyun.mns.client.CloudQueue;
import com.aliyun.mns.client.MNSClient;
import com.aliyun.mns.client.MNSClientBuilder;
import com.aliyun.mns.common.ClientException;
import com.aliyun.mns.common.ServiceException;
import com.aliyun.mns.common.ServiceHandlingRequiredException;
import com.aliyun.mns.common.http.ClientConfiguration;
import com.aliyun.mns.model.Message;
import com.aliyuncs.auth.AlibabaCloudCredentials;
import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.BasicSessionCredentials;
import io.miaobu.aliyun.AliyunCredentials;
import io.miaobu.aliyun.RamActions;
import io.miaobu.config.AliyunSettings;
import io.miaobu.deploy.BuildJob;
import io.miaobu.deploy.JobQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build queue on an MNS queue (aliyun-sdk-mns 2.x). A job is the message
 * {@code {"deploymentId": "..."}}, base64-encoded as the SDK sends by default (EventBridge's MNS
 * source decodes it when {@code IsBase64Decode} is on; the builder reads either form).
 *
 * <p>In production the builder is triggered by EventBridge, which receives and deletes messages for
 * it; {@link #receive} and {@link #delete} serve a builder that polls instead. The queue's own
 * VisibilityTimeout must be longer than a build may run (docs/operators.md: the queue is created with it);
 * {@link #receive} additionally sets the visibility asked for on each message it takes.
 *
 * <p>Credentials come from the supplier for every request (STS credentials rotate). A message that
 * is not a build job can never become one: it is deleted when received, never handed out again.
 */
public final class MnsJobQueue implements JobQueue, AutoCloseable {
    /** What the functions' role must allow on the queue (MNS "API authorization mapping": one action per API). */
    public static final RamActions RAM_ACTIONS = RamActions.rpc("MNS job queue", "mns",
            "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility");

    private static final Logger LOG = LoggerFactory.getLogger(MnsJobQueue.class);
    /** MNS's bounds for a message's visibility timeout, in seconds. */
    private static final long MIN_VISIBILITY = 1;
    private static final long MAX_VISIBILITY = 43_200;

    private final Supplier<MNSClient> clients;
    private volatile MNSClient client;
    private volatile CloudQueue queue;
    private final String name;

    /**
     * @param accountEndpoint {@code https://{accountId}.mns.{region}.aliyuncs.com}
     */
    /** The MNS queue when MIAOBU_MNS_QUEUE is set; empty otherwise (the PostgreSQL table serves then). */
    public static Optional<JobQueue> from(AliyunSettings aliyun, Supplier<AliyunCredentials> credentials) {
        return aliyun.mnsQueue().map(queue -> {
            LOG.info("build jobs on MNS queue {} at {}", queue, aliyun.mnsEndpointOrDefault().orElseThrow());
            return new MnsJobQueue(aliyun.mnsEndpointOrDefault().orElseThrow(), aliyun.region().orElseThrow(), queue, credentials);
        });
    }

    public MnsJobQueue(String accountEndpoint, String region, String queueName, Supplier<AliyunCredentials> credentials) {
        this.name = Objects.requireNonNull(queueName, "queueName");
        ClientConfiguration config = new ClientConfiguration();
        config.setMaxConnections(16);
        config.setMaxConnectionsPerRoute(16);
        // Made on first use (it starts I/O threads): a function that sends no job pays nothing for it at cold start.
        this.clients = () -> MNSClientBuilder.create()
                .accountEndpoint(accountEndpoint)
                .region(region)
                .credentialsProvider(new PerRequestCredentials(credentials))
                .clientConfiguration(config)
                .build();
    }

    private CloudQueue queue() {
        CloudQueue q = queue;
        if (q == null) {
            synchronized (this) {
                q = queue;
                if (q == null) {
                    client = clients.get();
                    q = queue = client.getQueueRef(name);
                }
            }
        }
        return q;
    }

    @Override
    public void send(BuildJob job) {
        Message message = new Message();
        message.setMessageBody(body(job)); // base64, the SDK's default body type
        try {
            queue().putMessage(message);
        } catch (ServiceException | ClientException e) {
            throw new IllegalStateException("could not send the build job for " + job.deploymentId() + " to MNS queue "
                    + name + ": " + describe(e), e);
        }
    }

    static String body(BuildJob job) {
        return job.toMessage();
    }

    @Override
    public Optional<ReceivedJob> receive(Duration visibilityTimeout) {
        if (visibilityTimeout == null || visibilityTimeout.isNegative()) {
            throw new IllegalArgumentException("visibility timeout must be zero or positive: " + visibilityTimeout);
        }
        try {
            while (true) {
                Message message = queue().popMessage(0);
                if (message == null) {
                    return Optional.empty();
                }
                Optional<String> deploymentId = deploymentId(message);
                if (deploymentId.isEmpty()) {
                    // Unreadable now means unreadable forever: redelivering it would only loop.
                    LOG.error("deleting MNS message {} of queue {}: it is not a build job", message.getMessageId(), name);
                    queue().deleteMessage(message.getReceiptHandle());
                    continue;
                }
                long seconds = Math.max(MIN_VISIBILITY, Math.min(MAX_VISIBILITY, visibilityTimeout.toSeconds()));
                String receipt = queue().changeMessageVisibilityTimeout(message.getReceiptHandle(), (int) seconds);
                return Optional.of(new ReceivedJob(new BuildJob(deploymentId.get()), receipt, message.getDequeueCount()));
            }
        } catch (ServiceException | ClientException | ServiceHandlingRequiredException e) {
            throw new IllegalStateException("could not receive from MNS queue " + name + ": " + describe(e), e);
        }
    }

    /** Deleting a message that is already gone, or with a receipt that expired, is a no-op as in the PostgreSQL queue. */
    @Override
    public void delete(ReceivedJob job) {
        try {
            queue().deleteMessage(job.receipt());
        } catch (ServiceException | ClientException | ServiceHandlingRequiredException e) {
            String code = errorCode(e);
            if ("ReceiptHandleError".equals(code) || "MessageNotExist".equals(code)) {
                return;
            }
            throw new IllegalStateException("could not delete a message from MNS queue " + name + ": " + describe(e), e);
        }
    }

    /** The MNS error code of a failure (the SDK sometimes wraps the service's answer in a client exception). */
    private static String errorCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ServiceException s && s.getErrorCode() != null) {
                return s.getErrorCode();
            }
            if (t instanceof ServiceHandlingRequiredException s) {
                return s.getErrorCode();
            }
        }
        return null;
    }

    /** The deployment id of a build job message (base64 or raw JSON), or empty when it is not one. */
    static Optional<String> deploymentId(Message message) {
        for (String text : new String[] {safe(message::getMessageBodyAsString), safe(message::getMessageBodyAsRawString)}) {
            if (text == null) {
                continue;
            }
            Optional<BuildJob> job = BuildJob.fromMessage(text);
            if (job.isPresent()) {
                return Optional.of(job.get().deploymentId());
            }
        }
        return Optional.empty();
    }

    private static String safe(Supplier<String> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describe(Exception e) {
        String code = errorCode(e);
        return (code == null ? "" : code + ": ") + e.getMessage();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }

    /** Asks the supplier for every request the SDK signs: STS credentials rotate between invocations. */
    private record PerRequestCredentials(Supplier<AliyunCredentials> supplier) implements AlibabaCloudCredentialsProvider {
        @Override
        public AlibabaCloudCredentials getCredentials() {
            AliyunCredentials c = supplier.get();
            return c.securityToken().<AlibabaCloudCredentials>map(t -> new BasicSessionCredentials(c.accessKeyId(), c.accessKeySecret(), t))
                    .orElseGet(() -> new BasicCredentials(c.accessKeyId(), c.accessKeySecret()));
        }
    }
}
