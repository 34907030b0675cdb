package dev.hearth.media;

import dev.hearth.Blob;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Job files in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage, R2…), under an optional
 * prefix. The bucket is the only lasting copy: a job's inputs are uploaded before it is queued, its
 * outputs as the worker produces them, and this node's {@link #root} holds only what a job running
 * here reads and writes ({@link #release}d when it ends). Downloads stream from the bucket, ranges
 * included, through whichever node the client asked.
 *
 * <p>Credentials come from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
 * ~/.aws, an instance role), never from hearth.yaml. Checksums are sent only where S3 requires them,
 * so servers that predate the SDK's newer integrity headers accept the uploads.
 */
public final class S3BlobStore implements BlobStore {
    /** Files above this go up in parts (one PUT takes at most 5 GiB). */
    static final long MULTIPART_ABOVE = 256L << 20;
    static final long PART_BYTES = 64L << 20;

    /** Where the bucket is and how to reach it. */
    public record Location(String bucket, String prefix, URI endpoint, String region) {
        public Location {
            prefix = prefix == null || prefix.isBlank() ? "" : prefix.replaceAll("^/+|/+$", "") + "/";
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
        }
    }

    private final Path root;
    /** Rows written before keys name absolute paths on this node: read where they are. */
    private final DirBlobStore local;
    private final Location where;
    private final S3Client s3;
    private final long multipartAbove;
    private final long partBytes;
    private final ConcurrentHashMap<String, ReentrantLock> fetching = new ConcurrentHashMap<>();

    /** Credentials from the AWS SDK's default chain. */
    public S3BlobStore(Path root, Location where) {
        this(root, where, DefaultCredentialsProvider.builder().build(), MULTIPART_ABOVE, PART_BYTES);
    }

    S3BlobStore(Path root, Location where, AwsCredentialsProvider credentials, long multipartAbove, long partBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.local = new DirBlobStore(this.root);
        this.where = where;
        this.multipartAbove = multipartAbove;
        this.partBytes = partBytes;
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .credentialsProvider(credentials)
                .region(Region.of(where.region() == null ? "us-east-1" : where.region()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (where.endpoint() != null) builder.endpointOverride(where.endpoint()).forcePathStyle(true);
        this.s3 = builder.build();
    }

    /**
     * Checks at start that the bucket is there and these credentials may use it, so a mistake is
     * told once, at start, and not at the first job.
     *
     * @throws IllegalStateException saying what is wrong
     */
    public S3BlobStore check() {
        try {
            s3.headBucket(b -> b.bucket(where.bucket()));
            return this;
        } catch (S3Exception e) {
            String why = switch (e.statusCode()) {
                case 404 -> "there is no such bucket (create it first)";
                case 301, 400 -> "the bucket is in another region (set server.s3_region or AWS_REGION)";
                case 401, 403 -> "the credentials were refused (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                        + " or ~/.aws/credentials)";
                default -> "it answered " + e.statusCode();
            };
            throw new IllegalStateException("server.blob_dir " + where + ": " + why, e);
        } catch (SdkException e) {
            throw new IllegalStateException("server.blob_dir " + where + ": not reachable: " + e.getMessage(), e);
        }
    }

    @Override
    public Path root() { return root; }

    private String object(String key) {
        return where.prefix() + key;
    }

    @Override
    public void publish(Path file) throws IOException {
        String key = key(file);
        if (BlobStore.absolute(key)) throw new IllegalArgumentException("not under " + root + ": " + file);
        long size = Files.size(file);
        try {
            if (size <= multipartAbove) {
                s3.putObject(b -> b.bucket(where.bucket()).key(object(key)).contentLength(size), RequestBody.fromFile(file));
            } else {
                putInParts(file, object(key), size);
            }
        } catch (SdkException e) {
            throw new IOException("uploading " + key + " to " + where + ": " + e.getMessage(), e);
        }
    }

    private void putInParts(Path file, String object, long size) throws IOException {
        String upload = s3.createMultipartUpload(b -> b.bucket(where.bucket()).key(object)).uploadId();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            List<CompletedPart> parts = new ArrayList<>();
            for (long at = 0; at < size; at += partBytes) {
                long length = Math.min(partBytes, size - at);
                int number = parts.size() + 1;
                ch.position(at);
                InputStream in = Channels.newInputStream(ch); // not closed here: it would close the channel
                String etag = s3.uploadPart(b -> b.bucket(where.bucket()).key(object).uploadId(upload)
                        .partNumber(number).contentLength(length), RequestBody.fromInputStream(in, length)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(where.bucket()).key(object).uploadId(upload)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(where.bucket()).key(object).uploadId(upload));
            } catch (SdkException ignored) {
                // the bucket's lifecycle rules clean up what an abort could not
            }
            throw e;
        }
    }

    @Override
    public Path local(String key) throws IOException {
        if (BlobStore.absolute(key)) return local.local(key);
        Path target = root.resolve(key).normalize();
        if (!target.startsWith(root)) throw new NoSuchFileException(key);
        ReentrantLock lock = fetching.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            if (Files.isRegularFile(target)) return target;
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(where.bucket()).key(object(key)))) {
                Files2.writeAtomically(in, target);
            } catch (NoSuchKeyException e) {
                throw new NoSuchFileException(key, null, "not in " + where);
            } catch (SdkException e) {
                throw new IOException("fetching " + key + " from " + where + ": " + e.getMessage(), e);
            }
            return target;
        } finally {
            lock.unlock();
            fetching.remove(key, lock);
        }
    }

    @Override
    public Optional<Blob> find(String key) {
        if (BlobStore.absolute(key)) return local.find(key);
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(where.bucket()).key(object(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw unavailable(e);
        } catch (SdkException e) {
            throw unavailable(e);
        }
        long size = head.contentLength();
        Instant modified = head.lastModified() == null ? Instant.EPOCH : head.lastModified();
        String object = object(key);
        return Optional.of(new Blob() {
            @Override public long size() { return size; }

            @Override public Instant modified() { return modified; }

            @Override public InputStream open(long start, long length) throws IOException {
                if (length == 0) return InputStream.nullInputStream();
                try {
                    return s3.getObject(b -> b.bucket(where.bucket()).key(object)
                            .range("bytes=" + start + "-" + (start + length - 1)));
                } catch (SdkException e) {
                    throw new IOException("reading " + key + " from " + where + ": " + e.getMessage(), e);
                }
            }

            @Override public String location() { return "s3://" + where.bucket() + "/" + object; }
        });
    }

    private BlobStoreException unavailable(SdkException e) {
        return new BlobStoreException("The blob store (" + where.bucket() + ") did not answer; try again in a moment.", e);
    }

    @Override
    public void remove(String jobId) throws IOException {
        Retention.remove(root, jobId);
        try {
            for (S3Object o : objects(jobId)) s3.deleteObject(b -> b.bucket(where.bucket()).key(o.key()));
        } catch (SdkException e) {
            throw new IOException("removing job " + jobId + "'s files from " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long bytes(String jobId) throws IOException {
        try {
            return objects(jobId).stream().mapToLong(S3Object::size).sum();
        } catch (SdkException e) {
            throw new IOException("listing job " + jobId + "'s files in " + where + ": " + e.getMessage(), e);
        }
    }

    /** One listing of the bucket's job files, summed by job: a sweep costs a page per 1,000 files, not a call per job. */
    @Override
    public java.util.Map<String, Long> bytes(java.util.Collection<String> jobIds) throws IOException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        for (String id : jobIds) out.put(id, 0L);
        try {
            for (String dir : List.of("inputs/", "outputs/")) {
                String prefix = where.prefix() + dir;
                for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(where.bucket()).prefix(prefix)).contents()) {
                    String rest = o.key().substring(prefix.length());
                    int slash = rest.indexOf('/');
                    if (slash > 0) out.computeIfPresent(rest.substring(0, slash), (k, v) -> v + o.size());
                }
            }
            return out;
        } catch (SdkException e) {
            throw new IOException("listing the job files in " + where + ": " + e.getMessage(), e);
        }
    }

    private List<S3Object> objects(String jobId) {
        String safe = Files2.safeName(jobId);
        List<S3Object> all = new ArrayList<>();
        for (String dir : List.of("inputs/", "outputs/")) {
            String prefix = where.prefix() + dir + safe + "/";
            s3.listObjectsV2Paginator(b -> b.bucket(where.bucket()).prefix(prefix)).contents().forEach(all::add);
        }
        return all;
    }

    @Override
    public void release(String jobId) {
        try {
            Retention.remove(root, jobId);
        } catch (IOException e) {
            System.getLogger("hearth.media").log(System.Logger.Level.WARNING, "scratch of job " + jobId + ": " + e);
        }
    }

    @Override
    public String describe() { return where.toString(); }

    @Override
    public void close() {
        s3.close();
    }
}
