import Foundation

// MARK: - The summary

/// `{avg, max}` of a measure over the call (`spread`: whole milliseconds).
public struct Spread: Codable, Equatable, Sendable {
    public var avg: Int
    public var max: Int

    public init(avg: Int, max: Int) {
        self.avg = avg
        self.max = max
    }

    private enum CodingKeys: String, CodingKey { case avg, max }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        avg = try c.decodeCount(.avg, max: 600_000)
        max = try c.decodeCount(.max, max: 600_000)
    }
}

public struct MosSpread: Codable, Equatable, Sendable {
    public var avg: Double
    public var min: Double

    public init(avg: Double, min: Double) {
        self.avg = avg
        self.min = min
    }

    private enum CodingKeys: String, CodingKey { case avg, min }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        avg = try c.decodeBounded(.avg, 1...5)
        min = try c.decodeBounded(.min, 1...5)
    }
}

/// What one end heard (`qualitySummarySchema`), sent in `quality:report`.
public struct QualitySummary: Codable, Equatable, Sendable {
    public var samples: Int
    public var seconds: Int
    public var rttMs: Spread?
    public var jitterMs: Spread?
    public var packetsReceived: Int
    public var packetsLost: Int
    /// Lost of what was sent to this end, %.
    public var lossPct: Double?
    /// Audio the decoder made up for what was lost or late, % of what played.
    public var concealedPct: Double?
    public var mos: MosSpread?
    /// Seconds scored under `CallQuality.mosFair`.
    public var poorSeconds: Int
    public var path: QualityPath?

    private enum CodingKeys: String, CodingKey {
        case samples, seconds, rttMs, jitterMs, packetsReceived, packetsLost, lossPct, concealedPct, mos, poorSeconds, path
    }

    public init(
        samples: Int, seconds: Int, rttMs: Spread?, jitterMs: Spread?, packetsReceived: Int, packetsLost: Int,
        lossPct: Double?, concealedPct: Double?, mos: MosSpread?, poorSeconds: Int, path: QualityPath?
    ) {
        self.samples = samples
        self.seconds = seconds
        self.rttMs = rttMs
        self.jitterMs = jitterMs
        self.packetsReceived = packetsReceived
        self.packetsLost = packetsLost
        self.lossPct = lossPct
        self.concealedPct = concealedPct
        self.mos = mos
        self.poorSeconds = poorSeconds
        self.path = path
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        samples = try c.decodeCount(.samples)
        seconds = try c.decodeCount(.seconds)
        rttMs = try c.decodeNullable(Spread.self, forKey: .rttMs)
        jitterMs = try c.decodeNullable(Spread.self, forKey: .jitterMs)
        packetsReceived = try c.decodeCount(.packetsReceived)
        packetsLost = try c.decodeCount(.packetsLost)
        lossPct = try c.decodeNullable(Double.self, forKey: .lossPct).map { try c.bounded($0, .lossPct, 0...100) }
        concealedPct = try c.decodeNullable(Double.self, forKey: .concealedPct).map { try c.bounded($0, .concealedPct, 0...100) }
        mos = try c.decodeNullable(MosSpread.self, forKey: .mos)
        poorSeconds = try c.decodeCount(.poorSeconds)
        path = try c.decodeNullable(QualityPath.self, forKey: .path)
    }

    /// Every nullable field is sent, as `null` when empty (zod's `.nullable()` needs the key).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(samples, forKey: .samples)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(rttMs, forKey: .rttMs)
        try c.encode(jitterMs, forKey: .jitterMs)
        try c.encode(packetsReceived, forKey: .packetsReceived)
        try c.encode(packetsLost, forKey: .packetsLost)
        try c.encode(lossPct, forKey: .lossPct)
        try c.encode(concealedPct, forKey: .concealedPct)
        try c.encode(mos, forKey: .mos)
        try c.encode(poorSeconds, forKey: .poorSeconds)
        try c.encode(path, forKey: .path)
    }
}

/// `quality:report {callId, summary}` (`qualityReportSchema`).
public struct QualityReport: Codable, Equatable, Sendable {
    public var callId: CallID
    public var summary: QualitySummary

    public init(callId: CallID, summary: QualitySummary) {
        self.callId = callId
        self.summary = summary
    }
}

extension KeyedDecodingContainer {
    /// `count`: a non-negative integer.
    func decodeCount(_ key: Key, max: Int = 1_000_000_000_000) throws -> Int {
        let value = try decode(Int.self, forKey: key)
        guard (0...max).contains(value) else { throw fail(key, "must be an integer from 0 to \(max)") }
        return value
    }

    func decodeBounded(_ key: Key, _ range: ClosedRange<Double>) throws -> Double {
        try bounded(decode(Double.self, forKey: key), key, range)
    }

