package dev.hearth.jobs;

/** A file a job produced, stored under {@code data/outputs/<job>/}; {@code name} is unique per job. */
public record JobOutput(String name, String path, String contentType, long size, String sha256) {}
