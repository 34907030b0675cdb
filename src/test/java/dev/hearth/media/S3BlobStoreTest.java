package dev.hearth.media;

import dev.hearth.Blob;
import dev.hearth.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Job files in a bucket of a real S3-compatible server (S3Proxy in this JVM), through the AWS SDK. */
class S3BlobStoreTest {
    static S3Server s3;

    @TempDir
    Path dir;

    @BeforeAll
    static void server() throws Exception {
        s3 = new S3Server();
        s3.createBucket("jobs");
    }

    @AfterAll
    static void stop() {
        if (s3 != null) s3.close();
    }

    private S3BlobStore store(Path root, String prefix) {
        return new S3BlobStore(root, new S3BlobStore.Location("jobs", prefix, s3.endpoint(), null), S3Server.credentials(),
                S3BlobStore.MULTIPART_ABOVE, S3BlobStore.PART_BYTES).check();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aPublishedOutputIsReadFromAnotherNode_whole_byRange_andGoneWhenTheJobIsRemoved() throws Exception {
        byte[] video = random(300_000, 1);
        try (S3BlobStore a = store(dir.resolve("a"), "house/prod"); S3BlobStore b = store(dir.resolve("b"), "house/prod")) {
            Path file = Files.createDirectories(a.root().resolve("outputs/job1")).resolve("video.mp4");
            Files.write(file, video);
            a.publish(file);
            assertThat(a.key(file)).isEqualTo("outputs/job1/video.mp4");
            assertThat(s3.keys("jobs", "")).containsExactly("house/prod/outputs/job1/video.mp4");
            a.release("job1");
            assertThat(file).doesNotExist();

            // node b: a download streams from the bucket, ranges included
            Blob blob = b.find("outputs/job1/video.mp4").orElseThrow();
            assertThat(blob.size()).isEqualTo(video.length);
            assertThat(blob.location()).isEqualTo("s3://jobs/house/prod/outputs/job1/video.mp4");
            try (InputStream in = blob.open(1000, 24)) {
                assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(video, 1000, 1024));
            }
            assertThat(b.find("outputs/job1/other.mp4")).isEmpty();

            // node b runs a job on it: a local copy, fetched once
            Path local = b.local("outputs/job1/video.mp4");
            assertThat(local).startsWith(b.root());
            assertThat(Files.readAllBytes(local)).isEqualTo(video);
            assertThat(b.bytes("job1")).isEqualTo(video.length);
            assertThat(b.bytes(java.util.List.of("job1", "job9"))).containsEntry("job1", (long) video.length)
                    .containsEntry("job9", 0L).hasSize(2);

            b.remove("job1");
            assertThat(s3.keys("jobs", "house/")).isEmpty();
            assertThat(local).doesNotExist();
            assertThat(a.find("outputs/job1/video.mp4")).isEmpty();
            assertThatThrownBy(() -> a.local("outputs/job1/video.mp4")).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void aFileAboveTheSinglePutLimitGoesUpInParts() throws Exception {
        byte[] big = random(11 << 20, 2);
        try (S3BlobStore a = new S3BlobStore(dir.resolve("a"), new S3BlobStore.Location("jobs", "", s3.endpoint(), null),
                S3Server.credentials(), 5 << 20, 5 << 20).check(); S3BlobStore b = store(dir.resolve("b"), "")) {
            Path file = Files.createDirectories(a.root().resolve("inputs/job2")).resolve("audio.wav");
            Files.write(file, big);
            a.publish(file);
            assertThat(Files.readAllBytes(b.local("inputs/job2/audio.wav"))).isEqualTo(big);
            b.remove("job2");
        }
    }

    @Test
    void aMissingBucket_refusedCredentials_andAnUnreachableServer_stopTheStartWithWhatIsWrong() throws Exception {
        var missing = new S3BlobStore(dir, new S3BlobStore.Location("no-such-bucket", "", s3.endpoint(), null),
                S3Server.credentials(), 1 << 20, 1 << 20);
        assertThatThrownBy(missing::check).hasMessageContaining("s3://no-such-bucket/").hasMessageContaining(
                "there is no such bucket");
        missing.close();

        var wrong = new S3BlobStore(dir, new S3BlobStore.Location("jobs", "", s3.endpoint(), null),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY, "not-the-secret")),
                1 << 20, 1 << 20);
        assertThatThrownBy(wrong::check).hasMessageContaining("credentials were refused")
                .hasMessageNotContaining("not-the-secret");
        wrong.close();

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        var away = new S3BlobStore(dir, new S3BlobStore.Location("jobs", "", URI.create("http://127.0.0.1:" + closed),
                null), S3Server.credentials(), 1 << 20, 1 << 20);
        assertThatThrownBy(away::check).hasMessageContaining("not reachable");
        away.close();
    }
}
