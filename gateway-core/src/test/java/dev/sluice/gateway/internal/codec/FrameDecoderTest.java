package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {

    private static final int MAX = 1_000;
    private static final int MAX_BEFORE_AUTH = 100;

    private EmbeddedChannel channel;
    private FrameDecoder decoder;

    @AfterEach
    void releaseEverything() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private void open(FrameLimits limits, boolean requests) {
        decoder = new FrameDecoder(limits, requests, "client");
        channel = new EmbeddedChannel(decoder);
    }

    private void openRequests() {
        open(FrameLimits.unauthenticated(MAX), true);
    }

    private void openAuthenticating() {
        open(new FrameLimits(MAX, MAX_BEFORE_AUTH, true), true);
    }

    /** A request frame whose body (everything after the size prefix) is {@code bodySize} bytes. */
    private static byte[] request(ApiKeys key, int correlationId, int bodySize) {
        byte[] frame = new byte[4 + bodySize];
        ByteBuf buf = Unpooled.wrappedBuffer(frame).writerIndex(0);
        buf.writeInt(bodySize).writeShort(key.id).writeShort(0).writeInt(correlationId);
        for (int i = buf.writerIndex(); i < frame.length; i++) {
            frame[i] = (byte) (correlationId * 31 + i);
        }
        return frame;
    }

    private static byte[] concat(List<byte[]> parts) {
        int length = parts.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static byte[] sizeOnly(int declared) {
        return new byte[] {(byte) (declared >>> 24), (byte) (declared >>> 16), (byte) (declared >>> 8), (byte) declared};
    }

    private void write(byte[] bytes) {
        channel.writeInbound(KafkaWire.ALLOC.buffer(bytes.length).writeBytes(bytes));
    }

    private List<byte[]> readAll() {
        List<byte[]> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            try {
                frames.add(KafkaWire.bytes(frame));
            } finally {
                frame.release();
            }
        }
        return frames;
    }

    private void assertRejected(byte[] bytes, String message) {
        assertThatThrownBy(() -> write(bytes))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(CorruptFrameException.class)
                .hasMessageContaining(message);
    }

    @Test
    void framesSplitAcrossManySmallReadsAreReassembledExactly() {
        openRequests();
        List<byte[]> sent = List.of(request(ApiKeys.METADATA, 1, 8), request(ApiKeys.FETCH, 2, 700),
                request(ApiKeys.PRODUCE, 3, MAX), request(ApiKeys.API_VERSIONS, 4, 8));
        byte[] stream = concat(sent);
        Random random = new Random(7);
        for (int at = 0; at < stream.length; ) {
            int chunk = Math.min(stream.length - at, 1 + random.nextInt(13));
            byte[] part = new byte[chunk];
            System.arraycopy(stream, at, part, 0, chunk);
            write(part);
            at += chunk;
        }
        assertThat(readAll()).containsExactlyElementsOf(sent);
    }

    @Test
    void framesArrivingOneByteAtATimeAreReassembledExactly() {
        openRequests();
        byte[] frame = request(ApiKeys.FETCH, 9, 40);
        for (byte b : frame) {
            assertThat(channel.inboundMessages()).isEmpty();
            write(new byte[] {b});
        }
        assertThat(readAll()).containsExactly(frame);
    }

    @Test
    void manyFramesInOneReadAreEmittedAsSlicesSharingTheReadBuffer() {
        openRequests();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(request(ApiKeys.PRODUCE, i, 8 + i * 3));
        }
        byte[] stream = concat(sent);
        ByteBuf read = KafkaWire.ALLOC.buffer(stream.length).writeBytes(stream);
        read.retain(); // keep it alive to prove the frames share its memory
        try {
            channel.writeInbound(read);
            List<ByteBuf> frames = new ArrayList<>();
            ByteBuf frame;
            while ((frame = channel.readInbound()) != null) {
                frames.add(frame);
            }
            try {
                assertThat(frames).hasSize(sent.size());
                int offset = 0;
                for (int i = 0; i < frames.size(); i++) {
                    ByteBuf emitted = frames.get(i);
                    assertThat(KafkaWire.bytes(emitted)).isEqualTo(sent.get(i));
                    assertThat(emitted.unwrap()).as("a derived buffer, not a copy").isNotNull();
                    // Same memory: a change in the read buffer shows through the emitted frame.
                    int last = offset + sent.get(i).length - 1;
                    read.setByte(last, ~read.getByte(last));
                    assertThat(emitted.getByte(emitted.readerIndex() + sent.get(i).length - 1))
                            .isEqualTo(read.getByte(last));
                    offset += sent.get(i).length;
                }
            } finally {
                frames.forEach(ByteBuf::release);
            }
        } finally {
            read.release();
        }
    }

    @Test
    void aTruncatedFrameWaitsForTheRestWithoutFailing() {
        openRequests();
        byte[] frame = request(ApiKeys.METADATA, 5, 300);
        byte[] head = new byte[299];
        System.arraycopy(frame, 0, head, 0, head.length);
        write(head);
        assertThat(channel.inboundMessages()).isEmpty();
        byte[] tail = new byte[frame.length - head.length];
        System.arraycopy(frame, head.length, tail, 0, tail.length);
        write(tail);
        assertThat(readAll()).containsExactly(frame);
    }

    @Test
    void aPartialSizePrefixWaits() {
        openRequests();
        write(new byte[] {0, 0, 0});
        assertThat(channel.inboundMessages()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, 7})
    void requestSizesBelowTheSmallestHeaderAreRejected(int declared) {
        openRequests();
        assertRejected(sizeOnly(declared), "declared size " + declared);
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 3})
    void responseSizesBelowACorrelationIdAreRejected(int declared) {
        open(FrameLimits.unauthenticated(MAX), false);
        assertRejected(sizeOnly(declared), "declared size " + declared);
    }

    @Test
    void theSmallestResponseFrameIsAccepted() {
        open(FrameLimits.unauthenticated(MAX), false);
        byte[] frame = {0, 0, 0, 4, 0, 0, 0, 42};
        write(frame);
        assertThat(readAll()).containsExactly(frame);
    }

    @Test
    void theSmallestRequestFrameIsAccepted() {
        openRequests();
        byte[] frame = request(ApiKeys.METADATA, 1, 8);
        write(frame);
        assertThat(readAll()).containsExactly(frame);
    }

    @ParameterizedTest
    @ValueSource(ints = {MAX + 1, Integer.MAX_VALUE})
    void anOversizedFrameIsRejectedAsSoonAsItsSizeIsRead(int declared) {
        openRequests();
        assertRejected(sizeOnly(declared), "over the limit of " + MAX);
    }

    @Test
    void aFrameOfExactlyTheLimitIsAccepted() {
        openRequests();
        byte[] frame = request(ApiKeys.PRODUCE, 1, MAX);
        write(frame);
        assertThat(readAll()).containsExactly(frame);
    }

    @Test
    void framesBeforeACorruptOneInTheSameReadAreStillDelivered() {
        openRequests();
        byte[] good = request(ApiKeys.METADATA, 1, 20);
        assertThatThrownBy(() -> write(concat(List.of(good, sizeOnly(-1)))))
                .isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(CorruptFrameException.class);
        assertThat(readAll()).containsExactly(good);
    }

    @ParameterizedTest
    @ValueSource(ints = {-5, 0, 7, MAX + 1})
    void nothingIsEmittedAfterACorruptFrame(int declared) {
        openRequests();
        assertThatThrownBy(() -> write(sizeOnly(declared))).isInstanceOf(DecoderException.class);
        write(request(ApiKeys.METADATA, 2, 20));
        write(concat(List.of(request(ApiKeys.METADATA, 3, 20), request(ApiKeys.METADATA, 4, 20))));
        assertThat(readAll()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theLowerLimitAppliesBeforeAuthentication() {
        openAuthenticating();
        assertThat(decoder.authenticated()).isFalse();
        assertRejected(request(ApiKeys.METADATA, 1, MAX_BEFORE_AUTH + 1), "before authentication");
    }

    @Test
    void aFrameOfExactlyThePreAuthenticationLimitIsAccepted() {
        openAuthenticating();
        byte[] frame = request(ApiKeys.SASL_AUTHENTICATE, 1, MAX_BEFORE_AUTH);
        write(frame);
        assertThat(readAll()).containsExactly(frame);
        assertThat(decoder.authenticated()).isFalse();
    }

    @Test
    void oversizedPreAuthenticationFrameIsRejectedFromItsSizeAlone() {
        openAuthenticating();
        assertRejected(sizeOnly(MAX_BEFORE_AUTH + 1), "over the limit of " + MAX_BEFORE_AUTH);
    }

    @Test
    void otherRequestsDoNotLiftTheLimitWithoutASuccessfulSaslStep() {
        openAuthenticating();
        write(request(ApiKeys.API_VERSIONS, 1, 20));
        write(request(ApiKeys.SASL_HANDSHAKE, 2, 20));
        write(request(ApiKeys.METADATA, 3, 20));
        assertThat(readAll()).hasSize(3);
        assertThat(decoder.authenticated()).isFalse();
        assertRejected(request(ApiKeys.METADATA, 4, MAX_BEFORE_AUTH + 1), "before authentication");
    }

    @Test
    void anotherSaslAuthenticateRoundAfterASuccessfulStepKeepsTheLowerLimit() {
        openAuthenticating();
        decoder.saslStepSucceeded();
        write(request(ApiKeys.SASL_AUTHENTICATE, 1, MAX_BEFORE_AUTH));
        assertThat(readAll()).hasSize(1);
        assertThat(decoder.authenticated()).isFalse();
        assertRejected(request(ApiKeys.SASL_AUTHENTICATE, 2, MAX_BEFORE_AUTH + 1), "before authentication");
    }

    @Test
    void aSuccessfulSaslStepFollowedByAnotherRequestLiftsTheLimit() {
        openAuthenticating();
        write(request(ApiKeys.SASL_AUTHENTICATE, 1, 50));
        decoder.saslStepSucceeded();
        write(request(ApiKeys.SASL_AUTHENTICATE, 2, 50)); // a further round (SCRAM): still limited
        decoder.saslStepSucceeded();
        assertThat(decoder.authenticated()).isFalse();
        byte[] big = request(ApiKeys.PRODUCE, 3, MAX);
        write(big);
        assertThat(decoder.authenticated()).isTrue();
        assertThat(readAll()).hasSize(3).last().isEqualTo(big);
        assertRejected(sizeOnly(MAX + 1), "over the limit of " + MAX + " bytes");
    }

    @Test
    void theLimitDecisionWaitsForTheApiKeyAfterASuccessfulStep() {
        openAuthenticating();
        decoder.saslStepSucceeded();
        byte[] big = request(ApiKeys.METADATA, 1, MAX_BEFORE_AUTH + 50);
        write(new byte[] {big[0], big[1], big[2], big[3], big[4]});
        assertThat(decoder.authenticated()).isFalse();
        byte[] rest = new byte[big.length - 5];
        System.arraycopy(big, 5, rest, 0, rest.length);
        write(rest);
        assertThat(decoder.authenticated()).isTrue();
        assertThat(readAll()).containsExactly(big);
    }

    @Test
    void aSaslStepReportedAfterAuthenticationChangesNothing() {
        openAuthenticating();
        decoder.saslStepSucceeded();
        write(request(ApiKeys.METADATA, 1, 20));
        decoder.saslStepSucceeded(); // re-authentication (KIP-368) must not lower the limit again
        byte[] big = request(ApiKeys.PRODUCE, 2, MAX);
        write(big);
        assertThat(readAll()).hasSize(2).last().isEqualTo(big);
    }

    @Test
    void connectionsThatDoNotAuthenticateUseTheFullLimitFromTheStart() {
        open(new FrameLimits(MAX, MAX_BEFORE_AUTH, false), true);
        assertThat(decoder.authenticated()).isTrue();
        byte[] big = request(ApiKeys.PRODUCE, 1, MAX);
        write(big);
        assertThat(readAll()).containsExactly(big);
    }

    @Test
    void limitsRejectInconsistentSettings() {
        assertThatThrownBy(() -> new FrameLimits(11, 11, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 11");
        assertThatThrownBy(() -> new FrameLimits(100, 101, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 101");
    }
}
