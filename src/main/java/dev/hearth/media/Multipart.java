package dev.hearth.media;

import dev.hearth.PayloadTooLargeException;
import dev.hearth.BadRequestException;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.RequestContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * multipart/form-data parsing over a plain InputStream (Helidon 4.5 has no published multipart
 * module). Parts are streamed: fields into strings with a small cap, files to a temp directory
 * with {@link MediaLimits#maxBytes()} enforced while copying, so an oversize upload is a 413
 * without the body ever being held in memory.
 */
public final class Multipart {
    static final int MAX_FIELD_BYTES = 1024 * 1024;
    static final int MAX_PARTS = 64;

    /** A file part on disk. */
    public record Upload(String field, String filename, String contentType, Path path, long size) {}

    /** Parsed form; closing it deletes the temp directory and any upload not moved out of it. */
    public record Form(Map<String, String> fields, Map<String, Upload> files, Path tempDir) implements AutoCloseable {
        public Form {
            fields = Map.copyOf(fields);
            files = Map.copyOf(files);
        }

        @Override
        public void close() {
            try {
                Files2.deleteTree(tempDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final MediaLimits limits;

    Multipart(MediaLimits limits) {
        this.limits = limits;
    }

    Form parse(InputStream body, String contentType, long contentLength) {
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("expected a multipart/form-data body", null);
        }
        // the whole body may hold every part at its cap; beyond that it is too large on its face
        long maxBody = limits.maxBytes() * 4 + MAX_FIELD_BYTES;
        if (contentLength > maxBody) {
            throw new PayloadTooLargeException("the request body is larger than " + maxBody + " bytes", null);
        }
        Path temp;
        try {
            temp = Files.createTempDirectory("hearth-upload-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Upload> files = new LinkedHashMap<>();
        boolean ok = false;
        try {
            Upload0 upload = new Upload0();
            upload.setMaxSize(maxBody);
            upload.setMaxFileSize(limits.maxBytes() + 1); // our own copy below names the field
            upload.setMaxFileCount(MAX_PARTS);
            FileItemInputIterator it = upload.getItemIterator(new Context(body, contentType, contentLength));
            int n = 0;
            int parts = 0;
            while (it.hasNext()) {
                FileItemInput item = it.next();
                // setMaxFileCount above only binds parseRequest(), not this streaming iterator
                if (++parts > MAX_PARTS) {
                    throw new PayloadTooLargeException("the form has more than " + MAX_PARTS
                            + " parts; this server accepts at most " + MAX_PARTS, null);
                }
                String name = item.getFieldName();
                if (name == null) {
                    continue;
                }
                if (item.isFormField()) {
                    String value = readField(name, item);
                    // an array field (OpenAI's timestamp_granularities[]) repeats: its values are joined by commas
                    fields.merge(name, value, (a, b) -> name.endsWith("[]") ? a + "," + b : b);
                } else if (item.getName() != null && !item.getName().isEmpty()) {
                    Path file = temp.resolve("part-" + n++);
                    long size = copyCapped(name, item, file);
                    files.put(name, new Upload(name, item.getName(), item.getContentType(), file, size));
                }
            }
            ok = true;
            return new Form(fields, files, temp);
        } catch (FileUploadSizeException e) {
            throw new PayloadTooLargeException("the upload is larger than this server accepts", null);
        } catch (FileUploadException e) {
            throw new BadRequestException("malformed multipart body: " + e.getMessage(), null);
        } catch (IOException e) {
            if (e.getCause() instanceof FileUploadSizeException) {
                throw new PayloadTooLargeException("the upload is larger than this server accepts", null);
            }
            throw new BadRequestException("could not read the multipart body: " + e.getMessage(), null);
        } finally {
            if (!ok) {
                try {
                    Files2.deleteTree(temp);
                } catch (IOException ignored) {
                    // best effort; the temp directory is under the system's temp
                }
            }
        }
    }

    private static String readField(String name, FileItemInput item) throws IOException {
        try (InputStream in = item.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
            if (bytes.length > MAX_FIELD_BYTES) {
                throw new PayloadTooLargeException(name + ": field is larger than " + MAX_FIELD_BYTES + " bytes", name);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private long copyCapped(String name, FileItemInput item, Path file) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = item.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            for (int r; (r = in.read(buf)) >= 0; ) {
                total += r;
                if (total > limits.maxBytes()) {
                    throw new PayloadTooLargeException(name + ": the file is larger than " + limits.maxBytes() + " bytes", name);
                }
                out.write(buf, 0, r);
            }
        } catch (FileUploadSizeException e) {
            throw new PayloadTooLargeException(name + ": the file is larger than " + limits.maxBytes() + " bytes", name);
        }
        return total;
    }

    /** The core API needs a concrete upload class; we only use its streaming iterator. */
    private static final class Upload0 extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {
        @Override
        public FileItemInputIterator getItemIterator(RequestContext request) throws FileUploadException, IOException {
            return super.getItemIterator(request);
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) throws FileUploadException {
            throw new UnsupportedOperationException("streaming only");
        }

        @Override
        public List<DiskFileItem> parseRequest(RequestContext request) throws FileUploadException {
            throw new UnsupportedOperationException("streaming only");
        }
    }

    private record Context(InputStream in, String contentType, long length) implements RequestContext {
        @Override
        public String getCharacterEncoding() { return StandardCharsets.UTF_8.name(); }

        @Override
        public long getContentLength() { return length; }

        @Override
        public String getContentType() { return contentType; }

        @Override
        public InputStream getInputStream() { return in; }

        @Override
        public boolean isMultipartRelated() { return false; }
    }
}
