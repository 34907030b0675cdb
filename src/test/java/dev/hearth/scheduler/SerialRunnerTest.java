package dev.hearth.scheduler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SerialRunnerTest {
    private final SerialRunner runner = new SerialRunner("test-runner");

    @AfterEach
    void close() {
        runner.close(Duration.ofSeconds(10));
    }

    @Test
    void eventsFromManyThreads_runOneAtATime_eachThreadsInOrder_noneLost() throws Exception {
        int threads = 8, each = 2_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        int[] count = {0}; // plain int: only safe if the runner really runs one event at a time
        List<List<Integer>> seen = new ArrayList<>();
        for (int t = 0; t < threads; t++) seen.add(new ArrayList<>());
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            posters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    runner.post(() -> {
                        mostAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        count[0]++;
                        seen.get(me).add(n);
                        inside.decrementAndGet();
                    });
                }
            }));
        }
        for (Thread p : posters) p.join(TimeUnit.SECONDS.toMillis(30));

        await().atMost(Duration.ofSeconds(30)).until(() -> runnerRan(() -> count[0]) == threads * each);
        assertThat(mostAtOnce.get()).isEqualTo(1);
        for (List<Integer> s : seen) {
            assertThat(runnerRan(() -> s.size())).isEqualTo(each);
            assertThat(s).isSorted();
        }
    }

    @Test
    void anEventPostedWhileNoneRuns_runsOnThePostingThread_beforePostReturns() {
        List<Thread> ranOn = new CopyOnWriteArrayList<>();

        runner.post(() -> ranOn.add(Thread.currentThread()));

        assertThat(ranOn).containsExactly(Thread.currentThread());
    }

    @Test
    void anEventThatPostsAnother_finishesFirst() {
        List<String> order = new CopyOnWriteArrayList<>();

        runner.post(() -> {
            order.add("outer starts");
            runner.post(() -> order.add("inner"));
            order.add("outer ends");
        });

        assertThat(order).containsExactly("outer starts", "outer ends", "inner");
    }

    @Test
    void aThreadRunningOthersEvents_passesTheRestOn_afterItsShare() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ranByFirst = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        Thread first = Thread.ofPlatform().start(() -> runner.post(() -> {
            holding.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> release.getCount() == 0);
        }));
        holding.await(10, TimeUnit.SECONDS);
        int others = SerialRunner.SHARE * 3;
        for (int i = 0; i < others; i++) {
            runner.post(() -> {
                ran.incrementAndGet();
                if (Thread.currentThread() == first) ranByFirst.incrementAndGet();
            });
        }
        assertThat(ran).as("queued behind the running event").hasValue(0);

        release.countDown();
        first.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(first.isAlive()).as("the first poster got back to its own work").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == others);
        assertThat(ranByFirst.get()).isLessThan(SerialRunner.SHARE);
    }

    @Test
    void close_runsWhatWasPosted_andRefusesMore() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Thread.ofPlatform().start(() -> runner.post(() -> {
            holding.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> release.getCount() == 0);
        }));
        holding.await(10, TimeUnit.SECONDS);
        runner.post(ran::incrementAndGet);
        Thread closing = Thread.ofPlatform().start(() -> runner.close(Duration.ofSeconds(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !runner.post(() -> { }));

        release.countDown();
        closing.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(runner.isTerminated()).isTrue();
        assertThat(ran).hasValue(1);
    }

    /** Reads what events wrote, as an event, so the read happens after them. */
    private int runnerRan(java.util.function.IntSupplier read) {
        int[] value = new int[1];
        CountDownLatch done = new CountDownLatch(1);
        runner.post(() -> {
            value[0] = read.getAsInt();
            done.countDown();
        });
        try {
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return value[0];
    }
}
