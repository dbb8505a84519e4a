import Foundation
import Testing
@testable import CompanionCore

/// iOS gives a VoIP push little time: the CallKit report comes first, before anything the app
/// observes (the screens, the UserDefaults write of the recents) is touched.
@MainActor
@Suite("Report first: nothing runs before reportNewIncomingCall")
struct ReportFirstTests {
    nonisolated static func payloads() -> [Data] {
        let call = #"{"switchboard":{"v":2,"kind":"call","callId":"6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41","#
            + #""handle":"+15551234567","callerName":"Support","video":false,"sentAt":1795587574543,"ringUntil":1795587619543}}"#
        return [Data(call.utf8), Data("garbage".utf8)] + Fixtures.payloads(kind: "push-payload")
    }

    @Test("the app sees no status change before the push is reported to CallKit", arguments: payloads())
    func statusAfterReport(payload: Data) {
        let harness = Harness()
        let seen = Seen()
        harness.coordinator.onStatusChange = { [provider = harness.provider] _ in
            seen.reports.append(provider.reportedIncoming.count)
        }
        harness.push(payload)
        #expect(seen.reports.first == 1)
    }

    @Test("the recents go to the app (and its UserDefaults) when they change, not on every status change")
    func recentsOnlyWhenChanged() async {
        let harness = Harness()
        let seen = Seen()
        harness.coordinator.onRecentsChange = { recents in seen.reports.append(recents.count) }
        let id = await harness.answered()
        harness.registry.delegate?.pushRegistry(didUpdateToken: Data(repeating: 7, count: 32))
        harness.provider.delegate?.providerDidActivateAudioSession()
        #expect(seen.reports.isEmpty)
        harness.provider.perform(.end, on: id.uuid)
        #expect(seen.reports == [1])
    }

    @Test("PushKit's dictionary becomes JSON only when JSONSerialization can take it, never by an exception")
    func pushDictionary() throws {
        let call: [AnyHashable: Any] = ["switchboard": [
            "v": WireProtocol.version, "kind": "cancel", "callId": "6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41", "reason": "cancelled",
        ]]
        let id = try #require(CallID("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        let data = PushPayload.data(fromDictionary: call)
        #expect(PushPayload.parse(data) == .cancel(CancelPush(callId: id, reason: .cancelled)))
        // Values JSONSerialization raises an Objective-C exception for on Apple platforms.
        #expect(PushPayload.data(fromDictionary: ["switchboard": Date()]).isEmpty)
        #expect(PushPayload.data(fromDictionary: [1: "not a string key"]).isEmpty)
        #expect(PushPayload.data(fromDictionary: ["n": Double.nan]).isEmpty)
    }
}

@MainActor
final class Seen {
    var reports: [Int] = []
}
