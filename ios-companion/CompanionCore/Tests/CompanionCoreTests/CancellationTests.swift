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

    @Test("a cancel push after the socket's cancel (the common case) is a new call, ended at once")
    func cancelPushAfterSocketCancel() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .answeredElsewhere))
        let delivery = harness.push(.cancel(CancelPush(callId: id, reason: .answeredElsewhere)))
        #expect(delivery.reportsAtCompletion == 1)
        let reported = harness.provider.reportedIncoming.last?.uuid
        #expect(reported != id.uuid, "the ended call's UUID would be refused as callUUIDAlreadyExists")
        #expect(harness.provider.answers.last == .some(nil))
        #expect(harness.provider.endReason(of: reported ?? id.uuid) == .answeredElsewhere)
        #expect(harness.provider.live.isEmpty)
    }

    @Test("every push for a call already over is reported under its own fresh UUID and ended", arguments: [
        PushKindForOverCall.call, .cancel, .stale, .malformed,
    ])
    func overCallsGetFreshUUIDs(kind: PushKindForOverCall) async throws {
        let harness = Harness()
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        _ = await harness.ring(id)
        harness.provider.perform(.end, on: id.uuid) // declined here
        await harness.settle()
        for _ in 0..<2 {
            switch kind {
            case .call: harness.push(harness.callPush(id))
            case .cancel: harness.push(.cancel(CancelPush(callId: id, reason: .declined)))
            case .stale: harness.push(harness.callPush(id, ringFor: .zero))
            case .malformed: harness.push(try Fixtures.data(kind: "push-payload", file: "invalid-string-video.json"))
            }
        }
        let uuids = harness.provider.reportedIncoming.map(\.uuid)
        #expect(uuids.count == 3)
        #expect(Set(uuids).count == 3, "one new UUID per push")
        #expect(harness.provider.answers == [nil, nil, nil], "never callUUIDAlreadyExists")
        #expect(harness.provider.live.isEmpty)
        #expect(harness.provider.endedCalls.count == 2)
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
        #expect(harness.provider.endedCalls.count == 2)
        #expect(harness.provider.endedCalls.allSatisfy { $0.reason == .remoteEnded })
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
        #expect(harness.provider.endedCalls.map(\.reason) == [.answeredElsewhere])
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
        // The push cancel is reported and ended under a new UUID; the call itself ended once.
        #expect(harness.provider.endedCalls.filter { $0.uuid == id.uuid }.count == 1)
        #expect(harness.provider.endedCalls.allSatisfy { $0.reason == .remoteEnded })
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

    @Test("a call:cancelled without a readable call id changes nothing")
    func invalidBroadcast() async throws {
        let harness = Harness()
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        _ = await harness.ring(id)
        harness.server.broadcast("call:cancelled", json: String(decoding: try Fixtures.data(kind: "call-cancelled", file: "invalid-missing-call-id.json"), as: UTF8.self))
        harness.server.broadcast("call:cancelled", json: #"{"callId":"6f1c2a9e","reason":"cancelled"}"#)
        #expect(harness.provider.live == [id.uuid])
    }

    @Test("a call:cancelled with an end reason this app does not know still ends the call")
    func unknownReasonBroadcast() async throws {
        let harness = Harness()
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        _ = await harness.ring(id)
        // A newer server's reason ("because" in the fixture): the schema refuses it, the call is still over.
        harness.server.broadcast("call:cancelled", json: String(decoding: try Fixtures.data(kind: "call-cancelled", file: "invalid-reason.json"), as: UTF8.self))
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a cancel push with an end reason this app does not know still ends the ringing call")
    func unknownReasonPush() async throws {
        let harness = Harness()
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        _ = await harness.ring(id)
        let delivery = harness.push(try Fixtures.data(kind: "push-payload", file: "invalid-cancel-unknown-reason.json"))
        #expect(delivery.reportsAtCompletion == 1)
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.provider.live.isEmpty)
    }
}

enum PushKindForOverCall: String, CaseIterable, Sendable {
    case call, cancel, stale, malformed
}
