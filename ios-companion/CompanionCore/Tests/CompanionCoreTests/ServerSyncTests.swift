import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Server: reports queued and retried, call:sync on every wake")
struct ServerSyncTests {
    @Test("call:sync on every (re)connect, naming the calls the phone shows")
    func syncOnConnect() async {
        let harness = Harness()
        await harness.settle()
        #expect(harness.server.syncs == [CallSync(callIds: [])])
        let id = await harness.ring()
        harness.server.simulateDisconnect()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.syncs.last == CallSync(callIds: [id]))
    }

    @Test("what the sync says is over is ended, with its reason")
    func syncEnds() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.syncResult = CallSyncResult(live: [], ended: [.init(callId: id, endReason: .cancelled)])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("a live call still ringing this phone, whose push never came, is rung from the sync — once")
    func syncRingsLostPush() async throws {
        let harness = Harness()
        let id = CallID(UUID())
        let live = try serverCall(id, legs: [Leg(deviceId: Harness.deviceId, state: .pending)], ringUntil: harness.clock.nowMs + 30_000)
        harness.server.syncResult = CallSyncResult(live: [live], ended: [])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.provider.live == [id.uuid])
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])

        // The push arrives late: still one call.
        harness.push(harness.callPush(id))
        await harness.settle()
        #expect(harness.provider.live == [id.uuid])
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])
    }

    @Test("the sync does not ring calls without a ring window, ended here, or not ringing this phone")
    func syncDoesNotRing() async throws {
        let harness = Harness()
        let declined = await harness.ring()
        harness.provider.perform(.end, on: declined.uuid)
        await harness.settle()
        let now = harness.clock.nowMs
        var noWindow = try serverCall(CallID(UUID()), ringUntil: 0)
        noWindow.ringUntil = noWindow.createdAt
        harness.server.syncResult = CallSyncResult(live: [
            noWindow,
            try serverCall(declined, ringUntil: now + 30_000),
            try serverCall(CallID(UUID()), legs: [Leg(deviceId: "dev_ipad", state: .ringing)], ringUntil: now + 30_000),
            try serverCall(CallID(UUID()), direction: .inbound, ringUntil: now + 30_000),
        ], ended: [])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.provider.live.isEmpty)
    }

    @Test("reports wait while the socket is down and go out, in order, on reconnect")
    func queuedWhileDisconnected() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.simulateDisconnect()
        harness.provider.perform(.answer, on: id.uuid)
        harness.provider.perform(.setMuted(true), on: id.uuid)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered, .muted])
        #expect(harness.server.reports(for: id).map(\.seq) == [1, 2, 3])
    }

    @Test("a report without an ack is retried with backoff, the same seq each time, until acknowledged")
    func retriedOnTimeout() async {
        let harness = Harness()
        harness.server.script[.callReport] = [.timeout, .timeout, TestServerConnection.error(.unavailable)]
        let id = await harness.ring()
        #expect(harness.server.reports(for: id).count == 1)
        harness.clock.advance(by: .milliseconds(499))
        await harness.settle()
        #expect(harness.server.reports(for: id).count == 1, "no retry before the backoff")
        harness.clock.advance(by: .milliseconds(1))
        await harness.settle()
        #expect(harness.server.reports(for: id).count == 2)
        harness.clock.advance(by: .seconds(1))
        await harness.settle()
        #expect(harness.server.reports(for: id).count == 3)
        harness.clock.advance(by: .seconds(2))
        await harness.settle()
        let reports = harness.server.reports(for: id)
        #expect(reports.count == 4)
        #expect(Set(reports.map(\.seq)) == [1])
        #expect(Set(reports.map(\.at)).count == 1, "a retry repeats the report, time included")
        harness.clock.advance(by: .seconds(30))
        await harness.settle()
        #expect(harness.server.reports(for: id).count == 4, "acknowledged: no more retries")
    }

    @Test("backoff doubles from 0.5 s and stops growing at 30 s")
    func backoff() {
        #expect(RequestOutbox.backoff(attempt: 1) == .milliseconds(500))
        #expect(RequestOutbox.backoff(attempt: 2) == .seconds(1))
        #expect(RequestOutbox.backoff(attempt: 5) == .seconds(8))
        #expect(RequestOutbox.backoff(attempt: 50) == .seconds(30))
    }

    @Test("a refused report is not retried", arguments: [ErrorCode.invalidTransition, .badRequest, .forbidden])
    func refusedNotRetried(code: ErrorCode) async {
        let harness = Harness()
        harness.server.script[.callReport] = [TestServerConnection.error(code)]
        let id = await harness.ring()
        harness.clock.advance(by: .seconds(30)) // well past any backoff, before the ring deadline
        await harness.settle()
        #expect(harness.server.reports(for: id).count == 1)
        #expect(harness.provider.live == [id.uuid], "\(code.rawValue) alone does not end the call")
    }

    @Test("ANSWERED_ELSEWHERE on answering ends the call as answered elsewhere")
    func answeredElsewhereAck() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.script[.callReport] = [TestServerConnection.error(.answeredElsewhere)]
        harness.provider.perform(.answer, on: id.uuid)
        await harness.settle()
        #expect(harness.provider.endReason(of: id.uuid) == .answeredElsewhere)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
    }

    @Test("CALL_ENDED on a report asks call:sync, which ends the call with the server's reason")
    func callEndedAck() async {
        let harness = Harness()
        await harness.settle()
        let id = CallID(UUID())
        harness.server.script[.callReport] = [TestServerConnection.error(.callEnded, "call ended (cancelled)")]
        harness.server.syncResult = CallSyncResult(live: [], ended: [.init(callId: id, endReason: .cancelled)])
        let syncsBefore = harness.server.syncs.count
        _ = await harness.ring(id)
        #expect(harness.server.syncs.count > syncsBefore)
        #expect(harness.server.syncs.last?.callIds == [id])
        #expect(harness.provider.endReason(of: id.uuid) == .remoteEnded)
    }

    @Test("directory:changed is handed to the app with its version; an invalid one is not")
    func directoryChanged() throws {
        let harness = Harness()
        var versions: [Int] = []
        harness.coordinator.onDirectoryChanged = { versions.append($0) }
        harness.server.broadcast("directory:changed", json: String(decoding: try Fixtures.data(kind: "directory-changed", file: "valid-basic.json"), as: UTF8.self))
        harness.server.broadcast("directory:changed", json: String(decoding: try Fixtures.data(kind: "directory-changed", file: "invalid-negative.json"), as: UTF8.self))
        #expect(versions == [7])
    }
}

