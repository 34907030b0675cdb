package dev.hearth.media;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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
    WEBM("video/webm", "webm", false),
    /** A document, not an image: only routes that say so take one (OCR), through an accepted set with it. */
    PDF("application/pdf", "pdf", false);

    /** The images every image-taking route accepts; the default accepted set of {@link Inputs}. */
    public static final Set<MediaType> IMAGES = Set.copyOf(EnumSet.of(PNG, JPEG, WEBP, GIF));
    /** What /v1/ocr reads: an image or a PDF. */
    public static final Set<MediaType> IMAGES_AND_PDF = Set.copyOf(EnumSet.of(PNG, JPEG, WEBP, GIF, PDF));

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
        if (startsWith(head, 0, '%', 'P', 'D', 'F', '-')) {
            return Optional.of(PDF);
        }
        return Optional.empty();
    }

    /** The image kind a Content-Type header names (parameters ignored), if it is one we accept. */
    static Optional<MediaType> imageFromContentType(String header) {
        return fromContentType(header, IMAGES);
    }

    /** The kind a Content-Type header names (parameters ignored), if it is one of {@code accepted}. */
    static Optional<MediaType> fromContentType(String header, Set<MediaType> accepted) {
        if (header == null) {
            return Optional.empty();
        }
        String base = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (base.equals("image/jpg")) {
            base = JPEG.contentType; // a common misspelling that browsers and servers still send
        }
        String type = base;
        return accepted.stream().filter(t -> t.contentType.equals(type)).findFirst();
    }

    /** The accepted kinds in words for an error message: "PNG, JPEG, WebP or GIF image" (or "… or a PDF"). */
    static String describe(Set<MediaType> accepted) {
        String images = Arrays.stream(values()).filter(t -> t.image && accepted.contains(t)).map(MediaType::label)
                .collect(Collectors.joining(", "));
        int last = images.lastIndexOf(", ");
        if (last >= 0) {
            images = images.substring(0, last) + " or " + images.substring(last + 2);
        }
        String others = Arrays.stream(values()).filter(t -> !t.image && accepted.contains(t)).map(t -> "a " + t.label())
                .collect(Collectors.joining(" or "));
        if (images.isEmpty()) {
            return others;
        }
        return images + " image" + (others.isEmpty() ? "" : " or " + others);
    }

    /** The accepted Content-Types in words: "image/png, image/jpeg, image/webp or image/gif". */
    static String contentTypes(Set<MediaType> accepted) {
        String all = Arrays.stream(values()).filter(accepted::contains).map(MediaType::contentType)
                .collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
    }

    private String label() {
        return switch (this) {
            case WEBP -> "WebP";
            case GIF, PNG, JPEG, PDF, MP4, WEBM -> name();
        };
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
