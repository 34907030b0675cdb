/**
 * Media for video jobs: client images in, result files out.
 *
 * <ul>
 * <li>{@link dev.hearth.media.Inputs}: an image as URL ({@link dev.hearth.media.UrlFetcher}, SSRF
 *     checks in {@link dev.hearth.media.AddressPolicy}), data URI, base64, allow-listed local path
 *     or multipart upload ({@link dev.hearth.media.Multipart}), validated by magic bytes and stored
 *     at {@code data/inputs/<job>/<field>.<ext>}. Bad input is a 400 naming the field, too large a 413.</li>
 * <li>{@link dev.hearth.media.Outputs}: results moved atomically into {@code data/outputs/<job>/}
 *     with size and sha256; a first-frame thumbnail by ffmpeg.</li>
 * <li>{@link dev.hearth.gateway.RangeSender}: downloads with HTTP Range, ETag and HEAD.</li>
 * <li>{@link dev.hearth.media.Retention}: which finished jobs to delete by age and disk cap.</li>
 * </ul>
 */
package dev.hearth.media;
