import Foundation
import Testing
@testable import CompanionCore

@MainActor
@Suite("Provider actions: every one fulfilled or failed; audio follows CallKit")
struct ProviderActionTests {
    enum Situation: String, CaseIterable, Sendable {
        case unknownCall, ringing, answered, outgoingDialing
    }

    nonisolated static let kinds: [ProviderAction.Kind] = [
        .answer, .end, .setHeld(true), .setHeld(false), .setMuted(true), .setMuted(false),
        .start(handle: CallHandle("Switchboard"), video: false),
    ]

    @Test("every action in every situation is resolved exactly once", arguments: Situation.allCases, kinds)
    func everyActionResolved(situation: Situation, kind: ProviderAction.Kind) async throws {
        let harness = Harness()
        let uuid: UUID
        switch situation {
        case .unknownCall:
            uuid = UUID()
        case .ringing:
            uuid = await harness.ring().uuid
        case .answered:
            uuid = await harness.answered().uuid
        case .outgoingDialing:
            uuid = try await OutgoingCallTests.dialing(harness)
        }
        let action = harness.provider.perform(kind, on: uuid)
        await harness.settle()
        #expect(action.outcome != .pending, "\(kind) on a \(situation) call was left unresolved")
    }

    @Test("a timed-out action is left alone (CallKit has failed it), and its call is ended on the call screen")
    func timedOut() async {
        let harness = Harness()
        let id = await harness.ring()
        let action = harness.provider.timeOut(.answer, on: id.uuid)
        await harness.settle()
        #expect(action.outcome == .pending, "CallKit already failed it: fulfilling or failing it again is an error")
        #expect(harness.provider.endReason(of: id.uuid) == .failed)
        #expect(harness.provider.live.isEmpty)
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        #expect(harness.server.reports(for: id).last?.event == .ended)
    }

