import Foundation

/// A refused `/device` handshake as Socket.IO's Swift client hands it to the `error` handler: the
/// server's `connect_error` (`{message: "CODE: words", data: {code, message}}`), or a plain string
/// ("CODE: words", or a network error's description, which carries no code).
public struct HandshakeRefusal: Equatable, Sendable {
    public var code: ErrorCode?
    public var message: String

    public init(code: ErrorCode?, message: String) {
        self.code = code
        self.message = message
    }

    public init?(socketItems items: [Any]) {
        guard let first = items.first else { return nil }
        if let object = first as? [String: Any] {
            if let data = object["data"] as? [String: Any], let raw = data["code"] as? String {
                self.init(code: ErrorCode(rawValue: raw), message: data["message"] as? String ?? raw)
                return
            }
            guard let text = object["message"] as? String else { return nil }
            self.init(text: text)
            return
        }
        guard let text = first as? String else { return nil }
        self.init(text: text)
    }

    private init(text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        if parts.count == 2, let code = ErrorCode(rawValue: String(parts[0])) {
            self.init(code: code, message: parts[1].trimmingCharacters(in: .whitespaces))
        } else {
            self.init(code: nil, message: text)
        }
    }
}
