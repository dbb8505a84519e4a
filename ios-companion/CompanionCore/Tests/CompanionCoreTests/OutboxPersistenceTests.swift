import Foundation
import Testing
@testable import CompanionCore

/// Issue 21 item 5: a report must survive the app being suspended or killed right after it was
/// made (a decline from the lock screen). Reports are kept on disk until acknowledged, each under
/// a background task, and what is left goes out at the next connect, in order.
@MainActor
@Suite("Reports outlive the app: kept on disk, under background time, sent at the next connect")
struct OutboxPersistenceTests {
    @Test("a decline made offline is on disk until acknowledged, under a background task until then")
    func keptUntilAcknowledged() async throws {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.simulateDisconnect()
        harness.provider.perform(.end, on: id.uuid)
        await harness.settle()

        let stored = harness.outboxStore.saved
        #expect(stored.map(\.event) == ["call:report"])
        let report = try JSONDecoder().decode(CallReport.self, from: try #require(stored.first).payload)
        #expect(report.event == .ended && report.reason == .declined && report.seq == 2)
        #expect(harness.backgroundTasks.open.count == 1)

        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.outboxStore.saved.isEmpty)
        #expect(harness.backgroundTasks.open.isEmpty)
        #expect(harness.server.reports(for: id).map(\.event) == [.reported, .ended])
    }

    @Test("when iOS ends the background time, the task ends and the report stays on disk")
    func expiry() async {
        let harness = Harness()
        let id = await harness.ring()
        harness.server.simulateDisconnect()
        harness.provider.perform(.end, on: id.uuid)
        harness.backgroundTasks.expireAll()
        await harness.settle()
        #expect(harness.backgroundTasks.open.isEmpty)
        #expect(harness.outboxStore.saved.count == 1)
    }

    @Test("a relaunched app sends what an earlier run left, in order, before anything new, once")
    func relaunch() async throws {
        // The first run: answered, then hung up, both while the socket was down; then killed.
        let first = Harness()
        let id = await first.ring()
        first.server.simulateDisconnect()
        first.provider.perform(.answer, on: id.uuid)
        first.provider.perform(.end, on: id.uuid)
        await first.settle()
        let left = first.outboxStore.saved
        #expect(left.count == 2)

        let second = Harness(connected: false, stored: left)
        await second.settle()
        #expect(second.server.emits.isEmpty)
        second.server.simulateConnect()
        await second.settle()
        #expect(second.server.reports(for: id).map(\.event) == [.answered, .ended])
        #expect(second.server.reports(for: id).map(\.seq) == [2, 3])
        #expect(second.outboxStore.saved.isEmpty)
        // Sent once: a later reconnect has nothing left to send.
        second.server.simulateDisconnect()
        second.server.simulateConnect()
        await second.settle()
        #expect(second.server.reports(for: id).count == 2)
    }

    @Test("only reports are kept: the token, the permissions and a call to the console are asked again")
    func onlyReports() async {
        let harness = Harness(connected: false)
        harness.registry.delegate?.pushRegistry(didUpdateToken: Data(repeating: 0xAB, count: 32))
        harness.provider.perform(.start(handle: CallHandle("Switchboard"), video: false), on: UUID())
        await harness.settle()
        #expect(harness.outboxStore.saved.isEmpty)
    }

    @Test("the file store writes atomically and reads back what it wrote; an unreadable file is empty")
    func fileStore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("outbox.json")
        let store = FileOutboxStore(url: url)
        #expect(store.load().isEmpty)
        let request = StoredRequest(event: "call:report", payload: Data(#"{"seq":1}"#.utf8), callId: CallID(UUID()))
        store.save([request])
        #expect(FileOutboxStore(url: url).load() == [request])
        store.save([])
        #expect(!FileManager.default.fileExists(atPath: url.path))
        try Data("not json".utf8).write(to: url)
        #expect(FileOutboxStore(url: url).load().isEmpty)
    }
}
