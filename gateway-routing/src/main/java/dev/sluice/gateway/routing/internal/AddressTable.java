package dev.sluice.gateway.routing.internal;

import dev.sluice.gateway.api.HostPort;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map from broker id to advertised address, laid out for lookups that neither box nor
 * allocate: ids sorted in an {@code int[]}, addresses in a parallel array, found by binary search.
 *
 * <p>Thread-safe: a routing strategy builds a new table on every plan and publishes it through a
 * {@code volatile} field; readers on any thread see either the old or the new table, never a mix.
 *
 * <pre>{@code
 * AddressTable table = AddressTable.of(new int[] {100, 200}, new HostPort[] {a, b});
 * HostPort b = table.find(200);   // b
 * HostPort none = table.find(7);  // null
 * }</pre>
 */
public final class AddressTable {

    private static final AddressTable EMPTY = new AddressTable(new int[0], new HostPort[0]);

    private final int[] ids;
    private final HostPort[] addresses;

    private AddressTable(int[] ids, HostPort[] addresses) {
        this.ids = ids;
        this.addresses = addresses;
    }

    /** The table that knows no broker. */
    public static AddressTable empty() {
        return EMPTY;
    }

    /**
     * Creates a table from parallel arrays; both are copied.
     *
     * @param sortedIds broker ids in strictly ascending order
     * @param addresses the address of {@code sortedIds[i]} at index {@code i}
     * @throws IllegalArgumentException when the arrays differ in length or the ids are not strictly
     *     ascending
     */
    public static AddressTable of(int[] sortedIds, HostPort[] addresses) {
        if (sortedIds.length != addresses.length) {
            throw new IllegalArgumentException(
                    "ids and addresses differ in length: " + sortedIds.length + " != " + addresses.length);
        }
        for (int i = 1; i < sortedIds.length; i++) {
            if (sortedIds[i - 1] >= sortedIds[i]) {
                throw new IllegalArgumentException("ids must be strictly ascending, got " + Arrays.toString(sortedIds));
            }
        }
        for (HostPort address : addresses) {
            if (address == null) {
                throw new IllegalArgumentException("addresses must not contain null");
            }
        }
        return new AddressTable(sortedIds.clone(), addresses.clone());
    }

    /** The address of {@code brokerId}, or {@code null} when the table does not know it. */
    public @Nullable HostPort find(int brokerId) {
        int index = Arrays.binarySearch(ids, brokerId);
        return index >= 0 ? addresses[index] : null;
    }

    /** How many brokers the table knows. */
    public int size() {
        return ids.length;
    }

    /** The id at {@code index} ({@code 0 <= index < size()}), in ascending id order. */
    public int idAt(int index) {
        return ids[index];
    }

    /** The address of the broker at {@code index} ({@code 0 <= index < size()}). */
    public HostPort addressAt(int index) {
        return addresses[index];
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(ids[i]).append('=').append(addresses[i]);
        }
        return text.append('}').toString();
    }
}
