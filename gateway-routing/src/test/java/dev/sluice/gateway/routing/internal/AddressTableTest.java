package dev.sluice.gateway.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.HostPort;
import org.junit.jupiter.api.Test;

class AddressTableTest {

    private static final HostPort A = new HostPort("gw", 9093);
    private static final HostPort B = new HostPort("gw", 9094);

    @Test
    void findsKnownIdsAndNothingElse() {
        AddressTable table = AddressTable.of(new int[] {100, 200}, new HostPort[] {A, B});

        assertThat(table.find(100)).isEqualTo(A);
        assertThat(table.find(200)).isEqualTo(B);
        assertThat(table.find(150)).isNull();
        assertThat(table.find(-1)).isNull();
        assertThat(AddressTable.empty().find(100)).isNull();
    }

    @Test
    void copiesItsInputs() {
        int[] ids = {100};
        HostPort[] addresses = {A};
        AddressTable table = AddressTable.of(ids, addresses);

        ids[0] = 7;
        addresses[0] = B;

        assertThat(table.find(100)).isEqualTo(A);
    }

    @Test
    void rejectsIdsThatAreNotStrictlyAscending() {
        assertThatThrownBy(() -> AddressTable.of(new int[] {2, 2}, new HostPort[] {A, B}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ids must be strictly ascending, got [2, 2]");
    }

    @Test
    void rejectsArraysOfDifferentLengths() {
        assertThatThrownBy(() -> AddressTable.of(new int[] {1}, new HostPort[] {A, B}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ids and addresses differ in length: 1 != 2");
    }
}
