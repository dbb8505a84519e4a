import Foundation
import Testing
@testable import CompanionCore

/// Issue 21 item 9 and issue 20 item 1: what the phone accepts from a pairing link, and the one
/// certificate it then trusts.
@Suite("Pairing rules: retry, plain http on this network only, the device name, the pinned certificate")
struct PairingRulesTests {
    static let pin = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    @Test("a code that failed is read again once the person asks; while pairing, or after success, it is not")
    func scanGate() {
        var gate = PairingScanGate()
        let code = "switchboard://pair?server=https%3A%2F%2Fcalls.example.com&code=K7Q2M9X4PD"
        let other = "switchboard://pair?server=https%3A%2F%2Fcalls.example.com&code=AAAAAAAAAA"
        var answers: [Bool] = []
        answers.append(gate.shouldPair(code))
        answers.append(gate.shouldPair(code)) // the camera reads it again while pairing
        answers.append(gate.shouldPair(other)) // nothing else starts while pairing
        gate.finished()
        answers.append(gate.shouldPair(code)) // not in a loop after a failure
        gate.retry()
        answers.append(gate.shouldPair(code)) // “Scan again” reads the same code again
        gate.finished()
        answers.append(gate.shouldPair(other)) // a different code is tried at once
        #expect(answers == [true, false, false, false, true, true])
    }

    @Test("plain http is refused, with the reason, unless the server is on this network", arguments: [
        ("http://calls.example.com", false),
        ("http://8.8.8.8:4780", false),
        ("http://172.32.0.1", false),
        ("http://[2001:db8::1]:4780", false),
        ("http://192.168.1.20:4780", true),
        ("http://10.0.0.5", true),
        ("http://172.16.4.2", true),
        ("http://127.0.0.1:4780", true),
        ("http://localhost:4780", true),
        ("http://169.254.10.1", true),
        ("http://[fe80::1%25en0]:4780", true),
        ("http://[fd12:3456::1]", true),
        ("http://[::1]:4780", true),
        ("http://macbook.local:4780", true),
        ("http://switchboard:4780", true),
        ("https://calls.example.com", true),
    ])
    func plainHttp(server: String, allowed: Bool) throws {
        let escaped = try #require(server.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let result = PairingLink.read("switchboard://pair?server=\(escaped)&code=K7Q2M9X4PD")
        if allowed {
            #expect(throws: Never.self) { try result.get() }
        } else {
            guard case let .failure(.insecureServer(host)) = result else {
                Issue.record("\(server) should be refused as insecure, got \(result)")
                return
            }
            #expect(PairingProblem.insecureServer(host).message.contains("https://"))
        }
        let typed = try #require(URL(string: server))
        #expect((PairingLink.serverProblem(typed) == nil) == allowed)
    }

    @Test("the link's fp is kept as the pin; a malformed one, or one on plain http, refuses the link")
    func fingerprint() throws {
        let base = "switchboard://pair?server=https%3A%2F%2F192.168.1.20%3A4780&code=K7Q2M9X4PD"
        let link = try PairingLink.read("\(base)&fp=\(Self.pin)").get()
        #expect(link.pin?.sha256 == Self.pin)
        #expect(try PairingLink.read(base).get().pin == nil)
        #expect(PairingLink.read("\(base)&fp=\(Self.pin.uppercased())") == .failure(.badFingerprint))
        #expect(PairingLink.read("\(base)&fp=\(Self.pin.dropLast())") == .failure(.badFingerprint))
        let http = "switchboard://pair?server=http%3A%2F%2F192.168.1.20%3A4780&code=K7Q2M9X4PD&fp=\(Self.pin)"
        #expect(PairingLink.read(http) == .failure(.badFingerprint))
        #expect(PairingLink.read("https://example.com") == .failure(.notAPairingLink))
    }

    @Test("the pairing link fixtures read as the TypeScript side reads them", arguments: Fixtures.files(kind: "pairing-link"))
    func fixtures(file: Fixtures.File) throws {
        let string = try JSONDecoder().decode(String.self, from: file.data())
        #expect(((try? PairingLink.read(string).get()) != nil) == file.expectsValid, "\(file)")
    }

    @Test("the pinned certificate is accepted, any other refused with words, and no pin trusts the system")
    func pinning() throws {
        let certificate = Data("the server's certificate, DER".utf8)
        let pin = ServerPin(certificate: certificate)
        #expect(ServerTrust.decide(pin: pin, certificateChain: [certificate, Data("CA".utf8)]) == .accept)
        #expect(ServerTrust.decide(pin: nil, certificateChain: [certificate]) == .systemTrust)
        guard case let .refuse(message) = ServerTrust.decide(pin: pin, certificateChain: [Data("another".utf8)]) else {
            Issue.record("a different certificate must be refused")
            return
        }
        #expect(message.hasPrefix("The server's certificate is not the one this phone was paired with"))
        #expect(message.contains(String(pin.display.prefix(19))))
        #expect(ServerTrust.decide(pin: pin, certificateChain: []) != .accept)
    }

    @Test("SHA-256 as FIPS 180-4 gives it (the known answers)", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(input: String, expected: String) {
        #expect(SHA256.hex(Data(input.utf8)) == expected)
        #expect(ServerPin(hex: expected)?.sha256 == expected)
    }

    @Test("a million a's: the padding across many blocks")
    func sha256Long() {
        #expect(SHA256.hex(Data(repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the name field starts from the model's name; UIDevice.name is only “iPhone” since iOS 16")
    func deviceName() {
        #expect(DeviceModelName.name(for: "iPhone16,2") == "iPhone 15 Pro Max")
        #expect(DeviceModelName.name(for: "iPhone99,1") == "iPhone")
        #expect(DeviceModelName.name(for: "iPad13,1") == "iPad")
    }
}
