import Foundation

// Every enum below mirrors an `as const` list in `shared/src`. Their synthesized `Decodable`
// refuses any other string, as `z.enum` does.

// MARK: - call.ts

public enum CallState: String, Codable, Sendable, CaseIterable {
    case dialing, ringing, connecting, active, ended
}

public enum EndReason: String, Codable, Sendable, CaseIterable {
    case completed, declined, missed, cancelled, unreachable, failed, answeredElsewhere, busy
    /// This phone called in and no agent was Available to take it (protocol 2).
    case noAgentAvailable
}

public enum CallDirection: String, Codable, Sendable, CaseIterable {
    /// The console calls the phone (a VoIP push rings it).
    case outbound
    /// The phone calls the console (`call:start`).
    case inbound
}

public enum EventSource: String, Codable, Sendable, CaseIterable {
    case agent, device, server, apns
}

public enum LegState: String, Codable, Sendable, CaseIterable {
    case pending, ringing, answered, ended
}

public enum PushOutcome: String, Codable, Sendable, CaseIterable {
    case accepted, tokenInvalid, retryable, configError
}

public enum PushKind: String, Codable, Sendable, CaseIterable {
    case call, cancel
}

// MARK: - transfer-schema.ts

/// `blind`: the call rings another agent and is theirs once they accept; `warm`: the phone is
/// held while the two agents talk first.
public enum TransferKind: String, Codable, Sendable, CaseIterable {
    case blind, warm
}

public enum TransferState: String, Codable, Sendable, CaseIterable {
    case ringing, consulting, completed, declined, missed, cancelled
}

// MARK: - roster.ts

/// Which APNs gateway the device's token belongs to: debug builds get sandbox tokens.
public enum ApnsEnvironment: String, Codable, Sendable, CaseIterable {
    case sandbox, production
}

// MARK: - events.ts

public enum DeviceReportEvent: String, Codable, Sendable, CaseIterable {
    case reported, answered, connected, held, resumed, muted, unmuted, ended
}

// MARK: - errors.ts

/// `ERROR_CODES`: clients switch on the code, never on the message.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    case badRequest = "BAD_REQUEST"
    case unauthorized = "UNAUTHORIZED"
    case forbidden = "FORBIDDEN"
    case notFound = "NOT_FOUND"
    case invalidTransition = "INVALID_TRANSITION"
    case callEnded = "CALL_ENDED"
    case answeredElsewhere = "ANSWERED_ELSEWHERE"
    case busy = "BUSY"
    case conflict = "CONFLICT"
    case rateLimited = "RATE_LIMITED"
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    case pairingCodeInvalid = "PAIRING_CODE_INVALID"
    /// The handshake's protocol version is not the server's; the message says which side to update.
    case protocolMismatch = "PROTOCOL_MISMATCH"
    case unavailable = "UNAVAILABLE"
    case internalError = "INTERNAL"

    /// Whether sending the same request again later can succeed. Everything else is the server's
    /// final word on that request (DESIGN.md: a refused report changed nothing and never will).
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .unavailable, .internalError: true
        default: false
        }
    }
}
