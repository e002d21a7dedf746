package io.miaobu.testkit.aliyun;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.miaobu.aliyun.AliyunCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server speaking MNS's queue protocol for the calls Miaobu makes: SendMessage,
 * ReceiveMessage (with {@code waitseconds}), ChangeMessageVisibility and DeleteMessage, with
 * at-least-once semantics (a received message is invisible for the visibility timeout, then comes
 * back with its DequeueCount raised and a new receipt handle).
 *
 * <p>Every request must be signed as MNS signs them ({@code Authorization: MNS AccessKeyId:Signature},
 * HMAC-SHA1 over method, Content-MD5, Content-Type, Date, the x-mns-* headers and the resource) with
 * the secret of credentials it accepts, carry {@code x-mns-version} and the STS token in
 * {@code security-token}; anything else gets MNS's 403 and lands in {@link #rejected()}.
 */
public final class FakeMns implements AutoCloseable {
    /** One message in a queue. */
    public static final class StoredMessage {
        public final String id;
        public final String body;
        volatile long visibleAt;
        volatile int dequeueCount;
        volatile String receipt;
        final long enqueuedAt;

        StoredMessage(String body, long visibleAt) {
            this.id = HexFormat.of().formatHex(FakeOss.digest("MD5", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))).toUpperCase();
            this.body = body;
            this.visibleAt = visibleAt;
            this.enqueuedAt = System.currentTimeMillis();
        }

