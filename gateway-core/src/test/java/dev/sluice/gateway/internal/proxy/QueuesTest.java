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
        ClientQueue queue = new ClientQueue(4, true);
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
        ClientQueue queue = new ClientQueue(4, true);
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
        ClientQueue queue = new ClientQueue(4, true);
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
        ClientQueue queue = new ClientQueue(4, true);
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

    @Test
    void idsKeysAndVersionsKeepTheirSignsAndRanges() {
        int[] ids = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x0000_FFFF, 0xFFFF_0000};
        short[] shorts = {0, -1, Short.MIN_VALUE, Short.MAX_VALUE, 0x00FF, (short) 0xFF00};
        ClientQueue client = new ClientQueue(4, true);
        UpstreamQueue upstream = new UpstreamQueue(4);
        for (int id : ids) {
            for (short key : shorts) {
                for (short version : shorts) {
                    long seq = client.add(id, key, version, 0, 1);
                    assertThat(client.correlationId(seq)).isEqualTo(id);
                    assertThat(client.apiKey(seq)).isEqualTo(key);
                    assertThat(client.apiVersion(seq)).isEqualTo(version);
                    client.removeHead(seq);
                    upstream.addForClient(id, key, version, seq);
                    assertThat(upstream.headUpstreamId()).isEqualTo(id);
                    assertThat(upstream.headApiKey()).isEqualTo(key);
                    assertThat(upstream.headApiVersion()).isEqualTo(version);
                    upstream.removeHead();
                }
            }
        }
    }

    @Test
    void anUnmeasuredQueueKeepsOrderAndAnswers() {
        ClientQueue queue = new ClientQueue(4, false);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seqs.add(queue.add(100 + i, FETCH, (short) 17, 0, 0));
        }
        for (int i = 9; i >= 0; i--) {
            queue.markReady(seqs.get(i), "answer " + i);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(queue.readyHead()).isEqualTo(seqs.get(i));
            assertThat(queue.correlationId(seqs.get(i))).isEqualTo(100 + i);
            assertThat(queue.pollHead()).isEqualTo("answer " + i);
        }
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void aFirstCallbackAfterTheQueueGrewAndLaterGrowthKeepEveryTarget() {
        UpstreamQueue queue = new UpstreamQueue(4);
        UpstreamQueue.Callback callback = new UpstreamQueue.Callback() {
            @Override
            public void onResponse(ByteBuf frame, short apiKey, short apiVersion) {
            }

            @Override
            public void onClosed() {
            }
        };
        for (int i = 0; i < 100; i++) {
            if (i >= 10 && i % 3 == 0) {
                queue.addForCallback(i, FETCH, (short) 17, callback);
            } else {
                queue.addForClient(i, FETCH, (short) 17, i);
            }
        }
        for (int i = 0; i < 100; i++) {
            assertThat(queue.headUpstreamId()).isEqualTo(i);
            if (i >= 10 && i % 3 == 0) {
                assertThat(queue.headCallback()).isSameAs(callback);
            } else {
                assertThat(queue.headCallback()).isNull();
                assertThat(queue.headClientSeq()).isEqualTo(i);
            }
            queue.removeHead();
        }
        assertThat(queue.isEmpty()).isTrue();
    }
}
