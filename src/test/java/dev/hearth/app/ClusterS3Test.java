package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.S3Server;
import dev.hearth.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Hearth processes on one PostgreSQL with their job files in an S3-compatible bucket (S3Proxy,
 * a real S3 server, in this JVM) and no directory in common: a job's input image given to A reaches
 * B through the bucket, B's video downloads from A (whole and by range), neither node keeps a copy
 * once the job is done, and deleting the job empties the bucket of it. Skipped locally without
 * HEARTH_TEST_PG_URL, failed in CI.
 */
class ClusterS3Test {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static String schema;
    static S3Server s3;
    static HearthProcess a;
    static HearthProcess b;

    @BeforeAll
    static void twoNodesOnABucket() throws Exception {
        TestPostgres.url("S3 cluster test");
        schema = TestPostgres.createSchema("s3");
        s3 = new S3Server();
        s3.createBucket("house");
        a = start("node-a");
        b = start("node-b");
        for (HearthProcess n : new HearthProcess[] {a, b}) await().atMost(WAIT).until(() -> ClusterTest.alive(n).size() == 2);
    }

    private static HearthProcess start(String name) throws Exception {
        String db = TestPostgres.withSchema(schema);
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  database: "%s"
                  node_id: %s
                  blob_dir: s3://house/jobs
                  s3_endpoint: %s
                models:
                  testsrc:
                    engine: testsrc
                    defaults: { size: 160x96, fps: 8, seconds: 1 }
                """.formatted(dir.resolve("data-" + name), db, name, s3.endpoint()));
        return new HearthProcess(config, dir.resolve(name + ".log"), S3Server.env());
    }

    @AfterAll
    static void stop() throws Exception {
        for (HearthProcess n : new HearthProcess[] {a, b}) if (n != null) n.close();
        if (s3 != null) s3.close();
        TestPostgres.dropSchema(schema);
    }

    @Test
    void anInputGivenToA_reachesBThroughTheBucket_andBsVideoDownloadsFromA_wholeAndByRange() throws Exception {
        assertThat(ClusterTest.send(b.base, "POST", "/api/models/testsrc/load", null).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> ClusterTest.alive(a).stream().anyMatch(x -> x.path("id").asText()
                .equals("node-b") && x.path("loaded").toString().contains("\"testsrc\"")));

        Jobs onA = new Jobs(a.base);
        String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(DialectSupport.png());
        String id = onA.submit("{\"model\":\"testsrc\",\"task\":\"i2v\",\"prompt\":\"from the bucket\","
                + "\"image\":\"" + png + "\"}").path("id").asText();
        // stored in the bucket before it was queued; A kept no copy
        assertThat(s3.keys("house", "jobs/inputs/" + id + "/")).hasSize(1);
        assertThat(dir.resolve("data-node-a/inputs/" + id)).doesNotExist();

        JsonNode done = onA.await(id, WAIT, Jobs::terminal);
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        // it ran on B, where testsrc is loaded: A never loaded it
        assertThat(ClusterTest.json(ClusterTest.send(a.base, "GET", "/api/models/testsrc", null)).path("state").asText())
                .isIn("unloaded", "UNLOADED");
        assertThat(s3.keys("house", "jobs/outputs/" + id + "/")).containsExactly("jobs/outputs/" + id + "/thumbnail.jpg",
                "jobs/outputs/" + id + "/video.mp4");
        // B fetched the image, drew on it, and let its copies go
        await().atMost(WAIT).until(() -> !Files.exists(dir.resolve("data-node-b/outputs/" + id))
                && !Files.exists(dir.resolve("data-node-b/inputs/" + id)));

        HttpResponse<byte[]> whole = onA.http.send(HttpRequest.newBuilder(a.base.resolve("/v1/jobs/" + id
                + "/outputs/video.mp4")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        DialectSupport.assertMp4(whole.body(), dir, 160, 96);
        HttpResponse<byte[]> part = onA.http.send(HttpRequest.newBuilder(a.base.resolve("/v1/jobs/" + id
                + "/outputs/video.mp4")).header("Range", "bytes=100-199").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + whole.body().length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 100, 200));
        assertThat(dir.resolve("data-node-a/outputs/" + id)).doesNotExist();

        // deleting the job on A removes its files from the bucket
        HttpResponse<String> deleted = ClusterTest.send(a.base, "DELETE", "/v1/videos/" + id, null);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(s3.keys("house", "jobs/")).noneMatch(k -> k.contains(id));
    }

    @Test
    void aNodeWhoseBucketIsMissing_refusesToStart_sayingSo() throws Exception {
        Path config = dir.resolve("no-bucket.yaml");
        Files.writeString(config, """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  database: "%s"
                  blob_dir: s3://no-such-bucket
                  s3_endpoint: %s
                models: {}
                """.formatted(dir.resolve("data-c"), TestPostgres.withSchema(schema), s3.endpoint()));
        HearthProcess.Finished r = HearthProcess.run(dir.resolve("no-bucket.log"), Map.copyOf(S3Server.env()), "serve",
                "--config", config.toString());
        assertThat(r.code()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("s3://no-such-bucket/").contains("there is no such bucket")
                .doesNotContain(S3Server.SECRET_KEY).doesNotContain("\tat ");
    }
}
