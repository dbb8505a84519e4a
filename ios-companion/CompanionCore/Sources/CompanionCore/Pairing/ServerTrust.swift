import Foundation

/// The SHA-256 of the server certificate (DER) that the pairing link carried (`fp`): the console's
/// desktop app makes its own certificate, which no public CA vouches for, so the phone trusts that
/// one certificate and no other (issue 20 item 1).
public struct ServerPin: Codable, Equatable, Hashable, Sendable {
    /// 64 lowercase hex digits.
    public let sha256: String

    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        sha256 = hex
    }

    public init(certificate der: Data) {
        sha256 = SHA256.hex(der)
    }

    /// Grouped in fours for people comparing it with the console's settings screen.
    public var display: String {
        stride(from: 0, to: sha256.count, by: 4).map { offset in
            let start = sha256.index(sha256.startIndex, offsetBy: offset)
            return String(sha256[start..<sha256.index(start, offsetBy: 4)])
        }.joined(separator: " ")
    }
}

/// What the app does with the server's TLS certificate (URLSession's and the socket's challenge).
public enum TrustDecision: Equatable, Sendable {
    /// No pin: the system's own evaluation decides (a server with a public CA's certificate).
    case systemTrust
    /// The pinned certificate: accepted although no CA vouches for it.
    case accept
    /// Not the pinned certificate: refused, with the words the Status screen shows.
    case refuse(String)
}

public enum ServerTrust {
    /// Pins the leaf certificate, the one the server presents first: the console's fingerprint is
    /// of that certificate (`selfsigned`), not of a CA above it.
    public static func decide(pin: ServerPin?, certificateChain: [Data]) -> TrustDecision {
        guard let pin else { return .systemTrust }
        guard let leaf = certificateChain.first else {
            return .refuse("The server sent no certificate. Pair again from the console.")
        }
        let presented = ServerPin(certificate: leaf)
        if presented == pin { return .accept }
        return .refuse(
            "The server's certificate is not the one this phone was paired with "
                + "(expected \(pin.display.prefix(19))…, got \(presented.display.prefix(19))…). "
                + "If the console's computer made a new certificate, pair again; otherwise someone "
                + "may be intercepting the connection."
        )
    }
}

/// FIPS 180-4 SHA-256, in Swift: CompanionCore is Foundation-only (CryptoKit is Apple's), and the
/// pin decision lives here so that the Linux tests see it.
public enum SHA256 {
    public static func hex(_ data: Data) -> String {
        digest(data).map { String(format: "%02x", $0) }.joined()
    }

    public static func digest(_ data: Data) -> [UInt8] {
        var h: [UInt32] = [
            0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
        ]
        var message = [UInt8](data)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }

        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: message.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] = UInt32(message[b]) << 24 | UInt32(message[b + 1]) << 16 | UInt32(message[b + 2]) << 8 | UInt32(message[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let choice = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ majority
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
            h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
        }
        return h.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> UInt32($0)) } }
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private static let k: [UInt32] = [
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ]
}
