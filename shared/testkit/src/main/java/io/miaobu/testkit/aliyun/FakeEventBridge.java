package io.miaobu.testkit.aliyun;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * What EventBridge's MNS source does for the builder's queue trigger: takes visible messages from a
 * {@link FakeMns} queue, posts each as a CloudEvents envelope to the function (its {@code POST /invoke}),
 * deletes the message when the function answered 2xx, and otherwise leaves it to come back after the
 * visibility timeout, to be delivered again.
 */
public final class FakeEventBridge implements AutoCloseable {
    /** One delivery: the message, how often MNS had handed it out, and the function's status. */
    public record Delivery(String messageId, int dequeueCount, int status) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeMns mns;
    private final String queue;
    private final Duration visibility;
    private final ToIntFunction<String> invoke;
    private final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());
    private volatile Thread pump;

    /**
     * @param invoke posts the event body to the function and returns the HTTP status it answered
     */
    public FakeEventBridge(FakeMns mns, String queue, Duration visibility, ToIntFunction<String> invoke) {
        this.mns = mns;
        this.queue = queue;
        this.visibility = visibility;
        this.invoke = invoke;
    }

    /** Delivers every message visible now, one invocation each; returns how many were delivered. */
    public int deliverVisible() {
        int n = 0;
        Optional<FakeMns.Taken> taken;
        while ((taken = mns.take(queue, visibility)).isPresent()) {
            FakeMns.Taken m = taken.get();
            String event;
            try {
                event = JSON.writeValueAsString(MnsEvents.envelope(queue, m.messageId(), m.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int status = invoke.applyAsInt(event);
            deliveries.add(new Delivery(m.messageId(), m.dequeueCount(), status));
            if (status / 100 == 2) {
                mns.delete(queue, m.receipt());
            }
            n++;
        }
        return n;
    }

    /** Keeps delivering in the background, as the trigger does, until closed. */
    public FakeEventBridge start() {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    if (deliverVisible() == 0) {
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
            }
        }, "fake-eventbridge");
        t.setDaemon(true);
        t.start();
        pump = t;
        return this;
    }

    public List<Delivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    @Override
    public void close() {
        Thread t = pump;
        if (t != null) {
            t.interrupt();
        }
    }
}
