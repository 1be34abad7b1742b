package dev.sluice.gateway.internal.membership;

import dev.sluice.gateway.api.membership.GatewayNode;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes and decodes {@linkplain MemberEntry member entries} and rosters in the format the
 * {@linkplain dev.sluice.gateway.internal.membership package overview} draws. Decoding never trusts
 * a length: each is bounded and checked against the bytes that remain before anything is
 * allocated, and a member whose entry cannot be read is left out with a warning rather than failing
 * the whole roster.
 *
 * <p>Stateless and thread-safe. Not API.
 */
public final class MemberCodec {

    /** The entry and roster format version this code writes and reads. */
    static final byte VERSION = 1;

    /** The longest string field, in UTF-8 bytes (host names are at most 253). */
    public static final int MAX_STRING_BYTES = 1024;

    /** The most listener ports one entry may carry. */
    public static final int MAX_PORTS = 4096;

    /** The largest entry a roster relays. */
    static final int MAX_ENTRY_BYTES = 1 + 8 + 3 * (2 + MAX_STRING_BYTES) + 1 + 2 + 2 * MAX_PORTS;

    /** The most members a roster may list. */
    static final int MAX_MEMBERS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(MemberCodec.class);

    private MemberCodec() {}

    /**
     * Encodes one entry.
     *
     * @throws IllegalArgumentException when a string is longer than {@link #MAX_STRING_BYTES} in
     *     UTF-8, or there are more than {@link #MAX_PORTS} ports; the message names the field
     */
    public static byte[] encodeEntry(MemberEntry entry) {
        GatewayNode node = entry.node();
        byte[] nodeId = utf8("nodeId", node.nodeId());
        byte[] host = utf8("advertisedHost", node.advertisedHost());
        String rackName = node.rack();
        byte[] rack = rackName == null ? null : utf8("rack", rackName);
        List<Integer> ports = node.listenerPorts();
        if (ports.size() > MAX_PORTS) {
            throw new IllegalArgumentException("node '" + node.nodeId() + "' has " + ports.size()
                    + " listener ports; a Kafka-backed membership carries at most " + MAX_PORTS);
        }
        int size = 1 + 8 + 2 + nodeId.length + 2 + host.length + 2 + 2 * ports.size() + 1
                + (rack == null ? 0 : 2 + rack.length);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        out.putLong(entry.incarnation());
        putString(out, nodeId);
        putString(out, host);
        out.putShort((short) ports.size());
        for (int port : ports) {
            out.putShort((short) port);
        }
        if (rack == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1);
            putString(out, rack);
        }
        return out.array();
    }

    /**
     * Decodes one entry from the remaining bytes of {@code in} (which it consumes). Bytes after the
     * version 1 fields are ignored.
     *
     * @throws UnreadableEntry when the version is unknown or the bytes are not a valid entry
     */
    static MemberEntry decodeEntry(ByteBuffer in) {
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new UnreadableEntry("entry format version " + version + " (this node reads " + VERSION
                        + "; is a newer Sluice version in the group?)");
            }
            long incarnation = in.getLong();
            String nodeId = getString(in, "nodeId");
            String host = getString(in, "advertisedHost");
            int portCount = Short.toUnsignedInt(in.getShort());
            if (portCount > MAX_PORTS || portCount * 2 > in.remaining()) {
                throw new UnreadableEntry("port count " + portCount + " with " + in.remaining() + " bytes left");
            }
            List<Integer> ports = new ArrayList<>(portCount);
            for (int i = 0; i < portCount; i++) {
                ports.add(Short.toUnsignedInt(in.getShort()));
            }
            byte rackPresent = in.get();
            String rack = switch (rackPresent) {
                case 0 -> null;
                case 1 -> getString(in, "rack");
                default -> throw new UnreadableEntry("rack presence flag " + rackPresent);
            };
            return new MemberEntry(incarnation, new GatewayNode(nodeId, host, ports, rack));
        } catch (BufferUnderflowException e) {
            throw new UnreadableEntry("entry is truncated");
        } catch (IllegalArgumentException e) {
            throw new UnreadableEntry("entry describes an invalid node: " + e.getMessage());
        }
    }

    /**
     * Encodes a roster: the given entries, each relayed byte for byte as its member sent it.
     * Entries longer than {@link #MAX_ENTRY_BYTES}, and more than {@link #MAX_MEMBERS}, are left out
     * with a warning.
     */
    static byte[] encodeRoster(Collection<ByteBuffer> entries) {
        List<ByteBuffer> kept = new ArrayList<>(entries.size());
        for (ByteBuffer entry : entries) {
            if (entry.remaining() > MAX_ENTRY_BYTES) {
                LOG.warn("Leaving out a member whose entry has {} bytes (at most {})", entry.remaining(), MAX_ENTRY_BYTES);
            } else if (kept.size() == MAX_MEMBERS) {
                LOG.warn("Leaving out members beyond {} of {}", MAX_MEMBERS, entries.size());
                break;
            } else {
                kept.add(entry.duplicate());
            }
        }
        int size = 1 + 4;
        for (ByteBuffer entry : kept) {
            size += 4 + entry.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        out.putInt(kept.size());
        for (ByteBuffer entry : kept) {
            out.putInt(entry.remaining());
            out.put(entry);
        }
        return out.array();
    }

    /**
     * Decodes a roster and reduces it to one entry per node id (the {@linkplain
     * MemberEntry#supersedes winning} one), in roster order. Members whose entries cannot be read are
     * left out with a warning.
     *
     * @throws UnreadableEntry when the roster itself (its version, count or framing) is unreadable
     */
    static List<MemberEntry> decodeRoster(ByteBuffer in) {
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new UnreadableEntry("roster format version " + version + " (this node reads " + VERSION
                        + "; is a newer Sluice version leading the group?)");
            }
            int count = in.getInt();
            if (count < 0 || count > MAX_MEMBERS || (long) count * 4 > in.remaining()) {
                throw new UnreadableEntry("roster member count " + count + " with " + in.remaining() + " bytes left");
            }
            Map<String, MemberEntry> byId = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new UnreadableEntry("roster entry " + i + " has length " + length + " with "
                            + in.remaining() + " bytes left");
                }
                ByteBuffer slice = in.slice();
                slice.limit(length);
                in.position(in.position() + length);
                MemberEntry entry = decodeOrNull(slice, i);
                if (entry != null) {
                    byId.merge(entry.node().nodeId(), entry, (a, b) -> b.supersedes(a) ? b : a);
                }
            }
            return List.copyOf(byId.values());
        } catch (BufferUnderflowException e) {
            throw new UnreadableEntry("roster is truncated");
        }
    }

    private static @Nullable MemberEntry decodeOrNull(ByteBuffer entry, int index) {
        try {
            return decodeEntry(entry);
        } catch (UnreadableEntry e) {
            LOG.warn("Ignoring gateway membership member {} of the roster: {}", index, e.getMessage());
            return null;
        }
    }

    private static byte[] utf8(String field, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(field + " has " + bytes.length
                    + " UTF-8 bytes; a Kafka-backed membership carries at most " + MAX_STRING_BYTES
                    + ", was '" + value.substring(0, Math.min(value.length(), 40)) + "...'");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        out.putShort((short) bytes.length);
        out.put(bytes);
    }

    private static String getString(ByteBuffer in, String field) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > MAX_STRING_BYTES || length > in.remaining()) {
            throw new UnreadableEntry(field + " length " + length + " with " + in.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Bytes that are not an entry or roster this version can read; the message says why. */
    static final class UnreadableEntry extends RuntimeException {

        UnreadableEntry(String message) {
            super(message, null, false, false);
        }
    }
}
