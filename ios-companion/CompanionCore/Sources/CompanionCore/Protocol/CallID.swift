import Foundation

/// A server call id. DESIGN.md: "UUID v4, also the CallKit UUID" — the phone reports an incoming
/// call to CallKit under exactly this UUID, which is what makes duplicate pushes collapse into
/// one call on the phone.
public struct CallID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let uuid: UUID

    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Accepts what zod's `z.uuid()` accepts, nothing more.
    public init?(_ string: String) {
        guard WireFormat.isUUID(string), let uuid = UUID(uuidString: string) else { return nil }
        self.uuid = uuid
    }

    /// Lowercase, as the server generates ids (`randomUUID()`) and keys its calls by the string;
    /// Foundation's `uuidString` is uppercase and would name a call the server does not know.
    public var wireValue: String { uuid.uuidString.lowercased() }

    public var description: String { wireValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let id = CallID(string) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(string) is not a UUID")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wireValue)
    }
}
