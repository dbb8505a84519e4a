import Foundation
@testable import CompanionCore

/// The fixture folders that pin rules rather than messages (shared/fixtures/README.md): a valid
/// file is one this app's implementation agrees with, an invalid one is one it refuses. The
/// TypeScript suite checks the same files against the schemas in `shared/src/fixture-kinds.ts`.
enum WireRules {
    struct Disagrees: Error, CustomStringConvertible {
        let description: String
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Disagrees(description: message()) }
    }

    static func string(_ data: Data) throws -> String {
        try JSONDecoder().decode(String.self, from: data)
    }

    /// A string rule: the fixture is one JSON string, valid when `accepts` says so.
    static func rule(_ name: String, _ accepts: @escaping @Sendable (String) -> Bool) -> WireKinds.Model {
        WireKinds.Model(decode: { data in
            let value = try string(data)
            try require(accepts(value), "\(name) refuses \(value.debugDescription)")
        }, roundTrip: nil)
    }

    static let models: [String: WireKinds.Model] = [
        "call-id": rule("CallID") { CallID($0) != nil },
        "voip-token": rule("the VoIP token rule") { WireFormat.isVoipToken($0) },
        "bundle-id": rule("the bundle id rule") { WireFormat.isBundleID($0) },
        "pairing-code": rule("the pairing code rule") { PairRequest.isPlausible(code: $0) },
        "device-auth": WireKinds.model(DeviceAuth.self),
        "directory-response": WireKinds.model(DirectorySnapshot.self),
        "wire-constants": WireKinds.Model(decode: { try JSONDecoder().decode(WireConstants.self, from: $0).check() }, roundTrip: nil),
        "retry-policy": WireKinds.Model(decode: { try JSONDecoder().decode(RetryPolicyCase.self, from: $0).check() }, roundTrip: nil),
        "staleness": WireKinds.Model(decode: { try JSONDecoder().decode(StalenessCase.self, from: $0).check() }, roundTrip: nil),
    ]
}

/// Every name and constant of the protocol that this app copies from `shared/src`.
struct WireConstants: Decodable {
    let protocolVersion: Int
    let voipPayloadLimit: Int
    let pushKey: String
    let deviceRequests, deviceBroadcasts, reportEvents, errorCodes, endReasons, callStates, legStates: [String]
    let directions, eventSources, pushOutcomes, pushKinds, apnsEnvironments: [String]
    let transferKinds, transferStates: [String]
    let deviceFeatures, videoStates, videoOffReasons, videoReportEvents, cameras: [String]

    func check() throws {
        try WireRules.require(protocolVersion == WireProtocol.version, "protocol version \(protocolVersion)")
        try WireRules.require(voipPayloadLimit == WireProtocol.voipPayloadLimit, "payload limit \(voipPayloadLimit)")
        try WireRules.require(pushKey == WireProtocol.pushKey, "push key \(pushKey)")
        try same(deviceRequests, DeviceRequestName.self)
        try same(deviceBroadcasts, DeviceBroadcastName.self)
        try same(reportEvents, DeviceReportEvent.self)
        try same(errorCodes, ErrorCode.self)
        try same(endReasons, EndReason.self)
        try same(callStates, CallState.self)
        try same(legStates, LegState.self)
        try same(directions, CallDirection.self)
        try same(eventSources, EventSource.self)
        try same(pushOutcomes, PushOutcome.self)
        try same(pushKinds, PushKind.self)
        try same(apnsEnvironments, ApnsEnvironment.self)
        try same(transferKinds, TransferKind.self)
        try same(transferStates, TransferState.self)
        try same(deviceFeatures, DeviceFeature.self)
        try same(videoStates, VideoStateName.self)
        try same(videoOffReasons, VideoOffReason.self)
        try same(videoReportEvents, VideoReportEvent.self)
        try same(cameras, CameraPosition.self)
    }

    private func same<T: CaseIterable & RawRepresentable>(_ names: [String], _: T.Type) throws where T.RawValue == String {
        let mine = Set(T.allCases.map(\.rawValue))
        try WireRules.require(
            names.count == T.allCases.count && Set(names) == mine,
            "\(T.self): the fixture lists \(names.sorted()), this app has \(mine.sorted())"
        )
    }
}

/// Which refusals are worth retrying, and the backoff between tries (`RequestOutbox`).
struct RetryPolicyCase: Decodable {
    struct Backoff: Decodable {
        let initialMs: Int
        let factor: Int
        let maxMs: Int
    }

    let retryableCodes: [String]
    let backoff: Backoff
    let delaysMs: [Int]

    func check() throws {
        let codes = try retryableCodes.map { name in
            guard let code = ErrorCode(rawValue: name) else { throw WireRules.Disagrees(description: "unknown code \(name)") }
            return code
        }
        let mine = Set(ErrorCode.allCases.filter(\.isRetryable))
        try WireRules.require(Set(codes) == mine, "retryable: fixture \(retryableCodes), app \(mine.map(\.rawValue).sorted())")
        for (index, delay) in delaysMs.enumerated() {
            let formula = min(backoff.initialMs * Int(pow(Double(backoff.factor), Double(index))), backoff.maxMs)
            let actual = RequestOutbox.backoff(attempt: index + 1)
            try WireRules.require(delay == formula, "delay \(index + 1) is \(delay), the formula gives \(formula)")
            try WireRules.require(actual == .milliseconds(delay), "retry \(index + 1) waits \(actual), the fixture \(delay) ms")
        }
    }
}

/// One arrival of a call push: stale or not, by the push's own window.
struct StalenessCase: Decodable {
    let sentAt: Int64
    let ringUntil: Int64
    let phoneNowAtArrival: Int64
    let elapsedSinceArrivalMs: Int64
    let stale: Bool

    func check() throws {
        let push = CallPush(callId: CallID(UUID()), handle: "h", callerName: "n", video: false, sentAt: sentAt, ringUntil: ringUntil)
        let judged = push.isStale(elapsedSinceArrivalMs: elapsedSinceArrivalMs)
        try WireRules.require(judged == stale, "the app judges stale=\(judged), the fixture says \(stale)")
    }
}
