import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Cancellation: by push or socket, idempotent, even before the call")
struct CancellationTests {
    @Test("a cancel push for a ringing call ends it with the matching reason", arguments: [
        (EndReason.cancelled, CallEndedReason.remoteEnded),
        (.answeredElsewhere, .answeredElsewhere),
        (.declined, .declinedElsewhere),
        (.missed, .unanswered),
    ])
    func cancelPush(reason: EndReason, expected: CallEndedReason) async {
        let harness = Harness()
        let id = await harness.ring()
        let delivery = harness.push(.cancel(CancelPush(callId: id, reason: reason)))
        #expect(delivery.reportsAtCompletion == 1, "a cancel push is a VoIP push too: it must be reported")
        #expect(harness.provider.endReason(of: id.uuid) == expected)
        #expect(harness.provider.live.isEmpty)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a cancel push before its call: reported and ended, and the later call push too")
    func cancelBeforeCall() async {
        let harness = Harness()
        let id = CallID(UUID())
        let cancel = harness.push(.cancel(CancelPush(callId: id, reason: .cancelled)))
        #expect(cancel.reportsAtCompletion == 1)
        #expect(harness.provider.live.isEmpty)

        let call = harness.push(harness.callPush(id))
        await harness.settle()
        #expect(call.reportsAtCompletion == 1)
        #expect(harness.provider.live.isEmpty, "the late call push must not keep ringing")
        #expect(harness.provider.endedCalls.filter { $0.uuid == id.uuid }.count == 2)
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.server.reports(for: id).isEmpty)
    }

    @Test("a socket call:cancelled before the push: the push is reported and ended at once")
    func socketCancelBeforePush() async {
        let harness = Harness()
        let id = CallID(UUID())
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .answeredElsewhere))
        harness.push(harness.callPush(id))
        await harness.settle()
        #expect(harness.provider.live.isEmpty)
        #expect(harness.provider.endReason(of: id.uuid) == .answeredElsewhere)
    }

    @Test("call:cancelled for a ringing call ends it (answered on another device)")
    func socketCancel() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .answeredElsewhere))
        #expect(harness.provider.endReason(of: id.uuid) == .answeredElsewhere)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        // Nothing is reported back: the server ended it.
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])
    }

    @Test("cancelling twice (push and socket) ends the call once")
    func idempotent() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .cancelled))
        harness.push(.cancel(CancelPush(callId: id, reason: .cancelled)))
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .cancelled))
        let endings = harness.provider.endedCalls.filter { $0.uuid == id.uuid }
        // The second (push) cancel is reported and ended again under the same UUID, which CallKit
        // no longer shows; the call itself ended once and nothing rings.
        #expect(endings.allSatisfy { $0.reason == .remoteEnded })
        #expect(harness.provider.live.isEmpty)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a cancel while CallKit is still registering the call ends it as soon as it is registered")
    func cancelDuringReport() async {
        let harness = Harness()
        harness.provider.holdCompletions = true
        let id = CallID(UUID())
        let delivery = harness.push(harness.callPush(id))
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .cancelled))
        #expect(harness.provider.endedCalls.isEmpty)
        harness.provider.completePending()
        await harness.settle()
        #expect(delivery.completions == 1)
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.provider.live.isEmpty)
        #expect(harness.server.reports(for: id).isEmpty, "a call cancelled before it rang was never reported")
    }

    @Test("call:changed showing this phone's leg ended ends the call with the leg's reason")
    func callChangedLegEnded() async throws {
        let harness = Harness()
        let id = await harness.ring()
        let call = try serverCall(id, legs: [
            Leg(deviceId: Harness.deviceId, state: .ended, endReason: .answeredElsewhere),
            Leg(deviceId: "dev_ipad", state: .answered),
        ], ringUntil: harness.clock.nowMs + 40_000)
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        #expect(harness.provider.endReason(of: id.uuid) == .answeredElsewhere)
    }

    @Test("call:changed to ended ends the call with the call's reason")
    func callChangedEnded() async throws {
        let harness = Harness()
        let id = await harness.answered()
        let call = try serverCall(id, state: .ended, legs: [Leg(deviceId: Harness.deviceId, state: .answered)],
                                  endReason: .completed, ringUntil: 0)
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.media.events.last == .close(id))
    }

    @Test("an invalid broadcast changes nothing", arguments: Fixtures.invalid(kind: "call-cancelled"))
    func invalidBroadcast(file: Fixtures.File) async throws {
        let harness = Harness()
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        _ = await harness.ring(id)
        harness.server.broadcast("call:cancelled", json: String(decoding: try file.data(), as: UTF8.self))
        #expect(harness.provider.live == [id.uuid])
    }
}
