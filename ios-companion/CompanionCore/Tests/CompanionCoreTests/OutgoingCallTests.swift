import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Outgoing calls: the phone calls the console")
struct OutgoingCallTests {
    /// The call the server creates for `call:start`.
    static func inboundCall(_ harness: Harness, state: CallState = .ringing, endReason: EndReason? = nil) throws -> Call {
        var call = try serverCall(
            CallID(UUID()),
            direction: .inbound,
            state: state,
            legs: [Leg(deviceId: Harness.deviceId, state: .answered)],
            endReason: endReason,
            ringUntil: harness.clock.nowMs + 45_000
        )
        call.agentId = nil
        return call
    }

    /// Starts a call and lets the server take it; returns the CallKit UUID.
    static func dialing(_ harness: Harness) async throws -> UUID {
        harness.server.startedCall = try inboundCall(harness)
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        return uuid
    }

    @Test("startCall asks CXCallController for a start transaction to the console")
    func startTransaction() {
        let harness = Harness()
        harness.coordinator.startCall(video: true)
        guard case let .start(_, handle, video)? = harness.controller.transactions.first else {
            Issue.record("no start transaction")
            return
        }
        #expect(handle == CallHandle(kind: .generic, value: "Switchboard"))
        #expect(video)
    }

    @Test("CXStartCallAction: startedConnecting at once, call:start, fulfilled once the server took it")
    func startAction() async throws {
        let harness = Harness()
        let serverCall = try Self.inboundCall(harness)
        harness.server.startedCall = serverCall
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: true), on: uuid)
        #expect(harness.provider.events.last == .startedConnecting(uuid))
        #expect(harness.audio.events == [.configure(.voiceCall)])
        #expect(action.outcome == .pending)
        await harness.settle()
        #expect(action.outcome == .fulfilled)
        #expect(try harness.server.emits(.callStart).first?.decode(CallStart.self) == CallStart(video: true))
        #expect(harness.media.events == [.prepare(serverCall.id, video: true)])
        #expect(!harness.audio.events.contains(.start))
    }

    @Test("connectedAt is reported once an agent accepts (call:changed → connecting)")
    func connectedWhenAccepted() async throws {
        let harness = Harness()
        let uuid = try await Self.dialing(harness)
        var call = try #require(harness.server.startedCall)
        #expect(!harness.provider.events.contains(.connected(uuid)))
        call.state = .connecting
        call.agentId = "agt_01"
        call.answeredAt = harness.clock.nowMs
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        call.state = .active
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        #expect(harness.provider.events.filter { $0 == .connected(uuid) }.count == 1)
        let startedAt = harness.provider.events.firstIndex(of: .startedConnecting(uuid))
        let connectedAt = harness.provider.events.firstIndex(of: .connected(uuid))
        #expect(startedAt != nil && connectedAt != nil && startedAt! < connectedAt!)
    }

    @Test("an outgoing call's reports use the server's id, from seq 1")
    func reportsUseServerId() async throws {
        let harness = Harness()
        let uuid = try await Self.dialing(harness)
        let id = try #require(harness.server.startedCall?.id)
        var call = try #require(harness.server.startedCall)
        call.state = .connecting
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        harness.provider.perform(.setMuted(true), on: uuid)
        harness.provider.perform(.end, on: uuid)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.muted, .ended])
        #expect(harness.server.reports(for: id).map(\.seq) == [1, 2])
    }

    @Test("a refused or unanswered call:start fails the action", arguments: [
        TestServerConnection.error(.busy, "this phone is already in a call"),
        .timeout,
        .ack("not json"),
    ])
    func startFails(reply: TestServerConnection.Reply) async {
        let harness = Harness()
        harness.server.script[.callStart] = [reply]
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: UUID())
        await harness.settle()
        #expect(action.outcome == .failed)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        #expect(harness.server.emits(.callStart).count == 1, "call:start is not idempotent: never retried")
    }

    @Test("a call the server ends at once (no agent online) fails the action")
    func unreachable() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness, state: .ended, endReason: .unreachable)
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: UUID())
        await harness.settle()
        #expect(action.outcome == .failed)
        #expect(harness.coordinator.status.recents.first?.endReason == .unreachable)
    }

    @Test("hanging up before the server answered call:start ends the server's call when it does")
    func hangUpWhileStarting() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try Self.inboundCall(harness)
        let uuid = UUID()
        let start = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        let end = harness.provider.perform(.end, on: uuid)
        #expect(start.outcome == .failed)
        #expect(end.outcome == .fulfilled)
        harness.server.simulateConnect()
        await harness.settle()
        let id = try #require(harness.server.startedCall?.id)
        #expect(harness.server.reports(for: id).map(\.event) == [.ended])
    }

    @Test("a call placed with no socket yet waits for the connection, and fails at the timeout")
    func waitsForConnection() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try Self.inboundCall(harness)
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: UUID())
        await harness.settle()
        #expect(harness.server.connectRequests == 1)
        #expect(action.outcome == .pending)
        harness.clock.advance(by: .seconds(8))
        await harness.settle()
        #expect(action.outcome == .failed)

        let second = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: UUID())
        harness.server.simulateConnect()
        await harness.settle()
        #expect(second.outcome == .fulfilled)
    }
}
