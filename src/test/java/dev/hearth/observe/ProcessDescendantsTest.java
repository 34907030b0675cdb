package dev.hearth.observe;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The walk down a process tree, against real children of this JVM and against a /proc made in a temp dir. */
class ProcessDescendantsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path fakeProc;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void endAll() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Starts {@code command}, and returns once it has printed {@code lines} lines (the pids it started). */
    private Process start(int lines, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < lines; i++) {
                    if (out.readLine() == null) throw new IllegalStateException("the child ended before it was ready");
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return p;
    }

    private static Set<Long> pids(List<ProcessHandle> handles) {
        return Set.copyOf(handles.stream().map(ProcessHandle::pid).toList());
    }

    private static Set<Long> jdkPids(Process p) {
        return Set.copyOf(p.descendants().map(ProcessHandle::pid).toList());
    }

    @Test
    void ProcessDescendants_findsGrandchildren_asTheJdksWalkOfTheWholeMachineDoes() throws Exception {
        // a child with two children, one of which has a child of its own
        Process p = start(2, "/bin/sh", "-c",
                "sleep 600 & echo a; /bin/sh -c 'sleep 600 & echo b; wait' & wait");

        Optional<Set<Long>> walked = ProcessDescendants.SYSTEM.pids(p.pid());

        assertThat(walked).as("this kernel lists children (CONFIG_PROC_CHILDREN): the walk, not the fallback")
                .isPresent();
        assertThat(walked.get()).hasSize(3).isEqualTo(jdkPids(p));
        assertThat(pids(ProcessDescendants.SYSTEM.of(p.toHandle()))).isEqualTo(jdkPids(p));
    }

    @Test
    void ProcessDescendants_findsAChildStartedByAnotherThread_whichTheKernelListsUnderThatThread() throws Exception {
        // the child is forked by a second thread of a python3 process, which stays alive, so the
        // kernel lists it under that thread's task, not under the main thread's
        Process p = start(1, "python3", "-c", """
                import subprocess, sys, threading, time
                def spawn():
                    subprocess.Popen(['sleep', '600'])
                    print('spawned', flush=True)
                    time.sleep(600)
                threading.Thread(target=spawn, daemon=True).start()
                time.sleep(600)
                """);
        String mainThreadsChildren = Files.readString(
                Path.of("/proc", Long.toString(p.pid()), "task", Long.toString(p.pid()), "children")).trim();

        assertThat(mainThreadsChildren).as("not the main thread's child").isEmpty();
        assertThat(ProcessDescendants.SYSTEM.pids(p.pid())).contains(jdkPids(p));
        assertThat(jdkPids(p)).hasSize(1);
    }

    @Test
    void ProcessDescendants_ofAProcessThatEnded_isEmpty() throws Exception {
        Process p = new ProcessBuilder("true").start();
        ProcessHandle handle = p.toHandle();
        assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(ProcessDescendants.SYSTEM.of(handle)).isEmpty();
    }

    private void task(long pid, long tid, String children) throws IOException {
        Path dir = Files.createDirectories(fakeProc.resolve(pid + "/task/" + tid));
        if (children != null) Files.writeString(dir.resolve("children"), children);
    }

    @Test
    void ProcessDescendants_readsEveryThreadsChildrenFile_andWalksDown() throws IOException {
        task(100, 100, "101 ");
        task(100, 105, "102 103 ");
        task(101, 101, "");
        task(102, 102, "104 ");
        task(103, 103, "");
        task(104, 104, "");
        task(104, 106, null); // a thread that ended while its directory was listed

        assertThat(new ProcessDescendants(fakeProc).pids(100)).contains(Set.of(101L, 102L, 103L, 104L));
        assertThat(new ProcessDescendants(fakeProc).pids(102)).contains(Set.of(104L));
    }

    @Test
    void ProcessDescendants_stopsAtTheRoot_whenAListingLoopsBackToIt() throws IOException {
        task(100, 100, "101");
        task(101, 101, "100"); // cannot happen in a real /proc; a walk must still end

        assertThat(new ProcessDescendants(fakeProc).pids(100)).contains(Set.of(101L));
    }

    @Test
    void ProcessDescendants_asksTheJdk_whenTheKernelHasNoChildrenFiles() throws Exception {
        Process p = start(1, "/bin/sh", "-c", "sleep 600 & echo a; wait");
        task(p.pid(), p.pid(), null); // a kernel without CONFIG_PROC_CHILDREN: the task, no children file
        var withoutChildrenFiles = new ProcessDescendants(fakeProc);

        assertThat(withoutChildrenFiles.pids(p.pid())).isEmpty();
        assertThat(pids(withoutChildrenFiles.of(p.toHandle()))).hasSize(1).isEqualTo(jdkPids(p));
    }
}
