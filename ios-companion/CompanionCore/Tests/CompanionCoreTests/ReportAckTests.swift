import Foundation
import Testing
@testable import CompanionCore

/// `reportAcks`: the phone takes a `call:report`'s ack, which carries the call as that report left
/// it, as the call's change, and the server sends it no `call:changed` for a change its own report
/// made. So everything a `call:changed` would have done must follow from the ack alone; and an
/// older server, which sends both, must not make the phone do it twice.
@MainActor
@Suite("Report acks: a call:report's ack is the call's change, with no call:changed")
struct ReportAckTests {
    /// The server's view of `id` answered by this phone.
    static func answered(_ id: CallID, _ harness: Harness, state: CallState = .connecting, held: Bool = false) throws -> Call {
        var call = try serverCall(
            id, state: state, legs: [Leg(deviceId: Harness.deviceId, state: .answered)],
            ringUntil: harness.clock.nowMs + 30_000
        )
        call.answeredAt = harness.clock.nowMs
        call.answeredByDeviceId = Harness.deviceId
        call.held = held
        return call
    }

    /// As `IceSupplyTests.askedBeforeTheAnswerLanded`, with the server's word that the call is
    /// answered in the `answered` report's ack only: the `rtc:ice` refused before it is asked again.
    @Test("the answered report's ack shows the call answered: ICE refused before is asked again, TURN given")
    func answeredAckAsksIce() async throws {
        let harness = Harness()
        let id = await harness.ring()
        let answered = try Self.answered(id, harness)
        // The answer goes out again after a drop, so that the server reads the ICE request first.
        harness.server.script[.callReport] = [.disconnected, .ack(TestServerConnection.ok(answered))]
        harness.server.script[.rtcIce] = [TestServerConnection.error(.invalidTransition), .ack(IceSupplyTests.turn)]
        harness.provider.perform(.answer, on: id.uuid)
        harness.coordinator.mediaEngineNeedsIce(for: id)
        await harness.settle()
        #expect(harness.media.ice(for: id) == nil, "not answered yet is not the configured servers' turn")
        #expect(harness.server.emits(.rtcIce).count == 1)

        harness.clock.advance(by: .seconds(1))
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered, .answered])
        #expect(try #require(harness.media.ice(for: id).flatMap { $0 }).iceServers.first?.urls == ["turn:t.example.com:3478"])
        #expect(harness.server.emits(.rtcIce).count == 2)

        // An older server also sends the call:changed of that answer: nothing is asked again.
        harness.server.broadcast(.callChanged, CallChanged(call: answered))
        await harness.settle()
        #expect(harness.server.emits(.rtcIce).count == 2)
        #expect(harness.media.events.filter { if case .ice = $0 { true } else { false } }.count == 1)
    }

    enum Over: CaseIterable, Sendable {
        /// The caller hung up.
        case call
        /// Another of the staff member's phones answered (ring-all).
        case leg
    }

    /// A report the server had applied, sent again after a drop (its ack was lost with the
    /// socket, and the `call:changed` that ended the call with it): the server acks the repeat
    /// with the call as it is now.
    @Test("a report's ack showing the call, or this phone's part of it, over ends it on the call screen", arguments: Over.allCases)
    func overAckEnds(over: Over) async throws {
        let harness = Harness()
        let id = CallID(UUID())
        let ringUntil = harness.clock.nowMs + 40_000
        let call: Call
        let expected: CallEndedReason
        switch over {
        case .call:
            call = try serverCall(id, state: .ended, endReason: .cancelled, ringUntil: ringUntil)
            expected = .remoteEnded
        case .leg:
            call = try serverCall(id, state: .connecting, legs: [
                Leg(deviceId: Harness.deviceId, state: .ended, endReason: .answeredElsewhere),
                Leg(deviceId: "dev_ipad", state: .answered),
            ], ringUntil: ringUntil)
            expected = .answeredElsewhere
        }
        harness.server.script[.callReport] = [.disconnected, .ack(TestServerConnection.ok(call))]
        _ = await harness.ring(id)
        #expect(harness.provider.live == [id.uuid])

        harness.clock.advance(by: .seconds(1))
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .reported], "the server said it: nothing to report")
        #expect(harness.provider.endReason(of: id.uuid) == expected)
        #expect(harness.provider.live.isEmpty)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)

        // An older server also sends the call:changed: the call is not ended twice.
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        await harness.settle()
        #expect(harness.provider.endedCalls.count == 1)
        #expect(harness.coordinator.status.recents.count == 1)
    }

    /// A change made by someone else before the report (the agent's hold) came as `call:changed`,
    /// and the report's ack shows it again: applied twice, even by a server that knows the feature.
    @Test("a report's ack repeating a change already broadcast changes nothing more")
    func ackRepeatsABroadcast() async throws {
        let harness = Harness()
        let id = await harness.answered()
        let held = try Self.answered(id, harness, state: .active, held: true)
        harness.server.broadcast(.callChanged, CallChanged(call: held))
        await harness.settle()
        #expect(harness.controller.transactions.last == .setHeld(uuid: id.uuid, onHold: true))

        harness.server.script[.callReport] = [.ack(TestServerConnection.ok(held))]
        harness.coordinator.mediaEngineDidConnect(callId: id)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered, .connected])
        #expect(harness.controller.transactions.filter { $0 == .setHeld(uuid: id.uuid, onHold: true) }.count == 1)
        #expect(harness.media.events.filter { $0 == .held(true, id) }.count == 1)
        #expect(harness.provider.live == [id.uuid])
    }
}
