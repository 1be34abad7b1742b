package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class QueuesTest {

    private static final short FETCH = ApiKeys.FETCH.id;

    @Test
    void answersLeaveInRequestOrderWhateverOrderTheyArriveIn() {
        ClientQueue queue = new ClientQueue(4);
        long first = queue.add(10, FETCH, (short) 17, 0, 100);
        long second = queue.add(11, FETCH, (short) 17, 0, 100);
        long third = queue.add(12, FETCH, (short) 17, 0, 100);
        queue.markReady(third, "c");
        queue.markReady(second, "b");
        assertThat(queue.readyHead()).as("the first is not answered yet").isEqualTo(-1);
        queue.markReady(first, "a");
        List<Object> delivered = new ArrayList<>();
        long seq;
        while ((seq = queue.readyHead()) >= 0) {
            assertThat(queue.correlationId(seq)).isEqualTo(10 + delivered.size());
            delivered.add(queue.pollHead());
        }
        assertThat(delivered).containsExactly("a", "b", "c");
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void theQueueGrowsPastItsCapacityAcrossTheWrapPointKeepingOrderAndFields() {
        ClientQueue queue = new ClientQueue(4);
        for (int i = 0; i < 3; i++) {
            queue.removeHead(queue.add(i, FETCH, (short) 1, 0, 1));
        }
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            seqs.add(queue.add(1000 + i, (short) i, (short) (i % 7), i, i * 2));
        }
        for (int i = 0; i < 100; i++) {
            long seq = seqs.get(i);
            assertThat(queue.correlationId(seq)).isEqualTo(1000 + i);
            assertThat(queue.apiKey(seq)).isEqualTo((short) i);
            assertThat(queue.apiVersion(seq)).isEqualTo((short) (i % 7));
            assertThat(queue.startNanos(seq)).isEqualTo(i);
            assertThat(queue.requestBytes(seq)).isEqualTo(i * 2);
        }
        assertThat(queue.size()).isEqualTo(100);
    }

    @Test
    void aCloseMarkerWaitsForTheAnswersBeforeIt() {
        ClientQueue queue = new ClientQueue(4);
        long first = queue.add(1, FETCH, (short) 1, 0, 1);
        long closing = queue.add(2, FETCH, (short) 1, 0, 1);
        queue.markClose(closing);
        assertThat(queue.headCloses()).isFalse();
        assertThat(queue.isPending(closing)).as("a closing slot owes no answer").isFalse();
        queue.markReady(first, "a");
        assertThat(queue.pollHead()).isEqualTo("a");
        assertThat(queue.headCloses()).isTrue();
    }

    @Test
    void releaseAllReleasesEveryAnswerStillHeld() {
        ClientQueue queue = new ClientQueue(4);
        ByteBuf held = Unpooled.buffer(8);
        queue.add(1, FETCH, (short) 1, 0, 1);
        long second = queue.add(2, FETCH, (short) 1, 0, 1);
        queue.markReady(second, held);
        queue.releaseAll();
        assertThat(held.refCnt()).isZero();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.isPending(second)).isFalse();
    }

    @Test
    void upstreamEntriesLeaveInSendOrderWithTheirTargets() {
        UpstreamQueue queue = new UpstreamQueue(4);
        List<String> heard = new ArrayList<>();
        UpstreamQueue.Callback callback = new UpstreamQueue.Callback() {
            @Override
            public void onResponse(ByteBuf frame, short apiKey, short apiVersion) {
                heard.add("response");
            }

            @Override
            public void onClosed() {
                heard.add("closed");
            }
        };
        for (int i = 0; i < 40; i++) {
            if (i % 2 == 0) {
                queue.addForClient(i, FETCH, (short) 17, 500 + i);
            } else {
                queue.addForCallback(i, FETCH, (short) 17, callback);
            }
        }
        for (int i = 0; i < 20; i++) {
            assertThat(queue.headUpstreamId()).isEqualTo(i);
            if (i % 2 == 0) {
                assertThat(queue.headClientSeq()).isEqualTo(500 + i);
                assertThat(queue.headCallback()).isNull();
            } else {
                assertThat(queue.headClientSeq()).isEqualTo(-1);
                assertThat(queue.headCallback()).isSameAs(callback);
            }
            queue.removeHead();
        }
        queue.closeAll();
        assertThat(heard).as("the 10 callbacks still waiting hear of the close").hasSize(10).containsOnly("closed");
        assertThat(queue.isEmpty()).isTrue();
    }
}
