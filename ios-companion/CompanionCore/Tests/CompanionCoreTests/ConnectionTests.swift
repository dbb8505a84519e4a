import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Connection: woken by calls, closed in the background, forced back when acks stop")
struct ConnectionTests {
    @Test("answering while the socket is down asks it to connect; the answer goes out once it is up")
    func answerConnects() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.simulateDisconnect()
        harness.provider.perform(.answer, on: id.uuid)
        #expect(harness.server.connectRequests == 1)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered])
    }

    @Test("a report without an ack forces a reconnect: the socket may look up and be dead")
    func reportTimeoutReconnects() async {
        let harness = Harness()
        harness.server.script[.callReport] = [.timeout]
        let id = await harness.ring()
        #expect(harness.server.reconnectRequests == 1)
        harness.clock.advance(by: RequestOutbox.backoff(attempt: 1))
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .reported])
    }

    @Test("a call:sync without an ack forces a reconnect; a refused one does not")
    func syncTimeoutReconnects() async {
        let harness = Harness(connected: false)
        harness.server.script[.callSync] = [.timeout]
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.reconnectRequests == 1)

        let refused = Harness(connected: false)
        refused.server.script[.callSync] = [TestServerConnection.error(.badRequest), .disconnected]
        refused.server.simulateConnect()
        await refused.settle()
        refused.coordinator.appDidBecomeActive()
        await refused.settle()
        #expect(refused.server.reconnectRequests == 0)
    }

    // MARK: - Background

    @Test("in the background with no call the socket is closed; back in the foreground it connects")
    func backgroundCloses() async {
        let harness = Harness()
        await harness.settle()
        harness.coordinator.appDidEnterBackground()
        #expect(harness.server.disconnectRequests == 1)
        #expect(!harness.server.isConnected)
        harness.coordinator.appDidBecomeActive()
        #expect(harness.server.connectRequests == 1)
    }

    @Test("in the background a call keeps the socket until it is over and its last report acknowledged")
    func backgroundKeepsCall() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.coordinator.appDidEnterBackground()
        #expect(harness.server.disconnectRequests == 0)
        harness.provider.perform(.end, on: id.uuid)
        #expect(harness.server.disconnectRequests == 0, "the ended report has not gone out yet")
        await harness.settle()
        #expect(harness.server.reports(for: id).last?.event == .ended)
        #expect(harness.server.disconnectRequests == 1)
    }

    @Test("a push in the background connects for its call, and the socket closes again once it is over")
    func backgroundPush() async {
        let harness = Harness(connected: false)
        harness.coordinator.appDidEnterBackground()
        #expect(harness.server.disconnectRequests == 0, "nothing to close")
        let id = CallID(UUID())
        harness.push(harness.callPush(id))
        #expect(harness.server.connectRequests == 1)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])
        #expect(harness.server.disconnectRequests == 0, "the call still rings")
        harness.server.broadcast(.callCancelled, CallCancelled(callId: id, reason: .answeredElsewhere))
        await harness.settle()
        #expect(harness.server.disconnectRequests == 1)
    }

    @Test("a push for a call already over, in the background: the sync runs, then the socket closes")
    func backgroundPushForEndedCall() async {
        let harness = Harness(connected: false)
        harness.coordinator.appDidEnterBackground()
        harness.push(.cancel(CancelPush(callId: CallID(UUID()), reason: .cancelled)))
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.syncs.count == 1)
        #expect(harness.server.disconnectRequests == 1)
    }
}
