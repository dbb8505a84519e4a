import Foundation
import Testing
@testable import CompanionCore

/// How the Swift side reads each fixture folder. A folder in neither table fails the suite, so a
/// new message kind cannot go unchecked on this side.
enum WireKinds {
    struct Model: Sendable {
        /// Decodes with the validating decoder; throws when the payload is refused.
        let decode: @Sendable (Data) throws -> Void
        /// decode → encode → decode gives the same value (nil when Swift only ever reads the kind).
        let roundTrip: (@Sendable (Data) throws -> Bool)?
    }

    static func model<T: Codable & Equatable & Sendable>(_ type: T.Type) -> Model {
        Model(
            decode: { _ = try JSONDecoder().decode(T.self, from: $0) },
            roundTrip: { data in
                let value = try JSONDecoder().decode(T.self, from: data)
                return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) == value
            }
        )
    }

    static let models: [String: Model] = [
        "ack": Model(decode: { _ = try JSONDecoder().decode(Ack<JSONValue>.self, from: $0) }, roundTrip: nil),
        "call": model(Call.self),
        "call-cancelled": model(CallCancelled.self),
        "call-changed": model(CallChanged.self),
        "call-report": model(CallReport.self),
        "call-start": model(CallStart.self),
        "call-sync": model(CallSync.self),
        "call-sync-result": model(CallSyncResult.self),
        "device-update": model(DeviceUpdate.self),
        "device-unpair": model(DeviceUnpair.self),
        "permissions-report": model(PermissionsReport.self),
        "directory-changed": model(DirectoryChanged.self),
        "directory-set": model(DirectorySet.self),
        "pair-request": model(PairRequest.self),
        "pair-response": model(PairResponse.self),
        "push-payload": model(PushPayload.self),
        "rtc-signal": model(RtcSignalRequest.self),
        "video-state": model(VideoStateMessage.self),
        "video-report": model(VideoReport.self),
        "video-marker": model(VideoMarkerMessage.self),
    ].merging(WireRules.models) { message, _ in message }.merging(MediaFixtureKinds.models) { message, _ in message }
        .merging(QualityFixtureKinds.models) { message, _ in message }

    /// Kinds the phone never reads or writes, each with the reason.
    static let notModelled: [String: String] = [
        "pairing-link": "a link, not a message: read by PairingLink.read (PairingRulesTests)",
    ]

    /// Kinds the phone sends: its encoding must reproduce the fixture exactly.
    static let sentByPhone: Set<String> = [
        "call-report", "call-start", "call-sync", "device-update", "device-unpair", "permissions-report", "rtc-signal",
        "quality-report", "video-report",
    ]

    static func sentByPhoneValidFixtures() -> [Fixtures.File] {
        Fixtures.all.filter { sentByPhone.contains($0.kind) && $0.expectsValid }
    }
}

@Suite("Wire fixtures shared with the TypeScript tests")
struct WireFixtureTests {
    @Test("the fixtures folder is found from #filePath")
    func fixturesAreFound() throws {
        let root = try #require(Fixtures.root, "no shared/fixtures above \(#filePath)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("README.md").path))
        #expect(Fixtures.all.count >= 30, "suspiciously few fixtures in \(root.path)")
    }

    @Test("every fixture folder is modelled in Swift, and every model has a folder")
    func everyKindIsModelled() {
        let folders = Set(Fixtures.kinds())
        let known = Set(WireKinds.models.keys).union(WireKinds.notModelled.keys)
        #expect(folders.subtracting(known).isEmpty, "fixture folders Swift does not map: \(folders.subtracting(known).sorted())")
        #expect(known.subtracting(folders).isEmpty, "Swift maps folders that do not exist: \(known.subtracting(folders).sorted())")
    }

    @Test("every modelled kind has valid and invalid examples", arguments: WireKinds.models.keys.sorted())
    func hasExamples(kind: String) {
        let names = Fixtures.files(kind: kind).map(\.name)
        #expect(names.contains { $0.hasPrefix("valid-") })
        #expect(names.contains { $0.hasPrefix("invalid-") })
    }

