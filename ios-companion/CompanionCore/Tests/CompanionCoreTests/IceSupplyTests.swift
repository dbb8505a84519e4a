import Foundation
import Testing
@testable import CompanionCore

/// Issue 21 item 4: the ICE servers (TURN included) of a call answered before the socket is up.
/// The `rtc:ice` request is made over a connected socket only; one that could not be made is made
/// again once the socket connects, instead of leaving the call on STUN for good.
@MainActor
@Suite("ICE servers: asked over a live socket, even for a call answered before it connects")
struct IceSupplyTests {
    static let turn = #"{"ok":true,"data":{"iceServers":[{"urls":["turn:t.example.com:3478"],"username":"1795983600:dev_iphone","credential":"c2VjcmV0"}],"iceTransportPolicy":"all","expiresAt":1795983600000}}"#

    @Test("answered from the lock screen with no socket: the TURN servers come once it connects")
    func answeredBeforeTheSocket() async throws {
        let harness = Harness(connected: false)
        let id = CallID(UUID())
        harness.push(harness.callPush(id))
        harness.provider.perform(.answer, on: id.uuid)
        // The engine asks as soon as the call is answered (the App's WebRTC engine does).
        harness.coordinator.mediaEngineNeedsIce(for: id)
        await harness.settle()
        #expect(harness.server.emits(.rtcIce).isEmpty, "nothing can be asked without a socket")
        #expect(harness.media.ice(for: id) == nil, "the engine must not be told to go on without TURN")
        #expect(harness.server.connectRequests > 0)

        harness.server.script[.rtcIce] = [.ack(Self.turn)]
        harness.clock.advance(by: .seconds(3))
        harness.server.simulateConnect()
        await harness.settle()
        let ice = try #require(harness.media.ice(for: id).flatMap { $0 })
        #expect(ice.iceServers.first?.urls == ["turn:t.example.com:3478"])
        #expect(try harness.server.emits(.rtcIce).map { try $0.decode(RtcIceRequest.self) } == [RtcIceRequest(callId: id)])
    }

    @Test("a request lost with a dropping socket is made again at the next connect")
    func askedAgainAfterADrop() async throws {
        let harness = Harness()
        let id = await harness.answered()
        harness.server.script[.rtcIce] = [.disconnected, .ack(Self.turn)]
        harness.server.isConnected = true
        harness.coordinator.mediaEngineNeedsIce(for: id)
        await harness.settle()
        #expect(harness.media.ice(for: id) == nil)
        harness.server.simulateDisconnect()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(try #require(harness.media.ice(for: id).flatMap { $0 }).iceServers.count == 1)
        #expect(harness.server.emits(.rtcIce).count == 2)
    }

    @Test("a refusal, or no socket within iceWait, lets the engine go on with its configured servers")
    func fallsBack() async {
        let refused = Harness()
        let first = await refused.answered()
        refused.server.script[.rtcIce] = [TestServerConnection.error(.forbidden)]
        refused.coordinator.mediaEngineNeedsIce(for: first)
        await refused.settle()
        #expect(refused.media.ice(for: first) == .some(nil))

        let offline = Harness(connected: false)
        let second = CallID(UUID())
        offline.push(offline.callPush(second))
        offline.provider.perform(.answer, on: second.uuid)
        offline.coordinator.mediaEngineNeedsIce(for: second)
        offline.clock.advance(by: .seconds(9))
        await offline.settle()
        #expect(offline.media.ice(for: second) == nil)
        offline.clock.advance(by: .seconds(1))
        await offline.settle()
        #expect(offline.media.ice(for: second) == .some(nil))
        // Told once: a connect after the deadline asks nothing more.
        offline.server.simulateConnect()
        await offline.settle()
        #expect(offline.server.emits(.rtcIce).isEmpty)
    }

    /// Found by the companion scenarios (issue 28, "answer while the socket is down"): on connect,
    /// the queued `answered` report and `rtc:ice` go out together, and the server may read the
    /// request first. Its "not answered yet" is no final refusal: the call's change that shows
    /// this phone's answer asks again, and the engine gets TURN.
    @Test("asked before the server applied the answer: asked again once it shows the call answered")
    func askedBeforeTheAnswerLanded() async throws {
        let harness = Harness()
        let id = await harness.answered()
        harness.server.script[.rtcIce] = [TestServerConnection.error(.invalidTransition), .ack(Self.turn)]
        harness.coordinator.mediaEngineNeedsIce(for: id)
        await harness.settle()
        #expect(harness.media.ice(for: id) == nil, "not answered yet is not the configured servers' turn")

        let answered = try serverCall(
            id, state: .connecting, legs: [Leg(deviceId: Harness.deviceId, state: .answered)],
            ringUntil: harness.clock.nowMs + 30_000
        )
        harness.server.broadcast(.callChanged, CallChanged(call: answered))
        await harness.settle()
        #expect(try #require(harness.media.ice(for: id).flatMap { $0 }).iceServers.first?.urls == ["turn:t.example.com:3478"])
        #expect(harness.server.emits(.rtcIce).count == 2)
    }

    @Test("a call that ends while waiting is not given ICE servers afterwards")
    func endedWhileWaiting() async {
        let harness = Harness(connected: false)
        let id = CallID(UUID())
        harness.push(harness.callPush(id))
        harness.provider.perform(.answer, on: id.uuid)
        harness.coordinator.mediaEngineNeedsIce(for: id)
        harness.provider.perform(.end, on: id.uuid)
        harness.server.simulateConnect()
        harness.clock.advance(by: .seconds(20))
        await harness.settle()
        #expect(harness.media.ice(for: id) == nil)
        #expect(harness.server.emits(.rtcIce).isEmpty)
    }
}
