import Foundation
import Testing
@testable import CompanionCore

@Suite("Pairing: the QR link and the request")
struct PairingTests {
    @Test("the console's QR link parses into server and code")
    func parsesLink() throws {
        let link = try #require(PairingLink.parse("switchboard://pair?server=https%3A%2F%2Fcalls.example.com%3A8443&code=K7Q2M9X4PD"))
        #expect(link.server.absoluteString == "https://calls.example.com:8443")
        #expect(link.code == "K7Q2M9X4PD")
    }

    @Test("anything else is not a pairing link", arguments: [
        "https://calls.example.com/pair?server=https://x&code=K7Q2M9X4PD",
        "switchboard://call?server=https://x&code=K7Q2M9X4PD",
        "switchboard://pair?code=K7Q2M9X4PD",
        "switchboard://pair?server=https://x",
        "switchboard://pair?server=ftp%3A%2F%2Fx&code=K7Q2M9X4PD",
        "",
    ])
    func rejectsOthers(string: String) {
        #expect(PairingLink.parse(string) == nil)
    }

    @Test("a typed code is normalized as the server normalizes it")
    func normalizesCode() throws {
        let request = PairRequest(code: " k7q2m-9x4pd ", name: " Ana's iPhone ", model: "iPhone16,2", osVersion: "18.1",
                                  appVersion: "1.0.0", bundleId: "com.example.switchboard", apnsEnvironment: .sandbox)
        #expect(request.code == "K7Q2M9X4PD")
        #expect(request.name == "Ana's iPhone")
        let fixture = try Fixtures.decode(PairRequest.self, kind: "pair-request", file: "valid-code-with-dash.json")
        #expect(fixture.code == "K7Q2M9X4PD")
        #expect(PairRequest.isPlausible(code: "k7q2m-9x4pd"))
        #expect(!PairRequest.isPlausible(code: "K7Q2"))
        #expect(!PairRequest.isPlausible(code: "K7Q2M9X4PI"), "I is not Crockford base32")
    }

    @Test("the phone's own name is cleaned of what the server refuses in a name, so pairing is not refused")
    func sanitizesName() throws {
        let make = { (name: String) in
            PairRequest(code: "K7Q2M9X4PD", name: name, model: "iPhone16,2", osVersion: "18.1",
                        appVersion: "1.0.0", bundleId: "com.example.switchboard", apnsEnvironment: .sandbox)
        }
        #expect(make("Ana\u{202E}s iPhone\n").name == "Anas iPhone")
        #expect(make("\u{200F}אנה").name == "\u{200F}אנה", "right-to-left marks are fine")
        #expect(make(" \u{7} ").name == "iPhone16,2", "nothing left: the model stands in")
        #expect(make(String(repeating: "📞", count: 130)).name.unicodeScalars.count == 120)
        for request in [make("Ana\u{202E}s iPhone"), make(String(repeating: "📞", count: 130))] {
            #expect(throws: Never.self) { try JSONDecoder().decode(PairRequest.self, from: JSONEncoder().encode(request)) }
        }
    }

    @Test("the request the phone sends decodes under the schema's rules")
    func requestRoundTrips() throws {
        let request = PairRequest(code: "k7q2m9x4pd", name: "Ana's iPhone", model: "iPhone16,2", osVersion: "18.1",
                                  appVersion: "1.0.0", bundleId: "com.example.switchboard", apnsEnvironment: .production)
        let decoded = try JSONDecoder().decode(PairRequest.self, from: JSONEncoder().encode(request))
        #expect(decoded == request)
    }
}

@Suite("End reasons as CallKit shows them")
struct EndReasonMappingTests {
    @Test("for calls the console placed", arguments: [
        (EndReason?.some(.completed), CallEndedReason.remoteEnded),
        (.cancelled, .remoteEnded),
        (.declined, .declinedElsewhere),
        (.answeredElsewhere, .answeredElsewhere),
        (.missed, .unanswered),
        (.busy, .unanswered),
        (.unreachable, .failed),
        (.failed, .failed),
        (nil, .remoteEnded),
    ])
    func outbound(reason: EndReason?, expected: CallEndedReason) {
        #expect(CallEndedReason(serverReason: reason, direction: .outbound) == expected)
    }

    @Test("for calls this phone placed, the console's endings are remote")
    func inbound() {
        #expect(CallEndedReason(serverReason: .declined, direction: .inbound) == .remoteEnded)
        #expect(CallEndedReason(serverReason: .answeredElsewhere, direction: .inbound) == .remoteEnded)
        #expect(CallEndedReason(serverReason: .missed, direction: .inbound) == .unanswered)
        #expect(CallEndedReason(serverReason: .unreachable, direction: .inbound) == .failed)
        #expect(CallEndedReason(serverReason: .noAgentAvailable, direction: .inbound) == .unanswered)
    }
}
