import Foundation
import Testing
@testable import CompanionCore

/// The phone's clock is not the server's: a phone running ahead must not take every push for
/// stale, nor one running behind ring for an hour. A push rings for its own `ringUntil − sentAt`
/// (both server times), counted from the moment it arrives.
@MainActor
@Suite("Clock skew: a push rings for its own window, counted from its arrival")
struct ClockSkewTests {
    static let hour: Int64 = 3_600_000

    /// A push the server sent `skew` ms before the phone's clock says it is now, ringing 45 s.
    static func push(_ harness: Harness, _ id: CallID, phoneAheadBy skew: Int64, windowMs: Int64 = 45_000) -> PushContent {
        let sentAt = harness.clock.nowMs - skew
        return .call(CallPush(callId: id, handle: "+15551234567", callerName: "Support", video: false,
                              sentAt: sentAt, ringUntil: sentAt + windowMs))
    }

    @Test("a phone an hour ahead still rings a fresh push, for the push's own 45 s")
    func phoneAhead() async {
        let harness = Harness()
        let id = CallID(UUID())
        harness.push(Self.push(harness, id, phoneAheadBy: Self.hour))
        await harness.settle()
        #expect(harness.provider.live == [id.uuid])
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])
        harness.clock.advance(by: .milliseconds(44_999))
        #expect(harness.provider.live == [id.uuid])
        harness.clock.advance(by: .milliseconds(1))
        #expect(harness.provider.endReason(of: id.uuid) == .unanswered)
    }

    @Test("a phone an hour behind stops ringing after the push's 45 s, not after an hour")
    func phoneBehind() async {
        let harness = Harness()
        let id = CallID(UUID())
        harness.push(Self.push(harness, id, phoneAheadBy: -Self.hour))
        await harness.settle()
        #expect(harness.provider.live == [id.uuid])
        harness.clock.advance(by: .seconds(45))
        #expect(harness.provider.endReason(of: id.uuid) == .unanswered)
    }

    @Test("the window runs from arrival, also while CallKit takes its time to answer the report")
    func windowFromArrival() async {
        let harness = Harness()
        harness.provider.holdCompletions = true
        let id = CallID(UUID())
        harness.push(Self.push(harness, id, phoneAheadBy: 0))
        harness.clock.advance(by: .seconds(10))
        harness.provider.completePending()
        await harness.settle()
        harness.clock.advance(by: .milliseconds(34_999))
        #expect(harness.provider.live == [id.uuid])
        harness.clock.advance(by: .milliseconds(1))
        #expect(harness.provider.endReason(of: id.uuid) == .unanswered)
    }

    @Test("a push without a ring window (ringUntil ≤ sentAt) is stale whatever the phone's clock")
    func noWindow() async {
        let harness = Harness()
        let id = CallID(UUID())
        harness.push(Self.push(harness, id, phoneAheadBy: -Self.hour, windowMs: 0))
        await harness.settle()
        #expect(harness.provider.live.isEmpty)
        #expect(harness.provider.endedCalls.map(\.reason) == [.unanswered])
    }

    @Test("the sync rings a call still ringing this phone whatever the phone's clock says")
    func syncIgnoresPhoneClock() async throws {
        let harness = Harness()
        let id = CallID(UUID())
        var live = try serverCall(id, legs: [Leg(deviceId: Harness.deviceId, state: .pending)], ringUntil: 0)
        live.createdAt = harness.clock.nowMs - Self.hour
        live.ringUntil = live.createdAt + 45_000
        harness.server.syncResult = CallSyncResult(live: [live], ended: [])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.provider.live == [id.uuid])
        harness.clock.advance(by: .seconds(45))
        #expect(harness.provider.live.isEmpty, "never longer than the call's own window")
    }
}
