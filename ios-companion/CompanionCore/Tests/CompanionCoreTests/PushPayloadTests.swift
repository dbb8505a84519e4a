import Foundation
import Testing
@testable import CompanionCore

@Suite("VoIP push parsing never leaves a push without a call")
struct PushPayloadTests {
    @Test("a valid call push parses with every field")
    func callPush() throws {
        let parsed = PushPayload.parse(try Fixtures.data(kind: "push-payload", file: "valid-call.json"))
        guard case let .call(push) = parsed else { Issue.record("got \(parsed)"); return }
        #expect(push.callId == CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        #expect(push.handle == "+15551234567")
        #expect(push.callerName == "Support · Alice")
        #expect(push.video == false)
        #expect(push.ringUntil == 1_795_587_619_543)
    }

    @Test("a cancel push parses with its reason")
    func cancelPush() throws {
        let parsed = PushPayload.parse(try Fixtures.data(kind: "push-payload", file: "valid-cancel-answered-elsewhere.json"))
        #expect(parsed == .cancel(CancelPush(callId: CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41")!, reason: .answeredElsewhere)))
    }

    @Test("invalid pushes are malformed, keeping a readable call id (a cancel for an unknown reason is a cancel)",
          arguments: Fixtures.invalid(kind: "push-payload"))
    func invalidPushes(file: Fixtures.File) throws {
        let parsed = PushPayload.parse(try file.data())
        if file.name == "invalid-cancel-unknown-reason.json" {
            #expect(parsed == .cancel(CancelPush(callId: CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41")!, reason: nil)))
            return
        }
        guard case let .malformed(reason, callId) = parsed else {
            Issue.record("\(file) parsed as \(parsed)")
            return
        }
        #expect(!reason.isEmpty)
        let raw = try JSONDecoder().decode(JSONValue.self, from: file.data())
        if case let .string(id)? = raw["switchboard"]?["callId"], let readable = CallID(id) {
            #expect(callId == readable, "the call id should be salvaged from \(file)")
        } else {
            #expect(callId == nil)
        }
    }

    @Test("garbage is malformed, not a crash", arguments: [
        Data(), Data("not json".utf8), Data("[]".utf8), Data("null".utf8), Data(#"{"switchboard":null}"#.utf8),
        Data(#"{"switchboard":{"v":"1","kind":"call"}}"#.utf8), Data([0xFF, 0xFE, 0x00]),
    ])
    func garbage(data: Data) {
        if case .malformed = PushPayload.parse(data) {} else { Issue.record("accepted \(data)") }
    }

    @Test("a payload over APNs' 5120 bytes is malformed")
    func oversized() throws {
        let push = PushPayload(.call(CallPush(
            callId: CallID(UUID()), handle: "+1555", callerName: "x", video: false, sentAt: 0, ringUntil: 1
        )))
        var json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(push))
        if case var .object(object) = json {
            object["padding"] = .string(String(repeating: "a", count: 5200))
            json = .object(object)
        }
        let data = try JSONEncoder().encode(json)
        #expect(data.count > WireProtocol.voipPayloadLimit)
        #expect(PushPayload.parse(data) == .malformed(reason: "payload larger than 5120 bytes", callId: nil))
    }

    @Test("a push is stale once its own window (ringUntil − sentAt) has passed since it arrived", arguments: [
        (Int64(0), false), (999, false), (1000, true), (1001, true),
    ])
    func staleness(elapsed: Int64, stale: Bool) {
        let push = CallPush(callId: CallID(UUID()), handle: "h", callerName: "n", video: false, sentAt: 5000, ringUntil: 6000)
        #expect(push.ringWindowMs == 1000)
        #expect(push.isStale(elapsedSinceArrivalMs: elapsed) == stale)
    }
}
