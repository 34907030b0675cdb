package dev.hearth.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.Pair;
import dev.hearth.engine.llamacpp.GenerationRequest.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns chat messages into the prompt text. llama.cpp applies the GGUF's own
 * {@code tokenizer.chat_template}, and falls back to ChatML itself when the model has none (as
 * stories260K) or one it cannot run; if applying it fails here anyway we format ChatML ourselves.
 */
final class ChatFormatter {
    private final LlamaModel model;

    ChatFormatter(LlamaModel model) {
        this.model = model;
    }

    String format(List<ChatMessage> messages) {
        // java-llama.cpp takes one system text plus user/assistant turns: system and developer
        // messages are joined into the system text, tool results are shown as user turns
        StringBuilder system = new StringBuilder();
        List<Pair<String, String>> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system", "developer" -> system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
                case "assistant" -> turns.add(new Pair<>("assistant", m.content()));
                default -> turns.add(new Pair<>("user", m.content()));
            }
        }
        try {
            return model.applyTemplate(new InferenceParameters("").setMessages(system.toString(), turns));
        } catch (RuntimeException e) {
            System.err.println("chat template failed (" + e.getMessage() + "), using ChatML");
            return chatMl(messages);
        }
    }

    /** {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then the assistant's turn opened. */
    static String chatMl(List<ChatMessage> messages) {
        StringBuilder out = new StringBuilder();
        for (ChatMessage m : messages) {
            out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        return out.append("<|im_start|>assistant\n").toString();
    }
}
