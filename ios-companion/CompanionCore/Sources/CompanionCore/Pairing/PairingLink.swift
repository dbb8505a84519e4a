import Foundation

// MARK: - QR link

/// `switchboard://pair?server=<url>&code=<code>[&fp=<sha-256 hex>]`: what the QR code on the
/// console encodes. `fp`, when the console's server made its own certificate, is the SHA-256 of
/// that certificate (DER), which the phone pins (`ServerTrust`).
public struct PairingLink: Equatable, Sendable {
    public var server: URL
    public var code: String
    public var pin: ServerPin?

    public init(server: URL, code: String, pin: ServerPin? = nil) {
        self.server = server
        self.code = code
        self.pin = pin
    }

    /// The link, or nil for anything that is not one (`read` says why).
    public static func parse(_ string: String) -> PairingLink? {
        try? read(string).get()
    }

    /// Mirrors `pairingLinkSchema` (`shared/fixtures/pairing-link`): an http(s) server with a host,
    /// a code, and an optional `fp` of 64 lowercase hex digits that only an https server may carry
    /// (a pin on plain http means the link was tampered with). A plain http server must be on this
    /// network (`serverProblem`).
    public static func read(_ string: String) -> Result<PairingLink, PairingProblem> {
        guard let components = URLComponents(string: string.trimmingCharacters(in: .whitespacesAndNewlines)),
              components.scheme?.lowercased() == "switchboard",
              components.host?.lowercased() == "pair"
        else { return .failure(.notAPairingLink) }
        let items = components.queryItems ?? []
        let value = { (name: String) in items.first(where: { $0.name == name })?.value }
        guard let server = value("server"), !server.isEmpty,
              let code = value("code"), !code.isEmpty,
              let url = URL(string: server),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
        else { return .failure(.notAPairingLink) }
        var pin: ServerPin?
        if let fp = value("fp") {
            guard let parsed = ServerPin(hex: fp), scheme == "https" else { return .failure(.badFingerprint) }
            pin = parsed
        }
        if let problem = serverProblem(url) { return .failure(problem) }
        return .success(PairingLink(server: url, code: code, pin: pin))
    }

    /// The pairing form's two fields: an http(s) server address with a host, and a code that can be
    /// a pairing code; `nil` until both are. (`serverProblem` says what is wrong with the server.)
    public static func typed(server: String, code: String) -> PairingLink? {
        guard let url = URL(string: server.trimmingCharacters(in: .whitespacesAndNewlines)),
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty,
              PairRequest.isPlausible(code: code)
        else { return nil }
        return PairingLink(server: url, code: code)
    }

    /// Why the phone cannot use this server address, or nil. Plain `http://` works only on this
    /// network: App Transport Security (`NSAllowsLocalNetworking`) lets the app reach local names
    /// and addresses in the clear and blocks the rest, silently, long after pairing.
    public static func serverProblem(_ url: URL) -> PairingProblem? {
        guard url.scheme?.lowercased() == "http" else { return nil }
        guard let host = url.host, LocalAddress.isLocal(host: host) else {
            return .insecureServer(url.host ?? url.absoluteString)
        }
        return nil
    }
}

/// Hosts App Transport Security lets the app reach over plain http with `NSAllowsLocalNetworking`,
/// narrowed to what is on this network: loopback, private and link-local addresses, `.local`
/// names and unqualified names.
public enum LocalAddress {
    public static func isLocal(host rawHost: String) -> Bool {
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".local") { return true }
        if let v4 = ipv4(host) { return isLocal(v4) }
        if host.contains(":") { return isLocalIPv6(host) }
        // An unqualified name (no dot) resolves on this network only.
        return !host.contains(".") && !host.isEmpty
    }

    private static func ipv4(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { part -> UInt8? in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber) else { return nil }
            return UInt8(part)
        }
        return bytes.count == 4 ? bytes : nil
    }

    private static func isLocal(_ a: [UInt8]) -> Bool {
        a[0] == 127 || a[0] == 10 || (a[0] == 172 && (16...31).contains(a[1])) || (a[0] == 192 && a[1] == 168)
            || (a[0] == 169 && a[1] == 254)
    }

    private static func isLocalIPv6(_ host: String) -> Bool {
        let address = host.split(separator: "%").first.map(String.init) ?? host
        if address == "::1" { return true }
        guard let first = address.split(separator: ":", omittingEmptySubsequences: false).first,
              let word = UInt16(first, radix: 16), !first.isEmpty
        else { return false }
        // fc00::/7 unique local, fe80::/10 link-local.
        return word & 0xFE00 == 0xFC00 || word & 0xFFC0 == 0xFE80
    }
}
