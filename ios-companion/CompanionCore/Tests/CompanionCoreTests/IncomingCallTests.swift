import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Incoming calls: every push is reported, one call per id")
struct IncomingCallTests {
    // MARK: - Launch

    @Test("start() sets the provider delegate before the push registry exists to deliver")
    func delegateBeforeRegistry() {
        let harness = Harness(connected: false)
        #expect(harness.registry.registrations == 1)
        #expect(harness.providerEventsAtRegistration == [.setDelegate])
    }

    @Test("start() is idempotent: one provider delegate, one registry registration")
    func startOnce() {
        let harness = Harness(connected: false)
        harness.coordinator.start()
        #expect(harness.registry.registrations == 1)
        #expect(harness.provider.events.filter { $0 == .setDelegate }.count == 1)
    }

    // MARK: - Every push is reported

    @Test("every push, valid or not, is reported to CallKit exactly once before its completion", arguments:
        Fixtures.payloads(kind: "push-payload") + [Data(), Data("garbage".utf8), Data(#"{"aps":{}}"#.utf8)])
    func everyPushIsReported(payload: Data) {
        let harness = Harness()
        let delivery = harness.push(payload)
        #expect(delivery.completions == 1)
        #expect(delivery.reportsAtCompletion == 1)
        #expect(harness.provider.reportedIncoming.count == 1)
    }

    @Test("completion waits for CallKit's answer to the report")
    func completionAfterCallKitAnswers() {
        let harness = Harness()
        harness.provider.holdCompletions = true
        let delivery = harness.push(harness.callPush())
        #expect(harness.provider.reportedIncoming.count == 1)
        #expect(delivery.completions == 0)
        harness.provider.completePending()
        #expect(delivery.completions == 1)
    }

    @Test("the call update carries the caller name and handle from the push")
    func updateIsPopulated() {
        let harness = Harness()
        let id = CallID(UUID())
        harness.push(harness.callPush(id, handle: "+15551234567", callerName: "Support · Alice", video: true))
        let update = harness.provider.reportedIncoming.first
        #expect(update == CallUpdate(
            uuid: id.uuid,
            handle: CallHandle(kind: .phoneNumber, value: "+15551234567"),
            callerName: "Support · Alice",
            hasVideo: false
        ), "a video push rings as audio: video is not a feature yet (issue 21 item 10)")
    }

    @Test("every reported call says what it supports: hold, but no DTMF and no grouping")
    func capabilities() {
        let harness = Harness()
        harness.push(harness.callPush())
        harness.push(Data("garbage".utf8))
        #expect(harness.provider.reportedIncoming.count == 2)
        for update in harness.provider.reportedIncoming {
            #expect(update.supportsHolding)
            #expect(!update.supportsDTMF && !update.supportsGrouping && !update.supportsUngrouping)
        }
    }

    @Test("every reported update has a non-empty caller name and handle", arguments:
        Fixtures.payloads(kind: "push-payload") + [Data()])
    func updatesNeverEmpty(payload: Data) {
        let harness = Harness()
        harness.push(payload)
        for update in harness.provider.reportedIncoming {
            #expect(!update.callerName.isEmpty)
            #expect(!update.handle.value.isEmpty)
        }
    }

    @Test("an empty caller name falls back to the handle; a non-E.164 handle is generic")
    func fallbacks() {
        let harness = Harness()
        harness.push(harness.callPush(handle: "support", callerName: ""))
        let update = harness.provider.reportedIncoming.first
        #expect(update?.callerName == "support")
        #expect(update?.handle.kind == .generic)
    }

    // MARK: - Ringing

    @Test("a fresh call push rings and is reported to the server with seq 1")
    func ringsAndReports() async {
        let harness = Harness()
        let id = await harness.ring()
        #expect(harness.provider.live == [id.uuid])
        #expect(harness.provider.endedCalls.isEmpty)
        let reports = harness.server.reports(for: id)
        #expect(reports.map(\.event) == [.reported])
        #expect(reports.first?.seq == 1)
        #expect(reports.first?.at == harness.clock.nowMs)
    }

    @Test("the same call pushed twice is one call, reported to the server once")
    func duplicatePush() async {
        let harness = Harness()
        let id = await harness.ring()
        let second = harness.push(harness.callPush(id))
        await harness.settle()
        #expect(second.reportsAtCompletion == 1, "the duplicate push must still be reported")
        #expect(harness.provider.live == [id.uuid])
        #expect(harness.provider.endedCalls.isEmpty, "the duplicate must not end the ringing call")
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])
        #expect(harness.coordinator.activeCallUUIDs == [id.uuid])
    }

    @Test("a stale push (now >= ringUntil) is reported, then ended at once, and not reported to the server")
    func stalePush() async {
        let harness = Harness()
        let id = CallID(UUID())
        let delivery = harness.push(harness.callPush(id, ringFor: .zero))
        await harness.settle()
        #expect(delivery.reportsAtCompletion == 1)
        #expect(harness.provider.endedCalls.map(\.reason) == [.unanswered])
        #expect(harness.provider.live.isEmpty)
        #expect(harness.server.reports(for: id).isEmpty)
    }

    @Test("a malformed push is reported under a fresh UUID and ended as failed")
    func malformedPush() throws {
        let harness = Harness()
        let delivery = harness.push(try Fixtures.data(kind: "push-payload", file: "invalid-no-switchboard-key.json"))
        let uuid = try #require(harness.provider.reportedIncoming.first?.uuid)
        #expect(delivery.completions == 1)
        #expect(harness.provider.endReason(of: uuid) == .failed)
        #expect(harness.provider.live.isEmpty)
    }

    @Test("a malformed push with a readable id is ended under a new UUID: a valid push for the id still rings")
    func malformedWithId() async throws {
        let harness = Harness()
        harness.push(try Fixtures.data(kind: "push-payload", file: "invalid-string-video.json"))
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        let reported = try #require(harness.provider.reportedIncoming.first?.uuid)
        #expect(reported != id.uuid)
        #expect(harness.provider.endReason(of: reported) == .failed)
        _ = await harness.ring(id)
        #expect(harness.provider.live == [id.uuid])
    }

    @Test("a malformed push naming a ringing call does not end it")
    func malformedForLiveCall() async throws {
        let harness = Harness()
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        _ = await harness.ring(id)
        let delivery = harness.push(try Fixtures.data(kind: "push-payload", file: "invalid-string-video.json"))
        #expect(delivery.reportsAtCompletion == 1)
        #expect(harness.provider.live == [id.uuid])
    }

    @Test("a ringing call nobody cancels ends itself at its deadline")
    func ringTimeout() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.clock.advance(by: .seconds(44))
        #expect(harness.provider.live == [id.uuid])
        harness.clock.advance(by: .seconds(1))
        #expect(harness.provider.endReason(of: id.uuid) == .unanswered)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("an answered call is not ended at the ring deadline")
    func answeredOutlivesDeadline() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.clock.advance(by: .seconds(60))
        #expect(harness.provider.endedCalls.isEmpty)
        #expect(harness.coordinator.activeCallUUIDs == [id.uuid])
    }

    @Test("a call CallKit filters (Do Not Disturb) is reported to the server as declined")
    func filteredCall() async {
        let harness = Harness()
        harness.provider.refuseNext = .filteredByDoNotDisturb
        let id = CallID(UUID())
        let delivery = harness.push(harness.callPush(id))
        await harness.settle()
        #expect(delivery.completions == 1)
        let reports = harness.server.reports(for: id)
        #expect(reports.map(\.event) == [.ended])
        #expect(reports.first?.reason == .declined)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a push wakes the socket: connect when down, sync when up")
    func pushWakes() async {
        let down = Harness(connected: false)
        down.push(down.callPush())
        #expect(down.server.connectRequests == 1)

        let up = Harness()
        await up.settle()
        let syncsBefore = up.server.syncs.count
        up.push(up.callPush())
        await up.settle()
        #expect(up.server.syncs.count == syncsBefore + 1)
    }

    @Test("an unpaired phone still reports pushes but does not try to connect")
    func unpaired() {
        let harness = Harness(deviceId: nil, connected: false)
        let delivery = harness.push(harness.callPush())
        #expect(delivery.reportsAtCompletion == 1)
        #expect(harness.server.connectRequests == 0)
    }
}
