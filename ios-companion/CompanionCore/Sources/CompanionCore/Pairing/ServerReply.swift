import Foundation

/// How the server's HTTP API answers (`POST /api/devices/pair`, `GET /api/devices/:id/directory`):
/// the JSON body on 2xx, `{error: {code, message}}` otherwise.
public enum ServerReply {
    public static func decode<T: Decodable>(_ type: T.Type, status: Int, body: Data) throws -> T {
        guard (200..<300).contains(status) else {
            if let refusal = try? JSONDecoder().decode(ErrorResponse.self, from: body) {
                throw ServerReplyError.refused(refusal.error)
            }
            throw ServerReplyError.badStatus(status)
        }
        return try JSONDecoder().decode(T.self, from: body)
    }
}

public enum ServerReplyError: Error, Equatable, Sendable {
    /// The server's own refusal, with its code and words.
    case refused(ErrorBody)
    /// Not the server's shape (a proxy's error page, say): only the status is known.
    case badStatus(Int)
}

/// Why pairing did not happen, in the words the pairing screen shows.
public enum PairingProblem: Error, Equatable, Sendable {
    case implausibleCode
    /// A QR code that is not the console's pairing code.
    case notAPairingLink
    /// A plain `http://` server that is not on this network: App Transport Security would block
    /// every request to it after pairing, silently.
    case insecureServer(String)
    /// The link's certificate fingerprint is not one (or rides on plain http).
    case badFingerprint
    case server(ServerReplyError)

    public init(_ error: ServerReplyError) {
        self = .server(error)
    }

    public var message: String {
        switch self {
        case .implausibleCode: "A pairing code is 10 letters and digits."
        case .notAPairingLink: "This is not a Switchboard pairing code. Scan the code the console shows under “Pair phone”."
        case let .insecureServer(host):
            "\(host) is not on this network, and iOS does not allow plain http:// to other servers. "
                + "Use the console's https:// address."
        case .badFingerprint: "This pairing code is damaged (its certificate fingerprint is not valid). Ask for a new one."
        case .server(.refused(let body)) where body.code == .pairingCodeInvalid:
            "This pairing code is wrong, used or expired. Ask for a new one."
        case .server(.refused(let body)) where body.code == .rateLimited: "Too many attempts. Wait a minute and try again."
        case let .server(.refused(body)): body.message
        case let .server(.badStatus(status)): "The server answered \(status)."
        }
    }
}
