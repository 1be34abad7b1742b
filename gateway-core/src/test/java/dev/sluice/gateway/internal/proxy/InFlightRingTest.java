package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.internal.codec.KafkaWire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class InFlightRingTest {

    private final InFlightRing ring = new InFlightRing(4);

    private static ByteBuf response(int marker) {
        return KafkaWire.ALLOC.buffer(4).writeInt(marker);
    }

    /** Delivers everything ready at the head, as the session does, returning the markers. */
    private List<Integer> drain() {
        List<Integer> delivered = new ArrayList<>();
        Object ready;
        while ((ready = ring.pollReady()) != null) {
            ByteBuf buf = (ByteBuf) ready;
            delivered.add(buf.getInt(0));
            buf.release();
        }
        return delivered;
    }

    private long add(int id) {
        return ring.addUpstream(1_000 + id, id, ApiKeys.FETCH.id, (short) 17);
    }

    @Test
    void anEmptyRingHasNothingToMatchOrDeliver() {
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.nextAwaiting()).isEqualTo(-1);
        assertThat(ring.pollReady()).isNull();
    }

    @Test
    void slotsRememberTheirIdsKeyAndVersion() {
        long seq = ring.addUpstream(7, 70, ApiKeys.METADATA.id, (short) 12);
        assertThat(ring.upstreamId(seq)).isEqualTo(7);
        assertThat(ring.downstreamId(seq)).isEqualTo(70);
        assertThat(ring.apiKey(seq)).isEqualTo(ApiKeys.METADATA.id);
        assertThat(ring.apiVersion(seq)).isEqualTo((short) 12);
        assertThat(ring.nextAwaiting()).isEqualTo(seq);
        assertThat(ring.isHead(seq)).isTrue();
    }

    @Test
    void responsesAreDeliveredInRequestOrderWhateverOrderTheyFinishIn() {
        long first = add(1);
        long second = add(2);
        long third = add(3);
        // First is processed asynchronously; second and third answer at once.
        assertThat(ring.nextAwaiting()).isEqualTo(first);
        ring.markPending(first);
        assertThat(ring.nextAwaiting()).isEqualTo(second);
        ring.markReady(second, response(2));
        assertThat(ring.nextAwaiting()).isEqualTo(third);
        ring.markReady(third, response(3));
        assertThat(ring.nextAwaiting()).isEqualTo(-1);
        assertThat(drain()).as("nothing overtakes the pending head").isEmpty();
        assertThat(ring.size()).isEqualTo(3);

        ring.markReady(first, response(1));
        assertThat(drain()).containsExactly(1, 2, 3);
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void aResponseTheGatewayMakesItselfWaitsBehindEarlierRequests() {
        long first = add(1);
        ring.addReady(2, ApiKeys.API_VERSIONS.id, (short) 4, response(2));
        long third = add(3);
        assertThat(drain()).isEmpty();
        assertThat(ring.nextAwaiting()).isEqualTo(first);
        ring.markReady(first, response(1));
        assertThat(ring.nextAwaiting()).as("the gateway's own answer awaits nothing upstream").isEqualTo(third);
        assertThat(drain()).containsExactly(1, 2);
        ring.markReady(third, response(3));
        assertThat(drain()).containsExactly(3);
    }

    @Test
    void theHeadDeliveredDirectlyIsRemovedWithoutBeingStored() {
        long first = add(1);
        long second = add(2);
        assertThat(ring.isHead(first)).isTrue();
        ring.removeHead(first);
        assertThat(ring.isHead(second)).isTrue();
        assertThat(ring.nextAwaiting()).isEqualTo(second);
        assertThat(ring.size()).isEqualTo(1);
    }

    @Test
    void theRingGrowsBeyondItsInitialCapacityAcrossTheWrapPointKeepingOrder() {
        // Move head and tail so that the live slots wrap around the end of the arrays.
        for (int i = 0; i < 6; i++) {
            long seq = add(i);
            ring.removeHead(seq);
        }
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            seqs.add(add(100 + i));
        }
        assertThat(ring.size()).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            long seq = seqs.get(i);
            assertThat(ring.upstreamId(seq)).isEqualTo(1_100 + i);
            assertThat(ring.downstreamId(seq)).isEqualTo(100 + i);
        }
        // Complete back to front: nothing is delivered until the head completes, then all in order.
        for (int i = 39; i >= 1; i--) {
            ring.markReady(seqs.get(i), response(100 + i));
        }
        assertThat(drain()).isEmpty();
        assertThat(ring.nextAwaiting()).isEqualTo(seqs.get(0));
        ring.markReady(seqs.get(0), response(100));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add(100 + i);
        }
        assertThat(drain()).containsExactlyElementsOf(expected);
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void growingWithHeldResponsesKeepsThem() {
        long first = add(1);
        for (int i = 2; i <= 20; i++) {
            ring.addReady(i, ApiKeys.API_VERSIONS.id, (short) 0, response(i));
        }
        ring.markReady(first, response(1));
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            expected.add(i);
        }
        assertThat(drain()).containsExactlyElementsOf(expected);
    }

    @Test
    void releaseAllReleasesEveryHeldResponseAndEmptiesTheRing() {
        long first = add(1);
        ByteBuf second = response(2);
        ByteBuf third = response(3);
        long pending = add(4);
        ring.markReady(add(2), second);
        ring.addReady(3, ApiKeys.API_VERSIONS.id, (short) 4, third);
        ring.markPending(pending);
        assertThat(ring.isHead(first)).isTrue();
        ring.releaseAll();
        assertThat(second.refCnt()).isZero();
        assertThat(third.refCnt()).isZero();
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.nextAwaiting()).isEqualTo(-1);
        assertThat(ring.pollReady()).isNull();
    }

    @Test
    void aRingCanBeReusedAfterReleaseAll() {
        ring.markReady(add(1), response(1));
        ring.releaseAll();
        long next = add(2);
        assertThat(ring.isHead(next)).isTrue();
        ring.markReady(next, response(2));
        assertThat(drain()).containsExactly(2);
    }
}