        public int dequeueCount() {
            return dequeueCount;
        }
    }

    /** A message taken from a queue by {@link #take}, as EventBridge's MNS source takes them. */
    public record Taken(String queue, String messageId, String body, String receipt, int dequeueCount) {}

    private static final Pattern AUTHORIZATION = Pattern.compile("^MNS ([^:]+):(.+)$");
    private static final String NS = "http://mns.aliyuncs.com/doc/v1";

    static {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final Map<String, AliyunCredentials> accepted = new ConcurrentHashMap<>();
    private final Map<String, List<StoredMessage>> queues = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private volatile long visibilityMillis = 30_000;
    private final Map<String, Long> queueVisibilitySeconds = new ConcurrentHashMap<>();

    private FakeMns(AliyunCredentials credentials) throws IOException {
        accept(credentials);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "fake-mns");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeMns start(AliyunCredentials credentials) throws IOException {
        return new FakeMns(credentials);
    }

    public FakeMns accept(AliyunCredentials credentials) {
        accepted.put(credentials.accessKeyId(), credentials);
        return this;
    }

    public FakeMns revoke(String accessKeyId) {
        accepted.remove(accessKeyId);
        return this;
    }

    /** Creates a queue with this VisibilityTimeout (a message received is hidden for it unless changed). */
    public FakeMns createQueue(String name, java.time.Duration visibility) {
        queues.putIfAbsent(name, Collections.synchronizedList(new ArrayList<>()));
        visibilityMillis = visibility.toMillis();
        queueVisibilitySeconds.put(name, visibility.toSeconds());
        return this;
    }

    /** The account endpoint, as {@code https://{accountId}.mns.{region}.aliyuncs.com} is in production. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Messages still in the queue (visible or not). */
    public List<StoredMessage> messages(String queue) {
        List<StoredMessage> q = queues.getOrDefault(queue, List.of());
        synchronized (q) {
            return List.copyOf(q);
        }
    }

    /** Puts a message as another producer would (e.g. one that is not a build job). */
    public void send(String queue, String body) {
        queue(queue).add(new StoredMessage(body, 0));
    }

    /** The operations received, e.g. {@code SendMessage q}. */
    public List<String> calls() {
        return Collections.unmodifiableList(calls);
    }

    public List<String> rejected() {
        return Collections.unmodifiableList(rejected);
    }

    public void clearRejected() {
        rejected.clear();
    }

    /** Receives a visible message without HTTP, as EventBridge's MNS source does for its push to FC. */
    public Optional<Taken> take(String queue, java.time.Duration visibility) {
        return receive(queue, visibility.toMillis()).map(m -> new Taken(queue, m.id, m.body, m.receipt, m.dequeueCount));
    }

    /** Deletes a message by receipt handle; false when the handle is not the message's current one. */
    public boolean delete(String queue, String receipt) {
        List<StoredMessage> q = queue(queue);
        synchronized (q) {
            return q.removeIf(m -> receipt.equals(m.receipt) && m.visibleAt > System.currentTimeMillis());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private List<StoredMessage> queue(String name) {
        List<StoredMessage> q = queues.get(name);
        if (q == null) {
            throw new IllegalArgumentException("no queue " + name);
        }
        return q;
    }

    private Optional<StoredMessage> receive(String queue, long visibility) {
        List<StoredMessage> q = queue(queue);
        synchronized (q) {
            long now = System.currentTimeMillis();
            for (StoredMessage m : q) {
                if (m.visibleAt <= now) {
                    m.visibleAt = now + visibility;
                    m.dequeueCount++;
                    m.receipt = "rh-" + UUID.randomUUID();
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            String problem = checkSignature(ex, path + (rawQuery == null ? "" : "?" + rawQuery));
            if (problem != null) {
                rejected.add(ex.getRequestMethod() + " " + path + ": " + problem);
                error(ex, 403, problem.startsWith("InvalidAccessKeyId") ? "InvalidAccessKeyId" : "SignatureDoesNotMatch", problem);
                return;
            }
            Matcher attributes = Pattern.compile("^/queues/([^/]+)$").matcher(path);
            if (attributes.matches() && ex.getRequestMethod().equals("GET")) {
                queueAttributes(ex, attributes.group(1));
                return;
            }
            Matcher m = Pattern.compile("^/queues/([^/]+)/messages$").matcher(path);
            if (!m.matches() || !queues.containsKey(m.group(1))) {
                error(ex, 404, "QueueNotExist", "The queue name you provided is not exist.");
                return;
            }
            String queue = m.group(1);
            Map<String, String> query = FakeOss.query(rawQuery);
            switch (ex.getRequestMethod()) {
                case "POST" -> sendMessage(ex, queue, new String(body, StandardCharsets.UTF_8));
                case "GET" -> receiveMessage(ex, queue, query);
                case "PUT" -> changeVisibility(ex, queue, query);
                case "DELETE" -> deleteMessage(ex, queue, query);
                default -> error(ex, 405, "MethodNotAllowed", ex.getRequestMethod());
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            error(ex, 500, "InternalError", e.toString());
        }
    }

    /** GetQueueAttributes ({@code GET /queues/{name}}), as MNS's API reference shows its answer. */
    private void queueAttributes(HttpExchange ex, String queue) throws IOException {
        calls.add("GetQueueAttributes " + queue);
        if (!queues.containsKey(queue)) {
            error(ex, 404, "QueueNotExist", "The queue name you provided is not exist.");
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        send(ex, 200, "<Queue xmlns=\"" + NS + "\"><QueueName>" + queue + "</QueueName><CreateTime>" + now
                + "</CreateTime><LastModifyTime>" + now + "</LastModifyTime><DelaySeconds>0</DelaySeconds>"
                + "<MaximumMessageSize>65536</MaximumMessageSize><MessageRetentionPeriod>345600</MessageRetentionPeriod>"
                + "<VisibilityTimeout>" + queueVisibilitySeconds.get(queue) + "</VisibilityTimeout><PollingWaitSeconds>0</PollingWaitSeconds>"
                + "<ActiveMessages>" + queues.get(queue).size() + "</ActiveMessages><InactiveMessages>0</InactiveMessages>"
                + "<DelayMessages>0</DelayMessages><LoggingEnabled>False</LoggingEnabled></Queue>");
    }

    private void sendMessage(HttpExchange ex, String queue, String xmlBody) throws IOException {
        calls.add("SendMessage " + queue);
        Matcher body = Pattern.compile("<MessageBody>(.*?)</MessageBody>", Pattern.DOTALL).matcher(xmlBody);
        if (!body.find()) {
            error(ex, 400, "InvalidArgument", "The message has no MessageBody.");
            return;
        }
        Matcher delay = Pattern.compile("<DelaySeconds>(\\d+)</DelaySeconds>").matcher(xmlBody);
        long visibleAt = delay.find() ? System.currentTimeMillis() + Long.parseLong(delay.group(1)) * 1000 : 0;
        StoredMessage message = new StoredMessage(FakeOss.unxml(body.group(1)), visibleAt);
        queue(queue).add(message);
        send(ex, 201, "<Message xmlns=\"" + NS + "\"><MessageId>" + message.id + "</MessageId><MessageBodyMD5>"
                + md5(message.body) + "</MessageBodyMD5></Message>");
    }

    private void receiveMessage(HttpExchange ex, String queue, Map<String, String> query) throws IOException {
        calls.add("ReceiveMessage " + queue);
        long waitMillis = Math.min(30, Long.parseLong(query.getOrDefault("waitseconds", "0"))) * 1000;
        long deadline = System.currentTimeMillis() + waitMillis;
        Optional<StoredMessage> found;
        while ((found = receive(queue, visibilityMillis)).isEmpty() && System.currentTimeMillis() < deadline) {
            sleep(100);
        }
        if (found.isEmpty()) {
            error(ex, 404, "MessageNotExist", "Message not exist.");
            return;
        }
        StoredMessage m = found.get();
        send(ex, 200, "<Message xmlns=\"" + NS + "\"><MessageId>" + m.id + "</MessageId><ReceiptHandle>" + m.receipt
                + "</ReceiptHandle><MessageBodyMD5>" + md5(m.body) + "</MessageBodyMD5><MessageBody>" + FakeOss.xml(m.body)
                + "</MessageBody><EnqueueTime>" + m.enqueuedAt + "</EnqueueTime><NextVisibleTime>" + m.visibleAt
                + "</NextVisibleTime><FirstDequeueTime>" + m.enqueuedAt + "</FirstDequeueTime><DequeueCount>" + m.dequeueCount
                + "</DequeueCount><Priority>8</Priority></Message>");
    }

    private void changeVisibility(HttpExchange ex, String queue, Map<String, String> query) throws IOException {
        calls.add("ChangeMessageVisibility " + queue);
        String receipt = query.get("ReceiptHandle");
        int seconds = Integer.parseInt(query.getOrDefault("VisibilityTimeout", "-1"));
        if (seconds < 1 || seconds > 43_200) {
            error(ex, 400, "InvalidArgument", "VisibilityTimeout must be between 1 and 43200 seconds.");
            return;
        }
        List<StoredMessage> q = queue(queue);
        synchronized (q) {
            for (StoredMessage m : q) {
                if (receipt != null && receipt.equals(m.receipt) && m.visibleAt > System.currentTimeMillis()) {
                    m.visibleAt = System.currentTimeMillis() + seconds * 1000L;
                    m.receipt = "rh-" + UUID.randomUUID();
                    send(ex, 200, "<ChangeVisibility xmlns=\"" + NS + "\"><ReceiptHandle>" + m.receipt
                            + "</ReceiptHandle><NextVisibleTime>" + m.visibleAt + "</NextVisibleTime></ChangeVisibility>");
                    return;
                }
            }
        }
        error(ex, 400, "MessageNotExist", "The receipt handle is not the message's current one.");
    }

    private void deleteMessage(HttpExchange ex, String queue, Map<String, String> query) throws IOException {
        calls.add("DeleteMessage " + queue);
        String receipt = query.get("ReceiptHandle");
        if (receipt == null || !delete(queue, receipt)) {
            error(ex, 400, "ReceiptHandleError", "The receipt handle you provided is not valid.");
            return;
        }
        ex.getResponseHeaders().add("x-mns-request-id", UUID.randomUUID().toString());
        ex.sendResponseHeaders(204, -1);
    }

    private String checkSignature(HttpExchange ex, String resource) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        Matcher m = header == null ? null : AUTHORIZATION.matcher(header);
        if (m == null || !m.matches()) {
            return "SignatureDoesNotMatch: no `MNS AccessKeyId:Signature` Authorization header";
        }
        AliyunCredentials c = accepted.get(m.group(1));
        if (c == null) {
            return "InvalidAccessKeyId: the access key " + m.group(1) + " is not accepted";
        }
        if (!c.securityToken().equals(Optional.ofNullable(ex.getRequestHeaders().getFirst("security-token")))) {
            return "SignatureDoesNotMatch: the security-token header does not carry the credentials' STS token";
        }
        if (ex.getRequestHeaders().getFirst("x-mns-version") == null) {
            return "SignatureDoesNotMatch: no x-mns-version header";
        }
        String date = ex.getRequestHeaders().getFirst("Date");
        if (date == null) {
            return "SignatureDoesNotMatch: no Date header";
        }
        TreeMap<String, String> mnsHeaders = new TreeMap<>();
        ex.getRequestHeaders().forEach((name, values) -> {
            if (name.toLowerCase().startsWith("x-mns-")) {
                mnsHeaders.put(name.toLowerCase(), values.get(0));
            }
        });
        StringBuilder toSign = new StringBuilder(ex.getRequestMethod()).append('\n')
                .append(Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-MD5")).orElse("")).append('\n')
                .append(Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("")).append('\n')
                .append(date).append('\n');
        mnsHeaders.forEach((k, v) -> toSign.append(k).append(':').append(v).append('\n'));
        toSign.append(resource);
        String expected = Base64.getEncoder().encodeToString(Hmac.sha1(c.accessKeySecret(), toSign.toString()));
        if (!expected.equals(m.group(2))) {
            return "SignatureDoesNotMatch: expected " + expected + " over " + toSign.toString().replace("\n", "\\n");
        }
        return null;
    }

    private static String md5(String s) {
        return HexFormat.of().formatHex(FakeOss.digest("MD5", s.getBytes(StandardCharsets.UTF_8))).toUpperCase();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "<Error xmlns=\"" + NS + "\"><Code>" + code + "</Code><Message>" + FakeOss.xml(message)
                + "</Message><RequestId>" + UUID.randomUUID() + "</RequestId><HostId>http://mns.fake</HostId></Error>");
    }

    private static void send(HttpExchange ex, int status, String xml) throws IOException {
        byte[] bytes = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
        ex.getResponseHeaders().add("x-mns-request-id", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