    @Test("valid fixtures decode, invalid ones are refused", arguments: Fixtures.all)
    func decodes(file: Fixtures.File) throws {
        guard let model = WireKinds.models[file.kind] else {
            #expect(WireKinds.notModelled[file.kind] != nil, "no Swift model for \(file.kind)")
            return
        }
        let data = try file.data()
        if file.expectsValid {
            #expect(throws: Never.self) { try model.decode(data) }
            if let roundTrip = model.roundTrip {
                #expect(try roundTrip(data), "encode/decode changed \(file)")
            }
        } else {
            #expect(throws: (any Error).self, "\(file) should be refused") { try model.decode(data) }
        }
    }

    @Test("what the phone sends is the fixture's JSON, field for field", arguments: WireKinds.sentByPhoneValidFixtures())
    func phoneEncodingMatchesFixture(file: Fixtures.File) throws {
        let data = try file.data()
        let reencoded: Data = switch file.kind {
        case "call-report": try JSONEncoder().encode(JSONDecoder().decode(CallReport.self, from: data))
        case "call-start": try JSONEncoder().encode(JSONDecoder().decode(CallStart.self, from: data))
        case "call-sync": try JSONEncoder().encode(JSONDecoder().decode(CallSync.self, from: data))
        case "device-update": try JSONEncoder().encode(JSONDecoder().decode(DeviceUpdate.self, from: data))
        case "device-unpair": try JSONEncoder().encode(JSONDecoder().decode(DeviceUnpair.self, from: data))
        case "permissions-report": try JSONEncoder().encode(JSONDecoder().decode(PermissionsReport.self, from: data))
        case "quality-report": try JSONEncoder().encode(JSONDecoder().decode(QualityReport.self, from: data))
        case "video-report": try JSONEncoder().encode(JSONDecoder().decode(VideoReport.self, from: data))
        default: try JSONEncoder().encode(JSONDecoder().decode(RtcSignalRequest.self, from: data))
        }
        let expected = try JSONDecoder().decode(JSONValue.self, from: data)
        let actual = try JSONDecoder().decode(JSONValue.self, from: reencoded)
        #expect(actual == expected)
    }
}

@Suite("Protocol details")
struct ProtocolTests {
    @Test("the protocol version is pinned: bumping it is deliberate and comes with fixtures")
    func versionIsPinned() {
        #expect(WireProtocol.version == 2)
    }

    @Test("call ids go on the wire in lowercase, as the server generates and keys them")
    func callIdsAreLowercase() throws {
        let id = try #require(CallID("6F1C2A9E-3B7D-4C1E-9A52-0D8E7F3B2C41"))
        let json = String(decoding: try JSONEncoder().encode(CallSync(callIds: [id])), as: UTF8.self)
        #expect(json.contains("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41"))
        #expect(!json.contains("6F1C"))
    }

