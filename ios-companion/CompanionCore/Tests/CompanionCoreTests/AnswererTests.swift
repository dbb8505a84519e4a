import Foundation
import Testing
@testable import CompanionCore

/// The media fixture folders (`shared/fixtures/rtc-*`), as `WireKinds` reads them: the `rtc:ice`
/// request and answer, and recorded answerer sequences replayed against `AnswererState`.
enum MediaFixtureKinds {
    static let models: [String: WireKinds.Model] = [
        "rtc-ice": WireKinds.model(RtcIceRequest.self),
        "rtc-ice-servers": WireKinds.model(RtcIce.self),
        "rtc-sequence": WireKinds.Model(decode: { try JSONDecoder().decode(RtcSequence.self, from: $0).check() }, roundTrip: nil),
    ]
}

/// One recorded sequence: valid when replaying its inputs from a fresh state gives exactly its
/// effects, step by step (`rtcSequenceSchema` in `shared/src/rtc-answerer.ts`).
struct RtcSequence: Decodable {
    struct Step: Decodable {
        let input: AnswererInput
        let effects: [AnswererEffect]
    }

    let description: String
    let steps: [Step]

    func check() throws {
        try WireRules.require(!steps.isEmpty, "a sequence has at least one step")
        var state = AnswererState()
        for (index, step) in steps.enumerated() {
            let effects = state.step(step.input)
            try WireRules.require(effects == step.effects, "step \(index + 1) (\(step.input)) gives \(effects), not \(step.effects)")
        }
    }
}

@Suite("The phone answers the console's offers (shared answerer rules)")
struct AnswererTests {
    static let turn = RtcIce(
        iceServers: [IceServer(urls: ["turn:turn.example.com:3478?transport=udp"], username: "1795983600:dev_01", credential: "c")],
        iceTransportPolicy: .all,
        expiresAt: 1_795_983_600_000
    )

    static func sdp(_ session: Int, _ version: Int) -> String {
        "v=0\r\no=- \(session) \(version) IN IP4 127.0.0.1\r\ns=-\r\n"
    }

    static func candidate(_ n: Int) -> RtcCandidate {
        RtcCandidate(candidate: "candidate:\(n) 1 udp 1 192.0.2.\(n) 9 typ host", sdpMid: "0", sdpMLineIndex: 0)
    }

    /// A named helper: Swift 6.0.3 crashes on closures written inside a `@Test` attribute.
    static func recordedSequences() -> [Fixtures.File] { Fixtures.files(kind: "rtc-sequence") }

    @Test("every recorded sequence replays to its effects, and every broken one is caught", arguments: recordedSequences())
    func replays(file: Fixtures.File) throws {
        let data = try file.data()
        if file.expectsValid {
            try JSONDecoder().decode(RtcSequence.self, from: data).check()
        } else {
            #expect(throws: (any Error).self, "\(file) should not replay") {
                try JSONDecoder().decode(RtcSequence.self, from: data).check()
            }
        }
    }

    @Test("ICE servers before the peer; a candidate that overtakes its offer waits; bye ends the call")
    func answeredCall() {
        var state = AnswererState()
        #expect(state.step(.answered) == [.fetchIce])
        #expect(state.step(.signal(Self.candidate(1).signal)) == [])
        #expect(state.step(.signal(.offer(sdp: Self.sdp(1, 2)))) == [], "the ICE servers are still on their way")
        #expect(state.step(.ice(Self.turn)) == [.createPeer(Self.turn), .setRemoteOffer(sdp: Self.sdp(1, 2))])
        #expect(state.step(.remoteSet) == [.addCandidate(Self.candidate(1)), .createAnswer])
        #expect(state.step(.localAnswer(sdp: "a")) == [.send(.answer(sdp: "a"))])
        #expect(state.step(.signal(.bye)) == [.closePeer, .endCall(reason: "the console hung up")])
        #expect(state.step(.signal(Self.candidate(2).signal)) == [], "nothing after the end")
    }

    @Test("a restart offer fetches fresh ICE servers and renegotiates the same peer")
    func restart() {
        var state = AnswererState()
        _ = state.step(.answered)
        _ = state.step(.ice(Self.turn))
        _ = state.step(.signal(.offer(sdp: Self.sdp(1, 2))))
        _ = state.step(.remoteSet)
        _ = state.step(.localAnswer(sdp: "a"))
        #expect(state.step(.signal(.offer(sdp: Self.sdp(1, 3)))) == [.fetchIce])
        var renewed = Self.turn
        renewed.expiresAt = 1_795_987_200_000
        #expect(state.step(.ice(renewed)) == [.configure(renewed), .setRemoteOffer(sdp: Self.sdp(1, 3))])
        #expect(state.step(.hangup) == [.send(.bye), .closePeer])
    }

    @Test("an offer from a new SDP session (the console reloaded) replaces the peer")
    func newSession() {
        var state = AnswererState()
        _ = state.step(.ice(Self.turn))
        _ = state.step(.signal(.offer(sdp: Self.sdp(1, 2))))
        _ = state.step(.remoteSet)
        _ = state.step(.localAnswer(sdp: "a"))
        #expect(state.step(.signal(.offer(sdp: Self.sdp(7, 2)))) == [.closePeer, .fetchIce])
        #expect(state.step(.iceUnavailable) == [.createPeer(Self.turn), .setRemoteOffer(sdp: Self.sdp(7, 2))])
    }

    @Test("the SDP session id is the origin line's second field")
    func sessionIds() {
        #expect(AnswererState.sdpSession(Self.sdp(4_611_731_400_430_051_336, 2)) == "4611731400430051336")
        #expect(AnswererState.sdpSession("v=0\r\ns=-\r\n") == nil)
        #expect(AnswererState.sdpSession("v=0\no=- 5\no=x 6 1 IN IP4 0.0.0.0\n") == "6", "an origin line without its fields is skipped")
    }
}
