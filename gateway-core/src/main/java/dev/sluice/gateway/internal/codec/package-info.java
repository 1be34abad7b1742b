/**
 * The Kafka wire codec: length-prefixed framing with limits, header peeks and in-place correlation
 * id patches, structure walking over kafka-clients' schemas, and adapters that let kafka-clients'
 * generated message classes read from and write to Netty buffers.
 *
 * <p>Internal: not part of Sluice's public API; may change in any release.
 *
 * <pre>
 * Request frame                          Response frame
 * +----------------+ 0                   +----------------+ 0
 * | size    int32  |                     | size    int32  |
 * +----------------+ 4                   +----------------+ 4
 * | api_key int16  |                     | corr_id int32  |  patched in place
 * | api_ver int16  |                     +----------------+ 8
 * +----------------+ 8                   | (tagged fields, header v1)
 * | corr_id int32  |  patched in place   | body ...       |
 * +----------------+ 12                  +----------------+
 * | client_id, tagged fields (v1, v2)
 * | body ...       |
 * +----------------+
 * </pre>
 */
@NullMarked
package dev.sluice.gateway.internal.codec;

import org.jspecify.annotations.NullMarked;