    @Test("call:start sends the CallKit UUID as callId, lowercase; the id may be left out but not null")
    func callStartCallId() throws {
        let uuid = try #require(UUID(uuidString: "A3C1E2F4-5B6D-4E7F-8A9B-0C1D2E3F4A5B"))
        let json = String(decoding: try JSONEncoder().encode(CallStart(video: false, callId: CallID(uuid))), as: UTF8.self)
        #expect(json.contains(#""callId":"a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b""#))
        let fixture = try Fixtures.decode(CallStart.self, kind: "call-start", file: "valid-with-call-id.json")
        #expect(fixture == CallStart(video: false, callId: CallID(uuid)))
        #expect(try Fixtures.decode(CallStart.self, kind: "call-start", file: "valid-audio.json").callId == nil)
        #expect(!String(decoding: try JSONEncoder().encode(CallStart(video: true)), as: UTF8.self).contains("callId"))
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CallStart.self, from: Data(#"{"video":false,"callId":null}"#.utf8)) }
    }

    @Test("HTTP errors are {error: {code, message}}, the ack's error body")
    func httpErrorBody() throws {
        let body = Data(#"{"error":{"code":"UNAUTHORIZED","message":"unknown device or wrong secret"}}"#.utf8)
        let response = try JSONDecoder().decode(ErrorResponse.self, from: body)
        #expect(response.error == ErrorBody(code: .unauthorized, message: "unknown device or wrong secret"))
    }

    @Test("call ids accept exactly what zod's z.uuid() accepts", arguments: [
        ("6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41", true),
        ("6F1C2A9E-3B7D-4C1E-9A52-0D8E7F3B2C41", true),
        ("00000000-0000-0000-0000-000000000000", true),
        ("6f1c2a9e-3b7d-9c1e-9a52-0d8e7f3b2c41", false), // version 9
        ("6f1c2a9e-3b7d-4c1e-7a52-0d8e7f3b2c41", false), // variant 7
        ("6f1c2a9e3b7d4c1e9a520d8e7f3b2c41", false),
        ("12345", false),
    ])
    func uuidFormat(string: String, valid: Bool) {
        #expect((CallID(string) != nil) == valid)
    }

    @Test("every error code of errors.ts decodes; only load and outage codes are retried")
    func errorCodes() throws {
        #expect(ErrorCode.allCases.count == 15)
        let retryable = Set(ErrorCode.allCases.filter(\.isRetryable))
        #expect(retryable == [.rateLimited, .unavailable, .internalError])
        let ack = try JSONDecoder().decode(Ack<JSONValue>.self, from: Data(#"{"ok":false,"error":{"code":"INTERNAL","message":"x"}}"#.utf8))
        #expect(ack.error?.code == .internalError)
    }

    @Test("an ok ack without data is accepted as z.unknown() does, a typed one needs its data")
    func ackData() throws {
        let bare = Data(#"{"ok":true}"#.utf8)
        #expect(try JSONDecoder().decode(Ack<JSONValue>.self, from: bare) == .ok(.null))
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Ack<CallSyncResult>.self, from: bare) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Ack<JSONValue>.self, from: Data(#"{"ok":"true"}"#.utf8)) }
    }

    @Test("nullable fields must be present; optional fields must not be null")
    func absenceRules() {
        let legWithoutReason = Data(#"{"deviceId":"d","state":"pending"}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Leg.self, from: legWithoutReason) }
        let reportWithNullReason = Data(#"{"callId":"6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41","event":"ended","reason":null,"at":1,"seq":1}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CallReport.self, from: reportWithNullReason) }
    }

    @Test("string limits count code points, as zod does, not UTF-16 units")
    func lengthsCountCodePoints() throws {
        // 64 emoji are 128 UTF-16 units but 64 characters: within entityId's 64; 65 are not.
        let json = { (id: String) in Data(#"{"deviceId":"\#(id)","deviceSecret":"s","staffId":"stf"}"#.utf8) }
        #expect(throws: Never.self) { try JSONDecoder().decode(PairResponse.self, from: json(String(repeating: "📞", count: 64))) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(PairResponse.self, from: json(String(repeating: "📞", count: 65))) }
    }

    @Test("the socket handshake carries the protocol version, as the server requires, and announces every feature")
    func handshake() throws {
        let auth = DeviceAuth(deviceId: "dev_iphone", secret: "q8N1v3X9s2L7m4K0p6R5t8W1z3Y7b2C9")
        let fixture = try Fixtures.decode(DeviceAuth.self, kind: "device-auth", file: "valid-basic.json")
        #expect(DeviceAuth(deviceId: auth.deviceId, secret: auth.secret, features: nil) == fixture)
        let video = try Fixtures.decode(DeviceAuth.self, kind: "device-auth", file: "valid-video.json")
        #expect(DeviceAuth(deviceId: auth.deviceId, secret: auth.secret, features: [.video]) == video)
        let announcing = try Fixtures.decode(DeviceAuth.self, kind: "device-auth", file: "valid-all-features.json")
        #expect(auth == announcing)
        #expect(auth.socketPayload["protocol"] as? Int == WireProtocol.version)
        // Without `video` the server would never ask this phone for its camera; without
        // `reportAcks` it would send the phone a `call:changed` for each of its own reports.
        #expect(auth.socketPayload["features"] as? [String] == ["video", "reportAcks"])
        #expect(auth.socketPayload.count == 4)
    }
}
