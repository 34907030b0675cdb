package dev.hearth.media;

import java.nio.file.Path;

/** An input image kept with its job under {@code data/inputs/<job>/}. */
public record StoredInput(String field, Path path, String contentType, long size) {}
