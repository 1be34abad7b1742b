/**
 * The Kafka side of {@code dev.sluice.gateway.membership.KafkaMembership}: the consumer-group
 * assignor that carries each gateway node's description through the classic group protocol, and
 * the versioned byte format of those descriptions.
 *
 * <p>Not API. The types here are public only because kafka-clients instantiates the assignor by
 * reflection and {@code KafkaMembership} lives in another package; they change without notice and
 * follow the kafka-clients version ({@code ConsumerPartitionAssignor}).
 *
 * <h2>Wire format</h2>
 * A member's subscription user data is one <em>entry</em>; every member's assignment user data is
 * the <em>roster</em>, the entries of all members exactly as they sent them (the leader relays bytes
 * and decodes nothing, so a leader of an older Sluice version still relays entries it cannot read):
 * <pre>
 * entry (version 1)                        roster (version 1)
 * +---------+------------------------+     +---------+----------+---------------------+
 * | int8  1 | int64 incarnation      |     | int8  1 | int32 n  | n x (int32 length,  |
 * +---------+------------------------+     +---------+----------+      length bytes)  |
 * | string nodeId                    |                           +---------------------+
 * | string advertisedHost            |
 * | uint16 port count, uint16 ports  |     string = uint16 byte length, then UTF-8 bytes
 * | int8 rack present (0/1) [string] |
 * | ... (ignored by version 1 readers)
 * +----------------------------------+
 * </pre>
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Fields may be appended to an entry without a new version (readers ignore trailing bytes).
 *       A new version number means "version 1 readers cannot read this": they skip such members
 *       with a warning, so a mixed-version cluster must keep writing version 1 until every node
 *       reads the new one.
 *   <li>Every length is checked against the bytes that remain before anything is allocated.
 * </ul>
 */
@NullMarked
package dev.sluice.gateway.internal.membership;

import org.jspecify.annotations.NullMarked;
