import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Media signals: a bye ends the call, not only its media")
struct MediaSignalTests {
    @Test("an rtc bye for an answered call ends it on the call screen and on the server")
    func byeEndsCall() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.server.broadcast(.rtcSignal, RtcSignalBroadcast(callId: id, from: "agt_01", signal: .bye))
        await harness.settle()
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.provider.live.isEmpty, "no silent call screen left behind")
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        #expect(harness.media.events.last == .close(id))
        #expect(harness.server.reports(for: id).last?.event == .ended)
        #expect(harness.coordinator.status.recents.first?.endReason == .completed)
    }

    @Test("a bye for a call to the console, once an agent took it, ends it too")
    func byeEndsOutgoingCall() async throws {
        let harness = Harness()
        let uuid = try await OutgoingCallTests.dialing(harness)
        var call = try #require(harness.server.startedCall)
        call.state = .active
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        harness.server.broadcast(.rtcSignal, RtcSignalBroadcast(callId: CallID(uuid), from: "agt_01", signal: .bye))
        #expect(harness.provider.endReason(of: uuid) == .remoteEnded)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a bye for a call still ringing is left to the server's cancel")
    func byeWhileRinging() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.broadcast(.rtcSignal, RtcSignalBroadcast(callId: id, from: "agt_01", signal: .bye))
        #expect(harness.provider.live == [id.uuid])
    }
}
