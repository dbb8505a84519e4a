import Foundation
import Testing
@testable import CompanionCore

/// Apple's sample fulfils `CXStartCallAction` once the call is set up locally; the call screen then
/// follows the server: connecting once the server took the call, connected once an agent accepted,
/// ended by `reportCall(with:endedAt:reason:)` when the server refuses or never answers.
@MainActor
@Suite("Outgoing calls: fulfilled at once, then reported as the server answers")
struct OutgoingCallReportingTests {
    static func start(_ harness: Harness, video: Bool = false) -> (UUID, TestCallAction) {
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: video), on: uuid)
        return (uuid, action)
    }

    @Test("the start action is fulfilled at once, before the server has answered")
    func fulfilledAtOnce() throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try OutgoingCallTests.inboundCall(harness)
        let (uuid, action) = Self.start(harness)
        #expect(action.outcome == .fulfilled)
        #expect(harness.audio.events == [.configure(.voiceCall)], "audio configured before fulfilling, started only by CallKit")
        #expect(harness.coordinator.activeCallUUIDs == [uuid])
    }

    @Test("startedConnecting is reported when the server has taken the call, not before")
    func startedConnectingFromServer() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try OutgoingCallTests.inboundCall(harness)
        let (uuid, _) = Self.start(harness)
        #expect(!harness.provider.events.contains(.startedConnecting(uuid)))
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.provider.events.filter { $0 == .startedConnecting(uuid) }.count == 1)
        #expect(!harness.provider.events.contains(.connected(uuid)), "no agent has accepted yet")
    }

    @Test("a refused call:start ends the call on the call screen as failed", arguments: [
        TestServerConnection.error(.busy, "this phone is already in a call"),
        TestServerConnection.error(.conflict),
        .ack("not json"),
    ])
    func refusedEndsCall(reply: TestServerConnection.Reply) async {
        let harness = Harness()
        harness.server.script[.callStart] = [reply]
        let (uuid, action) = Self.start(harness)
        await harness.settle()
        #expect(action.outcome == .fulfilled)
        #expect(harness.provider.endReason(of: uuid) == .failed)
        #expect(!harness.provider.events.contains(.startedConnecting(uuid)))
        #expect(harness.provider.live.isEmpty)
    }

    @Test("no agent online: the call the server ended at once ends on the call screen")
    func unreachableEndsCall() async throws {
        let harness = Harness()
        harness.server.startedCall = try OutgoingCallTests.inboundCall(harness, state: .ended, endReason: .unreachable)
        let (uuid, _) = Self.start(harness)
        await harness.settle()
        #expect(harness.provider.endReason(of: uuid) == .failed)
        #expect(harness.coordinator.status.recents.first?.endReason == .unreachable)
    }

    @Test("no answer from the server by startTimeout ends the call on the call screen")
    func deadlineEndsCall() async throws {
        let harness = Harness(connected: false)
        let (uuid, _) = Self.start(harness)
        harness.clock.advance(by: .seconds(20))
        await harness.settle()
        #expect(harness.provider.endReason(of: uuid) == .failed)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("hanging up while starting ends it through CallKit's own end action: no second ending is reported")
    func hangUpWhileStarting() {
        let harness = Harness(connected: false)
        let (uuid, _) = Self.start(harness)
        let end = harness.provider.perform(.end, on: uuid)
        #expect(end.outcome == .fulfilled)
        #expect(harness.provider.endedCalls.isEmpty)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a call to the console is described to CallKit: name, handle, audio only, and what it supports")
    func describedToCallKit() throws {
        let harness = Harness(connected: false)
        let (uuid, _) = Self.start(harness, video: true)
        let expected = CallUpdate(uuid: uuid, handle: CallHandle(kind: .generic, value: "Switchboard"),
                                  callerName: "Switchboard", hasVideo: false)
        #expect(harness.provider.events.contains(.updated(expected)), "asked for video, described as audio (issue 21 item 10)")
        #expect(expected.supportsHolding && !expected.supportsDTMF && !expected.supportsGrouping && !expected.supportsUngrouping)
    }
}