@MainActor
@Suite("VoIP token: sent as lowercase hex on every update")
struct TokenTests {
    static let token = Data((0..<32).map { UInt8(($0 * 7 + 0xA0) & 0xFF) })

    @Test("hex is lowercase, two digits per byte")
    func hex() {
        #expect(VoipToken.hex(Data([0x00, 0x0F, 0xA1, 0xFF])) == "000fa1ff")
        #expect(VoipToken.hex(Self.token).count == 64)
    }

    @Test("every token update sends device:update, valid against the schema")
    func everyUpdateIsSent() async throws {
        let harness = Harness()
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        await harness.settle()
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        await harness.settle()
        let other = Data(repeating: 0xAB, count: 32)
        harness.registry.delegate?.pushRegistry(didUpdateToken: other)
        await harness.settle()
        let updates = harness.server.deviceUpdates
        #expect(updates.map(\.voipToken) == [VoipToken.hex(Self.token), VoipToken.hex(Self.token), VoipToken.hex(other)])
        #expect(updates.allSatisfy { $0.apnsEnvironment == .sandbox && $0.appVersion == "1.0.0 (12)" })
        #expect(harness.coordinator.status.tokenAcknowledged)
        #expect(harness.coordinator.status.voipToken == VoipToken.hex(other))
    }

    @Test("a token that arrives before the socket is sent when it connects, and retried until acknowledged")
    func sentOnConnect() async {
        let harness = Harness(connected: false)
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        await harness.settle()
        #expect(harness.server.deviceUpdates.isEmpty)
        harness.server.script[.deviceUpdate] = [.timeout]
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.deviceUpdates.count == 1)
        #expect(!harness.coordinator.status.tokenAcknowledged)
        harness.clock.advance(by: .seconds(1))
        await harness.settle()
        #expect(harness.server.deviceUpdates.count == 2)
        #expect(harness.coordinator.status.tokenAcknowledged)
    }

    @Test("only the newest waiting token is sent")
    func newestWins() async {
        let harness = Harness(connected: false)
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        harness.registry.delegate?.pushRegistry(didUpdateToken: Data(repeating: 1, count: 32))
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.deviceUpdates.map(\.voipToken) == [VoipToken.hex(Data(repeating: 1, count: 32))])
    }

    @Test("after pairing again, the current token goes to the new device record on connect")
    func sentAgainAfterPairing() async {
        let harness = Harness()
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        await harness.settle()
        #expect(harness.coordinator.status.tokenAcknowledged)
        // What the app does on pairing again: a new device id, then a new socket.
        harness.server.simulateDisconnect()
        harness.coordinator.configuration.deviceId = "dev_iphone_repaired"
        #expect(!harness.coordinator.status.tokenAcknowledged, "the new device record has no token yet")
        harness.coordinator.appDidBecomeActive()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.deviceUpdates.map(\.voipToken) == [VoipToken.hex(Self.token), VoipToken.hex(Self.token)])
        #expect(harness.coordinator.status.tokenAcknowledged)
    }

    @Test("a token the server has not acknowledged is sent again on every reconnect, and not once it has")
    func resentOnReconnectUntilAcknowledged() async {
        let harness = Harness()
        harness.server.script[.deviceUpdate] = [TestServerConnection.error(.forbidden, "not yet")]
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        await harness.settle()
        #expect(harness.server.deviceUpdates.count == 1)
        #expect(!harness.coordinator.status.tokenAcknowledged)
        harness.server.simulateDisconnect()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.deviceUpdates.count == 2)
        #expect(harness.coordinator.status.tokenAcknowledged)
        harness.server.simulateDisconnect()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.deviceUpdates.count == 2, "acknowledged for this device: not sent again")
    }

    @Test("an unpaired phone keeps its token and sends it once paired")
    func sentOncePaired() async {
        let harness = Harness(deviceId: nil, connected: false)
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        harness.coordinator.didPair(deviceId: "dev_new")
        #expect(harness.server.connectRequests == 1)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.deviceUpdates.map(\.voipToken) == [VoipToken.hex(Self.token)])
        #expect(harness.coordinator.status.tokenAcknowledged)
        harness.coordinator.didUnpair()
        #expect(!harness.coordinator.status.tokenAcknowledged)
        #expect(harness.coordinator.configuration.deviceId == nil)
    }

    @Test("an invalidated token is cleared from the status")
    func invalidated() {
        let harness = Harness()
        harness.registry.delegate?.pushRegistry(didUpdateToken: Self.token)
        harness.registry.delegate?.pushRegistryDidInvalidateToken()
        #expect(harness.coordinator.status.voipToken == nil)
    }
}
