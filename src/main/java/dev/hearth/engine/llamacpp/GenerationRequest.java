package dev.hearth.engine.llamacpp;

import java.util.List;

/**
 * One validated OpenAI request, chat or completion, as the generator needs it.
 *
 * @param messages    chat only (empty for completions)
 * @param prompt      completion only (null for chat)
 * @param maxTokens   null = until end of text or the context is full
 * @param temperature null = llama.cpp's default, as llama-server does
 * @param ignoreEos   llama-server's extension: keep generating past end-of-text (benchmarks)
 */
record GenerationRequest(
        boolean chat,
        List<ChatMessage> messages,
        String prompt,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Long seed,
        List<String> stop,
        boolean stream,
        boolean includeUsage,
        boolean ignoreEos) {

    record ChatMessage(String role, String content) {}
}
