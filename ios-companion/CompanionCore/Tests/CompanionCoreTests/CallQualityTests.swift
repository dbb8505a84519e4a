import Foundation
import Testing
@testable import CompanionCore

/// `shared/fixtures/quality-summary`: a call's readings give exactly this summary and mark, here
/// as in `shared/src/call-quality.ts` (the TypeScript suite checks the same files).
enum QualityFixtureKinds {
    struct Case: Decodable {
        struct Reading: Decodable {
            let at: Int64
            let sample: StatsSample
        }

        let readings: [Reading]
        let summary: QualitySummary
        let mark: QualityMark?

        func check() throws {
            var summarizer = QualitySummarizer()
            for reading in readings { summarizer.push(reading.sample, at: reading.at) }
            let made = summarizer.summary()
            try WireRules.require(made == summary, "the summarizer makes \(String(describing: made)), not \(summary)")
            try WireRules.require(CallQuality.mark(of: summary) == mark, "mark \(String(describing: mark))")
        }
    }

    static let models: [String: WireKinds.Model] = [
        "quality-summary": WireKinds.Model(decode: { try JSONDecoder().decode(Case.self, from: $0).check() }, roundTrip: nil),
        "quality-report": WireKinds.model(QualityReport.self),
    ]
}

extension StatsEntry {
    static func of(_ id: String, _ type: String, _ values: [String: StatsEntry.Value]) -> StatsEntry {
        StatsEntry(id: id, type: type, values: values)
    }
}

@Suite("Call quality: what the phone heard, as the console and the server count it")
struct CallQualityTests {
    @Test("the E-model gives the numbers call-quality.ts gives, never under 1", arguments: [
        (0.0, 0.0, 0.0, 4.4), (40, 4, 0, 4.39), (40, 4, 10, 3.47), (400, 0, 0, 4.17), (800, 50, 0, 2.8), (0, 0, 35, 1),
    ])
    func mos(rtt: Double, jitter: Double, loss: Double, expected: Double) {
        #expect(CallQuality.estimateMos(rttMs: rtt, jitterMs: jitter, lossPct: loss) == expected)
    }

    @Test("a WebRTC report reads as RTT, jitter, counters and the path, TURN over TLS included")
    func readsReport() {
        let sample = StatsReading.sample(from: [
            .of("t", "transport", ["selectedCandidatePairId": .string("p")]),
            .of("p", "candidate-pair", [
                "currentRoundTripTime": .number(0.123), "localCandidateId": .string("l"), "remoteCandidateId": .string("r"),
            ]),
            .of("l", "local-candidate", ["candidateType": .string("relay"), "protocol": .string("udp"), "relayProtocol": .string("tls")]),
            .of("r", "remote-candidate", ["candidateType": .string("host")]),
            .of("i", "inbound-rtp", [
                "kind": .string("audio"), "jitter": .number(0.0125), "packetsReceived": .number(900), "packetsLost": .number(12),
                "bytesReceived": .number(70_000), "totalSamplesReceived": .number(96_000), "concealedSamples": .number(4_800),
            ]),
            .of("ri", "remote-inbound-rtp", ["kind": .string("audio"), "fractionLost": .number(0.02)]),
        ])
        #expect(sample == StatsSample(
            rttMs: 123, jitterMs: 13, packetsReceived: 900, packetsLost: 12, bytesReceived: 70_000,
            totalSamplesReceived: 96_000, concealedSamples: 4_800, remoteLossPct: 2, candidateType: "relay",
            path: QualityPath(kind: .turn, transport: .tls)
        ))
        let nat = StatsReading.path(local: .of("l", "local-candidate", ["candidateType": .string("srflx"), "protocol": .string("udp")]), remote: nil)
        #expect(nat == QualityPath(kind: .stun, transport: .udp))
    }

    @Test("the meter reports at the first reading, every 30 s after, and has a last word")
    func cadence() {
        var meter = QualityMeter()
        let reading = { (n: Int) in
            StatsSample(
                rttMs: 40, jitterMs: 4, packetsReceived: n * 50, packetsLost: 0, bytesReceived: n * 4000,
                totalSamplesReceived: n * 48_000, concealedSamples: 0, remoteLossPct: nil, candidateType: "host",
                path: QualityPath(kind: .direct, transport: .udp)
            )
        }
        var sent: [Int] = []
        for n in 1...61 where meter.read(reading(n), at: Int64(n) * 1000) != nil { sent.append(n) }
        #expect(sent == [1, 31, 61])
        #expect(meter.finish()?.samples == 61)
        #expect(QualityMeter().finish() == nil)
    }

    @MainActor
    @Test("what the engine measured goes to the server as quality:report, the fixture's JSON")
    func coordinatorReports() async throws {
        let harness = Harness()
        let id = await harness.answered()
        let summary = try Fixtures.decode(QualityReport.self, kind: "quality-report", file: "valid-end-of-call.json").summary
        harness.media.delegate?.mediaEngine(measured: summary, for: id)
        await harness.settle()
        let sent = try #require(harness.server.emits(.qualityReport).last)
        #expect(try sent.decode(QualityReport.self) == QualityReport(callId: id, summary: summary))
        let json = try JSONDecoder().decode(JSONValue.self, from: sent.payload)
        guard case let .object(fields) = json, case let .object(body) = fields["summary"] else {
            Issue.record("not an object: \(json)")
            return
        }
        // zod's .nullable() needs every key: an empty measure goes as null, not left out.
        #expect(body.count == 11)
    }
}