    @Test("a timed-out action on a call to the console still starting ends it and withdraws call:start")
    func timedOutWhileStarting() async {
        let harness = Harness(connected: false)
        let uuid = UUID()
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: uuid)
        let action = harness.provider.timeOut(.setMuted(true), on: uuid)
        #expect(action.outcome == .pending)
        #expect(harness.provider.endReason(of: uuid) == .failed)
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.server.starts.isEmpty)
    }

    @Test("answering reports `answered` (seq 2) and prepares media without starting audio")
    func answer() async {
        let harness = Harness()
        let id = await harness.ring()
        let action = harness.provider.perform(.answer, on: id.uuid)
        await harness.settle()
        #expect(action.outcome == .fulfilled)
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered])
        #expect(harness.server.reports(for: id).map(\.seq) == [1, 2])
        #expect(harness.media.events == [.prepare(id, video: false)])
        #expect(harness.audio.events == [.configure(.voiceCall)], "audio must not start before didActivate")
    }

    @Test("audio is .playAndRecord with .voiceChat, starts only in didActivate and stops in didDeactivate")
    func audioFollowsCallKit() async {
        let harness = Harness()
        _ = await harness.answered()
        #expect(harness.audio.events == [.configure(AudioSessionConfiguration(category: .playAndRecord, mode: .voiceChat))])
        harness.provider.delegate?.providerDidActivateAudioSession()
        #expect(harness.audio.events.last == .start)
        #expect(harness.coordinator.status.audioActive)
        harness.provider.delegate?.providerDidDeactivateAudioSession()
        #expect(harness.audio.events.last == .stop)
        #expect(!harness.coordinator.status.audioActive)
        #expect(harness.audio.events.filter { $0 == .start }.count == 1)
    }

    @Test("a failing audio configuration does not leave the answer unresolved")
    func audioConfigurationFails() async {
        let harness = Harness()
        harness.audio.failConfiguration = true
        let id = await harness.ring()
        let action = harness.provider.perform(.answer, on: id.uuid)
        #expect(action.outcome == .fulfilled)
    }

    @Test("declining a ringing call reports ended with reason declined")
    func decline() async {
        let harness = Harness()
        let id = await harness.ring()
        let action = harness.provider.perform(.end, on: id.uuid)
        await harness.settle()
        #expect(action.outcome == .fulfilled)
        let last = harness.server.reports(for: id).last
        #expect(last?.event == .ended)
        #expect(last?.reason == .declined)
        #expect(harness.coordinator.status.recents.first?.endReason == .declined)
    }

    @Test("hanging up an answered call reports ended without a reason")
    func hangUp() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.provider.perform(.end, on: id.uuid)
        await harness.settle()
        let last = harness.server.reports(for: id).last
        #expect(last?.event == .ended)
        #expect(last?.reason == nil)
        #expect(harness.media.events.last == .close(id))
    }

    @Test("answering a call that is not ringing fails the action")
    func answerUnknown() async {
        let harness = Harness()
        let id = await harness.answered()
        #expect(harness.provider.perform(.answer, on: id.uuid).outcome == .failed)
        #expect(harness.provider.perform(.answer, on: UUID()).outcome == .failed)
    }

    @Test("hold and mute act on the media and are reported once per change")
    func holdAndMute() async {
        let harness = Harness()
        let id = await harness.answered()
        #expect(harness.provider.perform(.setHeld(true), on: id.uuid).outcome == .fulfilled)
        harness.provider.perform(.setHeld(true), on: id.uuid)
        harness.provider.perform(.setHeld(false), on: id.uuid)
        harness.provider.perform(.setMuted(true), on: id.uuid)
        harness.provider.perform(.setMuted(false), on: id.uuid)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered, .held, .resumed, .muted, .unmuted])
        #expect(harness.server.reports(for: id).map(\.seq) == Array(1...6))
        #expect(harness.media.events.contains(.held(true, id)))
        #expect(harness.media.events.contains(.muted(true, id)))
    }

    @Test("holding a call that is still ringing is refused")
    func holdWhileRinging() async {
        let harness = Harness()
        let id = await harness.ring()
        #expect(harness.provider.perform(.setHeld(true), on: id.uuid).outcome == .failed)
    }

    @Test("media connecting reports `connected` once")
    func mediaConnected() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.media.delegate?.mediaEngineDidConnect(callId: id)
        harness.media.delegate?.mediaEngineDidConnect(callId: id)
        await harness.settle()
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .answered, .connected])
    }

    @Test("media failing ends the call as failed on both sides")
    func mediaFailed() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.media.delegate?.mediaEngineDidFail(callId: id, reason: "ICE failed")
        await harness.settle()
        #expect(harness.provider.endReason(of: id.uuid) == .failed)
        #expect(harness.server.reports(for: id).last?.reason == .failed)
    }

    @Test("WebRTC signals go both ways for a known call only")
    func signals() async throws {
        let harness = Harness()
        let id = await harness.answered()
        harness.server.broadcast(.rtcSignal, RtcSignalBroadcast(callId: id, from: "agt_01", signal: .offer(sdp: "v=0")))
        harness.server.broadcast(.rtcSignal, RtcSignalBroadcast(callId: CallID(UUID()), from: "agt_01", signal: .bye))
        #expect(harness.media.events.last == .signal(.offer(sdp: "v=0"), id))
        #expect(harness.media.events.filter { if case .signal = $0 { true } else { false } }.count == 1)

        harness.media.delegate?.mediaEngine(produced: .answer(sdp: "v=0 answer"), for: id)
        await harness.settle()
        let sent = try #require(harness.server.emits(.rtcSignal).last).decode(RtcSignalRequest.self)
        #expect(sent == RtcSignalRequest(callId: id, signal: .answer(sdp: "v=0 answer")))
    }

    @Test("a provider reset ends every call and tells the server")
    func reset() async {
        let harness = Harness()
        let ringing = await harness.ring()
        let answered = await harness.answered()
        harness.provider.delegate?.providerDidReset()
        await harness.settle()
        #expect(harness.coordinator.activeCallUUIDs.isEmpty)
        #expect(harness.server.reports(for: ringing).last?.reason == .declined)
        #expect(harness.server.reports(for: answered).last?.event == .ended)
        #expect(harness.audio.events.last == .stop)
    }

    @Test("in-app controls go through CXCallController")
    func controllerTransactions() async {
        let harness = Harness()
        let id = await harness.answered()
        harness.coordinator.setHeld(id.uuid, true)
        harness.coordinator.setMuted(id.uuid, true)
        harness.coordinator.endCall(id.uuid)
        #expect(harness.controller.transactions == [
            .setHeld(uuid: id.uuid, onHold: true), .setMuted(uuid: id.uuid, muted: true), .end(uuid: id.uuid),
        ])
    }
}
