package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactRecvByteBufAllocatorTest {

    @Test
    void sizesEveryReadAsADefaultAdaptiveAllocatorDoes() {
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            ChannelConfig config = channel.config();
            RecvByteBufAllocator.Handle netty = new AdaptiveRecvByteBufAllocator().newHandle();
            RecvByteBufAllocator.Handle compact = new CompactRecvByteBufAllocator().newHandle();
            Random random = new Random(42);
            for (int event = 0; event < 100_000; event++) {
                int available = switch (random.nextInt(5)) {
                    case 0 -> -1;
                    case 1 -> random.nextInt(100);
                    case 2 -> random.nextInt(4096);
                    case 3 -> random.nextInt(200_000);
                    default -> 1 << random.nextInt(18);
                };
                boolean failed = random.nextInt(50) == 0;
                assertThat(readEvent(compact, config, available, failed))
                        .as("read event %d", event)
                        .isEqualTo(readEvent(netty, config, available, failed));
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** One read event as a NIO byte channel runs it; returns the sizes it asked for, in order. */
    private static String readEvent(RecvByteBufAllocator.Handle handle, ChannelConfig config, int available,
            boolean failed) {
        StringBuilder guesses = new StringBuilder();
        handle.reset(config);
        if (!failed) {
            do {
                int guess = handle.guess();
                guesses.append(guess).append(' ');
                handle.attemptedBytesRead(guess);
                int read = available < 0 ? -1 : Math.min(available, guess);
                handle.lastBytesRead(read);
                if (read <= 0) {
                    break;
                }
                available -= read;
                handle.incMessagesRead(1);
            } while (handle.continueReading());
        }
        handle.readComplete();
        return guesses.toString();
    }
}
