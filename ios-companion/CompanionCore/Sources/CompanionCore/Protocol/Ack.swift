import Foundation

/// `{code, message}` of a refused request (`errorBodySchema`).
public struct ErrorBody: Codable, Equatable, Sendable, Error {
    public var code: ErrorCode
    public var message: String

    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }
}

/// The body of every HTTP error response (`{error: {code, message}}`), e.g. a refused pairing
/// code or a device secret the directory endpoint does not accept.
public struct ErrorResponse: Codable, Equatable, Sendable {
    public var error: ErrorBody

    public init(error: ErrorBody) {
        self.error = error
    }
}

/// Every request is answered by exactly one ack: `{ok: true, data}` or `{ok: false, error}`.
public enum Ack<Value: Decodable & Sendable>: Decodable, Sendable {
    case ok(Value)
    case failure(ErrorBody)

    private enum CodingKeys: String, CodingKey { case ok, data, error }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if try c.decode(Bool.self, forKey: .ok) {
            // `z.unknown()` also accepts a missing `data`; a typed ack requires it.
            if !c.contains(.data), let absent = JSONValue.null as? Value {
                self = .ok(absent)
            } else {
                self = try .ok(c.decode(Value.self, forKey: .data))
            }
        } else {
            self = try .failure(c.decode(ErrorBody.self, forKey: .error))
        }
    }

    public var value: Value? {
        if case let .ok(value) = self { value } else { nil }
    }

    public var error: ErrorBody? {
        if case let .failure(error) = self { error } else { nil }
    }
}

extension Ack: Equatable where Value: Equatable {}
