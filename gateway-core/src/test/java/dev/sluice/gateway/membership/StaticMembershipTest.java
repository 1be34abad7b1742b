package dev.sluice.gateway.membership;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.api.membership.MembershipListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StaticMembershipTest {

    private static final GatewayNode A = node("a");
    private static final GatewayNode B = node("b");
    private static final GatewayNode C = node("c");

    @Test
    void aliveIsTheListGivenInNodeIdOrder() {
        StaticMembership membership = StaticMembership.of(List.of(C, A, B));

        assertThat(membership.alive()).containsExactly(A, B, C);
    }

    @Test
    void snapshotsAreImmutableAndNotChangedByLaterUpdates() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        Set<GatewayNode> before = membership.alive();

        membership.update(List.of(A, B));

        assertThat(before).containsExactly(A);
        assertThatThrownBy(() -> before.add(C)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(membership.alive()).containsExactly(A, B);
    }

    @Test
    void listenerHearsTheCurrentSetAtOnce() {
        StaticMembership membership = StaticMembership.of(List.of(A, B));
        Recorder recorder = new Recorder();

        membership.addListener(recorder);

        assertThat(recorder.calls).containsExactly(Set.of(A, B));
    }

    @Test
    void listenerOfAnEmptyMembershipHearsTheEmptySet() {
        Recorder recorder = new Recorder();

        StaticMembership.of(List.of()).addListener(recorder);

        assertThat(recorder.calls).containsExactly(Set.of());
    }

    @Test
    void listenerHearsOnlyChanges() {
        StaticMembership membership = StaticMembership.of(List.of(A, B));
        Recorder recorder = new Recorder();
        membership.addListener(recorder);

        membership.update(List.of(B, A));   // same set, other order
        membership.update(List.of(A, B, C));
        membership.update(List.of(A, B, C, C));   // identical duplicate collapses
        membership.update(List.of(A));

        assertThat(recorder.calls).containsExactly(Set.of(A, B), Set.of(A, B, C), Set.of(A));
    }

    @Test
    void changedDescriptionOfANodeIsAChange() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        Recorder recorder = new Recorder();
        membership.addListener(recorder);
        GatewayNode movedA = new GatewayNode("a", "a-new.example.com", List.of(9092), null);

        membership.update(List.of(movedA));

        assertThat(recorder.calls).containsExactly(Set.of(A), Set.of(movedA));
    }

    @Test
    void closedRegistrationHearsNothingMoreAndClosingTwiceIsHarmless() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        Recorder kept = new Recorder();
        Recorder closed = new Recorder();
        membership.addListener(kept);
        Membership.Registration registration = membership.addListener(closed);

        registration.close();
        registration.close();
        membership.update(List.of(A, B));

        assertThat(closed.calls).containsExactly(Set.of(A));
        assertThat(kept.calls).containsExactly(Set.of(A), Set.of(A, B));
    }

    @Test
    void registrationWorksInTryWithResourcesWithoutACheckedException() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        Recorder recorder = new Recorder();

        try (Membership.Registration registration = membership.addListener(recorder)) {
            membership.update(List.of(B));
            assertThat(registration).isNotNull();
        }
        membership.update(List.of(C));

        assertThat(recorder.calls).containsExactly(Set.of(A), Set.of(B));
    }

    @Test
    void joinAddsSelfWhenAbsentAndCompletesAtOnce() {
        StaticMembership membership = StaticMembership.of(List.of(A, B));
        Recorder recorder = new Recorder();
        membership.addListener(recorder);

        assertThat(membership.join(C).toCompletableFuture()).isCompleted();

        assertThat(membership.alive()).containsExactly(A, B, C);
        assertThat(recorder.calls).containsExactly(Set.of(A, B), Set.of(A, B, C));
    }

    @Test
    void joinWhenAlreadyListedIsSilent() {
        StaticMembership membership = StaticMembership.of(List.of(A, B));
        Recorder recorder = new Recorder();
        membership.addListener(recorder);

        membership.join(A);

        assertThat(recorder.calls).containsExactly(Set.of(A, B));
    }

    @Test
    void joinedSelfReplacesTheListedDescriptionAndSurvivesUpdates() {
        StaticMembership membership = StaticMembership.of(List.of(A, B));
        GatewayNode self = new GatewayNode("a", "a-self.example.com", List.of(9092), null);

        membership.join(self);
        membership.update(List.of(B));

        assertThat(membership.alive()).containsExactly(self, B);
    }

    @Test
    void leaveRemovesSelfEvenWhenTheHostStillListsIt() {
        StaticMembership membership = StaticMembership.of(List.of(A, B));
        Recorder recorder = new Recorder();
        membership.addListener(recorder);
        membership.join(A);

        assertThat(membership.leave().toCompletableFuture()).isCompleted();
        membership.update(List.of(A, B, C));

        assertThat(membership.alive()).containsExactly(B, C);
        assertThat(recorder.calls).containsExactly(Set.of(A, B), Set.of(B), Set.of(B, C));
    }

    @Test
    void joinAfterLeaveIsAMemberAgain() {
        StaticMembership membership = StaticMembership.of(List.of(B));
        membership.join(A);
        membership.leave();

        membership.join(A);

        assertThat(membership.alive()).containsExactly(A, B);
    }

    @Test
    void leaveWithoutJoinChangesNothing() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        Recorder recorder = new Recorder();
        membership.addListener(recorder);

        assertThat(membership.leave().toCompletableFuture()).isCompleted();

        assertThat(membership.alive()).containsExactly(A);
        assertThat(recorder.calls).containsExactly(Set.of(A));
    }

    @Test
    void twoDifferentNodesWithOneIdAreRefusedAndLeaveTheMembershipUnchanged() {
        GatewayNode otherA = new GatewayNode("a", "elsewhere", List.of(9092), null);
        assertThatThrownBy(() -> StaticMembership.of(List.of(A, otherA)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node id 'a' is used by two different nodes");

        StaticMembership membership = StaticMembership.of(List.of(A));
        assertThatThrownBy(() -> membership.update(List.of(A, otherA))).isInstanceOf(IllegalArgumentException.class);
        assertThat(membership.alive()).containsExactly(A);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthersNorTheCaller() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        membership.addListener(alive -> {
            throw new IllegalStateException("listener bug");
        });
        Recorder recorder = new Recorder();
        membership.addListener(recorder);

        membership.update(List.of(B));

        assertThat(recorder.calls).containsExactly(Set.of(A), Set.of(B));
    }

    @Test
    void aListenerThatUpdatesTheMembershipKeepsEveryListenerInOrder() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        membership.addListener(alive -> {
            if (alive.equals(Set.of(A, B))) {
                membership.update(List.of(A, B, C));   // re-entrant change from inside a call
            }
        });
        Recorder recorder = new Recorder();
        membership.addListener(recorder);

        membership.update(List.of(A, B));

        assertThat(recorder.calls).containsExactly(Set.of(A), Set.of(A, B), Set.of(A, B, C));
        assertThat(membership.alive()).containsExactly(A, B, C);
    }

    @Test
    void aListenerMayCloseItsOwnRegistration() {
        StaticMembership membership = StaticMembership.of(List.of(A));
        Recorder recorder = new Recorder();
        Membership.Registration[] self = new Membership.Registration[1];
        self[0] = membership.addListener(alive -> {
            recorder.membersChanged(alive);
            if (self[0] != null) {
                self[0].close();
            }
        });

        membership.update(List.of(B));
        membership.update(List.of(C));

        assertThat(recorder.calls).containsExactly(Set.of(A), Set.of(B));
    }

    @Test
    void concurrentUpdatesReachEveryListenerInOrderEndingAtTheLastSet() throws Exception {
        StaticMembership membership = StaticMembership.of(List.of());
        Recorder recorder = new Recorder();
        membership.addListener(recorder);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread updater = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    membership.update(List.of(node("t" + thread + "-" + i)));
                }
            });
            updater.start();
            threads.add(updater);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        membership.update(List.of(A));

        assertThat(recorder.calls.get(recorder.calls.size() - 1)).containsExactly(A);
        for (int i = 1; i < recorder.calls.size(); i++) {
            assertThat(recorder.calls.get(i)).as("call %d repeats the set before it", i)
                    .isNotEqualTo(recorder.calls.get(i - 1));
        }
        assertThat(recorder.overlapping).as("calls overlapped").isFalse();
    }

    private static GatewayNode node(String id) {
        return new GatewayNode(id, id + ".example.com", List.of(9092), null);
    }

    private static final class Recorder implements MembershipListener {
        final List<Set<GatewayNode>> calls = new CopyOnWriteArrayList<>();
        volatile boolean inCall;
        volatile boolean overlapping;

        @Override
        public void membersChanged(Set<GatewayNode> alive) {
            if (inCall) {
                overlapping = true;
            }
            inCall = true;
            calls.add(alive);
            inCall = false;
        }
    }
}
