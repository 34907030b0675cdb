/**
 * The {@code llamacpp} engine: Hearth's own OpenAI-compatible server for one GGUF model, run in a
 * child JVM that the process engine starts with {@link dev.hearth.engine.llamacpp.LlamaCppCommand}
 * and stops by ending it.
 *
 * <ul>
 * <li>Concurrency: one generation at a time, behind a fair lock ({@code Generator}); others wait
 *     their turn. llama.cpp's single slot then holds one request's context and nothing else.</li>
 * <li>Stop sequences are matched here, not in llama.cpp, so that {@code finish_reason} and the
 *     held-back text across tokens are under our control; a matched stop cancels the generation.</li>
 * <li>A client that goes away mid-stream is noticed at the next write; the generation is cancelled
 *     and the engine log says {@code client disconnected after N tokens; generation cancelled}.</li>
 * <li>Extension: {@code "ignore_eos": true} (as llama-server) keeps generating past end-of-text,
 *     for benchmarks.</li>
 * <li>Logs: our lines start with {@code [hearth-llamacpp]}; llama.cpp writes its own lines from a
 *     background thread, so the two may interleave out of order.</li>
 * </ul>
 */
package dev.hearth.engine.llamacpp;
