package dev.hearth.media;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The media kinds Hearth accepts or produces, recognised by their leading bytes. The magic check
 * is what we trust: a declared Content-Type or file extension is only a claim.
 */
public enum MediaType {
    PNG("image/png", "png", true),
    JPEG("image/jpeg", "jpg", true),
    WEBP("image/webp", "webp", true),
    GIF("image/gif", "gif", true),
    MP4("video/mp4", "mp4", false),
    WEBM("video/webm", "webm", false);

    /** Bytes enough to recognise any of the kinds above. */
    static final int SNIFF_BYTES = 16;

    private final String contentType;
    private final String extension;
    private final boolean image;

    MediaType(String contentType, String extension, boolean image) {
        this.contentType = contentType;
        this.extension = extension;
        this.image = image;
    }

    public String contentType() { return contentType; }

    public String extension() { return extension; }

    public boolean isImage() { return image; }

    /** The kind the leading bytes say, if any. */
    public static Optional<MediaType> sniff(byte[] head) {
        if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(head, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of(GIF);
        }
        if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(WEBP);
        }
        if (startsWith(head, 4, 'f', 't', 'y', 'p')) {
            return Optional.of(MP4);
        }
        if (startsWith(head, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return Optional.of(WEBM);
        }
        return Optional.empty();
    }

    /** The image kind a Content-Type header names (parameters ignored), if it is one we accept. */
    static Optional<MediaType> imageFromContentType(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String base = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (base.equals("image/jpg")) {
            return Optional.of(JPEG); // a common misspelling that browsers and servers still send
        }
        return Arrays.stream(values()).filter(t -> t.image && t.contentType.equals(base)).findFirst();
    }

    /** The kind a file name's extension names, if any. */
    static Optional<MediaType> fromExtension(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (ext.equals("jpeg")) {
            return Optional.of(JPEG);
        }
        return Arrays.stream(values()).filter(t -> t.extension.equals(ext)).findFirst();
    }

    private static boolean startsWith(byte[] head, int offset, int... magic) {
        if (head.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
