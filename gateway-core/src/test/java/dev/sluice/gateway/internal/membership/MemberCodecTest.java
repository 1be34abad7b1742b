package dev.sluice.gateway.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.membership.GatewayNode;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberCodecTest {

    private static final GatewayNode A = new GatewayNode("gw-a", "gw-a.example.com", List.of(1, 9092, 65535), "rack-ä");
    private static final GatewayNode B = new GatewayNode("gw-b", "10.0.0.2", List.of(), null);

    @Test
    void entryRoundTripsWithEveryField() {
        for (GatewayNode node : List.of(A, B)) {
            MemberEntry entry = new MemberEntry(1234567890123L, node);

            assertThat(MemberCodec.decodeEntry(ByteBuffer.wrap(MemberCodec.encodeEntry(entry)))).isEqualTo(entry);
        }
    }

    @Test
    void trailingBytesOfALaterMinorVersionAreIgnored() {
        byte[] entry = MemberCodec.encodeEntry(new MemberEntry(7, A));
        byte[] longer = Arrays.copyOf(entry, entry.length + 5);

        assertThat(MemberCodec.decodeEntry(ByteBuffer.wrap(longer))).isEqualTo(new MemberEntry(7, A));
    }

    @Test
    void rosterLeavesOutMembersItCannotReadAndKeepsTheRest() {
        byte[] unknownVersion = MemberCodec.encodeEntry(new MemberEntry(1, B));
        unknownVersion[0] = 2;
        byte[] truncated = Arrays.copyOf(MemberCodec.encodeEntry(new MemberEntry(1, B)), 12);
        byte[] roster = MemberCodec.encodeRoster(List.of(
                ByteBuffer.wrap(unknownVersion), ByteBuffer.wrap(MemberCodec.encodeEntry(new MemberEntry(1, A))),
                ByteBuffer.wrap(truncated)));

        assertThat(MemberCodec.decodeRoster(ByteBuffer.wrap(roster))).containsExactly(new MemberEntry(1, A));
    }

    @Test
    void rosterKeepsTheLaterIncarnationOfANodeId() {
        GatewayNode restartedA = new GatewayNode("gw-a", "gw-a.example.com", List.of(9092), null);
        byte[] roster = MemberCodec.encodeRoster(List.of(
                ByteBuffer.wrap(MemberCodec.encodeEntry(new MemberEntry(200, restartedA))),
                ByteBuffer.wrap(MemberCodec.encodeEntry(new MemberEntry(100, A))),
                ByteBuffer.wrap(MemberCodec.encodeEntry(new MemberEntry(150, B)))));

        assertThat(MemberCodec.decodeRoster(ByteBuffer.wrap(roster)))
                .containsExactly(new MemberEntry(200, restartedA), new MemberEntry(150, B));
    }

    @Test
    void hostileLengthsAreRejectedBeforeAllocating() {
        ByteBuffer hugeCount = ByteBuffer.allocate(5).put((byte) 1).putInt(Integer.MAX_VALUE).flip();
        ByteBuffer hugeEntry = ByteBuffer.allocate(9).put((byte) 1).putInt(1).putInt(Integer.MAX_VALUE).flip();
        ByteBuffer negativeEntry = ByteBuffer.allocate(9).put((byte) 1).putInt(1).putInt(-1).flip();
        ByteBuffer hugeString = ByteBuffer.allocate(11).put((byte) 1).putLong(1).putShort((short) -1).flip();

        for (ByteBuffer roster : List.of(hugeCount, hugeEntry, negativeEntry)) {
            assertThatThrownBy(() -> MemberCodec.decodeRoster(roster)).isInstanceOf(MemberCodec.UnreadableEntry.class);
        }
        assertThatThrownBy(() -> MemberCodec.decodeEntry(hugeString))
                .isInstanceOf(MemberCodec.UnreadableEntry.class)
                .hasMessageContaining("nodeId length 65535");
    }

    @Test
    void rosterOfAnUnknownVersionIsRefusedAsAWhole() {
        byte[] roster = MemberCodec.encodeRoster(List.of(ByteBuffer.wrap(MemberCodec.encodeEntry(new MemberEntry(1, A)))));
        roster[0] = 9;

        assertThatThrownBy(() -> MemberCodec.decodeRoster(ByteBuffer.wrap(roster)))
                .isInstanceOf(MemberCodec.UnreadableEntry.class)
                .hasMessageContaining("roster format version 9");
    }

    @Test
    void entryThatDescribesAnInvalidNodeIsUnreadable() {
        byte[] blankId = MemberCodec.encodeEntry(new MemberEntry(1, new GatewayNode("x", "h", List.of(), null)));
        blankId[1 + 8 + 2] = ' ';

        assertThatThrownBy(() -> MemberCodec.decodeEntry(ByteBuffer.wrap(blankId)))
                .isInstanceOf(MemberCodec.UnreadableEntry.class)
                .hasMessageContaining("nodeId must not be blank");
    }

    @Test
    void encodingRefusesWhatItCouldNotCarry() {
        GatewayNode longId = new GatewayNode("x".repeat(MemberCodec.MAX_STRING_BYTES + 1), "h", List.of(), null);

        assertThatThrownBy(() -> MemberCodec.encodeEntry(new MemberEntry(1, longId)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId has 1025 UTF-8 bytes");
    }
}
