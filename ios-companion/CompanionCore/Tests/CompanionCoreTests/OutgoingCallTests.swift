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
        harness.coordinator.startCall()
        guard case let .start(_, handle, video)? = harness.controller.transactions.first else {
            Issue.record("no start transaction")
            return
        }
        #expect(handle == CallHandle(kind: .generic, value: "Switchboard"))
        #expect(!video, "video is not offered (issue 21 item 10)")
    }

    @Test("CXStartCallAction: fulfilled at once, call:start, startedConnecting once the server took it")
    func startAction() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness)
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: true), on: uuid)
        // Asked for video (Recents, Siri): an audio call all the same (issue 21 item 10).
        #expect(harness.audio.events == [.configure(.voiceCall)])
        #expect(action.outcome == .fulfilled)
        await harness.settle()
        #expect(harness.provider.events.last == .startedConnecting(uuid))
        #expect(harness.server.starts == [CallStart(video: false, callId: CallID(uuid))])
        #expect(harness.media.events == [.prepare(CallID(uuid), video: false)])
        #expect(!harness.audio.events.contains(.start))
    }

    @Test("call:start carries the action's UUID as callId, lowercase, and the call keeps that id")
    func callIdIsTheCallKitUUID() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness)
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        let emit = try #require(harness.server.emits(.callStart).first)
        let json = try JSONDecoder().decode(JSONValue.self, from: emit.payload)
        #expect(json["callId"] == .string(uuid.uuidString.lowercased()))
        #expect(uuid.uuidString != uuid.uuidString.lowercased(), "the check above must see a difference")
        #expect(harness.coordinator.activeCallUUIDs == [uuid])
        #expect(harness.server.startedCall?.id == CallID(uuid))
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

    @Test("an outgoing call's reports use its CallKit UUID as the call id, from seq 1")
    func reportsUseCallKitUUID() async throws {
        let harness = Harness()
        let uuid = try await Self.dialing(harness)
        let id = CallID(uuid)
        var call = try #require(harness.server.startedCall)
        call.state = .connecting
        harness.server.broadcast(.callChanged, CallChanged(call: call))
        harness.provider.perform(.setMuted(true), on: uuid)
        harness.provider.perform(.end, on: uuid)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.muted, .ended])
        #expect(harness.server.reports(for: id).map(\.seq) == [1, 2])
    }

    @Test("a call:start without an answer is sent again with the same callId, and the call goes on", arguments: [
        TestServerConnection.Reply.timeout,
        .disconnected,
        TestServerConnection.error(.unavailable),
    ])
    func startRetried(first: TestServerConnection.Reply) async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness)
        harness.server.script[.callStart] = [first]
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        if case .timeout = first {
            // No ack in time: the socket was replaced, and the start goes out on the new one at
            // once (issue 21 item 7), not after a backoff.
            #expect(harness.server.reconnectRequests == 1)
        } else {
            #expect(harness.server.starts.count == 1)
            #expect(!harness.provider.events.contains(.startedConnecting(uuid)))
            harness.clock.advance(by: RequestOutbox.backoff(attempt: 1))
            await harness.settle()
        }
        #expect(harness.server.starts == [CallStart(video: false, callId: CallID(uuid)), CallStart(video: false, callId: CallID(uuid))])
        #expect(action.outcome == .fulfilled)
        #expect(harness.coordinator.activeCallUUIDs == [uuid])
        #expect(harness.provider.events.filter { $0 == .startedConnecting(uuid) }.count == 1)
    }

    @Test("a refused call:start (CONFLICT, BUSY, unreadable ack) ends the call and is not retried", arguments: [
        TestServerConnection.error(.conflict, "a different call already has this id"),
        TestServerConnection.error(.busy, "this phone is already in a call"),
        .ack("not json"),
    ])
    func startRefused(reply: TestServerConnection.Reply) async {
        let harness = Harness()
        harness.server.script[.callStart] = [reply]
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        #expect(harness.provider.endReason(of: uuid) == .failed, "reportCall(endedAt:) is how CallKit learns the call failed")
        #expect(action.outcome == .fulfilled)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        #expect(harness.coordinator.status.recents.first?.id == uuid)
        #expect(harness.coordinator.status.recents.first?.endReason == .failed)
        harness.clock.advance(by: .seconds(60))
        await harness.settle()
        #expect(harness.server.starts.count == 1, "a final answer is not retried")
        #expect(harness.server.reports.isEmpty, "the server created no call: nothing to end")
    }

    @Test("a call the server ends at once (no agent online) ends as failed")
    func unreachable() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness, state: .ended, endReason: .unreachable)
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        #expect(harness.provider.endReason(of: uuid) == .failed)
        #expect(harness.coordinator.status.recents.first?.endReason == .unreachable)
    }

    @Test("a call no agent was Available for ends at once, unanswered, and Recents says why")
    func noAgentAvailable() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness, state: .ended, endReason: .noAgentAvailable)
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        #expect(harness.provider.endReason(of: uuid) == .unanswered)
        #expect(harness.coordinator.status.recents.first?.outcome == "No agent available")
    }

    @Test("hanging up before call:start was ever sent withdraws it: the server hears nothing")
    func hangUpBeforeSent() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try Self.inboundCall(harness)
        let uuid = UUID()
        let start = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        let end = harness.provider.perform(.end, on: uuid)
        #expect(start.outcome == .fulfilled)
        #expect(end.outcome == .fulfilled)
        #expect(harness.coordinator.status.recents.first?.endReason == .cancelled)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.starts.isEmpty)
        #expect(harness.server.reports.isEmpty)
    }

    @Test("hanging up while call:start is unanswered stops its retries and reports ended after it")
    func hangUpWhileUnanswered() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness)
        // Lost with a dropping socket: sent again after a backoff (a timeout resends at once).
        harness.server.script[.callStart] = [.disconnected]
        let uuid = UUID()
        let start = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        harness.provider.perform(.end, on: uuid)
        await harness.settle()
        #expect(start.outcome == .fulfilled)
        #expect(harness.provider.endedCalls.isEmpty, "the user ended it: CallKit knows")
        harness.clock.advance(by: .seconds(60))
        await harness.settle()
        #expect(harness.server.starts.count == 1, "withdrawn: not sent again")
        // The lost start may have created the call: this ends it (or is refused as unknown).
        #expect(harness.server.reports(for: CallID(uuid)).map(\.event) == [.ended])
        #expect(harness.server.emits.last?.event == .callReport)
    }

    @Test("a call:start still unanswered at startTimeout ends the call and is not sent again")
    func startDeadline() async throws {
        let harness = Harness()
        harness.server.startedCall = try Self.inboundCall(harness)
        harness.server.script[.callStart] = Array(repeating: .timeout, count: 20)
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        await harness.settle()
        for _ in 0..<19 {
            harness.clock.advance(by: .seconds(1))
            await harness.settle()
        }
        #expect(harness.provider.endedCalls.isEmpty)
        let sent = harness.server.starts.count
        #expect(sent > 1)
        harness.clock.advance(by: .seconds(1))
        await harness.settle()
        #expect(action.outcome == .fulfilled)
        #expect(harness.provider.endReason(of: uuid) == .failed)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        #expect(harness.server.reports(for: CallID(uuid)).map(\.event) == [.ended])
        harness.clock.advance(by: .seconds(60))
        await harness.settle()
        #expect(harness.server.starts.count == sent)
        #expect(Set(harness.server.starts.map(\.callId)) == [CallID(uuid)])
    }

    @Test("a call placed with no socket yet waits for the connection, and fails at startTimeout")
    func waitsForConnection() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try Self.inboundCall(harness)
        let first = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: first)
        await harness.settle()
        #expect(harness.server.connectRequests == 1)
        harness.clock.advance(by: .seconds(20))
        await harness.settle()
        #expect(harness.provider.endReason(of: first) == .failed)

        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.provider.events.last == .startedConnecting(uuid))
        #expect(harness.server.starts == [CallStart(video: false, callId: CallID(uuid))], "the abandoned start was never sent")
    }

    @Test("a call still starting is not named in call:sync, which would call it over")
    func notSyncedWhileStarting() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try Self.inboundCall(harness)
        let uuid = UUID()
        let action = harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        harness.server.syncResult = CallSyncResult(live: [], ended: [.init(callId: CallID(uuid), endReason: nil)])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.syncs == [CallSync(callIds: [])])
        #expect(action.outcome == .fulfilled)
        #expect(harness.coordinator.activeCallUUIDs == [uuid])
    }

    @Test("muting while the call starts mutes the media once it exists")
    func mutedWhileStarting() async throws {
        let harness = Harness(connected: false)
        harness.server.startedCall = try Self.inboundCall(harness)
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        #expect(harness.provider.perform(.setMuted(true), on: uuid).outcome == .fulfilled)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.media.events == [.prepare(CallID(uuid), video: false), .muted(true, CallID(uuid))])
    }
}
