import Foundation
import Testing
@testable import CompanionCore

/// Issue 21 item 6 (phone side): a cancel received over the socket is acknowledged, so that the
/// server sends no cancel push after it (a cancel push must be reported to CallKit, and would show
/// a second, ended call in Recents).
@MainActor
@Suite("Cancel acknowledgement: a socket cancel the phone applied is acknowledged")
struct CancelAcknowledgementTests {
    @Test("a socket cancel of a ringing call is applied and acknowledged; no second call is shown")
    func acknowledged() async {
        let harness = Harness()
        let id = await harness.ring()
        // (Each answer in a local first: a failing #expect on a generic call crashes Swift 6.0.3.)
        let acknowledged = harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .cancelled))
        #expect(acknowledged)
        await harness.settle()
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.provider.reportedIncoming.count == 1)
        #expect(harness.coordinator.status.recents.map(\.id) == [id.uuid])
    }

    @Test("a cancel for a call this phone never saw is still acknowledged: it is remembered")
    func unknownCall() {
        let harness = Harness()
        let id = CallID(UUID())
        let acknowledged = harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .answeredElsewhere))
        #expect(acknowledged)
        // Its call push, late, rings nothing.
        harness.push(harness.callPush(id))
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("an unreadable cancel, and other broadcasts, are not acknowledged")
    func notAcknowledged() async {
        let harness = Harness()
        let id = await harness.ring()
        let unreadable = harness.server.broadcast("call:cancelled", json: #"{"reason":"cancelled"}"#)
        let directory = harness.server.broadcast(.directoryChanged, DirectoryChanged(version: 3))
        #expect(!unreadable && !directory)
        #expect(harness.coordinator.activeCallUUIDs == [id.uuid])
    }
}

/// Issue 21 item 7: on a flaky network a socket can look connected and be dead. The answer (or a
/// call to the console) goes over it only if it acknowledges within a second; otherwise a new
/// socket is made at once, so the answer reaches the server within two seconds of the tap.
@MainActor
@Suite("Half-dead socket: an answer reaches the server within two seconds of the tap")
struct HalfDeadSocketTests {
    @Test("the answer's ack does not come within a second: reconnect at once and send it again")
    func answerWithinTwoSeconds() async throws {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.script[.callReport] = [.hang]
        let tap = harness.clock.now
        harness.provider.perform(.answer, on: id.uuid)
        let answers = { harness.server.emits(.callReport).filter { (try? $0.decode(CallReport.self))?.event == .answered } }
        await harness.yieldUntil { answers().count == 1 }
        harness.clock.advance(by: .milliseconds(999))
        let earlyReconnects = harness.server.reconnectRequests
        harness.clock.advance(by: .milliseconds(1))
        await harness.yieldUntil { answers().count == 2 }
        let reconnects = harness.server.reconnectRequests
        let delivered = answers().last?.at
        // Unsticks a phone that waited for its normal timeout instead (the check above failed).
        harness.clock.advance(by: .seconds(10))
        await harness.settle()
        #expect(earlyReconnects == 0)
        #expect(reconnects == 1)
        #expect(try #require(delivered).timeIntervalSince(tap) <= 2)
        #expect(answers().compactMap { try? $0.decode(CallReport.self).seq }.prefix(2) == [2, 2])
        #expect(harness.outboxStore.saved.isEmpty, "delivered the second time")
    }

    @Test("a call to the console is urgent too; later reports keep the normal timeout")
    func startIsUrgentReportsAreNot() async {
        let harness = Harness()
        harness.server.script[.callStart] = [.hang]
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: UUID())
        await harness.yieldUntil { harness.server.emits(.callStart).count == 1 }
        harness.clock.advance(by: .seconds(1))
        await harness.yieldUntil { harness.server.emits(.callStart).count == 2 }
        let reconnects = harness.server.reconnectRequests
        harness.clock.advance(by: .seconds(10))
        await harness.settle()
        #expect(reconnects == 1)

        let other = Harness()
        let id = await other.answered()
        other.server.script[.callReport] = [.hang]
        other.provider.perform(.setHeld(true), on: id.uuid)
        await other.yieldUntil { other.server.reports(for: id).count == 3 }
        other.clock.advance(by: .seconds(7))
        #expect(other.server.reconnectRequests == 0)
        other.clock.advance(by: .seconds(1))
        await other.yieldUntil { other.server.reconnectRequests == 1 }
        // Not urgent: sent again after the backoff, not at once.
        await other.settle()
        #expect(other.server.reports(for: id).count == 3)
        other.clock.advance(by: RequestOutbox.backoff(attempt: 1))
        await other.settle()
        #expect(other.server.reports(for: id).count == 4)
    }
}

/// Issue 21 item 10, then issue 27: a call always starts as voice; video is an upgrade the agent
/// asks for during the call (VideoCallTests), so a push or a start action asking for it at the
/// start rings or places an audio call.
@MainActor
@Suite("Video: a call starts as voice, whatever the push or the start action asks")
struct VideoOffTests {
    @Test("a push asking for video rings as an audio call, and its media is prepared audio-only")
    func pushIsAudio() async {
        let harness = Harness()
        let id = CallID(UUID())
        harness.push(harness.callPush(id, video: true))
        #expect(harness.provider.reportedIncoming.first?.hasVideo == false)
        harness.provider.perform(.answer, on: id.uuid)
        #expect(harness.media.events.contains(.prepare(id, video: false)))
    }

    @Test("a start action asking for video (Recents, Siri) starts an audio call")
    func startIsAudio() async throws {
        let harness = Harness()
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: true), on: uuid)
        await harness.settle()
        #expect(harness.server.starts.map(\.video) == [false])
        #expect(harness.provider.events.contains(.updated(CallUpdate(
            uuid: uuid, handle: CallHandle("Switchboard"), callerName: "Switchboard", hasVideo: false
        ))))
        harness.coordinator.startCall()
        #expect(harness.controller.transactions.last.map { if case let .start(_, _, video) = $0 { video } else { true } } == false)
    }

    @Test("CallKit is configured with video (the upgrade shows on the call screen), one call at a time")
    func providerConfiguration() {
        #expect(CallKitConfiguration.app.supportsVideo)
        #expect(CallKitConfiguration.app.maximumCallGroups == 1)
        #expect(CallKitConfiguration.app.maximumCallsPerCallGroup == 1)
        #expect(CallKitConfiguration.app.includesCallsInRecents)
    }
}
