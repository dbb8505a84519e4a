import Foundation
import Testing
@testable import CompanionCore

/// Decisions the app's thin adapters used to make themselves, now made here where they are tested:
/// CallKit's error codes, Socket.IO's ack items, the server's HTTP answers, the pairing form, and
/// what the Status screen shows of the token.
@Suite("Adapter decisions, tested here instead of in App/")
struct AdapterLogicTests {
    @Test("CallKit's incoming-call error codes, by domain and code", arguments: [
        ("com.apple.CallKit.error.incomingcall", 0, IncomingCallError.unknown),
        ("com.apple.CallKit.error.incomingcall", 1, .unentitled),
        ("com.apple.CallKit.error.incomingcall", 2, .callUUIDAlreadyExists),
        ("com.apple.CallKit.error.incomingcall", 3, .filteredByDoNotDisturb),
        ("com.apple.CallKit.error.incomingcall", 4, .filteredByBlockList),
        ("com.apple.CallKit.error.incomingcall", 7, .unknown),
        ("NSURLErrorDomain", 2, .unknown),
    ])
    func incomingCallErrors(domain: String, code: Int, expected: IncomingCallError) {
        #expect(IncomingCallError(domain: domain, code: code) == expected)
    }

    @Test("Socket.IO's ack: NO ACK is a timeout, a JSON object is data, anything else is invalid")
    func socketAck() throws {
        #expect(SocketAck.interpret(["NO ACK"]) == .failure(.timedOut))
        let data = try SocketAck.interpret([["ok": true, "data": NSNull()] as [String: Any]]).get()
        #expect(try JSONDecoder().decode(Ack<JSONValue>.self, from: data) == .ok(.null))
        #expect(SocketAck.interpret([]) == .failure(.invalidAck("ack is not JSON")))
        #expect(SocketAck.interpret([Date()]) == .failure(.invalidAck("ack is not JSON")))
        #expect(SocketAck.interpret(["other string"]) == .failure(.invalidAck("ack is not JSON")))
    }

    @Test("the server's HTTP answers: the body on 2xx, its {error} otherwise, the status when it has none")
    func serverReplies() throws {
        let pair = Data(#"{"deviceId":"dev_iphone","deviceSecret":"s","staffId":"stf_ana"}"#.utf8)
        #expect(try ServerReply.decode(PairResponse.self, status: 201, body: pair).deviceId == "dev_iphone")
        let refusal = Data(#"{"error":{"code":"PAIRING_CODE_INVALID","message":"wrong, used or expired"}}"#.utf8)
        #expect(throws: ServerReplyError.refused(ErrorBody(code: .pairingCodeInvalid, message: "wrong, used or expired"))) {
            try ServerReply.decode(PairResponse.self, status: 400, body: refusal)
        }
        #expect(throws: ServerReplyError.badStatus(502)) { try ServerReply.decode(PairResponse.self, status: 502, body: Data("<html>".utf8)) }
        #expect(throws: (any Error).self) { try ServerReply.decode(PairResponse.self, status: 200, body: Data("{}".utf8)) }
    }

    @Test("what the pairing screen says when pairing fails")
    func pairingMessages() {
        #expect(PairingProblem.implausibleCode.message == "A pairing code is 10 letters and digits.")
        #expect(PairingProblem(ServerReplyError.refused(ErrorBody(code: .pairingCodeInvalid, message: "x"))).message
            == "This pairing code is wrong, used or expired. Ask for a new one.")
        #expect(PairingProblem(ServerReplyError.refused(ErrorBody(code: .rateLimited, message: "x"))).message
            == "Too many attempts. Wait a minute and try again.")
        #expect(PairingProblem(ServerReplyError.refused(ErrorBody(code: .badRequest, message: "name: at most 120 characters"))).message
            == "name: at most 120 characters")
        #expect(PairingProblem(ServerReplyError.badStatus(502)).message == "The server answered 502.")
    }

    @Test("the typed pairing form: an http(s) server with a host and a plausible code", arguments: [
        ("https://calls.example.com", "k7q2m-9x4pd", true),
        (" http://192.168.1.20:4780 ", "K7Q2M9X4PD", true),
        ("calls.example.com", "K7Q2M9X4PD", false),
        ("ftp://calls.example.com", "K7Q2M9X4PD", false),
        ("https://", "K7Q2M9X4PD", false),
        ("https://calls.example.com", "K7Q2", false),
    ])
    func pairingForm(server: String, code: String, accepted: Bool) {
        let link = PairingLink.typed(server: server, code: code)
        #expect((link != nil) == accepted)
        if let link { #expect(link.server.scheme?.hasPrefix("http") == true) }
    }

    @Test("the Status screen shows the token's ends, or that there is none")
    func tokenSummary() {
        var status = CompanionStatus(apnsEnvironment: .sandbox)
        #expect(status.tokenSummary == "none")
        status.voipToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
        #expect(status.tokenSummary == "a1b2c3d4…8f90")
    }

    @Test("a recent call's line on the Recents screen: missed in red, the duration, or how it ended")
    func recentOutcome() {
        let start = Date(epochMs: 1_795_587_574_543)
        func recent(_ direction: CallDirection, answered: Bool, ended reason: EndReason?) -> RecentCall {
            RecentCall(id: UUID(), direction: direction, handle: "+15551234567", callerName: "Support", video: false,
                       startedAt: start, answeredAt: answered ? start : nil, endedAt: start.addingTimeInterval(125), endReason: reason)
        }
        #expect(recent(.outbound, answered: true, ended: .completed).outcome == "2 min 5 s")
        #expect(recent(.outbound, answered: false, ended: .missed).outcome == "Missed")
        #expect(recent(.outbound, answered: false, ended: .missed).isMissed)
        #expect(!recent(.outbound, answered: false, ended: .declined).isMissed, "declined here is not missed")
        #expect(recent(.outbound, answered: false, ended: .declined).outcome == "Declined")
        #expect(recent(.outbound, answered: false, ended: .answeredElsewhere).outcome == "Answered on another device")
        #expect(recent(.inbound, answered: false, ended: .unreachable).outcome == "No agent online")
        #expect(recent(.inbound, answered: false, ended: .noAgentAvailable).outcome == "No agent available")
        #expect(recent(.inbound, answered: false, ended: .cancelled).outcome == "Not answered")
        #expect(!recent(.inbound, answered: false, ended: .cancelled).isMissed, "a call this phone placed is never missed")
    }
}
