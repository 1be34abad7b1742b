package dev.sluice.gateway.internal.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.Arrays;

/**
 * The receive buffer sizing of a default {@link AdaptiveRecvByteBufAllocator}, with a per-channel
 * handle of one 32-byte object where Netty's takes three (112 bytes): a proxied connection holds two
 * channels, and idle connections are counted in bytes.
 *
 * <p>As Netty's with its defaults: each read event reads the socket once (a default
 * {@code AdaptiveRecvByteBufAllocator} reads at most one message per event), into a buffer of the
 * predicted size, 2 KiB to start with, between 64 B and 64 KiB. A read that fills its buffer raises
 * the prediction four steps at once; two in a row that would have fitted one step lower lower it one
 * step. The steps go by 16 B up to 512 B, then double.
 *
 * <p>Thread-safe: share one instance between channels. Each channel gets its own handle, used on the
 * channel's event loop only.
 */
public final class CompactRecvByteBufAllocator implements RecvByteBufAllocator {

    private static final int INDEX_INCREMENT = 4;
    private static final int INDEX_DECREMENT = 1;
    private static final int[] SIZES = sizes();
    private static final int MIN_INDEX = Arrays.binarySearch(SIZES, 64);
    private static final int MAX_INDEX = Arrays.binarySearch(SIZES, 64 * 1024);
    private static final int INITIAL_INDEX = Arrays.binarySearch(SIZES, 2048);

    @Override
    public ExtendedHandle newHandle() {
        return new ReadHandle();
    }

    private static int[] sizes() {
        int[] sizes = new int[64];
        int n = 0;
        for (int size = 16; size < 512; size += 16) {
            sizes[n++] = size;
        }
        for (int size = 512; size > 0; size <<= 1) {
            sizes[n++] = size;
        }
        return Arrays.copyOf(sizes, n);
    }

    private static final class ReadHandle implements ExtendedHandle {
        private int index = INITIAL_INDEX;
        private boolean decreaseNow;
        private int attemptedBytesRead;
        private int lastBytesRead;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return SIZES[index];
        }

        @Override
        public void reset(ChannelConfig config) {
            lastBytesRead = 0;
        }

        @Override
        public void incMessagesRead(int numMessages) {
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes == attemptedBytesRead) {
                record(bytes);
            }
            lastBytesRead = bytes;
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        @Override
        public boolean continueReading() {
            return false;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return false;
        }

        @Override
        public void readComplete() {
            record(Math.max(0, lastBytesRead));
        }

        private void record(int size) {
            if (size <= SIZES[Math.max(0, index - INDEX_DECREMENT)]) {
                if (decreaseNow) {
                    index = Math.max(index - INDEX_DECREMENT, MIN_INDEX);
                    decreaseNow = false;
                } else {
                    decreaseNow = true;
                }
            } else if (size >= SIZES[index]) {
                index = Math.min(index + INDEX_INCREMENT, MAX_INDEX);
                decreaseNow = false;
            }
        }
    }
}
