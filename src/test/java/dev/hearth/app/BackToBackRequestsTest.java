package dev.hearth.app;

import dev.hearth.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client whose next request follows the end of its last one at once, on another connection (an SDK's
 * pool; an agent's tool calls), against a model that serves one request at a time and queues none:
 * the model's lease goes back before the client hears the answer's end, so the next request never
 * meets the last one's lease and is never refused for it.
 */
class BackToBackRequestsTest {
    private static final Pattern LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aClientsNextRequest_sentTheMomentItsLastEnded_onAnotherConnection_isServed_notRefusedForTheLastOne()
            throws IOException {
        try (TestHearth h = new TestHearth(dir, "", """
                stories:
                  engine: llamacpp
                  path: %s
                  max_concurrency: 1
                  max_queue: 0
                """.formatted(TestModels.stories260K()));
             Socket a = new Socket("127.0.0.1", h.hearth.baseUri().getPort());
             Socket b = new Socket("127.0.0.1", h.hearth.baseUri().getPort())) {
            a.setTcpNoDelay(true);
            b.setTcpNoDelay(true);
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                boolean stream = i % 3 != 2; // streams, and some whole answers
                int status = exchange(i % 2 == 0 ? a : b, TestHearth.chat("stories",
                        "\"max_tokens\":2,\"stream\":" + stream));
                statuses.merge(status, 1, Integer::sum);
            }
            assertThat(statuses).as("statuses of 300 back-to-back requests").containsOnlyKeys(200);
        }
    }

    /** One request on a kept-alive connection: its status, once the whole answer has been read. */
    private static int exchange(Socket socket, String body) throws IOException {
        RawHttp.postChat(socket, body);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String head = RawHttp.head(in);
        Matcher length = LENGTH.matcher(head);
        if (length.find()) {
            in.readFully(new byte[Integer.parseInt(length.group(1))]);
        } else {
            RawHttp.chunks(in);
        }
        return Integer.parseInt(head.substring(9, 12));
    }
}
