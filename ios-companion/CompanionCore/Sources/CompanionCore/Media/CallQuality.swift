import Foundation

// How a call sounded (issue 25 item 8), the same arithmetic as `shared/src/call-quality.ts`:
// the console and the virtual phone run that one, this app runs this one, and the fixtures in
// `shared/fixtures/quality-summary` hold both to the same numbers.

// MARK: - The path

public enum PathKind: String, Codable, Sendable, CaseIterable {
    /// Host to host; through a NAT (found by STUN); through the TURN relay.
    case direct, stun, turn
}

/// How this end reaches the other, or its relay: `tls` is TURN over TLS (`turns:`).
public enum PathTransport: String, Codable, Sendable, CaseIterable {
    case udp, tcp, tls
}

public struct QualityPath: Codable, Equatable, Sendable {
    public var kind: PathKind
    public var transport: PathTransport

    public init(kind: PathKind, transport: PathTransport) {
        self.kind = kind
        self.transport = transport
    }
}

// MARK: - One reading

/// One reading of the peer connection's stats (`StatsSample`); the counters are cumulative.
public struct StatsSample: Codable, Equatable, Sendable {
    public var rttMs: Int?
    public var jitterMs: Int?
    public var packetsReceived: Int
    public var packetsLost: Int
    public var bytesReceived: Int
    public var totalSamplesReceived: Int
    public var concealedSamples: Int
    public var remoteLossPct: Double?
    public var candidateType: String?
    public var path: QualityPath?

    public init(
        rttMs: Int?, jitterMs: Int?, packetsReceived: Int, packetsLost: Int, bytesReceived: Int,
        totalSamplesReceived: Int, concealedSamples: Int, remoteLossPct: Double?, candidateType: String?, path: QualityPath?
    ) {
        self.rttMs = rttMs
        self.jitterMs = jitterMs
        self.packetsReceived = packetsReceived
        self.packetsLost = packetsLost
        self.bytesReceived = bytesReceived
        self.totalSamplesReceived = totalSamplesReceived
        self.concealedSamples = concealedSamples
        self.remoteLossPct = remoteLossPct
        self.candidateType = candidateType
        self.path = path
    }

    private enum CodingKeys: String, CodingKey {
        case rttMs, jitterMs, packetsReceived, packetsLost, bytesReceived, totalSamplesReceived, concealedSamples
        case remoteLossPct, candidateType, path
    }

    /// Nullable fields are written out as `null`, as the fixtures (and zod's `.nullable()`) have them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rttMs, forKey: .rttMs)
        try c.encode(jitterMs, forKey: .jitterMs)
        try c.encode(packetsReceived, forKey: .packetsReceived)
        try c.encode(packetsLost, forKey: .packetsLost)
        try c.encode(bytesReceived, forKey: .bytesReceived)
        try c.encode(totalSamplesReceived, forKey: .totalSamplesReceived)
        try c.encode(concealedSamples, forKey: .concealedSamples)
        try c.encode(remoteLossPct, forKey: .remoteLossPct)
        try c.encode(candidateType, forKey: .candidateType)
        try c.encode(path, forKey: .path)
    }
}

/// One statistics object of a report (`RTCStatistics`: an id, a type and its values), as plain
/// Sendable values: the live adapter copies WebRTC's into these, and the reading is done here.
public struct StatsEntry: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case number(Double)
        case string(String)
        case other
    }

    public var id: String
    public var type: String
    public var values: [String: Value]

    public init(id: String, type: String, values: [String: Value]) {
        self.id = id
        self.type = type
        self.values = values
    }

    func number(_ key: String) -> Double? {
        if case let .number(value) = values[key], value.isFinite { return value }
        return nil
    }

    func string(_ key: String) -> String? {
        if case let .string(value) = values[key], !value.isEmpty { return value }
        return nil
    }
}

public enum StatsReading {
    /// `readSample`: the audio inbound-rtp, the selected candidate pair and its two candidates.
    public static func sample(from entries: [StatsEntry]) -> StatsSample {
        let byId = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let inbound = entries.first { $0.type == "inbound-rtp" && $0.string("kind") == "audio" }
        let remote = entries.first { $0.type == "remote-inbound-rtp" && $0.string("kind") == "audio" }
        let transport = entries.first { $0.type == "transport" && $0.string("selectedCandidatePairId") != nil }
        let pair = transport.flatMap { $0.string("selectedCandidatePairId").flatMap { byId[$0] } }
            ?? entries.first {
                $0.type == "candidate-pair" && $0.string("state") == "succeeded" && $0.values["nominated"] == .number(1)
            }
        let rtt = pair?.number("currentRoundTripTime") ?? remote?.number("roundTripTime")
        let jitter = inbound?.number("jitter")
        let local = pair?.string("localCandidateId").flatMap { byId[$0] }
        let far = pair?.string("remoteCandidateId").flatMap { byId[$0] }
        let count = { (key: String) in Int(inbound?.number(key) ?? 0) }
        return StatsSample(
            rttMs: rtt.map { Int(($0 * 1000).rounded()) },
            jitterMs: jitter.map { Int(($0 * 1000).rounded()) },
            packetsReceived: count("packetsReceived"),
            packetsLost: max(0, count("packetsLost")),
            bytesReceived: count("bytesReceived"),
            totalSamplesReceived: count("totalSamplesReceived"),
            concealedSamples: count("concealedSamples"),
            remoteLossPct: remote?.number("fractionLost").map { $0 * 100 },
            candidateType: local?.string("candidateType"),
            path: local.map { path(local: $0, remote: far) }
        )
    }

    /// Through TURN when either end is a relay candidate (its transport: `relayProtocol`).
    static func path(local: StatsEntry, remote: StatsEntry?) -> QualityPath {
        let types = [local.string("candidateType"), remote?.string("candidateType")]
        let kind: PathKind = types.contains("relay") ? .turn : (types.contains("srflx") || types.contains("prflx")) ? .stun : .direct
        let relayed = local.string("candidateType") == "relay" ? local.string("relayProtocol") : nil
        let transport = PathTransport(rawValue: relayed ?? local.string("protocol") ?? "udp") ?? .udp
        return QualityPath(kind: kind, transport: transport)
    }
}
