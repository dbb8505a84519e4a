import Foundation

/// What Socket.IO's Swift client hands an ack or broadcast callback (`[Any]`, bridged from its
/// JSON), turned into the JSON bytes the core decodes.
public enum SocketAck {
    /// `SocketAckStatus.noAck`: what `timingOut(after:)` passes when no ack came in time.
    public static let noAck = "NO ACK"

    public static func interpret(_ items: [Any]) -> Result<Data, ServerConnectionError> {
        if let status = items.first as? String, status == noAck { return .failure(.timedOut) }
        guard let data = json(items.first) else { return .failure(.invalidAck("ack is not JSON")) }
        return .success(data)
    }

    /// A JSON object or array as bytes; `nil` for anything else. Checked first: serialising an
    /// invalid object raises an Objective-C exception on Apple platforms, which nothing catches.
    public static func json(_ value: Any?) -> Data? {
        guard let value, JSONSerialization.isValidJSONObject(value) else { return nil }
        return try? JSONSerialization.data(withJSONObject: value)
    }
}
