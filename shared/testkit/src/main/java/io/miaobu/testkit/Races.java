package io.miaobu.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Conditional writes raced as concurrent callers race them: a double click, two builders, two scheduler ticks. */
public final class Races {
    private static final int RACERS = 8;

    private Races() {}

    /** Runs {@code attempt} on 8 threads released at once; how many of them won. */
    public static int winners(Supplier<Boolean> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                Callable<Boolean> racer = () -> {
                    go.await();
                    return attempt.get();
                };
                results.add(pool.submit(racer));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            return winners;
        } finally {
            pool.shutdownNow();
        }
    }
}
