package dev.hearth;

import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A real S3-compatible server in the test JVM: S3Proxy (Maven Central) speaking the S3 protocol,
 * signatures checked, over a blob store of its own on local disk, on a free port of 127.0.0.1.
 * Not a fake of Hearth's side: Hearth's code talks to it through the AWS SDK as it would to AWS.
 */
public final class S3Server implements AutoCloseable {
    public static final String ACCESS_KEY = "hearth-test-access";
    public static final String SECRET_KEY = "hearth-test-secret-0123456789";

    private final S3ProxyJunitCore proxy;
    private final S3Client client;

    public S3Server() throws Exception {
        proxy = new S3ProxyJunitCore.Builder().withCredentials(ACCESS_KEY, SECRET_KEY).build();
        proxy.beforeEach();
        client = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(credentials()).region(Region.US_EAST_1)
                .endpointOverride(endpoint()).forcePathStyle(true).build();
    }

    public URI endpoint() {
        return proxy.getUri();
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** The environment a child Hearth reads the credentials from (the AWS SDK's own variables). */
    public static Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    public S3Client client() { return client; }

    public void createBucket(String name) {
        client.createBucket(b -> b.bucket(name));
    }

    /** Every key in the bucket under {@code prefix}. */
    public List<String> keys(String bucket, String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    @Override
    public void close() {
        client.close();
        proxy.afterEach();
    }
}
