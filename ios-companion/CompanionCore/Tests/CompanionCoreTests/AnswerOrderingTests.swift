import Foundation
import Testing
@testable import CompanionCore

/// Issue 21 item 3: an answer that comes before CallKit's report completion (or before the socket,
/// or before the server's ack) must not be lost. The user's choice wins and the server hears the
/// truth: the call rang, then was answered.
@MainActor
@Suite("Answering early: whatever the order, the answer stands and the server hears it")
struct AnswerOrderingTests {
    enum Step: String, CaseIterable, Sendable, CustomStringConvertible {
        case reportCompletes, answer, socketConnects
        var description: String { rawValue }
    }

    /// Every order of the three, each with the socket up or down at the push.
    nonisolated static let orders: [[Step]] = {
        func permutations(_ steps: [Step]) -> [[Step]] {
            guard steps.count > 1 else { return [steps] }
            return steps.indices.flatMap { i -> [[Step]] in
                var rest = steps
                let first = rest.remove(at: i)
                return permutations(rest).map { [first] + $0 }
            }
        }
        return permutations(Step.allCases)
    }()

    @Test("the answer stands, the server hears reported then answered, and no ring deadline ends it", arguments: orders)
    func answerStands(order: [Step]) async {
        let harness = Harness(connected: false)
        harness.provider.holdCompletions = true
        let id = CallID(UUID())
        harness.push(harness.callPush(id, ringFor: .seconds(45)))
        for step in order {
            switch step {
            case .reportCompletes: harness.provider.completePending()
            case .answer: #expect(harness.provider.perform(.answer, on: id.uuid).outcome == .fulfilled)
            case .socketConnects: harness.server.simulateConnect()
            }
            await harness.settle()
        }
        let reports = harness.server.reports(for: id)
        #expect(reports.map(\.event) == [.reported, .answered], "order \(order)")
        #expect(reports.map(\.seq) == [1, 2])

        // Long past the ring deadline: the answered call is still up, not a missed call.
        harness.clock.advance(by: .seconds(60))
        await harness.settle()
        #expect(harness.provider.endedCalls.isEmpty, "order \(order)")
        #expect(harness.coordinator.activeCallUUIDs == [id.uuid])
        #expect(harness.coordinator.status.recents.isEmpty)
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered])
    }

    @Test("hanging up the early-answered call ends it as completed, with a duration in Recents")
    func hangUpAfterEarlyAnswer() async {
        let harness = Harness()
        harness.provider.holdCompletions = true
        let id = CallID(UUID())
        harness.push(harness.callPush(id))
        harness.provider.perform(.answer, on: id.uuid)
        harness.provider.completePending()
        harness.clock.advance(by: .seconds(5))
        harness.provider.perform(.end, on: id.uuid)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered, .ended])
        let recent = harness.coordinator.status.recents.first
        #expect(recent?.endReason == .completed)
        #expect(recent?.isMissed == false)
        #expect(recent?.outcome == "0 min 5 s")
    }
}
