import Foundation

// MARK: - Format checks

/// The string rules of the zod schemas, written out by hand (no `Regex`, so the checks are cheap,
/// `Sendable` and identical on every platform). Lengths count Unicode code points, as zod's
/// `.min`/`.max` do (not JavaScript's UTF-16 `string.length`): 120 emoji are a 120-character name.
/// The fixtures in `shared/fixtures` pin every one of these rules on both sides.
enum WireFormat {
    static func length(_ string: String) -> Int { string.unicodeScalars.count }

    /// JavaScript's `\s` (and what `String.prototype.trim` removes), which the schemas use to
    /// normalize pairing codes and trim names. Not Foundation's `whitespacesAndNewlines`: that one
    /// lacks U+FEFF and adds U+0085.
    static func isJavaScriptWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// `String.prototype.trim()`.
    static func trim(_ string: String) -> String {
        let scalars = string.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isJavaScriptWhitespace($0) }),
              let last = scalars.lastIndex(where: { !isJavaScriptWhitespace($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `names.ts`: control characters and the bidirectional embedding, override and isolate
    /// characters, which a name may not hold (`/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u`).
    static func isUnsafeInName(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    /// zod 4 `z.uuid()`: RFC 9562 layout, version 1–8, variant 8/9/a/b, or the nil and max UUIDs.
    static func isUUID(_ string: String) -> Bool {
        if string == "00000000-0000-0000-0000-000000000000" || string == "ffffffff-ffff-ffff-ffff-ffffffffffff" {
            return true
        }
        let chars = Array(string.utf8)
        guard chars.count == 36 else { return false }
        for (index, char) in chars.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard char == UInt8(ascii: "-") else { return false }
            case 14:
                guard (UInt8(ascii: "1")...UInt8(ascii: "8")).contains(char) else { return false }
            case 19:
                guard "89abAB".utf8.contains(char) else { return false }
            default:
                guard isHex(char, allowUppercase: true) else { return false }
            }
        }
        return true
    }

    /// `e164` in `roster.ts`: `^\+[1-9]\d{1,14}$`.
    static func isE164(_ string: String) -> Bool {
        let chars = Array(string.utf8)
        guard (3...16).contains(chars.count), chars[0] == UInt8(ascii: "+") else { return false }
        guard (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(chars[1]) else { return false }
        return chars.dropFirst(2).allSatisfy(isDigit)
    }

    /// `device:update.voipToken`: `^[0-9a-f]{64,200}$` — the PushKit token as lowercase hex.
    static func isVoipToken(_ string: String) -> Bool {
        let chars = Array(string.utf8)
        return (64...200).contains(chars.count) && chars.allSatisfy { isHex($0, allowUppercase: false) }
    }

    /// `pairRequestSchema.bundleId`: `^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`.
    static func isBundleID(_ string: String) -> Bool {
        let parts = string.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `PAIRING_CODE_PATTERN`: ten characters of Crockford base32 (no I, L, O, U).
    static func isPairingCode(_ string: String) -> Bool {
        let alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8
        let chars = Array(string.utf8)
        return chars.count == 10 && chars.allSatisfy { alphabet.contains($0) }
    }

    static func isDigit(_ char: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(char) }

    static func isHex(_ char: UInt8, allowUppercase: Bool) -> Bool {
        isDigit(char) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(char)
            || (allowUppercase && (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(char))
    }

    static func isAlphanumeric(_ char: UInt8) -> Bool {
        isDigit(char) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(char)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(char)
    }
}

// MARK: - Decoding helpers

/// zod's three kinds of absence, which `Decodable`'s defaults blur:
/// `.nullable()` — the key must be present, its value may be `null`;
/// `.optional()` — the key may be missing, but `null` is refused;
/// plain — the key must be present and not `null`.
extension KeyedDecodingContainer {
    func fail(_ key: Key, _ message: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: message)
    }

    /// A value that may be `null` but must be there.
    func decodeNullable<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "required (may be null)"))
        }
        if try decodeNil(forKey: key) { return nil }
        return try decode(T.self, forKey: key)
    }

    /// A value that may be missing but, when present, must not be `null`.
    func decodeOptional<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { throw fail(key, "null is not allowed (omit the key instead)") }
        return try decode(T.self, forKey: key)
    }

    func decodeString(_ key: Key, min: Int = 0, max: Int = .max) throws -> String {
        try checkLength(decode(String.self, forKey: key), key, min: min, max: max)
    }

    func decodeNullableString(_ key: Key, min: Int = 0, max: Int = .max) throws -> String? {
        try decodeNullable(String.self, forKey: key).map { try checkLength($0, key, min: min, max: max) }
    }

    func checkLength(_ value: String, _ key: Key, min: Int, max: Int) throws -> String {
        let length = WireFormat.length(value)
        guard length >= min else { throw fail(key, "must be at least \(min) characters") }
        guard length <= max else { throw fail(key, "must be at most \(max) characters") }
        return value
    }

    /// `entityId`: 1–64 characters.
    func decodeEntityID(_ key: Key) throws -> String { try decodeString(key, min: 1, max: 64) }

    func decodeNullableEntityID(_ key: Key) throws -> String? { try decodeNullableString(key, min: 1, max: 64) }

    /// `epochMs`: a non-negative integer (a fractional number is refused by the decoder itself).
    func decodeEpochMs(_ key: Key) throws -> Int64 {
        let value = try decode(Int64.self, forKey: key)
        guard value >= 0 else { throw fail(key, "must be a non-negative epoch-ms integer") }
        return value
    }

    func decodeNullableEpochMs(_ key: Key) throws -> Int64? {
        guard let value = try decodeNullable(Int64.self, forKey: key) else { return nil }
        guard value >= 0 else { throw fail(key, "must be a non-negative epoch-ms integer") }
        return value
    }
}
