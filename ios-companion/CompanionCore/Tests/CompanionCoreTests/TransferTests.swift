import Foundation
import Testing
@testable import CompanionCore

/// A call an agent hands to another (issue 24 item 2): the phone keeps its one CallKit call, shows
/// it held while the two agents consult, and answers the new console's offer with a new peer.
@MainActor
@Suite("A transferred call: one CallKit call, held while the agents consult, media with the new console")
struct TransferTests {
    /// The server's view of an answered call of this phone, with the fixture's transfers.
    static func transferred(_ id: CallID, agentId: String, held: Bool, harness: Harness) throws -> Call {
        var call = try serverCall(
            id,
            state: .active,
            legs: [Leg(deviceId: Harness.deviceId, state: .answered)],
            ringUntil: harness.clock.nowMs + 45_000
        )
        let fixture = try Fixtures.decode(Call.self, kind: "call", file: "valid-transferred.json")
        call.answeredByDeviceId = Harness.deviceId
        call.agentId = agentId
        call.held = held
        call.transfers = fixture.transfers
        return call
    }

    @Test("a warm transfer holds the call on the call screen and the media, then resumes it with the new agent")
    func warmTransfer() async throws {
        let harness = Harness()
        let id = await harness.answered()
        let reportsBefore = harness.server.reports(for: id).count

        // The first agent starts a warm transfer: the person waits on hold while the agents talk.
        harness.server.broadcast(.callChanged, CallChanged(call: try Self.transferred(id, agentId: "agt_01", held: true, harness: harness)))
        await harness.settle()
        #expect(harness.controller.transactions.last == .setHeld(uuid: id.uuid, onHold: true))
        #expect(harness.media.events.last == .held(true, id))
        // CallKit's hold action comes back to the provider; the server said it, so it is not reported.
        _ = harness.provider.perform(.setHeld(true), on: id.uuid)
        await harness.settle()
        #expect(harness.server.reports(for: id).count == reportsBefore)

        // Completed: the call is the second agent's, off hold; the same call screen throughout.
        harness.server.broadcast(.callChanged, CallChanged(call: try Self.transferred(id, agentId: "agt_02", held: false, harness: harness)))
        await harness.settle()
        #expect(harness.controller.transactions.last == .setHeld(uuid: id.uuid, onHold: false))
        #expect(harness.media.events.last == .held(false, id))
        #expect(harness.provider.live == [id.uuid])
        #expect(harness.provider.reportedIncoming.count == 1)
        #expect(harness.provider.endReason(of: id.uuid) == nil)

        // The new console's first offer goes to the media engine, whose answerer replaces the peer
        // for an offer of another SDP session (AnswererTests: "an offer from a new SDP session").
        let offer = RtcSignal.offer(sdp: "v=0\r\no=- 77 2 IN IP4 127.0.0.1\r\ns=-\r\n")
        harness.server.broadcast(.rtcSignal, RtcSignalBroadcast(callId: id, from: "agt_02", signal: offer))
        #expect(harness.media.events.last == .signal(offer, id))
        #expect(harness.server.reports(for: id).allSatisfy { $0.event != .ended })
    }

    @Test("a blind transfer changes nothing on the phone but whose offer it answers")
    func blindTransfer() async throws {
        let harness = Harness()
        let id = await harness.answered()
        let transactions = harness.controller.transactions.count
        harness.server.broadcast(.callChanged, CallChanged(call: try Self.transferred(id, agentId: "agt_02", held: false, harness: harness)))
        await harness.settle()
        #expect(harness.controller.transactions.count == transactions)
        #expect(!harness.media.events.contains { if case .held = $0 { true } else { false } })
        #expect(harness.provider.live == [id.uuid])
    }
}
