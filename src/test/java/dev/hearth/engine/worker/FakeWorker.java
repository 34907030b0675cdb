package dev.hearth.engine.worker;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A misbehaving worker for the engine's tests, as a real child JVM. The mode says how:
 * {@code stall} (ready, then silent on run), {@code ignore-cancel} (progress, then ignores
 * cancel and goes on sending progress), {@code crash} (a stderr line, then exit 3 mid-job),
 * {@code die-starting} (a stderr line, exit 2 before ready), {@code chatty} (junk lines and
 * unknown message types, then does the job).
 */
public final class FakeWorker {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        System.err.println("fake worker " + mode + ": pid " + ProcessHandle.current().pid());
        if (mode.equals("die-starting")) {
            System.err.println("fake worker: cannot load the model");
            System.exit(2);
        }
        send(new WorkerMessages.Ready(1, List.of("t2v")));
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            var message = WorkerMessages.parseToWorker(line);
            if (message instanceof WorkerMessages.Shutdown) {
                return;
            }
            if (message instanceof WorkerMessages.Run run) {
                System.err.println("fake worker: got job " + run.job());
                switch (mode) {
                    case "stall" -> new CountDownLatch(1).await(); // alive, silent, deaf
                    case "ignore-cancel" -> {
                        for (int i = 1; ; i++) { // the loop a stuck CUDA kernel would not leave either
                            send(new WorkerMessages.Progress(run.job(), 0, "denoise", i, 1_000_000));
                            Thread.onSpinWait();
                            if (i % 50 == 0) {
                                new CountDownLatch(1).await(java.time.Duration.ofMillis(20).toMillis(),
                                        java.util.concurrent.TimeUnit.MILLISECONDS);
                            }
                        }
                    }
                    case "crash" -> {
                        send(new WorkerMessages.Progress(run.job(), 0.1, "denoise", 1, 10));
                        System.err.println("fake worker: CUDA error: an illegal memory access was encountered");
                        System.exit(3);
                    }
                    case "chatty" -> {
                        System.out.println("this is not json");
                        System.out.println("{\"type\":\"telemetry\",\"gpu\":0.9}");
                        System.out.println("{\"type\":\"progress\",\"job\":\"someone-else\",\"progress\":0.5}");
                        send(new WorkerMessages.Progress(run.job(), 1, "denoise", 1, 1));
                        send(new WorkerMessages.Done(run.job()));
                    }
                    default -> throw new IllegalArgumentException(mode);
                }
            }
        }
    }

    private static void send(Record message) {
        System.out.println(WorkerMessages.write(message));
        System.out.flush();
    }

    static List<String> argv(String mode) {
        return List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), FakeWorker.class.getName(), mode);
    }

    static Map<String, String> noEnv() { return Map.of(); }
}
