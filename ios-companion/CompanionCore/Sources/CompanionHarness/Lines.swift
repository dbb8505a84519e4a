import Foundation

/// One JSON object per line, both ways. What the bridge sends is read with JSONSerialization (the
/// payloads stay JSON bytes for the core to decode); what the harness sends is built the same way.
enum Lines {
    typealias Object = [String: Any]

    static func parse(_ line: String) -> Object? {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? Object
        else { return nil }
        return object
    }

    /// A field that holds JSON (an object, an array, null), as bytes.
    static func json(_ value: Any?) -> Data {
        guard let value, !(value is NSNull), JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value)
        else { return Data("null".utf8) }
        return data
    }

    /// JSON bytes as a value to put in an outgoing line.
    static func value(_ data: Data) -> Any {
        (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) ?? NSNull()
    }

    /// Written on the main actor only, so lines never interleave.
    @MainActor
    static func send(_ object: Object) {
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