    func bounded(_ value: Double, _ key: Key, _ range: ClosedRange<Double>) throws -> Double {
        guard range.contains(value) else { throw fail(key, "must be from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }
}

// MARK: - The arithmetic

public enum QualityMark: String, Codable, Sendable, CaseIterable {
    case good, fair, poor
}

public enum CallQuality {
    /// G.107's satisfaction bands on the MOS scale: good from R 80, fair from R 70.
    public static let mosGood = 4.03
    public static let mosFair = 3.6
    /// How often an end reports while the call goes on (`QUALITY_REPORT_EVERY_MS`).
    public static let reportEvery: Duration = .seconds(30)

    /// ITU-T G.107's E-model, simplified (the formula is written out in `call-quality.ts`).
    public static func estimateMos(rttMs: Double, jitterMs: Double, lossPct: Double) -> Double {
        let latency = rttMs / 2 + jitterMs * 2 + 10
        let delay = latency < 160 ? latency / 40 : (latency - 120) / 10
        let r = Swift.max(0, Swift.min(100, 93.2 - delay - lossPct * 2.5))
        return Swift.max(1, ((1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r)) * 100).rounded() / 100)
    }

    /// One end's mark: its average MOS in the bands, poor when nothing arrived over 3 readings.
    public static func mark(of summary: QualitySummary) -> QualityMark? {
        guard let mos = summary.mos else {
            return summary.packetsReceived == 0 && summary.samples >= 3 ? .poor : nil
        }
        if mos.avg >= mosGood { return .good }
        return mos.avg >= mosFair ? .fair : .poor
    }
}

/// `QualitySummarizer`: one reading a second, each with its time (epoch ms). A counter that goes
/// back means the peer was replaced; the new peer's counters count from zero.
public struct QualitySummarizer: Sendable {
    private var first: Int64?
    private var last: Int64?
    private var previous: StatsSample?
    private var count = 0
    private var received = 0
    private var lost = 0
    private var played = 0
    private var concealed = 0
    private var rtts: [Int] = []
    private var jitters: [Int] = []
    private var scores: [Double] = []
    private var poor = 0
    private var path: QualityPath?

    public init() {}

    public mutating func push(_ sample: StatsSample, at: Int64) {
        if first == nil { first = at }
        last = at
        count += 1
        let prev = previous
        let fresh = prev == nil || sample.packetsReceived < prev!.packetsReceived
        func since(_ key: KeyPath<StatsSample, Int>) -> Int {
            Swift.max(0, fresh ? sample[keyPath: key] : sample[keyPath: key] - prev![keyPath: key])
        }
        let received = since(\.packetsReceived)
        let lost = since(\.packetsLost)
        previous = sample
        self.received += received
        self.lost += lost
        played += since(\.totalSamplesReceived)
        concealed += since(\.concealedSamples)
        if let rtt = sample.rttMs { rtts.append(rtt) }
        if let jitter = sample.jitterMs { jitters.append(jitter) }
        if let newPath = sample.path { path = newPath }
        if prev != nil, received + lost > 0, let rtt = sample.rttMs {
            let loss = Double(lost) / Double(received + lost) * 100
            let score = CallQuality.estimateMos(rttMs: Double(rtt), jitterMs: Double(sample.jitterMs ?? 0), lossPct: loss)
            scores.append(score)
            if score < CallQuality.mosFair { poor += 1 }
        }
    }

    public func summary() -> QualitySummary? {
        guard let first, let last else { return nil }
        let total = received + lost
        return QualitySummary(
            samples: count,
            seconds: Int((Double(last - first) / 1000).rounded()),
            rttMs: Self.spread(rtts),
            jitterMs: Self.spread(jitters),
            packetsReceived: received,
            packetsLost: lost,
            lossPct: total > 0 ? Self.round(Double(lost) / Double(total) * 100, 1) : nil,
            concealedPct: played > 0 ? Self.round(Double(concealed) / Double(played) * 100, 1) : nil,
            mos: scores.isEmpty ? nil : MosSpread(avg: Self.round(Self.average(scores), 2), min: scores.min()!),
            poorSeconds: poor,
            path: path
        )
    }

    /// Summed in order, then divided: the same double JavaScript's loop gives.
    private static func average(_ values: [Double]) -> Double {
        var sum = 0.0
        for value in values { sum += value }
        return sum / Double(values.count)
    }

    private static func spread(_ values: [Int]) -> Spread? {
        guard let max = values.max() else { return nil }
        return Spread(avg: Int(average(values.map(Double.init)).rounded()), max: max)
    }

    /// `Math.round(v · 10^places) / 10^places` (for the non-negative values it is given).
    private static func round(_ value: Double, _ places: Int) -> Double {
        let scale = places == 1 ? 10.0 : 100.0
        return (value * scale).rounded() / scale
    }
}

/// When an end reports (`quality:report`): at its first reading, every `CallQuality.reportEvery`
/// after, and once more when the call's media closes. Owns the call's summarizer.
public struct QualityMeter: Sendable {
    private var summarizer = QualitySummarizer()
    private var reportedAt: Int64?

    public init() {}

    /// A reading at `at` (epoch ms); returns the summary to send now, if it is time.
    public mutating func read(_ sample: StatsSample, at: Int64) -> QualitySummary? {
        summarizer.push(sample, at: at)
        let every = Int64(CallQuality.reportEvery.components.seconds) * 1000
        guard reportedAt.map({ at - $0 >= every }) ?? true else { return nil }
        reportedAt = at
        return summarizer.summary()
    }

    /// The media closed: the last word, or nil when there was never a reading.
    public func finish() -> QualitySummary? {
        summarizer.summary()
    }
}
